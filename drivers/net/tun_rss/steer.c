// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS frame path: which queue a frame goes to, and the hash reported
 * with it.  Runs for every frame under rcu_read_lock(); takes no lock and
 * allocates nothing.
 */
#include <linux/if_vlan.h>
#include <linux/module.h>

#include "tun_rss.h"

/**
 * tun_rss_parse_skb() - parse the headers of an skb
 * @fl: parse result
 * @skb: frame; headers are copied to the stack when not linear
 * @l2: the frame starts with an Ethernet header (tap)
 *
 * A VLAN tag the stack keeps out of band (hardware-accelerated tag) is
 * reported as if it were in the frame.
 */
void tun_rss_parse_skb(struct tun_rss_flow *fl, const struct sk_buff *skb,
		       bool l2)
{
	unsigned int len = min_t(unsigned int, skb->len, TUN_RSS_PARSE_MAX);
	u8 buf[TUN_RSS_PARSE_MAX];
	const u8 *data;

	data = skb_header_pointer(skb, 0, len, buf);
	tun_rss_parse(fl, data ? data : buf, data ? len : 0, l2,
		      skb->protocol);
	if (skb_vlan_tag_present(skb) && !(fl->flags & TUN_RSS_F_VLAN)) {
		fl->flags |= TUN_RSS_F_VLAN;
		fl->vlan_tci = htons(skb_vlan_tag_get(skb));
	}
}

/**
 * tun_rss_select_queue() - steer a frame with RSS when configured
 * @rss: device RSS state
 * @dev: the tun device
 * @skb: the frame
 * @l2: the frame starts with an Ethernet header (tap)
 * @queue: the queue chosen, when true is returned
 *
 * The steering precedence of SPEC §3, after the (mutually exclusive)
 * steering eBPF program: RSS of context 0 when the user configured it.
 * A frame with no hash (not IP, or no fields enabled for its flow type)
 * goes to table entry 0, as hardware does.  Must be called under
 * rcu_read_lock().
 *
 * Return: false when RSS does not steer this device (use automq).
 */
bool tun_rss_select_queue(struct tun_rss *rss, struct net_device *dev,
			  struct sk_buff *skb, bool l2, u16 *queue)
{
	const struct tun_rss_ctx_rcu *c;
	struct tun_rss_flow fl;
	u16 report;
	u32 hash;

	if (!tun_rss_configured(rss, dev))
		return false;
	c = rcu_dereference(rss->ctx[0]);
	if (!c)
		return false;

	tun_rss_parse_skb(&fl, skb, l2);
	hash = tun_rss_ctx_hash(&c->ctx, &fl, &report);
	*queue = tun_rss_ctx_queue(&c->ctx, hash,
				   READ_ONCE(dev->real_num_tx_queues));
	return true;
}
EXPORT_SYMBOL_GPL(tun_rss_select_queue);

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
	u16 report = VIRTIO_NET_HASH_REPORT_NONE;
	const struct tun_rss_ctx_rcu *c;
	struct tun_rss_flow fl;
	u32 hash = 0;

	rcu_read_lock();
	c = rcu_dereference(rss->ctx[0]);
	if (c) {
		tun_rss_parse_skb(&fl, skb, l2);
		hash = tun_rss_ctx_hash(&c->ctx, &fl, &report);
	}
	rcu_read_unlock();
	tun_rss_vnet_hash_set(hdr, hash, report);
}
EXPORT_SYMBOL_GPL(tun_rss_hash_skb);
