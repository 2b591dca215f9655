// SPDX-License-Identifier: GPL-2.0
/*
 * tun_rss_bench: per-frame cost of the tun RSS engine (drivers/net/tun_rss/)
 * next to the alternatives, in userspace, on the engine's own sources.
 *
 *   tun_rss_bench [-r RUNS] [-t MS] [-v VECTORS] [--tsv] [CASE...]
 *	checks every case, then times each one RUNS times (interleaved,
 *	each run about MS milliseconds) and prints the median ns/frame and
 *	the spread;
 *   tun_rss_bench -n ITERS CASE
 *	checks CASE and runs it exactly ITERS frames, no timing: under
 *	valgrind --tool=callgrind, (Ir(2N) - Ir(N)) / N is the exact
 *	instruction count per frame (scripts/bench.sh);
 *   tun_rss_bench --list | --check
 *
 * Exit status 1 when a check fails: a wrong candidate is never timed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <linux/array_size.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/unaligned.h>

#include "bench.h"
#include "tsv.h"

#ifndef TUN_RSS_TSV
#define TUN_RSS_TSV "../data/toeplitz-ms-vectors.tsv"
#endif

#define BENCH_MAX_CASES		64
#define BENCH_SEED		0x7475e5255ULL
/* Extra random keys every Toeplitz variant is checked with */
#define BENCH_CHECK_KEYS	4

static struct bench_env *env;
static struct tsv_file vectors;
static const char *vectors_path = TUN_RSS_TSV;

static const struct bench_case *cases[BENCH_MAX_CASES];
static unsigned int ncases;

/* Results land here so that no loop is dead code. */
volatile u32 bench_sink;

int bench_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

void bench_register(const struct bench_case *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && ncases < BENCH_MAX_CASES; i++)
		cases[ncases++] = &list[i];
}

const u8 *bench_header_pointer(const u8 *data, unsigned int len, u8 *buf)
{
	(void)len;
	(void)buf;
	return data;
}

/* ---- the reference everything Toeplitz is checked against ---- */

static unsigned int bit_at(const u8 *p, unsigned int k)
{
	return p[k / 8] >> (7 - k % 8) & 1;
}

/* The definition, bit by bit, with no cleverness to get wrong. */
static u32 toeplitz_definition(const u8 *key, const u8 *in, unsigned int len)
{
	unsigned int k, j;
	u32 hash = 0;

	for (k = 0; k < 8 * len; k++) {
		u32 window = 0;

		if (!bit_at(in, k))
			continue;
		for (j = 0; j < 32; j++)
			window = window << 1 | bit_at(key, k + j);
		hash ^= window;
	}
	return hash;
}

/* ---- the pool of flows ---- */

/* Ethernet/IPv4|IPv6/TCP, from a tuple: addresses then ports. */
static unsigned int frame_build(u8 *f, int l3, const u8 *tuple)
{
	static const u8 macs[12] = { 0x02, 0, 0, 0, 0, 0x01,
				     0x02, 0, 0, 0, 0, 0x02 };
	unsigned int alen = l3 == 6 ? 16 : 4, ip, tcp, len, i;
	u32 sum = 0;

	memset(f, 0, BENCH_FRAME_MAX);
	memcpy(f, macs, sizeof(macs));
	put_unaligned_be16(l3 == 6 ? ETH_P_IPV6 : ETH_P_IP, f + 12);
	ip = ETH_HLEN;
	if (l3 == 6) {
		f[ip] = 0x60;
		put_unaligned_be16(20, f + ip + 4);	/* payload length */
		f[ip + 6] = IPPROTO_TCP;
		f[ip + 7] = 64;
		memcpy(f + ip + 8, tuple, 32);
		tcp = ip + 40;
	} else {
		f[ip] = 0x45;
		put_unaligned_be16(40, f + ip + 2);	/* total length */
		put_unaligned_be16(0x4000, f + ip + 6);	/* DF */
		f[ip + 8] = 64;
		f[ip + 9] = IPPROTO_TCP;
		memcpy(f + ip + 12, tuple, 8);
		for (i = 0; i < 20; i += 2)
			sum += get_unaligned_be16(f + ip + i);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		put_unaligned_be16(~sum & 0xffff, f + ip + 10);
		tcp = ip + 20;
	}
	memcpy(f + tcp, tuple + 2 * alen, 4);		/* ports */
	put_unaligned_be32(1, f + tcp + 4);		/* seq */
	f[tcp + 12] = 5 << 4;				/* doff */
	f[tcp + 13] = 0x10;				/* ACK */
	put_unaligned_be16(65535, f + tcp + 14);	/* window */
	len = tcp + 20;
	return len < ETH_ZLEN ? ETH_ZLEN : len;
}

