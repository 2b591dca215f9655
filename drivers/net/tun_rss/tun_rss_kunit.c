// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pure part of the tun RSS engine: Toeplitz against
 * Microsoft's verification suite and a bit-serial reference, the frame
 * parser on truncated and malformed frames, the per-context hash, hash
 * fields and indirection, and the ntuple flow rules: their conversion
 * from ethtool flow specs and the classifier against linear references.
 *
 * Expected values come from the vectors or from the reference below,
 * never from the code under test.  The same file also builds in
 * userspace against tools/testing/tun_rss/shim, where it runs under
 * ASan and UBSan: every frame is parsed from a buffer of exactly its
 * length, so a read past the end fails there (and under KASAN here).
 */

#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/byteorder.h>

#include "tun_rss_core.h"
#include "tun_rss_vectors.h"

/* Fixed, so that a failure can be replayed. */
#define TUN_RSS_TEST_SEED	0x74756e2d727373ULL

#define TUN_RSS_F_ALL	(TUN_RSS_F_VLAN | TUN_RSS_F_IP | TUN_RSS_F_FRAG | \
			 TUN_RSS_F_L4 | TUN_RSS_F_IP6_EX | TUN_RSS_F_TRUNC)

/* Random tests stop after this many failures: one explains them all. */
#define TUN_RSS_TEST_MAX_FAILS	5

/* Largest frame the builder makes, with room for tests to grow one. */
#define TUN_RSS_TFRAME_MAX	(TUN_RSS_PARSE_MAX + 64)

/*
 * Toeplitz by its definition: one input bit and one key bit at a time;
 * past the key's end (inputs over 36 bytes), the key again from its start.
 */
static u32 tun_rss_ref_toeplitz(const u8 *key, const u8 *in, unsigned int len)
{
	unsigned int k, t;
	u32 hash = 0;

	for (k = 0; k < 8 * len; k++) {
		if (!(in[k / 8] & (0x80 >> (k % 8))))
			continue;
		for (t = 0; t < 32; t++)
			if (key[(k + t) / 8 % TUN_RSS_KEY_SIZE] &
			    (0x80 >> ((k + t) % 8)))
				hash ^= 0x80000000U >> t;
	}
	return hash;
}

/**
 * struct tun_rss_ttuple - the flow a test frame carries
 * @l3: 4 or 6, or 0 for a frame that is not IP
 * @src: source address
 * @dst: destination address
 * @sport: source port (host order)
 * @dport: destination port (host order)
 */
struct tun_rss_ttuple {
	u8 l3;
	u8 src[16];
	u8 dst[16];
	u16 sport;
	u16 dport;
};

/*
 * The virtio hash input of a tuple, built from the test's own idea of the
 * flow: src | dst [| sport | dport], or with symmetric-XOR (scaling.rst)
 * (src ^ dst, src ^ dst [, sport ^ dport, sport ^ dport]).
 */
static unsigned int tun_rss_ref_input(u8 *in, const struct tun_rss_ttuple *t,
				      bool ports, bool sym)
{
	unsigned int alen = t->l3 == 6 ? 16 : 4;
	unsigned int i;

	for (i = 0; i < alen; i++) {
		in[i] = sym ? t->src[i] ^ t->dst[i] : t->src[i];
		in[alen + i] = sym ? t->src[i] ^ t->dst[i] : t->dst[i];
	}
	if (!ports)
		return 2 * alen;
	put_unaligned_be16(sym ? t->sport ^ t->dport : t->sport, in + 2 * alen);
	put_unaligned_be16(sym ? t->sport ^ t->dport : t->dport,
			   in + 2 * alen + 2);
	return 2 * alen + 4;
}

static u32 tun_rss_ref_hash(const u8 *key, const struct tun_rss_ttuple *t,
			    bool ports, bool sym)
{
	u8 in[TUN_RSS_MAX_INPUT];

	return tun_rss_ref_toeplitz(key, in,
				    tun_rss_ref_input(in, t, ports, sym));
}

/**
 * struct tun_rss_tframe - a test frame to build
 * @l2: with an Ethernet header (tap), else starting at L3 (tun)
 * @nvlan: VLAN tags, up to 3 (one more than the parser crosses)
 * @tpid: their TPIDs, outermost first
 * @tci: their TCIs
 * @ethertype: ethertype when @t.l3 is 0
 * @tos: IPv4 TOS or IPv6 traffic class
 * @ihl: IPv4 header length in words; 0 means 5
 * @frag: IPv4 frag_off, or the IPv6 fragment header's offset and M flag
 * @v6frag: add an IPv6 fragment header after the other extension headers
 * @nexthdr: IPv6 extension headers with length (0, 43, 60), in order
 * @nnexthdr: how many of @nexthdr
 * @exthdrlen: the hdrlen field of each of them (length 8 * (1 + hdrlen))
 * @l4proto: upper-layer protocol
 * @l4_4bytes: SPI for AH and ESP, first four bytes for other non-port L4s
 * @t: addresses and ports
 */
struct tun_rss_tframe {
	bool l2;
	u8 nvlan;
	u16 tpid[3];
	u16 tci[3];
	u16 ethertype;
	u8 tos;
	u8 ihl;
	u16 frag;
	bool v6frag;
	u8 nexthdr[10];
	u8 nnexthdr;
	u8 exthdrlen;
	u8 l4proto;
	u32 l4_4bytes;
	struct tun_rss_ttuple t;
};

/**
 * struct tun_rss_tlayout - where the builder put things
 * @len: frame length
 * @l3off: offset of the IP header
 * @l3hlen: length of the IPv4 header, or 40
 * @fragoff: where the parser learns the frame is a fragment, when it is
 * @need: bytes the parser needs to finish; shorter is truncated
 * @l4: the parser finds an L4 header (ports, SPI, first four bytes)
 * @l4proto: the upper-layer protocol the parser reports
 */
struct tun_rss_tlayout {
	unsigned int len;
	unsigned int l3off;
	unsigned int l3hlen;
	unsigned int fragoff;
	unsigned int need;
	bool l4;
	u8 l4proto;
};

static const u8 tun_rss_tmac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 tun_rss_tmac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

static u16 tun_rss_tethertype(const struct tun_rss_tframe *f)
{
	if (f->t.l3 == 4)
		return ETH_P_IP;
	if (f->t.l3 == 6)
		return ETH_P_IPV6;
	return f->ethertype;
}

/* Writes the L4 header at @p; returns its length. */
static unsigned int tun_rss_tbuild_l4(u8 *p, const struct tun_rss_tframe *f,
				      unsigned int *need)
{
	*need = 4;
	switch (f->l4proto) {
	case IPPROTO_TCP:
		put_unaligned_be16(f->t.sport, p);
		put_unaligned_be16(f->t.dport, p + 2);
		put_unaligned_be32(0x01020304, p + 4);	/* seq */
		p[12] = 5 << 4;				/* doff */
		p[13] = 0x18;				/* PSH, ACK */
		put_unaligned_be16(0xffff, p + 14);	/* window */
		return 20;
	case IPPROTO_UDP:
		put_unaligned_be16(f->t.sport, p);
		put_unaligned_be16(f->t.dport, p + 2);
		put_unaligned_be16(8, p + 4);
		return 8;
	case IPPROTO_SCTP:
		put_unaligned_be16(f->t.sport, p);
		put_unaligned_be16(f->t.dport, p + 2);
		put_unaligned_be32(0xa5a5a5a5, p + 4);	/* verification tag */
		return 12;
	case IPPROTO_AH:
		*need = 8;
		p[0] = IPPROTO_NONE;
		p[1] = 1;				/* (1 + 2) * 4 bytes */
		put_unaligned_be32(f->l4_4bytes, p + 4);
		put_unaligned_be32(1, p + 8);		/* sequence */
		return 12;
	case IPPROTO_NONE:
		*need = 0;
		return 0;
	default:
		/* ESP's SPI, or the first four bytes of ICMP and others */
		put_unaligned_be32(f->l4_4bytes, p);
		put_unaligned_be32(1, p + 4);
		return 8;
	}
}

static void tun_rss_tbuild(u8 *buf, const struct tun_rss_tframe *f,
			   struct tun_rss_tlayout *lo)
{
	unsigned int off = 0, l4off, l4len, l4need, i;

	memset(buf, 0, TUN_RSS_TFRAME_MAX);
	memset(lo, 0, sizeof(*lo));

	if (f->l2) {
		memcpy(buf, tun_rss_tmac_dst, ETH_ALEN);
		memcpy(buf + ETH_ALEN, tun_rss_tmac_src, ETH_ALEN);
		off = 2 * ETH_ALEN;
		for (i = 0; i < f->nvlan; i++, off += 4) {
			put_unaligned_be16(f->tpid[i], buf + off);
			put_unaligned_be16(f->tci[i], buf + off + 2);
		}
		put_unaligned_be16(tun_rss_tethertype(f), buf + off);
		off += 2;
	}
	lo->l3off = off;

	if (!f->t.l3 || (f->l2 && f->nvlan > 2)) {
		/*
		 * Not IP (an ARP-sized payload), or IP behind a third tag,
		 * where the parser stops: it reads two tags and an ethertype.
		 */
		lo->len = off + 28;
		lo->need = f->nvlan > 2 ? ETH_HLEN + 8 : off;
		return;
	}

	lo->l4proto = f->l4proto;

	if (f->t.l3 == 4) {
		unsigned int ihl = f->ihl ? f->ihl : 5;

		lo->l3hlen = ihl * 4;
		l4off = off + lo->l3hlen;
		l4len = tun_rss_tbuild_l4(buf + l4off, f, &l4need);
		buf[off] = 0x40 | ihl;
		buf[off + 1] = f->tos;
		put_unaligned_be16(lo->l3hlen + l4len, buf + off + 2);
		put_unaligned_be16(0x1234, buf + off + 4);	/* id */
		put_unaligned_be16(f->frag, buf + off + 6);
		buf[off + 8] = 64;				/* ttl */
		buf[off + 9] = f->l4proto;
		memcpy(buf + off + 12, f->t.src, 4);
		memcpy(buf + off + 16, f->t.dst, 4);
		memset(buf + off + 20, 1, lo->l3hlen - 20);	/* NOPs */
		if (f->frag & 0x3fff) {
			lo->fragoff = l4off;
			lo->need = l4off;
		} else {
			lo->need = l4off + l4need;
			lo->l4 = l4need;
		}
	} else {
		unsigned int hlen = 8 * (f->exthdrlen + 1), p;
		u8 last = f->v6frag ? IPPROTO_FRAGMENT : f->l4proto;

		lo->l3hlen = 40;
		buf[off] = 0x60 | f->tos >> 4;
		buf[off + 1] = f->tos << 4;
		buf[off + 6] = f->nnexthdr ? f->nexthdr[0] : last;
		buf[off + 7] = 64;				/* hop limit */
		memcpy(buf + off + 8, f->t.src, 16);
		memcpy(buf + off + 24, f->t.dst, 16);

		p = off + 40;
		for (i = 0; i < f->nnexthdr; i++, p += hlen) {
			buf[p] = i + 1 < f->nnexthdr ? f->nexthdr[i + 1] : last;
			buf[p + 1] = f->exthdrlen;
			if (f->nexthdr[i] != IPPROTO_ROUTING) {
				buf[p + 2] = 1;			/* PadN */
				buf[p + 3] = hlen - 4;
			}
			if (i == 8) {
				/* The parser gives up on the 9th. */
				lo->need = p;
				lo->l4proto = f->nexthdr[i];
			}
		}
		if (f->v6frag) {
			buf[p] = f->l4proto;
			put_unaligned_be16(f->frag, buf + p + 2);
			put_unaligned_be32(0x5678, buf + p + 4);	/* id */
			lo->fragoff = p;
			if (!lo->need)
				lo->need = p + 8;
			p += 8;
		}
		l4off = p;
		l4len = tun_rss_tbuild_l4(buf + l4off, f, &l4need);
		put_unaligned_be16(l4off + l4len - off - 40, buf + off + 4);
		if (!lo->need) {
			lo->need = l4off + l4need;
			lo->l4 = l4need;
		}
	}
	lo->len = l4off + l4len;
}

/* Parse the first @len bytes of @frame from a buffer of exactly @len. */
static void tun_rss_tparse(struct kunit *test, struct tun_rss_flow *fl,
			   const struct tun_rss_tframe *f, const u8 *frame,
			   unsigned int len)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, frame, len);
	KUNIT_EXPECT_EQ(test, tun_rss_parse(fl, buf, len, f->l2,
					    htons(tun_rss_tethertype(f))), 0);
	kunit_kfree(test, buf);
}

static bool tun_rss_tports(u8 l4proto)
{
	return l4proto == IPPROTO_TCP || l4proto == IPPROTO_UDP ||
	       l4proto == IPPROTO_SCTP;
}

/* What the parser must say about @f cut to @len bytes. */
static void tun_rss_tcheck(struct kunit *test, const char *name,
			   const struct tun_rss_tframe *f,
			   const struct tun_rss_tlayout *lo,
			   const struct tun_rss_flow *fl, unsigned int len)
{
	bool ip = f->t.l3 && len >= lo->l3off + lo->l3hlen &&
		  !(f->l2 && f->nvlan > 2);
	bool l4 = lo->l4 && len >= lo->need;
	bool frag = lo->fragoff && len >= lo->fragoff &&
		    (f->t.l3 == 6 || ip);
	unsigned int alen = f->t.l3 == 6 ? 16 : 4;

	KUNIT_EXPECT_EQ_MSG(test, fl->flags & ~TUN_RSS_F_ALL, 0,
			    "%s len %u", name, len);
	KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_IP), ip,
			    "%s len %u", name, len);
	KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_TRUNC),
			    len < lo->need, "%s len %u", name, len);
	KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_L4), l4,
			    "%s len %u", name, len);
	KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_FRAG), frag,
			    "%s len %u", name, len);
	KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_VLAN),
			    f->l2 && f->nvlan && len >= ETH_HLEN + 4,
			    "%s len %u", name, len);

	if (f->l2 && len >= ETH_HLEN) {
		KUNIT_EXPECT_MEMEQ(test, fl->h_dest, tun_rss_tmac_dst, ETH_ALEN);
		KUNIT_EXPECT_MEMEQ(test, fl->h_source, tun_rss_tmac_src,
				   ETH_ALEN);
	}
	if (f->l2 && f->nvlan && len >= ETH_HLEN + 4)
		KUNIT_EXPECT_EQ_MSG(test, ntohs(fl->vlan_tci), f->tci[0],
				    "%s len %u", name, len);

	if (ip) {
		KUNIT_EXPECT_EQ_MSG(test, fl->l3, f->t.l3, "%s len %u", name,
				    len);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(fl->h_proto),
				    tun_rss_tethertype(f), "%s len %u", name,
				    len);
		KUNIT_EXPECT_EQ_MSG(test, fl->tos, f->tos, "%s len %u", name,
				    len);
		KUNIT_EXPECT_MEMEQ_MSG(test, fl->saddr, f->t.src, alen,
				       "%s len %u", name, len);
		KUNIT_EXPECT_MEMEQ_MSG(test, fl->daddr, f->t.dst, alen,
				       "%s len %u", name, len);
		KUNIT_EXPECT_EQ_MSG(test, !!(fl->flags & TUN_RSS_F_IP6_EX),
				    f->t.l3 == 6 &&
				    (f->nnexthdr || f->v6frag) &&
				    len >= lo->l3off + 40,
				    "%s len %u", name, len);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, fl->l3, 0, "%s len %u", name, len);
	}
	if (len >= lo->need && ip)
		KUNIT_EXPECT_EQ_MSG(test, fl->l4proto, lo->l4proto,
				    "%s len %u", name, len);

	if (l4 && tun_rss_tports(f->l4proto)) {
		KUNIT_EXPECT_EQ_MSG(test, ntohs(fl->sport), f->t.sport,
				    "%s len %u", name, len);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(fl->dport), f->t.dport,
				    "%s len %u", name, len);
		KUNIT_EXPECT_EQ_MSG(test, ntohl(fl->l4_4bytes),
				    (u32)f->t.sport << 16 | f->t.dport,
				    "%s len %u", name, len);
	} else {
		KUNIT_EXPECT_TRUE_MSG(test, !fl->sport && !fl->dport,
				      "%s len %u", name, len);
		if (l4)
			KUNIT_EXPECT_EQ_MSG(test, ntohl(fl->l4_4bytes),
					    f->l4_4bytes, "%s len %u", name,
					    len);
	}
}

#define TUN_RSS_T4 {							\
	.l3 = 4,							\
	.src = { 66, 9, 149, 187 },					\
	.dst = { 161, 142, 100, 80 },					\
	.sport = 2794,							\
	.dport = 1766,							\
}

#define TUN_RSS_T6 {							\
	.l3 = 6,							\
	.src = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,	\
		 0, 0, 0, 0, 0, 0, 0, 0x07 },				\
	.dst = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,	\
		 0, 0, 0, 0, 0, 0, 0, 0x01 },				\
	.sport = 2794,							\
	.dport = 1766,							\
}

/**
 * struct tun_rss_tnamed - a test frame with a name for messages
 * @name: what the frame is
 * @f: the frame
 */
struct tun_rss_tnamed {
	const char *name;
	struct tun_rss_tframe f;
};

/* Frames cut at every length by tun_rss_parse_truncated(). */
static const struct tun_rss_tnamed tun_rss_tframes[] = {
	{ "tap ipv4 tcp",
	  { .l2 = true, .tos = 0xb8, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4 } },
	{ "tap 802.1q ipv4 udp",
	  { .l2 = true, .nvlan = 1, .tpid = { ETH_P_8021Q }, .tci = { 0x2064 },
	    .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4 } },
	{ "tap qinq ipv6 tcp",
	  { .l2 = true, .nvlan = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q },
	    .tci = { 0x0123, 0x0456 }, .tos = 0x2e, .l4proto = IPPROTO_TCP,
	    .t = TUN_RSS_T6 } },
	{ "tap ipv6 hbh+routing+dstopts udp",
	  { .l2 = true, .nnexthdr = 3, .exthdrlen = 1,
	    .nexthdr = { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS },
	    .l4proto = IPPROTO_UDP, .t = TUN_RSS_T6 } },
	{ "tun ipv4 sctp",
	  { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T4 } },
	{ "tun ipv6 esp",
	  { .l4proto = IPPROTO_ESP, .l4_4bytes = 0xdeadbeef,
	    .t = TUN_RSS_T6 } },
	{ "tap ipv4 options ah",
	  { .l2 = true, .ihl = 7, .l4proto = IPPROTO_AH,
	    .l4_4bytes = 0x00c0ffee, .t = TUN_RSS_T4 } },
	{ "tap ipv4 icmp",
	  { .l2 = true, .l4proto = IPPROTO_ICMP, .l4_4bytes = 0x08001234,
	    .t = TUN_RSS_T4 } },
	{ "tap ipv4 first fragment tcp",
	  { .l2 = true, .frag = 0x2000, .l4proto = IPPROTO_TCP,
	    .t = TUN_RSS_T4 } },
	{ "tun ipv4 last fragment udp",
	  { .frag = 0x00b9, .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4 } },
	{ "tap ipv6 dstopts+fragment tcp",
	  { .l2 = true, .nnexthdr = 1, .nexthdr = { IPPROTO_DSTOPTS },
	    .v6frag = true, .frag = 0x0001, .l4proto = IPPROTO_TCP,
	    .t = TUN_RSS_T6 } },
	{ "tap ipv6 nine dstopts tcp",
	  { .l2 = true, .nnexthdr = 9,
	    .nexthdr = { IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
			 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
			 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS },
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 } },
	{ "tap ipv6 eight hbh/dstopts tcp",
	  { .l2 = true, .nnexthdr = 8,
	    .nexthdr = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
			 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
			 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS },
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 } },
	{ "tap ipv6 no next header",
	  { .l2 = true, .l4proto = IPPROTO_NONE, .t = TUN_RSS_T6 } },
	{ "tap triple-tagged ipv4",
	  { .l2 = true, .nvlan = 3,
	    .tpid = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q },
	    .tci = { 1, 2, 3 }, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4 } },
	{ "tap arp",
	  { .l2 = true, .ethertype = ETH_P_ARP } },
};

