// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS frame path: which queue a frame goes to, and the hash reported
 * with it.  Runs for every frame under rcu_read_lock(); takes no lock and
 * allocates nothing.
 */
#include <linux/if_vlan.h>
#include <linux/module.h>

#include "tun_rss.h"

/* The first TUN_RSS_PARSE_MAX bytes of @skb, copied to @buf only when its
 * headers are not linear; *@len receives how many bytes there are.
 */
static const u8 *tun_rss_skb_head(const struct sk_buff *skb, u8 *buf,
				  unsigned int *len)
{
	const u8 *data;

	*len = min_t(unsigned int, skb->len, TUN_RSS_PARSE_MAX);
	data = skb_header_pointer(skb, 0, *len, buf);
	if (!data)
		*len = 0;
	return data ?: buf;
}

/**
 * tun_rss_parse_skb() - parse the headers of an skb
 * @fl: parse result
 * @skb: frame; headers are copied to the stack when not linear
 * @l2: the frame starts with an Ethernet header (tap)
 *
 * A VLAN tag the stack keeps out of band (hardware-accelerated tag) is
 * the outermost one, and is reported as the flow's tag.
 */
void tun_rss_parse_skb(struct tun_rss_flow *fl, const struct sk_buff *skb,
		       bool l2)
{
	/* Only used for non-linear headers: don't pay for zeroing it
	 * (CONFIG_INIT_STACK_ALL_ZERO) on every frame.
	 */
	u8 buf[TUN_RSS_PARSE_MAX] __uninitialized;
	unsigned int len;
	const u8 *data;

	data = tun_rss_skb_head(skb, buf, &len);
	tun_rss_parse(fl, data, len, l2, skb->protocol);
	if (skb_vlan_tag_present(skb)) {
		/* The stack keeps the outermost tag out of band; any tag
		 * in the frame is an inner one.
		 */
		fl->flags |= TUN_RSS_F_VLAN;
		fl->vlan_tci = htons(skb_vlan_tag_get(skb));
	}
}

/**
 * tun_rss_select_queue() - steer a frame with flow rules and RSS
 * @rss: device RSS state
 * @dev: the tun device
 * @skb: the frame
 * @l2: the frame starts with an Ethernet header (tap)
 * @queue: the queue chosen, when true is returned
 *
 * The steering precedence of SPEC §3, after the (mutually exclusive)
 * steering eBPF program: the lowest-location matching flow rule (a queue,
 * a context plus a queue offset, or drop), else RSS of context 0 when the
 * user configured it.  A frame with no hash (not IP, or no fields enabled
 * for its flow type) goes to table entry 0, as hardware does.  A queue
 * past the attached ones folds modulo their number (SPEC §2).  Dropping
 * is left to tun_rss_xmit_drop(): ndo_select_queue() cannot drop.  Must
 * be called under rcu_read_lock().
 *
 * Return: false when neither rules nor RSS steer the frame (use automq).
 */
bool tun_rss_select_queue(struct tun_rss *rss, struct net_device *dev,
			  struct sk_buff *skb, bool l2, u16 *queue)
{
	unsigned int nq = READ_ONCE(dev->real_num_tx_queues);
	bool rss_on = tun_rss_configured(rss, dev);
	const struct tun_rss_ctx_rcu *c = NULL;
	const struct tun_rss_rule *rule;
	struct tun_rss_flow fl;
	u32 hash, offset = 0;
	u16 report;

	if (!rss_on && !tun_rss_has_rules(rss))
		return false;

	tun_rss_parse_skb(&fl, skb, l2);
	rule = tun_rss_cls_match(rss, &fl);
	if (rule) {
		switch (rule->action) {
		case TUN_RSS_ACT_QUEUE:
			*queue = nq ? rule->queue % nq : 0;
			return true;
		case TUN_RSS_ACT_DROP:
			*queue = 0;
			return true;
		case TUN_RSS_ACT_CTX:
			c = rcu_dereference(rss->ctx[rule->ctx]);
			offset = rule->queue;
			break;
		}
	} else if (rss_on) {
		c = rcu_dereference(rss->ctx[0]);
	}
	if (!c || !nq)
		return false;

