// SPDX-License-Identifier: GPL-2.0
/* ethtool netlink with delegation through a tap fd, see vmm_nl.h */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare(), setresuid() */
#endif

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vmm_nl.h"

#define VNL_BUF		(MNL_SOCKET_BUFFER_SIZE * 2)
#define NOBODY		65534

int vnl_fd(const struct vnl *vnl)
{
	return mnl_socket_get_fd(vnl->nl);
}

static void extack_reset(struct vnl *vnl)
{
	vnl->extack[0] = '\0';
	vnl->extack_off = -1;
}

/* The error and extack of an NLMSG_ERROR or NLMSG_DONE message */
static int parse_err(struct vnl *vnl, const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	unsigned int off;
	int err;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
			return -EPROTO;
		err = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	} else {
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
			return 0;
		err = *(int *)mnl_nlmsg_get_payload(nlh);
		off = sizeof(int);
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err;
	if (mnl_nlmsg_size(off) > nlh->nlmsg_len)
		return err;
	mnl_attr_for_each(attr, nlh, off) {
		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(vnl->extack, sizeof(vnl->extack), "%.*s",
				 (int)mnl_attr_get_payload_len(attr),
				 (const char *)mnl_attr_get_payload(attr));
			break;
		case NLMSGERR_ATTR_OFFS:
			vnl->extack_off = mnl_attr_get_u32(attr);
			break;
		}
	}
	return err;
}

typedef int (*vnl_cb)(const struct nlmsghdr *nlh, void *data);

/* Send one request, hand each reply to cb, return the acked error */
static int vnl_xfer(struct vnl *vnl, struct nlmsghdr *nlh, __u16 type,
		    vnl_cb cb, void *data)
{
	int fd = mnl_socket_get_fd(vnl->nl);
	__u32 seq = nlh->nlmsg_seq;
	char *buf;
	ssize_t n;
	int err;

	extack_reset(vnl);
	if (vnl->no_dest)
		n = write(fd, nlh, nlh->nlmsg_len);
	else
		n = mnl_socket_sendto(vnl->nl, nlh, nlh->nlmsg_len);
	if (n < 0)
		return -errno;

	buf = malloc(VNL_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		const struct nlmsghdr *m;
		int len;

		n = mnl_socket_recvfrom(vnl->nl, buf, VNL_BUF);
		if (n < 0) {
			err = -errno;
			break;
		}
		len = n;
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR ||
			    m->nlmsg_type == NLMSG_DONE) {
				err = parse_err(vnl, m);
				goto out;
			}
			if (m->nlmsg_type == type && cb) {
				err = cb(m, data);
				if (err)
					goto out;
			}
		}
	}
out:
	free(buf);
	return err;
}

static struct nlmsghdr *req_start(struct vnl *vnl, char *buf, __u16 type,
				  __u8 cmd, __u16 flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++vnl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = type == GENL_ID_CTRL ? 1 : ETHTOOL_GENL_VERSION;
	return nlh;
}

static struct nlmsghdr *eth_req(struct vnl *vnl, char *buf, __u8 cmd,
				__u16 hdr_type, const struct vnl_dev *dev,
				__u16 flags)
{
	struct nlmsghdr *nlh = req_start(vnl, buf, vnl->family, cmd, flags);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, hdr_type);
	if (dev->fd >= 0 || dev->fd_raw)
		mnl_attr_put_u32(nlh, VNL_A_HEADER_DEV_FD, dev->fd);
	if (dev->ifindex > 0)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX,
				 dev->ifindex);
	if (dev->name)
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, dev->name);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			*(__u16 *)data = mnl_attr_get_u16(attr);
	return 0;
}

