// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSS_SET, RSS_CREATE_ACT, RSS_DELETE_ACT and the RSS notifications.
 *
 * Message and attribute numbers, nesting and semantics are upstream's
 * (Linux 6.17 and later), so that userspace written for upstream works
 * unmodified.  The driver is reached through the ethtool_ops the ioctl
 * path uses, under the same locks: RTNL, and dev->ethtool->rss_lock
 * whenever an additional context is involved.  The request is checked
 * entirely (policy, ethnl_rss_set_validate(), the validators common.c
 * shares with the ioctl) before the driver is called.
 */

#include "common.h"
#include "netlink.h"
#include "rss.h"

/* ABI shared with upstream: a renumbering must fail the build */
static_assert(ETHTOOL_MSG_RSS_SET == 48);
static_assert(ETHTOOL_MSG_RSS_CREATE_ACT == 49);
static_assert(ETHTOOL_MSG_RSS_DELETE_ACT == 50);
static_assert(ETHTOOL_MSG_RSS_NTF == 50);
static_assert(ETHTOOL_MSG_RSS_CREATE_ACT_REPLY == 51);
static_assert(ETHTOOL_MSG_RSS_CREATE_NTF == 52);
static_assert(ETHTOOL_MSG_RSS_DELETE_NTF == 53);
static_assert(ETHTOOL_A_RSS_FLOW_HASH == 8);
static_assert(ETHTOOL_A_FLOW_GTPU_DL6 == 27);

/* RSS_NTF, RSS_CREATE_NTF, RSS_DELETE_NTF */

/* A deleted context has no state left to describe: header and ID only. */
static void rss_delete_notify(struct net_device *dev, u32 rss_context)
{
	struct sk_buff *ntf;
	void *hdr;

	ntf = genlmsg_new(ethnl_reply_header_size() +
			  nla_total_size(sizeof(u32)),	/* _RSS_CONTEXT */
			  GFP_KERNEL);
	if (!ntf)
		return;

	hdr = ethnl_bcastmsg_put(ntf, ETHTOOL_MSG_RSS_DELETE_NTF);
	if (!hdr ||
	    ethnl_fill_reply_header(ntf, dev, ETHTOOL_A_RSS_HEADER) ||
	    nla_put_u32(ntf, ETHTOOL_A_RSS_CONTEXT, rss_context)) {
		nlmsg_free(ntf);
		return;
	}

	genlmsg_end(ntf, hdr);
	ethnl_multicast(ntf, dev);
}

/**
 * ethtool_rss_notify() - tell the monitor group about an RSS change
 * @dev: network device
 * @type: %ETHTOOL_MSG_RSS_NTF, %ETHTOOL_MSG_RSS_CREATE_NTF or
 *	%ETHTOOL_MSG_RSS_DELETE_NTF
 * @rss_context: the context that changed (0: the main context)
 *
 * The change and create notifications carry the context's state as
 * RSS_GET reports it, so they are built with RTNL held and outside
 * rss_lock; the ioctl path calls this too.
 */
void ethtool_rss_notify(struct net_device *dev, u32 type, u32 rss_context)
{
	struct rss_req_info req_info = {
		.rss_context	= rss_context,
	};

	if (type == ETHTOOL_MSG_RSS_DELETE_NTF)
		rss_delete_notify(dev, rss_context);
	else
		ethnl_notify(dev, type, &req_info.base);
}

/* RSS_SET */

/* RXH_* bits this kernel defines; IPv6 flow label (upstream's bit 9)
 * is not among them.
 */
#define RSS_FLOW_FIELDS (RXH_L2DA | RXH_VLAN | RXH_L3_PROTO | RXH_IP_SRC | \
			 RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3 |	 \
			 RXH_GTP_TEID | RXH_DISCARD)

static const struct nla_policy rss_flow_hash_policy[] = {
	[ETHTOOL_A_FLOW_ETHER ... ETHTOOL_A_FLOW_MAX] =
		NLA_POLICY_MASK(NLA_UINT, RSS_FLOW_FIELDS),
};