static struct bench_env *env_build(void)
{
	struct bench_env *e;
	struct rnd_state rnd;
	unsigned int i;

	e = aligned_alloc(64, (sizeof(*e) + 63) & ~(size_t)63);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->ctx = aligned_alloc(64, (sizeof(*e->ctx) + 63) & ~(size_t)63);
	if (!e->ctx)
		return NULL;

	memcpy(e->key, vectors.key, sizeof(e->key));
	tun_rss_ctx_init(e->ctx, e->key, BENCH_NQUEUES);

	prandom_seed_state(&rnd, BENCH_SEED);
	e->jhash_seed = prandom_u32_state(&rnd);
	prandom_bytes_state(&rnd, &e->sip_seed, sizeof(e->sip_seed));

	/* Uniformly random addresses and ports: half the input bits set. */
	for (i = 0; i < BENCH_POOL; i++) {
		prandom_bytes_state(&rnd, e->tuple4[i], BENCH_TUPLE4_LEN);
		prandom_bytes_state(&rnd, e->tuple6[i], BENCH_TUPLE6_LEN);
		memcpy(e->buf4[i], e->tuple4[i], BENCH_TUPLE4_LEN);
		memcpy(e->words4[i], e->tuple4[i], BENCH_TUPLE4_LEN);
		memcpy(e->words6[i], e->tuple6[i], BENCH_TUPLE6_LEN);
		e->len4 = frame_build(e->frame4[i], 4, e->tuple4[i]);
		e->len6 = frame_build(e->frame6[i], 6, e->tuple6[i]);
		tun_rss_parse(&e->fl4[i], e->frame4[i], e->len4, true, 0);
		tun_rss_parse(&e->fl6[i], e->frame6[i], e->len6, true, 0);
	}
	return e;
}

/* The hash input of a verification row: addresses, then ports if @l4. */
static unsigned int vector_input(const struct tsv_row *r, bool l4, u8 *in)
{
	unsigned int alen = r->l3 == 6 ? 16 : 4;

	memset(in, 0, TOEPLITZ_BUF_LEN);
	memcpy(in, r->src, alen);
	memcpy(in + alen, r->dst, alen);
	if (!l4)
		return 2 * alen;
	put_unaligned_be16(r->sport, in + 2 * alen);
	put_unaligned_be16(r->dport, in + 2 * alen + 2);
	return 2 * alen + 4;
}

/* ---- Toeplitz: table-driven (the engine), bit-serial, set-bit ---- */

enum toeplitz_variant {
	TOEPLITZ_TABLE,
	TOEPLITZ_BIT_SERIAL,
	TOEPLITZ_SET_BITS,
};

static u32 toeplitz_variant(enum toeplitz_variant v,
			    const struct tun_rss_hkey *hk, const u8 *key,
			    const u8 *in, unsigned int len)
{
	u8 buf[TOEPLITZ_BUF_LEN] = { 0 };

	switch (v) {
	case TOEPLITZ_TABLE:
		return tun_rss_toeplitz(hk, in, len);
	case TOEPLITZ_BIT_SERIAL:
		memcpy(buf, in, len);
		return toeplitz_bit_serial(key, buf);
	case TOEPLITZ_SET_BITS:
		return toeplitz_set_bits(key, in, len);
	}
	return 0;
}

