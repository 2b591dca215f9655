// SPDX-License-Identifier: GPL-2.0-only
/*
 * FLOW_RULE_GET, FLOW_RULE_ADD, FLOW_RULE_DEL and their notifications:
 * ntuple flow rules over netlink.  Proposed; there is no upstream
 * equivalent yet.
 *
 * A rule travels as typed attributes, a value and a mask per match field,
 * and the core converts them to and from the struct ethtool_rx_flow_spec
 * that the ioctl's ETHTOOL_GRXCLSRULE and ETHTOOL_SRXCLSRLINS carry.  The
 * driver is reached through get_rxnfc/set_rxnfc, under RTNL as from the
 * ioctl, so that every ntuple-capable driver gains these messages.  An add
 * is checked entirely (policy, the fields its flow type carries, location,
 * action against the device's queues and RSS contexts) before the driver
 * is called: set_rxnfc has no extack to say what it refused.
 */

#include <linux/in6.h>
#include <linux/sort.h>

#include "common.h"
#include "delegate.h"
#include "netlink.h"

/* Proposed ABI that ethtool userspace codes against: a renumbering must
 * fail the build.
 */
static_assert(ETHTOOL_MSG_FLOW_RULE_GET == 52);
static_assert(ETHTOOL_MSG_FLOW_RULE_ADD == 53);
static_assert(ETHTOOL_MSG_FLOW_RULE_DEL == 54);
static_assert(ETHTOOL_MSG_FLOW_RULE_GET_REPLY == 55);
static_assert(ETHTOOL_MSG_FLOW_RULE_ADD_REPLY == 56);
static_assert(ETHTOOL_MSG_FLOW_RULE_NTF == 57);
static_assert(ETHTOOL_MSG_FLOW_RULE_DEL_NTF == 58);

struct flow_rule_req_info {
	struct ethnl_req_info		base;
	u32				location;
};

struct flow_rule_reply_data {
	struct ethnl_reply_data		base;
	u32				table_size;
	/* fs and rss_context as ETHTOOL_GRXCLSRULE returned them */
	struct ethtool_rxnfc		rxnfc;
};

#define FLOW_RULE_REQINFO(__req_base) \
	container_of(__req_base, struct flow_rule_req_info, base)

#define FLOW_RULE_REPDATA(__reply_base) \
	container_of(__reply_base, struct flow_rule_reply_data, base)

/* Flags of fs->flow_type that the attributes carry elsewhere */
#define FLOW_RULE_FLAGS		(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)

/**
 * struct flow_rule_field - a match field of struct ethtool_rx_flow_spec
 * @attr: its value attribute; the mask attribute is @attr + 1
 * @offset: its offset in the flow type's member of h_u and m_u, or in
 *	h_ext and m_ext
 * @ext: 0 for a field of h_u, else the flow_type flag (%FLOW_EXT or
 *	%FLOW_MAC_EXT) that makes the core and the driver look at it in h_ext
 */
struct flow_rule_field {
	u8	attr;
	u16	offset;
	u32	ext;
};

/* The length of each field, that of its value and mask attributes, in
 * network byte order as in struct ethtool_rx_flow_spec
 */
static const u8 flow_match_len[ETHTOOL_A_FLOW_MATCH_MAX + 1] = {
	[ETHTOOL_A_FLOW_MATCH_SRC_IP4]		= sizeof(__be32),
	[ETHTOOL_A_FLOW_MATCH_DST_IP4]		= sizeof(__be32),
	[ETHTOOL_A_FLOW_MATCH_SRC_IP6]		= sizeof(struct in6_addr),
	[ETHTOOL_A_FLOW_MATCH_DST_IP6]		= sizeof(struct in6_addr),
	[ETHTOOL_A_FLOW_MATCH_SRC_PORT]		= sizeof(__be16),
	[ETHTOOL_A_FLOW_MATCH_DST_PORT]		= sizeof(__be16),
	[ETHTOOL_A_FLOW_MATCH_TOS]		= sizeof(u8),
	[ETHTOOL_A_FLOW_MATCH_L4_PROTO]		= sizeof(u8),
	[ETHTOOL_A_FLOW_MATCH_SPI]		= sizeof(__be32),
	[ETHTOOL_A_FLOW_MATCH_L4_4_BYTES]	= sizeof(__be32),
	[ETHTOOL_A_FLOW_MATCH_SRC_MAC]		= ETH_ALEN,
	[ETHTOOL_A_FLOW_MATCH_DST_MAC]		= ETH_ALEN,
	[ETHTOOL_A_FLOW_MATCH_ETHERTYPE]	= sizeof(__be16),
	[ETHTOOL_A_FLOW_MATCH_VLAN_ETYPE]	= sizeof(__be16),
	[ETHTOOL_A_FLOW_MATCH_VLAN_TCI]		= sizeof(__be16),
	[ETHTOOL_A_FLOW_MATCH_USER_DEF]		= 2 * sizeof(__be32),
};

#define FLOW_FIELD(_attr, _type, _member) {				\
	.attr	= ETHTOOL_A_FLOW_MATCH_ ## _attr,			\
	.offset	= offsetof(_type, _member),				\
}

#define FLOW_EXT_FIELD(_attr, _flag, _member) {				\
	.attr	= ETHTOOL_A_FLOW_MATCH_ ## _attr,			\
	.offset	= offsetof(struct ethtool_flow_ext, _member),		\
	.ext	= _flag,						\
}

static const struct flow_rule_field flow_ip4_l4_fields[] = {
	FLOW_FIELD(SRC_IP4, struct ethtool_tcpip4_spec, ip4src),
	FLOW_FIELD(DST_IP4, struct ethtool_tcpip4_spec, ip4dst),
	FLOW_FIELD(SRC_PORT, struct ethtool_tcpip4_spec, psrc),
	FLOW_FIELD(DST_PORT, struct ethtool_tcpip4_spec, pdst),
	FLOW_FIELD(TOS, struct ethtool_tcpip4_spec, tos),
	{}
};

static const struct flow_rule_field flow_ip4_spi_fields[] = {
	FLOW_FIELD(SRC_IP4, struct ethtool_ah_espip4_spec, ip4src),
	FLOW_FIELD(DST_IP4, struct ethtool_ah_espip4_spec, ip4dst),
	FLOW_FIELD(SPI, struct ethtool_ah_espip4_spec, spi),
	FLOW_FIELD(TOS, struct ethtool_ah_espip4_spec, tos),
	{}
};

