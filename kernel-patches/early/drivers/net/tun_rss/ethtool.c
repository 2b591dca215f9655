// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS ethtool ops: key, indirection table, hash fields and additional
 * contexts.  tun.c wires these into its ethtool_ops.  The ethtool core
 * calls every op here with RTNL held; each op validates the whole request
 * first and changes nothing when it fails.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "tun_rss.h"

/**
 * tun_rss_get_rxfh_key_size() - ethtool get_rxfh_key_size
 * @dev: the tun device
 *
 * Return: the Toeplitz key size, 40 bytes.
 */
u32 tun_rss_get_rxfh_key_size(struct net_device *dev)
{
	return TUN_RSS_KEY_SIZE;
}
EXPORT_SYMBOL_GPL(tun_rss_get_rxfh_key_size);

/**
 * tun_rss_get_rxfh_indir_size() - ethtool get_rxfh_indir_size
 * @dev: the tun device
 *
 * Return: the indirection table size, 128 entries.
 */
u32 tun_rss_get_rxfh_indir_size(struct net_device *dev)
{
	return TUN_RSS_INDIR_SIZE;
}
EXPORT_SYMBOL_GPL(tun_rss_get_rxfh_indir_size);

/* Validate a key/table/function/transform request against this device. */
static int tun_rss_check_rxfh(struct net_device *dev,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack)
{
	unsigned int i, n = dev->real_num_rx_queues;

	if (rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE &&
	    rxfh->hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "tun supports only the Toeplitz hash function");
		return -EOPNOTSUPP;
	}
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE &&
	    rxfh->input_xfrm & ~RXH_XFRM_SYM_XOR) {
		NL_SET_ERR_MSG_MOD(extack, "tun supports only the symmetric-xor input transform");
		return -EOPNOTSUPP;
	}
	if (rxfh->key && rxfh->key_size != TUN_RSS_KEY_SIZE) {
		NL_SET_ERR_MSG_MOD(extack, "RSS key must be 40 bytes");
		return -EINVAL;
	}
	if (!rxfh->indir)
		return 0;
	if (rxfh->indir_size != TUN_RSS_INDIR_SIZE) {
		NL_SET_ERR_MSG_MOD(extack, "indirection table must have 128 entries");
		return -EINVAL;
	}
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++) {
		if (rxfh->indir[i] >= n) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "table entry %u: queue %u but %u queues attached",
					       i, rxfh->indir[i], n);
			return -EINVAL;
		}
	}
	return 0;
}

/* Apply a validated request to a context built aside. */
static void tun_rss_apply_rxfh(struct tun_rss_ctx *ctx,
			       const struct ethtool_rxfh_param *rxfh)
{
	unsigned int i;

	if (rxfh->indir)
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			ctx->indir[i] = rxfh->indir[i];
	if (rxfh->key)
		tun_rss_ctx_set_key(ctx, rxfh->key);
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE)
		ctx->input_xfrm = rxfh->input_xfrm;
}

/* Mirror a context into the ethtool core's copy, which answers "get". */
static void tun_rss_fill_core_ctx(struct ethtool_rxfh_context *ectx,
				  const struct tun_rss_ctx *ctx)
{
	u32 *indir = ethtool_rxfh_context_indir(ectx);
	unsigned int i;

	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		indir[i] = ctx->indir[i];
	memcpy(ethtool_rxfh_context_key(ectx), ctx->key, TUN_RSS_KEY_SIZE);
	ectx->hfunc = ETH_RSS_HASH_TOP;
	ectx->input_xfrm = ctx->input_xfrm;
}

/*
 * Does the request change the input transform?  ethtool before 6.8 sends
 * 0 in the byte that became input_xfrm, and the core passes it on, so 0
 * while no transform is set is not a change.
 */
static bool tun_rss_xfrm_changes(const struct tun_rss_ctx *ctx,
				 const struct ethtool_rxfh_param *rxfh)
{
	return rxfh->input_xfrm != RXH_XFRM_NO_CHANGE &&
	       rxfh->input_xfrm != ctx->input_xfrm;
}

/* Is this request the core's "ethtool -X dev default" (table reset)? */
static bool tun_rss_is_default_table(struct net_device *dev,
				     const struct tun_rss_ctx *ctx,
				     const struct ethtool_rxfh_param *rxfh)
{
	unsigned int i, n = dev->real_num_rx_queues;

	if (!rxfh->indir || rxfh->key ||
	    rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE ||
	    tun_rss_xfrm_changes(ctx, rxfh))
		return false;
	for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
		if (rxfh->indir[i] != ethtool_rxfh_indir_default(i, n))
			return false;
	return true;
}

/**
 * tun_rss_get_rxfh() - ethtool get_rxfh for context 0
 * @rss: device RSS state
 * @dev: the tun device
 * @rxfh: receives hash function, transform, and key and table if asked
 *
 * The ethtool core answers for contexts 1 and up from its own copy.
 *
 * Return: 0.
 */
