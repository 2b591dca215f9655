/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ethtool netlink requests through libmnl, with per-device delegation
 * (SPEC §6): what vmm_client and the delegation kselftest share.
 *
 * A request names its device by ETHTOOL_A_HEADER_DEV_FD (the number of a
 * tun/tap queue fd in the sender's fd table), by index or name, or by
 * several of them.  Every call returns 0 or a negative errno and leaves the
 * kernel's extack message, if any, in vnl->extack, so a caller can tell
 * which check refused it.
 */
#ifndef __VMM_NL_H
#define __VMM_NL_H

#include <stdbool.h>
#include <linux/types.h>

#include "tun_rss_lib.h"

/* struct nlattr type in the ETHTOOL_A_*_HEADER nest: the delegating fd */
#define VNL_A_HEADER_DEV_FD	5

/*
 * Flow rules over ethtool netlink (proposed ABI, not upstream): the
 * numbers of include/uapi/linux/ethtool_netlink.h, spelled out so that
 * this builds against headers that predate them.
 */
#define VNL_MSG_FLOW_RULE_GET		52	/* ETHTOOL_MSG_FLOW_RULE_GET */
#define VNL_MSG_FLOW_RULE_ADD		53
#define VNL_MSG_FLOW_RULE_DEL		54
#define VNL_A_FLOW_RULE_HEADER		1	/* ETHTOOL_A_FLOW_RULE_* */
#define VNL_A_FLOW_RULE_LOCATION	2
#define VNL_A_FLOW_RULE_FLOW_TYPE	3
#define VNL_A_FLOW_RULE_MATCH		4
#define VNL_A_FLOW_RULE_ACTION		5
#define VNL_A_FLOW_MATCH_DST_PORT	11	/* ETHTOOL_A_FLOW_MATCH_* */
#define VNL_A_FLOW_ACTION_QUEUE		1	/* ETHTOOL_A_FLOW_ACTION_* */
#define VNL_A_FLOW_ACTION_CONTEXT	2

#define VNL_EXTACK_LEN		256

struct vnl {
	struct mnl_socket *nl;
	__u16 family;		/* ethtool genetlink family id */
	__u32 seq;
	/*
	 * Send with write() instead of sendto() with a sockaddr_nl, i.e.
	 * without an explicit destination (no NETLINK_SKB_DST).
	 */
	bool no_dest;
	char extack[VNL_EXTACK_LEN];	/* "" when the kernel gave none */
	int extack_off;			/* NLMSGERR_ATTR_OFFS, -1: none */
};

/* How a request names its device; unset members are left out */
struct vnl_dev {
	int fd;			/* >= 0: ETHTOOL_A_HEADER_DEV_FD */
	int ifindex;		/* > 0: ETHTOOL_A_HEADER_DEV_INDEX */
	const char *name;	/* ETHTOOL_A_HEADER_DEV_NAME */
	bool fd_raw;		/* pass fd even when negative (as a u32) */
};

#define VNL_DEV_FD(f)		((struct vnl_dev){ .fd = (f), .ifindex = 0 })
#define VNL_DEV_INDEX(i)	((struct vnl_dev){ .fd = -1, .ifindex = (i) })

/* Socket: open one in the caller's netns, or adopt an inherited one */
int vnl_open(struct vnl *vnl);
int vnl_adopt(struct vnl *vnl, int fd);
void vnl_close(struct vnl *vnl);
int vnl_fd(const struct vnl *vnl);

/* RSS of a context (0: the default one) */
int vnl_rss_get(struct vnl *vnl, const struct vnl_dev *dev, __u32 context,
		struct trss_rss *rss, unsigned int *indir_size);
/* key NULL, indir NULL: unchanged; hfunc 0: unchanged */
int vnl_rss_set(struct vnl *vnl, const struct vnl_dev *dev, __u32 context,
		const __u8 *key, const __u32 *indir, unsigned int indir_size,
		__u32 hfunc);
/* ETHTOOL_A_RSS_FLOW_HASH: the same RXH_* fields for the flow types given */
int vnl_rss_set_fields(struct vnl *vnl, const struct vnl_dev *dev,
		       __u32 context, const __u16 *flow_types,
		       unsigned int nr, __u64 fields);
int vnl_rss_create(struct vnl *vnl, const struct vnl_dev *dev,
		   const __u8 *key, const __u32 *indir,
		   unsigned int indir_size, __u32 *context);
int vnl_rss_delete(struct vnl *vnl, const struct vnl_dev *dev,
		   __u32 context);
/* An RSS get dump with a header (e.g. a dev-fd); must be refused */
int vnl_rss_dump(struct vnl *vnl, const struct vnl_dev *dev);

/* Channels */
int vnl_channels_get(struct vnl *vnl, const struct vnl_dev *dev,
		     __u32 *combined);
int vnl_channels_set(struct vnl *vnl, const struct vnl_dev *dev,
		     __u32 combined);

/* Features by their ETH_SS_FEATURES name ("rx-hashing", "rx-ntuple-filter") */
int vnl_feature_get(struct vnl *vnl, const struct vnl_dev *dev,
		    const char *name, bool *active);
int vnl_feature_set(struct vnl *vnl, const struct vnl_dev *dev,
		    const char *name, bool on);

/* Any get whose request is its header alone, reply ignored; the header
 * is attribute @header (1 for most messages, 2 for STATS_GET)
 */
int vnl_get(struct vnl *vnl, const struct vnl_dev *dev, __u8 cmd,
	    __u16 header);

/* Two operations that are never delegated */
int vnl_debug_set(struct vnl *vnl, const struct vnl_dev *dev, __u32 msgmask);
int vnl_linkinfo_set(struct vnl *vnl, const struct vnl_dev *dev, __u8 port);

/*
 * Flow rules: ntuple rule "flow-type udp4 dst-port PORT" to a queue or,
 * with context != 0, to an RSS context, at the first free location
 * (RX_CLS_LOC_ANY); add returns the location.  Get: 0 when a rule is at
 * that location.
 */
int vnl_rule_add_udp4_dport(struct vnl *vnl, const struct vnl_dev *dev,
			    __u16 dport, __u32 context, __u32 queue,
			    __u32 *location);
int vnl_rule_del(struct vnl *vnl, const struct vnl_dev *dev, __u32 location);
int vnl_rule_get(struct vnl *vnl, const struct vnl_dev *dev, __u32 location);

/*
 * Privilege drop of the VMM process: every capability (bounding set,
 * ambient, inheritable, permitted, effective), supplementary groups,
 * uid/gid to nobody, no_new_privs.  With userns, then a new user and
 * network namespace.  Returns 0 or a negative errno; vnl_caps_empty()
 * says whether the caller holds no capability at all.
 */
int vnl_drop_privileges(bool userns);
bool vnl_caps_empty(void);

/* Send fds over a unix socket (SCM_RIGHTS), and receive them */
int vnl_send_fds(int sock, const int *fds, unsigned int nr,
		 const void *msg, size_t len);
int vnl_recv_fds(int sock, int *fds, unsigned int max, unsigned int *nr,
		 void *msg, size_t len);

#endif /* __VMM_NL_H */