static const struct flow_rule_field flow_ip4_user_fields[] = {
	FLOW_FIELD(SRC_IP4, struct ethtool_usrip4_spec, ip4src),
	FLOW_FIELD(DST_IP4, struct ethtool_usrip4_spec, ip4dst),
	FLOW_FIELD(L4_4_BYTES, struct ethtool_usrip4_spec, l4_4_bytes),
	FLOW_FIELD(TOS, struct ethtool_usrip4_spec, tos),
	FLOW_FIELD(L4_PROTO, struct ethtool_usrip4_spec, proto),
	{}
};

static const struct flow_rule_field flow_ip6_l4_fields[] = {
	FLOW_FIELD(SRC_IP6, struct ethtool_tcpip6_spec, ip6src),
	FLOW_FIELD(DST_IP6, struct ethtool_tcpip6_spec, ip6dst),
	FLOW_FIELD(SRC_PORT, struct ethtool_tcpip6_spec, psrc),
	FLOW_FIELD(DST_PORT, struct ethtool_tcpip6_spec, pdst),
	FLOW_FIELD(TOS, struct ethtool_tcpip6_spec, tclass),
	{}
};

static const struct flow_rule_field flow_ip6_spi_fields[] = {
	FLOW_FIELD(SRC_IP6, struct ethtool_ah_espip6_spec, ip6src),
	FLOW_FIELD(DST_IP6, struct ethtool_ah_espip6_spec, ip6dst),
	FLOW_FIELD(SPI, struct ethtool_ah_espip6_spec, spi),
	FLOW_FIELD(TOS, struct ethtool_ah_espip6_spec, tclass),
	{}
};

static const struct flow_rule_field flow_ip6_user_fields[] = {
	FLOW_FIELD(SRC_IP6, struct ethtool_usrip6_spec, ip6src),
	FLOW_FIELD(DST_IP6, struct ethtool_usrip6_spec, ip6dst),
	FLOW_FIELD(L4_4_BYTES, struct ethtool_usrip6_spec, l4_4_bytes),
	FLOW_FIELD(TOS, struct ethtool_usrip6_spec, tclass),
	FLOW_FIELD(L4_PROTO, struct ethtool_usrip6_spec, l4_proto),
	{}
};

static const struct flow_rule_field flow_ether_fields[] = {
	FLOW_FIELD(SRC_MAC, struct ethhdr, h_source),
	FLOW_FIELD(DST_MAC, struct ethhdr, h_dest),
	FLOW_FIELD(ETHERTYPE, struct ethhdr, h_proto),
	{}
};

/* Every flow type may add these; an ether rule has its own DST_MAC.
 * Like the lists above, ends with an empty entry.
 */
static const struct flow_rule_field flow_ext_fields[] = {
	FLOW_EXT_FIELD(VLAN_ETYPE, FLOW_EXT, vlan_etype),
	FLOW_EXT_FIELD(VLAN_TCI, FLOW_EXT, vlan_tci),
	FLOW_EXT_FIELD(USER_DEF, FLOW_EXT, data),
	FLOW_EXT_FIELD(DST_MAC, FLOW_MAC_EXT, h_dest),
	{}
};

/**
 * struct flow_rule_type - a flow type and the fields of its h_u member
 * @flow_type: %TCP_V4_FLOW ... %ETHER_FLOW, without flags
 * @name: for error messages
 * @fields: the fields of its member of h_u, up to an empty entry
 */
struct flow_rule_type {
	u32				flow_type;
	const char			*name;
	const struct flow_rule_field	*fields;
};

#define FLOW_TYPE(_type, _name, _fields) {				\
	.flow_type	= _type,					\
	.name		= _name,					\
	.fields		= _fields,					\
}

static const struct flow_rule_type flow_rule_types[] = {
	FLOW_TYPE(TCP_V4_FLOW, "tcp4", flow_ip4_l4_fields),
	FLOW_TYPE(UDP_V4_FLOW, "udp4", flow_ip4_l4_fields),
	FLOW_TYPE(SCTP_V4_FLOW, "sctp4", flow_ip4_l4_fields),
	FLOW_TYPE(AH_V4_FLOW, "ah4", flow_ip4_spi_fields),
	FLOW_TYPE(ESP_V4_FLOW, "esp4", flow_ip4_spi_fields),
	FLOW_TYPE(IPV4_USER_FLOW, "ip4", flow_ip4_user_fields),
	FLOW_TYPE(TCP_V6_FLOW, "tcp6", flow_ip6_l4_fields),
	FLOW_TYPE(UDP_V6_FLOW, "udp6", flow_ip6_l4_fields),
	FLOW_TYPE(SCTP_V6_FLOW, "sctp6", flow_ip6_l4_fields),
	FLOW_TYPE(AH_V6_FLOW, "ah6", flow_ip6_spi_fields),
	FLOW_TYPE(ESP_V6_FLOW, "esp6", flow_ip6_spi_fields),
	FLOW_TYPE(IPV6_USER_FLOW, "ip6", flow_ip6_user_fields),
	FLOW_TYPE(ETHER_FLOW, "ether", flow_ether_fields),
};

static const struct flow_rule_type *flow_rule_type_find(u32 flow_type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flow_rule_types); i++)
		if (flow_rule_types[i].flow_type == flow_type)
			return &flow_rule_types[i];
	return NULL;
}

/* The field after @field that @type may carry (the first for NULL): its
 * own fields, then the extension fields; NULL after the last
 */
static const struct flow_rule_field *
flow_rule_field_next(const struct flow_rule_type *type,
		     const struct flow_rule_field *field)
{
	if (!field)
		return type->fields;
	field++;
	if (field->attr)
		return field;
	return field[-1].ext ? NULL : flow_ext_fields;
}

/* The field of @type that @attr is the value attribute of, or NULL */
static const struct flow_rule_field *
flow_rule_field_find(const struct flow_rule_type *type, unsigned int attr)
{
	const struct flow_rule_field *field;

	for (field = flow_rule_field_next(type, NULL); field;
	     field = flow_rule_field_next(type, field))
		if (field->attr == attr &&
		    !(type->flow_type == ETHER_FLOW && field->ext == FLOW_MAC_EXT))
			return field;
	return NULL;
}

/* Where the value (@mask false) or mask of @field lives in @fs */
static u8 *flow_rule_field_ptr(struct ethtool_rx_flow_spec *fs,
			       const struct flow_rule_field *field, bool mask)
{
	u8 *base;

	if (field->ext)
		base = mask ? (u8 *)&fs->m_ext : (u8 *)&fs->h_ext;
	else
		base = mask ? (u8 *)&fs->m_u : (u8 *)&fs->h_u;
	return base + field->offset;
}

