// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config: configuration as raw bytes through the engine's
 * validators and builders (SPEC §4, §7): hash fields per flow type, flow
 * types, ntuple flow specs, keys, indirection and queue folding.  Each
 * must answer 0 or a negative errno (with a reason, for flow specs), and
 * what it accepts must mean what the UAPI says.
 *
 * Input: operations until the input ends, each an op byte (modulo 4):
 *
 *   0  tun_rss_fields_valid(): flow type (s8), fields selector: bit 7 a
 *      raw u64 follows, else the low seven bits are RXH_* bits 1-7
 *   1  tun_rss_flow_type_to_ft(): bits 0-4 the ethtool flow type (31: a
 *      raw u32 follows), bits 5-7 FLOW_RSS, FLOW_MAC_EXT, FLOW_EXT
 *   2  tun_rss_rule_from_fs(): a flow-spec record (fuzz.h), the RSS
 *      context byte, a bit to flip in the rule's exemplar frame key (u16)
 *   3  key and table: 40 key bytes (used by the first such operation
 *      of an input only), an input length byte and that many input bytes
 *      for tun_rss_toeplitz(), queue count (u16), a hash (u32)
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/stddef.h>

#include "fuzz.h"

#define FZ_OP_FIELDS	0
#define FZ_OP_FLOW_TYPE	1
#define FZ_OP_RULE	2
#define FZ_OP_KEY	3

#define FZ_FLOW_FLAGS	(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)

static bool fz_errno(int ret)
{
	return ret < 0 && ret >= -4095;
}

/* ---- hash fields and flow types ------------------------------------------ */

/* The fields a frame of flow type @ft carries (tuntap.rst) */
static u64 fz_ft_fields(int ft)
{
	u64 f = RXH_L2DA | RXH_VLAN | RXH_L3_PROTO | TUN_RSS_FIELDS_SD;

	if (ft != TUN_RSS_FT_IP4 && ft != TUN_RSS_FT_IP6)
		f |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
	if (ft >= TUN_RSS_FT_TCP6)
		f |= RXH_IP6_FL;
	return f;
}

static void fz_op_fields(struct fz_in *in)
{
	int ft = (s8)fz_u8(in), ret;
	u8 sel = fz_u8(in);
	u64 fields = sel & 0x80 ? fz_u64(in) : (u64)(sel & 0x7f) << 1;
	bool want;

	/* Any subset of the fields the flow type's frames carry */
	want = ft >= 0 && ft < TUN_RSS_FT_NUM && !(fields & ~fz_ft_fields(ft));
	ret = tun_rss_fields_valid(ft, fields);
	FZ_CHECK(!ret || fz_errno(ret), "fields_valid returned %d", ret);
	FZ_CHECK(!ret == want, "flow type %d, fields %#llx: %d", ft,
		 (unsigned long long)fields, ret);
}

/* The ethtool flow types with hash fields of their own in tun */
static int fz_ft_of(u32 flow_type)
{
	switch (flow_type) {
	case TCP_V4_FLOW:	return TUN_RSS_FT_TCP4;
	case UDP_V4_FLOW:	return TUN_RSS_FT_UDP4;
	case SCTP_V4_FLOW:	return TUN_RSS_FT_SCTP4;
	case AH_ESP_V4_FLOW:
	case AH_V4_FLOW:
	case ESP_V4_FLOW:	return TUN_RSS_FT_AH_ESP4;
	case IPV4_FLOW:		return TUN_RSS_FT_IP4;
	case TCP_V6_FLOW:	return TUN_RSS_FT_TCP6;
	case UDP_V6_FLOW:	return TUN_RSS_FT_UDP6;
	case SCTP_V6_FLOW:	return TUN_RSS_FT_SCTP6;
	case AH_ESP_V6_FLOW:
	case AH_V6_FLOW:
	case ESP_V6_FLOW:	return TUN_RSS_FT_AH_ESP6;
	case IPV6_FLOW:		return TUN_RSS_FT_IP6;
	default:		return -EINVAL;
	}
}