	hash = tun_rss_ctx_hash(&c->ctx, &fl, &report);
	*queue = (tun_rss_ctx_queue(&c->ctx, hash, nq) + offset) % nq;
	return true;
}
EXPORT_SYMBOL_GPL(tun_rss_select_queue);

/**
 * tun_rss_xmit_drop() - whether a drop rule takes this frame
 * @rss: device RSS state
 * @skb: the frame, its queue already chosen
 * @l2: the frame starts with an Ethernet header (tap)
 *
 * Only parses when some rule drops.  A dropped frame is counted in
 * @rss->rule_drops (and by the caller as a transmit drop), never lost
 * silently (SPEC §7).  Must be called under rcu_read_lock().
 *
 * Return: true when the frame must be dropped.
 */
bool tun_rss_xmit_drop(struct tun_rss *rss, const struct sk_buff *skb,
		       bool l2)
{
	const struct tun_rss_rule *rule;
	struct tun_rss_flow fl;

	if (!tun_rss_has_drop_rules(rss))
		return false;
	tun_rss_parse_skb(&fl, skb, l2);
	rule = tun_rss_cls_match(rss, &fl);
	if (!rule || rule->action != TUN_RSS_ACT_DROP)
		return false;
	atomic64_inc(&rss->rule_drops);
	return true;
}
EXPORT_SYMBOL_GPL(tun_rss_xmit_drop);

/**
 * tun_rss_vnet_hash_set() - write the hash report into a vnet header
 * @hdr: header being built for userspace
 * @hash: Toeplitz hash value
 * @report: VIRTIO_NET_HASH_REPORT_* type
 *
 * The one place that knows the layout of the hash fields (later kernels
 * split hash_value into two le16 halves; only this changes then).
 */
void tun_rss_vnet_hash_set(struct virtio_net_hdr_v1_hash *hdr, u32 hash,
			   u16 report)
{
	hdr->hash_value = cpu_to_le32(hash);
	hdr->hash_report = cpu_to_le16(report);
	hdr->padding = 0;
}
EXPORT_SYMBOL_GPL(tun_rss_vnet_hash_set);

/**
 * tun_rss_hash_frame() - hash report for a frame in a flat buffer
 * @rss: device RSS state
 * @data: frame (an XDP frame, or a header copy)
 * @len: bytes at @data
 * @l2: @data starts with an Ethernet header
 * @proto: ethertype when !@l2
 * @hdr: receives hash_value and hash_report
 *
 * Hashes with context 0's key and fields, whatever steered the frame, so
 * the value is the same under RSS and automq (SPEC §5).
 */
void tun_rss_hash_frame(struct tun_rss *rss, const void *data,
			unsigned int len, bool l2, __be16 proto,
			struct virtio_net_hdr_v1_hash *hdr)
{
	u16 report = VIRTIO_NET_HASH_REPORT_NONE;
	const struct tun_rss_ctx_rcu *c;
	struct tun_rss_flow fl;
	u32 hash = 0;

	rcu_read_lock();
	c = rcu_dereference(rss->ctx[0]);
	if (c) {
		tun_rss_parse(&fl, data, min_t(unsigned int, len,
					       TUN_RSS_PARSE_MAX), l2, proto);
		hash = tun_rss_ctx_hash(&c->ctx, &fl, &report);
	}
	rcu_read_unlock();
	tun_rss_vnet_hash_set(hdr, hash, report);
}
EXPORT_SYMBOL_GPL(tun_rss_hash_frame);

/**
 * tun_rss_hash_skb() - hash report for an skb
 * @rss: device RSS state
 * @skb: the frame
 * @l2: the frame starts with an Ethernet header (tap)
 * @hdr: receives hash_value and hash_report
 *
 * As tun_rss_hash_frame(), for frames queued as skbs.
 */
void tun_rss_hash_skb(struct tun_rss *rss, const struct sk_buff *skb,
		      bool l2, struct virtio_net_hdr_v1_hash *hdr)
{
	u8 buf[TUN_RSS_PARSE_MAX] __uninitialized;
	unsigned int len;
	const u8 *data;

	/* An out-of-band VLAN tag does not take part in the hash */
	data = tun_rss_skb_head(skb, buf, &len);
	tun_rss_hash_frame(rss, data, len, l2, skb->protocol, hdr);
}
EXPORT_SYMBOL_GPL(tun_rss_hash_skb);