const struct nla_policy ethnl_rss_set_policy[ETHTOOL_A_RSS_FLOW_HASH + 1] = {
	[ETHTOOL_A_RSS_HEADER]	= NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_RSS_CONTEXT]	= { .type = NLA_U32 },
	[ETHTOOL_A_RSS_HFUNC]	= NLA_POLICY_RANGE(NLA_U32, 1, U8_MAX),
	[ETHTOOL_A_RSS_INDIR]	= { .type = NLA_BINARY },
	[ETHTOOL_A_RSS_HKEY]	= NLA_POLICY_MIN(NLA_BINARY, 1),
	[ETHTOOL_A_RSS_INPUT_XFRM] =
		NLA_POLICY_MAX(NLA_U32, RXH_XFRM_SYM_OR_XOR),
	[ETHTOOL_A_RSS_FLOW_HASH] = NLA_POLICY_NESTED(rss_flow_hash_policy),
};

/* The hash fields of a request, parsed and checked before any change */
struct rss_flow_hash_req {
	struct nlattr			*attr[__ETHTOOL_A_FLOW_CNT];
	u32				fields[__ETHTOOL_A_FLOW_CNT];
	/* flow types whose fields the request changes */
	DECLARE_BITMAP(changed, __ETHTOOL_A_FLOW_CNT);
};

/* Checks that need the device only (no state): what it can configure. */
static int
rss_check_caps(struct net_device *dev, struct nlattr **tb, u32 rss_context,
	       struct netlink_ext_ack *extack)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct nlattr *attr;
	u32 input_xfrm;

	if (rss_context && !ops->create_rxfh_context) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_RSS_CONTEXT],
				    "device does not support additional RSS contexts");
		return -EOPNOTSUPP;
	}

	attr = tb[ETHTOOL_A_RSS_HFUNC] ?: tb[ETHTOOL_A_RSS_INDIR] ?:
	       tb[ETHTOOL_A_RSS_HKEY] ?: tb[ETHTOOL_A_RSS_INPUT_XFRM];
	if (attr && (!ops->get_rxfh || !ops->set_rxfh)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "device does not support setting RSS");
		return -EOPNOTSUPP;
	}

	attr = tb[ETHTOOL_A_RSS_HFUNC] ?: tb[ETHTOOL_A_RSS_HKEY] ?:
	       tb[ETHTOOL_A_RSS_INPUT_XFRM];
	if (attr && rss_context && !ops->rxfh_per_ctx_key) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "device shares this setting among all RSS contexts");
		return -EOPNOTSUPP;
	}

	attr = tb[ETHTOOL_A_RSS_INPUT_XFRM];
	input_xfrm = attr ? nla_get_u32(attr) : 0;
	if (input_xfrm & ~ops->supported_input_xfrm) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "input transformation not supported by the device");
		return -EOPNOTSUPP;
	}

	return 0;
}

int ethnl_rss_set_validate(struct ethnl_req_info *req_info,
			   struct genl_info *info)
{
	const struct ethtool_ops *ops = req_info->dev->ethtool_ops;
	struct rss_req_info *request = RSS_REQINFO(req_info);
	struct nlattr *flow_hash = info->attrs[ETHTOOL_A_RSS_FLOW_HASH];
	int ret;

	ret = rss_check_caps(req_info->dev, info->attrs, request->rss_context,
			     info->extack);
	if (ret)
		return ret;

	if (flow_hash && !ops->set_rxfh_fields && !ops->set_rxnfc) {
		NL_SET_ERR_MSG_ATTR(info->extack, flow_hash,
				    "device does not support setting hash fields");
		return -EOPNOTSUPP;
	}
	if (flow_hash && request->rss_context && !ops->rxfh_per_ctx_fields) {
		NL_SET_ERR_MSG_ATTR(info->extack, flow_hash,
				    "device shares hash fields among all RSS contexts");
		return -EOPNOTSUPP;
	}

	return 1;
}

/* Build the device-sized table from ETHTOOL_A_RSS_INDIR into @rxfh.  A
 * shorter table repeats to fill the device's; an empty one asks for the
 * default spread (main context only).
 */