static void fz_op_flow_type(struct fz_in *in)
{
	u8 sel = fz_u8(in);
	u32 type = (sel & 0x1f) == 0x1f ? fz_u32(in) : sel & 0x1f;
	u32 flags = (u32)(sel & 0xe0) << 24;	/* RSS, MAC_EXT, EXT */
	int ft;

	ft = tun_rss_flow_type_to_ft(type | flags);
	FZ_CHECK((ft >= 0 && ft < TUN_RSS_FT_NUM) || ft == -EINVAL,
		 "flow type %#x: %d", type | flags, ft);
	FZ_CHECK(ft == tun_rss_flow_type_to_ft(type & ~FZ_FLOW_FLAGS),
		 "flow type %#x: the flags change the answer", type | flags);
	FZ_CHECK(ft == fz_ft_of(type & ~FZ_FLOW_FLAGS), "flow type %#x: %d",
		 type, ft);
	if (ft >= 0)
		FZ_CHECK(!tun_rss_fields_valid(ft, tun_rss_default_fields(ft)),
			 "default fields of flow type %d refused", ft);
}

/* ---- flow rules ---------------------------------------------------------- */

/* A field of a flow spec and the classifier key field it matches */
struct fz_field {
	size_t fs_off;
	size_t key_off;
	size_t len;
};

/* Field @f of flow-spec struct @type, @len bytes, matches key field @kf. */
#define FZ_F(type, f, kf, len) \
	{ offsetof(type, f), offsetof(struct tun_rss_cls_key, kf), len }

static const struct fz_field fz_tcpip4[] = {
	FZ_F(struct ethtool_tcpip4_spec, ip4src, saddr, 4),
	FZ_F(struct ethtool_tcpip4_spec, ip4dst, daddr, 4),
	FZ_F(struct ethtool_tcpip4_spec, psrc, sport, 2),
	FZ_F(struct ethtool_tcpip4_spec, pdst, dport, 2),
	FZ_F(struct ethtool_tcpip4_spec, tos, tos, 1),
	{ 0 }
};

static const struct fz_field fz_usrip4[] = {
	FZ_F(struct ethtool_usrip4_spec, ip4src, saddr, 4),
	FZ_F(struct ethtool_usrip4_spec, ip4dst, daddr, 4),
	FZ_F(struct ethtool_usrip4_spec, l4_4_bytes, l4_4bytes, 4),
	FZ_F(struct ethtool_usrip4_spec, tos, tos, 1),
	FZ_F(struct ethtool_usrip4_spec, proto, l4proto, 1),
	{ 0 }
};

static const struct fz_field fz_tcpip6[] = {
	FZ_F(struct ethtool_tcpip6_spec, ip6src, saddr, 16),
	FZ_F(struct ethtool_tcpip6_spec, ip6dst, daddr, 16),
	FZ_F(struct ethtool_tcpip6_spec, psrc, sport, 2),
	FZ_F(struct ethtool_tcpip6_spec, pdst, dport, 2),
	FZ_F(struct ethtool_tcpip6_spec, tclass, tos, 1),
	{ 0 }
};

static const struct fz_field fz_usrip6[] = {
	FZ_F(struct ethtool_usrip6_spec, ip6src, saddr, 16),
	FZ_F(struct ethtool_usrip6_spec, ip6dst, daddr, 16),
	FZ_F(struct ethtool_usrip6_spec, l4_4_bytes, l4_4bytes, 4),
	FZ_F(struct ethtool_usrip6_spec, tclass, tos, 1),
	FZ_F(struct ethtool_usrip6_spec, l4_proto, l4proto, 1),
	{ 0 }
};

static const struct fz_field fz_ether[] = {
	FZ_F(struct ethhdr, h_dest, h_dest, ETH_ALEN),
	FZ_F(struct ethhdr, h_source, h_source, ETH_ALEN),
	FZ_F(struct ethhdr, h_proto, h_proto, 2),
	{ 0 }
};

/* What a flow type matches, per the UAPI and cls.c's documentation */
struct fz_rule_type {
	u32 flow_type;
	const struct fz_field *fields;
	size_t len;		/* flow-union bytes of the type's fields */
	u8 l3;			/* frames of this IP version only */
	u8 l4proto;		/* this protocol, with its ports parsed */
};

