/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tun RSS: what drivers/net/tun.c calls.
 *
 * tun.c owns the device and its queues; this library owns the RSS state
 * (contexts, and the decision which queue a frame goes to when RSS is
 * configured) and the ethtool op bodies.  Writers run under RTNL (every
 * ethtool and tun configuration path holds it); the frame path only reads
 * RCU-published, immutable contexts: no lock and no allocation per frame.
 */
#ifndef _TUN_RSS_H
#define _TUN_RSS_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "tun_rss_core.h"

/**
 * struct tun_rss_ctx_rcu - an RSS context as published to the frame path
 * @rcu: frees the context after the readers that may still see it
 * @ctx: the context; never modified once published
 */
struct tun_rss_ctx_rcu {
	struct rcu_head rcu;
	struct tun_rss_ctx ctx;
};

/* ntuple rule locations 0 .. TUN_RSS_MAX_RULES - 1 */
#define TUN_RSS_MAX_RULES	4096

struct tun_rss_rules;
struct tun_rss_cls_rcu;

/**
 * struct tun_rss - per-device RSS state, embedded in struct tun_struct
 * @ctx: contexts by ethtool context ID; @ctx[0] is created on first use
 *	(configuration, or enabling the hash report), so a tun nobody
 *	configures pays nothing
 * @user_cfg: context 0's key, hash function, transform or hash fields
 *	were set by the user; with %IFF_RXFH_CONFIGURED this selects RSS
 *	steering (SPEC §3, step 2)
 * @req: the ethtool request in progress (RTNL), see tun_rss_request_begin()
 * @req.depth: nesting of tun_rss_request_begin() (the core's gets nest)
 * @req.reset: the request reset context 0's table (``ethtool -X dev default``)
 * @req.user_cfg: @user_cfg when the request began
 * @req.fields: context 0's hash fields when the request began
 * @req.input_xfrm: context 0's input transform when the request began
 * @req.key: context 0's key when the request began
 * @default_key: the key context 0 and new contexts start with
 * @cls: flow-rule classifier, %NULL without rules
 * @rules: flow rules by location (RTNL), %NULL without rules
 * @nr_rules: rules in @rules
 * @cls_seed: randomises the classifier's bucket hash
 * @rule_drops: frames dropped by a drop rule
 * @gen: configuration generation: changes after every change the frame
 *	path can see (contexts, rules, the steering mode), see
 *	tun_rss_gen_bump()
 */
struct tun_rss {
	struct tun_rss_ctx_rcu __rcu *ctx[TUN_RSS_MAX_CONTEXTS];
	bool user_cfg;
	struct {
		unsigned int depth;
		bool reset;
		bool user_cfg;
		u32 fields[TUN_RSS_FT_NUM];
		u8 input_xfrm;
		u8 key[TUN_RSS_KEY_SIZE];
	} req;
	u8 default_key[TUN_RSS_KEY_SIZE];
	struct tun_rss_cls_rcu __rcu *cls;
	struct tun_rss_rules *rules;
	unsigned int nr_rules;
	u32 cls_seed;
	atomic64_t rule_drops;
	u32 gen;
};

/**
 * tun_rss_gen_bump() - a change the frame path can see was published
 * @rss: device RSS state (RTNL, or the device going away)
 *
 * Release: a verdict whose generation is the new one read the new objects.
 */
static inline void tun_rss_gen_bump(struct tun_rss *rss)
{
	/* Pairs with the acquire in tun_rss_steer() */
	smp_store_release(&rss->gen, rss->gen + 1);
}

/**
 * enum tun_rss_v_action - what the steering decided for a frame
 * @TUN_RSS_V_NONE: neither rules nor RSS steer it: the caller's automq
 *	(or the steering eBPF program) chooses the queue
 * @TUN_RSS_V_QUEUE: deliver to &tun_rss_verdict.queue
 * @TUN_RSS_V_DROP: a drop rule takes it (count it, SPEC §7)
 */
enum tun_rss_v_action {
	TUN_RSS_V_NONE,
	TUN_RSS_V_QUEUE,
	TUN_RSS_V_DROP,
};

/**
 * struct tun_rss_verdict - everything one steering decision gives a frame
 * @gen: the configuration generation it was computed from
 * @hash: hash value for the report
 * @report: VIRTIO_NET_HASH_REPORT_* of @hash
 * @queue: the queue, for %TUN_RSS_V_QUEUE
 * @action: &enum tun_rss_v_action
 * @has_report: @hash and @report were computed (the rxhash feature was on)
 */