/*
 * A variant must give the published hashes of the verification suite,
 * and the definition's hash of every pool tuple under the suite's key
 * and under random keys.
 */
static int toeplitz_check(enum toeplitz_variant v, int l3, char *why,
			  size_t len)
{
	unsigned int tlen = l3 == 6 ? BENCH_TUPLE6_LEN : BENCH_TUPLE4_LEN;
	struct tun_rss_hkey *hk = malloc(sizeof(*hk));
	struct rnd_state rnd;
	u8 key[TUN_RSS_KEY_SIZE], in[TOEPLITZ_BUF_LEN];
	unsigned int i, k, n, rows = 0;
	int ret = -1;

	if (!hk)
		return bench_fail(why, len, "out of memory");

	tun_rss_hkey_expand(hk, vectors.key);
	for (i = 0; i < vectors.nrows; i++) {
		const struct tsv_row *r = &vectors.row[i];
		u32 got;

		if (r->l3 != l3)
			continue;
		n = vector_input(r, false, in);
		got = toeplitz_variant(v, hk, vectors.key, in, n);
		if (got != r->hash_ip) {
			bench_fail(why, len, "vector %u (IP): 0x%08x, want 0x%08x",
				   i, got, r->hash_ip);
			goto out;
		}
		n = vector_input(r, true, in);
		got = toeplitz_variant(v, hk, vectors.key, in, n);
		if (got != r->hash_l4) {
			bench_fail(why, len, "vector %u (L4): 0x%08x, want 0x%08x",
				   i, got, r->hash_l4);
			goto out;
		}
		rows++;
	}
	if (!rows) {
		bench_fail(why, len, "%s: no IPv%d vectors", vectors_path, l3);
		goto out;
	}

	prandom_seed_state(&rnd, BENCH_SEED + l3);
	for (k = 0; k <= BENCH_CHECK_KEYS; k++) {
		if (k)
			prandom_bytes_state(&rnd, key, sizeof(key));
		else
			memcpy(key, env->key, sizeof(key));
		tun_rss_hkey_expand(hk, key);
		for (i = 0; i < BENCH_POOL; i++) {
			const u8 *t = l3 == 6 ? env->tuple6[i] : env->tuple4[i];
			u32 want = toeplitz_definition(key, t, tlen);
			u32 got = toeplitz_variant(v, hk, key, t, tlen);

			if (got != want) {
				bench_fail(why, len,
					   "key %u flow %u: 0x%08x, definition 0x%08x",
					   k, i, got, want);
				goto out;
			}
		}
	}
	ret = 0;
out:
	free(hk);
	return ret;
}

#define TOEPLITZ_CHECK(fn, variant, l3)					\
static int fn(const struct bench_env *e, char *why, size_t len)	\
{									\
	(void)e;							\
	return toeplitz_check(variant, l3, why, len);			\
}

TOEPLITZ_CHECK(check_table4, TOEPLITZ_TABLE, 4)
TOEPLITZ_CHECK(check_table6, TOEPLITZ_TABLE, 6)
TOEPLITZ_CHECK(check_bit_serial4, TOEPLITZ_BIT_SERIAL, 4)
TOEPLITZ_CHECK(check_bit_serial6, TOEPLITZ_BIT_SERIAL, 6)
TOEPLITZ_CHECK(check_set_bits4, TOEPLITZ_SET_BITS, 4)
TOEPLITZ_CHECK(check_set_bits6, TOEPLITZ_SET_BITS, 6)

static u32 run_table4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, tun_rss_toeplitz(&e->ctx->hk, e->tuple4[p],
						      BENCH_TUPLE4_LEN));
}

static u32 run_table6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, tun_rss_toeplitz(&e->ctx->hk, e->tuple6[p],
						      BENCH_TUPLE6_LEN));
}