int tun_rss_get_rxfh(struct tun_rss *rss, struct net_device *dev,
		     struct ethtool_rxfh_param *rxfh)
{
	const struct tun_rss_ctx_rcu *c = rtnl_dereference(rss->ctx[0]);
	unsigned int i, n = dev->real_num_rx_queues;

	rxfh->hfunc = ETH_RSS_HASH_TOP;
	rxfh->input_xfrm = c ? c->ctx.input_xfrm : 0;
	if (rxfh->key)
		memcpy(rxfh->key, c ? c->ctx.key : rss->default_key,
		       TUN_RSS_KEY_SIZE);
	if (rxfh->indir)
		for (i = 0; i < TUN_RSS_INDIR_SIZE; i++)
			rxfh->indir[i] = c ? c->ctx.indir[i] :
				ethtool_rxfh_indir_default(i, n ?: 1);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_get_rxfh);

/**
 * tun_rss_set_rxfh() - ethtool set_rxfh for context 0
 * @rss: device RSS state
 * @dev: the tun device
 * @rxfh: the request
 * @extack: error reporting
 *
 * Setting the key, hash function or transform makes context 0 steer
 * (SPEC §3), unless the request leaves them as they were (see
 * tun_rss_request_end()); the core's default-table request ("ethtool -X
 * dev default") returns the device to automq.
 *
 * Return: 0, or a negative errno with nothing changed.
 */
int tun_rss_set_rxfh(struct tun_rss *rss, struct net_device *dev,
		     struct ethtool_rxfh_param *rxfh,
		     struct netlink_ext_ack *extack)
{
	struct tun_rss_ctx_rcu *old, *c;
	bool user_cfg, reset;
	int err;

	err = tun_rss_check_rxfh(dev, rxfh, extack);
	if (err)
		return err;
	old = tun_rss_ctx0(rss, dev);
	if (!old)
		return -ENOMEM;
	reset = tun_rss_is_default_table(dev, &old->ctx, rxfh);
	if (reset)
		user_cfg = false;
	else if (rxfh->key || rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE ||
		 tun_rss_xfrm_changes(&old->ctx, rxfh))
		user_cfg = true;
	else
		user_cfg = rss->user_cfg;

	c = tun_rss_ctx_alloc(old, NULL, 0);
	if (!c)
		return -ENOMEM;
	tun_rss_apply_rxfh(&c->ctx, rxfh);
	tun_rss_ctx_publish(rss, 0, c);
	WRITE_ONCE(rss->user_cfg, user_cfg);
	rss->req.reset |= reset;
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_set_rxfh);

/* The context a hash-fields request names; NULL when it does not exist. */
static const struct tun_rss_ctx_rcu *
tun_rss_fields_ctx(struct tun_rss *rss, u32 id)
{
	if (id >= TUN_RSS_MAX_CONTEXTS)
		return NULL;
	return rtnl_dereference(rss->ctx[id]);
}

/**
 * tun_rss_get_rxfh_fields() - ethtool get_rxfh_fields
 * @rss: device RSS state
 * @dev: the tun device
 * @fields: flow type and context in, RXH_* fields out
 *
 * Return: 0, -EINVAL for a flow type tun does not hash, -ENOENT for an
 * unknown context.
 */
int tun_rss_get_rxfh_fields(struct tun_rss *rss, struct net_device *dev,
			    struct ethtool_rxfh_fields *fields)
{
	int ft = tun_rss_flow_type_to_ft(fields->flow_type);
	const struct tun_rss_ctx_rcu *c;

	if (ft < 0)
		return ft;
	c = tun_rss_fields_ctx(rss, fields->rss_context);
	if (c)
		fields->data = c->ctx.fields[ft];
	else if (!fields->rss_context)
		fields->data = tun_rss_default_fields(ft);
	else
		return -ENOENT;
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_get_rxfh_fields);

/**
 * tun_rss_set_rxfh_fields() - ethtool set_rxfh_fields
 * @rss: device RSS state
 * @dev: the tun device
 * @fields: flow type, context and RXH_* fields
 * @extack: error reporting
 *
 * tun hashes any subset of the fields a frame of the flow type carries
 * (tun_rss_fields_valid(), tun_rss_ctx_hash()), none meaning no hash
 * (SPEC §4).  Anything else is refused.
 *
 * Return: 0, or a negative errno with nothing changed.
 */
int tun_rss_set_rxfh_fields(struct tun_rss *rss, struct net_device *dev,
			    const struct ethtool_rxfh_fields *fields,
			    struct netlink_ext_ack *extack)
{
	int ft = tun_rss_flow_type_to_ft(fields->flow_type);
	const struct tun_rss_ctx_rcu *old;
	struct tun_rss_ctx_rcu *c;