struct tun_rss_verdict {
	u32 gen;
	u32 hash;
	u16 report;
	u16 queue;
	u8 action;
	bool has_report;
};

void tun_rss_init(struct tun_rss *rss);
void tun_rss_uninit(struct tun_rss *rss);
bool tun_rss_configured(const struct tun_rss *rss,
			const struct net_device *dev);
bool tun_rss_in_use(const struct tun_rss *rss, const struct net_device *dev);
int tun_rss_prepare_report(struct tun_rss *rss, struct net_device *dev);
void tun_rss_request_begin(struct tun_rss *rss, struct net_device *dev);
void tun_rss_request_end(struct tun_rss *rss, struct net_device *dev);
void tun_rss_queues_changed(struct tun_rss *rss, struct net_device *dev);

/* Frame path (RCU read side) */
void tun_rss_steer(struct tun_rss *rss, const struct net_device *dev,
		   const struct sk_buff *skb, bool l2, unsigned int nq,
		   bool steer, bool report, struct tun_rss_verdict *v);
void tun_rss_hash_frame(struct tun_rss *rss, const void *data,
			unsigned int len, bool l2, __be16 proto,
			struct virtio_net_hdr_v1_hash *hdr);
void tun_rss_vnet_hash_set(struct virtio_net_hdr_v1_hash *hdr, u32 hash,
			   u16 report);

/* ethtool op bodies (RTNL held by the ethtool core) */
u32 tun_rss_get_rxfh_key_size(struct net_device *dev);
u32 tun_rss_get_rxfh_indir_size(struct net_device *dev);
int tun_rss_get_rxfh(struct tun_rss *rss, struct net_device *dev,
		     struct ethtool_rxfh_param *rxfh);
int tun_rss_set_rxfh(struct tun_rss *rss, struct net_device *dev,
		     struct ethtool_rxfh_param *rxfh,
		     struct netlink_ext_ack *extack);
int tun_rss_get_rxfh_fields(struct tun_rss *rss, struct net_device *dev,
			    struct ethtool_rxfh_fields *fields);
int tun_rss_set_rxfh_fields(struct tun_rss *rss, struct net_device *dev,
			    const struct ethtool_rxfh_fields *fields,
			    struct netlink_ext_ack *extack);
int tun_rss_create_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ctx,
				const struct ethtool_rxfh_param *rxfh,
				struct netlink_ext_ack *extack);
int tun_rss_modify_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ctx,
				const struct ethtool_rxfh_param *rxfh,
				struct netlink_ext_ack *extack);
int tun_rss_rule_insert(struct tun_rss *rss, struct net_device *dev,
			struct ethtool_rx_flow_spec *fs, u32 rss_context,
			struct netlink_ext_ack *extack);
int tun_rss_rule_delete(struct tun_rss *rss, u32 loc,
			struct netlink_ext_ack *extack);
void tun_rss_rules_flush(struct tun_rss *rss);
int tun_rss_get_rxnfc(struct tun_rss *rss, struct ethtool_rxnfc *info,
		      u32 *rule_locs);
int tun_rss_remove_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ctx, u32 rss_context,
				struct netlink_ext_ack *extack);

/* Internal to the tun_rss module */
struct tun_rss_ctx_rcu *tun_rss_ctx_alloc(const struct tun_rss_ctx_rcu *from,
					  const u8 *key, unsigned int nqueues);
void tun_rss_ctx_publish(struct tun_rss *rss, u32 id,
			 struct tun_rss_ctx_rcu *c);
struct tun_rss_ctx_rcu *tun_rss_ctx0(struct tun_rss *rss,
				     struct net_device *dev);
void tun_rss_parse_skb(struct tun_rss_flow *fl, const struct sk_buff *skb,
		       bool l2);
void tun_rss_rules_init(struct tun_rss *rss);
void tun_rss_rules_uninit(struct tun_rss *rss);
int tun_rss_ctx_in_use(const struct tun_rss *rss, u32 ctx);
const struct tun_rss_rule *tun_rss_cls_match(const struct tun_rss_cls_rcu *c,
					     const struct tun_rss_flow *fl);
void tun_rss_steer_init(void);
void tun_rss_steer_exit(void);

#endif /* _TUN_RSS_H */