static const struct fz_rule_type fz_rule_types[] = {
	{ TCP_V4_FLOW, fz_tcpip4, offsetofend(struct ethtool_tcpip4_spec, tos),
	  4, IPPROTO_TCP },
	{ UDP_V4_FLOW, fz_tcpip4, offsetofend(struct ethtool_tcpip4_spec, tos),
	  4, IPPROTO_UDP },
	{ SCTP_V4_FLOW, fz_tcpip4, offsetofend(struct ethtool_tcpip4_spec, tos),
	  4, IPPROTO_SCTP },
	{ IPV4_USER_FLOW, fz_usrip4,
	  offsetofend(struct ethtool_usrip4_spec, proto), 4, 0 },
	{ TCP_V6_FLOW, fz_tcpip6,
	  offsetofend(struct ethtool_tcpip6_spec, tclass), 6, IPPROTO_TCP },
	{ UDP_V6_FLOW, fz_tcpip6,
	  offsetofend(struct ethtool_tcpip6_spec, tclass), 6, IPPROTO_UDP },
	{ SCTP_V6_FLOW, fz_tcpip6,
	  offsetofend(struct ethtool_tcpip6_spec, tclass), 6, IPPROTO_SCTP },
	{ IPV6_USER_FLOW, fz_usrip6,
	  offsetofend(struct ethtool_usrip6_spec, l4_proto), 6, 0 },
	{ ETHER_FLOW, fz_ether, offsetofend(struct ethhdr, h_proto), 0, 0 },
};

static const struct fz_rule_type *fz_rule_type(u32 flow_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fz_rule_types); i++)
		if (fz_rule_types[i].flow_type == flow_type)
			return &fz_rule_types[i];
	return NULL;
}

static bool fz_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/*
 * The classifier key of a frame the spec describes: its values where it
 * masks, zero elsewhere; the IP version and protocol the type implies.
 */
static void fz_exemplar(struct tun_rss_cls_key *k,
			const struct ethtool_rx_flow_spec *fs,
			const struct fz_rule_type *t)
{
	const struct fz_field *f;
	u8 *kb = (u8 *)k;
	size_t i;

	memset(k, 0, sizeof(*k));
	k->l3 = t->l3;
	k->l4proto = t->l4proto;
	k->l4ok = t->l3 ? 1 : 0;
	for (f = t->fields; f->len; f++)
		for (i = 0; i < f->len; i++)
			kb[f->key_off + i] = fs->h_u.hdata[f->fs_off + i] &
					     fs->m_u.hdata[f->fs_off + i];
	if (fs->flow_type & FLOW_EXT)
		k->vlan_tci = fs->h_ext.vlan_tci & fs->m_ext.vlan_tci;
	if (fs->flow_type & FLOW_MAC_EXT)
		for (i = 0; i < ETH_ALEN; i++)
			k->h_dest[i] |= fs->h_ext.h_dest[i] &
					fs->m_ext.h_dest[i];
}

/*
 * The key bit a spec mask bit compares: flow-union bit @bit of @t's
 * fields, then vlan_tci and h_dest of the extensions.  -1 when @bit is not
 * a set mask bit.
 */
static long fz_masked_key_bit(const struct ethtool_rx_flow_spec *fs,
			      const struct fz_rule_type *t, unsigned int bit)
{
	const struct fz_field *f;
	unsigned int byte = bit / 8, m = 1 << (bit % 8);

	for (f = t->fields; f->len; f++) {
		if (byte < f->len)
			return fs->m_u.hdata[f->fs_off + byte] & m ?
			       (long)(f->key_off + byte) * 8 + bit % 8 : -1;
		byte -= f->len;
	}
	if (byte < 2)
		return fs->flow_type & FLOW_EXT &&
		       ((u8 *)&fs->m_ext.vlan_tci)[byte] & m ?
		       (long)(offsetof(struct tun_rss_cls_key, vlan_tci) + byte) *
			       8 + bit % 8 : -1;
	byte -= 2;
	if (byte < ETH_ALEN)
		return fs->flow_type & FLOW_MAC_EXT &&
		       fs->m_ext.h_dest[byte] & m ?
		       (long)(offsetof(struct tun_rss_cls_key, h_dest) + byte) *
			       8 + bit % 8 : -1;
	return -1;
}

/* Bits fz_masked_key_bit() knows for @t */
static unsigned int fz_spec_bits(const struct fz_rule_type *t)
{
	const struct fz_field *f;
	unsigned int n = 2 + ETH_ALEN;

	for (f = t->fields; f->len; f++)
		n += f->len;
	return 8 * n;
}