static void tun_rss_toeplitz_ms_vectors(struct kunit *test)
{
	struct tun_rss_hkey *hk = kunit_kzalloc(test, sizeof(*hk), GFP_KERNEL);
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, hk);
	tun_rss_hkey_expand(hk, tun_rss_ms_key);

	for (i = 0; i < ARRAY_SIZE(tun_rss_ms_vectors); i++) {
		const struct tun_rss_vector *v = &tun_rss_ms_vectors[i];
		struct tun_rss_ttuple t = {
			.l3 = v->l3, .sport = v->sport, .dport = v->dport,
		};
		u8 in[TUN_RSS_MAX_INPUT];

		memcpy(t.src, v->src, sizeof(t.src));
		memcpy(t.dst, v->dst, sizeof(t.dst));

		n = tun_rss_ref_input(in, &t, false, false);
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_toeplitz(hk, in, n),
				    v->hash_ip, "vector %u", i);
		/* The reference is checked too: it judges everything else. */
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_ref_toeplitz(tun_rss_ms_key,
							       in, n),
				    v->hash_ip, "vector %u", i);

		n = tun_rss_ref_input(in, &t, true, false);
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_toeplitz(hk, in, n),
				    v->hash_l4, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_ref_toeplitz(tun_rss_ms_key,
							       in, n),
				    v->hash_l4, "vector %u", i);
	}
}

static void tun_rss_toeplitz_random(struct kunit *test)
{
	struct tun_rss_hkey *hk = kunit_kzalloc(test, sizeof(*hk), GFP_KERNEL);
	u8 key[TUN_RSS_KEY_SIZE], in[TUN_RSS_MAX_INPUT];
	unsigned int i, j, bit, len, fails = 0;
	struct rnd_state rnd;
	u32 got, want;

	KUNIT_ASSERT_NOT_NULL(test, hk);
	prandom_seed_state(&rnd, TUN_RSS_TEST_SEED);

	for (i = 0; i < 2000 && fails < TUN_RSS_TEST_MAX_FAILS; i++) {
		prandom_bytes_state(&rnd, key, sizeof(key));
		tun_rss_hkey_expand(hk, key);
		/* Four random inputs, then one input bit alone */
		for (j = 0; j < 5; j++) {
			len = TUN_RSS_MAX_INPUT;
			if (j < 4) {
				len = prandom_u32_state(&rnd) % (len + 1);
				prandom_bytes_state(&rnd, in, sizeof(in));
			} else {
				memset(in, 0, sizeof(in));
				bit = prandom_u32_state(&rnd) % (8 * len);
				in[bit / 8] = 0x80 >> (bit % 8);
			}
			got = tun_rss_toeplitz(hk, in, len);
			want = tun_rss_ref_toeplitz(key, in, len);
			if (got != want) {
				KUNIT_FAIL(test, "key %u input %u len %u: %#x, want %#x",
					   i, j, len, got, want);
				fails++;
			}
		}
	}

	/* All-ones key and input: the widest XOR of every table row */
	memset(key, 0xff, sizeof(key));
	memset(in, 0xff, sizeof(in));
	tun_rss_hkey_expand(hk, key);
	KUNIT_EXPECT_EQ(test, tun_rss_toeplitz(hk, in, TUN_RSS_MAX_INPUT),
			tun_rss_ref_toeplitz(key, in, TUN_RSS_MAX_INPUT));
	KUNIT_EXPECT_EQ(test, tun_rss_toeplitz(hk, in, 0), 0);
	/* Never past the tables, whatever the length */
	KUNIT_EXPECT_EQ(test, tun_rss_toeplitz(hk, in, TUN_RSS_MAX_INPUT + 1),
			tun_rss_ref_toeplitz(key, in, TUN_RSS_MAX_INPUT));
}

static struct kunit_case tun_rss_toeplitz_cases[] = {
	KUNIT_CASE(tun_rss_toeplitz_ms_vectors),
	KUNIT_CASE(tun_rss_toeplitz_random),
	{}
};

static struct kunit_suite tun_rss_toeplitz_suite = {
	.name = "tun_rss_toeplitz",
	.test_cases = tun_rss_toeplitz_cases,
};

static void tun_rss_parse_truncated(struct kunit *test)
{
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int i, len;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	for (i = 0; i < ARRAY_SIZE(tun_rss_tframes); i++) {
		const struct tun_rss_tnamed *tf = &tun_rss_tframes[i];

		tun_rss_tbuild(frame, &tf->f, &lo);
		KUNIT_ASSERT_LE(test, lo.len, TUN_RSS_PARSE_MAX);
		KUNIT_ASSERT_LE(test, lo.need, lo.len);
		for (len = 0; len <= lo.len; len++) {
			tun_rss_tparse(test, &fl, &tf->f, frame, len);
			tun_rss_tcheck(test, tf->name, &tf->f, &lo, &fl, len);
		}
	}
}

static void tun_rss_parse_ipv4_bogus(struct kunit *test)
{
	const struct tun_rss_tframe f = {
		.l2 = true, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4,
	};
	const struct tun_rss_tframe opts = {
		.l2 = true, .ihl = 7, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int ihl;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	/* ihl below the minimum: not IP, and nothing is missing */
	for (ihl = 0; ihl < 5; ihl++) {
		tun_rss_tbuild(frame, &f, &lo);
		frame[lo.l3off] = 0x40 | ihl;
		tun_rss_tparse(test, &fl, &f, frame, lo.len);
		KUNIT_EXPECT_EQ_MSG(test, fl.flags, 0, "ihl %u", ihl);
		KUNIT_EXPECT_EQ_MSG(test, fl.l3, 0, "ihl %u", ihl);
	}

	/* ihl past the end of the frame: truncated, not IP */
	tun_rss_tbuild(frame, &f, &lo);
	frame[lo.l3off] = 0x4f;
	put_unaligned_be16(80, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.l3off + 59);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_TRUNC);
	tun_rss_tparse(test, &fl, &f, frame, lo.l3off + 60);
	KUNIT_EXPECT_EQ(test, fl.flags & TUN_RSS_F_IP, TUN_RSS_F_IP);

	/* tot_len shorter than the header: not IP */
	tun_rss_tbuild(frame, &f, &lo);
	put_unaligned_be16(19, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	put_unaligned_be16(0, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	/* ... or than the header with its options */
	tun_rss_tbuild(frame, &opts, &lo);
	put_unaligned_be16(24, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &opts, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	put_unaligned_be16(28, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &opts, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_TRUNC);

	/*
	 * tot_len covering the header only: the bytes after it are Ethernet
	 * padding, not a TCP header.
	 */
	tun_rss_tbuild(frame, &f, &lo);
	put_unaligned_be16(20, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_TRUNC);
	KUNIT_EXPECT_TRUE(test, !fl.sport && !fl.dport);
	put_unaligned_be16(24, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_L4);
	KUNIT_EXPECT_EQ(test, ntohs(fl.sport), f.t.sport);

	/* tot_len past the frame: the frame is what there is */
	put_unaligned_be16(1500, frame + lo.l3off + 2);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_L4);

	/* Version other than 4 behind an IPv4 ethertype */
	tun_rss_tbuild(frame, &f, &lo);
	frame[lo.l3off] = 0x65;
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_IP);

	/* DF is not a fragment */
	tun_rss_tbuild(frame, &f, &lo);
	put_unaligned_be16(0x4000, frame + lo.l3off + 6);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_L4);
}

static void tun_rss_parse_ipv6_bogus(struct kunit *test)
{
	const struct tun_rss_tframe f = {
		.l2 = true, .nnexthdr = 1, .nexthdr = { IPPROTO_HOPOPTS },
		.l4proto = IPPROTO_UDP, .t = TUN_RSS_T6,
	};
	const struct tun_rss_tframe tun = {
		.l4proto = IPPROTO_TCP, .t = TUN_RSS_T4,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	/* Version other than 6 behind an IPv6 ethertype */
	tun_rss_tbuild(frame, &f, &lo);
	frame[lo.l3off] = 0x45;
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);

	/* Extension header longer than the payload length says */
	tun_rss_tbuild(frame, &f, &lo);
	frame[lo.l3off + 40 + 1] = 200;
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags,
			TUN_RSS_F_IP | TUN_RSS_F_IP6_EX | TUN_RSS_F_TRUNC);
	KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_HOPOPTS);

	/* Payload length ending inside the UDP ports (rest is padding) */
	tun_rss_tbuild(frame, &f, &lo);
	put_unaligned_be16(8 + 3, frame + lo.l3off + 4);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags,
			TUN_RSS_F_IP | TUN_RSS_F_IP6_EX | TUN_RSS_F_TRUNC);
	KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_UDP);

	/* Zero payload length (jumbogram, BIG TCP): up to the frame's end */
	put_unaligned_be16(0, frame + lo.l3off + 4);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags,
			TUN_RSS_F_IP | TUN_RSS_F_IP6_EX | TUN_RSS_F_L4);

	/* A tun frame whose protocol does not match its contents */
	tun_rss_tbuild(frame, &tun, &lo);
	KUNIT_ASSERT_EQ(test, lo.len, 40);
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, frame, lo.len, false,
					    htons(ETH_P_IPV6)), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, frame, lo.len, false,
					    htons(ETH_P_ARP)), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_ARP);
	/* A tun frame's data is never read as an Ethernet header. */
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, frame, lo.len, false,
					    htons(ETH_P_8021Q)), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
}

static void tun_rss_parse_vlan(struct kunit *test)
{
	static const u16 tpids[] = { ETH_P_8021Q, ETH_P_8021AD };
	struct tun_rss_tframe f = {
		.l2 = true, .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int i, j;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	/* Any TPID at either level; the outer TCI is the one recorded */
	for (i = 0; i < ARRAY_SIZE(tpids); i++) {
		for (j = 0; j <= ARRAY_SIZE(tpids); j++) {
			f.nvlan = j < ARRAY_SIZE(tpids) ? 2 : 1;
			f.tpid[0] = tpids[i];
			f.tpid[1] = j < ARRAY_SIZE(tpids) ? tpids[j] : 0;
			f.tci[0] = 0xe000 | (i << 4 | j);
			f.tci[1] = 0x0fff;
			tun_rss_tbuild(frame, &f, &lo);
			tun_rss_tparse(test, &fl, &f, frame, lo.len);
			KUNIT_EXPECT_EQ_MSG(test, fl.flags,
					    TUN_RSS_F_VLAN | TUN_RSS_F_IP |
					    TUN_RSS_F_L4, "%u %u", i, j);
			KUNIT_EXPECT_EQ(test, ntohs(fl.vlan_tci), f.tci[0]);
			KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_IP);
			KUNIT_EXPECT_EQ(test, ntohs(fl.dport), f.t.dport);
		}
	}

	/* A third tag is not crossed: its TPID is the ethertype */
	f.nvlan = 3;
	f.tpid[1] = ETH_P_8021Q;
	f.tpid[2] = ETH_P_8021Q;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_VLAN);
	KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_8021Q);

	/* A tagged frame that is not IP */
	f.nvlan = 1;
	f.t.l3 = 0;
	f.ethertype = ETH_P_ARP;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_VLAN);
	KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_ARP);
}

static void tun_rss_parse_ipv6_ext(struct kunit *test)
{
	struct tun_rss_tframe f = {
		.l2 = true, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int n;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	/* Up to 8 extension headers are crossed, whatever their length */
	for (n = 0; n <= 9; n++) {
		memset(f.nexthdr, IPPROTO_DSTOPTS, sizeof(f.nexthdr));
		f.nexthdr[0] = IPPROTO_HOPOPTS;
		f.nexthdr[n / 2] = IPPROTO_ROUTING;
		f.nnexthdr = n;
		f.exthdrlen = n < 4 ? n : 0;
		tun_rss_tbuild(frame, &f, &lo);
		tun_rss_tparse(test, &fl, &f, frame, lo.len);
		tun_rss_tcheck(test, "ext chain", &f, &lo, &fl, lo.len);
		KUNIT_EXPECT_EQ_MSG(test, !!(fl.flags & TUN_RSS_F_L4), n <= 8,
				    "%u headers", n);
	}

	/* Headers past TUN_RSS_PARSE_MAX are not looked at */
	f.nnexthdr = 5;
	f.exthdrlen = 5;
	tun_rss_tbuild(frame, &f, &lo);
	KUNIT_ASSERT_TRUE(test, lo.len > TUN_RSS_PARSE_MAX &&
			  lo.len <= TUN_RSS_TFRAME_MAX);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags,
			TUN_RSS_F_IP | TUN_RSS_F_IP6_EX | TUN_RSS_F_TRUNC);

	/* AH and ESP end the walk; the SPI is recorded */
	f.nnexthdr = 2;
	f.exthdrlen = 0;
	f.l4proto = IPPROTO_AH;
	f.l4_4bytes = 0x11223344;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags,
			TUN_RSS_F_IP | TUN_RSS_F_IP6_EX | TUN_RSS_F_L4);
	KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_AH);
	KUNIT_EXPECT_EQ(test, ntohl(fl.l4_4bytes), f.l4_4bytes);

	f.l4proto = IPPROTO_ESP;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_ESP);
	KUNIT_EXPECT_EQ(test, ntohl(fl.l4_4bytes), f.l4_4bytes);

	/* No next header: addresses only, nothing truncated */
	f.l4proto = IPPROTO_NONE;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP | TUN_RSS_F_IP6_EX);
	KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_NONE);

	/* No next header and no extension header: addresses only */
	f.nnexthdr = 0;
	tun_rss_tbuild(frame, &f, &lo);
	tun_rss_tparse(test, &fl, &f, frame, lo.len + 6);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_IP);
}

static void tun_rss_parse_fragments(struct kunit *test)
{
	static const u16 v4frag[] = { 0x2000, 0x2001, 0x0001, 0x1fff, 0x3fff };
	static const u16 v6frag[] = { 0x0001, 0x0008, 0xfff8, 0x0000 };
	struct tun_rss_tframe f = {
		.l2 = true, .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int i;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	/* MF or an offset (the first fragment too): no ports */
	for (i = 0; i < ARRAY_SIZE(v4frag); i++) {
		f.frag = v4frag[i];
		tun_rss_tbuild(frame, &f, &lo);
		tun_rss_tparse(test, &fl, &f, frame, lo.len);
		KUNIT_EXPECT_EQ_MSG(test, fl.flags,
				    TUN_RSS_F_IP | TUN_RSS_F_FRAG,
				    "frag_off %#x", f.frag);
		KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_UDP);
		KUNIT_EXPECT_TRUE(test, !fl.sport && !fl.dport);
		KUNIT_EXPECT_FALSE(test, fl.l4_4bytes);
	}

	/*
	 * Any fragment header, even an atomic one (offset 0, no M), makes a
	 * fragment: the next header is reported, never its ports.
	 */
	f.t = (struct tun_rss_ttuple)TUN_RSS_T6;
	f.v6frag = true;
	for (i = 0; i < ARRAY_SIZE(v6frag); i++) {
		f.frag = v6frag[i];
		tun_rss_tbuild(frame, &f, &lo);
		tun_rss_tparse(test, &fl, &f, frame, lo.len);
		KUNIT_EXPECT_EQ_MSG(test, fl.flags,
				    TUN_RSS_F_IP | TUN_RSS_F_IP6_EX |
				    TUN_RSS_F_FRAG, "frag %#x", f.frag);
		KUNIT_EXPECT_EQ(test, fl.l4proto, IPPROTO_UDP);
		KUNIT_EXPECT_TRUE(test, !fl.sport && !fl.dport);
	}
}

static void tun_rss_parse_non_ip(struct kunit *test)
{
	static const u8 zero[16];
	const struct tun_rss_tframe arp = {
		.l2 = true, .ethertype = ETH_P_ARP,
	};
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	tun_rss_tbuild(frame, &arp, &lo);
	tun_rss_tparse(test, &fl, &arp, frame, lo.len);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
	KUNIT_EXPECT_EQ(test, fl.l3, 0);
	KUNIT_EXPECT_EQ(test, ntohs(fl.h_proto), ETH_P_ARP);
	KUNIT_EXPECT_MEMEQ(test, fl.h_source, tun_rss_tmac_src, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, fl.saddr, zero, sizeof(zero));

	/* Empty frames */
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, NULL, 0, true, 0), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_TRUNC);
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, NULL, 0, false,
					    htons(ETH_P_IP)), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, TUN_RSS_F_TRUNC);
	KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, NULL, 0, false,
					    htons(ETH_P_ARP)), 0);
	KUNIT_EXPECT_EQ(test, fl.flags, 0);
}

/* What holds of any parse, and of its hash with every field enabled */
static bool tun_rss_tsane(const struct tun_rss_flow *fl, u16 report)
{
	bool ip = fl->flags & TUN_RSS_F_IP;

	if (fl->flags & ~TUN_RSS_F_ALL)
		return false;
	if (!ip && (fl->l3 || fl->flags & ~(TUN_RSS_F_VLAN | TUN_RSS_F_TRUNC)))
		return false;
	if (ip && fl->l3 != 4 && fl->l3 != 6)
		return false;
	if ((fl->flags & TUN_RSS_F_L4) && (fl->flags & TUN_RSS_F_FRAG))
		return false;
	if ((fl->flags & TUN_RSS_F_IP6_EX) && fl->l3 != 6)
		return false;
	return ip == (report != VIRTIO_NET_HASH_REPORT_NONE);
}

/* Random bytes and random damage to good frames: parse, never over-read */
static void tun_rss_parse_random(struct kunit *test)
{
	const unsigned int frame_max = TUN_RSS_PARSE_MAX + 44;
	struct tun_rss_ctx *ctx;
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;
	unsigned int i, j, len, fails = 0;
	struct rnd_state rnd;
	u8 *frame, *buf;
	__be16 proto;
	u16 report;
	bool l2;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	tun_rss_ctx_init(ctx, tun_rss_ms_key, 3);
	prandom_seed_state(&rnd, TUN_RSS_TEST_SEED + 1);

	for (i = 0; i < 20000; i++) {
		const struct tun_rss_tnamed *tf;

		tf = &tun_rss_tframes[i % ARRAY_SIZE(tun_rss_tframes)];
		if (i % 4) {
			tun_rss_tbuild(frame, &tf->f, &lo);
			len = lo.len;
			for (j = prandom_u32_state(&rnd) % 4; j < 4; j++)
				frame[prandom_u32_state(&rnd) % len] =
					prandom_u32_state(&rnd);
			l2 = tf->f.l2;
			proto = htons(tun_rss_tethertype(&tf->f));
		} else {
			len = prandom_u32_state(&rnd) % frame_max;
			prandom_bytes_state(&rnd, frame, len);
			/* Mostly IP, so that the parser gets past L2 */
			if (len > 13 && prandom_u32_state(&rnd) % 2)
				put_unaligned_be16(prandom_u32_state(&rnd) % 2 ?
						   ETH_P_IP : ETH_P_IPV6,
						   frame + 12);
			l2 = prandom_u32_state(&rnd) % 2;
			proto = prandom_u32_state(&rnd) % 2 ? htons(ETH_P_IP) :
							      htons(ETH_P_IPV6);
		}

		buf = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		memcpy(buf, frame, len);
		KUNIT_EXPECT_EQ(test, tun_rss_parse(&fl, buf, len, l2, proto),
				0);
		kunit_kfree(test, buf);

		tun_rss_ctx_hash(ctx, &fl, &report);
		if (!tun_rss_tsane(&fl, report)) {
			KUNIT_FAIL(test, "frame %u len %u: flags %#x l3 %u report %u",
				   i, len, fl.flags, fl.l3, report);
			if (++fails == TUN_RSS_TEST_MAX_FAILS)
				return;
		}
	}
}

