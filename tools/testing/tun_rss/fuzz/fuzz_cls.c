// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_cls: random ntuple rule sets through tun_rss_rule_from_fs() and
 * tun_rss_cls_build(), every lookup compared with a linear search over
 * the same rules: the lowest location whose (key & mask) equals the rule's
 * key, as cls.c documents (SPEC §3 step 1).
 *
 * Input:
 *
 *   0    bit 0: before the build, fill each rule's key bits outside its
 *	  mask with noise (tun_rss_cls_build() documents them as ignored)
 *	  bits 1-2: make allocation 1, 2 or 3 of the build fail (3: none
 *	  left to fail); the build must then return NULL, leaking nothing
 *   1-4  bucket hash seed (little endian)
 *   5    number of flow-spec records (fuzz.h describes one)
 *
 * then the records; the accepted specs with a location not seen before
 * make the rule set.  The rest of the input is lookups, each a selector
 * byte, bits 0-1:
 *
 *   0  near a rule: rule index, noise byte; the rule's key with noise in
 *      the bits outside its mask; bit 2: then flip one bit of the key
 *      (u16, little endian, modulo the bits before the pad)
 *   1  a raw key, 60 bytes (the pad stays zero)
 *   2  a frame: length byte, bytes; bit 2: at Ethernet, else at L3 with
 *      bit 3 choosing IPv6 over IPv4; through tun_rss_parse() and
 *      tun_rss_cls_key_from_flow()
 *   3  the zero key; bit 2: noise over every byte (noise byte)
 */
#include <stdint.h>
#include <string.h>

#include <linux/if_ether.h>
#include <linux/slab.h>
#include <asm/byteorder.h>

#include "fuzz.h"

#define FZ_MAX_RULES		255
#define FZ_GARBLE		0x01
#define FZ_FAIL_ALLOC(f)	(((f) >> 1) & 3)

#define FZ_KEY_NEAR		0
#define FZ_KEY_RAW		1
#define FZ_KEY_FRAME		2
#define FZ_KEY_ZERO		3
#define FZ_KEY_FLIP		0x04
#define FZ_KEY_L2		0x04
#define FZ_KEY_IPV6		0x08
#define FZ_KEY_NOISE		0x04

/* Reproducible noise from a byte of input */
static void fz_noise(u8 *p, size_t n, u32 seed)
{
	u32 x = seed * 0x9e3779b1u | 1;

	while (n--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		*p++ = (u8)(x >> 24);
	}
}

/* @k with noise in the bits @mask does not compare */
static void fz_noise_outside(struct tun_rss_cls_key *k,
			     const struct tun_rss_cls_key *mask, u32 seed)
{
	u8 noise[sizeof(*k)], *kb = (u8 *)k;
	const u8 *mb = (const u8 *)mask;
	size_t i;

	fz_noise(noise, sizeof(noise), seed);
	for (i = 0; i < sizeof(*k); i++)
		kb[i] = (kb[i] & mb[i]) | (noise[i] & ~mb[i]);
}

static void fz_lookup_key(struct fz_in *in, struct tun_rss_cls_key *k,
			  const struct tun_rss_rule *rules, unsigned int n)
{
	u8 sel = fz_u8(in), frame[255], len, b;
	struct tun_rss_flow fl;

	memset(k, 0, sizeof(*k));
	switch (sel & 3) {
	case FZ_KEY_NEAR:
		b = fz_u8(in);
		if (n) {
			const struct tun_rss_rule *r = &rules[b % n];

			*k = r->key;
			fz_noise_outside(k, &r->mask, fz_u8(in) | sel << 8);
		}
		memset(k->pad, 0, sizeof(k->pad));
		if (sel & FZ_KEY_FLIP) {
			u16 bit = fz_u16(in) %
				  (8 * offsetof(struct tun_rss_cls_key, pad));

			((u8 *)k)[bit / 8] ^= 1 << (bit % 8);
		}
		break;
	case FZ_KEY_RAW:
		fz_bytes(in, k, offsetof(struct tun_rss_cls_key, pad));
		break;
	case FZ_KEY_FRAME:
		len = fz_u8(in);
		fz_bytes(in, frame, len);
		tun_rss_parse(&fl, frame, len, sel & FZ_KEY_L2,
			      htons(sel & FZ_KEY_IPV6 ? ETH_P_IPV6 : ETH_P_IP));
		tun_rss_cls_key_from_flow(k, &fl);
		break;
	case FZ_KEY_ZERO:
		if (sel & FZ_KEY_NOISE) {
			fz_noise((u8 *)k, offsetof(struct tun_rss_cls_key, pad),
				 fz_u8(in) | sel << 8);
		}
		break;
	}
}

