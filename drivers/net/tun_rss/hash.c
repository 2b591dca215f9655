// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS engine: per-context hash and indirection.
 *
 * What is hashed and which hash type is reported follow the virtio spec
 * ("Hash calculation for incoming packets"), with the virtio hash types
 * selected per ethtool flow type by the context's fields (SPEC §4, §5).
 * Any other set of the fields a flow type carries is hashed as well, in
 * the same order, and reported as no virtio hash type (tun_rss_ctx_hash()).
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/in.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "tun_rss_core.h"

#define TUN_RSS_FIELDS_L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)
/* Fields every IP flow type carries */
#define TUN_RSS_FIELDS_IP	(RXH_L2DA | RXH_VLAN | RXH_L3_PROTO | \
				 TUN_RSS_FIELDS_SD)

/* Only TCP and UDP have a virtio hash type that covers the ports. */
static bool tun_rss_ft_has_ports(enum tun_rss_ft ft)
{
	switch (ft) {
	case TUN_RSS_FT_TCP4:
	case TUN_RSS_FT_UDP4:
	case TUN_RSS_FT_TCP6:
	case TUN_RSS_FT_UDP6:
		return true;
	default:
		return false;
	}
}

/**
 * tun_rss_flow_type_to_ft() - tun flow type of an ethtool flow type
 * @flow_type: ethtool flow type (%TCP_V4_FLOW ...), flags allowed
 *
 * Return: the &enum tun_rss_ft, or -EINVAL for a flow type that has no
 * hash fields of its own in tun.
 */
