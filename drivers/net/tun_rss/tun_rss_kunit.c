// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pure part of the tun RSS engine: Toeplitz against
 * Microsoft's verification suite and a bit-serial reference, the frame
 * parser on truncated and malformed frames, and the per-context hash,
 * hash fields and indirection.
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
#include <linux/module.h>
#include <linux/prandom.h>
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

/* Toeplitz by its definition: one input bit and one key bit at a time. */
static u32 tun_rss_ref_toeplitz(const u8 *key, const u8 *in, unsigned int len)
{
	unsigned int k, t;
	u32 hash = 0;

	for (k = 0; k < 8 * len; k++) {
		if (!(in[k / 8] & (0x80 >> (k % 8))))
			continue;
		for (t = 0; t < 32; t++)
			if (key[(k + t) / 8] & (0x80 >> ((k + t) % 8)))
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
	/* Not a valid setting; still never a hash type virtio lacks */
	{ "sctp4, sctp4 sdfn", { .l4proto = IPPROTO_SCTP, .t = TUN_RSS_T4 },
	  0, SCTP_V4_FLOW, TUN_RSS_FIELDS_SDFN, VIRTIO_NET_HASH_REPORT_IPv4 },
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
		RXH_IP_SRC, RXH_IP_DST, RXH_L4_B_0_1, RXH_L4_B_2_3,
		TUN_RSS_FIELDS_SD | RXH_L4_B_0_1,
		TUN_RSS_FIELDS_SD | RXH_L4_B_2_3,
		TUN_RSS_FIELDS_SD | RXH_L3_PROTO,
		TUN_RSS_FIELDS_SD | RXH_VLAN,
		TUN_RSS_FIELDS_SD | RXH_L2DA,
		TUN_RSS_FIELDS_SDFN | RXH_GTP_TEID,
		TUN_RSS_FIELDS_SDFN | RXH_DISCARD,
		RXH_DISCARD,
		TUN_RSS_FIELDS_SD | BIT_ULL(32),
	};
	struct tun_rss_ctx *ctx;
	unsigned int i, j;
	bool ports;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_flow_type_to_ft(map[i].flow_type),
				    map[i].ft, "flow type %#x",
				    map[i].flow_type);

	for (i = 0; i < TUN_RSS_FT_NUM; i++) {
		ports = i == TUN_RSS_FT_TCP4 || i == TUN_RSS_FT_UDP4 ||
			i == TUN_RSS_FT_TCP6 || i == TUN_RSS_FT_UDP6;
		KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, 0), 0);
		KUNIT_EXPECT_EQ(test, tun_rss_fields_valid(i, TUN_RSS_FIELDS_SD),
				0);
		KUNIT_EXPECT_EQ_MSG(test,
				    tun_rss_fields_valid(i, TUN_RSS_FIELDS_SDFN),
				    ports ? 0 : -EINVAL, "ft %u", i);
		for (j = 0; j < ARRAY_SIZE(bad); j++)
			KUNIT_EXPECT_EQ_MSG(test, tun_rss_fields_valid(i, bad[j]),
					    -EINVAL, "ft %u fields %#llx", i,
					    (unsigned long long)bad[j]);
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

kunit_test_suites(&tun_rss_toeplitz_suite, &tun_rss_parse_suite,
		  &tun_rss_hash_suite);

MODULE_DESCRIPTION("KUnit tests for the tun RSS engine");
MODULE_LICENSE("GPL");