static u32 run_bit_serial4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, toeplitz_bit_serial(e->key, e->buf4[p]));
}

static u32 run_bit_serial6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, toeplitz_bit_serial(e->key, e->tuple6[p]));
}

static u32 run_set_bits4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, toeplitz_set_bits(e->key, e->tuple4[p],
						       BENCH_TUPLE4_LEN));
}

static u32 run_set_bits6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, toeplitz_set_bits(e->key, e->tuple6[p],
						       BENCH_TUPLE6_LEN));
}

/* ---- jhash over the same tuples ---- */

/*
 * lookup3's published values (the self-test in lookup3.c, "Four score
 * and seven years ago", initval 0 and 1), then the word forms against
 * the byte form on every pool tuple.
 */
static int check_jhash(const struct bench_env *e, char *why, size_t len)
{
	static const char text[] = "Four score and seven years ago";
	static const struct {
		u32 initval;
		u32 hash;
	} lookup3[] = { { 0, 0x17770551 }, { 1, 0xcd628161 } };
	bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	unsigned int i;
	u32 got;

	for (i = 0; i < ARRAY_SIZE(lookup3); i++) {
		got = jhash(text, sizeof(text) - 1, lookup3[i].initval);
		if (got != lookup3[i].hash)
			return bench_fail(why, len,
					  "jhash(\"%s\", %u): 0x%08x, published 0x%08x",
					  text, lookup3[i].initval, got,
					  lookup3[i].hash);
	}
	for (i = 0; i < BENCH_POOL; i++) {
		const u32 *w = e->words4[i];
		u32 h2 = jhash2(w, 3, e->jhash_seed);

		got = jhash_3words(w[0], w[1], w[2], e->jhash_seed);
		if (got != h2)
			return bench_fail(why, len, "flow %u: jhash_3words 0x%08x, jhash2 0x%08x",
					  i, got, h2);
		if (le && h2 != jhash(e->tuple4[i], 12, e->jhash_seed))
			return bench_fail(why, len, "flow %u: jhash2 and jhash differ (IPv4)", i);
		h2 = jhash2(e->words6[i], 9, e->jhash_seed);
		if (le && h2 != jhash(e->tuple6[i], 36, e->jhash_seed))
			return bench_fail(why, len, "flow %u: jhash2 and jhash differ (IPv6)", i);
	}
	return 0;
}

static u32 run_jhash4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, jhash_3words(e->words4[p][0],
						 e->words4[p][1],
						 e->words4[p][2],
						 e->jhash_seed));
}

static u32 run_jhash6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, jhash2(e->words6[p], 9, e->jhash_seed));
}

/* ---- full select-queue: RSS and the automq-like baseline ---- */

/*
 * Every pool frame and a frame built from every verification row steer
 * by the Toeplitz hash of their tuple: the suite's published L4 hash for
 * the rows, the definition's for the pool.
 */
static int check_rss_select(const struct bench_env *e, int l3, char *why,
			    size_t len)
{
	u8 frame[BENCH_FRAME_MAX], in[TOEPLITZ_BUF_LEN];
	unsigned int i, flen, tlen;
	struct tun_rss_flow fl;
	u16 report, want_report, q;
	u32 hash, want;

	want_report = l3 == 6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
				VIRTIO_NET_HASH_REPORT_TCPv4;
	for (i = 0; i < vectors.nrows + BENCH_POOL; i++) {
		if (i < vectors.nrows) {
			const struct tsv_row *r = &vectors.row[i];

			if (r->l3 != l3)
				continue;
			tlen = vector_input(r, true, in);
			want = r->hash_l4;
		} else {
			const u8 *t = l3 == 6 ? e->tuple6[i - vectors.nrows] :
						e->tuple4[i - vectors.nrows];

			tlen = l3 == 6 ? BENCH_TUPLE6_LEN : BENCH_TUPLE4_LEN;
			memcpy(in, t, tlen);
			want = toeplitz_definition(e->key, in, tlen);
		}
		flen = frame_build(frame, l3, in);
		tun_rss_parse(&fl, frame, flen, true, 0);
		hash = tun_rss_ctx_hash(e->ctx, &fl, &report);
		if (hash != want || report != want_report)
			return bench_fail(why, len,
					  "frame %u: hash 0x%08x type %u, want 0x%08x type %u",
					  i, hash, report, want, want_report);
		q = bench_rss_select(e->ctx, frame, flen, BENCH_NQUEUES);
		if (q != e->ctx->indir[want % TUN_RSS_INDIR_SIZE] % BENCH_NQUEUES)
			return bench_fail(why, len, "frame %u: queue %u, want %u",
					  i, q, e->ctx->indir[want % TUN_RSS_INDIR_SIZE]);
		if (bench_rss_select_skb(e->ctx, frame, flen, BENCH_NQUEUES) != q)
			return bench_fail(why, len, "frame %u: skb path differs", i);
	}
	return 0;
}

