// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS configuration: contexts are built aside, then published with
 * RCU.  A published context is never written again; a change builds a
 * copy, swaps the pointer and frees the old one after a grace period.
 * Every writer holds RTNL.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "tun_rss.h"

/**
 * tun_rss_init() - initialise the RSS state of a new tun device
 * @rss: state embedded in the device
 *
 * Allocates nothing: context 0 is created on first use.
 */
void tun_rss_init(struct tun_rss *rss)
{
	memset(rss, 0, sizeof(*rss));
	netdev_rss_key_fill(rss->default_key, sizeof(rss->default_key));
	tun_rss_rules_init(rss);
}
EXPORT_SYMBOL_GPL(tun_rss_init);

/**
 * tun_rss_uninit() - release every context of a device going away
 * @rss: state embedded in the device
 *
 * Context 1 and up were normally removed already by the ethtool core when
 * the device unregistered; this frees whatever remains.  Readers may still
 * hold a context, so the memory goes after a grace period.
 */
void tun_rss_uninit(struct tun_rss *rss)
{
	struct tun_rss_ctx_rcu *c;
	int i;

	tun_rss_rules_uninit(rss);
	for (i = 0; i < TUN_RSS_MAX_CONTEXTS; i++) {
		c = rcu_replace_pointer(rss->ctx[i], NULL, true);
		if (c)
			kvfree_rcu(c, rcu);
	}
}
EXPORT_SYMBOL_GPL(tun_rss_uninit);

/**
 * tun_rss_ctx_alloc() - build a context aside, before publishing it
 * @from: context to copy, or %NULL to start from the defaults
 * @key: key for a context started from the defaults
 * @nqueues: queue count for a default indirection table
 *
 * Return: the new context, or %NULL when out of memory.
 */
struct tun_rss_ctx_rcu *tun_rss_ctx_alloc(const struct tun_rss_ctx_rcu *from,
					  const u8 *key, unsigned int nqueues)
{
	struct tun_rss_ctx_rcu *c;

	c = kvmalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	if (from)
		memcpy(&c->ctx, &from->ctx, sizeof(c->ctx));
	else
		tun_rss_ctx_init(&c->ctx, key, nqueues);
	return c;
}

/**
 * tun_rss_ctx_publish() - make a context built aside visible to frames
 * @rss: device RSS state
 * @id: context ID
 * @c: the new context, or %NULL to remove context @id
 */
void tun_rss_ctx_publish(struct tun_rss *rss, u32 id,
			 struct tun_rss_ctx_rcu *c)
{
	struct tun_rss_ctx_rcu *old;

	old = rcu_replace_pointer_rtnl(rss->ctx[id], c);
	if (old)
		kvfree_rcu(old, rcu);
}

/**
 * tun_rss_ctx0() - context 0, created with the defaults on first use
 * @rss: device RSS state
 * @dev: the tun device
 *
 * Return: context 0, or %NULL when out of memory.
 */
struct tun_rss_ctx_rcu *tun_rss_ctx0(struct tun_rss *rss,
				     struct net_device *dev)
{
	struct tun_rss_ctx_rcu *c = rtnl_dereference(rss->ctx[0]);

	if (c)
		return c;
	c = tun_rss_ctx_alloc(NULL, rss->default_key, dev->real_num_rx_queues);
	if (c)
		tun_rss_ctx_publish(rss, 0, c);
	return c;
}

/**
 * tun_rss_configured() - whether RSS of context 0 steers frames
 * @rss: device RSS state
 * @dev: the tun device
 *
 * SPEC §3 step 2: the user configured context 0, through its indirection
 * table (the core's %IFF_RXFH_CONFIGURED) or its key, hash function,
 * transform or hash fields.  ``ethtool -X dev default`` clears both and
 * returns the device to automq.
 *
 * Return: true when context 0 steers.
 */
bool tun_rss_configured(const struct tun_rss *rss,
			const struct net_device *dev)
{
	return READ_ONCE(rss->user_cfg) || netif_is_rxfh_configured(dev);
}
EXPORT_SYMBOL_GPL(tun_rss_configured);

/**
 * tun_rss_in_use() - whether RSS, its contexts or flow rules are set up
 * @rss: device RSS state
 * @dev: the tun device
 *
 * A steering eBPF program may not be attached then (SPEC §3).
 *
 * Return: true when context 0 steers, a flow rule or another context
 * exists.
 */