static struct kunit_case tun_rss_parse_cases[] = {
	KUNIT_CASE(tun_rss_parse_truncated),
	KUNIT_CASE(tun_rss_parse_ipv4_bogus),
	KUNIT_CASE(tun_rss_parse_ipv6_bogus),
	KUNIT_CASE(tun_rss_parse_vlan),
	KUNIT_CASE(tun_rss_parse_ipv6_ext),
	KUNIT_CASE(tun_rss_parse_fragments),
	KUNIT_CASE(tun_rss_parse_non_ip),
	KUNIT_CASE(tun_rss_parse_random),
	{}
};

static struct kunit_suite tun_rss_parse_suite = {
	.name = "tun_rss_parse",
	.test_cases = tun_rss_parse_cases,
};

/* Parse @f with a fresh default context and hash it. */
static u32 tun_rss_thash(struct kunit *test, struct tun_rss_ctx *ctx,
			 const struct tun_rss_tframe *f, unsigned int cut,
			 u16 *report)
{
	u8 *frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	struct tun_rss_tlayout lo;
	struct tun_rss_flow fl;

	KUNIT_ASSERT_NOT_NULL(test, frame);
	tun_rss_tbuild(frame, f, &lo);
	tun_rss_tparse(test, &fl, f, frame, lo.len - cut);
	kunit_kfree(test, frame);
	return tun_rss_ctx_hash(ctx, &fl, report);
}

static void tun_rss_hash_ms_frames(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct tun_rss_ctx *ctx;
	struct tun_rss_tframe f;
	unsigned int i, j, k;
	u16 report;
	u32 hash;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	for (i = 0; i < ARRAY_SIZE(tun_rss_ms_vectors); i++) {
		const struct tun_rss_vector *v = &tun_rss_ms_vectors[i];
		bool v6 = v->l3 == 6;

		memset(&f, 0, sizeof(f));
		f.t.l3 = v->l3;
		memcpy(f.t.src, v->src, sizeof(f.t.src));
		memcpy(f.t.dst, v->dst, sizeof(f.t.dst));
		f.t.sport = v->sport;
		f.t.dport = v->dport;

		/* tun and tap, untagged and tagged */
		for (k = 0; k < 3; k++) {
			f.l2 = k;
			f.nvlan = k == 2;
			f.tpid[0] = ETH_P_8021Q;
			for (j = 0; j < ARRAY_SIZE(protos); j++) {
				bool tcp = protos[j] == IPPROTO_TCP;

				f.l4proto = protos[j];
				tun_rss_ctx_init(ctx, tun_rss_ms_key, 1);
				hash = tun_rss_thash(test, ctx, &f, 0, &report);
				KUNIT_EXPECT_EQ_MSG(test, hash, v->hash_l4,
						    "vector %u %s %u", i,
						    tcp ? "tcp" : "udp", k);
				KUNIT_EXPECT_EQ(test, report,
						tcp ? (v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
						       VIRTIO_NET_HASH_REPORT_TCPv4) :
						(v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
						 VIRTIO_NET_HASH_REPORT_UDPv4));

				/* Addresses only */
				ctx->fields[v6 ?
					    (tcp ? TUN_RSS_FT_TCP6 : TUN_RSS_FT_UDP6) :
					    (tcp ? TUN_RSS_FT_TCP4 : TUN_RSS_FT_UDP4)] =
					TUN_RSS_FIELDS_SD;
				hash = tun_rss_thash(test, ctx, &f, 0, &report);
				KUNIT_EXPECT_EQ_MSG(test, hash, v->hash_ip,
						    "vector %u %s %u", i,
						    tcp ? "tcp" : "udp", k);
				KUNIT_EXPECT_EQ(test, report,
						v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
						VIRTIO_NET_HASH_REPORT_IPv4);
			}
		}
	}
}

/**
 * struct tun_rss_thcase - a frame, a fields setting and the hash it gets
 * @name: the case
 * @f: the frame
 * @cut: bytes cut off the frame's end
 * @flow_type: ethtool flow type whose fields are changed, 0 for none
 * @fields: its new fields
 * @report: expected VIRTIO_NET_HASH_REPORT_*
 */
struct tun_rss_thcase {
	const char *name;
	struct tun_rss_tframe f;
	unsigned int cut;
	u32 flow_type;
	u32 fields;
	u16 report;
};

#define TUN_RSS_TCP4	{ .l2 = true, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4 }
#define TUN_RSS_TCP6	{ .l2 = true, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 }

static const struct tun_rss_thcase tun_rss_thcases[] = {
	{ "tcp4", TUN_RSS_TCP4, 0, 0, 0, VIRTIO_NET_HASH_REPORT_TCPv4 },
	{ "udp4", { .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_UDPv4 },
	{ "sctp4", { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "ah4", { .l4proto = IPPROTO_AH, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "esp4", { .l4proto = IPPROTO_ESP, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "icmp4", { .l4proto = IPPROTO_ICMP, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "tcp4 in qinq",
	  { .l2 = true, .nvlan = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q },
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_TCPv4 },
	{ "tcp4 fragment",
	  { .l4proto = IPPROTO_TCP, .frag = 0x2000, .t = TUN_RSS_T4 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "tcp4 fragment, ip4 none",
	  { .l4proto = IPPROTO_TCP, .frag = 0x2000, .t = TUN_RSS_T4 },
	  0, IPV4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "tcp4 fragment, tcp4 none",
	  { .l4proto = IPPROTO_TCP, .frag = 0x2000, .t = TUN_RSS_T4 },
	  0, TCP_V4_FLOW, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "tcp4, tcp4 none", TUN_RSS_TCP4,
	  0, TCP_V4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "tcp4, tcp4 sd", TUN_RSS_TCP4,
	  0, TCP_V4_FLOW, TUN_RSS_FIELDS_SD, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "tcp4, ip4 none", TUN_RSS_TCP4,
	  0, IPV4_FLOW, 0, VIRTIO_NET_HASH_REPORT_TCPv4 },
	{ "tcp4 cut in the ports", TUN_RSS_TCP4,
	  18, 0, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "tcp4 cut in the ports, tcp4 none", TUN_RSS_TCP4,
	  18, TCP_V4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "tcp4 cut in the ports, ip4 none", TUN_RSS_TCP4,
	  18, IPV4_FLOW, 0, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "udp4, udp4 sd", { .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4 },
	  0, UDP_V4_FLOW, TUN_RSS_FIELDS_SD, VIRTIO_NET_HASH_REPORT_IPv4 },
	{ "icmp4, ip4 none", { .l4proto = IPPROTO_ICMP, .t = TUN_RSS_T4 },
	  0, IPV4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "esp4, esp4 none", { .l4proto = IPPROTO_ESP, .t = TUN_RSS_T4 },
	  0, ESP_V4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "sctp4, sctp4 none", { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T4 },
	  0, SCTP_V4_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "tcp6", TUN_RSS_TCP6, 0, 0, 0, VIRTIO_NET_HASH_REPORT_TCPv6 },
	{ "udp6", { .l2 = true, .l4proto = IPPROTO_UDP, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_UDPv6 },
	{ "sctp6", { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "esp6", { .l4proto = IPPROTO_ESP, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "icmp6", { .l4proto = IPPROTO_ICMPV6, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "tcp6 behind extension headers",
	  { .l2 = true, .nnexthdr = 2,
	    .nexthdr = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS },
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_TCPv6 },
	{ "tcp6 fragment",
	  { .l2 = true, .v6frag = true, .frag = 0x0001,
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "tcp6 fragment, ip6 none",
	  { .l2 = true, .v6frag = true, .frag = 0x0001,
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 },
	  0, IPV6_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "udp6, udp6 sd", { .l4proto = IPPROTO_UDP, .t = TUN_RSS_T6 },
	  0, UDP_V6_FLOW, TUN_RSS_FIELDS_SD, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "tcp6 cut in the ports", TUN_RSS_TCP6,
	  17, 0, 0, VIRTIO_NET_HASH_REPORT_IPv6 },
	{ "icmp6, ip6 none", { .l4proto = IPPROTO_ICMPV6, .t = TUN_RSS_T6 },
	  0, IPV6_FLOW, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "ipv6 cut in the header", TUN_RSS_TCP6,
	  21, 0, 0, VIRTIO_NET_HASH_REPORT_NONE },
	{ "arp", { .l2 = true, .ethertype = ETH_P_ARP },
	  0, 0, 0, VIRTIO_NET_HASH_REPORT_NONE },
};

static void tun_rss_hash_types(struct kunit *test)
{
	struct tun_rss_ctx *ctx;
	unsigned int i;
	u16 report;
	u32 hash;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	for (i = 0; i < ARRAY_SIZE(tun_rss_thcases); i++) {
		const struct tun_rss_thcase *c = &tun_rss_thcases[i];
		int ft = tun_rss_flow_type_to_ft(c->flow_type);
		u32 want = 0;

		tun_rss_ctx_init(ctx, tun_rss_ms_key, 4);
		if (c->flow_type) {
			KUNIT_ASSERT_TRUE(test, ft >= 0);
			ctx->fields[ft] = c->fields;
		}
		hash = tun_rss_thash(test, ctx, &c->f, c->cut, &report);

		switch (c->report) {
		case VIRTIO_NET_HASH_REPORT_IPv4:
		case VIRTIO_NET_HASH_REPORT_IPv6:
			want = tun_rss_ref_hash(tun_rss_ms_key, &c->f.t, false,
						false);
			break;
		case VIRTIO_NET_HASH_REPORT_NONE:
			break;
		default:
			want = tun_rss_ref_hash(tun_rss_ms_key, &c->f.t, true,
						false);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, report, c->report, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, hash, want, "%s", c->name);
	}
}

/*
 * The hash input of a field set as tuntap.rst defines it, built here from
 * the frame's values: addresses, L4 bytes 0-1 and 2-3, destination MAC,
 * VLAN ID, protocol, flow label.
 */
static unsigned int tun_rss_ref_set_input(u8 *in, u32 fields, u8 l3,
					  const u8 *src, const u8 *dst,
					  const u8 *l4, const u8 *mac, u16 vid,
					  u8 proto, u32 flow_lbl)
{
	unsigned int alen = l3 == 6 ? 16 : 4, n = 0;

	if (fields & RXH_IP_SRC) {
		memcpy(in + n, src, alen);
		n += alen;
	}
	if (fields & RXH_IP_DST) {
		memcpy(in + n, dst, alen);
		n += alen;
	}
	if (fields & RXH_L4_B_0_1) {
		in[n++] = l4[0];
		in[n++] = l4[1];
	}
	if (fields & RXH_L4_B_2_3) {
		in[n++] = l4[2];
		in[n++] = l4[3];
	}
	if (fields & RXH_L2DA) {
		memcpy(in + n, mac, ETH_ALEN);
		n += ETH_ALEN;
	}
	if (fields & RXH_VLAN) {
		in[n++] = vid >> 8;
		in[n++] = vid;
	}
	if (fields & RXH_L3_PROTO)
		in[n++] = proto;
	if (fields & RXH_IP6_FL) {
		in[n++] = flow_lbl >> 16;
		in[n++] = flow_lbl >> 8;
		in[n++] = flow_lbl;
	}
	return n;
}

/*
 * Any subset of the fields a flow type carries hashes those bytes, and
 * reports a virtio type only for sd and for sdfn of TCP and UDP: every
 * subset of every flow type against the reference above.
 */
static void tun_rss_hash_subsets(struct kunit *test)
{
	static const struct {
		u8 l3, proto;
		u32 flow_type;
	} ft[] = {
		{ 4, IPPROTO_TCP, TCP_V4_FLOW }, { 4, IPPROTO_UDP, UDP_V4_FLOW },
		{ 4, IPPROTO_SCTP, SCTP_V4_FLOW }, { 4, IPPROTO_ESP, ESP_V4_FLOW },
		{ 4, IPPROTO_ICMP, IPV4_FLOW }, { 6, IPPROTO_TCP, TCP_V6_FLOW },
		{ 6, IPPROTO_UDP, UDP_V6_FLOW }, { 6, IPPROTO_SCTP, SCTP_V6_FLOW },
		{ 6, IPPROTO_AH, AH_V6_FLOW }, { 6, IPPROTO_ICMPV6, IPV6_FLOW },
	};
	static const u8 l4[4] = { 0x2a, 0x06, 0x01, 0xbb };
	static const u8 mac[ETH_ALEN] = { 0x02, 0x5e, 0x10, 0x00, 0x00, 0x7f };
	static const u32 bits[] = {
		RXH_IP_SRC, RXH_IP_DST, RXH_L4_B_0_1, RXH_L4_B_2_3, RXH_L2DA,
		RXH_VLAN, RXH_L3_PROTO, RXH_IP6_FL,
	};
	const struct tun_rss_ttuple t4 = TUN_RSS_T4, t6 = TUN_RSS_T6;
	u8 in[TUN_RSS_MAX_INPUT + 8];
	unsigned int i, m, b, n, fails = 0;
	struct tun_rss_flow fl;
	struct tun_rss_ctx *ctx;
	u16 report, want_report;
	u32 fields, hash, want;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	for (i = 0; i < ARRAY_SIZE(ft); i++) {
		const struct tun_rss_ttuple *t = ft[i].l3 == 6 ? &t6 : &t4;
		int f = tun_rss_flow_type_to_ft(ft[i].flow_type);
		bool ports = ft[i].proto != IPPROTO_ICMP &&
			     ft[i].proto != IPPROTO_ICMPV6;

		KUNIT_ASSERT_TRUE(test, f >= 0);
		memset(&fl, 0, sizeof(fl));
		fl.flags = TUN_RSS_F_IP | TUN_RSS_F_VLAN |
			   (ports ? TUN_RSS_F_L4 : 0);
		fl.l3 = ft[i].l3;
		fl.l4proto = ft[i].proto;
		fl.vlan_tci = htons(0xe123);	/* PCP 7, VID 0x123 */
		memcpy(fl.h_dest, mac, ETH_ALEN);
		memcpy(fl.saddr, t->src, ft[i].l3 == 6 ? 16 : 4);
		memcpy(fl.daddr, t->dst, ft[i].l3 == 6 ? 16 : 4);
		memcpy(&fl.sport, l4, 2);
		memcpy(&fl.dport, l4 + 2, 2);
		memcpy(&fl.l4_4bytes, l4, 4);
		fl.flow_lbl[0] = 0x0a;
		fl.flow_lbl[1] = 0xbc;
		fl.flow_lbl[2] = 0xde;

		for (m = 0; m < BIT(ARRAY_SIZE(bits)); m++) {
			if (fails >= TUN_RSS_TEST_MAX_FAILS)
				break;
			fields = 0;
			for (b = 0; b < ARRAY_SIZE(bits); b++)
				if (m & BIT(b))
					fields |= bits[b];
			if (tun_rss_fields_valid(f, fields))
				continue;

			tun_rss_ctx_init(ctx, tun_rss_ms_key, 4);
			ctx->fields[f] = fields;
			hash = tun_rss_ctx_hash(ctx, &fl, &report);

			n = tun_rss_ref_set_input(in, fields, ft[i].l3, t->src,
						  t->dst, l4, mac, 0x123,
						  ft[i].proto, 0xabcde);
			want = fields ? tun_rss_ref_toeplitz(tun_rss_ms_key,
							     in, n) : 0;
			want_report = VIRTIO_NET_HASH_REPORT_NONE;
			if (fields == TUN_RSS_FIELDS_SD)
				want_report = ft[i].l3 == 6 ?
					      VIRTIO_NET_HASH_REPORT_IPv6 :
					      VIRTIO_NET_HASH_REPORT_IPv4;
			else if (fields == TUN_RSS_FIELDS_SDFN &&
				 ft[i].proto == IPPROTO_TCP)
				want_report = ft[i].l3 == 6 ?
					      VIRTIO_NET_HASH_REPORT_TCPv6 :
					      VIRTIO_NET_HASH_REPORT_TCPv4;
			else if (fields == TUN_RSS_FIELDS_SDFN &&
				 ft[i].proto == IPPROTO_UDP)
				want_report = ft[i].l3 == 6 ?
					      VIRTIO_NET_HASH_REPORT_UDPv6 :
					      VIRTIO_NET_HASH_REPORT_UDPv4;

			if (hash != want || report != want_report)
				fails++;
			KUNIT_EXPECT_EQ_MSG(test, hash, want,
					    "flow type %#x fields %#x",
					    ft[i].flow_type, fields);
			KUNIT_EXPECT_EQ_MSG(test, report, want_report,
					    "flow type %#x fields %#x",
					    ft[i].flow_type, fields);
		}
	}

	/* The sets virtio names are Microsoft's: its published vectors */
	for (i = 0; i < ARRAY_SIZE(tun_rss_ms_vectors); i++) {
		const struct tun_rss_vector *v = &tun_rss_ms_vectors[i];
		bool v6 = v->l3 == 6;

		memset(&fl, 0, sizeof(fl));
		fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
		fl.l3 = v->l3;
		fl.l4proto = IPPROTO_SCTP;
		memcpy(fl.saddr, v->src, v6 ? 16 : 4);
		memcpy(fl.daddr, v->dst, v6 ? 16 : 4);
		fl.sport = htons(v->sport);
		fl.dport = htons(v->dport);
		tun_rss_ctx_init(ctx, tun_rss_ms_key, 4);
		/* sdfn of SCTP: Microsoft's 4-tuple hash, no virtio type */
		ctx->fields[v6 ? TUN_RSS_FT_SCTP6 : TUN_RSS_FT_SCTP4] =
			TUN_RSS_FIELDS_SDFN;
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_ctx_hash(ctx, &fl, &report),
				    v->hash_l4, "vector %u", i);
		KUNIT_EXPECT_EQ(test, report, VIRTIO_NET_HASH_REPORT_NONE);
	}
}

static void tun_rss_hash_random(struct kunit *test)
{
	unsigned int i, j, fails = 0;
	struct tun_rss_tframe f = { };
	u8 key[TUN_RSS_KEY_SIZE];
	struct tun_rss_ctx *ctx;
	u16 report, want_report;
	struct rnd_state rnd;
	u32 hash, want;
	bool tcp, v6;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	prandom_seed_state(&rnd, TUN_RSS_TEST_SEED + 2);

	for (i = 0; i < 1000 && fails < TUN_RSS_TEST_MAX_FAILS; i++) {
		prandom_bytes_state(&rnd, key, sizeof(key));
		tun_rss_ctx_init(ctx, key, 1 + i % 16);
		prandom_bytes_state(&rnd, &f.t, sizeof(f.t));
		v6 = i % 2;
		f.t.l3 = v6 ? 6 : 4;
		f.l2 = prandom_u32_state(&rnd) % 2;
		f.nvlan = f.l2 ? prandom_u32_state(&rnd) % 3 : 0;
		f.tpid[0] = ETH_P_8021AD;
		f.tpid[1] = ETH_P_8021Q;
		tcp = prandom_u32_state(&rnd) % 2;
		f.l4proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;

		/* The flow, then the same flow as a fragment: addresses only */
		for (j = 0; j < 2; j++) {
			f.frag = j ? 0x2000 : 0;
			f.v6frag = j;
			hash = tun_rss_thash(test, ctx, &f, 0, &report);
			want = tun_rss_ref_hash(key, &f.t, !j, false);
			if (j)
				want_report = v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
					      VIRTIO_NET_HASH_REPORT_IPv4;
			else if (tcp)
				want_report = v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
					      VIRTIO_NET_HASH_REPORT_TCPv4;
			else
				want_report = v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
					      VIRTIO_NET_HASH_REPORT_UDPv4;
			if (hash != want || report != want_report) {
				KUNIT_FAIL(test, "flow %u%s: hash %#x type %u, want %#x type %u",
					   i, j ? " fragment" : "", hash,
					   report, want, want_report);
				fails++;
			}
		}
	}
}

static void tun_rss_hash_sym_xor(struct kunit *test)
{
	struct tun_rss_tframe fwd = { }, rev = { };
	struct tun_rss_ctx *ctx;
	u16 rfwd, rrev;
	u32 hfwd, hrev;
	unsigned int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	for (i = 0; i < 2 * ARRAY_SIZE(tun_rss_ms_vectors); i++) {
		const struct tun_rss_vector *v;
		bool ports = i % 2;

		v = &tun_rss_ms_vectors[i / 2];
		fwd.l2 = true;
		fwd.l4proto = ports ? IPPROTO_UDP : IPPROTO_ICMP;
		fwd.t.l3 = v->l3;
		memcpy(fwd.t.src, v->src, sizeof(fwd.t.src));
		memcpy(fwd.t.dst, v->dst, sizeof(fwd.t.dst));
		fwd.t.sport = v->sport;
		fwd.t.dport = v->dport;
		rev = fwd;
		memcpy(rev.t.src, v->dst, sizeof(rev.t.src));
		memcpy(rev.t.dst, v->src, sizeof(rev.t.dst));
		rev.t.sport = v->dport;
		rev.t.dport = v->sport;

		/* Plain Toeplitz tells the two directions apart... */
		tun_rss_ctx_init(ctx, tun_rss_ms_key, 8);
		hfwd = tun_rss_thash(test, ctx, &fwd, 0, &rfwd);
		hrev = tun_rss_thash(test, ctx, &rev, 0, &rrev);
		KUNIT_EXPECT_NE_MSG(test, hfwd, hrev, "vector %u", i / 2);

		/* ...symmetric-XOR does not. */
		ctx->input_xfrm = RXH_XFRM_SYM_XOR;
		hfwd = tun_rss_thash(test, ctx, &fwd, 0, &rfwd);
		hrev = tun_rss_thash(test, ctx, &rev, 0, &rrev);
		KUNIT_EXPECT_EQ_MSG(test, hfwd, hrev, "vector %u", i / 2);
		KUNIT_EXPECT_EQ_MSG(test, hfwd,
				    tun_rss_ref_hash(tun_rss_ms_key, &fwd.t,
						     ports, true),
				    "vector %u", i / 2);
		KUNIT_EXPECT_EQ(test, rfwd, rrev);
		KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, hfwd, 8),
				tun_rss_ctx_queue(ctx, hrev, 8));
	}
}

static void tun_rss_hash_fields(struct kunit *test)
{
	static const struct {
		u32 flow_type;
		int ft;
	} map[] = {
		{ TCP_V4_FLOW, TUN_RSS_FT_TCP4 },
		{ UDP_V4_FLOW, TUN_RSS_FT_UDP4 },
		{ SCTP_V4_FLOW, TUN_RSS_FT_SCTP4 },
		{ AH_ESP_V4_FLOW, TUN_RSS_FT_AH_ESP4 },
		{ AH_V4_FLOW, TUN_RSS_FT_AH_ESP4 },
		{ ESP_V4_FLOW, TUN_RSS_FT_AH_ESP4 },
		{ IPV4_FLOW, TUN_RSS_FT_IP4 },
		{ TCP_V6_FLOW, TUN_RSS_FT_TCP6 },
		{ UDP_V6_FLOW, TUN_RSS_FT_UDP6 },
		{ SCTP_V6_FLOW, TUN_RSS_FT_SCTP6 },
		{ AH_ESP_V6_FLOW, TUN_RSS_FT_AH_ESP6 },
		{ AH_V6_FLOW, TUN_RSS_FT_AH_ESP6 },
		{ ESP_V6_FLOW, TUN_RSS_FT_AH_ESP6 },
		{ IPV6_FLOW, TUN_RSS_FT_IP6 },
		{ TCP_V4_FLOW | FLOW_EXT, TUN_RSS_FT_TCP4 },
		{ UDP_V6_FLOW | FLOW_MAC_EXT | FLOW_RSS, TUN_RSS_FT_UDP6 },
		{ ETHER_FLOW, -EINVAL },
		{ IPV4_USER_FLOW, -EINVAL },
		{ IPV6_USER_FLOW, -EINVAL },
		{ 0, -EINVAL },
		{ 0x3f, -EINVAL },
		{ TCP_V4_FLOW | 0x100, -EINVAL },
	};
	static const u64 bad[] = {
		TUN_RSS_FIELDS_SDFN | RXH_GTP_TEID,
		TUN_RSS_FIELDS_SDFN | RXH_DISCARD,
		RXH_GTP_TEID,
		RXH_DISCARD,
		TUN_RSS_FIELDS_SD | BIT_ULL(10),
		TUN_RSS_FIELDS_SD | BIT_ULL(32),
	};
	/* Every field a frame of the flow type carries, one at a time */
	static const u64 one[] = {
		RXH_L2DA, RXH_VLAN, RXH_L3_PROTO, RXH_IP_SRC, RXH_IP_DST,
		RXH_L4_B_0_1, RXH_L4_B_2_3, RXH_IP6_FL,
	};
	struct tun_rss_ctx *ctx;
	unsigned int i, j;
	u64 all, fields;
	bool ports, v6;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_flow_type_to_ft(map[i].flow_type),
				    map[i].ft, "flow type %#x",
				    map[i].flow_type);

	for (i = 0; i < TUN_RSS_FT_NUM; i++) {
		KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, 0), 0);
		KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, TUN_RSS_FIELDS_SD),
				0);
		/* Ports (or the SPI) for all but the ip4 and ip6 types */
		KUNIT_EXPECT_EQ_MSG(test,
				    tun_rss_fields_valid(i, TUN_RSS_FIELDS_SDFN),
				    i == TUN_RSS_FT_IP4 || i == TUN_RSS_FT_IP6 ?
				    -EINVAL : 0, "ft %u", i);
		for (j = 0; j < ARRAY_SIZE(bad); j++)
			KUNIT_EXPECT_EQ_MSG(test, tun_rss_fields_valid(i, bad[j]),
					    -EINVAL, "ft %u fields %#llx", i,
					    (unsigned long long)bad[j]);
		v6 = i >= TUN_RSS_FT_TCP6;
		all = 0;
		for (j = 0; j < ARRAY_SIZE(one); j++) {
			bool carried = true;

			if (one[j] == RXH_IP6_FL)
				carried = v6;
			if (one[j] & (RXH_L4_B_0_1 | RXH_L4_B_2_3))
				carried = i != TUN_RSS_FT_IP4 &&
					  i != TUN_RSS_FT_IP6;
			KUNIT_EXPECT_EQ_MSG(test, tun_rss_fields_valid(i, one[j]),
					    carried ? 0 : -EINVAL,
					    "ft %u field %#llx", i,
					    (unsigned long long)one[j]);
			if (carried)
				all |= one[j];
		}
		/* Any subset of them: here all of them, and sd with each */
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_fields_valid(i, all), 0,
				    "ft %u", i);
		for (j = 0; j < ARRAY_SIZE(one); j++) {
			if (!(one[j] & all))
				continue;
			fields = TUN_RSS_FIELDS_SD | one[j];
			KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, fields),
					0);
		}
	}
	KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(TUN_RSS_FT_NUM, 0), -EINVAL);

	/* The defaults of SPEC §4 */
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	memset(ctx, 0xa5, sizeof(*ctx));
	tun_rss_ctx_init(ctx, tun_rss_ms_key, 5);
	for (i = 0; i < TUN_RSS_FT_NUM; i++) {
		ports = i == TUN_RSS_FT_TCP4 || i == TUN_RSS_FT_UDP4 ||
			i == TUN_RSS_FT_TCP6 || i == TUN_RSS_FT_UDP6;
		KUNIT_EXPECT_EQ_MSG(test, ctx->fields[i],
				    ports ? TUN_RSS_FIELDS_SDFN :
				    TUN_RSS_FIELDS_SD, "ft %u", i);
		KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, ctx->fields[i]),
				0);
	}
	KUNIT_EXPECT_EQ(test, ctx->input_xfrm, 0);
	KUNIT_EXPECT_MEMEQ(test, ctx->key, tun_rss_ms_key, TUN_RSS_KEY_SIZE);
}