static int
rss_set_prep_indir(struct net_device *dev, struct genl_info *info,
		   const struct rss_reply_data *data,
		   struct ethtool_rxfh_param *rxfh, bool *reset, bool *mod)
{
	struct nlattr *attr = info->attrs[ETHTOOL_A_RSS_INDIR];
	struct netlink_ext_ack *extack = info->extack;
	u32 user_size, bad, i;
	int num_rings;

	if (!attr)
		return 0;
	if (!data->indir_size) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "device has no RSS indirection table");
		return -EOPNOTSUPP;
	}
	if (nla_len(attr) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "indirection table entries are u32");
		return -EINVAL;
	}

	user_size = nla_len(attr) / sizeof(u32);
	if (!user_size) {
		if (rxfh->rss_context) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "can't reset table for a context");
			return -EINVAL;
		}
		*reset = true;
	} else if (data->indir_size % user_size) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"size (%u) mismatch with device indir table (%u)",
					user_size, data->indir_size);
		return -EINVAL;
	}

	num_rings = ethtool_get_rx_ring_count(dev);
	if (num_rings < 0) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "cannot read the device's Rx ring count");
		return num_rings;
	}
	if (!num_rings) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "device has no Rx rings");
		return -EINVAL;
	}

	rxfh->indir_size = data->indir_size;
	rxfh->indir = kcalloc(data->indir_size, sizeof(rxfh->indir[0]),
			      GFP_KERNEL);
	if (!rxfh->indir)
		return -ENOMEM;

	if (*reset) {
		for (i = 0; i < data->indir_size; i++)
			rxfh->indir[i] = ethtool_rxfh_indir_default(i, num_rings);
	} else {
		nla_memcpy(rxfh->indir, attr, user_size * sizeof(u32));
		if (ethtool_check_rxfh_indir(rxfh->indir, user_size, num_rings,
					     &bad)) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
						"entry %u: queue out of range (%u, %d queues)",
						bad, rxfh->indir[bad], num_rings);
			return -EINVAL;
		}
		for (i = user_size; i < data->indir_size; i++)
			rxfh->indir[i] = rxfh->indir[i % user_size];
	}

	/* As upstream, a reset of a table that already has the default
	 * spread is a no-op, unless the user set that table: the driver is
	 * then told, since the table stops being the user's.
	 */
	*mod |= (*reset && netif_is_rxfh_configured(dev)) ||
		!data->indir_table ||
		memcmp(rxfh->indir, data->indir_table,
		       data->indir_size * sizeof(u32));
	return 0;
}

static int
rss_set_prep_hkey(struct genl_info *info, const struct rss_reply_data *data,
		  struct ethtool_rxfh_param *rxfh, bool *mod)
{
	struct nlattr *attr = info->attrs[ETHTOOL_A_RSS_HKEY];

	if (!attr)
		return 0;
	if (!data->hkey_size) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "device has no RSS key");
		return -EOPNOTSUPP;
	}
	if (nla_len(attr) != data->hkey_size) {
		NL_SET_ERR_MSG_ATTR_FMT(info->extack, attr,
					"key length (%d) mismatch with device key (%u)",
					nla_len(attr), data->hkey_size);
		return -EINVAL;
	}
	if (data->hkey && !memcmp(nla_data(attr), data->hkey, data->hkey_size))
		return 0;

	rxfh->key = kmemdup(nla_data(attr), data->hkey_size, GFP_KERNEL);
	if (!rxfh->key)
		return -ENOMEM;
	rxfh->key_size = data->hkey_size;
	*mod = true;
	return 0;
}

/* Parse ETHTOOL_A_RSS_FLOW_HASH and check each new value against the
 * input transform the request leaves in place.
 */
static int
rss_set_prep_flow_hash(struct genl_info *info,
		       const struct rss_reply_data *data, u32 input_xfrm,
		       struct rss_flow_hash_req *req)
{
	struct nlattr *nest = info->attrs[ETHTOOL_A_RSS_FLOW_HASH];
	int i, ret;

