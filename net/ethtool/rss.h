/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _NET_ETHTOOL_RSS_H
#define _NET_ETHTOOL_RSS_H

#include "netlink.h"

/* The state of one RSS context as RSS_GET reports it.  rss.c reads it
 * (get, dump, notifications); rss_ctx.c changes it (set, create, delete).
 */

struct rss_req_info {
	struct ethnl_req_info		base;
	u32				rss_context;
};

struct rss_reply_data {
	struct ethnl_reply_data		base;
	bool				no_key_fields;
	bool				has_flow_hash;
	u32				indir_size;
	u32				hkey_size;
	u32				hfunc;
	u32				input_xfrm;
	u32				*indir_table;
	u8				*hkey;
	/* RXH_* fields per ETHTOOL_A_FLOW_* type, valid where the bit is set */
	u32				flow_hash[__ETHTOOL_A_FLOW_CNT];
	DECLARE_BITMAP(flow_hash_ok, __ETHTOOL_A_FLOW_CNT);
};

#define RSS_REQINFO(__req_base) \
	container_of(__req_base, struct rss_req_info, base)

#define RSS_REPDATA(__reply_base) \
	container_of(__reply_base, struct rss_reply_data, base)

/* ETHTOOL_A_FLOW_* to the ioctl's *_FLOW flow types */
extern const u8 ethtool_rxfh_ft_nl2ioctl[__ETHTOOL_A_FLOW_CNT];

int ethnl_rss_prepare(const struct rss_req_info *request,
		      struct net_device *dev, struct rss_reply_data *data,
		      const struct genl_info *info);
int ethnl_rss_reply_size(const struct ethnl_req_info *req_base,
			 const struct ethnl_reply_data *reply_base);
int ethnl_rss_fill_reply(struct sk_buff *skb,
			 const struct ethnl_req_info *req_base,
			 const struct ethnl_reply_data *reply_base);
void ethnl_rss_cleanup_data(struct ethnl_reply_data *reply_base);

int ethnl_rss_set_validate(struct ethnl_req_info *req_info,
			   struct genl_info *info);
int ethnl_rss_set(struct ethnl_req_info *req_info, struct genl_info *info);

#endif /* _NET_ETHTOOL_RSS_H */