static void tun_rss_hash_set_key(struct kunit *test)
{
	const struct tun_rss_tframe f = TUN_RSS_TCP4;
	u8 key[TUN_RSS_KEY_SIZE];
	struct tun_rss_ctx *ctx;
	u16 report;
	u32 hash;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	tun_rss_ctx_init(ctx, tun_rss_ms_key, 2);

	memset(key, 0x3c, sizeof(key));
	tun_rss_ctx_set_key(ctx, key);
	KUNIT_EXPECT_MEMEQ(test, ctx->key, key, sizeof(key));
	hash = tun_rss_thash(test, ctx, &f, 0, &report);
	KUNIT_EXPECT_EQ(test, hash, tun_rss_ref_hash(key, &f.t, true, false));
	KUNIT_EXPECT_EQ(test, report, VIRTIO_NET_HASH_REPORT_TCPv4);

	/* An all-zero key hashes everything to 0, yet still reports a type */
	memset(key, 0, sizeof(key));
	tun_rss_ctx_set_key(ctx, key);
	hash = tun_rss_thash(test, ctx, &f, 0, &report);
	KUNIT_EXPECT_EQ(test, hash, 0);
	KUNIT_EXPECT_EQ(test, report, VIRTIO_NET_HASH_REPORT_TCPv4);
}

static void tun_rss_hash_queue(struct kunit *test)
{
	struct tun_rss_ctx *ctx;
	unsigned int i, nq;
	u32 hash;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	/* The default table spreads evenly */
	for (nq = 1; nq <= 256; nq++) {
		tun_rss_ctx_init(ctx, tun_rss_ms_key, nq);
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			KUNIT_EXPECT_EQ(test, ctx->indir[i], i % nq);
	}
	tun_rss_ctx_init(ctx, tun_rss_ms_key, 0);
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		KUNIT_EXPECT_EQ(test, ctx->indir[i], 0);

	/* Low bits of the hash index the table */
	tun_rss_ctx_init(ctx, tun_rss_ms_key, 4);
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		ctx->indir[i] = TUN_RSS_INDIR_SIZE - 1 - i;
	hash = 0x12345600 | 5;
	KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, hash, 128), 122);
	hash = 0xffffff80;
	KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, hash, 128), 127);

	/* Entries past the queues left fold over them (SPEC §2) */
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, i, 5),
				(TUN_RSS_INDIR_SIZE - 1 - i) % 5);
	for (nq = 1; nq <= 130; nq++) {
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++) {
			u16 q = tun_rss_ctx_queue(ctx, i, nq);

			KUNIT_EXPECT_LT(test, q, nq);
			if (ctx->indir[i] < nq)
				KUNIT_EXPECT_EQ(test, q, ctx->indir[i]);
		}
	}
	ctx->indir[7] = 0xffff;
	KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, 7, 1000), 0xffff % 1000);

	/* No queues: 0, never an index into nothing */
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		KUNIT_EXPECT_EQ(test, tun_rss_ctx_queue(ctx, i, 0), 0);
}

static struct kunit_case tun_rss_hash_cases[] = {
	KUNIT_CASE(tun_rss_hash_ms_frames),
	KUNIT_CASE(tun_rss_hash_types),
	KUNIT_CASE(tun_rss_hash_subsets),
	KUNIT_CASE(tun_rss_hash_random),
	KUNIT_CASE(tun_rss_hash_sym_xor),
	KUNIT_CASE(tun_rss_hash_fields),
	KUNIT_CASE(tun_rss_hash_set_key),
	KUNIT_CASE(tun_rss_hash_queue),
	{}
};

static struct kunit_suite tun_rss_hash_suite = {
	.name = "tun_rss_hash",
	.test_cases = tun_rss_hash_cases,
};

/*
 * Flow rules and the classifier.  Two references judge it, neither of
 * them built on cls.c's internals: the rule keys matched one by one
 * ((frame key & mask) == rule key, lowest location first), which checks
 * the tuple space search; and the ethtool flow specs matched against the
 * parsed flow by their documented meaning, which checks the conversion
 * of specs and of frames into keys.
 */

/* (@val & @mask) == (@want & @mask), byte by byte */
static bool tun_rss_tmeq(const void *val, const void *want, const void *mask,
			 size_t len)
{
	const u8 *v = val, *w = want, *m = mask;
	size_t i;

	for (i = 0; i < len; i++)
		if ((v[i] ^ w[i]) & m[i])
			return false;
	return true;
}

static u8 tun_rss_tfs_proto(u32 type)
{
	switch (type) {
	case TCP_V4_FLOW:
	case TCP_V6_FLOW:
		return IPPROTO_TCP;
	case UDP_V4_FLOW:
	case UDP_V6_FLOW:
		return IPPROTO_UDP;
	default:
		return IPPROTO_SCTP;
	}
}

/* What an ethtool flow spec means for a parsed frame (SPEC §3, ethtool.h) */
static bool tun_rss_tfs_match(const struct ethtool_rx_flow_spec *fs,
			      const struct tun_rss_flow *fl)
{
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	__be16 tci = fl->flags & TUN_RSS_F_VLAN ? fl->vlan_tci : 0;
	bool v4 = (fl->flags & TUN_RSS_F_IP) && fl->l3 == 4;
	bool v6 = (fl->flags & TUN_RSS_F_IP) && fl->l3 == 6;
	bool l4 = fl->flags & TUN_RSS_F_L4;
	const struct ethtool_usrip4_spec *hu4, *mu4;
	const struct ethtool_usrip6_spec *hu6, *mu6;
	const struct ethtool_tcpip4_spec *h4, *m4;
	const struct ethtool_tcpip6_spec *h6, *m6;
	const struct ethhdr *he, *me;

	if ((fs->flow_type & FLOW_EXT) &&
	    !tun_rss_tmeq(&tci, &fs->h_ext.vlan_tci, &fs->m_ext.vlan_tci, 2))
		return false;
	if ((fs->flow_type & FLOW_MAC_EXT) &&
	    !tun_rss_tmeq(fl->h_dest, fs->h_ext.h_dest, fs->m_ext.h_dest,
			  ETH_ALEN))
		return false;

	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		h4 = &fs->h_u.tcp_ip4_spec;
		m4 = &fs->m_u.tcp_ip4_spec;
		return v4 && l4 && fl->l4proto == tun_rss_tfs_proto(type) &&
		       tun_rss_tmeq(&fl->saddr[0], &h4->ip4src, &m4->ip4src, 4) &&
		       tun_rss_tmeq(&fl->daddr[0], &h4->ip4dst, &m4->ip4dst, 4) &&
		       tun_rss_tmeq(&fl->sport, &h4->psrc, &m4->psrc, 2) &&
		       tun_rss_tmeq(&fl->dport, &h4->pdst, &m4->pdst, 2) &&
		       tun_rss_tmeq(&fl->tos, &h4->tos, &m4->tos, 1);
	case IPV4_USER_FLOW:
		hu4 = &fs->h_u.usr_ip4_spec;
		mu4 = &fs->m_u.usr_ip4_spec;
		return v4 && (l4 || !mu4->l4_4_bytes) &&
		       tun_rss_tmeq(&fl->saddr[0], &hu4->ip4src, &mu4->ip4src, 4) &&
		       tun_rss_tmeq(&fl->daddr[0], &hu4->ip4dst, &mu4->ip4dst, 4) &&
		       tun_rss_tmeq(&fl->l4_4bytes, &hu4->l4_4_bytes,
				    &mu4->l4_4_bytes, 4) &&
		       tun_rss_tmeq(&fl->tos, &hu4->tos, &mu4->tos, 1) &&
		       tun_rss_tmeq(&fl->l4proto, &hu4->proto, &mu4->proto, 1);
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
		h6 = &fs->h_u.tcp_ip6_spec;
		m6 = &fs->m_u.tcp_ip6_spec;
		return v6 && l4 && fl->l4proto == tun_rss_tfs_proto(type) &&
		       tun_rss_tmeq(fl->saddr, h6->ip6src, m6->ip6src, 16) &&
		       tun_rss_tmeq(fl->daddr, h6->ip6dst, m6->ip6dst, 16) &&
		       tun_rss_tmeq(&fl->sport, &h6->psrc, &m6->psrc, 2) &&
		       tun_rss_tmeq(&fl->dport, &h6->pdst, &m6->pdst, 2) &&
		       tun_rss_tmeq(&fl->tos, &h6->tclass, &m6->tclass, 1);
	case IPV6_USER_FLOW:
		hu6 = &fs->h_u.usr_ip6_spec;
		mu6 = &fs->m_u.usr_ip6_spec;
		return v6 && (l4 || !mu6->l4_4_bytes) &&
		       tun_rss_tmeq(fl->saddr, hu6->ip6src, mu6->ip6src, 16) &&
		       tun_rss_tmeq(fl->daddr, hu6->ip6dst, mu6->ip6dst, 16) &&
		       tun_rss_tmeq(&fl->l4_4bytes, &hu6->l4_4_bytes,
				    &mu6->l4_4_bytes, 4) &&
		       tun_rss_tmeq(&fl->tos, &hu6->tclass, &mu6->tclass, 1) &&
		       tun_rss_tmeq(&fl->l4proto, &hu6->l4_proto, &mu6->l4_proto,
				    1);
	case ETHER_FLOW:
		he = &fs->h_u.ether_spec;
		me = &fs->m_u.ether_spec;
		return tun_rss_tmeq(fl->h_dest, he->h_dest, me->h_dest,
				    ETH_ALEN) &&
		       tun_rss_tmeq(fl->h_source, he->h_source, me->h_source,
				    ETH_ALEN) &&
		       tun_rss_tmeq(&fl->h_proto, &he->h_proto, &me->h_proto, 2);
	}
	return false;
}

/* Lowest location whose (key & mask) == rule key, or -1 */
static s64 tun_rss_tref_key(const struct tun_rss_rule *rules, unsigned int n,
			    const struct tun_rss_cls_key *k)
{
	s64 best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (best >= 0 && rules[i].location >= best)
			continue;
		if (tun_rss_tmeq(k, &rules[i].key, &rules[i].mask, sizeof(*k)))
			best = rules[i].location;
	}
	return best;
}

/* Lowest location whose flow spec matches @fl, or -1 */
static s64 tun_rss_tref_fs(const struct ethtool_rx_flow_spec *fs,
			   unsigned int n, const struct tun_rss_flow *fl)
{
	s64 best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (best >= 0 && fs[i].location >= best)
			continue;
		if (tun_rss_tfs_match(&fs[i], fl))
			best = fs[i].location;
	}
	return best;
}

/*
 * A lookup as frames do it, in an RCU read-side section.  The rule stays
 * valid afterwards: the test is the only writer.
 */
static const struct tun_rss_rule *
tun_rss_tcls_lookup(const struct tun_rss_cls *cls,
		    const struct tun_rss_cls_key *k)
{
	const struct tun_rss_rule *r;

	rcu_read_lock();
	r = tun_rss_cls_lookup(cls, k);
	rcu_read_unlock();
	return r;
}

static s64 tun_rss_tlookup(const struct tun_rss_cls *cls,
			   const struct tun_rss_flow *fl)
{
	const struct tun_rss_rule *r;
	struct tun_rss_cls_key k;

	tun_rss_cls_key_from_flow(&k, fl);
	r = tun_rss_tcls_lookup(cls, &k);
	return r ? (s64)r->location : -1;
}

/* A fresh spec of @type at @loc delivering to queue 1 */
static void tun_rss_tfs_init(struct ethtool_rx_flow_spec *fs, u32 type,
			     u32 loc)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = type;
	fs->location = loc;
	fs->ring_cookie = 1;
	if ((type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)) == IPV4_USER_FLOW)
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
}

static void tun_rss_tfs_convert(struct kunit *test, struct tun_rss_rule *r,
				const struct ethtool_rx_flow_spec *fs,
				u32 rss_context)
{
	const char *why = NULL;
	int err;

	err = tun_rss_rule_from_fs(r, fs, rss_context, &why);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "flow type %#x location %u: %s",
			    fs->flow_type, fs->location, why ? why : "");
}