static void fz_check_rule(const struct tun_rss_rule *r,
			  const struct ethtool_rx_flow_spec *fs, u32 rss_context,
			  u16 flip)
{
	u32 type = fs->flow_type & ~FZ_FLOW_FLAGS;
	const struct fz_rule_type *t = fz_rule_type(type);
	const u8 *kb = (const u8 *)&r->key, *mb = (const u8 *)&r->mask;
	u64 cookie = fs->ring_cookie;
	struct tun_rss_cls_key k;
	long bit;
	size_t i;

	/* The key is masked: what cls.c and the glue rely on */
	for (i = 0; i < sizeof(r->key); i++)
		FZ_CHECK(!(kb[i] & ~mb[i]), "key byte %zu %#x, mask %#x", i,
			 kb[i], mb[i]);
	FZ_CHECK(fz_zero(r->mask.pad, sizeof(r->mask.pad)), "mask on pad");
	FZ_CHECK(r->location == fs->location, "location %u for %u",
		 r->location, fs->location);

	/* Refused per the documentation, so never accepted */
	FZ_CHECK(t, "flow type %#x accepted", type);
	FZ_CHECK(fz_zero(fs->m_u.hdata + t->len, sizeof(fs->m_u.hdata) - t->len),
		 "flow type %#x: a mask past its fields accepted", type);
	if (type == IPV4_USER_FLOW)
		FZ_CHECK(fs->h_u.usr_ip4_spec.ip_ver == ETH_RX_NFC_IP4 &&
			 !fs->m_u.usr_ip4_spec.ip_ver, "ip4: ip_ver accepted");
	if (fs->flow_type & FLOW_EXT)
		FZ_CHECK(!fs->m_ext.vlan_etype && !fs->m_ext.data[0] &&
			 !fs->m_ext.data[1],
			 "FLOW_EXT: vlan_etype or user-data mask accepted");
	FZ_CHECK(cookie != RX_CLS_FLOW_WAKE, "RX_CLS_FLOW_WAKE accepted");

	/* The action the ring_cookie and FLOW_RSS say */
	if (cookie == RX_CLS_FLOW_DISC) {
		FZ_CHECK(r->action == TUN_RSS_ACT_DROP &&
			 !(fs->flow_type & FLOW_RSS), "drop rule: action %d",
			 r->action);
	} else {
		FZ_CHECK(!(cookie >> 32), "ring_cookie %#llx accepted",
			 (unsigned long long)cookie);
		FZ_CHECK(r->queue == (u32)cookie, "queue %u for ring %#llx",
			 r->queue, (unsigned long long)cookie);
		if (fs->flow_type & FLOW_RSS)
			FZ_CHECK(r->action == TUN_RSS_ACT_CTX &&
				 r->ctx == rss_context, "FLOW_RSS: action %d ctx %u",
				 r->action, r->ctx);
		else
			FZ_CHECK(r->action == TUN_RSS_ACT_QUEUE,
				 "queue rule: action %d", r->action);
	}

	/* What the type implies is compared, whatever the spec masks */
	if (t->l3)
		FZ_CHECK(r->mask.l3 == 0xff && r->key.l3 == t->l3,
			 "IPv%u rule without its l3", t->l3);
	else
		FZ_CHECK(!r->mask.l3, "ether rule matches l3");
	if (t->l4proto)
		FZ_CHECK(r->mask.l4proto == 0xff &&
			 r->key.l4proto == t->l4proto &&
			 r->mask.l4ok && r->key.l4ok,
			 "protocol %u rule without its protocol or ports",
			 t->l4proto);
	if (!(fs->flow_type & FLOW_EXT))
		FZ_CHECK(!r->mask.vlan_tci, "vlan_tci matched without FLOW_EXT");

	/*
	 * The frame the spec describes matches; changing one bit the spec
	 * masks makes it miss.
	 */
	fz_exemplar(&k, fs, t);
	FZ_CHECK(fz_key_match(&k, &r->key, &r->mask),
		 "the spec's own frame does not match the rule");
	bit = fz_masked_key_bit(fs, t, flip % fz_spec_bits(t));
	if (bit >= 0) {
		((u8 *)&k)[bit / 8] ^= 1 << (bit % 8);
		FZ_CHECK(!fz_key_match(&k, &r->key, &r->mask),
			 "key bit %ld is masked in the spec, not in the rule",
			 bit);
	}
}