static int vnl_setup(struct vnl *vnl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, err;

	/* Best effort: without them the kernel's messages are just lost */
	mnl_socket_setsockopt(vnl->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(vnl->nl, NETLINK_CAP_ACK, &one, sizeof(one));

	nlh = req_start(vnl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	vnl->family = 0;
	err = vnl_xfer(vnl, nlh, GENL_ID_CTRL, family_cb, &vnl->family);
	if (!err && !vnl->family)
		err = -ENOENT;
	return err;
}

int vnl_open(struct vnl *vnl)
{
	int err;

	memset(vnl, 0, sizeof(*vnl));
	vnl->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!vnl->nl)
		return -errno;
	if (mnl_socket_bind(vnl->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err;
	}
	err = vnl_setup(vnl);
	if (err)
		goto err;
	return 0;
err:
	mnl_socket_close(vnl->nl);
	vnl->nl = NULL;
	return err;
}

/* A socket opened (and bound) by someone else, e.g. a privileged parent */
int vnl_adopt(struct vnl *vnl, int fd)
{
	int err;

	memset(vnl, 0, sizeof(*vnl));
	vnl->nl = mnl_socket_fdopen(fd);
	if (!vnl->nl)
		return -errno;
	err = vnl_setup(vnl);
	if (err) {
		mnl_socket_close(vnl->nl);
		vnl->nl = NULL;
	}
	return err;
}

void vnl_close(struct vnl *vnl)
{
	if (vnl->nl)
		mnl_socket_close(vnl->nl);
	vnl->nl = NULL;
}

/* RSS */

struct rss_reply {
	struct trss_rss *rss;
	unsigned int *indir_size;
	__u32 *context;
};

static int rss_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rss_reply *r = data;
	const struct nlattr *attr;
	unsigned int len;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		len = mnl_attr_get_payload_len(attr);
		switch (mnl_attr_get_type(attr)) {
		case ETHTOOL_A_RSS_CONTEXT:
			if (r->context)
				*r->context = mnl_attr_get_u32(attr);
			break;
		case ETHTOOL_A_RSS_HFUNC:
			if (r->rss)
				r->rss->hfunc = mnl_attr_get_u32(attr);
			break;
		case ETHTOOL_A_RSS_INPUT_XFRM:
			if (r->rss)
				r->rss->input_xfrm = mnl_attr_get_u32(attr);
			break;
		case ETHTOOL_A_RSS_INDIR:
			if (r->indir_size)
				*r->indir_size = len / sizeof(__u32);
			if (r->rss)
				memcpy(r->rss->indir, mnl_attr_get_payload(attr),
				       len < sizeof(r->rss->indir) ?
				       len : sizeof(r->rss->indir));
			break;
		case ETHTOOL_A_RSS_HKEY:
			if (r->rss)
				memcpy(r->rss->key, mnl_attr_get_payload(attr),
				       len < sizeof(r->rss->key) ?
				       len : sizeof(r->rss->key));
			break;
		}
	}
	return 0;
}

int vnl_rss_get(struct vnl *vnl, const struct vnl_dev *dev, __u32 context,
		struct trss_rss *rss, unsigned int *indir_size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rss_reply r = { rss, indir_size, NULL };
	struct nlmsghdr *nlh;

	if (rss)
		memset(rss, 0, sizeof(*rss));
	if (indir_size)
		*indir_size = 0;
	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_GET, ETHTOOL_A_RSS_HEADER,
		      dev, 0);
	if (context)
		mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_CONTEXT, context);
	return vnl_xfer(vnl, nlh, vnl->family, rss_cb, &r);
}

static void put_rss(struct nlmsghdr *nlh, const __u8 *key,
		    const __u32 *indir, unsigned int indir_size, __u32 hfunc)
{
	if (hfunc)
		mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_HFUNC, hfunc);
	if (indir)
		mnl_attr_put(nlh, ETHTOOL_A_RSS_INDIR,
			     indir_size * sizeof(__u32), indir);
	if (key)
		mnl_attr_put(nlh, ETHTOOL_A_RSS_HKEY, TRSS_RSS_KEY_LEN, key);
}

int vnl_rss_set(struct vnl *vnl, const struct vnl_dev *dev, __u32 context,
		const __u8 *key, const __u32 *indir, unsigned int indir_size,
		__u32 hfunc)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_SET, ETHTOOL_A_RSS_HEADER,
		      dev, 0);
	if (context)
		mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_CONTEXT, context);
	put_rss(nlh, key, indir, indir_size, hfunc);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_rss_set_fields(struct vnl *vnl, const struct vnl_dev *dev,
		       __u32 context, const __u16 *flow_types,
		       unsigned int nr, __u64 fields)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_SET, ETHTOOL_A_RSS_HEADER,
		      dev, 0);
	if (context)
		mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_CONTEXT, context);
	nest = mnl_attr_nest_start(nlh, ETHTOOL_A_RSS_FLOW_HASH);
	for (i = 0; i < nr; i++)
		mnl_attr_put_u32(nlh, flow_types[i], fields);
	mnl_attr_nest_end(nlh, nest);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_rss_create(struct vnl *vnl, const struct vnl_dev *dev,
		   const __u8 *key, const __u32 *indir,
		   unsigned int indir_size, __u32 *context)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rss_reply r = { NULL, NULL, context };
	struct nlmsghdr *nlh;

	*context = 0;
	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_CREATE_ACT,
		      ETHTOOL_A_RSS_HEADER, dev, 0);
	put_rss(nlh, key, indir, indir_size, 0);
	return vnl_xfer(vnl, nlh, vnl->family, rss_cb, &r);
}

