// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parse: attacker-chosen frames through the tun RSS parser, the
 * per-context hash and indirection, and the classifier key (SPEC §4, §7).
 *
 * Input: an 8-byte header, then the frame.
 *
 *   0    bit 0: the frame starts at Ethernet (tap), else at L3 (tun)
 *	  bits 1-2: tun protocol: 0 IPv4, 1 IPv6, 2 from the frame's IP
 *	  version nibble (as tun does without a packet-information header),
 *	  3 bytes 6-7
 *	  bit 3: RXH_XFRM_SYM_XOR input transform
 *	  bit 4: an indirection table with entries past the queue count
 *   1    queues attached (0 to 255)
 *   2-4  hash fields, 2 bits per flow type (little endian, flow type i at
 *	  bit 2i): 0 default, 1 none, 2 sd, 3 sdfn; only what
 *	  tun_rss_fields_valid() accepts is set
 *   5    key: 0 the Microsoft verification key, else that key XORed
 *	  with a pattern of this byte; also seeds the indirection table
 *   6-7  tun protocol when bits 1-2 are 3 (network byte order)
 *
 * The frame is copied into an allocation of exactly its length, so that
 * ASan sees any read past it, and parsed again misaligned and, when
 * longer than %TUN_RSS_PARSE_MAX, cut to that length: all three must
 * agree, and agree with a naive reference parser written here from the
 * rules parse.c documents.  Then the invariants of struct tun_rss_flow,
 * the hash and its report type against a bit-serial Toeplitz over the
 * virtio hash input, the queue bound, the symmetric transform, and the
 * classifier key of the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <asm/byteorder.h>

#include "fuzz.h"

#define FZ_HDR_LEN		8

#define FZ_MODE_L2		0x01
#define FZ_MODE_PROTO(m)	(((m) >> 1) & 3)
#define FZ_MODE_SYM_XOR		0x08
#define FZ_MODE_WIDE_INDIR	0x10