	if (!nest)
		return 0;

	ret = nla_parse_nested(req->attr, ETHTOOL_A_FLOW_MAX, nest,
			       rss_flow_hash_policy, info->extack);
	if (ret < 0)
		return ret;

	for (i = 1; i < __ETHTOOL_A_FLOW_CNT; i++) {
		if (!req->attr[i])
			continue;

		req->fields[i] = nla_get_uint(req->attr[i]);
		if (test_bit(i, data->flow_hash_ok) &&
		    data->flow_hash[i] == req->fields[i])
			continue;

		if (ethtool_check_xfrm_rxfh(input_xfrm, req->fields[i])) {
			NL_SET_ERR_MSG_ATTR(info->extack, req->attr[i],
					    "conflict with the symmetric input transformation");
			return -EINVAL;
		}
		__set_bit(i, req->changed);
	}

	return 0;
}

/* Put back the fields of the flow types before @end; the driver took
 * these very values before, so this only fails if the device does.
 */
static void
rss_set_flow_hash_undo(struct net_device *dev, u32 rss_context,
		       const struct rss_reply_data *data,
		       const struct rss_flow_hash_req *req, int end)
{
	int i;

	for_each_set_bit(i, req->changed, end) {
		struct ethtool_rxfh_fields fields = {
			.flow_type	= ethtool_rxfh_ft_nl2ioctl[i],
			.rss_context	= rss_context,
			.data		= data->flow_hash[i],
		};

		if (test_bit(i, data->flow_hash_ok))
			ethtool_rxfh_fields_set(dev, &fields, NULL);
	}
}

/* A device may hash several flow types with one setting (tun: ah4, esp4
 * and ah_esp4 share theirs); a request giving them different fields would
 * leave the last one in place.  Read back what the request set: a flow
 * type that now hashes what the request gave another one is in conflict.
 */
static int
rss_check_flow_hash_shared(struct net_device *dev, u32 rss_context,
			   const struct rss_flow_hash_req *req,
			   struct netlink_ext_ack *extack)
{
	int i, j;

	for (i = 1; i < __ETHTOOL_A_FLOW_CNT; i++) {
		struct ethtool_rxfh_fields fields = {
			.flow_type	= ethtool_rxfh_ft_nl2ioctl[i],
			.rss_context	= rss_context,
		};

		if (!req->attr[i] || ethtool_rxfh_fields_get(dev, &fields) ||
		    fields.data == req->fields[i])
			continue;
		for (j = 1; j < __ETHTOOL_A_FLOW_CNT; j++) {
			if (j == i || !req->attr[j] ||
			    req->fields[j] != fields.data)
				continue;
			NL_SET_ERR_MSG_ATTR(extack, req->attr[i],
					    "flow type shares its hash fields with another one the request sets differently");
			return -EINVAL;
		}
	}

	return 0;
}

/* The driver takes hash fields one flow type at a time: undo the ones
 * already applied when a later one fails, or when two of them share their
 * fields and the request set them differently, so that a refused request
 * changes nothing.
 */
static int
rss_set_flow_hash(struct net_device *dev, u32 rss_context,
		  const struct rss_reply_data *data,
		  const struct rss_flow_hash_req *req,
		  struct netlink_ext_ack *extack)
{
	int i, ret;

	for_each_set_bit(i, req->changed, __ETHTOOL_A_FLOW_CNT) {
		struct ethtool_rxfh_fields fields = {
			.flow_type	= ethtool_rxfh_ft_nl2ioctl[i],
			.rss_context	= rss_context,
			.data		= req->fields[i],
		};

		ret = ethtool_rxfh_fields_set(dev, &fields, extack);
		if (ret) {
			NL_SET_BAD_ATTR(extack, req->attr[i]);
			rss_set_flow_hash_undo(dev, rss_context, data, req, i);
			return ret;
		}
	}

	ret = rss_check_flow_hash_shared(dev, rss_context, req, extack);
	if (ret)
		rss_set_flow_hash_undo(dev, rss_context, data, req,
				       __ETHTOOL_A_FLOW_CNT);
	return ret;
}

