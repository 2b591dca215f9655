// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of the Toeplitz verification vectors file:
 *
 *   # <description>
 *   # key<TAB><80 hex digits>
 *   # dst<TAB>dst_port<TAB>src<TAB>src_port<TAB>hash_ip<TAB>hash_ip_l4
 *   <address><TAB><port><TAB><address><TAB><port><TAB>0x...<TAB>0x...
 *
 * Strict: anything else in the file is an error, so that a changed file
 * cannot silently test less.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsv.h"

static const char tsv_columns[] =
	"# dst\tdst_port\tsrc\tsrc_port\thash_ip\thash_ip_l4";

static int tsv_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int tsv_addr(const char *s, uint8_t *out, int *l3)
{
	int l = strchr(s, ':') ? 6 : 4;

	memset(out, 0, 16);
	if (inet_pton(l == 6 ? AF_INET6 : AF_INET, s, out) != 1)
		return -1;
	*l3 = l;
	return 0;
}

static int tsv_num(const char *s, int base, unsigned long max,
		   unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, base);
	if (errno || end == s || *end || *out > max)
		return -1;
	return 0;
}

static int tsv_key(const char *hex, uint8_t *key)
{
	unsigned int i;

	if (strlen(hex) != 2 * TSV_KEY_SIZE)
		return -1;
	for (i = 0; i < TSV_KEY_SIZE; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		unsigned long v;

		if (tsv_num(byte, 16, 0xff, &v))
			return -1;
		key[i] = v;
	}
	return 0;
}

int tsv_load(const char *path, struct tsv_file *tf, char *err, size_t errlen)
{
	int have_key = 0, have_columns = 0, lineno = 0, ret = -1;
	char line[512];
	FILE *f;

	memset(tf, 0, sizeof(*tf));
	f = fopen(path, "r");
	if (!f)
		return tsv_err(err, errlen, "%s: %s", path, strerror(errno));

	while (fgets(line, sizeof(line), f)) {
		char *field[6], *save = NULL, *p;
		unsigned long v[4];
		struct tsv_row *r;
		int n, l3s, l3d;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "# key\t", 6)) {
			if (tsv_key(line + 6, tf->key))
				goto bad;
			have_key = 1;
			continue;
		}
		if (!strcmp(line, tsv_columns)) {
			have_columns = 1;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (!have_key || !have_columns)
			goto bad;
		if (tf->nrows == TSV_MAX_ROWS) {
			tsv_err(err, errlen, "%s: more than %d rows", path,
				TSV_MAX_ROWS);
			goto out;
		}

		for (n = 0, p = line; n < 6; n++, p = NULL) {
			field[n] = strtok_r(p, "\t", &save);
			if (!field[n])
				goto bad;
		}
		if (strtok_r(NULL, "\t", &save))
			goto bad;

		r = &tf->row[tf->nrows];
		if (tsv_addr(field[0], r->dst, &l3d) ||
		    tsv_addr(field[2], r->src, &l3s) || l3s != l3d ||
		    tsv_num(field[1], 10, 0xffff, &v[0]) ||
		    tsv_num(field[3], 10, 0xffff, &v[1]) ||
		    strncmp(field[4], "0x", 2) || strncmp(field[5], "0x", 2) ||
		    tsv_num(field[4] + 2, 16, 0xffffffff, &v[2]) ||
		    tsv_num(field[5] + 2, 16, 0xffffffff, &v[3]))
			goto bad;
		r->l3 = l3s;
		r->dport = v[0];
		r->sport = v[1];
		r->hash_ip = v[2];
		r->hash_l4 = v[3];
		tf->nrows++;
	}
	if (ferror(f)) {
		tsv_err(err, errlen, "%s: read error", path);
		goto out;
	}
	if (!have_key || !tf->nrows) {
		tsv_err(err, errlen, "%s: no key or no vectors", path);
		goto out;
	}
	ret = 0;
	goto out;
bad:
	tsv_err(err, errlen, "%s:%d: malformed line", path, lineno);
out:
	fclose(f);
	return ret;
}