/* The Microsoft RSS verification key (also virtio's examples) */
static const u8 fz_ms_key[TUN_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define FZ_F_ALL	(TUN_RSS_F_VLAN | TUN_RSS_F_IP | TUN_RSS_F_FRAG | \
			 TUN_RSS_F_L4 | TUN_RSS_F_IP6_EX | TUN_RSS_F_TRUNC)

/* ---- reference parser ------------------------------------------------- */

/*
 * Offsets are plain unsigned int compared as "off + n > len", never
 * subtracted, so this reading cannot share an underflow with parse.c.
 */
struct fz_frame {
	const u8 *d;
	unsigned int len;
};

static u16 fz_be16_at(const struct fz_frame *f, unsigned int off)
{
	return (u16)(f->d[off] << 8 | f->d[off + 1]);
}

static bool fz_has(const struct fz_frame *f, unsigned int off,
		   unsigned int n)
{
	return (u64)off + n <= f->len;
}

static bool fz_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

/* The L4 header at @off, the datagram ending at @end */
static void fz_ref_l4(struct tun_rss_flow *fl, const struct fz_frame *f,
		      unsigned int off, unsigned int end)
{
	unsigned int at = off + (fl->l4proto == IPPROTO_AH ? 4 : 0);

	if (off > end || (u64)at + 4 > end) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	fl->flags |= TUN_RSS_F_L4;
	memcpy(&fl->l4_4bytes, f->d + at, 4);
	if (fz_has_ports(fl->l4proto)) {
		memcpy(&fl->sport, f->d + off, 2);
		memcpy(&fl->dport, f->d + off + 2, 2);
	}
}

static void fz_ref_ipv4(struct tun_rss_flow *fl, const struct fz_frame *f,
			unsigned int off)
{
	unsigned int hlen, tot_len, end;

	if (!fz_has(f, off, 20)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	hlen = (f->d[off] & 0xf) * 4;
	tot_len = fz_be16_at(f, off + 2);
	if (f->d[off] >> 4 != 4 || hlen < 20)
		return;
	if (!fz_has(f, off, hlen)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	if (tot_len < hlen)
		return;

	fl->flags |= TUN_RSS_F_IP;
	fl->l3 = 4;
	fl->tos = f->d[off + 1];
	fl->l4proto = f->d[off + 9];
	memcpy(&fl->saddr[0], f->d + off + 12, 4);
	memcpy(&fl->daddr[0], f->d + off + 16, 4);
	if (fz_be16_at(f, off + 6) & 0x3fff) {	/* MF or an offset */
		fl->flags |= TUN_RSS_F_FRAG;
		return;
	}
	end = fz_has(f, off, tot_len) ? off + tot_len : f->len;
	fz_ref_l4(fl, f, off + hlen, end);
}

static bool fz_ipv6_opt(u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
	       next == IPPROTO_DSTOPTS;
}

static void fz_ref_ipv6(struct tun_rss_flow *fl, const struct fz_frame *f,
			unsigned int off)
{
	unsigned int plen, end, hops;
	u8 next;

	if (!fz_has(f, off, 40)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	if (f->d[off] >> 4 != 6)
		return;
	fl->flags |= TUN_RSS_F_IP;
	fl->l3 = 6;
	fl->tos = (u8)(f->d[off] << 4 | f->d[off + 1] >> 4);
	fl->flow_lbl[0] = f->d[off + 1] & 0x0f;
	fl->flow_lbl[1] = f->d[off + 2];
	fl->flow_lbl[2] = f->d[off + 3];
	memcpy(fl->saddr, f->d + off + 8, 16);
	memcpy(fl->daddr, f->d + off + 24, 16);
	plen = fz_be16_at(f, off + 4);
	next = f->d[off + 6];
	off += 40;
	/* Zero payload length: a jumbogram, to the end of the frame. */
	end = plen && fz_has(f, off, plen) ? off + plen : f->len;

	/* Options headers: next header, then length in 8 bytes minus one */
	for (hops = 0; fz_ipv6_opt(next); hops++) {
		fl->flags |= TUN_RSS_F_IP6_EX;
		if (hops == 8) {
			fl->l4proto = next;
			return;
		}
		if ((u64)off + 2 > end)
			goto trunc;
		if ((u64)off + (f->d[off + 1] + 1) * 8 > end)
			goto trunc;
		next = f->d[off];
		off += (f->d[off + 1] + 1) * 8;
	}

	fl->l4proto = next;
	if (next == IPPROTO_FRAGMENT) {
		fl->flags |= TUN_RSS_F_IP6_EX | TUN_RSS_F_FRAG;
		if ((u64)off + 8 > end)
			goto trunc;
		fl->l4proto = f->d[off];
		return;
	}
	if (next == IPPROTO_NONE)
		return;
	fz_ref_l4(fl, f, off, end);
	return;
trunc:
	fl->l4proto = next;
	fl->flags |= TUN_RSS_F_TRUNC;
}

static void fz_ref_parse(struct tun_rss_flow *fl, const u8 *data,
			 unsigned int len, bool l2, __be16 proto)
{
	struct fz_frame f = { data, len < 256 ? len : 256 };
	unsigned int off = 0, tags;

	memset(fl, 0, sizeof(*fl));
	if (l2) {
		if (!fz_has(&f, 0, 14)) {
			fl->flags |= TUN_RSS_F_TRUNC;
			return;
		}
		memcpy(fl->h_dest, data, 6);
		memcpy(fl->h_source, data + 6, 6);
		memcpy(&fl->h_proto, data + 12, 2);
		off = 14;
		for (tags = 0; tags < 2; tags++) {
			if (fl->h_proto != htons(0x8100) &&
			    fl->h_proto != htons(0x88a8))
				break;
			if (!fz_has(&f, off, 4)) {
				fl->flags |= TUN_RSS_F_TRUNC;
				return;
			}
			if (!tags)
				memcpy(&fl->vlan_tci, data + off, 2);
			memcpy(&fl->h_proto, data + off + 2, 2);
			fl->flags |= TUN_RSS_F_VLAN;
			off += 4;
		}
	} else {
		fl->h_proto = proto;
	}
	if (fl->h_proto == htons(0x0800))
		fz_ref_ipv4(fl, &f, off);
	else if (fl->h_proto == htons(0x86dd))
		fz_ref_ipv6(fl, &f, off);
}

/* ---- checks ------------------------------------------------------------ */

static void fz_dump_flow(const char *what, const struct tun_rss_flow *fl)
{
	const u8 *b = (const u8 *)fl;
	size_t i;

	fprintf(stderr, "| %-10s", what);
	for (i = 0; i < sizeof(*fl); i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ", b[i]);
	fprintf(stderr, "\n");
}

static void fz_same_flow(const struct tun_rss_flow *got,
			 const struct tun_rss_flow *want, const char *what)
{
	if (!memcmp(got, want, sizeof(*got)))
		return;
	fz_dump_flow("parse.c", got);
	fz_dump_flow(what, want);
	FZ_CHECK(0, "tun_rss_parse() and %s disagree", what);
}

static bool fz_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* What struct tun_rss_flow documents, whatever the frame */
static void fz_check_flow(const struct tun_rss_flow *fl, const u8 *data,
			  unsigned int len, bool l2, __be16 proto)
{
	u8 f = fl->flags;

	FZ_CHECK(!(f & ~FZ_F_ALL), "flags %#x", f);
	FZ_CHECK(!(f & TUN_RSS_F_L4) || !(f & TUN_RSS_F_FRAG),
		 "L4 on a fragment, flags %#x", f);
	FZ_CHECK(!(f & (TUN_RSS_F_L4 | TUN_RSS_F_FRAG | TUN_RSS_F_IP6_EX)) ||
		 (f & TUN_RSS_F_IP), "flags %#x without IP", f);
	FZ_CHECK(!(f & TUN_RSS_F_IP6_EX) || fl->l3 == 6, "IP6_EX on l3 %u",
		 fl->l3);
	FZ_CHECK(!!(f & TUN_RSS_F_IP) == (fl->l3 == 4 || fl->l3 == 6) &&
		 (fl->l3 == 0 || fl->l3 == 4 || fl->l3 == 6),
		 "flags %#x, l3 %u", f, fl->l3);
	if (!(f & TUN_RSS_F_IP))
		FZ_CHECK(!fl->l4proto && !fl->tos &&
			 fz_zero(fl->saddr, sizeof(fl->saddr)) &&
			 fz_zero(fl->daddr, sizeof(fl->daddr)),
			 "IP fields on a non-IP frame");
	if (fl->l3 == 4)
		FZ_CHECK(fz_zero(&fl->saddr[1], 12) &&
			 fz_zero(&fl->daddr[1], 12),
			 "IPv4 address past saddr[0]/daddr[0]");
	if (!(f & TUN_RSS_F_L4))
		FZ_CHECK(!fl->sport && !fl->dport && !fl->l4_4bytes,
			 "L4 fields without TUN_RSS_F_L4");
	else if (!fz_has_ports(fl->l4proto))
		FZ_CHECK(!fl->sport && !fl->dport, "ports on protocol %u",
			 fl->l4proto);
	else
		FZ_CHECK(!memcmp(&fl->l4_4bytes, &fl->sport, 2) &&
			 !memcmp((u8 *)&fl->l4_4bytes + 2, &fl->dport, 2),
			 "ports are not the first four L4 bytes");
	if (!(f & TUN_RSS_F_VLAN))
		FZ_CHECK(!fl->vlan_tci, "TCI on an untagged frame");

	if (!l2) {
		FZ_CHECK(!(f & TUN_RSS_F_VLAN) && fl->h_proto == proto &&
			 fz_zero(fl->h_dest, 12), "L2 fields on a tun frame");
	} else if (len < ETH_HLEN) {
		FZ_CHECK(f == TUN_RSS_F_TRUNC && fz_zero(fl->h_dest, 12) &&
			 !fl->h_proto, "a frame shorter than Ethernet");
	} else {
		FZ_CHECK(!memcmp(fl->h_dest, data, 12), "MAC addresses");
	}
}

/* The flow type whose fields apply: ethtool's, as hash.c documents */
static enum tun_rss_ft fz_flow_ft(const struct tun_rss_flow *fl)
{
	bool v6 = fl->l3 == 6;

	if (fl->flags & TUN_RSS_F_FRAG)
		return v6 ? TUN_RSS_FT_IP6 : TUN_RSS_FT_IP4;
	switch (fl->l4proto) {
	case IPPROTO_TCP:
		return v6 ? TUN_RSS_FT_TCP6 : TUN_RSS_FT_TCP4;
	case IPPROTO_UDP:
		return v6 ? TUN_RSS_FT_UDP6 : TUN_RSS_FT_UDP4;
	case IPPROTO_SCTP:
		return v6 ? TUN_RSS_FT_SCTP6 : TUN_RSS_FT_SCTP4;
	case IPPROTO_AH:
	case IPPROTO_ESP:
		return v6 ? TUN_RSS_FT_AH_ESP6 : TUN_RSS_FT_AH_ESP4;
	default:
		return v6 ? TUN_RSS_FT_IP6 : TUN_RSS_FT_IP4;
	}
}

/*
 * The hash of the fields the context selects for the frame's flow type
 * (tuntap.rst): addresses, L4 bytes 0-1 and 2-3 (ports; the SPI for AH
 * and ESP) when the frame has them, destination MAC, VLAN ID, protocol,
 * IPv6 flow label.  A virtio report type for sd, and for sdfn of TCP and
 * UDP; NONE with the hash for any other set.
 */
static u32 fz_hash_ref(const struct tun_rss_ctx *ctx,
		       const struct tun_rss_flow *fl, u16 *report)
{
	const u32 l4 = RXH_L4_B_0_1 | RXH_L4_B_2_3;
	unsigned int alen, n = 0, i;
	u8 in[TUN_RSS_MAX_INPUT], p[4];
	bool v6 = fl->l3 == 6;
	enum tun_rss_ft ft;
	u32 fields;

	*report = VIRTIO_NET_HASH_REPORT_NONE;
	if (!(fl->flags & TUN_RSS_F_IP))
		return 0;
	ft = fz_flow_ft(fl);
	fields = ctx->fields[ft];
	if (!fields)
		return 0;
	if (!(fl->flags & TUN_RSS_F_L4))
		fields &= ~l4;

	alen = v6 ? 16 : 4;
	if (fields & RXH_IP_SRC) {
		memcpy(in + n, fl->saddr, alen);
		n += alen;
	}
	if (fields & RXH_IP_DST) {
		memcpy(in + n, fl->daddr, alen);
		n += alen;
	}
	if (fl->l4proto == IPPROTO_AH || fl->l4proto == IPPROTO_ESP) {
		memcpy(p, &fl->l4_4bytes, 4);
	} else {
		memcpy(p, &fl->sport, 2);
		memcpy(p + 2, &fl->dport, 2);
	}
	if (fields & RXH_L4_B_0_1) {
		memcpy(in + n, p, 2);
		n += 2;
	}
	if (fields & RXH_L4_B_2_3) {
		memcpy(in + n, p + 2, 2);
		n += 2;
	}
	/* Both halves of a complete pair become source XOR destination. */
	if (ctx->input_xfrm & RXH_XFRM_SYM_XOR) {
		if ((fields & TUN_RSS_FIELDS_SD) == TUN_RSS_FIELDS_SD)
			for (i = 0; i < alen; i++) {
				in[i] ^= in[alen + i];
				in[alen + i] = in[i];
			}
		if ((fields & l4) == l4)
			for (i = n - 4; i < n - 2; i++) {
				in[i] ^= in[i + 2];
				in[i + 2] = in[i];
			}
	}
	if (fields & RXH_L2DA) {
		memcpy(in + n, fl->h_dest, 6);
		n += 6;
	}
	if (fields & RXH_VLAN) {
		in[n++] = fl->flags & TUN_RSS_F_VLAN ?
			  ((u8 *)&fl->vlan_tci)[0] & 0x0f : 0;
		in[n++] = fl->flags & TUN_RSS_F_VLAN ?
			  ((u8 *)&fl->vlan_tci)[1] : 0;
	}
	if (fields & RXH_L3_PROTO)
		in[n++] = fl->l4proto;
	if (v6 && (fields & RXH_IP6_FL)) {
		memcpy(in + n, fl->flow_lbl, 3);
		n += 3;
	}

	if (fields == TUN_RSS_FIELDS_SD)
		*report = v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
			       VIRTIO_NET_HASH_REPORT_IPv4;
	else if (fields == TUN_RSS_FIELDS_SDFN && fl->l4proto == IPPROTO_TCP)
		*report = v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
			       VIRTIO_NET_HASH_REPORT_TCPv4;
	else if (fields == TUN_RSS_FIELDS_SDFN && fl->l4proto == IPPROTO_UDP)
		*report = v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
			       VIRTIO_NET_HASH_REPORT_UDPv4;
	return fz_toeplitz_ref(ctx->key, in, n);
}

/* Report type against the flow, independently of the reference */
static void fz_check_report(const struct tun_rss_flow *fl, u16 report,
			    u32 hash)
{
	bool tcp = fl->l4proto == IPPROTO_TCP, udp = fl->l4proto == IPPROTO_UDP;
	bool l4 = (fl->flags & TUN_RSS_F_L4) && !(fl->flags & TUN_RSS_F_FRAG);

	switch (report) {
	case VIRTIO_NET_HASH_REPORT_NONE:
		/* A set virtio has no type for reports NONE with its hash */
		FZ_CHECK(!hash || (fl->flags & TUN_RSS_F_IP),
			 "hash %#x with report NONE on a frame that is not IP",
			 hash);
		return;
	case VIRTIO_NET_HASH_REPORT_IPv4:
		FZ_CHECK(fl->l3 == 4, "report IPv4 on l3 %u", fl->l3);
		return;
	case VIRTIO_NET_HASH_REPORT_TCPv4:
		FZ_CHECK(fl->l3 == 4 && tcp && l4, "report TCPv4");
		return;
	case VIRTIO_NET_HASH_REPORT_UDPv4:
		FZ_CHECK(fl->l3 == 4 && udp && l4, "report UDPv4");
		return;
	case VIRTIO_NET_HASH_REPORT_IPv6:
		FZ_CHECK(fl->l3 == 6, "report IPv6 on l3 %u", fl->l3);
		return;
	case VIRTIO_NET_HASH_REPORT_TCPv6:
		FZ_CHECK(fl->l3 == 6 && tcp && l4, "report TCPv6");
		return;
	case VIRTIO_NET_HASH_REPORT_UDPv6:
		FZ_CHECK(fl->l3 == 6 && udp && l4, "report UDPv6");
		return;
	default:
		FZ_CHECK(0, "report type %u (never _EX, SPEC §4)", report);
	}
}

/* The classifier key holds what the flow has, and zero elsewhere. */
static void fz_check_cls_key(const struct tun_rss_cls_key *k,
			     const struct tun_rss_flow *fl)
{
	bool ip = fl->flags & TUN_RSS_F_IP, l4 = fl->flags & TUN_RSS_F_L4;

	FZ_CHECK(!memcmp(k->h_dest, fl->h_dest, 6) &&
		 !memcmp(k->h_source, fl->h_source, 6) &&
		 k->h_proto == fl->h_proto, "cls key: L2");
	FZ_CHECK(k->vlan_tci == (fl->flags & TUN_RSS_F_VLAN ? fl->vlan_tci : 0),
		 "cls key: vlan_tci");
	FZ_CHECK(k->l3 == (ip ? fl->l3 : 0) &&
		 k->l4proto == (ip ? fl->l4proto : 0) &&
		 k->tos == (ip ? fl->tos : 0), "cls key: l3/l4proto/tos");
	if (ip)
		FZ_CHECK(!memcmp(k->saddr, fl->saddr, 16) &&
			 !memcmp(k->daddr, fl->daddr, 16), "cls key: addresses");
	else
		FZ_CHECK(fz_zero(k->saddr, 32), "cls key: addresses, not IP");
	FZ_CHECK(k->l4ok == l4, "cls key: l4ok %u, flags %#x", k->l4ok,
		 fl->flags);
	if (l4)
		FZ_CHECK(k->sport == fl->sport && k->dport == fl->dport &&
			 k->l4_4bytes == fl->l4_4bytes, "cls key: L4 fields");
	else
		FZ_CHECK(!k->sport && !k->dport && !k->l4_4bytes,
			 "cls key: L4 fields without L4");
	FZ_CHECK(fz_zero(k->pad, sizeof(k->pad)), "cls key: pad");
}

/* ---- the target -------------------------------------------------------- */

static struct tun_rss_ctx fz_ctx;
static bool fz_ctx_ready;
static u8 fz_ctx_keysel;

/* Fields a symmetric transform can take: whole pairs of sdfn */
static bool fz_fields_sym(u32 f)
{
	return !(f & ~TUN_RSS_FIELDS_SDFN) &&
	       !(f & RXH_IP_SRC) == !(f & RXH_IP_DST) &&
	       !(f & RXH_L4_B_0_1) == !(f & RXH_L4_B_2_3);
}

static void fz_setup_ctx(const u8 *hdr, unsigned int nqueues)
{
	u32 sel = hdr[2] | hdr[3] << 8 | hdr[4] << 16;
	u8 key[TUN_RSS_KEY_SIZE];
	unsigned int i;
	u64 fields;

	/* Expanding a key costs more than a parse: only when it changes. */
	if (!fz_ctx_ready || fz_ctx_keysel != hdr[5]) {
		for (i = 0; i < TUN_RSS_KEY_SIZE; i++)
			key[i] = fz_ms_key[i] ^ (u8)(hdr[5] * (i + 1));
		fz_ctx_keysel = hdr[5];
		fz_ctx_ready = true;
		tun_rss_ctx_init(&fz_ctx, key, nqueues);
		FZ_CHECK(!memcmp(fz_ctx.key, key, sizeof(key)), "ctx key");
	} else {
		/* What tun_rss_ctx_init() would have done, but the key. */
		for (i = 0; i < TUN_RSS_FT_NUM; i++)
			fz_ctx.fields[i] = tun_rss_default_fields(i);
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			fz_ctx.indir[i] = nqueues ? i % nqueues : 0;
		fz_ctx.input_xfrm = 0;
	}

	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		FZ_CHECK(nqueues ? fz_ctx.indir[i] < nqueues : !fz_ctx.indir[i],
			 "default indir[%u] = %u, %u queues", i,
			 fz_ctx.indir[i], nqueues);
	for (i = 0; i < TUN_RSS_FT_NUM; i++) {
		FZ_CHECK(!tun_rss_fields_valid(i, fz_ctx.fields[i]),
			 "default fields %#x of flow type %u refused",
			 fz_ctx.fields[i], i);
		switch ((sel >> (2 * i)) & 3) {
		case 0:
			continue;
		case 1:
			/* none, or any set of the fields the flow type carries */
			fields = (u64)(hdr[6 + i % 2] >> (i / 2 % 4)) << 1 &
				 (RXH_L2DA | RXH_VLAN | RXH_L3_PROTO |
				  TUN_RSS_FIELDS_SDFN);
			if (hdr[7] & 0x80)
				fields |= RXH_IP6_FL;
			break;
		case 2:
			fields = TUN_RSS_FIELDS_SD;
			break;
		default:
			fields = TUN_RSS_FIELDS_SDFN;
			break;
		}
		if (!tun_rss_fields_valid(i, fields))
			fz_ctx.fields[i] = fields;
	}

	/* As the ethtool core allows: with pairs of sdfn only */
	if (hdr[0] & FZ_MODE_SYM_XOR) {
		fz_ctx.input_xfrm = RXH_XFRM_SYM_XOR;
		for (i = 0; i < TUN_RSS_FT_NUM; i++)
			if (!fz_fields_sym(fz_ctx.fields[i]))
				fz_ctx.input_xfrm = 0;
	}
	/* Queues detached since the table was set (SPEC §2) */
	if (hdr[0] & FZ_MODE_WIDE_INDIR)
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			fz_ctx.indir[i] = (u16)(i * 0x9e37u + hdr[5] * 0x3b1u);
}

static __be16 fz_tun_proto(const u8 *hdr, const u8 *frame, size_t len)
{
	switch (FZ_MODE_PROTO(hdr[0])) {
	case 0:
		return htons(ETH_P_IP);
	case 1:
		return htons(ETH_P_IPV6);
	case 2:
		if (len && frame[0] >> 4 == 6)
			return htons(ETH_P_IPV6);
		return htons(len && frame[0] >> 4 == 4 ? ETH_P_IP : 0);
	default:
		return htons((u16)(hdr[6] << 8 | hdr[7]));
	}
}

/* Swap source and destination, addresses and ports */
static void fz_flow_reverse(struct tun_rss_flow *r,
			    const struct tun_rss_flow *fl)
{
	*r = *fl;
	memcpy(r->saddr, fl->daddr, sizeof(r->saddr));
	memcpy(r->daddr, fl->saddr, sizeof(r->daddr));
	r->sport = fl->dport;
	r->dport = fl->sport;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct tun_rss_flow fl, again, ref, rev;
	unsigned int len, nqueues;
	u16 report, want_report;
	struct tun_rss_cls_key k;
	u8 hdr[FZ_HDR_LEN];
	u32 hash, want;
	bool l2;
	__be16 proto;
	u8 *frame, *buf;
	u16 q;

	if (size < FZ_HDR_LEN || size - FZ_HDR_LEN > 65536)
		return -1;
	memcpy(hdr, in, FZ_HDR_LEN);
	len = size - FZ_HDR_LEN;
	l2 = hdr[0] & FZ_MODE_L2;
	nqueues = hdr[1];
	proto = fz_tun_proto(hdr, in + FZ_HDR_LEN, len);

	/* Exactly the frame: any read past it is an ASan report. */
	frame = malloc(len ? len : 1);
	FZ_CHECK(frame, "out of memory");
	memcpy(frame, in + FZ_HDR_LEN, len);
	FZ_CHECK(!tun_rss_parse(&fl, frame, len, l2, proto), "parse failed");
	fz_check_flow(&fl, frame, len, l2, proto);

	fz_ref_parse(&ref, frame, len, l2, proto);
	fz_same_flow(&fl, &ref, "reference");

	/* Odd address, the end still exactly at the frame's end */
	buf = malloc(len + 1);
	FZ_CHECK(buf, "out of memory");
	memcpy(buf + 1, frame, len);
	tun_rss_parse(&again, buf + 1, len, l2, proto);
	fz_same_flow(&again, &fl, "misaligned");
	free(buf);

	/* Nothing past TUN_RSS_PARSE_MAX is looked at. */
	if (len > TUN_RSS_PARSE_MAX) {
		buf = malloc(TUN_RSS_PARSE_MAX);
		FZ_CHECK(buf, "out of memory");
		memcpy(buf, frame, TUN_RSS_PARSE_MAX);
		tun_rss_parse(&again, buf, TUN_RSS_PARSE_MAX, l2, proto);
		fz_same_flow(&again, &fl, "first 256 bytes");
		free(buf);
	}
	free(frame);

	fz_setup_ctx(hdr, nqueues);
	hash = tun_rss_ctx_hash(&fz_ctx, &fl, &report);
	fz_check_report(&fl, report, hash);
	want = fz_hash_ref(&fz_ctx, &fl, &want_report);
	FZ_CHECK(hash == want && report == want_report,
		 "hash %#x report %u, reference hash %#x report %u", hash,
		 report, want, want_report);

	if (fz_ctx.input_xfrm & RXH_XFRM_SYM_XOR) {
		u16 rev_report;

		fz_flow_reverse(&rev, &fl);
		FZ_CHECK(tun_rss_ctx_hash(&fz_ctx, &rev, &rev_report) == hash &&
			 rev_report == report,
			 "symmetric-xor: the reverse direction hashes apart");
	}

	q = tun_rss_ctx_queue(&fz_ctx, hash, nqueues);
	if (nqueues)
		FZ_CHECK(q < nqueues &&
			 q == fz_ctx.indir[hash % TUN_RSS_INDIR_SIZE] % nqueues,
			 "queue %u of %u (entry %u)", q, nqueues,
			 fz_ctx.indir[hash % TUN_RSS_INDIR_SIZE]);
	else
		FZ_CHECK(!q, "queue %u without queues", q);

	tun_rss_cls_key_from_flow(&k, &fl);
	fz_check_cls_key(&k, &fl);
	return 0;
}