/* Record what the driver accepted in the core's copy of a context, which
 * answers RSS_GET for it; the ioctl path keeps it the same way.
 */
static void
rss_ctx_update(struct ethtool_rxfh_context *ctx,
	       const struct ethtool_rxfh_param *rxfh)
{
	if (rxfh->indir) {
		memcpy(ethtool_rxfh_context_indir(ctx), rxfh->indir,
		       array_size(ctx->indir_size, sizeof(u32)));
		ctx->indir_configured = 1;
	}
	if (rxfh->key) {
		memcpy(ethtool_rxfh_context_key(ctx), rxfh->key, ctx->key_size);
		ctx->key_configured = 1;
	}
	if (rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE)
		ctx->hfunc = rxfh->hfunc;
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE)
		ctx->input_xfrm = rxfh->input_xfrm;
}

int ethnl_rss_set(struct ethnl_req_info *req_info, struct genl_info *info)
{
	struct rss_req_info *request = RSS_REQINFO(req_info);
	struct net_device *dev = req_info->dev;
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct netlink_ext_ack *extack = info->extack;
	u32 rss_context = request->rss_context;
	struct ethtool_rxfh_context *ctx = NULL;
	struct ethtool_rxfh_param rxfh = {};
	struct rss_flow_hash_req *flow_req;
	struct nlattr **tb = info->attrs;
	struct rss_reply_data data = {};
	bool reset = false, mod = false;
	u32 input_xfrm;
	int ret;

	data.base.dev = dev;
	ret = ethnl_rss_prepare(request, dev, &data, info);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_RSS_CONTEXT],
					    "no such RSS context");
		return ret;
	}

	flow_req = kzalloc(sizeof(*flow_req), GFP_KERNEL);
	if (!flow_req) {
		ret = -ENOMEM;
		goto out_data;
	}

	rxfh.rss_context = rss_context;
	ret = rss_set_prep_indir(dev, info, &data, &rxfh, &reset, &mod);
	if (ret)
		goto out_free;

	rxfh.hfunc = ETH_RSS_HASH_NO_CHANGE;
	if (tb[ETHTOOL_A_RSS_HFUNC] &&
	    nla_get_u32(tb[ETHTOOL_A_RSS_HFUNC]) != data.hfunc) {
		rxfh.hfunc = nla_get_u32(tb[ETHTOOL_A_RSS_HFUNC]);
		mod = true;
	}

	ret = rss_set_prep_hkey(info, &data, &rxfh, &mod);
	if (ret)
		goto out_free;

	rxfh.input_xfrm = RXH_XFRM_NO_CHANGE;
	input_xfrm = data.input_xfrm;
	if (tb[ETHTOOL_A_RSS_INPUT_XFRM] &&
	    nla_get_u32(tb[ETHTOOL_A_RSS_INPUT_XFRM]) != data.input_xfrm) {
		input_xfrm = nla_get_u32(tb[ETHTOOL_A_RSS_INPUT_XFRM]);
		rxfh.input_xfrm = input_xfrm;
		mod = true;

		/* A symmetric transform needs symmetric fields everywhere */
		ret = ethtool_check_flow_types(dev, ops->rxfh_per_ctx_fields ?
					       rss_context : 0, input_xfrm);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_RSS_INPUT_XFRM],
					    "hash field config is not symmetric");
			goto out_free;
		}
	}

	ret = rss_set_prep_flow_hash(info, &data, input_xfrm, flow_req);
	if (ret)
		goto out_free;

	if (rss_context) {
		mutex_lock(&dev->ethtool->rss_lock);
		/* The driver may have lost it since (ethtool_rxfh_context_lost) */
		ctx = xa_load(&dev->ethtool->rss_ctx, rss_context);
		if (!ctx) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_RSS_CONTEXT],
					    "no such RSS context");
			ret = -ENOENT;
			goto out_unlock;
		}
	}

	ret = rss_set_flow_hash(dev, rss_context, &data, flow_req, extack);
	if (ret)
		goto out_unlock;

	if (mod) {
		if (ctx)
			ret = ops->modify_rxfh_context(dev, ctx, &rxfh, extack);
		else
			ret = ops->set_rxfh(dev, &rxfh, extack);
		if (ret) {
			rss_set_flow_hash_undo(dev, rss_context, &data,
					       flow_req, __ETHTOOL_A_FLOW_CNT);
			goto out_unlock;
		}
	}

	if (ctx && mod)
		rss_ctx_update(ctx, &rxfh);
	else if (!ctx && reset)
		dev->priv_flags &= ~IFF_RXFH_CONFIGURED;
	else if (!ctx && tb[ETHTOOL_A_RSS_INDIR])
		dev->priv_flags |= IFF_RXFH_CONFIGURED;

	ret = mod || !bitmap_empty(flow_req->changed, __ETHTOOL_A_FLOW_CNT);