/*
 * The dissection finds each pool frame's addresses and ports, in the
 * symmetric order, and the queue is the one their hash scales to.
 */
static int check_automq(const struct bench_env *e, int l3, char *why,
			size_t len)
{
	bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	unsigned int alen = l3 == 6 ? 16 : 4, i;

	for (i = 0; i < BENCH_POOL; i++) {
		const u8 *t = l3 == 6 ? e->tuple6[i] : e->tuple4[i];
		const u8 *f = l3 == 6 ? e->frame6[i] : e->frame4[i];
		unsigned int flen = l3 == 6 ? e->len6 : e->len4;
		struct automq_keys k, want;
		const u8 *lo = t, *hi = t + alen;
		u32 hash;
		u16 q;

		if (!automq_dissect(&k, f, flen))
			return bench_fail(why, len, "flow %u: not dissected", i);

		/* What the keys must be, built from the tuple. */
		memset(&want, 0, sizeof(want));
		want.n_proto = htons(l3 == 6 ? ETH_P_IPV6 : ETH_P_IP);
		want.ip_proto = IPPROTO_TCP;
		want.thoff = ETH_HLEN + (l3 == 6 ? 40 : 20);
		want.addr_type = l3 == 6 ? AUTOMQ_ADDR_IPV6 : AUTOMQ_ADDR_IPV4;
		memcpy(&want.addrs, t, 2 * alen);
		memcpy(&want.sport, t + 2 * alen, 2);
		memcpy(&want.dport, t + 2 * alen + 2, 2);
		if (memcmp(&k, &want, sizeof(k)))
			return bench_fail(why, len, "flow %u: wrong flow keys", i);

		/* Symmetric order: lower address and lower port first. */
		if (l3 == 6 ? memcmp(hi, lo, 16) < 0 :
			      (u32)want.addrs.v4.dst < (u32)want.addrs.v4.src) {
			memcpy(&want.addrs, hi, alen);
			memcpy((u8 *)&want.addrs + alen, lo, alen);
		}
		if ((u16)want.dport < (u16)want.sport) {
			__be16 p = want.sport;

			want.sport = want.dport;
			want.dport = p;
		}
		if (automq_hash_len(&want) != (l3 == 6 ? 72 : 48))
			return bench_fail(why, len, "hash length %u",
					  automq_hash_len(&want));

		/* The byte form: the same as jhash2 on a little-endian host */
		hash = le ? jhash(automq_hash_start(&want),
				  automq_hash_len(&want), e->jhash_seed) :
			    jhash2(automq_hash_start(&want),
				   automq_hash_len(&want) / 4, e->jhash_seed);
		hash = hash ?: 1;
		q = automq_select_jhash(f, flen, e->jhash_seed, BENCH_NQUEUES);
		if (q != (u16)(((u64)hash * BENCH_NQUEUES) >> 32))
			return bench_fail(why, len, "flow %u: jhash queue %u", i, q);

		hash = (u32)siphash(automq_hash_start(&want),
				    automq_hash_len(&want), &e->sip_seed) ?: 1;
		q = automq_select_siphash(f, flen, &e->sip_seed, BENCH_NQUEUES);
		if (q != (u16)(((u64)hash * BENCH_NQUEUES) >> 32))
			return bench_fail(why, len, "flow %u: siphash queue %u", i, q);
	}
	return 0;
}