/* Whether GET reports @field of @fs: compared, and where the driver looks */
static bool flow_rule_field_shown(struct ethtool_rx_flow_spec *fs,
				  const struct flow_rule_type *type,
				  const struct flow_rule_field *field)
{
	if (field->ext && !(fs->flow_type & field->ext))
		return false;
	if (field->ext == FLOW_MAC_EXT && type->flow_type == ETHER_FLOW)
		return false;
	return memchr_inv(flow_rule_field_ptr(fs, field, true), 0,
			  flow_match_len[field->attr]);
}

/* FLOW_RULE_GET */

const struct nla_policy ethnl_flow_rule_get_policy[] = {
	[ETHTOOL_A_FLOW_RULE_HEADER]	=
		NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_FLOW_RULE_LOCATION]	= { .type = NLA_U32 },
};

static int
flow_rule_parse_request(struct ethnl_req_info *req_base, struct nlattr **tb,
			struct netlink_ext_ack *extack)
{
	struct flow_rule_req_info *req = FLOW_RULE_REQINFO(req_base);

	/* A dump has its own start(); this is a do */
	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, ETHTOOL_A_FLOW_RULE_LOCATION))
		return -EINVAL;
	req->location = nla_get_u32(tb[ETHTOOL_A_FLOW_RULE_LOCATION]);
	return 0;
}

/* The size of the device's rule table; *special: the driver places
 * rules at the RX_CLS_LOC_* locations itself.
 */
static int flow_rule_table_size(struct net_device *dev, u32 *size,
				u32 *count, bool *special)
{
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_GRXCLSRLCNT };
	int ret;

	ret = dev->ethtool_ops->get_rxnfc(dev, &info, NULL);
	if (ret < 0)
		return ret;
	*size = info.data & ~(u64)RX_CLS_LOC_SPECIAL;
	*count = info.rule_cnt;
	if (special)
		*special = info.data & RX_CLS_LOC_SPECIAL;
	return 0;
}

/* Read the rule at @location: table size and rule, with ops begun */
static int flow_rule_read(struct net_device *dev, u32 location,
			  struct flow_rule_reply_data *data)
{
	u32 count;
	int ret;

	ret = flow_rule_table_size(dev, &data->table_size, &count, NULL);
	if (ret < 0)
		return ret;

	memset(&data->rxnfc, 0, sizeof(data->rxnfc));
	data->rxnfc.cmd = ETHTOOL_GRXCLSRULE;
	data->rxnfc.fs.location = location;
	return dev->ethtool_ops->get_rxnfc(dev, &data->rxnfc, NULL);
}

static int flow_rule_prepare_data(const struct ethnl_req_info *req_base,
				  struct ethnl_reply_data *reply_base,
				  const struct genl_info *info)
{
	const struct flow_rule_req_info *req = FLOW_RULE_REQINFO(req_base);
	struct flow_rule_reply_data *data = FLOW_RULE_REPDATA(reply_base);
	struct nlattr *loc_attr = info->attrs ?
		info->attrs[ETHTOOL_A_FLOW_RULE_LOCATION] : NULL;
	struct net_device *dev = reply_base->dev;
	int ret;

	if (!dev->ethtool_ops->get_rxnfc) {
		NL_SET_ERR_MSG(info->extack, "device has no flow rules");
		return -EOPNOTSUPP;
	}

	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		return ret;
	ret = flow_rule_read(dev, req->location, data);
	ethnl_ops_complete(dev);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR_FMT(info->extack, loc_attr,
					"no rule at location %u", req->location);
	else if (ret < 0)
		NL_SET_ERR_MSG(info->extack, "cannot read the flow rule");
	return ret;
}

static size_t flow_rule_match_size(struct ethtool_rx_flow_spec *fs,
				   const struct flow_rule_type *type)
{
	const struct flow_rule_field *field;
	size_t len = nla_total_size(0);	/* _FLOW_RULE_MATCH */

	for (field = flow_rule_field_next(type, NULL); field;
	     field = flow_rule_field_next(type, field)) {
		if (flow_rule_field_shown(fs, type, field))	/* value, mask */
			len += 2 * nla_total_size(flow_match_len[field->attr]);
	}
	return len;
}

static int flow_rule_reply_size(const struct ethnl_req_info *req_base,
				const struct ethnl_reply_data *reply_base)
{
	struct flow_rule_reply_data *data = FLOW_RULE_REPDATA(reply_base);
	struct ethtool_rx_flow_spec *fs = &data->rxnfc.fs;
	const struct flow_rule_type *type;
	int len;

	len = nla_total_size(sizeof(u32)) +	/* _FLOW_RULE_LOCATION */
	      nla_total_size(sizeof(u32)) +	/* _FLOW_RULE_FLOW_TYPE */
	      nla_total_size(sizeof(u32)) +	/* _FLOW_RULE_TABLE_SIZE */
	      nla_total_size(0) +		/* _FLOW_RULE_ACTION */
	      3 * nla_total_size(sizeof(u32));	/* _FLOW_ACTION_{QUEUE,CONTEXT,VF} */

	type = flow_rule_type_find(fs->flow_type & ~FLOW_RULE_FLAGS);
	if (type)
		len += flow_rule_match_size(fs, type);
	return len;
}