out_unlock:
	if (rss_context)
		mutex_unlock(&dev->ethtool->rss_lock);
out_free:
	kfree(rxfh.key);
	kfree(rxfh.indir);
	kfree(flow_req);
out_data:
	ethnl_rss_cleanup_data(&data.base);
	return ret;
}

/* RSS_CREATE_ACT */

const struct nla_policy ethnl_rss_create_policy[ETHTOOL_A_RSS_INPUT_XFRM + 1] = {
	[ETHTOOL_A_RSS_HEADER]	= NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_RSS_CONTEXT]	= NLA_POLICY_MIN(NLA_U32, 1),
	[ETHTOOL_A_RSS_HFUNC]	= NLA_POLICY_RANGE(NLA_U32, 1, U8_MAX),
	[ETHTOOL_A_RSS_INDIR]	= NLA_POLICY_MIN(NLA_BINARY, 1),
	[ETHTOOL_A_RSS_HKEY]	= NLA_POLICY_MIN(NLA_BINARY, 1),
	[ETHTOOL_A_RSS_INPUT_XFRM] =
		NLA_POLICY_MAX(NLA_U32, RXH_XFRM_SYM_OR_XOR),
};

static int rss_create_validate(struct net_device *dev, struct genl_info *info)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct nlattr *id_attr = info->attrs[ETHTOOL_A_RSS_CONTEXT];

	if (!ops->create_rxfh_context) {
		NL_SET_ERR_MSG(info->extack,
			       "device does not support additional RSS contexts");
		return -EOPNOTSUPP;
	}
	if (id_attr && ops->rxfh_max_num_contexts &&
	    nla_get_u32(id_attr) >= ops->rxfh_max_num_contexts) {
		NL_SET_ERR_MSG_ATTR_FMT(info->extack, id_attr,
					"RSS context ID out of range (max %u)",
					ops->rxfh_max_num_contexts - 1);
		return -ERANGE;
	}

	/* What RSS_SET of an additional context may change (any ID will do) */
	return rss_check_caps(dev, info->attrs, 1, info->extack);
}

/* Pick the ID (the requested one, or the lowest free one) and let the
 * driver set the context up.  Called under rss_lock.
 */
static int
rss_create_ctx(struct net_device *dev, struct genl_info *info,
	       struct ethtool_rxfh_context *ctx, struct ethtool_rxfh_param *rxfh)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct nlattr *id_attr = info->attrs[ETHTOOL_A_RSS_CONTEXT];
	u32 limit = ops->rxfh_max_num_contexts ?: U32_MAX;
	int ret;

	if (id_attr) {
		rxfh->rss_context = nla_get_u32(id_attr);
		ret = xa_insert(&dev->ethtool->rss_ctx, rxfh->rss_context, ctx,
				GFP_KERNEL_ACCOUNT);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
					    "RSS context ID in use");
	} else {
		ret = xa_alloc(&dev->ethtool->rss_ctx, &rxfh->rss_context, ctx,
			       XA_LIMIT(1, limit - 1), GFP_KERNEL_ACCOUNT);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(info->extack, "no free RSS context ID");
	}
	if (ret)
		return ret;

	ret = ops->create_rxfh_context(dev, ctx, rxfh, info->extack);
	if (ret) {
		xa_erase(&dev->ethtool->rss_ctx, rxfh->rss_context);
		return ret;
	}

	/* Make sure driver populates defaults */
	WARN_ON_ONCE(!rxfh->key && ops->rxfh_per_ctx_key &&
		     !memchr_inv(ethtool_rxfh_context_key(ctx), 0,
				 ctx->key_size));
	rss_ctx_update(ctx, rxfh);
	return 0;
}