/* SipHash-2-4's reference vector: key 00..0f, message 00..0e. */
static int check_siphash(const struct bench_env *e, char *why, size_t len)
{
	struct siphash_key key;
	u8 kb[16], msg[15];
	unsigned int i;
	u64 got;

	(void)e;
	for (i = 0; i < sizeof(kb); i++)
		kb[i] = i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	key.key[0] = bench_get_le64(kb);
	key.key[1] = bench_get_le64(kb + 8);
	got = siphash(msg, sizeof(msg), &key);
	if (got != 0xa129ca6149be45e5ULL)
		return bench_fail(why, len, "siphash reference vector: 0x%016llx",
				  (unsigned long long)got);
	return 0;
}

static int check_select4(const struct bench_env *e, char *why, size_t len)
{
	return check_rss_select(e, 4, why, len);
}

static int check_select6(const struct bench_env *e, char *why, size_t len)
{
	return check_rss_select(e, 6, why, len);
}

static int check_automq4(const struct bench_env *e, char *why, size_t len)
{
	return check_jhash(e, why, len) ?: check_automq(e, 4, why, len);
}

static int check_automq6(const struct bench_env *e, char *why, size_t len)
{
	return check_jhash(e, why, len) ?: check_automq(e, 6, why, len);
}

static int check_automq_sip4(const struct bench_env *e, char *why, size_t len)
{
	return check_siphash(e, why, len) ?: check_automq(e, 4, why, len);
}

static int check_automq_sip6(const struct bench_env *e, char *why, size_t len)
{
	return check_siphash(e, why, len) ?: check_automq(e, 6, why, len);
}

static u32 run_select4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, bench_rss_select(e->ctx, e->frame4[p],
						      e->len4, BENCH_NQUEUES));
}

static u32 run_select6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, bench_rss_select(e->ctx, e->frame6[p],
						      e->len6, BENCH_NQUEUES));
}

static u32 run_select_skb4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, bench_rss_select_skb(e->ctx, e->frame4[p],
							  e->len4,
							  BENCH_NQUEUES));
}

static u32 run_select_skb6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, bench_rss_select_skb(e->ctx, e->frame6[p],
							  e->len6,
							  BENCH_NQUEUES));
}

static u32 run_automq4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, automq_select_jhash(e->frame4[p], e->len4,
							e->jhash_seed,
							BENCH_NQUEUES));
}

static u32 run_automq6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, automq_select_jhash(e->frame6[p], e->len6,
							e->jhash_seed,
							BENCH_NQUEUES));
}

static u32 run_automq_sip4(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, automq_select_siphash(e->frame4[p], e->len4,
							  &e->sip_seed,
							  BENCH_NQUEUES));
}

static u32 run_automq_sip6(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, automq_select_siphash(e->frame6[p], e->len6,
							  &e->sip_seed,
							  BENCH_NQUEUES));
}