	if (ft < 0) {
		NL_SET_ERR_MSG_MOD(extack, "tun does not hash this flow type");
		return ft;
	}
	if (tun_rss_fields_valid(ft, fields->data)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "unsupported hash fields: a frame of this flow type does not carry them");
		return -EINVAL;
	}
	if (fields->rss_context) {
		old = tun_rss_fields_ctx(rss, fields->rss_context);
		if (!old) {
			NL_SET_ERR_MSG_MOD(extack, "unknown RSS context");
			return -ENOENT;
		}
	} else {
		old = tun_rss_ctx0(rss, dev);
		if (!old)
			return -ENOMEM;
	}
	c = tun_rss_ctx_alloc(old, NULL, 0);
	if (!c)
		return -ENOMEM;
	c->ctx.fields[ft] = fields->data;
	tun_rss_ctx_publish(rss, fields->rss_context, c);
	if (!fields->rss_context)
		WRITE_ONCE(rss->user_cfg, true);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_set_rxfh_fields);

/**
 * tun_rss_create_rxfh_context() - ethtool create_rxfh_context
 * @rss: device RSS state
 * @dev: the tun device
 * @ectx: the core's record of the new context, filled with its defaults
 * @rxfh: initial configuration; the core allocated @rxfh->rss_context
 * @extack: error reporting
 *
 * A new context starts from the device's default key, the default fields
 * and a table spread over all attached queues.  Contexts only steer the
 * frames that ntuple rules send to them (SPEC §4).
 *
 * Return: 0, or a negative errno with nothing changed.
 */
int tun_rss_create_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ectx,
				const struct ethtool_rxfh_param *rxfh,
				struct netlink_ext_ack *extack)
{
	struct tun_rss_ctx_rcu *c;
	int err;

	if (rxfh->rss_context >= TUN_RSS_MAX_CONTEXTS) {
		NL_SET_ERR_MSG_MOD(extack, "no RSS context left");
		return -ENOSPC;
	}
	err = tun_rss_check_rxfh(dev, rxfh, extack);
	if (err)
		return err;
	c = tun_rss_ctx_alloc(NULL, rss->default_key, dev->real_num_rx_queues);
	if (!c)
		return -ENOMEM;
	tun_rss_apply_rxfh(&c->ctx, rxfh);
	tun_rss_fill_core_ctx(ectx, &c->ctx);
	tun_rss_ctx_publish(rss, rxfh->rss_context, c);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_create_rxfh_context);

/**
 * tun_rss_modify_rxfh_context() - ethtool modify_rxfh_context
 * @rss: device RSS state
 * @dev: the tun device
 * @ectx: the core's record of the context
 * @rxfh: the change
 * @extack: error reporting
 *
 * Return: 0, or a negative errno with nothing changed.
 */
int tun_rss_modify_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ectx,
				const struct ethtool_rxfh_param *rxfh,
				struct netlink_ext_ack *extack)
{
	const struct tun_rss_ctx_rcu *old;
	struct tun_rss_ctx_rcu *c;
	int err;

	old = tun_rss_fields_ctx(rss, rxfh->rss_context);
	if (!old || !rxfh->rss_context) {
		NL_SET_ERR_MSG_MOD(extack, "unknown RSS context");
		return -ENOENT;
	}
	err = tun_rss_check_rxfh(dev, rxfh, extack);
	if (err)
		return err;
	c = tun_rss_ctx_alloc(old, NULL, 0);
	if (!c)
		return -ENOMEM;
	tun_rss_apply_rxfh(&c->ctx, rxfh);
	tun_rss_ctx_publish(rss, rxfh->rss_context, c);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_modify_rxfh_context);

/**
 * tun_rss_remove_rxfh_context() - ethtool remove_rxfh_context
 * @rss: device RSS state
 * @dev: the tun device
 * @ectx: the core's record of the context
 * @rss_context: context ID
 * @extack: error reporting
 *
 * Return: 0, -ENOENT for an unknown context, -EBUSY when a flow rule sends
 * frames to it.
 */
int tun_rss_remove_rxfh_context(struct tun_rss *rss, struct net_device *dev,
				struct ethtool_rxfh_context *ectx, u32 rss_context,
				struct netlink_ext_ack *extack)
{
	int loc;

	if (!rss_context || !tun_rss_fields_ctx(rss, rss_context)) {
		NL_SET_ERR_MSG_MOD(extack, "unknown RSS context");
		return -ENOENT;
	}
	/* A rule must not point to a context that is gone; when the device
	 * unregisters, the core removes the contexts and rules go with it.
	 */
	loc = tun_rss_ctx_in_use(rss, rss_context);
	if (loc >= 0 && dev->reg_state == NETREG_REGISTERED) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "RSS context %u is used by the rule at location %d",
				       rss_context, loc);
		return -EBUSY;
	}
	tun_rss_ctx_publish(rss, rss_context, NULL);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_remove_rxfh_context);