/* Every supported flow type, every field masked, values outside masks */
static void tun_rss_cls_fs_types(struct kunit *test)
{
	static const struct {
		u32 type;
		u8 l3;
		u8 proto;
	} l4types[] = {
		{ TCP_V4_FLOW, 4, IPPROTO_TCP },
		{ UDP_V4_FLOW, 4, IPPROTO_UDP },
		{ SCTP_V4_FLOW, 4, IPPROTO_SCTP },
		{ TCP_V6_FLOW, 6, IPPROTO_TCP },
		{ UDP_V6_FLOW, 6, IPPROTO_UDP },
		{ SCTP_V6_FLOW, 6, IPPROTO_SCTP },
	};
	static const u8 v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				    0, 0, 0, 0, 0, 0, 0x12, 0x34 };
	static const u8 v6b[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				    0, 0, 0, 0, 0, 0, 0, 0x01 };
	static const u8 pfx64[16] = { 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff };
	static const u8 all16[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff };
	static const u8 mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const u8 mac_pfx[ETH_ALEN] = { 0xff, 0xff, 0xff };
	struct tun_rss_cls_key wk, wm;
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule r;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(l4types); i++) {
		tun_rss_tfs_init(&fs, l4types[i].type, 10 + i);
		memset(&wk, 0, sizeof(wk));
		memset(&wm, 0, sizeof(wm));
		wk.l3 = l4types[i].l3;
		wk.l4proto = l4types[i].proto;
		wk.l4ok = 1;
		wm.l3 = 0xff;
		wm.l4proto = 0xff;
		wm.l4ok = 0xff;
		wk.sport = htons(1234);
		wm.sport = htons(0xffff);
		wk.dport = htons(0x1230);	/* 0x1234 under 0xfff0 */
		wm.dport = htons(0xfff0);
		wk.tos = 0xb8;			/* 0xbb under 0xfc */
		wm.tos = 0xfc;
		if (l4types[i].l3 == 4) {
			struct ethtool_tcpip4_spec *h = &fs.h_u.tcp_ip4_spec;
			struct ethtool_tcpip4_spec *m = &fs.m_u.tcp_ip4_spec;

			h->ip4src = htonl(0x0a0102ff);
			m->ip4src = htonl(0xffffff00);
			h->ip4dst = htonl(0xc0a80001);
			m->ip4dst = htonl(0xffffffff);
			h->psrc = htons(1234);
			m->psrc = htons(0xffff);
			h->pdst = htons(0x1234);
			m->pdst = htons(0xfff0);
			h->tos = 0xbb;
			m->tos = 0xfc;
			wk.saddr[0] = htonl(0x0a010200);
			wm.saddr[0] = htonl(0xffffff00);
			wk.daddr[0] = htonl(0xc0a80001);
			wm.daddr[0] = htonl(0xffffffff);
		} else {
			struct ethtool_tcpip6_spec *h = &fs.h_u.tcp_ip6_spec;
			struct ethtool_tcpip6_spec *m = &fs.m_u.tcp_ip6_spec;

			memcpy(h->ip6src, v6a, 16);
			memcpy(m->ip6src, pfx64, 16);
			memcpy(h->ip6dst, v6b, 16);
			memcpy(m->ip6dst, all16, 16);
			h->psrc = htons(1234);
			m->psrc = htons(0xffff);
			h->pdst = htons(0x1234);
			m->pdst = htons(0xfff0);
			h->tclass = 0xbb;
			m->tclass = 0xfc;
			memcpy(wk.saddr, v6a, 8);
			memcpy(wm.saddr, pfx64, 16);
			memcpy(wk.daddr, v6b, 16);
			memcpy(wm.daddr, all16, 16);
		}
		tun_rss_tfs_convert(test, &r, &fs, 0);
		KUNIT_EXPECT_MEMEQ_MSG(test, &r.key, &wk, sizeof(wk), "type %#x",
				       l4types[i].type);
		KUNIT_EXPECT_MEMEQ_MSG(test, &r.mask, &wm, sizeof(wm),
				       "type %#x", l4types[i].type);
		KUNIT_EXPECT_EQ(test, r.location, 10 + i);
		KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_QUEUE);
		KUNIT_EXPECT_EQ(test, r.queue, 1);
	}

	/* ip4 and ip6, with and without the first four L4 bytes */
	for (j = 0; j < 4; j++) {
		bool v6 = j & 1, l4bytes = j & 2;

		tun_rss_tfs_init(&fs, v6 ? IPV6_USER_FLOW : IPV4_USER_FLOW, 3);
		memset(&wk, 0, sizeof(wk));
		memset(&wm, 0, sizeof(wm));
		wk.l3 = v6 ? 6 : 4;
		wm.l3 = 0xff;
		wk.l4proto = IPPROTO_ICMP;
		wm.l4proto = 0xff;
		wk.tos = 0x20;
		wm.tos = 0xe0;
		if (l4bytes) {
			wk.l4ok = 1;
			wm.l4ok = 0xff;
			wk.l4_4bytes = htonl(0x08000000);
			wm.l4_4bytes = htonl(0xff000000);
		}
		if (v6) {
			struct ethtool_usrip6_spec *h = &fs.h_u.usr_ip6_spec;
			struct ethtool_usrip6_spec *m = &fs.m_u.usr_ip6_spec;

			memcpy(h->ip6src, v6b, 16);
			memcpy(m->ip6src, all16, 16);
			memcpy(h->ip6dst, v6a, 16);
			memcpy(m->ip6dst, pfx64, 16);
			h->l4_proto = IPPROTO_ICMP;
			m->l4_proto = 0xff;
			h->tclass = 0x3f;
			m->tclass = 0xe0;
			h->l4_4_bytes = htonl(0x0800abcd);
			m->l4_4_bytes = l4bytes ? htonl(0xff000000) : 0;
			memcpy(wk.saddr, v6b, 16);
			memcpy(wm.saddr, all16, 16);
			memcpy(wk.daddr, v6a, 8);
			memcpy(wm.daddr, pfx64, 16);
		} else {
			struct ethtool_usrip4_spec *h = &fs.h_u.usr_ip4_spec;
			struct ethtool_usrip4_spec *m = &fs.m_u.usr_ip4_spec;

			h->ip4src = htonl(0x0a000001);
			m->ip4src = htonl(0xffffffff);
			h->ip4dst = htonl(0x0a0000ff);
			m->ip4dst = htonl(0xffff0000);
			h->proto = IPPROTO_ICMP;
			m->proto = 0xff;
			h->tos = 0x3f;
			m->tos = 0xe0;
			h->l4_4_bytes = htonl(0x0800abcd);
			m->l4_4_bytes = l4bytes ? htonl(0xff000000) : 0;
			wk.saddr[0] = htonl(0x0a000001);
			wm.saddr[0] = htonl(0xffffffff);
			wk.daddr[0] = htonl(0x0a000000);
			wm.daddr[0] = htonl(0xffff0000);
		}
		tun_rss_tfs_convert(test, &r, &fs, 0);
		KUNIT_EXPECT_MEMEQ_MSG(test, &r.key, &wk, sizeof(wk),
				       "v6 %d l4bytes %d", v6, l4bytes);
		KUNIT_EXPECT_MEMEQ_MSG(test, &r.mask, &wm, sizeof(wm),
				       "v6 %d l4bytes %d", v6, l4bytes);
	}

	/* ether: nothing implied, not even IP */
	tun_rss_tfs_init(&fs, ETHER_FLOW, 0);
	memcpy(fs.h_u.ether_spec.h_dest, mac, ETH_ALEN);
	memcpy(fs.m_u.ether_spec.h_dest, mac_pfx, ETH_ALEN);
	memcpy(fs.h_u.ether_spec.h_source, mac, ETH_ALEN);
	memcpy(fs.m_u.ether_spec.h_source, all16, ETH_ALEN);
	fs.h_u.ether_spec.h_proto = htons(ETH_P_ARP);
	fs.m_u.ether_spec.h_proto = htons(0xffff);
	memset(&wk, 0, sizeof(wk));
	memset(&wm, 0, sizeof(wm));
	memcpy(wk.h_dest, mac, 3);
	memcpy(wm.h_dest, mac_pfx, ETH_ALEN);
	memcpy(wk.h_source, mac, ETH_ALEN);
	memcpy(wm.h_source, all16, ETH_ALEN);
	wk.h_proto = htons(ETH_P_ARP);
	wm.h_proto = htons(0xffff);
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_MEMEQ(test, &r.key, &wk, sizeof(wk));
	KUNIT_EXPECT_MEMEQ(test, &r.mask, &wm, sizeof(wm));

	/* An ether rule without masks matches every frame */
	tun_rss_tfs_init(&fs, ETHER_FLOW, 0);
	memset(&wm, 0, sizeof(wm));
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_MEMEQ(test, &r.key, &wm, sizeof(wm));
	KUNIT_EXPECT_MEMEQ(test, &r.mask, &wm, sizeof(wm));
}

/* FLOW_EXT and FLOW_MAC_EXT, and their fields ignored without the flag */
static void tun_rss_cls_fs_ext(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const u8 all[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 hi[ETH_ALEN] = { 0xff, 0xff, 0xff };
	static const u8 lo[ETH_ALEN] = { 0, 0, 0, 0xff, 0xff, 0xff };
	static const u8 zero[ETH_ALEN];
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule r;

	tun_rss_tfs_init(&fs, TCP_V4_FLOW | FLOW_EXT, 0);
	fs.h_ext.vlan_tci = htons(0x2064);
	fs.m_ext.vlan_tci = htons(0x0fff);
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_EQ(test, ntohs(r.key.vlan_tci), 0x064);
	KUNIT_EXPECT_EQ(test, ntohs(r.mask.vlan_tci), 0x0fff);
	KUNIT_EXPECT_MEMEQ(test, r.mask.h_dest, zero, ETH_ALEN);

	tun_rss_tfs_init(&fs, UDP_V6_FLOW | FLOW_MAC_EXT, 0);
	memcpy(fs.h_ext.h_dest, mac, ETH_ALEN);
	memcpy(fs.m_ext.h_dest, all, ETH_ALEN);
	fs.m_ext.vlan_tci = htons(0xffff);	/* no FLOW_EXT: ignored */
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_MEMEQ(test, r.key.h_dest, mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, r.mask.h_dest, all, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ntohs(r.mask.vlan_tci), 0);

	/* Without the flags, even masks tun refuses are ignored */
	tun_rss_tfs_init(&fs, IPV4_USER_FLOW, 0);
	fs.m_ext.vlan_etype = htons(0xffff);
	fs.m_ext.data[0] = htonl(1);
	memcpy(fs.m_ext.h_dest, all, ETH_ALEN);
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_EQ(test, ntohs(r.mask.vlan_tci), 0);
	KUNIT_EXPECT_MEMEQ(test, r.mask.h_dest, zero, ETH_ALEN);

	/* An ether rule's two destination MACs, on disjoint bits, merge */
	tun_rss_tfs_init(&fs, ETHER_FLOW | FLOW_MAC_EXT, 0);
	memcpy(fs.h_u.ether_spec.h_dest, mac, ETH_ALEN);
	memcpy(fs.m_u.ether_spec.h_dest, hi, ETH_ALEN);
	memcpy(fs.h_ext.h_dest, mac, ETH_ALEN);
	memcpy(fs.m_ext.h_dest, lo, ETH_ALEN);
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_MEMEQ(test, r.key.h_dest, mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, r.mask.h_dest, all, ETH_ALEN);

	/* ... and on common bits when they agree */
	memcpy(fs.m_ext.h_dest, all, ETH_ALEN);
	fs.h_u.ether_spec.h_dest[5] ^= 1;	/* outside the ether mask */
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_MEMEQ(test, r.key.h_dest, mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, r.mask.h_dest, all, ETH_ALEN);
}

static void tun_rss_cls_fs_actions(struct kunit *test)
{
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule r;

	tun_rss_tfs_init(&fs, UDP_V4_FLOW, 42);
	fs.ring_cookie = 5;
	tun_rss_tfs_convert(test, &r, &fs, 7);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_QUEUE);
	KUNIT_EXPECT_EQ(test, r.queue, 5);
	KUNIT_EXPECT_EQ(test, r.location, 42);

	/* The largest ring is not a drop: only all-ones is */
	fs.ring_cookie = 0xffffffff;
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_QUEUE);
	KUNIT_EXPECT_EQ(test, r.queue, 0xffffffff);

	fs.ring_cookie = RX_CLS_FLOW_DISC;
	tun_rss_tfs_convert(test, &r, &fs, 0);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_DROP);

	tun_rss_tfs_init(&fs, TCP_V6_FLOW | FLOW_RSS, 1);
	fs.ring_cookie = 2;
	tun_rss_tfs_convert(test, &r, &fs, 9);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_CTX);
	KUNIT_EXPECT_EQ(test, r.ctx, 9);
	KUNIT_EXPECT_EQ(test, r.queue, 2);

	fs.ring_cookie = 0;
	tun_rss_tfs_convert(test, &r, &fs, 63);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_CTX);
	KUNIT_EXPECT_EQ(test, r.ctx, 63);
	KUNIT_EXPECT_EQ(test, r.queue, 0);

	/* All flags at once */
	tun_rss_tfs_init(&fs, ETHER_FLOW | FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS,
			 3);
	fs.ring_cookie = 1;
	tun_rss_tfs_convert(test, &r, &fs, 4);
	KUNIT_EXPECT_EQ(test, r.action, TUN_RSS_ACT_CTX);
	KUNIT_EXPECT_EQ(test, r.ctx, 4);
	KUNIT_EXPECT_EQ(test, r.queue, 1);
}

/**
 * struct tun_rss_tbad - a flow spec tun must refuse
 * @name: what is wrong
 * @type: flow_type, flags included
 * @m_u: byte of the flow union mask to set, or -1
 * @m_ext: byte of the extension mask to set, or -1
 * @ring_cookie: the ring cookie (0 is queue 0, valid)
 * @ip_ver: ip4 ip_ver, when @set_ip_ver
 * @set_ip_ver: use @ip_ver instead of %ETH_RX_NFC_IP4
 * @mac_conflict: give an ether rule two different destination MACs
 * @field: what the message must name
 */
struct tun_rss_tbad {
	const char *name;
	u32 type;
	int m_u;
	int m_ext;
	u64 ring_cookie;
	u8 ip_ver;
	bool set_ip_ver;
	bool mac_conflict;
	const char *field;
};

#define TUN_RSS_TBAD_TYPE(t, f) { #t, t, -1, -1, 0, 0, false, false, f }
#define TUN_RSS_TBAD_MU(t, off, f) { #t " m_u[" #off "]", t, off, -1, 0, 0, \
				     false, false, f }
#define TUN_RSS_TBAD_MEXT(t, fld, f) \
	{ #t " " #fld, t, -1, offsetof(struct ethtool_flow_ext, fld), 0, 0, \
	  false, false, f }
#define TUN_RSS_TBAD_RING(t, c, f) { #t " ring " #c, t, -1, -1, c, 0, \
				     false, false, f }

static const struct tun_rss_tbad tun_rss_tbads[] = {
	TUN_RSS_TBAD_TYPE(AH_ESP_V4_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(AH_V4_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(ESP_V4_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(AH_ESP_V6_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(AH_V6_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(ESP_V6_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(IPV4_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(IPV6_FLOW, "flow type"),
	TUN_RSS_TBAD_TYPE(0, "flow type"),
	TUN_RSS_TBAD_TYPE(0x13, "flow type"),
	TUN_RSS_TBAD_TYPE(0x7fff, "flow type"),
	TUN_RSS_TBAD_TYPE(TCP_V4_FLOW | 0x10000000, "flow type"),
	TUN_RSS_TBAD_TYPE(ETHER_FLOW | 0x01000000, "flow type"),
	TUN_RSS_TBAD_MU(TCP_V4_FLOW, 13, "tos"),
	TUN_RSS_TBAD_MU(UDP_V4_FLOW, 14, "tos"),
	TUN_RSS_TBAD_MU(SCTP_V4_FLOW, 51, "tos"),
	TUN_RSS_TBAD_MU(IPV4_USER_FLOW, 13, "ip_ver"),
	TUN_RSS_TBAD_MU(IPV4_USER_FLOW, 15, "proto"),
	TUN_RSS_TBAD_MU(IPV4_USER_FLOW, 40, "proto"),
	TUN_RSS_TBAD_MU(TCP_V6_FLOW, 37, "tclass"),
	TUN_RSS_TBAD_MU(UDP_V6_FLOW, 40, "tclass"),
	TUN_RSS_TBAD_MU(SCTP_V6_FLOW, 51, "tclass"),
	TUN_RSS_TBAD_MU(IPV6_USER_FLOW, 38, "l4_proto"),
	TUN_RSS_TBAD_MU(IPV6_USER_FLOW, 51, "l4_proto"),
	TUN_RSS_TBAD_MU(ETHER_FLOW, 14, "h_proto"),
	TUN_RSS_TBAD_MU(ETHER_FLOW, 20, "h_proto"),
	{ "ip4 ip_ver 0", IPV4_USER_FLOW, -1, -1, 0, 0, true, false, "ip_ver" },
	{ "ip4 ip_ver 2", IPV4_USER_FLOW, -1, -1, 0, 2, true, false, "ip_ver" },
	TUN_RSS_TBAD_MEXT(TCP_V4_FLOW | FLOW_EXT, vlan_etype, "vlan_etype"),
	TUN_RSS_TBAD_MEXT(ETHER_FLOW | FLOW_EXT, data[0], "data"),
	TUN_RSS_TBAD_MEXT(UDP_V6_FLOW | FLOW_EXT, data[1], "data"),
	TUN_RSS_TBAD_MEXT(IPV6_USER_FLOW | FLOW_EXT | FLOW_MAC_EXT, data[1],
			  "data"),
	TUN_RSS_TBAD_RING(TCP_V4_FLOW, RX_CLS_FLOW_WAKE, "ring_cookie"),
	TUN_RSS_TBAD_RING(TCP_V4_FLOW, 0x100000003ULL, "ring_cookie"),
	TUN_RSS_TBAD_RING(TCP_V4_FLOW | FLOW_RSS, 0xff00000000ULL,
			  "ring_cookie"),
	TUN_RSS_TBAD_RING(TCP_V4_FLOW, 1ULL << 40, "ring_cookie"),
	TUN_RSS_TBAD_RING(UDP_V4_FLOW, 1ULL << 63, "ring_cookie"),
	TUN_RSS_TBAD_RING(TCP_V4_FLOW | FLOW_RSS, RX_CLS_FLOW_DISC,
			  "ring_cookie"),
	{ "ether h_dest contradicts FLOW_MAC_EXT", ETHER_FLOW | FLOW_MAC_EXT,
	  -1, -1, 0, 0, false, true, "h_dest" },
};

static void tun_rss_cls_fs_rejects(struct kunit *test)
{
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule r;
	const char *why;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(tun_rss_tbads); i++) {
		const struct tun_rss_tbad *b = &tun_rss_tbads[i];

		tun_rss_tfs_init(&fs, b->type, 5);
		fs.ring_cookie = b->ring_cookie;
		if (b->m_u >= 0)
			fs.m_u.hdata[b->m_u] = 0xff;
		if (b->m_ext >= 0)
			((u8 *)&fs.m_ext)[b->m_ext] = 0xff;
		if (b->set_ip_ver)
			fs.h_u.usr_ip4_spec.ip_ver = b->ip_ver;
		if (b->mac_conflict) {
			fs.h_u.ether_spec.h_dest[0] = 0x02;
			fs.m_u.ether_spec.h_dest[0] = 0xff;
			fs.h_ext.h_dest[0] = 0x03;
			fs.m_ext.h_dest[0] = 0x0f;
		}

		why = NULL;
		err = tun_rss_rule_from_fs(&r, &fs, 1, &why);
		KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "%s", b->name);
		KUNIT_EXPECT_TRUE_MSG(test, why, "%s: no message", b->name);
		if (!why)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, strlen(why) && strlen(why) < 80,
				      "%s: \"%s\"", b->name, why);
		KUNIT_EXPECT_TRUE_MSG(test, strstr(why, b->field),
				      "%s: \"%s\" does not name %s", b->name,
				      why, b->field);
	}
}

/* The key of parsed frames: what is there, and zero for what is not */
static void tun_rss_cls_key_frames(struct kunit *test)
{
	static const u8 no_mac[ETH_ALEN];
	struct tun_rss_tlayout lo;
	struct tun_rss_cls_key k;
	struct tun_rss_flow fl;
	unsigned int i, alen;
	u8 *frame;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);

	for (i = 0; i < ARRAY_SIZE(tun_rss_tframes); i++) {
		const struct tun_rss_tnamed *tf = &tun_rss_tframes[i];
		const struct tun_rss_tframe *f = &tf->f;
		bool ip, l4;

		tun_rss_tbuild(frame, f, &lo);
		tun_rss_tparse(test, &fl, f, frame, lo.len);
		tun_rss_cls_key_from_flow(&k, &fl);
		ip = fl.flags & TUN_RSS_F_IP;
		l4 = fl.flags & TUN_RSS_F_L4;
		alen = f->t.l3 == 6 ? 16 : 4;

		KUNIT_EXPECT_EQ_MSG(test, k.l3, ip ? f->t.l3 : 0, "%s",
				    tf->name);
		KUNIT_EXPECT_EQ_MSG(test, k.l4ok, l4, "%s", tf->name);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(k.vlan_tci),
				    f->l2 && f->nvlan ? f->tci[0] : 0, "%s",
				    tf->name);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(k.h_proto),
				    f->l2 && f->nvlan > 2 ? ETH_P_8021Q :
				    tun_rss_tethertype(f), "%s", tf->name);
		KUNIT_EXPECT_MEMEQ_MSG(test, k.h_dest,
				       f->l2 ? tun_rss_tmac_dst : no_mac,
				       ETH_ALEN, "%s", tf->name);
		KUNIT_EXPECT_EQ_MSG(test, k.pad[0] | k.pad[1] | k.pad[2] |
				    k.pad[3], 0, "%s", tf->name);
		if (ip) {
			KUNIT_EXPECT_EQ_MSG(test, k.l4proto, lo.l4proto, "%s",
					    tf->name);
			KUNIT_EXPECT_EQ_MSG(test, k.tos, f->tos, "%s",
					    tf->name);
			KUNIT_EXPECT_MEMEQ_MSG(test, k.saddr, f->t.src, alen,
					       "%s", tf->name);
			KUNIT_EXPECT_MEMEQ_MSG(test, k.daddr, f->t.dst, alen,
					       "%s", tf->name);
		}
		if (l4 && tun_rss_tports(f->l4proto)) {
			KUNIT_EXPECT_EQ_MSG(test, ntohs(k.sport), f->t.sport,
					    "%s", tf->name);
			KUNIT_EXPECT_EQ_MSG(test, ntohs(k.dport), f->t.dport,
					    "%s", tf->name);
		} else {
			KUNIT_EXPECT_TRUE_MSG(test, !k.sport && !k.dport,
					      "%s", tf->name);
		}
		if (!l4)
			KUNIT_EXPECT_TRUE_MSG(test, !k.l4_4bytes, "%s",
					      tf->name);
	}

	/* Fields without their flag are not trusted */
	memset(&fl, 0xa5, sizeof(fl));
	fl.flags = 0;
	tun_rss_cls_key_from_flow(&k, &fl);
	KUNIT_EXPECT_TRUE(test, !k.l3 && !k.l4proto && !k.tos && !k.l4ok &&
			  !k.vlan_tci && !k.sport && !k.dport &&
			  !k.l4_4bytes && !k.saddr[0] && !k.daddr[3]);
	fl.flags = TUN_RSS_F_IP;
	fl.l3 = 4;
	tun_rss_cls_key_from_flow(&k, &fl);
	KUNIT_EXPECT_TRUE(test, k.saddr[0] && !k.saddr[1] && !k.daddr[3]);
}

#define TUN_RSS_TIP(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* Frames for tun_rss_cls_match_types(), bit i of &tun_rss_tmatch.frames */
static const struct tun_rss_tnamed tun_rss_tcls_frames[] = {
	{ "tap ipv4 tcp tos 0xb8",
	  { .l2 = true, .tos = 0xb8, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T4 } },
	{ "tap 802.1q ipv4 udp",
	  { .l2 = true, .nvlan = 1, .tpid = { ETH_P_8021Q }, .tci = { 0x2064 },
	    .l4proto = IPPROTO_UDP, .t = TUN_RSS_T4 } },
	{ "tun ipv4 sctp",
	  { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T4 } },
	{ "tap ipv4 icmp",
	  { .l2 = true, .l4proto = IPPROTO_ICMP, .l4_4bytes = 0x08001234,
	    .t = TUN_RSS_T4 } },
	{ "tap ipv4 first fragment tcp",
	  { .l2 = true, .frag = 0x2000, .l4proto = IPPROTO_TCP,
	    .t = TUN_RSS_T4 } },
	{ "tap ipv6 tcp",
	  { .l2 = true, .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 } },
	{ "tap ipv6 hbh+dstopts udp",
	  { .l2 = true, .nnexthdr = 2, .exthdrlen = 1,
	    .nexthdr = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS },
	    .l4proto = IPPROTO_UDP, .t = TUN_RSS_T6 } },
	{ "tap ipv6 first fragment tcp",
	  { .l2 = true, .v6frag = true, .frag = 0x0001,
	    .l4proto = IPPROTO_TCP, .t = TUN_RSS_T6 } },
	{ "tun ipv6 esp",
	  { .l4proto = IPPROTO_ESP, .l4_4bytes = 0xdeadbeef,
	    .t = TUN_RSS_T6 } },
	{ "tap arp",
	  { .l2 = true, .ethertype = ETH_P_ARP } },
};