int tun_rss_flow_type_to_ft(u32 flow_type)
{
	switch (flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)) {
	case TCP_V4_FLOW:
		return TUN_RSS_FT_TCP4;
	case UDP_V4_FLOW:
		return TUN_RSS_FT_UDP4;
	case SCTP_V4_FLOW:
		return TUN_RSS_FT_SCTP4;
	case AH_ESP_V4_FLOW:
	case AH_V4_FLOW:
	case ESP_V4_FLOW:
		return TUN_RSS_FT_AH_ESP4;
	case IPV4_FLOW:
		return TUN_RSS_FT_IP4;
	case TCP_V6_FLOW:
		return TUN_RSS_FT_TCP6;
	case UDP_V6_FLOW:
		return TUN_RSS_FT_UDP6;
	case SCTP_V6_FLOW:
		return TUN_RSS_FT_SCTP6;
	case AH_ESP_V6_FLOW:
	case AH_V6_FLOW:
	case ESP_V6_FLOW:
		return TUN_RSS_FT_AH_ESP6;
	case IPV6_FLOW:
		return TUN_RSS_FT_IP6;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(tun_rss_flow_type_to_ft);

/* The RXH_* fields a frame of flow type @ft carries */
static u32 tun_rss_ft_fields(enum tun_rss_ft ft)
{
	switch (ft) {
	case TUN_RSS_FT_IP4:
		return TUN_RSS_FIELDS_IP;
	case TUN_RSS_FT_IP6:
		return TUN_RSS_FIELDS_IP | RXH_IP6_FL;
	case TUN_RSS_FT_TCP6:
	case TUN_RSS_FT_UDP6:
	case TUN_RSS_FT_SCTP6:
	case TUN_RSS_FT_AH_ESP6:
		return TUN_RSS_FIELDS_IP | TUN_RSS_FIELDS_L4 | RXH_IP6_FL;
	default:
		return TUN_RSS_FIELDS_IP | TUN_RSS_FIELDS_L4;
	}
}

/**
 * tun_rss_fields_valid() - check hash fields for a flow type
 * @ft: the flow type
 * @fields: RXH_* bits
 *
 * A flow type accepts any subset of the fields its frames carry: the
 * destination MAC, the VLAN ID, the L3 protocol, the IP source and
 * destination, the IPv6 flow label for IPv6, and the L4 bytes 0-1 and 2-3
 * (ports; the SPI for AH and ESP) for the flow types with an L4 header.
 * Not %RXH_GTP_TEID nor %RXH_DISCARD.
 *
 * Return: 0 if @fields can be set for @ft, else -EINVAL.
 */
int tun_rss_fields_valid(enum tun_rss_ft ft, u64 fields)
{
	if ((unsigned int)ft >= TUN_RSS_FT_NUM)
		return -EINVAL;
	if (fields & ~(u64)tun_rss_ft_fields(ft))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_fields_valid);

/**
 * tun_rss_ctx_set_key() - set and expand a context's key
 * @ctx: the context, not yet published
 * @key: %TUN_RSS_KEY_SIZE bytes
 */
void tun_rss_ctx_set_key(struct tun_rss_ctx *ctx, const u8 *key)
{
	memcpy(ctx->key, key, sizeof(ctx->key));
	tun_rss_hkey_expand(&ctx->hk, ctx->key);
}
EXPORT_SYMBOL_GPL(tun_rss_ctx_set_key);

/**
 * tun_rss_default_fields() - the hash fields a flow type starts with
 * @ft: flow type
 *
 * Return: ports and addresses for TCP and UDP, addresses otherwise
 * (SPEC §4).
 */
u32 tun_rss_default_fields(enum tun_rss_ft ft)
{
	return tun_rss_ft_has_ports(ft) ? TUN_RSS_FIELDS_SDFN :
					  TUN_RSS_FIELDS_SD;
}
EXPORT_SYMBOL_GPL(tun_rss_default_fields);

/**
 * tun_rss_ctx_init() - initialise a context to the defaults
 * @ctx: the context, not yet published
 * @key: %TUN_RSS_KEY_SIZE bytes
 * @nqueues: queues to spread the default indirection table over
 *
 * The defaults are those of SPEC §4: ports and addresses for TCP and UDP,
 * addresses for everything else, no input transform, and the table spread
 * evenly (entry i is queue i % @nqueues, or 0 without queues).
 */
void tun_rss_ctx_init(struct tun_rss_ctx *ctx, const u8 *key,
		      unsigned int nqueues)
{
	unsigned int i;

	for (i = 0; i < TUN_RSS_FT_NUM; i++)
		ctx->fields[i] = tun_rss_default_fields(i);
	ctx->input_xfrm = 0;
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		ctx->indir[i] = nqueues ? i % nqueues : 0;
	tun_rss_ctx_set_key(ctx, key);
}
EXPORT_SYMBOL_GPL(tun_rss_ctx_init);

/* The ethtool flow type whose fields apply to a parsed IP frame. */
static enum tun_rss_ft tun_rss_flow_ft(const struct tun_rss_flow *fl)
{
	bool v6 = fl->l3 == 6;

	/* ethtool hashes every fragment with the ip4/ip6 fields. */
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

/* Symmetric-XOR (Documentation/networking/scaling.rst): (s^d, s^d). */
static void tun_rss_sym_xor(u8 *src, u8 *dst, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		src[i] ^= dst[i];
		dst[i] = src[i];
	}
}

/* The virtio hash type of a hashed field set, NONE when it has none */
static u16 tun_rss_report_type(const struct tun_rss_flow *fl, u32 fields)
{
	bool v6 = fl->l3 == 6;

	if (fields == TUN_RSS_FIELDS_SD)
		return v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
			    VIRTIO_NET_HASH_REPORT_IPv4;
	if (fields != TUN_RSS_FIELDS_SDFN)
		return VIRTIO_NET_HASH_REPORT_NONE;
	if (fl->l4proto == IPPROTO_TCP)
		return v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
			    VIRTIO_NET_HASH_REPORT_TCPv4;
	if (fl->l4proto == IPPROTO_UDP)
		return v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
			    VIRTIO_NET_HASH_REPORT_UDPv4;
	return VIRTIO_NET_HASH_REPORT_NONE;
}

/* Append @len bytes of field @bit to the input when @fields has it */
static unsigned int tun_rss_put(u8 *in, unsigned int n, u32 fields, u32 bit,
				const void *val, unsigned int len)
{
	if (!(fields & bit))
		return n;
	memcpy(in + n, val, len);
	return n + len;
}

/**
 * tun_rss_ctx_hash() - hash a parsed frame with a context
 * @ctx: the context
 * @fl: the parsed frame
 * @report: set to the VIRTIO_NET_HASH_REPORT_* type of the hash
 *
 * The input is the concatenation, in this order and in network byte
 * order, of the fields of the frame's flow type the context selects:
 * source address, destination address (4 or 16 bytes each), L4 bytes 0-1
 * and L4 bytes 2-3 (the ports; for AH and ESP the SPI), destination MAC
 * (6 bytes; zero on a tun device), VLAN ID of the outermost tag (2 bytes,
 * the 12-bit VID; zero when untagged), L3 protocol (1 byte, the IP
 * protocol number after IPv6 extension headers) and, for IPv6, the flow
 * label (3 bytes, 20 bits).  The first four are Microsoft's order, so the
 * sets virtio names hash as virtio specifies.  The L4 bytes are left out
 * of a frame that does not have them (a fragment hashes with the ip4/ip6
 * fields; a TCP header truncated before its ports hashes without them).
 * A symmetric transform XORs the addresses together and the ports
 * together, when the set holds both of a pair.
 *
 * The hash type reported is the virtio type of the set hashed: IPv4/IPv6
 * for source and destination addresses, TCPv4/6 or UDPv4/6 for those and
 * both ports of a TCP or UDP frame.  Any other set is reported as
 * %VIRTIO_NET_HASH_REPORT_NONE, with the hash still returned (and
 * steering by it): a guest gets no hash type it could mistake for a
 * virtio one.  The _EX hash types are never reported.
 *
 * Return: the hash, or 0 with %VIRTIO_NET_HASH_REPORT_NONE when the frame
 * is not IP or its flow type has no fields: such frames are steered by
 * indirection table entry 0 (SPEC §4).
 */
u32 tun_rss_ctx_hash(const struct tun_rss_ctx *ctx,
		     const struct tun_rss_flow *fl, u16 *report)
{
	u8 in[TUN_RSS_MAX_INPUT];
	unsigned int alen, n;
	enum tun_rss_ft ft;
	__be16 l4[2], vid;
	u32 fields;

	*report = VIRTIO_NET_HASH_REPORT_NONE;
	if (!(fl->flags & TUN_RSS_F_IP))
		return 0;

	ft = tun_rss_flow_ft(fl);
	fields = ctx->fields[ft];
	if (!fields)
		return 0;
	if (!(fl->flags & TUN_RSS_F_L4))
		fields &= ~TUN_RSS_FIELDS_L4;

	alen = fl->l3 == 6 ? sizeof(fl->saddr) : sizeof(fl->saddr[0]);
	n = tun_rss_put(in, 0, fields, RXH_IP_SRC, fl->saddr, alen);
	n = tun_rss_put(in, n, fields, RXH_IP_DST, fl->daddr, alen);
	if (ft == TUN_RSS_FT_AH_ESP4 || ft == TUN_RSS_FT_AH_ESP6) {
		l4[0] = ((const __be16 *)&fl->l4_4bytes)[0];
		l4[1] = ((const __be16 *)&fl->l4_4bytes)[1];
	} else {
		l4[0] = fl->sport;
		l4[1] = fl->dport;
	}
	n = tun_rss_put(in, n, fields, RXH_L4_B_0_1, &l4[0], sizeof(l4[0]));
	n = tun_rss_put(in, n, fields, RXH_L4_B_2_3, &l4[1], sizeof(l4[1]));

	if (ctx->input_xfrm & RXH_XFRM_SYM_XOR) {
		/* The core allows it with both or neither of each pair */
		if ((fields & TUN_RSS_FIELDS_SD) == TUN_RSS_FIELDS_SD)
			tun_rss_sym_xor(in, in + alen, alen);
		if ((fields & TUN_RSS_FIELDS_L4) == TUN_RSS_FIELDS_L4)
			tun_rss_sym_xor(in + n - 4, in + n - 2, 2);
	}

	vid = (fl->flags & TUN_RSS_F_VLAN) ? fl->vlan_tci & htons(0x0fff) :
						  0;
	n = tun_rss_put(in, n, fields, RXH_L2DA, fl->h_dest,
			sizeof(fl->h_dest));
	n = tun_rss_put(in, n, fields, RXH_VLAN, &vid, sizeof(vid));
	n = tun_rss_put(in, n, fields, RXH_L3_PROTO, &fl->l4proto, 1);
	if (fl->l3 == 6)
		n = tun_rss_put(in, n, fields, RXH_IP6_FL, fl->flow_lbl, 3);

	*report = tun_rss_report_type(fl, fields);
	return tun_rss_toeplitz(&ctx->hk, in, n);
}
EXPORT_SYMBOL_GPL(tun_rss_ctx_hash);

/**
 * tun_rss_ctx_queue() - queue for a hash
 * @ctx: the context
 * @hash: the frame's hash (0 when it has none)
 * @nqueues: queues attached now
 *
 * Entries were validated against the queue count when the table was set;
 * queues detached since then are folded over the remaining ones (SPEC §2),
 * so the result is always below @nqueues.
 *
 * Return: the queue index, 0 when there are no queues.
 */
u16 tun_rss_ctx_queue(const struct tun_rss_ctx *ctx, u32 hash,
		      unsigned int nqueues)
{
	u16 q = ctx->indir[hash % TUN_RSS_INDIR_SIZE];

	if (!nqueues)
		return 0;
	if (q >= nqueues)
		q %= nqueues;
	return q;
}
EXPORT_SYMBOL_GPL(tun_rss_ctx_queue);