static int flow_rule_fill_match(struct sk_buff *skb,
				struct ethtool_rx_flow_spec *fs,
				const struct flow_rule_type *type)
{
	const struct flow_rule_field *field;
	struct nlattr *nest;
	u8 len;

	nest = nla_nest_start(skb, ETHTOOL_A_FLOW_RULE_MATCH);
	if (!nest)
		return -EMSGSIZE;
	for (field = flow_rule_field_next(type, NULL); field;
	     field = flow_rule_field_next(type, field)) {
		if (!flow_rule_field_shown(fs, type, field))
			continue;
		len = flow_match_len[field->attr];
		if (nla_put(skb, field->attr, len,
			    flow_rule_field_ptr(fs, field, false)) ||
		    nla_put(skb, field->attr + 1, len,
			    flow_rule_field_ptr(fs, field, true))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flow_rule_fill_action(struct sk_buff *skb,
				 const struct ethtool_rxnfc *rxnfc)
{
	const struct ethtool_rx_flow_spec *fs = &rxnfc->fs;
	u64 cookie = fs->ring_cookie;
	struct nlattr *nest;
	u32 vf;

	nest = nla_nest_start(skb, ETHTOOL_A_FLOW_RULE_ACTION);
	if (!nest)
		return -EMSGSIZE;

	if (cookie == RX_CLS_FLOW_DISC) {
		if (nla_put_flag(skb, ETHTOOL_A_FLOW_ACTION_DROP))
			goto err_cancel;
	} else if (cookie == RX_CLS_FLOW_WAKE) {
		if (nla_put_flag(skb, ETHTOOL_A_FLOW_ACTION_WAKE))
			goto err_cancel;
	} else {
		vf = ethtool_get_flow_spec_ring_vf(cookie);
		if (nla_put_u32(skb, ETHTOOL_A_FLOW_ACTION_QUEUE,
				ethtool_get_flow_spec_ring(cookie)) ||
		    ((fs->flow_type & FLOW_RSS) &&
		     nla_put_u32(skb, ETHTOOL_A_FLOW_ACTION_CONTEXT,
				 rxnfc->rss_context)) ||
		    (vf && nla_put_u32(skb, ETHTOOL_A_FLOW_ACTION_VF, vf)))
			goto err_cancel;
	}

	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int flow_rule_fill_reply(struct sk_buff *skb,
				const struct ethnl_req_info *req_base,
				const struct ethnl_reply_data *reply_base)
{
	struct flow_rule_reply_data *data = FLOW_RULE_REPDATA(reply_base);
	struct ethtool_rx_flow_spec *fs = &data->rxnfc.fs;
	u32 flow_type = fs->flow_type & ~FLOW_RULE_FLAGS;
	const struct flow_rule_type *type;

	if (nla_put_u32(skb, ETHTOOL_A_FLOW_RULE_LOCATION, fs->location) ||
	    nla_put_u32(skb, ETHTOOL_A_FLOW_RULE_TABLE_SIZE,
			data->table_size) ||
	    nla_put_u32(skb, ETHTOOL_A_FLOW_RULE_FLOW_TYPE, flow_type))
		return -EMSGSIZE;

	/* A flow type this file does not know: its type, not its fields */
	type = flow_rule_type_find(flow_type);
	if (type && flow_rule_fill_match(skb, fs, type))
		return -EMSGSIZE;

	return flow_rule_fill_action(skb, &data->rxnfc);
}

const struct ethnl_request_ops ethnl_flow_rule_request_ops = {
	.request_cmd		= ETHTOOL_MSG_FLOW_RULE_GET,
	.reply_cmd		= ETHTOOL_MSG_FLOW_RULE_GET_REPLY,
	.hdr_attr		= ETHTOOL_A_FLOW_RULE_HEADER,
	.req_info_size		= sizeof(struct flow_rule_req_info),
	.reply_data_size	= sizeof(struct flow_rule_reply_data),

	.parse_request		= flow_rule_parse_request,
	.prepare_data		= flow_rule_prepare_data,
	.reply_size		= flow_rule_reply_size,
	.fill_reply		= flow_rule_fill_reply,
};

/* FLOW_RULE_GET dump: one message per rule, of one device or all */

struct flow_rule_dump_ctx {
	unsigned long		ifindex;
	/* the next rule of the device: the first at or after this location */
	u32			location;
	/* only the device the request named */
	unsigned int		match_ifindex;
};

static struct flow_rule_dump_ctx *flow_rule_dump_ctx(struct netlink_callback *cb)
{
	NL_ASSERT_DUMP_CTX_FITS(struct flow_rule_dump_ctx);

	return (struct flow_rule_dump_ctx *)cb->ctx;
}

int ethnl_flow_rule_dump_start(struct netlink_callback *cb)
{
	struct flow_rule_dump_ctx *ctx = flow_rule_dump_ctx(cb);
	const struct genl_info *info = genl_info_dump(cb);
	struct ethnl_req_info req_info = {};
	struct nlattr **tb = info->attrs;
	int ret;

	if (tb[ETHTOOL_A_FLOW_RULE_LOCATION]) {
		NL_SET_ERR_MSG_ATTR(cb->extack,
				    tb[ETHTOOL_A_FLOW_RULE_LOCATION],
				    "a dump returns every rule; use a do for one location");
		return -EINVAL;
	}

	ret = ethnl_parse_header_dev_get(&req_info,
					 tb[ETHTOOL_A_FLOW_RULE_HEADER],
					 sock_net(cb->skb->sk), cb->extack,
					 false);
	if (req_info.dev) {
		ctx->match_ifindex = req_info.dev->ifindex;
		ctx->ifindex = ctx->match_ifindex;
		ethnl_parse_header_dev_put(&req_info);
	}
	return ret;
}

static int flow_rule_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			      struct net_device *dev, u32 location)
{
	struct flow_rule_reply_data data = { .base.dev = dev };
	void *ehdr;
	int ret;

	ret = flow_rule_read(dev, location, &data);
	if (ret == -ENOENT)	/* gone since ETHTOOL_GRXCLSRLALL */
		return 0;
	if (ret < 0)
		return ret;

	ehdr = ethnl_dump_put(skb, cb, ETHTOOL_MSG_FLOW_RULE_GET_REPLY);
	if (!ehdr)
		return -EMSGSIZE;
	ret = ethnl_fill_reply_header(skb, dev, ETHTOOL_A_FLOW_RULE_HEADER);
	if (!ret)
		ret = flow_rule_fill_reply(skb, NULL, &data.base);
	if (ret < 0) {
		genlmsg_cancel(skb, ehdr);
		return ret;
	}
	genlmsg_end(skb, ehdr);
	return 0;
}

static int flow_rule_loc_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The rule locations of @dev, ascending; *locs is NULL when none */
static int flow_rule_locations(struct net_device *dev, u32 **locs, u32 *n)
{
	struct ethtool_rxnfc info = { .cmd = ETHTOOL_GRXCLSRLALL };
	u32 size, count;
	int ret;

	*locs = NULL;
	*n = 0;
	ret = flow_rule_table_size(dev, &size, &count, NULL);
	if (ret < 0 || !count)
		return ret;

	*locs = kcalloc(count, sizeof(u32), GFP_KERNEL);
	if (!*locs)
		return -ENOMEM;
	info.rule_cnt = count;
	ret = dev->ethtool_ops->get_rxnfc(dev, &info, *locs);
	if (ret < 0) {
		kfree(*locs);
		*locs = NULL;
		return ret;
	}
	*n = min(info.rule_cnt, count);
	sort(*locs, *n, sizeof(u32), flow_rule_loc_cmp, NULL);
	return 0;
}

static int flow_rule_dump_dev(struct sk_buff *skb, struct netlink_callback *cb,
			      struct net_device *dev)
{
	struct flow_rule_dump_ctx *ctx = flow_rule_dump_ctx(cb);
	u32 *locs, n, i;
	int ret;

	if (!dev->ethtool_ops->get_rxnfc)
		return 0;

	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		return ret;
	ret = flow_rule_locations(dev, &locs, &n);
	if (ret < 0) {
		/* A device without a rule table has no rules to dump */
		ret = ret == -EOPNOTSUPP ? 0 : ret;
		goto out;
	}

	for (i = 0; i < n; i++) {
		if (locs[i] < ctx->location)
			continue;
		ret = flow_rule_dump_one(skb, cb, dev, locs[i]);
		if (ret) {
			ctx->location = locs[i];
			goto out;
		}
	}
	ctx->location = 0;
out:
	kfree(locs);
	ethnl_ops_complete(dev);
	return ret;
}

int ethnl_flow_rule_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct flow_rule_dump_ctx *ctx = flow_rule_dump_ctx(cb);
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	int ret = 0;

	rtnl_lock();
	for_each_netdev_dump(net, dev, ctx->ifindex) {
		if (ctx->match_ifindex && ctx->match_ifindex != ctx->ifindex)
			break;

		ret = flow_rule_dump_dev(skb, cb, dev);
		if (ret)
			break;
	}
	rtnl_unlock();

	return ret;
}

/* FLOW_RULE_NTF, FLOW_RULE_DEL_NTF */

/* A deleted rule has nothing left to describe: header and location. */
static void flow_rule_del_notify(struct net_device *dev, u32 location)
{
	struct sk_buff *ntf;
	void *hdr;

	ntf = genlmsg_new(ethnl_reply_header_size() +
			  nla_total_size(sizeof(u32)),	/* _FLOW_RULE_LOCATION */
			  GFP_KERNEL);
	if (!ntf)
		return;

	hdr = ethnl_bcastmsg_put(ntf, ETHTOOL_MSG_FLOW_RULE_DEL_NTF);
	if (!hdr ||
	    ethnl_fill_reply_header(ntf, dev, ETHTOOL_A_FLOW_RULE_HEADER) ||
	    nla_put_u32(ntf, ETHTOOL_A_FLOW_RULE_LOCATION, location)) {
		nlmsg_free(ntf);
		return;
	}

	genlmsg_end(ntf, hdr);
	ethnl_multicast(ntf, dev);
}

/**
 * ethtool_flow_rule_notify() - tell the monitor group about a rule change
 * @dev: network device
 * @type: %ETHTOOL_MSG_FLOW_RULE_NTF (a rule was added; the notification
 *	carries it as FLOW_RULE_GET reports it) or
 *	%ETHTOOL_MSG_FLOW_RULE_DEL_NTF (carries the location only)
 * @location: the rule's location
 *
 * Called with RTNL held, after the driver took the change; the ioctl path
 * calls this too.
 */
void ethtool_flow_rule_notify(struct net_device *dev, u32 type, u32 location)
{
	struct flow_rule_req_info req_info = {
		.location	= location,
	};

	if (type == ETHTOOL_MSG_FLOW_RULE_DEL_NTF)
		flow_rule_del_notify(dev, location);
	else
		ethnl_notify(dev, type, &req_info.base);
}

/* FLOW_RULE_ADD */

static const struct nla_policy flow_match_policy[] = {
	[ETHTOOL_A_FLOW_MATCH_SRC_IP4]		= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_SRC_IP4_MASK]	= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_DST_IP4]		= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_DST_IP4_MASK]	= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_SRC_IP6]		= NLA_POLICY_EXACT_LEN(16),
	[ETHTOOL_A_FLOW_MATCH_SRC_IP6_MASK]	= NLA_POLICY_EXACT_LEN(16),
	[ETHTOOL_A_FLOW_MATCH_DST_IP6]		= NLA_POLICY_EXACT_LEN(16),
	[ETHTOOL_A_FLOW_MATCH_DST_IP6_MASK]	= NLA_POLICY_EXACT_LEN(16),
	[ETHTOOL_A_FLOW_MATCH_SRC_PORT]		= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_SRC_PORT_MASK]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_DST_PORT]		= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_DST_PORT_MASK]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_TOS]		= { .type = NLA_U8 },
	[ETHTOOL_A_FLOW_MATCH_TOS_MASK]		= { .type = NLA_U8 },
	[ETHTOOL_A_FLOW_MATCH_L4_PROTO]		= { .type = NLA_U8 },
	[ETHTOOL_A_FLOW_MATCH_L4_PROTO_MASK]	= { .type = NLA_U8 },
	[ETHTOOL_A_FLOW_MATCH_SPI]		= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_SPI_MASK]		= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_L4_4_BYTES]	= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_L4_4_BYTES_MASK]	= { .type = NLA_BE32 },
	[ETHTOOL_A_FLOW_MATCH_SRC_MAC]		= NLA_POLICY_ETH_ADDR,
	[ETHTOOL_A_FLOW_MATCH_SRC_MAC_MASK]	= NLA_POLICY_ETH_ADDR,
	[ETHTOOL_A_FLOW_MATCH_DST_MAC]		= NLA_POLICY_ETH_ADDR,
	[ETHTOOL_A_FLOW_MATCH_DST_MAC_MASK]	= NLA_POLICY_ETH_ADDR,
	[ETHTOOL_A_FLOW_MATCH_ETHERTYPE]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_ETHERTYPE_MASK]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_VLAN_ETYPE]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_VLAN_ETYPE_MASK]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_VLAN_TCI]		= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_VLAN_TCI_MASK]	= { .type = NLA_BE16 },
	[ETHTOOL_A_FLOW_MATCH_USER_DEF]		= NLA_POLICY_EXACT_LEN(8),
	[ETHTOOL_A_FLOW_MATCH_USER_DEF_MASK]	= NLA_POLICY_EXACT_LEN(8),
};