/* The classifier's cases, when it is built, come from cls_bench.c. */
static const struct bench_case builtin_cases[] = {
	{ "toeplitz/table/ipv4", "table-driven Toeplitz (engine), 12 B",
	  NULL, check_table4, run_table4 },
	{ "toeplitz/table/ipv6", "table-driven Toeplitz (engine), 36 B",
	  NULL, check_table6, run_table6 },
	{ "toeplitz/bit-serial/ipv4", "bit-serial Toeplitz, 36 B buffer",
	  NULL, check_bit_serial4, run_bit_serial4 },
	{ "toeplitz/bit-serial/ipv6", "bit-serial Toeplitz, 36 B buffer",
	  NULL, check_bit_serial6, run_bit_serial6 },
	{ "toeplitz/set-bits/ipv4", "set-bit-iteration Toeplitz, 12 B",
	  NULL, check_set_bits4, run_set_bits4 },
	{ "toeplitz/set-bits/ipv6", "set-bit-iteration Toeplitz, 36 B",
	  NULL, check_set_bits6, run_set_bits6 },
	{ "jhash/ipv4", "jhash_3words, 12 B",
	  NULL, check_jhash, run_jhash4 },
	{ "jhash/ipv6", "jhash2, 36 B",
	  NULL, check_jhash, run_jhash6 },
	{ "select/rss/ipv4", "parse + ctx_hash + ctx_queue, Eth/IPv4/TCP",
	  NULL, check_select4, run_select4 },
	{ "select/rss/ipv6", "parse + ctx_hash + ctx_queue, Eth/IPv6/TCP",
	  NULL, check_select6, run_select6 },
	{ "select/rss-skb-buf/ipv4", "the same + steer.c's zeroed 256 B buffer",
	  NULL, check_select4, run_select_skb4 },
	{ "select/rss-skb-buf/ipv6", "the same + steer.c's zeroed 256 B buffer",
	  NULL, check_select6, run_select_skb6 },
	{ "select/automq/ipv4", "dissect + jhash2 48 B + scale, Eth/IPv4/TCP",
	  NULL, check_automq4, run_automq4 },
	{ "select/automq/ipv6", "dissect + jhash2 72 B + scale, Eth/IPv6/TCP",
	  NULL, check_automq6, run_automq6 },
	{ "select/automq-siphash/ipv4", "the same with SipHash-2-4 (6.12)",
	  NULL, check_automq_sip4, run_automq_sip4 },
	{ "select/automq-siphash/ipv6", "the same with SipHash-2-4 (6.12)",
	  NULL, check_automq_sip6, run_automq_sip6 },
};

