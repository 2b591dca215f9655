// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS frame path: which queue a frame goes to, and the hash reported
 * with it.  Runs for every frame under rcu_read_lock(); takes no lock and
 * allocates nothing.
 */
#include <linux/debugfs.h>
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

#if IS_ENABLED(CONFIG_TUN_RSS_KUNIT_TEST)
/* Frames parsed by the steering, for the tests that show each frame is
 * parsed at most once on the transmit path (debugfs tun_rss/parses).
 * Test kernels only: a production build pays nothing for it.
 */
static DEFINE_PER_CPU(unsigned long, tun_rss_parses);
static struct dentry *tun_rss_debugfs;

static int tun_rss_parses_get(void *data, u64 *val)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(tun_rss_parses, cpu);
	*val = n;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tun_rss_parses_fops, tun_rss_parses_get, NULL,
			 "%llu\n");

static void tun_rss_count_parse(void)
{
	this_cpu_inc(tun_rss_parses);
}

/**
 * tun_rss_steer_init() - module init of the frame path (its test counter)
 */
void __init tun_rss_steer_init(void)
{
	tun_rss_debugfs = debugfs_create_dir("tun_rss", NULL);
	debugfs_create_file_unsafe("parses", 0444, tun_rss_debugfs, NULL,
				   &tun_rss_parses_fops);
}

/**
 * tun_rss_steer_exit() - module exit of the frame path
 */
void tun_rss_steer_exit(void)
{
	debugfs_remove_recursive(tun_rss_debugfs);
}
#else
static void tun_rss_count_parse(void)
{
}

void __init tun_rss_steer_init(void)
{
}

void tun_rss_steer_exit(void)
{
}
#endif

/**
 * tun_rss_steer() - the one steering decision of a frame: rules, RSS, report
 * @rss: device RSS state
 * @dev: the tun device
 * @skb: the frame
 * @l2: the frame starts with an Ethernet header (tap)
 * @nq: queues attached, read once by the caller (tun's numqueues, the
 *	count automq uses, which __tun_detach() lowers before the slot goes)
 * @steer: rules and RSS may steer (false when a steering eBPF program
 *	does, SPEC §3: then only the report is computed)
 * @report: compute the hash report (the rxhash feature is on)
 * @v: the verdict
 *
 * Parses the frame at most once, and only when rules, RSS or the report
 * need it.  Then: the lowest-location matching flow rule (a queue, a
 * context plus a queue offset, or drop), else RSS of context 0 when the
 * user configured it (SPEC §3).  A frame with no hash (not IP, or no
 * fields enabled for its flow type) goes to table entry 0, as hardware
 * does; a queue past the attached ones folds modulo @nq (SPEC §2).  The
 * report hashes with context 0's key and fields whatever steered the frame
 * (SPEC §5); under RSS of context 0 it is the hash the queue came from.
 * Everything comes from one read of each RCU-published object, so the
 * queue, the drop and the report of a frame never mix two configurations.
 * Must be called under rcu_read_lock().
 */
void tun_rss_steer(struct tun_rss *rss, const struct net_device *dev,
		   const struct sk_buff *skb, bool l2, unsigned int nq,
		   bool steer, bool report, struct tun_rss_verdict *v)
{
	const struct tun_rss_ctx_rcu *c0 = NULL, *c = NULL;
	const struct tun_rss_rule *rule = NULL;
	const struct tun_rss_cls_rcu *cls;
	struct tun_rss_flow fl;
	bool rss_on = false;
	u32 hash, offset = 0;
	u16 type;

	/* Pairs with the release in tun_rss_gen_bump(): a verdict never
	 * claims a generation newer than the objects it read.
	 */
	v->gen = smp_load_acquire(&rss->gen);
	v->action = TUN_RSS_V_NONE;
	v->queue = 0;
	v->hash = 0;
	v->report = VIRTIO_NET_HASH_REPORT_NONE;
	v->has_report = false;

	cls = steer ? rcu_dereference(rss->cls) : NULL;
	if (steer)
		rss_on = READ_ONCE(rss->user_cfg) ||
			 netif_is_rxfh_configured(dev);
	if (rss_on || report)
		c0 = rcu_dereference(rss->ctx[0]);
	if (!cls && !(rss_on && c0) && !(report && c0))
		return;

	tun_rss_parse_skb(&fl, skb, l2);
	tun_rss_count_parse();
	if (cls)
		rule = tun_rss_cls_match(cls, &fl);
	if (rule) {
		switch (rule->action) {
		case TUN_RSS_ACT_QUEUE:
			v->action = TUN_RSS_V_QUEUE;
			v->queue = nq ? rule->queue % nq : 0;
			break;
		case TUN_RSS_ACT_DROP:
			v->action = TUN_RSS_V_DROP;
			break;
		case TUN_RSS_ACT_CTX:
			c = rule->ctx ? rcu_dereference(rss->ctx[rule->ctx]) :
			    rcu_dereference(rss->ctx[0]);
			if (!rule->ctx)
				c0 = c;
			offset = rule->queue;
			break;
		}
	} else if (rss_on) {
		c = c0;
	}

	if (c && nq) {
		hash = tun_rss_ctx_hash(&c->ctx, &fl, &type);
		v->action = TUN_RSS_V_QUEUE;
		v->queue = (tun_rss_ctx_queue(&c->ctx, hash, nq) + offset) % nq;
		if (c == c0) {
			v->hash = hash;
			v->report = type;
			v->has_report = report;
		}
	}
	if (report && !v->has_report) {
		if (c0) {
			v->hash = tun_rss_ctx_hash(&c0->ctx, &fl, &type);
			v->report = type;
		}
		v->has_report = true;
	}
}
EXPORT_SYMBOL_GPL(tun_rss_steer);

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