int vnl_rss_delete(struct vnl *vnl, const struct vnl_dev *dev,
		   __u32 context)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_DELETE_ACT,
		      ETHTOOL_A_RSS_HEADER, dev, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_RSS_CONTEXT, context);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_rss_dump(struct vnl *vnl, const struct vnl_dev *dev)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_RSS_GET, ETHTOOL_A_RSS_HEADER,
		      dev, NLM_F_DUMP);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

/* Channels */

static int channels_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == ETHTOOL_A_CHANNELS_COMBINED_COUNT)
			*(__u32 *)data = mnl_attr_get_u32(attr);
	return 0;
}

int vnl_channels_get(struct vnl *vnl, const struct vnl_dev *dev,
		     __u32 *combined)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	*combined = 0;
	nlh = eth_req(vnl, buf, ETHTOOL_MSG_CHANNELS_GET,
		      ETHTOOL_A_CHANNELS_HEADER, dev, 0);
	return vnl_xfer(vnl, nlh, vnl->family, channels_cb, combined);
}

int vnl_channels_set(struct vnl *vnl, const struct vnl_dev *dev,
		     __u32 combined)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_CHANNELS_SET,
		      ETHTOOL_A_CHANNELS_HEADER, dev, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_CHANNELS_COMBINED_COUNT, combined);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

/* Features, as verbose bit sets (bit names, no ETHTOOL_FLAG_COMPACT_BITSETS) */

struct feature_query {
	const char *name;
	bool *active;
};

/* Whether a verbose bitset has the bit named name set */
static bool bitset_has(const struct nlattr *set, const char *name)
{
	const struct nlattr *bits = NULL, *a, *b;
	bool nomask = false;

	mnl_attr_for_each_nested(a, set) {
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_NOMASK)
			nomask = true;
		else if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_BITS)
			bits = a;
	}
	if (!bits)
		return false;
	mnl_attr_for_each_nested(a, bits) {
		const char *bit_name = NULL;
		bool value = false;

		if (mnl_attr_get_type(a) != ETHTOOL_A_BITSET_BITS_BIT)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == ETHTOOL_A_BITSET_BIT_NAME)
				bit_name = mnl_attr_get_str(b);
			else if (mnl_attr_get_type(b) == ETHTOOL_A_BITSET_BIT_VALUE)
				value = true;
		}
		if (bit_name && !strcmp(bit_name, name))
			return nomask || value;
	}
	return false;
}

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	struct feature_query *q = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == ETHTOOL_A_FEATURES_ACTIVE)
			*q->active = bitset_has(attr, q->name);
	return 0;
}

int vnl_feature_get(struct vnl *vnl, const struct vnl_dev *dev,
		    const char *name, bool *active)
{
	struct feature_query q = { name, active };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	*active = false;
	nlh = eth_req(vnl, buf, ETHTOOL_MSG_FEATURES_GET,
		      ETHTOOL_A_FEATURES_HEADER, dev, 0);
	return vnl_xfer(vnl, nlh, vnl->family, features_cb, &q);
}

int vnl_feature_set(struct vnl *vnl, const struct vnl_dev *dev,
		    const char *name, bool on)
{
	struct nlattr *set, *bits, *bit;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_FEATURES_SET,
		      ETHTOOL_A_FEATURES_HEADER, dev, 0);
	/* A list without NOMASK: the bits listed change, the rest stay */
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, name);
	if (on)
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, set);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_get(struct vnl *vnl, const struct vnl_dev *dev, __u8 cmd,
	    __u16 header)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, cmd, header, dev, 0);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

/* Never delegated */

int vnl_debug_set(struct vnl *vnl, const struct vnl_dev *dev, __u32 msgmask)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *set;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_DEBUG_SET, ETHTOOL_A_DEBUG_HEADER,
		      dev, 0);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_DEBUG_MSGMASK);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 32);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_VALUE, msgmask);
	mnl_attr_nest_end(nlh, set);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_linkinfo_set(struct vnl *vnl, const struct vnl_dev *dev, __u8 port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, ETHTOOL_MSG_LINKINFO_SET,
		      ETHTOOL_A_LINKINFO_HEADER, dev, 0);
	mnl_attr_put_u8(nlh, ETHTOOL_A_LINKINFO_PORT, port);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

/* Flow rules */

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == VNL_A_FLOW_RULE_LOCATION && data)
			*(__u32 *)data = mnl_attr_get_u32(attr);
	return 0;
}

