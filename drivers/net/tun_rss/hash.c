// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS engine: per-context hash and indirection.
 *
 * What is hashed and which hash type is reported follow the virtio spec
 * ("Hash calculation for incoming packets"), with the virtio hash types
 * selected per ethtool flow type by the context's fields (SPEC §4, §5).
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/in.h>
#include <linux/string.h>

#include "tun_rss_core.h"

#define TUN_RSS_FIELDS_L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)

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

/**
 * tun_rss_fields_valid() - check hash fields for a flow type
 * @ft: the flow type
 * @fields: RXH_* bits
 *
 * Every flow type accepts no fields (no hash) or %TUN_RSS_FIELDS_SD; TCP
 * and UDP also accept %TUN_RSS_FIELDS_SDFN.  Anything else has no virtio
 * hash type to report.
 *
 * Return: 0 if @fields can be set for @ft, else -EINVAL.
 */
int tun_rss_fields_valid(enum tun_rss_ft ft, u64 fields)
{
	if ((unsigned int)ft >= TUN_RSS_FT_NUM)
		return -EINVAL;
	if (!fields || fields == TUN_RSS_FIELDS_SD)
		return 0;
	if (fields == TUN_RSS_FIELDS_SDFN && tun_rss_ft_has_ports(ft))
		return 0;
	return -EINVAL;
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

/**
 * tun_rss_ctx_hash() - hash a parsed frame with a context
 * @ctx: the context
 * @fl: the parsed frame
 * @report: set to the VIRTIO_NET_HASH_REPORT_* type of the hash
 *
 * The input is the source and destination addresses, followed by the
 * source and destination ports when the flow type's fields include them
 * and the frame has them (a TCP header truncated before its ports hashes
 * as IP); all in network byte order, as virtio specifies.  The _EX hash
 * types are never reported.
 *
 * Return: the hash, or 0 with %VIRTIO_NET_HASH_REPORT_NONE when the frame
 * is not IP or its flow type has no fields: such frames are steered by
 * indirection table entry 0 (SPEC §4).
 */
u32 tun_rss_ctx_hash(const struct tun_rss_ctx *ctx,
		     const struct tun_rss_flow *fl, u16 *report)
{
	unsigned int alen, plen = 0;
	u8 in[TUN_RSS_MAX_INPUT];
	enum tun_rss_ft ft;
	bool v6;

	*report = VIRTIO_NET_HASH_REPORT_NONE;
	if (!(fl->flags & TUN_RSS_F_IP))
		return 0;

	ft = tun_rss_flow_ft(fl);
	if ((ctx->fields[ft] & TUN_RSS_FIELDS_SD) != TUN_RSS_FIELDS_SD)
		return 0;

	v6 = fl->l3 == 6;
	alen = v6 ? sizeof(fl->saddr) : sizeof(fl->saddr[0]);
	memcpy(in, fl->saddr, alen);
	memcpy(in + alen, fl->daddr, alen);

	if ((ctx->fields[ft] & TUN_RSS_FIELDS_L4) == TUN_RSS_FIELDS_L4 &&
	    tun_rss_ft_has_ports(ft) && (fl->flags & TUN_RSS_F_L4)) {
		plen = sizeof(fl->sport);
		memcpy(in + 2 * alen, &fl->sport, plen);
		memcpy(in + 2 * alen + plen, &fl->dport, plen);
	}

	if (ctx->input_xfrm & RXH_XFRM_SYM_XOR) {
		tun_rss_sym_xor(in, in + alen, alen);
		tun_rss_sym_xor(in + 2 * alen, in + 2 * alen + plen, plen);
	}

	if (!plen)
		*report = v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
			       VIRTIO_NET_HASH_REPORT_IPv4;
	else if (fl->l4proto == IPPROTO_TCP)
		*report = v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
			       VIRTIO_NET_HASH_REPORT_TCPv4;
	else
		*report = v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
			       VIRTIO_NET_HASH_REPORT_UDPv4;

	return tun_rss_toeplitz(&ctx->hk, in, 2 * alen + 2 * plen);
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