/* The reply describes the new context as RSS_GET does, less the hash
 * fields (upstream's reply carries the RSS_CREATE_ACT attributes only).
 */
static int
rss_create_fill_reply(struct sk_buff *rsp, struct net_device *dev,
		      struct rss_req_info *req, const struct genl_info *info)
{
	struct rss_reply_data data = { .base.dev = dev };
	int ret;

	ret = ethnl_rss_prepare(req, dev, &data, info);
	if (ret)
		return ret;

	data.has_flow_hash = false;
	ret = ethnl_rss_fill_reply(rsp, &req->base, &data.base);
	ethnl_rss_cleanup_data(&data.base);
	return ret;
}

int ethnl_rss_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ethtool_rxfh_param rxfh = {};
	struct ethtool_rxfh_context *ctx;
	struct nlattr **tb = info->attrs;
	struct rss_reply_data data = {};
	const struct ethtool_ops *ops;
	struct rss_req_info req = {};
	bool reset = false, mod = false;
	struct net_device *dev;
	struct sk_buff *rsp;
	void *hdr;
	int ret;

	ret = ethnl_parse_header_dev_get(&req.base, tb[ETHTOOL_A_RSS_HEADER],
					 genl_info_net(info), info->extack,
					 true);
	if (ret < 0)
		return ret;
	dev = req.base.dev;
	ops = dev->ethtool_ops;

	ret = rss_create_validate(dev, info);
	if (ret)
		goto out_dev;

	rtnl_lock();
	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		goto out_rtnl;

	/* A new context has the device's table and key sizes */
	data.indir_size = ops->get_rxfh_indir_size ?
			  ops->get_rxfh_indir_size(dev) : 0;
	data.hkey_size = ops->get_rxfh_key_size ?
			 ops->get_rxfh_key_size(dev) : 0;

	ret = rss_set_prep_indir(dev, info, &data, &rxfh, &reset, &mod);
	if (ret)
		goto out_ops;
	ret = rss_set_prep_hkey(info, &data, &rxfh, &mod);
	if (ret)
		goto out_ops;
	rxfh.hfunc = tb[ETHTOOL_A_RSS_HFUNC] ?
		     nla_get_u32(tb[ETHTOOL_A_RSS_HFUNC]) :
		     ETH_RSS_HASH_NO_CHANGE;
	rxfh.input_xfrm = tb[ETHTOOL_A_RSS_INPUT_XFRM] ?
			  nla_get_u32(tb[ETHTOOL_A_RSS_INPUT_XFRM]) :
			  RXH_XFRM_NO_CHANGE;

	/* Without per-context fields the new context hashes the main
	 * context's fields: they must suit a symmetric transform.
	 */
	if (tb[ETHTOOL_A_RSS_INPUT_XFRM] && !ops->rxfh_per_ctx_fields &&
	    ethtool_check_flow_types(dev, 0, rxfh.input_xfrm)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ETHTOOL_A_RSS_INPUT_XFRM],
				    "hash field config is not symmetric");
		ret = -EINVAL;
		goto out_ops;
	}

	/* Sized before the context exists, so that the reply can't fail */
	rsp = ethnl_reply_init(ethnl_reply_header_size() +
			       ethnl_rss_reply_size(&req.base, &data.base),
			       dev, ETHTOOL_MSG_RSS_CREATE_ACT_REPLY,
			       ETHTOOL_A_RSS_HEADER, info, &hdr);
	if (!rsp) {
		ret = -ENOMEM;
		goto out_ops;
	}

	ctx = ethtool_rxfh_ctx_alloc(ops, data.indir_size, data.hkey_size);
	if (!ctx) {
		ret = -ENOMEM;
		goto out_rsp;
	}

	mutex_lock(&dev->ethtool->rss_lock);
	ret = rss_create_ctx(dev, info, ctx, &rxfh);
	mutex_unlock(&dev->ethtool->rss_lock);
	if (ret) {
		kfree(ctx);
		goto out_rsp;
	}

	req.rss_context = rxfh.rss_context;
	ret = rss_create_fill_reply(rsp, dev, &req, info);
	if (WARN_ON_ONCE(ret)) {
		mutex_lock(&dev->ethtool->rss_lock);
		/* leave the context if the driver can't remove it either */
		if (!ops->remove_rxfh_context(dev, ctx, req.rss_context,
					      NULL)) {
			xa_erase(&dev->ethtool->rss_ctx, req.rss_context);
			kfree(ctx);
		}
		mutex_unlock(&dev->ethtool->rss_lock);
		goto out_rsp;
	}

	genlmsg_end(rsp, hdr);
	ethtool_rss_notify(dev, ETHTOOL_MSG_RSS_CREATE_NTF, req.rss_context);
	ethnl_ops_complete(dev);
	rtnl_unlock();
	ethnl_parse_header_dev_put(&req.base);
	kfree(rxfh.key);
	kfree(rxfh.indir);
	return genlmsg_reply(rsp, info);