static const struct nla_policy flow_action_policy[] = {
	[ETHTOOL_A_FLOW_ACTION_QUEUE]	= { .type = NLA_U32 },
	[ETHTOOL_A_FLOW_ACTION_CONTEXT]	= { .type = NLA_U32 },
	[ETHTOOL_A_FLOW_ACTION_DROP]	= { .type = NLA_FLAG },
	[ETHTOOL_A_FLOW_ACTION_WAKE]	= { .type = NLA_FLAG },
	[ETHTOOL_A_FLOW_ACTION_VF]	= NLA_POLICY_MAX(NLA_U32, U8_MAX),
};

const struct nla_policy ethnl_flow_rule_add_policy[] = {
	[ETHTOOL_A_FLOW_RULE_HEADER]	=
		NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_FLOW_RULE_LOCATION]	= { .type = NLA_U32 },
	[ETHTOOL_A_FLOW_RULE_FLOW_TYPE]	= { .type = NLA_U32 },
	[ETHTOOL_A_FLOW_RULE_MATCH]	= NLA_POLICY_NESTED(flow_match_policy),
	[ETHTOOL_A_FLOW_RULE_ACTION]	= NLA_POLICY_NESTED(flow_action_policy),
};

static_assert(ARRAY_SIZE(ethnl_flow_rule_add_policy) ==
	      ETHTOOL_A_FLOW_RULE_ACTION + 1);