bool tun_rss_in_use(const struct tun_rss *rss, const struct net_device *dev)
{
	int i;

	if (tun_rss_configured(rss, dev) || rss->nr_rules)
		return true;
	for (i = 1; i < TUN_RSS_MAX_CONTEXTS; i++)
		if (rcu_access_pointer(rss->ctx[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(tun_rss_in_use);

/**
 * tun_rss_prepare_report() - make sure the hash report has a context 0
 * @rss: device RSS state
 * @dev: the tun device
 *
 * Called when the rxhash feature is turned on: the report hashes with
 * context 0's key and fields whether or not RSS steers (SPEC §5).
 *
 * Return: 0, or -ENOMEM.
 */
int tun_rss_prepare_report(struct tun_rss *rss, struct net_device *dev)
{
	return tun_rss_ctx0(rss, dev) ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_GPL(tun_rss_prepare_report);

/* Context 0's settings that select RSS steering once changed (SPEC §3) */
static void tun_rss_req_snapshot(const struct tun_rss *rss, u32 *fields,
				 u8 *input_xfrm, u8 *key)
{
	const struct tun_rss_ctx_rcu *c = rtnl_dereference(rss->ctx[0]);
	int i;

	for (i = 0; i < TUN_RSS_FT_NUM; i++)
		fields[i] = c ? c->ctx.fields[i] : tun_rss_default_fields(i);
	*input_xfrm = c ? c->ctx.input_xfrm : 0;
	memcpy(key, c ? c->ctx.key : rss->default_key, TUN_RSS_KEY_SIZE);
}

/**
 * tun_rss_request_begin() - ethtool begin: a request may change RSS
 * @rss: device RSS state
 * @dev: the tun device
 *
 * The ethtool core calls begin and complete around every request, with
 * RTNL held throughout.  A request the core refuses after it applied
 * part of it (hash fields are set one flow type at a time) is undone
 * through the same ops; the values come back, but setting them would
 * still mark context 0 user-configured.  Remember what steering depends
 * on here, so that tun_rss_request_end() can tell.  The core's own
 * reads nest inside a request (RSS_SET reads the state it changes): the
 * outermost pair counts.
 */
void tun_rss_request_begin(struct tun_rss *rss, struct net_device *dev)
{
	ASSERT_RTNL();
	if (rss->req.depth++)
		return;
	rss->req.reset = false;
	rss->req.user_cfg = rss->user_cfg;
	tun_rss_req_snapshot(rss, rss->req.fields, &rss->req.input_xfrm,
			     rss->req.key);
}
EXPORT_SYMBOL_GPL(tun_rss_request_begin);

/**
 * tun_rss_request_end() - ethtool complete: settle the steering mode
 * @rss: device RSS state
 * @dev: the tun device
 *
 * Context 0 steers once a request changed its key, transform or hash
 * fields (SPEC §3).  A request that leaves them as they were (refused and
 * undone, or setting the values already in place) leaves the steering
 * mode as it was, unless it reset the table, which returns to automq.
 */
void tun_rss_request_end(struct tun_rss *rss, struct net_device *dev)
{
	u32 fields[TUN_RSS_FT_NUM];
	u8 key[TUN_RSS_KEY_SIZE];
	u8 input_xfrm;

	ASSERT_RTNL();
	if (WARN_ON_ONCE(!rss->req.depth) || --rss->req.depth)
		return;
	if (rss->req.reset || rss->user_cfg == rss->req.user_cfg)
		return;
	tun_rss_req_snapshot(rss, fields, &input_xfrm, key);
	if (!memcmp(fields, rss->req.fields, sizeof(fields)) &&
	    input_xfrm == rss->req.input_xfrm &&
	    !memcmp(key, rss->req.key, sizeof(key)))
		WRITE_ONCE(rss->user_cfg, rss->req.user_cfg);
}
EXPORT_SYMBOL_GPL(tun_rss_request_end);

/**
 * tun_rss_queues_changed() - follow a change of the number of queues
 * @rss: device RSS state
 * @dev: the tun device, with real_num_rx_queues already updated
 *
 * Like NIC drivers, an indirection table the user never set is spread
 * again over the new queues.  Tables the user set are kept as they are:
 * an entry past the last queue is folded (``% numqueues``) on the frame
 * path (SPEC §2), so nothing ever indexes past the queue array.
 */
void tun_rss_queues_changed(struct tun_rss *rss, struct net_device *dev)
{
	struct tun_rss_ctx_rcu *c, *old = rtnl_dereference(rss->ctx[0]);
	unsigned int i, n = dev->real_num_rx_queues;

	if (!old || netif_is_rxfh_configured(dev))
		return;
	c = tun_rss_ctx_alloc(old, NULL, 0);
	if (!c)
		return;	/* the old table keeps working, folded */
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		c->ctx.indir[i] = ethtool_rxfh_indir_default(i, n ?: 1);
	tun_rss_ctx_publish(rss, 0, c);
}
EXPORT_SYMBOL_GPL(tun_rss_queues_changed);

MODULE_DESCRIPTION("tun/tap RSS engine: Toeplitz, contexts, hash report");
MODULE_LICENSE("GPL");