out_rsp:
	nlmsg_free(rsp);
out_ops:
	ethnl_ops_complete(dev);
out_rtnl:
	rtnl_unlock();
	kfree(rxfh.key);
	kfree(rxfh.indir);
out_dev:
	ethnl_parse_header_dev_put(&req.base);
	return ret;
}

/* RSS_DELETE_ACT */

const struct nla_policy ethnl_rss_delete_policy[ETHTOOL_A_RSS_CONTEXT + 1] = {
	[ETHTOOL_A_RSS_HEADER]	= NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_RSS_CONTEXT]	= NLA_POLICY_MIN(NLA_U32, 1),
};

int ethnl_rss_delete_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[ETHTOOL_A_RSS_CONTEXT];
	struct ethtool_rxfh_context *ctx;
	struct ethnl_req_info req = {};
	struct net_device *dev;
	u32 rss_context;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, ETHTOOL_A_RSS_CONTEXT))
		return -EINVAL;
	rss_context = nla_get_u32(id_attr);

	ret = ethnl_parse_header_dev_get(&req, info->attrs[ETHTOOL_A_RSS_HEADER],
					 genl_info_net(info), info->extack,
					 true);
	if (ret < 0)
		return ret;
	dev = req.dev;

	if (!dev->ethtool_ops->create_rxfh_context) {
		NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
				    "device does not support additional RSS contexts");
		ret = -EOPNOTSUPP;
		goto out_dev;
	}

	rtnl_lock();
	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		goto out_rtnl;

	mutex_lock(&dev->ethtool->rss_lock);
	ctx = xa_load(&dev->ethtool->rss_ctx, rss_context);
	if (!ctx) {
		NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
				    "no such RSS context");
		ret = -ENOENT;
		goto out_unlock;
	}

	/* The driver refuses while the context is in use (e.g. by a rule) */
	ret = dev->ethtool_ops->remove_rxfh_context(dev, ctx, rss_context,
						    info->extack);
	if (ret) {
		NL_SET_BAD_ATTR(info->extack, id_attr);
		goto out_unlock;
	}

	WARN_ON(xa_erase(&dev->ethtool->rss_ctx, rss_context) != ctx);
	kfree(ctx);
out_unlock:
	mutex_unlock(&dev->ethtool->rss_lock);
	if (!ret)
		ethtool_rss_notify(dev, ETHTOOL_MSG_RSS_DELETE_NTF, rss_context);
	ethnl_ops_complete(dev);
out_rtnl:
	rtnl_unlock();
out_dev:
	ethnl_parse_header_dev_put(&req);
	return ret;
}