static void fz_op_rule(struct fz_in *in, struct ethtool_rx_flow_spec *prev)
{
	struct ethtool_rx_flow_spec fs;
	struct tun_rss_rule r;
	const char *why = NULL;
	u32 rss_context;
	u16 flip;
	int ret;

	fz_flow_spec(in, &fs, prev);
	*prev = fs;
	rss_context = fz_u8(in);
	flip = fz_u16(in);

	ret = tun_rss_rule_from_fs(&r, &fs, rss_context, &why);
	if (ret) {
		FZ_CHECK(fz_errno(ret), "rule_from_fs returned %d", ret);
		FZ_CHECK(why && strlen(why) > 0, "refused without a reason");
		return;
	}
	fz_check_rule(&r, &fs, rss_context, flip);
}

/* ---- keys and tables ----------------------------------------------------- */

/*
 * Expanding a key costs as much as hundreds of the other operations under
 * the sanitizers: the first key of an input sets the context up, later
 * ones are hashed with it.
 */
static void fz_op_key(struct fz_in *in, bool first)
{
	static struct tun_rss_ctx ctx;
	u8 key[TUN_RSS_KEY_SIZE], len, *buf;
	unsigned int i, nqueues;
	u32 hash, want;
	u16 q;

	fz_bytes(in, key, sizeof(key));
	len = fz_u8(in);
	/* Exactly @len bytes: the hash must not look past them. */
	buf = malloc(len ? len : 1);
	FZ_CHECK(buf, "out of memory");
	fz_bytes(in, buf, len);
	nqueues = fz_u16(in);
	hash = fz_u32(in);

	if (first) {
		tun_rss_ctx_init(&ctx, key, nqueues);
		FZ_CHECK(!memcmp(ctx.key, key, sizeof(key)) && !ctx.input_xfrm,
			 "ctx_init: key or input_xfrm");
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			FZ_CHECK(nqueues ? ctx.indir[i] < nqueues : !ctx.indir[i],
				 "default indir[%u] = %u with %u queues", i,
				 ctx.indir[i], nqueues);
		for (i = 0; i < TUN_RSS_FT_NUM; i++)
			FZ_CHECK(ctx.fields[i] == tun_rss_default_fields(i) &&
				 !tun_rss_fields_valid(i, ctx.fields[i]),
				 "default fields of flow type %u", i);
	}

	/* Past TUN_RSS_MAX_INPUT, only that much is hashed. */
	want = fz_toeplitz_ref(ctx.key, buf,
			       len < TUN_RSS_MAX_INPUT ? len : TUN_RSS_MAX_INPUT);
	FZ_CHECK(tun_rss_toeplitz(&ctx.hk, buf, len) == want,
		 "toeplitz of %u bytes: %#x, reference %#x", len,
		 tun_rss_toeplitz(&ctx.hk, buf, len), want);
	free(buf);

	/* Folding: queues detached after the table was set (SPEC §2) */
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		ctx.indir[i] = (u16)(key[i % TUN_RSS_KEY_SIZE] << 8 |
				     (hash >> (i % 24)));
	q = tun_rss_ctx_queue(&ctx, hash, nqueues);
	if (nqueues)
		FZ_CHECK(q < nqueues &&
			 q == ctx.indir[hash % TUN_RSS_INDIR_SIZE] % nqueues,
			 "queue %u of %u", q, nqueues);
	else
		FZ_CHECK(!q, "queue %u without queues", q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct ethtool_rx_flow_spec prev;
	bool first_key = true;

	memset(&prev, 0, sizeof(prev));
	while (in.n) {
		switch (fz_u8(&in) % 4) {
		case FZ_OP_FIELDS:
			fz_op_fields(&in);
			break;
		case FZ_OP_FLOW_TYPE:
			fz_op_flow_type(&in);
			break;
		case FZ_OP_RULE:
			fz_op_rule(&in, &prev);
			break;
		case FZ_OP_KEY:
			fz_op_key(&in, first_key);
			first_key = false;
			break;
		}
	}
	return 0;
}