/* ---- running ---- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double time_run(const struct bench_case *c, unsigned long iters)
{
	double t0 = now_ns();

	bench_sink ^= c->run(env, iters);
	return (now_ns() - t0) / iters;
}

/* Frames per run so that a run takes about @ms milliseconds. */
static unsigned long calibrate(const struct bench_case *c, double ms)
{
	unsigned long iters = BENCH_POOL;
	double ns;

	time_run(c, iters);
	for (;;) {
		ns = time_run(c, iters);
		if (ns * iters > ms * 1e6 / 8 || iters > 1UL << 40)
			break;
		iters *= 2;
	}
	iters = (unsigned long)(ms * 1e6 / ns);
	iters = (iters + BENCH_POOL - 1) & ~(unsigned long)(BENCH_POOL - 1);
	return iters ?: BENCH_POOL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int prepare(const struct bench_case *c)
{
	char why[256] = "";

	if ((c->setup && c->setup(env, why, sizeof(why))) ||
	    (c->check && c->check(env, why, sizeof(why)))) {
		fprintf(stderr, "tun_rss_bench: %s: check failed: %s\n",
			c->name, why);
		return -1;
	}
	return 0;
}

static bool selected(const struct bench_case *c, char **names, int n)
{
	int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], c->name))
			return true;
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tun_rss_bench [-r RUNS] [-t MS] [-v VECTORS] [--tsv] [CASE...]\n"
		"       tun_rss_bench -n ITERS [-v VECTORS] CASE\n"
		"       tun_rss_bench --list | --check\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "ms", required_argument, NULL, 't' },
		{ "iters", required_argument, NULL, 'n' },
		{ "vectors", required_argument, NULL, 'v' },
		{ "tsv", no_argument, NULL, 'T' },
		{ "list", no_argument, NULL, 'l' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const struct bench_case *run[BENCH_MAX_CASES];
	bool tsv = false, list = false, check_only = false;
	unsigned long iters = 0, it[BENCH_MAX_CASES];
	static double ns[BENCH_MAX_CASES][1001];
	unsigned int i, n = 0, r, runs = 11;
	char err[512];
	double ms = 20;
	int opt;

	while ((opt = getopt_long(argc, argv, "r:t:n:v:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			runs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			ms = strtod(optarg, NULL);
			break;
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			vectors_path = optarg;
			break;
		case 'T':
			tsv = true;
			break;
		case 'l':
			list = true;
			break;
		case 'c':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!runs || runs > 1001 || ms <= 0) {
		usage(stderr);
		return 2;
	}

	/* Built-in cases first, then those that registered themselves. */
	memmove(&cases[ARRAY_SIZE(builtin_cases)], cases,
		ncases * sizeof(cases[0]));
	for (i = 0; i < ARRAY_SIZE(builtin_cases); i++)
		cases[i] = &builtin_cases[i];
	ncases += ARRAY_SIZE(builtin_cases);

	if (list) {
		for (i = 0; i < ncases; i++)
			printf("%s\t%s\n", cases[i]->name, cases[i]->what);
#ifdef TUN_RSS_BENCH_NO_CLS
		printf("skip\tclassifier: %s\n", TUN_RSS_BENCH_NO_CLS);
#endif
		return 0;
	}

	if (tsv_load(vectors_path, &vectors, err, sizeof(err))) {
		fprintf(stderr, "tun_rss_bench: %s\n", err);
		return 1;
	}
	env = env_build();
	if (!env) {
		fprintf(stderr, "tun_rss_bench: out of memory\n");
		return 1;
	}

	for (i = 0; i < ncases; i++)
		if (selected(cases[i], argv + optind, argc - optind))
			run[n++] = cases[i];
	if (!n || (iters && n != 1)) {
		fprintf(stderr, "tun_rss_bench: %s\n",
			n ? "-n runs exactly one case" : "no such case");
		return 2;
	}

	for (i = 0; i < n; i++)
		if (prepare(run[i]))
			return 1;
	if (check_only) {
		printf("tun_rss_bench: %u cases checked\n", n);
		return 0;
	}

	/* Counting mode: a fixed amount of work, nothing else. */
	if (iters) {
		bench_sink ^= run[0]->run(env, iters);
		printf("%s\t%lu frames\t0x%08x\n", run[0]->name, iters,
		       bench_sink);
		return 0;
	}

	for (i = 0; i < n; i++)
		it[i] = calibrate(run[i], ms);
	/* Rounds over all cases, so that drift hits every case alike. */
	for (r = 0; r < runs; r++)
		for (i = 0; i < n; i++)
			ns[i][r] = time_run(run[i], it[i]);

	if (!tsv)
		printf("%-28s %9s %9s %9s %7s  %s\n", "case", "ns/frame",
		       "min", "max", "spread", "what");
	for (i = 0; i < n; i++) {
		double med, lo, hi;

		qsort(ns[i], runs, sizeof(double), cmp_double);
		med = runs % 2 ? ns[i][runs / 2] :
				 (ns[i][runs / 2 - 1] + ns[i][runs / 2]) / 2;
		lo = ns[i][0];
		hi = ns[i][runs - 1];
		if (tsv)
			printf("%s\t%.3f\t%.3f\t%.3f\t%lu\t%u\t%s\n",
			       run[i]->name, med, lo, hi, it[i], runs,
			       run[i]->what);
		else
			printf("%-28s %9.2f %9.2f %9.2f %6.1f%%  %s\n",
			       run[i]->name, med, lo, hi,
			       100 * (hi - lo) / med, run[i]->what);
	}
#ifdef TUN_RSS_BENCH_NO_CLS
	if (optind == argc)
		printf(tsv ? "skip\tclassifier: %s\n" :
			     "skipped: classifier: %s\n",
		       TUN_RSS_BENCH_NO_CLS);
#endif
	return 0;
}