/**
 * struct tun_rss_tmatch - a rule and the frames it must match
 * @name: the rule
 * @fs: the rule as ethtool gives it
 * @frames: bit i set when it matches tun_rss_tcls_frames[i]
 */
struct tun_rss_tmatch {
	const char *name;
	struct ethtool_rx_flow_spec fs;
	u16 frames;
};

#define TUN_RSS_TALL_TAP	(BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | \
				 BIT(6) | BIT(7) | BIT(9))

static const struct tun_rss_tmatch tun_rss_tmatches[] = {
	{ "tcp4", { .flow_type = TCP_V4_FLOW }, BIT(0) },
	{ "udp4", { .flow_type = UDP_V4_FLOW }, BIT(1) },
	{ "sctp4", { .flow_type = SCTP_V4_FLOW }, BIT(2) },
	{ "ip4",
	  { .flow_type = IPV4_USER_FLOW,
	    .h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4 },
	  BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) },
	{ "ip4 l4_4_bytes 0x0a000000/8 (port 2794)",
	  { .flow_type = IPV4_USER_FLOW,
	    .h_u.usr_ip4_spec = { .ip_ver = ETH_RX_NFC_IP4,
				  .l4_4_bytes = htonl(0x0a000000) },
	    .m_u.usr_ip4_spec.l4_4_bytes = htonl(0xff000000) },
	  BIT(0) | BIT(1) | BIT(2) },
	{ "ip4 l4_4_bytes 0x08000000/8 (icmp echo)",
	  { .flow_type = IPV4_USER_FLOW,
	    .h_u.usr_ip4_spec = { .ip_ver = ETH_RX_NFC_IP4,
				  .l4_4_bytes = htonl(0x08000000) },
	    .m_u.usr_ip4_spec.l4_4_bytes = htonl(0xff000000) },
	  BIT(3) },
	{ "ip4 proto tcp",
	  { .flow_type = IPV4_USER_FLOW,
	    .h_u.usr_ip4_spec = { .ip_ver = ETH_RX_NFC_IP4,
				  .proto = IPPROTO_TCP },
	    .m_u.usr_ip4_spec.proto = 0xff },
	  BIT(0) | BIT(4) },
	{ "ip4 tos 0xb8/0xfc",
	  { .flow_type = IPV4_USER_FLOW,
	    .h_u.usr_ip4_spec = { .ip_ver = ETH_RX_NFC_IP4, .tos = 0xb8 },
	    .m_u.usr_ip4_spec.tos = 0xfc },
	  BIT(0) },
	{ "tcp6", { .flow_type = TCP_V6_FLOW }, BIT(5) },
	{ "udp6", { .flow_type = UDP_V6_FLOW }, BIT(6) },
	{ "sctp6", { .flow_type = SCTP_V6_FLOW }, 0 },
	{ "ip6", { .flow_type = IPV6_USER_FLOW },
	  BIT(5) | BIT(6) | BIT(7) | BIT(8) },
	{ "ip6 l4_proto tcp",
	  { .flow_type = IPV6_USER_FLOW,
	    .h_u.usr_ip6_spec.l4_proto = IPPROTO_TCP,
	    .m_u.usr_ip6_spec.l4_proto = 0xff },
	  BIT(5) | BIT(7) },
	{ "ip6 l4_4_bytes 0xdeadbeef (esp spi)",
	  { .flow_type = IPV6_USER_FLOW,
	    .h_u.usr_ip6_spec.l4_4_bytes = htonl(0xdeadbeef),
	    .m_u.usr_ip6_spec.l4_4_bytes = htonl(0xffffffff) },
	  BIT(8) },
	{ "ether", { .flow_type = ETHER_FLOW }, 0x3ff },
	{ "ether proto arp",
	  { .flow_type = ETHER_FLOW,
	    .h_u.ether_spec.h_proto = htons(ETH_P_ARP),
	    .m_u.ether_spec.h_proto = htons(0xffff) },
	  BIT(9) },
	{ "ether proto ipv4 (behind a tag too)",
	  { .flow_type = ETHER_FLOW,
	    .h_u.ether_spec.h_proto = htons(ETH_P_IP),
	    .m_u.ether_spec.h_proto = htons(0xffff) },
	  BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) },
	{ "ether dst 02:00:00:00:00:01",
	  { .flow_type = ETHER_FLOW,
	    .h_u.ether_spec.h_dest = { 0x02, 0, 0, 0, 0, 0x01 },
	    .m_u.ether_spec.h_dest = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	  TUN_RSS_TALL_TAP },
	{ "ether src 02:00:00:00:00:01 (no frame has it)",
	  { .flow_type = ETHER_FLOW,
	    .h_u.ether_spec.h_source = { 0x02, 0, 0, 0, 0, 0x01 },
	    .m_u.ether_spec.h_source = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	  0 },
	{ "ip4 vlan 100",
	  { .flow_type = IPV4_USER_FLOW | FLOW_EXT,
	    .h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4,
	    .h_ext.vlan_tci = htons(100), .m_ext.vlan_tci = htons(0x0fff) },
	  BIT(1) },
	{ "ip4 untagged (tci 0)",
	  { .flow_type = IPV4_USER_FLOW | FLOW_EXT,
	    .h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4,
	    .m_ext.vlan_tci = htons(0xffff) },
	  BIT(0) | BIT(2) | BIT(3) | BIT(4) },
	{ "udp4 dst-mac 02:00:00:00:00:01",
	  { .flow_type = UDP_V4_FLOW | FLOW_MAC_EXT,
	    .h_ext.h_dest = { 0x02, 0, 0, 0, 0, 0x01 },
	    .m_ext.h_dest = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	  BIT(1) },
	{ "sctp4 dst-mac 02:00:00:00:00:01 (tun frames have none)",
	  { .flow_type = SCTP_V4_FLOW | FLOW_MAC_EXT,
	    .h_ext.h_dest = { 0x02, 0, 0, 0, 0, 0x01 },
	    .m_ext.h_dest = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	  0 },
	{ "tcp4 full 5-tuple",
	  { .flow_type = TCP_V4_FLOW,
	    .h_u.tcp_ip4_spec = { .ip4src = htonl(TUN_RSS_TIP(66, 9, 149, 187)),
				  .ip4dst = htonl(TUN_RSS_TIP(161, 142, 100, 80)),
				  .psrc = htons(2794), .pdst = htons(1766) },
	    .m_u.tcp_ip4_spec = { .ip4src = htonl(0xffffffff),
				  .ip4dst = htonl(0xffffffff),
				  .psrc = htons(0xffff),
				  .pdst = htons(0xffff) } },
	  BIT(0) },
	{ "tcp4 reversed 5-tuple",
	  { .flow_type = TCP_V4_FLOW,
	    .h_u.tcp_ip4_spec = { .ip4dst = htonl(TUN_RSS_TIP(66, 9, 149, 187)),
				  .ip4src = htonl(TUN_RSS_TIP(161, 142, 100, 80)),
				  .pdst = htons(2794), .psrc = htons(1766) },
	    .m_u.tcp_ip4_spec = { .ip4src = htonl(0xffffffff),
				  .ip4dst = htonl(0xffffffff),
				  .psrc = htons(0xffff),
				  .pdst = htons(0xffff) } },
	  0 },
	{ "udp6 dst 3ffe:2501:200:3::/64 dport 1766",
	  { .flow_type = UDP_V6_FLOW,
	    .h_u.tcp_ip6_spec = { .ip6dst = { htonl(0x3ffe2501),
					      htonl(0x02000003) },
				  .pdst = htons(1766) },
	    .m_u.tcp_ip6_spec = { .ip6dst = { htonl(0xffffffff),
					      htonl(0xffffffff) },
				  .pdst = htons(0xffff) } },
	  BIT(6) },
};

/* Each flow type against frames of every kind, one rule at a time */
static void tun_rss_cls_match_types(struct kunit *test)
{
	struct tun_rss_flow *fl;
	struct tun_rss_tlayout lo;
	struct tun_rss_cls *cls;
	struct tun_rss_rule r;
	unsigned int i, j;
	u8 *frame;
	bool want;

	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	fl = kunit_kcalloc(test, ARRAY_SIZE(tun_rss_tcls_frames), sizeof(*fl),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, fl);
	for (j = 0; j < ARRAY_SIZE(tun_rss_tcls_frames); j++) {
		const struct tun_rss_tframe *f = &tun_rss_tcls_frames[j].f;

		tun_rss_tbuild(frame, f, &lo);
		tun_rss_tparse(test, &fl[j], f, frame, lo.len);
	}

	for (i = 0; i < ARRAY_SIZE(tun_rss_tmatches); i++) {
		const struct tun_rss_tmatch *m = &tun_rss_tmatches[i];

		tun_rss_tfs_convert(test, &r, &m->fs, 0);
		cls = tun_rss_cls_build(&r, 1, i);
		KUNIT_ASSERT_NOT_NULL(test, cls);
		for (j = 0; j < ARRAY_SIZE(tun_rss_tcls_frames); j++) {
			want = m->frames & BIT(j);
			KUNIT_EXPECT_EQ_MSG(test, tun_rss_tlookup(cls, &fl[j]),
					    want ? 0 : -1, "rule %s, frame %s",
					    m->name,
					    tun_rss_tcls_frames[j].name);
			/* The reference that judges the random tests */
			KUNIT_EXPECT_EQ_MSG(test,
					    tun_rss_tfs_match(&m->fs, &fl[j]),
					    want, "reference: rule %s, frame %s",
					    m->name,
					    tun_rss_tcls_frames[j].name);
		}
		tun_rss_cls_free(cls);
	}
}

/* Lowest location wins, within a mask and across masks */
static void tun_rss_cls_priority(struct kunit *test)
{
	static const struct {
		u32 loc;
		u32 type;
		u32 saddr;
		u16 dport;
		u64 ring;
	} rules[] = {
		{ 10, TCP_V4_FLOW, 0, 80, 1 },
		{ 20, IPV4_USER_FLOW, TUN_RSS_TIP(10, 0, 0, 1), 0, 2 },
		{ 5, TCP_V4_FLOW, TUN_RSS_TIP(10, 0, 0, 2), 80, 3 },
		{ 1, UDP_V4_FLOW, 0, 53, RX_CLS_FLOW_DISC },
		{ 30, ETHER_FLOW, 0, 0, 4 },
		{ 15, IPV4_USER_FLOW, TUN_RSS_TIP(10, 0, 0, 3), 0, 5 },
		{ 40, TCP_V4_FLOW, TUN_RSS_TIP(10, 0, 0, 2), 80, 6 },
		{ 2, TCP_V4_FLOW, TUN_RSS_TIP(10, 0, 0, 4), 80, 7 },
	};
	static const struct {
		u8 l4proto;
		u32 saddr;
		u16 dport;
		s64 loc;
	} frames[] = {
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 2), 80, 5 },
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 1), 80, 10 },
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 1), 81, 20 },
		{ IPPROTO_UDP, TUN_RSS_TIP(10, 0, 0, 9), 53, 1 },
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 3), 80, 10 },
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 3), 81, 15 },
		{ IPPROTO_TCP, TUN_RSS_TIP(10, 0, 0, 4), 80, 2 },
		{ IPPROTO_UDP, TUN_RSS_TIP(10, 0, 0, 8), 80, 30 },
	};
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule *r, *rev;
	struct tun_rss_cls *cls;
	struct tun_rss_flow fl;
	unsigned int i, j, pass;

	r = kunit_kcalloc(test, ARRAY_SIZE(rules), sizeof(*r), GFP_KERNEL);
	rev = kunit_kcalloc(test, ARRAY_SIZE(rules), sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, r && rev);

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		tun_rss_tfs_init(&fs, rules[i].type, rules[i].loc);
		fs.ring_cookie = rules[i].ring;
		if (rules[i].type == IPV4_USER_FLOW) {
			fs.h_u.usr_ip4_spec.ip4src = htonl(rules[i].saddr);
			fs.m_u.usr_ip4_spec.ip4src = htonl(0xffffffff);
		} else if (rules[i].type != ETHER_FLOW) {
			fs.h_u.tcp_ip4_spec.ip4src = htonl(rules[i].saddr);
			fs.m_u.tcp_ip4_spec.ip4src =
				rules[i].saddr ? htonl(0xffffffff) : 0;
			fs.h_u.tcp_ip4_spec.pdst = htons(rules[i].dport);
			fs.m_u.tcp_ip4_spec.pdst = htons(0xffff);
		}
		tun_rss_tfs_convert(test, &r[i], &fs, 0);
		rev[ARRAY_SIZE(rules) - 1 - i] = r[i];
	}

	/* The order of the rules and the seed change nothing */
	for (pass = 0; pass < 4; pass++) {
		cls = tun_rss_cls_build(pass & 1 ? rev : r, ARRAY_SIZE(rules),
					pass * 0x9e3779b9);
		KUNIT_ASSERT_NOT_NULL(test, cls);
		KUNIT_EXPECT_TRUE(test, tun_rss_cls_has_drop(cls));
		for (j = 0; j < ARRAY_SIZE(frames); j++) {
			memset(&fl, 0, sizeof(fl));
			fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
			fl.l3 = 4;
			fl.h_proto = htons(ETH_P_IP);
			fl.l4proto = frames[j].l4proto;
			fl.saddr[0] = htonl(frames[j].saddr);
			fl.daddr[0] = htonl(TUN_RSS_TIP(10, 9, 9, 9));
			fl.sport = htons(40000);
			fl.dport = htons(frames[j].dport);
			KUNIT_EXPECT_EQ_MSG(test, tun_rss_tlookup(cls, &fl),
					    frames[j].loc, "pass %u frame %u",
					    pass, j);
		}
		tun_rss_cls_free(cls);
	}

	/* Equal keys: the lower location shadows; without it, the other */
	cls = tun_rss_cls_build(&r[2], ARRAY_SIZE(rules) - 2, 1);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	memset(&fl, 0, sizeof(fl));
	fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
	fl.l3 = 4;
	fl.l4proto = IPPROTO_TCP;
	fl.saddr[0] = htonl(TUN_RSS_TIP(10, 0, 0, 2));
	fl.dport = htons(80);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 5);
	tun_rss_cls_free(cls);
	cls = tun_rss_cls_build(&r[3], ARRAY_SIZE(rules) - 3, 1);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 30);
	tun_rss_cls_free(cls);
	/* 40 shadowed by 5, and 30 (ether) is the only other match */
	rev[0] = r[2];
	rev[1] = r[6];
	cls = tun_rss_cls_build(rev, 2, 1);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 5);
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(cls));
	tun_rss_cls_free(cls);
	cls = tun_rss_cls_build(&r[6], 1, 1);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 40);
	tun_rss_cls_free(cls);
}