/* A rule as the request gives it, before the device is looked at */
struct flow_rule_add_req {
	struct ethtool_rxnfc	rxnfc;
	struct nlattr		*action[ETHTOOL_A_FLOW_ACTION_MAX + 1];
};

static int flow_rule_parse_match(struct ethtool_rx_flow_spec *fs,
				 const struct flow_rule_type *type,
				 struct nlattr *nest,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ETHTOOL_A_FLOW_MATCH_MAX + 1];
	const struct flow_rule_field *field;
	unsigned int attr, i, len;
	u8 *value, *mask;
	int ret;

	if (!nest)
		return 0;
	ret = nla_parse_nested(tb, ETHTOOL_A_FLOW_MATCH_MAX, nest,
			       flow_match_policy, extack);
	if (ret < 0)
		return ret;

	for (attr = 1; attr < ETHTOOL_A_FLOW_MATCH_MAX; attr += 2) {
		struct nlattr *val_attr = tb[attr], *mask_attr = tb[attr + 1];

		if (!val_attr && !mask_attr)
			continue;
		field = flow_rule_field_find(type, attr);
		if (!field) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, val_attr ?: mask_attr,
						"flow type %s has no such field",
						type->name);
			return -EINVAL;
		}
		if (!val_attr) {
			NL_SET_ERR_MSG_ATTR(extack, mask_attr,
					    "mask without its value");
			return -EINVAL;
		}

		/* the policy makes both attributes this long */
		len = flow_match_len[attr];
		value = flow_rule_field_ptr(fs, field, false);
		mask = flow_rule_field_ptr(fs, field, true);
		memcpy(value, nla_data(val_attr), len);
		if (mask_attr)
			memcpy(mask, nla_data(mask_attr), len);
		else
			memset(mask, 0xff, len);
		for (i = 0; i < len; i++) {
			if (value[i] & ~mask[i]) {
				NL_SET_ERR_MSG_ATTR(extack, val_attr,
						    "value has bits outside its mask");
				return -EINVAL;
			}
		}
		fs->flow_type |= field->ext;
	}

	return 0;
}

static int flow_rule_parse_action(struct flow_rule_add_req *req,
				  struct nlattr *nest,
				  struct netlink_ext_ack *extack)
{
	struct ethtool_rx_flow_spec *fs = &req->rxnfc.fs;
	struct nlattr **tb = req->action;
	struct nlattr *alone, *other;
	u64 vf;
	int ret;

	ret = nla_parse_nested(tb, ETHTOOL_A_FLOW_ACTION_MAX, nest,
			       flow_action_policy, extack);
	if (ret < 0)
		return ret;

	/* DROP and WAKE take no queue, context, VF or each other */
	alone = tb[ETHTOOL_A_FLOW_ACTION_DROP] ?: tb[ETHTOOL_A_FLOW_ACTION_WAKE];
	other = tb[ETHTOOL_A_FLOW_ACTION_QUEUE] ?:
		tb[ETHTOOL_A_FLOW_ACTION_CONTEXT] ?:
		tb[ETHTOOL_A_FLOW_ACTION_VF];
	if (tb[ETHTOOL_A_FLOW_ACTION_DROP] && tb[ETHTOOL_A_FLOW_ACTION_WAKE])
		other = tb[ETHTOOL_A_FLOW_ACTION_WAKE];
	if (alone && other) {
		NL_SET_ERR_MSG_ATTR(extack, other,
				    "conflicts with the drop or wake action");
		return -EINVAL;
	}

	if (tb[ETHTOOL_A_FLOW_ACTION_DROP]) {
		fs->ring_cookie = RX_CLS_FLOW_DISC;
		return 0;
	}
	if (tb[ETHTOOL_A_FLOW_ACTION_WAKE]) {
		fs->ring_cookie = RX_CLS_FLOW_WAKE;
		return 0;
	}
	if (!tb[ETHTOOL_A_FLOW_ACTION_QUEUE] &&
	    !tb[ETHTOOL_A_FLOW_ACTION_CONTEXT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "action needs a queue, a context, drop or wake");
		return -EINVAL;
	}

	vf = tb[ETHTOOL_A_FLOW_ACTION_VF] ?
	     nla_get_u32(tb[ETHTOOL_A_FLOW_ACTION_VF]) : 0;
	fs->ring_cookie = vf << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF;
	if (tb[ETHTOOL_A_FLOW_ACTION_QUEUE])
		fs->ring_cookie |= nla_get_u32(tb[ETHTOOL_A_FLOW_ACTION_QUEUE]);
	if (tb[ETHTOOL_A_FLOW_ACTION_CONTEXT]) {
		fs->flow_type |= FLOW_RSS;
		req->rxnfc.rss_context =
			nla_get_u32(tb[ETHTOOL_A_FLOW_ACTION_CONTEXT]);
	}
	return 0;
}

/* Everything that needs no device state */
static int flow_rule_parse(struct flow_rule_add_req *req,
			   struct genl_info *info)
{
	struct ethtool_rx_flow_spec *fs = &req->rxnfc.fs;
	struct netlink_ext_ack *extack = info->extack;
	const struct flow_rule_type *type;
	struct nlattr **tb = info->attrs;
	u32 flow_type;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, ETHTOOL_A_FLOW_RULE_FLOW_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, ETHTOOL_A_FLOW_RULE_ACTION))
		return -EINVAL;

	flow_type = nla_get_u32(tb[ETHTOOL_A_FLOW_RULE_FLOW_TYPE]);
	type = flow_rule_type_find(flow_type);
	if (!type) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[ETHTOOL_A_FLOW_RULE_FLOW_TYPE],
					"unknown flow type %#x", flow_type);
		return -EINVAL;
	}

	req->rxnfc.cmd = ETHTOOL_SRXCLSRLINS;
	fs->flow_type = flow_type;
	fs->location = tb[ETHTOOL_A_FLOW_RULE_LOCATION] ?
		       nla_get_u32(tb[ETHTOOL_A_FLOW_RULE_LOCATION]) :
		       RX_CLS_LOC_ANY;
	if (fs->location & RX_CLS_LOC_SPECIAL &&
	    fs->location != RX_CLS_LOC_ANY &&
	    fs->location != RX_CLS_LOC_FIRST &&
	    fs->location != RX_CLS_LOC_LAST) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_FLOW_RULE_LOCATION],
				    "unknown special location");
		return -EINVAL;
	}
	/* As the ioctl documents it: ethtool sets the value, not the mask */
	if (flow_type == IPV4_USER_FLOW)
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;

	ret = flow_rule_parse_match(fs, type, tb[ETHTOOL_A_FLOW_RULE_MATCH],
				    extack);
	if (ret)
		return ret;
	return flow_rule_parse_action(req, tb[ETHTOOL_A_FLOW_RULE_ACTION],
				      extack);
}