int vnl_rule_add_udp4_dport(struct vnl *vnl, const struct vnl_dev *dev,
			    __u16 dport, __u32 context, __u32 queue,
			    __u32 *location)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	*location = RX_CLS_LOC_ANY;
	nlh = eth_req(vnl, buf, VNL_MSG_FLOW_RULE_ADD, VNL_A_FLOW_RULE_HEADER,
		      dev, 0);
	mnl_attr_put_u32(nlh, VNL_A_FLOW_RULE_LOCATION, RX_CLS_LOC_ANY);
	mnl_attr_put_u32(nlh, VNL_A_FLOW_RULE_FLOW_TYPE, UDP_V4_FLOW);
	nest = mnl_attr_nest_start(nlh, VNL_A_FLOW_RULE_MATCH);
	mnl_attr_put_u16(nlh, VNL_A_FLOW_MATCH_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, VNL_A_FLOW_RULE_ACTION);
	if (context)
		mnl_attr_put_u32(nlh, VNL_A_FLOW_ACTION_CONTEXT, context);
	else
		mnl_attr_put_u32(nlh, VNL_A_FLOW_ACTION_QUEUE, queue);
	mnl_attr_nest_end(nlh, nest);
	return vnl_xfer(vnl, nlh, vnl->family, rule_cb, location);
}

int vnl_rule_del(struct vnl *vnl, const struct vnl_dev *dev, __u32 location)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, VNL_MSG_FLOW_RULE_DEL, VNL_A_FLOW_RULE_HEADER,
		      dev, 0);
	mnl_attr_put_u32(nlh, VNL_A_FLOW_RULE_LOCATION, location);
	return vnl_xfer(vnl, nlh, vnl->family, NULL, NULL);
}

int vnl_rule_get(struct vnl *vnl, const struct vnl_dev *dev, __u32 location)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = eth_req(vnl, buf, VNL_MSG_FLOW_RULE_GET, VNL_A_FLOW_RULE_HEADER,
		      dev, 0);
	mnl_attr_put_u32(nlh, VNL_A_FLOW_RULE_LOCATION, location);
	return vnl_xfer(vnl, nlh, vnl->family, rule_cb, NULL);
}

/* Privileges */

static int capset_zero(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

bool vnl_caps_empty(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int i;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			return false;
	return true;
}

int vnl_drop_privileges(bool userns)
{
	unsigned int cap;

	/* The bounding set first: dropping it needs CAP_SETPCAP */
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return -errno;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	/* setresuid() cleared them already; say so explicitly */
	if (capset_zero())
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (!vnl_caps_empty())
		return -EPERM;
	if (!userns)
		return 0;
	/*
	 * The new user namespace gives back every capability, over itself
	 * and the network namespace it owns only; drop them again so that
	 * nothing but the fds can grant anything.
	 */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -errno;
	if (capset_zero())
		return -errno;
	return vnl_caps_empty() ? 0 : -EPERM;
}

/* SCM_RIGHTS */

#define VNL_MAX_FDS	256

int vnl_send_fds(int sock, const int *fds, unsigned int nr,
		 const void *msg, size_t len)
{
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	char *ctl;
	int ret = 0;

	if (!nr || nr > VNL_MAX_FDS)
		return -EINVAL;
	mh.msg_controllen = CMSG_SPACE(nr * sizeof(int));
	ctl = calloc(1, mh.msg_controllen);
	if (!ctl)
		return -ENOMEM;
	mh.msg_control = ctl;
	cmsg = CMSG_FIRSTHDR(&mh);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(nr * sizeof(int));
	memcpy(CMSG_DATA(cmsg), fds, nr * sizeof(int));
	if (sendmsg(sock, &mh, 0) != (ssize_t)len)
		ret = -errno ?: -EIO;
	free(ctl);
	return ret;
}

int vnl_recv_fds(int sock, int *fds, unsigned int max, unsigned int *nr,
		 void *msg, size_t len)
{
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;
	char *ctl;
	int ret = 0;

	*nr = 0;
	if (max > VNL_MAX_FDS)
		max = VNL_MAX_FDS;
	mh.msg_controllen = CMSG_SPACE(max * sizeof(int));
	ctl = calloc(1, mh.msg_controllen);
	if (!ctl)
		return -ENOMEM;
	mh.msg_control = ctl;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	if ((size_t)n != len || (mh.msg_flags & MSG_CTRUNC)) {
		ret = -EPROTO;
		goto out;
	}
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		*nr = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cmsg), *nr * sizeof(int));
	}
out:
	free(ctl);
	return ret;
}