/* No rules, no classifier, drop rules, and keys with stray bits */
static void tun_rss_cls_empty(struct kunit *test)
{
	const struct tun_rss_rule *hit;
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_cls_key k;
	struct tun_rss_cls *cls;
	struct tun_rss_rule r[3];
	struct tun_rss_flow fl;

	memset(&fl, 0, sizeof(fl));
	fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
	fl.l3 = 4;
	fl.l4proto = IPPROTO_UDP;
	tun_rss_cls_key_from_flow(&k, &fl);

	cls = tun_rss_cls_build(NULL, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_TRUE(test, !tun_rss_tcls_lookup(cls, &k));
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(cls));
	tun_rss_cls_free(cls);

	KUNIT_EXPECT_TRUE(test, !tun_rss_tcls_lookup(NULL, &k));
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(NULL));
	tun_rss_cls_free(NULL);

	/* A drop rule counts even when another rule shadows it */
	tun_rss_tfs_init(&fs, UDP_V4_FLOW, 8);
	tun_rss_tfs_convert(test, &r[0], &fs, 0);
	fs.location = 9;
	fs.ring_cookie = RX_CLS_FLOW_DISC;
	tun_rss_tfs_convert(test, &r[1], &fs, 0);
	cls = tun_rss_cls_build(r, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(cls));
	tun_rss_cls_free(cls);
	cls = tun_rss_cls_build(r, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_TRUE(test, tun_rss_cls_has_drop(cls));
	hit = tun_rss_tcls_lookup(cls, &k);
	KUNIT_EXPECT_TRUE(test, hit);
	if (hit) {
		KUNIT_EXPECT_EQ(test, hit->location, 8);
		KUNIT_EXPECT_EQ(test, hit->action, TUN_RSS_ACT_QUEUE);
		KUNIT_EXPECT_EQ(test, hit->queue, 1);
	}
	tun_rss_cls_free(cls);

	/* Key bits outside the mask are ignored when building */
	r[2] = r[1];
	r[2].key.sport = htons(1);
	r[2].key.pad[1] = 0xff;
	cls = tun_rss_cls_build(&r[2], 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 9);
	tun_rss_cls_free(cls);
}

/* Value pools: random rules and frames pick from them, so they meet. */
static const u32 tun_rss_tpool_ip4[] = {
	TUN_RSS_TIP(10, 0, 0, 1), TUN_RSS_TIP(10, 0, 0, 2),
	TUN_RSS_TIP(10, 0, 1, 1), TUN_RSS_TIP(192, 168, 0, 1),
	TUN_RSS_TIP(66, 9, 149, 187), TUN_RSS_TIP(161, 142, 100, 80),
};

static const u8 tun_rss_tpool_ip6[][16] = {
	{ 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
	  0, 0, 0, 0, 0, 0, 0, 0x07 },
	{ 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
	  0, 0, 0, 0, 0, 0, 0, 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	{ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
};

static const u16 tun_rss_tpool_port[] = { 53, 80, 443, 2794, 1766, 8080 };
static const u8 tun_rss_tpool_proto[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_ICMP, IPPROTO_ESP,
	IPPROTO_AH, 58 /* ICMPv6 */,
};

static const u8 tun_rss_tpool_tos[] = { 0, 0x10, 0xb8, 0x2e };
static const u16 tun_rss_tpool_tci[] = { 0x0001, 0x0064, 0x2064, 0x0123,
					 0xe064 };
static const u32 tun_rss_tpool_spi[] = { 0xdeadbeef, 0x00c0ffee,
					 0x08001234 };
static const u16 tun_rss_tpool_ethertype[] = { ETH_P_IP, ETH_P_IPV6,
					       ETH_P_ARP, 0x88cc };

static const u8 tun_rss_tpool_mac[][ETH_ALEN] = {
	{ 0x02, 0, 0, 0, 0, 0x01 },
	{ 0x02, 0, 0, 0, 0, 0x02 },
	{ 0x02, 0, 0, 0, 0, 0x03 },
	{ 0x33, 0x33, 0, 0, 0, 0x01 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

static u32 tun_rss_tpick(struct rnd_state *rnd, u32 n)
{
	return prandom_u32_state(rnd) % n;
}

/* A random element of array @pool, expanded once outside sizeof() */
#define TUN_RSS_TPICK(rnd, pool) \
	(pool)[tun_rss_tpick(rnd, sizeof(pool) / sizeof((pool)[0]))]

static __be32 tun_rss_tl4bytes(struct rnd_state *rnd)
{
	if (tun_rss_tpick(rnd, 4))
		return htonl((u32)TUN_RSS_TPICK(rnd, tun_rss_tpool_port) << 16 |
			     TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
	return htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_spi));
}

/*
 * A flow as the parser would describe it, from the pools; fields the
 * flags do not vouch for are sometimes garbage, which the key ignores.
 */
static void tun_rss_tflow_random(struct rnd_state *rnd,
				 struct tun_rss_flow *fl)
{
	u32 l3 = tun_rss_tpick(rnd, 6), l4 = tun_rss_tpick(rnd, 8);

	if (tun_rss_tpick(rnd, 4))
		memset(fl, 0, sizeof(*fl));
	else
		prandom_bytes_state(rnd, fl, sizeof(*fl));

	fl->flags = 0;
	memcpy(fl->h_dest, TUN_RSS_TPICK(rnd, tun_rss_tpool_mac), ETH_ALEN);
	memcpy(fl->h_source, TUN_RSS_TPICK(rnd, tun_rss_tpool_mac), ETH_ALEN);
	if (tun_rss_tpick(rnd, 3) == 0) {
		fl->flags |= TUN_RSS_F_VLAN;
		fl->vlan_tci = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_tci));
	}
	if (l3 == 0) {
		fl->h_proto = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_ethertype));
		return;
	}

	fl->flags |= TUN_RSS_F_IP;
	fl->l3 = l3 < 4 ? 4 : 6;
	fl->h_proto = htons(fl->l3 == 4 ? ETH_P_IP : ETH_P_IPV6);
	fl->l4proto = TUN_RSS_TPICK(rnd, tun_rss_tpool_proto);
	fl->tos = TUN_RSS_TPICK(rnd, tun_rss_tpool_tos);
	if (fl->l3 == 4) {
		fl->saddr[0] = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
		fl->daddr[0] = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
	} else {
		memcpy(fl->saddr, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
		memcpy(fl->daddr, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
	}

	if (l4 == 0) {
		fl->flags |= TUN_RSS_F_FRAG;
	} else if (l4 == 1) {
		fl->flags |= TUN_RSS_F_TRUNC;
	} else if (tun_rss_tports(fl->l4proto)) {
		fl->flags |= TUN_RSS_F_L4;
		fl->sport = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		fl->dport = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		fl->l4_4bytes = htonl((u32)ntohs(fl->sport) << 16 |
				      ntohs(fl->dport));
	} else {
		fl->flags |= TUN_RSS_F_L4;
		fl->sport = 0;
		fl->dport = 0;
		fl->l4_4bytes = tun_rss_tl4bytes(rnd);
	}
}

/* No mask, a full one, or a prefix of it: what ethtool users give. */
static void tun_rss_tmask(struct rnd_state *rnd, void *mask, size_t len)
{
	u32 bits, kind = tun_rss_tpick(rnd, 8);
	u8 *m = mask;
	size_t i;

	memset(m, 0, len);
	if (kind < 4)
		return;
	bits = kind < 7 ? 8 * len : 1 + tun_rss_tpick(rnd, 8 * len - 1);
	for (i = 0; i < bits / 8; i++)
		m[i] = 0xff;
	if (bits % 8)
		m[bits / 8] = 0xff << (8 - bits % 8);
}

static const u32 tun_rss_tfs_types[] = {
	TCP_V4_FLOW, UDP_V4_FLOW, SCTP_V4_FLOW, IPV4_USER_FLOW,
	TCP_V6_FLOW, UDP_V6_FLOW, SCTP_V6_FLOW, IPV6_USER_FLOW, ETHER_FLOW,
};

/* The masks of a random rule shape: a flow type and its masked fields */
static void tun_rss_tfs_template(struct rnd_state *rnd,
				 struct ethtool_rx_flow_spec *fs)
{
	struct ethtool_tcpip4_spec *m4 = &fs->m_u.tcp_ip4_spec;
	struct ethtool_usrip4_spec *mu4 = &fs->m_u.usr_ip4_spec;
	struct ethtool_tcpip6_spec *m6 = &fs->m_u.tcp_ip6_spec;
	struct ethtool_usrip6_spec *mu6 = &fs->m_u.usr_ip6_spec;
	struct ethhdr *me = &fs->m_u.ether_spec;
	u32 type = TUN_RSS_TPICK(rnd, tun_rss_tfs_types);

	tun_rss_tfs_init(fs, type, 0);
	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		tun_rss_tmask(rnd, &m4->ip4src, 4);
		tun_rss_tmask(rnd, &m4->ip4dst, 4);
		tun_rss_tmask(rnd, &m4->psrc, 2);
		tun_rss_tmask(rnd, &m4->pdst, 2);
		tun_rss_tmask(rnd, &m4->tos, 1);
		break;
	case IPV4_USER_FLOW:
		tun_rss_tmask(rnd, &mu4->ip4src, 4);
		tun_rss_tmask(rnd, &mu4->ip4dst, 4);
		tun_rss_tmask(rnd, &mu4->l4_4_bytes, 4);
		tun_rss_tmask(rnd, &mu4->tos, 1);
		tun_rss_tmask(rnd, &mu4->proto, 1);
		break;
	case IPV6_USER_FLOW:
		tun_rss_tmask(rnd, mu6->ip6src, 16);
		tun_rss_tmask(rnd, mu6->ip6dst, 16);
		tun_rss_tmask(rnd, &mu6->l4_4_bytes, 4);
		tun_rss_tmask(rnd, &mu6->tclass, 1);
		tun_rss_tmask(rnd, &mu6->l4_proto, 1);
		break;
	case ETHER_FLOW:
		tun_rss_tmask(rnd, me->h_dest, ETH_ALEN);
		tun_rss_tmask(rnd, me->h_source, ETH_ALEN);
		tun_rss_tmask(rnd, &me->h_proto, 2);
		break;
	default:
		tun_rss_tmask(rnd, m6->ip6src, 16);
		tun_rss_tmask(rnd, m6->ip6dst, 16);
		tun_rss_tmask(rnd, &m6->psrc, 2);
		tun_rss_tmask(rnd, &m6->pdst, 2);
		tun_rss_tmask(rnd, &m6->tclass, 1);
		break;
	}
	if (!tun_rss_tpick(rnd, 4)) {
		fs->flow_type |= FLOW_EXT;
		tun_rss_tmask(rnd, &fs->m_ext.vlan_tci, 2);
	}
	/* Not on ether: its two h_dest could contradict each other. */
	if (type != ETHER_FLOW && !tun_rss_tpick(rnd, 4)) {
		fs->flow_type |= FLOW_MAC_EXT;
		tun_rss_tmask(rnd, fs->m_ext.h_dest, ETH_ALEN);
	}
}

/* Values for every field of a rule shape, masked or not */
static void tun_rss_tfs_values(struct rnd_state *rnd,
			       struct ethtool_rx_flow_spec *fs)
{
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	struct ethtool_tcpip4_spec *h4 = &fs->h_u.tcp_ip4_spec;
	struct ethtool_usrip4_spec *hu4 = &fs->h_u.usr_ip4_spec;
	struct ethtool_tcpip6_spec *h6 = &fs->h_u.tcp_ip6_spec;
	struct ethtool_usrip6_spec *hu6 = &fs->h_u.usr_ip6_spec;
	struct ethhdr *he = &fs->h_u.ether_spec;

	/* Now and then values from nowhere, with bits outside the masks */
	if (!tun_rss_tpick(rnd, 16))
		prandom_bytes_state(rnd, &fs->h_u, sizeof(fs->h_u));

	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		h4->ip4src = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
		h4->ip4dst = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
		h4->psrc = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		h4->pdst = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		h4->tos = TUN_RSS_TPICK(rnd, tun_rss_tpool_tos);
		break;
	case IPV4_USER_FLOW:
		hu4->ip4src = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
		hu4->ip4dst = htonl(TUN_RSS_TPICK(rnd, tun_rss_tpool_ip4));
		hu4->l4_4_bytes = tun_rss_tl4bytes(rnd);
		hu4->tos = TUN_RSS_TPICK(rnd, tun_rss_tpool_tos);
		hu4->proto = TUN_RSS_TPICK(rnd, tun_rss_tpool_proto);
		hu4->ip_ver = ETH_RX_NFC_IP4;
		break;
	case IPV6_USER_FLOW:
		memcpy(hu6->ip6src, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
		memcpy(hu6->ip6dst, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
		hu6->l4_4_bytes = tun_rss_tl4bytes(rnd);
		hu6->tclass = TUN_RSS_TPICK(rnd, tun_rss_tpool_tos);
		hu6->l4_proto = TUN_RSS_TPICK(rnd, tun_rss_tpool_proto);
		break;
	case ETHER_FLOW:
		memcpy(he->h_dest, TUN_RSS_TPICK(rnd, tun_rss_tpool_mac),
		       ETH_ALEN);
		memcpy(he->h_source, TUN_RSS_TPICK(rnd, tun_rss_tpool_mac),
		       ETH_ALEN);
		he->h_proto = htons(TUN_RSS_TPICK(rnd,
						  tun_rss_tpool_ethertype));
		break;
	default:
		memcpy(h6->ip6src, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
		memcpy(h6->ip6dst, TUN_RSS_TPICK(rnd, tun_rss_tpool_ip6), 16);
		h6->psrc = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		h6->pdst = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_port));
		h6->tclass = TUN_RSS_TPICK(rnd, tun_rss_tpool_tos);
		break;
	}
	fs->h_ext.vlan_tci = htons(TUN_RSS_TPICK(rnd, tun_rss_tpool_tci));
	memcpy(fs->h_ext.h_dest, TUN_RSS_TPICK(rnd, tun_rss_tpool_mac),
	       ETH_ALEN);
}

/* Queue, drop, or context with an offset; returns the context. */
static u32 tun_rss_tfs_action(struct rnd_state *rnd,
			      struct ethtool_rx_flow_spec *fs)
{
	u32 kind = tun_rss_tpick(rnd, 8);

	fs->flow_type &= ~FLOW_RSS;
	if (!kind) {
		fs->ring_cookie = RX_CLS_FLOW_DISC;
		return 0;
	}
	if (kind < 3) {
		fs->flow_type |= FLOW_RSS;
		fs->ring_cookie = tun_rss_tpick(rnd, 4);
		return 1 + tun_rss_tpick(rnd, 63);
	}
	fs->ring_cookie = tun_rss_tpick(rnd, 16);
	return 0;
}

/* @dst takes @val where @mask is set, keeps its bits elsewhere. */
static void tun_rss_tforce(void *dst, const void *val, const void *mask,
			   size_t len)
{
	const u8 *v = val, *m = mask;
	u8 *d = dst;
	size_t i;

	for (i = 0; i < len; i++)
		d[i] = (d[i] & ~m[i]) | (v[i] & m[i]);
}

/* A random flow made to match @fs, as a parser could have described it */
static void tun_rss_tflow_for(struct rnd_state *rnd,
			      const struct ethtool_rx_flow_spec *fs,
			      struct tun_rss_flow *fl)
{
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	const struct ethtool_usrip4_spec *hu4, *mu4;
	const struct ethtool_usrip6_spec *hu6, *mu6;
	const struct ethtool_tcpip4_spec *h4, *m4;
	const struct ethtool_tcpip6_spec *h6, *m6;
	bool v6 = type == TCP_V6_FLOW || type == UDP_V6_FLOW ||
		  type == SCTP_V6_FLOW;
	const struct ethhdr *he, *me;

	tun_rss_tflow_random(rnd, fl);
	if ((fs->flow_type & FLOW_EXT) && fs->m_ext.vlan_tci) {
		if (!(fl->flags & TUN_RSS_F_VLAN))
			fl->vlan_tci = 0;
		fl->flags |= TUN_RSS_F_VLAN;
		tun_rss_tforce(&fl->vlan_tci, &fs->h_ext.vlan_tci,
			       &fs->m_ext.vlan_tci, 2);
	}
	if (fs->flow_type & FLOW_MAC_EXT)
		tun_rss_tforce(fl->h_dest, fs->h_ext.h_dest, fs->m_ext.h_dest,
			       ETH_ALEN);

	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
		if (fl->l3 != (v6 ? 6 : 4)) {
			memset(fl->saddr, 0, sizeof(fl->saddr));
			memset(fl->daddr, 0, sizeof(fl->daddr));
		}
		fl->flags &= ~(TUN_RSS_F_FRAG | TUN_RSS_F_TRUNC);
		fl->flags |= TUN_RSS_F_IP | TUN_RSS_F_L4;
		fl->l3 = v6 ? 6 : 4;
		fl->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
		fl->l4proto = tun_rss_tfs_proto(type);
		h4 = &fs->h_u.tcp_ip4_spec;
		m4 = &fs->m_u.tcp_ip4_spec;
		h6 = &fs->h_u.tcp_ip6_spec;
		m6 = &fs->m_u.tcp_ip6_spec;
		if (v6) {
			tun_rss_tforce(fl->saddr, h6->ip6src, m6->ip6src, 16);
			tun_rss_tforce(fl->daddr, h6->ip6dst, m6->ip6dst, 16);
			tun_rss_tforce(&fl->sport, &h6->psrc, &m6->psrc, 2);
			tun_rss_tforce(&fl->dport, &h6->pdst, &m6->pdst, 2);
			tun_rss_tforce(&fl->tos, &h6->tclass, &m6->tclass, 1);
		} else {
			tun_rss_tforce(fl->saddr, &h4->ip4src, &m4->ip4src, 4);
			tun_rss_tforce(fl->daddr, &h4->ip4dst, &m4->ip4dst, 4);
			tun_rss_tforce(&fl->sport, &h4->psrc, &m4->psrc, 2);
			tun_rss_tforce(&fl->dport, &h4->pdst, &m4->pdst, 2);
			tun_rss_tforce(&fl->tos, &h4->tos, &m4->tos, 1);
		}
		fl->l4_4bytes = htonl((u32)ntohs(fl->sport) << 16 |
				      ntohs(fl->dport));
		break;
	case IPV4_USER_FLOW:
		hu4 = &fs->h_u.usr_ip4_spec;
		mu4 = &fs->m_u.usr_ip4_spec;
		if (fl->l3 != 4) {
			memset(fl->saddr, 0, sizeof(fl->saddr));
			memset(fl->daddr, 0, sizeof(fl->daddr));
		}
		fl->flags |= TUN_RSS_F_IP;
		fl->l3 = 4;
		fl->h_proto = htons(ETH_P_IP);
		tun_rss_tforce(fl->saddr, &hu4->ip4src, &mu4->ip4src, 4);
		tun_rss_tforce(fl->daddr, &hu4->ip4dst, &mu4->ip4dst, 4);
		tun_rss_tforce(&fl->tos, &hu4->tos, &mu4->tos, 1);
		tun_rss_tforce(&fl->l4proto, &hu4->proto, &mu4->proto, 1);
		if (mu4->l4_4_bytes) {
			fl->flags &= ~(TUN_RSS_F_FRAG | TUN_RSS_F_TRUNC);
			fl->flags |= TUN_RSS_F_L4;
			tun_rss_tforce(&fl->l4_4bytes, &hu4->l4_4_bytes,
				       &mu4->l4_4_bytes, 4);
		}
		break;
	case IPV6_USER_FLOW:
		hu6 = &fs->h_u.usr_ip6_spec;
		mu6 = &fs->m_u.usr_ip6_spec;
		fl->flags |= TUN_RSS_F_IP;
		fl->l3 = 6;
		fl->h_proto = htons(ETH_P_IPV6);
		tun_rss_tforce(fl->saddr, hu6->ip6src, mu6->ip6src, 16);
		tun_rss_tforce(fl->daddr, hu6->ip6dst, mu6->ip6dst, 16);
		tun_rss_tforce(&fl->tos, &hu6->tclass, &mu6->tclass, 1);
		tun_rss_tforce(&fl->l4proto, &hu6->l4_proto, &mu6->l4_proto,
			       1);
		if (mu6->l4_4_bytes) {
			fl->flags &= ~(TUN_RSS_F_FRAG | TUN_RSS_F_TRUNC);
			fl->flags |= TUN_RSS_F_L4;
			tun_rss_tforce(&fl->l4_4bytes, &hu6->l4_4_bytes,
				       &mu6->l4_4_bytes, 4);
		}
		break;
	case ETHER_FLOW:
		he = &fs->h_u.ether_spec;
		me = &fs->m_u.ether_spec;
		tun_rss_tforce(fl->h_dest, he->h_dest, me->h_dest, ETH_ALEN);
		tun_rss_tforce(fl->h_source, he->h_source, me->h_source,
			       ETH_ALEN);
		tun_rss_tforce(&fl->h_proto, &he->h_proto, &me->h_proto, 2);
		break;
	}
}

