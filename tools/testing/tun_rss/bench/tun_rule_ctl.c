// SPDX-License-Identifier: GPL-2.0
/*
 * tun_rule_ctl: what one flow rule request costs in the kernel, the
 * ETHTOOL_SRXCLSRLINS / ETHTOOL_SRXCLSRLDEL ioctl on a 4-queue tap, with
 * 0, 1024 and 4095 rules installed.  The ioctl runs under RTNL from the
 * driver call to the end, so its time bounds the RTNL hold of one
 * request.  The installed rules are the worst set a delegate can build
 * (tcp4 rules over 32 distinct source masks, one of them dropping); a
 * round adds a rule at location 4095 and deletes it, %CTL_OPS times,
 * each ioctl timed on its own; the median over %CTL_ROUNDS rounds of the
 * mean per request is printed.
 *
 * Output: "kctl<TAB>add|del<TAB>installed<TAB>ns" lines.  Run as root in
 * the VM by scripts/bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "tun_rss_lib.h"

#define CTL_RULES	4096
#define CTL_MASKS	32
#define CTL_ROUNDS	21
#define CTL_OPS		64

static const unsigned int ctl_installed[] = { 0, 1024, 4095 };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "tun_rule_ctl: %s: %s\n", what, strerror(-err));
	exit(1);
}

static void rule_make(struct ethtool_rx_flow_spec *fs, unsigned int loc,
		      unsigned int m, bool drop)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = TCP_V4_FLOW;
	fs->location = loc;
	fs->ring_cookie = drop ? RX_CLS_FLOW_DISC : loc % 4;
	fs->m_u.tcp_ip4_spec.ip4src = htonl(~(1U << m));
	fs->h_u.tcp_ip4_spec.ip4src = htonl((0xac100000 | (loc * 2654435761u)) &
					    ~(1U << m));
	fs->m_u.tcp_ip4_spec.pdst = 0xffff;
	fs->h_u.tcp_ip4_spec.pdst = htons(1000 + loc % 60000);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	struct trss_dev_opts opts = { .name = "ctl0", .queues = 4 };
	double add[CTL_ROUNDS], del[CTL_ROUNDS], t0, t1, t2;
	struct ethtool_rx_flow_spec fs;
	unsigned int i, n, round, op;
	struct trss_dev dev;
	int err;

	err = trss_dev_create(&dev, &opts);
	if (err)
		die("tap", err);
	err = trss_feature_set(&dev, "rx-ntuple-filter", true);
	if (err)
		die("ntuple on", err);

	for (i = 0; i < ARRAY_SIZE(ctl_installed); i++) {
		n = ctl_installed[i];
		for (op = 0; op < n; op++) {
			rule_make(&fs, op, op % CTL_MASKS, op == CTL_RULES - 2);
			err = trss_rule_ins(&dev, &fs, 0);
			if (err)
				die("installing", err);
		}
		for (round = 0; round < CTL_ROUNDS; round++) {
			double a = 0, d = 0;

			for (op = 0; op < CTL_OPS; op++) {
				rule_make(&fs, CTL_RULES - 1,
					  (round + op) % CTL_MASKS, false);
				fs.h_u.tcp_ip4_spec.pdst = htons(op);
				t0 = now_ns();
				err = trss_rule_ins(&dev, &fs, 0);
				t1 = now_ns();
				if (err)
					die("add", err);
				err = trss_rule_del(&dev, CTL_RULES - 1);
				t2 = now_ns();
				if (err)
					die("delete", err);
				a += t1 - t0;
				d += t2 - t1;
			}
			add[round] = a / CTL_OPS;
			del[round] = d / CTL_OPS;
		}
		qsort(add, CTL_ROUNDS, sizeof(add[0]), cmp_double);
		qsort(del, CTL_ROUNDS, sizeof(del[0]), cmp_double);
		printf("kctl\tadd\t%u\t%.0f\nkctl\tdel\t%u\t%.0f\n", n,
		       add[CTL_ROUNDS / 2], n, del[CTL_ROUNDS / 2]);
		fflush(stdout);
		for (op = 0; op < n; op++) {
			err = trss_rule_del(&dev, op);
			if (err)
				die("removing", err);
		}
	}
	trss_dev_destroy(&dev);
	return 0;
}