/* The action against the device's queues and RSS contexts */
static int flow_rule_check_action(struct net_device *dev,
				  struct flow_rule_add_req *req,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *ctx_attr = req->action[ETHTOOL_A_FLOW_ACTION_CONTEXT];
	struct nlattr *queue_attr = req->action[ETHTOOL_A_FLOW_ACTION_QUEUE];
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rx_flow_spec *fs = &req->rxnfc.fs;
	u32 rss_context = req->rxnfc.rss_context;
	bool found = true;
	int rings;
	u32 queue;

	if (fs->ring_cookie == RX_CLS_FLOW_DISC ||
	    fs->ring_cookie == RX_CLS_FLOW_WAKE)
		return 0;
	queue = ethtool_get_flow_spec_ring(fs->ring_cookie);

	if (ctx_attr) {
		if (!ops->cap_rss_ctx_supported && !ops->create_rxfh_context) {
			NL_SET_ERR_MSG_ATTR(extack, ctx_attr,
					    "device does not support RSS contexts");
			return -EOPNOTSUPP;
		}
		if (rss_context) {
			mutex_lock(&dev->ethtool->rss_lock);
			found = xa_load(&dev->ethtool->rss_ctx, rss_context);
			mutex_unlock(&dev->ethtool->rss_lock);
		}
		if (!found) {
			NL_SET_ERR_MSG_ATTR(extack, ctx_attr,
					    "no such RSS context");
			return -ENOENT;
		}
		/* Nonzero ring with RSS only makes sense if NIC adds them */
		if (queue && !ops->cap_rss_rxnfc_adds) {
			NL_SET_ERR_MSG_ATTR(extack, queue_attr,
					    "device does not add a queue offset to the context's queues");
			return -EOPNOTSUPP;
		}
	}

	/* A VF's queues are not the device's */
	if (ethtool_get_flow_spec_ring_vf(fs->ring_cookie) || !queue_attr)
		return 0;

	rings = ethtool_get_rx_ring_count(dev);
	if (rings < 0) {
		NL_SET_ERR_MSG_ATTR(extack, queue_attr,
				    "cannot read the device's Rx ring count");
		return rings;
	}
	if (queue >= rings) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, queue_attr,
					"queue %u out of range (%d queues)",
					queue, rings);
		return -EINVAL;
	}
	return 0;
}

/* Pick the location of RX_CLS_LOC_* for a driver that does not: the
 * lowest free one, or the highest for RX_CLS_LOC_LAST.
 */
static int flow_rule_free_loc(u32 special, u32 size, const u32 *locs, u32 n)
{
	u32 loc, i;

	if (special == RX_CLS_LOC_LAST) {
		for (loc = size, i = n; loc > 0; loc--) {
			while (i > 0 && locs[i - 1] > loc - 1)
				i--;
			if (!i || locs[i - 1] != loc - 1)
				return loc - 1;
		}
		return -ENOSPC;
	}
	for (loc = 0, i = 0; loc < size; loc++) {
		while (i < n && locs[i] < loc)
			i++;
		if (i == n || locs[i] != loc)
			return loc;
	}
	return -ENOSPC;
}

/* The location against the device's table, with ops begun */
static int flow_rule_check_location(struct net_device *dev,
				    struct ethtool_rx_flow_spec *fs,
				    struct genl_info *info)
{
	struct nlattr *loc_attr = info->attrs[ETHTOOL_A_FLOW_RULE_LOCATION];
	struct netlink_ext_ack *extack = info->extack;
	u32 size, count, n, i, *locs;
	bool special;
	int ret;

	ret = flow_rule_table_size(dev, &size, &count, &special);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "device has no flow rule table");
		return ret;
	}
	ret = flow_rule_locations(dev, &locs, &n);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "cannot read the device's flow rules");
		return ret;
	}

	if (fs->location & RX_CLS_LOC_SPECIAL) {
		if (special)	/* the driver places it */
			goto out;
		ret = flow_rule_free_loc(fs->location, size, locs, n);
		if (ret < 0) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, loc_attr,
						"rule table full (%u rules)",
						size);
			goto out;
		}
		fs->location = ret;
		ret = 0;
		goto out;
	}

	if (fs->location >= size) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, loc_attr,
					"location %u out of range (%u rules)",
					fs->location, size);
		ret = -ERANGE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (locs[i] == fs->location) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, loc_attr,
						"location %u in use",
						fs->location);
			ret = -EEXIST;
			goto out;
		}
	}
out:
	kfree(locs);
	return ret;
}

/* set_rxnfc has no extack: say what the driver's errno means here */
static void flow_rule_driver_error(struct net_device *dev,
				   struct genl_info *info, int ret)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	u32 size, count;

	switch (ret) {
	case -EINVAL:
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_FLOW_RULE_MATCH] ?:
				    tb[ETHTOOL_A_FLOW_RULE_FLOW_TYPE],
				    "device cannot match this rule");
		break;
	case -ENOSPC:
		/* With room in the table, what is full is the device's
		 * resources for this match: a mask or filter slot.
		 */
		if (!flow_rule_table_size(dev, &size, &count, NULL) &&
		    count < size) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[ETHTOOL_A_FLOW_RULE_MATCH] ?:
					    tb[ETHTOOL_A_FLOW_RULE_FLOW_TYPE],
					    "no room for this rule's mask: every mask group of the device is in use");
			break;
		}
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_FLOW_RULE_LOCATION],
				    "rule table full");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_FLOW_RULE_LOCATION],
				    "location in use");
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG_ATTR(extack, tb[ETHTOOL_A_FLOW_RULE_FLOW_TYPE],
				    "device does not support this rule");
		break;
	default:
		NL_SET_ERR_MSG(extack, "device refused the rule");
		break;
	}
}