/*
 * A frame for the random test: made to match one of the @n rules @fs, a
 * flow from the pools, or a test frame parsed, whole or cut.
 */
static void tun_rss_tframe_random(struct kunit *test, struct rnd_state *rnd,
				  const struct ethtool_rx_flow_spec *fs,
				  unsigned int n, u8 *frame,
				  struct tun_rss_flow *fl)
{
	u32 kind = tun_rss_tpick(rnd, 8);
	const struct tun_rss_tnamed *tf;
	struct tun_rss_tlayout lo;
	unsigned int len;

	if (kind < 3) {
		tun_rss_tflow_for(rnd, &fs[tun_rss_tpick(rnd, n)], fl);
		return;
	}
	if (kind < 6) {
		tun_rss_tflow_random(rnd, fl);
		return;
	}
	tf = &TUN_RSS_TPICK(rnd, tun_rss_tframes);
	tun_rss_tbuild(frame, &tf->f, &lo);
	len = tun_rss_tpick(rnd, 2) ? lo.len : tun_rss_tpick(rnd, lo.len + 1);
	tun_rss_tparse(test, fl, &tf->f, frame, len);
}

/*
 * @nrules random rules of @nmasks distinct masks (some with equal keys),
 * at random distinct locations, against @nframes random frames: the
 * classifier, the key reference and the flow-spec reference agree.
 */
static unsigned int tun_rss_cls_random_set(struct kunit *test,
					   struct rnd_state *rnd,
					   unsigned int nrules,
					   unsigned int nmasks,
					   unsigned int nframes)
{
	struct ethtool_rx_flow_spec *tpl, *fs;
	unsigned int i, j, tries, matched = 0, fails = 0;
	struct tun_rss_cls_key *masks;
	struct tun_rss_rule *rules;
	struct tun_rss_cls *cls;
	struct tun_rss_flow fl;
	s64 got, want_key, want_fs;
	u32 *perm, ctx, seed, tmp;
	u8 *frame;

	tpl = kunit_kcalloc(test, nmasks, sizeof(*tpl), GFP_KERNEL);
	masks = kunit_kcalloc(test, nmasks, sizeof(*masks), GFP_KERNEL);
	fs = kunit_kcalloc(test, nrules, sizeof(*fs), GFP_KERNEL);
	rules = kunit_kcalloc(test, nrules, sizeof(*rules), GFP_KERNEL);
	perm = kunit_kcalloc(test, nrules, sizeof(*perm), GFP_KERNEL);
	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, tpl && masks && fs && rules && perm && frame);

	for (i = 0; i < nmasks; i++) {
		for (tries = 0; tries < 1000; tries++) {
			tun_rss_tfs_template(rnd, &tpl[i]);
			tun_rss_tfs_convert(test, &rules[0], &tpl[i], 0);
			masks[i] = rules[0].mask;
			for (j = 0; j < i; j++)
				if (!memcmp(&masks[j], &masks[i],
					    sizeof(masks[i])))
					break;
			if (j == i)
				break;
		}
		KUNIT_ASSERT_TRUE(test, tries < 1000);
	}

	/* Distinct locations, in no particular order */
	for (i = 0; i < nrules; i++)
		perm[i] = i;
	for (i = nrules - 1; i > 0; i--) {
		j = tun_rss_tpick(rnd, i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}

	for (i = 0; i < nrules; i++) {
		fs[i] = tpl[i < nmasks ? i : tun_rss_tpick(rnd, nmasks)];
		tun_rss_tfs_values(rnd, &fs[i]);
		/* Now and then the values of an earlier rule of that shape */
		if (i && !tun_rss_tpick(rnd, 8)) {
			j = tun_rss_tpick(rnd, i);
			if ((fs[j].flow_type & ~FLOW_RSS) == fs[i].flow_type &&
			    !memcmp(&fs[j].m_u, &fs[i].m_u, sizeof(fs[i].m_u)) &&
			    !memcmp(&fs[j].m_ext, &fs[i].m_ext,
				    sizeof(fs[i].m_ext))) {
				fs[i].h_u = fs[j].h_u;
				fs[i].h_ext = fs[j].h_ext;
			}
		}
		ctx = tun_rss_tfs_action(rnd, &fs[i]);
		fs[i].location = 2 * perm[i] + tun_rss_tpick(rnd, 2);
		tun_rss_tfs_convert(test, &rules[i], &fs[i], ctx);
		KUNIT_EXPECT_EQ(test, rules[i].location, fs[i].location);
		if (fs[i].ring_cookie == RX_CLS_FLOW_DISC) {
			KUNIT_EXPECT_EQ(test, rules[i].action,
					TUN_RSS_ACT_DROP);
		} else {
			KUNIT_EXPECT_EQ(test, rules[i].action,
					fs[i].flow_type & FLOW_RSS ?
					TUN_RSS_ACT_CTX : TUN_RSS_ACT_QUEUE);
			KUNIT_EXPECT_EQ(test, rules[i].queue,
					fs[i].ring_cookie);
			KUNIT_EXPECT_EQ(test, rules[i].ctx, ctx);
		}
	}

	seed = prandom_u32_state(rnd);
	cls = tun_rss_cls_build(rules, nrules, seed);
	KUNIT_ASSERT_NOT_NULL(test, cls);

	for (i = 0; i < nframes && fails < TUN_RSS_TEST_MAX_FAILS; i++) {
		const struct tun_rss_rule *r;
		struct tun_rss_cls_key k;

		tun_rss_tframe_random(test, rnd, fs, nrules, frame, &fl);
		tun_rss_cls_key_from_flow(&k, &fl);
		r = tun_rss_tcls_lookup(cls, &k);
		got = r ? (s64)r->location : -1;
		want_key = tun_rss_tref_key(rules, nrules, &k);
		want_fs = tun_rss_tref_fs(fs, nrules, &fl);
		matched += want_fs >= 0;
		if (got != want_key || got != want_fs) {
			KUNIT_FAIL(test,
				   "%u rules, %u masks, seed %#x, frame %u (flags %#x l3 %u proto %u): location %lld, key reference %lld, spec reference %lld",
				   nrules, nmasks, seed, i, fl.flags, fl.l3,
				   fl.l4proto, got, want_key, want_fs);
			fails++;
		}
	}
	tun_rss_cls_free(cls);
	return matched;
}

static void tun_rss_cls_random(struct kunit *test)
{
	static const unsigned int nrules[] = { 1, 64, 1024 };
	static const unsigned int nmasks[] = { 1, 4, 8 };
	const unsigned int nframes = 2000;
	unsigned int i, j, n, m, matched;
	struct rnd_state rnd;

	kunit_info(test, "seed %#llx\n", TUN_RSS_TEST_SEED + 2);
	prandom_seed_state(&rnd, TUN_RSS_TEST_SEED + 2);
	for (i = 0; i <= ARRAY_SIZE(nrules); i++) {
		for (j = 0; j < ARRAY_SIZE(nmasks); j++) {
			/* Last, many masks: many groups, early stops */
			n = i < ARRAY_SIZE(nrules) ? nrules[i] : 256;
			m = i < ARRAY_SIZE(nrules) ? nmasks[j] : 16U << j;
			m = min(m, n);
			matched = tun_rss_cls_random_set(test, &rnd, n, m,
							 nframes);
			kunit_info(test, "%u rules, %u masks: %u of %u frames matched\n",
				   n, m, matched, nframes);
			/* A third of the frames are made to match a rule */
			KUNIT_EXPECT_LE(test, nframes / 4, matched);
		}
	}
	/* Many small sets: each rule shape alone, or nearly */
	for (i = 0; i < 200; i++)
		tun_rss_cls_random_set(test, &rnd, 1 + tun_rss_tpick(&rnd, 4),
				       1, 50);
}

/*
 * The mask-group bound: a rule with one distinct mask more than the
 * classifier accepts is refused with -ENOSPC and changes nothing; a rule
 * of a mask in use still goes in; deleting the last rule of a mask frees
 * its group for another mask.
 */
static void tun_rss_cls_mask_limit(struct kunit *test)
{
	struct tun_rss_cls_entry *a, *b, *c, *d, *x;
	struct tun_rss_rule ra, rb, rc, rd;
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_cls *cls;
	struct tun_rss_flow fl;

	/* a: tcp4 dst-port 80 at 5; b: dst 10.0.0.2 at 6; d: dst-port 81 at 7 */
	tun_rss_tfs_init(&fs, TCP_V4_FLOW, 5);
	fs.h_u.tcp_ip4_spec.pdst = htons(80);
	fs.m_u.tcp_ip4_spec.pdst = htons(0xffff);
	tun_rss_tfs_convert(test, &ra, &fs, 0);
	fs.location = 7;
	fs.h_u.tcp_ip4_spec.pdst = htons(81);
	tun_rss_tfs_convert(test, &rd, &fs, 0);
	tun_rss_tfs_init(&fs, TCP_V4_FLOW, 6);
	fs.h_u.tcp_ip4_spec.ip4dst = htonl(0x0a000002);
	fs.m_u.tcp_ip4_spec.ip4dst = htonl(0xffffffff);
	tun_rss_tfs_convert(test, &rb, &fs, 0);
	/* c: tcp4 src-port 1000 at 1, a third mask; drops */
	tun_rss_tfs_init(&fs, TCP_V4_FLOW, 1);
	fs.h_u.tcp_ip4_spec.psrc = htons(1000);
	fs.m_u.tcp_ip4_spec.psrc = htons(0xffff);
	fs.ring_cookie = RX_CLS_FLOW_DISC;
	tun_rss_tfs_convert(test, &rc, &fs, 0);

	/* A frame every rule above matches: c wins once it is in */
	memset(&fl, 0, sizeof(fl));
	fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
	fl.l3 = 4;
	fl.l4proto = IPPROTO_TCP;
	fl.daddr[0] = htonl(0x0a000002);
	fl.sport = htons(1000);
	fl.dport = htons(80);

	cls = tun_rss_cls_alloc(7, 16, 2);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 0);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_insert(cls, &rb, &b), 0);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_insert(cls, &ra, &a), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 2);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 5);

	/* The third mask: refused, and nothing changed */
	x = NULL;
	KUNIT_EXPECT_EQ(test, tun_rss_cls_insert(cls, &rc, &x), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, !x);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 2);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 5);
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(cls));

	/* A mask in use takes more rules */
	KUNIT_ASSERT_EQ(test, tun_rss_cls_insert(cls, &rd, &d), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 2);
	fl.dport = htons(81);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 6);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_remove(cls, b), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 7);

	/* b's group went with b: the third mask fits now */
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 1);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_insert(cls, &rc, &c), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 2);
	KUNIT_EXPECT_TRUE(test, tun_rss_cls_has_drop(cls));
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 1);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_insert(cls, &rb, &x), -ENOSPC);

	/* Two rules of one group: the group stays until the second goes */
	KUNIT_ASSERT_EQ(test, tun_rss_cls_remove(cls, a), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 2);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_remove(cls, c), 0);
	KUNIT_EXPECT_FALSE(test, tun_rss_cls_has_drop(cls));
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), 7);
	KUNIT_ASSERT_EQ(test, tun_rss_cls_remove(cls, d), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls), 0);
	KUNIT_EXPECT_EQ(test, tun_rss_tlookup(cls, &fl), -1);
	tun_rss_cls_free(cls);
}

/* Distinct masks among the installed rules of @rules */
static unsigned int tun_rss_tmasks(const struct tun_rss_rule *rules,
				   const bool *in, unsigned int n)
{
	unsigned int i, j, m = 0;

	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		for (j = 0; j < i; j++)
			if (in[j] && !memcmp(&rules[j].mask, &rules[i].mask,
					     sizeof(rules[i].mask)))
				break;
		m += j == i;
	}
	return m;
}

/*
 * The classifier changed in place: @nops random insertions and deletions
 * among @npool rules of @nmasks masks (some keys shared, so some rules
 * shadow others), the classifier bounded to @limit groups; after each,
 * lookups agree with the references over the rules installed, and the
 * refusals and group count with a count of the masks.
 */
static void tun_rss_cls_churn_set(struct kunit *test, struct rnd_state *rnd,
				  unsigned int npool, unsigned int nmasks,
				  unsigned int limit, unsigned int nops)
{
	unsigned int i, j, op, n, tries, peak = 0, refused = 0, fails = 0;
	struct ethtool_rx_flow_spec *tpl, *fs, *fsin;
	struct tun_rss_rule *rules, *rin;
	struct tun_rss_cls_entry **ent;
	s64 got, want_key, want_fs;
	struct tun_rss_cls *cls;
	struct tun_rss_flow fl;
	int err, want_err;
	u8 *frame;
	bool *in;

	tpl = kunit_kcalloc(test, nmasks, sizeof(*tpl), GFP_KERNEL);
	fs = kunit_kcalloc(test, npool, sizeof(*fs), GFP_KERNEL);
	fsin = kunit_kcalloc(test, npool, sizeof(*fsin), GFP_KERNEL);
	rules = kunit_kcalloc(test, npool, sizeof(*rules), GFP_KERNEL);
	rin = kunit_kcalloc(test, npool, sizeof(*rin), GFP_KERNEL);
	ent = kunit_kcalloc(test, npool, sizeof(*ent), GFP_KERNEL);
	in = kunit_kcalloc(test, npool, sizeof(*in), GFP_KERNEL);
	frame = kunit_kzalloc(test, TUN_RSS_TFRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, tpl && fs && fsin && rules && rin && ent &&
			  in && frame);

	/* Distinct masks, each used by some rule of the pool */
	for (i = 0; i < nmasks; i++) {
		for (tries = 0; tries < 1000; tries++) {
			tun_rss_tfs_template(rnd, &tpl[i]);
			tun_rss_tfs_convert(test, &rules[i], &tpl[i], 0);
			for (j = 0; j < i; j++)
				if (!memcmp(&rules[j].mask, &rules[i].mask,
					    sizeof(rules[i].mask)))
					break;
			if (j == i)
				break;
		}
		KUNIT_ASSERT_TRUE(test, tries < 1000);
	}
	for (i = 0; i < npool; i++) {
		fs[i] = tpl[i < nmasks ? i : tun_rss_tpick(rnd, nmasks)];
		tun_rss_tfs_values(rnd, &fs[i]);
		/* Now and then the values of an earlier rule of that shape */
		if (i && !tun_rss_tpick(rnd, 4)) {
			j = tun_rss_tpick(rnd, i);
			if ((fs[j].flow_type & ~FLOW_RSS) == fs[i].flow_type &&
			    !memcmp(&fs[j].m_u, &fs[i].m_u, sizeof(fs[i].m_u)) &&
			    !memcmp(&fs[j].m_ext, &fs[i].m_ext,
				    sizeof(fs[i].m_ext))) {
				fs[i].h_u = fs[j].h_u;
				fs[i].h_ext = fs[j].h_ext;
			}
		}
		fs[i].location = i;
		tun_rss_tfs_convert(test, &rules[i], &fs[i],
				    tun_rss_tfs_action(rnd, &fs[i]));
	}

	cls = tun_rss_cls_alloc(prandom_u32_state(rnd), npool, limit);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	for (op = 0; op < nops && fails < TUN_RSS_TEST_MAX_FAILS; op++) {
		i = tun_rss_tpick(rnd, npool);
		if (in[i]) {
			err = tun_rss_cls_remove(cls, ent[i]);
			KUNIT_EXPECT_EQ(test, err, 0);
			in[i] = err != 0;
		} else {
			in[i] = true;
			want_err = tun_rss_tmasks(rules, in, npool) > limit ?
				   -ENOSPC : 0;
			err = tun_rss_cls_insert(cls, &rules[i], &ent[i]);
			KUNIT_EXPECT_EQ(test, err, want_err);
			in[i] = !err;
			refused += err == -ENOSPC;
		}
		KUNIT_EXPECT_EQ(test, tun_rss_cls_ngroups(cls),
				tun_rss_tmasks(rules, in, npool));

		for (n = 0, j = 0; j < npool; j++) {
			if (!in[j])
				continue;
			rin[n] = rules[j];
			fsin[n++] = fs[j];
		}
		peak = max(peak, n);
		for (j = 0; j < 8; j++) {
			const struct tun_rss_rule *r;
			struct tun_rss_cls_key k;

			if (n)
				tun_rss_tframe_random(test, rnd, fsin, n, frame,
						      &fl);
			else
				tun_rss_tflow_random(rnd, &fl);
			tun_rss_cls_key_from_flow(&k, &fl);
			r = tun_rss_tcls_lookup(cls, &k);
			got = r ? (s64)r->location : -1;
			want_key = tun_rss_tref_key(rin, n, &k);
			want_fs = tun_rss_tref_fs(fsin, n, &fl);
			if (got != want_key || got != want_fs) {
				KUNIT_FAIL(test,
					   "%u rules, %u masks, op %u (%u installed): location %lld, key reference %lld, spec reference %lld",
					   npool, nmasks, op, n, got, want_key,
					   want_fs);
				fails++;
			}
		}
	}
	if (npool > 8)
		kunit_info(test, "%u rules, %u masks, limit %u: %u operations, up to %u rules installed, %u refused\n",
			   npool, nmasks, limit, nops, peak, refused);
	/* Not vacuous: the set grew, and the bound was reached */
	KUNIT_EXPECT_LE(test, npool / 4, peak);
	if (limit < nmasks)
		KUNIT_EXPECT_LT(test, 0, refused);
	tun_rss_cls_free(cls);
}

static void tun_rss_cls_churn(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i;

	kunit_info(test, "seed %#llx\n", TUN_RSS_TEST_SEED + 3);
	prandom_seed_state(&rnd, TUN_RSS_TEST_SEED + 3);
	tun_rss_cls_churn_set(test, &rnd, 64, 4, 4, 2000);
	tun_rss_cls_churn_set(test, &rnd, 256, 12, 8, 1500);
	tun_rss_cls_churn_set(test, &rnd, 512, 40, 32, 1000);
	for (i = 0; i < 50; i++)
		tun_rss_cls_churn_set(test, &rnd, 8, 3, 2, 100);
}

static struct kunit_case tun_rss_cls_cases[] = {
	KUNIT_CASE(tun_rss_cls_fs_types),
	KUNIT_CASE(tun_rss_cls_fs_ext),
	KUNIT_CASE(tun_rss_cls_fs_actions),
	KUNIT_CASE(tun_rss_cls_fs_rejects),
	KUNIT_CASE(tun_rss_cls_key_frames),
	KUNIT_CASE(tun_rss_cls_match_types),
	KUNIT_CASE(tun_rss_cls_priority),
	KUNIT_CASE(tun_rss_cls_empty),
	KUNIT_CASE(tun_rss_cls_random),
	KUNIT_CASE(tun_rss_cls_mask_limit),
	KUNIT_CASE(tun_rss_cls_churn),
	{}
};

static struct kunit_suite tun_rss_cls_suite = {
	.name = "tun_rss_cls",
	.test_cases = tun_rss_cls_cases,
};

kunit_test_suites(&tun_rss_toeplitz_suite, &tun_rss_parse_suite,
		  &tun_rss_hash_suite, &tun_rss_cls_suite);

MODULE_DESCRIPTION("KUnit tests for the tun RSS engine");
MODULE_LICENSE("GPL");