/* The specification: every rule, the lowest matching location */
static const struct tun_rss_rule *
fz_cls_ref(const struct tun_rss_rule *rules, unsigned int n,
	   const struct tun_rss_cls_key *k)
{
	const struct tun_rss_rule *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!fz_key_match(k, &rules[i].key, &rules[i].mask))
			continue;
		if (!best || rules[i].location < best->location)
			best = &rules[i];
	}
	return best;
}

static void fz_dump_key(const char *what, const struct tun_rss_cls_key *k)
{
	const u8 *b = (const u8 *)k;
	size_t i;

	fprintf(stderr, "| %-6s", what);
	for (i = 0; i < sizeof(*k); i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ", b[i]);
	fprintf(stderr, "\n");
}

static void fz_check_lookup(const struct tun_rss_rule *got,
			    const struct tun_rss_rule *want,
			    const struct tun_rss_cls_key *k)
{
	if (!got && !want)
		return;
	if (!got || !want || got->location != want->location) {
		fz_dump_key("frame", k);
		if (want) {
			fz_dump_key("key", &want->key);
			fz_dump_key("mask", &want->mask);
		}
		if (got) {
			fz_dump_key("got k", &got->key);
			fz_dump_key("got m", &got->mask);
		}
		FZ_CHECK(0, "lookup: location %lld, linear search %lld",
			 got ? (long long)got->location : -1LL,
			 want ? (long long)want->location : -1LL);
	}
	FZ_CHECK(!memcmp(&got->mask, &want->mask, sizeof(got->mask)) &&
		 fz_key_match(&got->key, &want->key, &want->mask) &&
		 got->action == want->action && got->queue == want->queue &&
		 got->ctx == want->ctx,
		 "rule at location %u comes back changed", got->location);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tun_rss_rule rules[FZ_MAX_RULES], built[FZ_MAX_RULES];
	struct ethtool_rx_flow_spec fs, prev;
	struct fz_in in = { data, size };
	unsigned int nspecs, n = 0, i, j;
	const struct tun_rss_rule *got;
	struct tun_rss_cls_key k;
	struct tun_rss_cls *cls;
	bool has_drop = false;
	const char *why;
	u8 flags;
	u32 seed;

	flags = fz_u8(&in);
	seed = fz_u32(&in);
	nspecs = fz_u8(&in);

	memset(&prev, 0, sizeof(prev));
	for (i = 0; i < nspecs && in.n; i++) {
		struct tun_rss_rule *r = &rules[n];

		fz_flow_spec(&in, &fs, &prev);
		prev = fs;
		why = NULL;
		/* Some context number; rules.c checks it exists, not cls.c. */
		if (tun_rss_rule_from_fs(r, &fs, fs.ring_cookie >> 8 & 0x3f,
					 &why))
			continue;
		for (j = 0; j < n && rules[j].location != r->location; j++)
			;
		if (j < n)
			continue;	/* location taken: the glue refuses */
		has_drop |= r->action == TUN_RSS_ACT_DROP;
		n++;
	}

	memcpy(built, rules, n * sizeof(*rules));
	if (flags & FZ_GARBLE)
		for (i = 0; i < n; i++)
			fz_noise_outside(&built[i].key, &built[i].mask,
					 seed + i);
	fz_fail_alloc = FZ_FAIL_ALLOC(flags);
	cls = tun_rss_cls_build(built, n, seed);
	if (!cls) {
		FZ_CHECK(FZ_FAIL_ALLOC(flags) && !fz_fail_alloc,
			 "tun_rss_cls_build() of %u rules failed", n);
		tun_rss_cls_free(cls);	/* what a caller's error path does */
		return 0;
	}
	fz_fail_alloc = 0;
	/* The classifier keeps its own copy. */
	memset(built, 0x5a, n * sizeof(*built));
	FZ_CHECK(tun_rss_cls_has_drop(cls) == has_drop, "has_drop");

	while (in.n) {
		fz_lookup_key(&in, &k, rules, n);
		got = tun_rss_cls_lookup(cls, &k);
		fz_check_lookup(got, fz_cls_ref(rules, n, &k), &k);
	}
	if (!n)
		FZ_CHECK(!tun_rss_cls_lookup(NULL, &k) &&
			 !tun_rss_cls_has_drop(NULL), "NULL classifier");
	tun_rss_cls_free(cls);
	return 0;
}