/* Checks of the device that hold for adding and deleting */
static int flow_rule_check_dev(struct net_device *dev,
			       struct netlink_ext_ack *extack)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;

	if (!ops->get_rxnfc || !ops->set_rxnfc) {
		NL_SET_ERR_MSG(extack, "device has no flow rules");
		return -EOPNOTSUPP;
	}
	/* A device that can turn rules off, as ETHTOOL_SRXCLSRLINS needs */
	if ((dev->hw_features & NETIF_F_NTUPLE) &&
	    !(dev->features & NETIF_F_NTUPLE)) {
		NL_SET_ERR_MSG(extack, "the ntuple feature is off");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int flow_rule_add(struct net_device *dev, struct flow_rule_add_req *req,
			 struct genl_info *info)
{
	struct ethtool_rx_flow_spec *fs = &req->rxnfc.fs;
	int ret;

	ret = flow_rule_check_dev(dev, info->extack);
	if (ret)
		return ret;
	ret = flow_rule_check_location(dev, fs, info);
	if (ret)
		return ret;
	ret = flow_rule_check_action(dev, req, info->extack);
	if (ret)
		return ret;

	ret = dev->ethtool_ops->set_rxnfc(dev, &req->rxnfc);
	if (ret)
		flow_rule_driver_error(dev, info, ret);
	return ret;
}

int ethnl_flow_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ethnl_req_info req_info = {};
	struct flow_rule_add_req *req;
	struct net_device *dev;
	struct sk_buff *rsp;
	void *hdr;
	int ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	ret = flow_rule_parse(req, info);
	if (ret)
		goto out_free;

	ret = ethnl_parse_header_dev_get_req(&req_info,
					     info->attrs[ETHTOOL_A_FLOW_RULE_HEADER],
					     info, true);
	if (ret < 0)
		goto out_free;
	dev = req_info.dev;

	/* Sized before the rule goes in, so that the reply can't fail */
	rsp = ethnl_reply_init(ethnl_reply_header_size() +
			       nla_total_size(sizeof(u32)), /* _LOCATION */
			       dev,
			       ETHTOOL_MSG_FLOW_RULE_ADD_REPLY,
			       ETHTOOL_A_FLOW_RULE_HEADER, info, &hdr);
	if (!rsp) {
		ret = -ENOMEM;
		goto out_dev;
	}

	rtnl_lock();
	ret = ethnl_dev_fd_recheck(info);
	if (ret)
		goto out_rtnl;
	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		goto out_rtnl;
	ret = flow_rule_add(dev, req, info);
	if (!ret)
		ethtool_flow_rule_notify(dev, ETHTOOL_MSG_FLOW_RULE_NTF,
					 req->rxnfc.fs.location);
	ethnl_ops_complete(dev);
out_rtnl:
	rtnl_unlock();
	if (ret)
		goto out_rsp;

	ret = nla_put_u32(rsp, ETHTOOL_A_FLOW_RULE_LOCATION,
			  req->rxnfc.fs.location);
	if (WARN_ON_ONCE(ret))
		goto out_rsp;
	genlmsg_end(rsp, hdr);
	ethnl_parse_header_dev_put(&req_info);
	kfree(req);
	return genlmsg_reply(rsp, info);

out_rsp:
	nlmsg_free(rsp);
out_dev:
	ethnl_parse_header_dev_put(&req_info);
out_free:
	kfree(req);
	return ret;
}

/* FLOW_RULE_DEL */

const struct nla_policy ethnl_flow_rule_del_policy[] = {
	[ETHTOOL_A_FLOW_RULE_HEADER]	=
		NLA_POLICY_NESTED(ethnl_header_policy),
	[ETHTOOL_A_FLOW_RULE_LOCATION]	= { .type = NLA_U32 },
};

static_assert(ARRAY_SIZE(ethnl_flow_rule_del_policy) ==
	      ETHTOOL_A_FLOW_RULE_LOCATION + 1);
static_assert(ARRAY_SIZE(ethnl_flow_rule_get_policy) ==
	      ETHTOOL_A_FLOW_RULE_LOCATION + 1);

static int flow_rule_del(struct net_device *dev, u32 location,
			 struct genl_info *info)
{
	struct nlattr *loc_attr = info->attrs[ETHTOOL_A_FLOW_RULE_LOCATION];
	struct ethtool_rxnfc rxnfc = {
		.cmd		= ETHTOOL_GRXCLSRULE,
		.fs.location	= location,
	};
	int ret;

	ret = flow_rule_check_dev(dev, info->extack);
	if (ret)
		return ret;

	ret = dev->ethtool_ops->get_rxnfc(dev, &rxnfc, NULL);
	if (ret == -ENOENT) {
		NL_SET_ERR_MSG_ATTR_FMT(info->extack, loc_attr,
					"no rule at location %u", location);
		return ret;
	}
	if (ret < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, loc_attr,
				    "cannot read the rule");
		return ret;
	}

	memset(&rxnfc, 0, sizeof(rxnfc));
	rxnfc.cmd = ETHTOOL_SRXCLSRLDEL;
	rxnfc.fs.location = location;
	ret = dev->ethtool_ops->set_rxnfc(dev, &rxnfc);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, loc_attr,
				    "device refused to delete the rule");
	return ret;
}

int ethnl_flow_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ethnl_req_info req_info = {};
	struct net_device *dev;
	u32 location;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, ETHTOOL_A_FLOW_RULE_LOCATION))
		return -EINVAL;
	location = nla_get_u32(info->attrs[ETHTOOL_A_FLOW_RULE_LOCATION]);

	ret = ethnl_parse_header_dev_get_req(&req_info,
					     info->attrs[ETHTOOL_A_FLOW_RULE_HEADER],
					     info, true);
	if (ret < 0)
		return ret;
	dev = req_info.dev;

	rtnl_lock();
	ret = ethnl_dev_fd_recheck(info);
	if (ret)
		goto out_rtnl;
	ret = ethnl_ops_begin(dev);
	if (ret < 0)
		goto out_rtnl;
	ret = flow_rule_del(dev, location, info);
	if (!ret)
		ethtool_flow_rule_notify(dev, ETHTOOL_MSG_FLOW_RULE_DEL_NTF,
					 location);
	ethnl_ops_complete(dev);
out_rtnl:
	rtnl_unlock();
	ethnl_parse_header_dev_put(&req_info);
	return ret;
}
