// SPDX-License-Identifier: GPL-2.0
/*
 * Delegation through a tap fd (SPEC §6): a process holding no capability
 * configures RSS, flow rules, channels (get) and the rxhash/ntuple
 * features of a tap by naming one of the tap's queue fds in the ethtool
 * netlink request header (ETHTOOL_A_HEADER_DEV_FD), and nothing else.
 *
 * The fixture sets up, as root in a network namespace of its own, the
 * VMM's tap (trss0), another tap (trss1) and a tun (trsstun0).  Each
 * request runs in a child that drops every capability and becomes nobody
 * (variant "userns": and moves into a new user and network namespace, where
 * the devices are not even visible), with all the fds inherited.  The
 * child reports errno and the extack message through shared memory; the
 * parent, still root, checks them and reads the devices' state back with
 * privileged gets: a refused request changes nothing, an accepted one
 * changes exactly what it asked.
 *
 * Delegation is the device owner's grant (IFLA_TUN_DELEGATE, TUNSETDELEGATE;
 * off by default): the fixture grants it on its devices before a child
 * uses their fds, as libvirt would before handing them to a VMM.  The
 * "grant" tests check the grant itself: off by default, revoked between
 * two requests and while requests are in flight, another holder of a
 * queue of the same tap, and a holder that tries to grant itself.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool_netlink.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"
#include "vmm_nl.h"

#define QUEUES		4U
#define MAX_CTX		8
#define OUT_LEN		16384

/* The extack messages of net/ethtool (netlink.c, features.c) */
#define MSG_NO_DEST	"explicit destination"
#define MSG_BADF	"not an open file descriptor"
#define MSG_NO_DEV	"grants control of no device"
#define MSG_OTHER_DEV	"grants control of another device"
#define MSG_NOT_DELEG	"operation cannot be delegated"
#define MSG_CAP		"requires CAP_NET_ADMIN"
#define MSG_DUMP	"do requests only"
#define MSG_FEATURES	"only rxhash and ntuple"
/* ... and when the owner did not grant (netlink.c, delegate.c, tun.c) */
#define MSG_NOT_GRANTED	"does not delegate"
#define MSG_REVOKED	"no longer grants"
#define MSG_TUN_ATTR	"cannot be changed over rtnetlink"

#ifndef TUNSETDELEGATE
#define TUNSETDELEGATE	_IOW('T', 228, int)
#endif
/* enum in linux/if_link.h; the headers may predate it */
#define TRSS_IFLA_TUN_OWNER	1
#define TRSS_IFLA_TUN_DELEGATE	15

enum req_op {
	OP_RSS_GET,
	OP_RSS_SET,
	OP_RSS_CREATE,
	OP_RSS_DELETE,
	OP_RSS_DUMP,
	OP_CHANNELS_GET,
	OP_CHANNELS_SET,
	OP_FEATURES_GET,
	OP_FEATURE_SET,
	OP_DEBUG_SET,
	OP_LINKINFO_SET,
	OP_RULE_ADD,
	OP_RULE_DEL,
	OP_RINGS_GET,
	OP_STATS_GET,
	OP_IOCTL_DELEGATE,	/* TUNSETDELEGATE r->on on r->dev.fd */
	OP_RTNL_DELEGATE,	/* IFLA_TUN_DELEGATE r->on, r->dev.ifindex */
};

/* One request, as the unprivileged child makes it */
struct req {
	enum req_op op;
	struct vnl_dev dev;
	__u32 context;			/* RSS ops, RULE_ADD */
	__u8 key[TRSS_RSS_KEY_LEN];	/* RSS_SET, RSS_CREATE */
	__u32 indir[TRSS_INDIR_SIZE];
	const char *feature;		/* FEATURE_SET */
	bool on;
	__u32 value;			/* CHANNELS_SET, DEBUG_SET, RULE_DEL */
	bool no_dest;			/* write() instead of sendto() */
	int nl_fd;			/* >= 0: a socket root opened */
	int route_fd;			/* RTNL_DELEGATE: >= 0 root's socket */
	const char *attach;		/* TUNSETIFF this tap on attach_fd */
	int attach_fd;			/* a /dev/net/tun file root opened */
};

/* What came back; in memory shared with the child */
struct result {
	int done;			/* the child got as far as the request */
	int setup_err;
	int err;
	char extack[VNL_EXTACK_LEN];
	struct trss_rss rss;		/* RSS_GET */
	unsigned int indir_size;
	__u32 value;			/* context, channels, rule location */
	bool on;			/* FEATURES_GET */
};

/* The state the parent compares before and after */
struct dev_state {
	struct trss_rss rss0;
	unsigned int nr_ctx;
	__u32 ctx[MAX_CTX];
	struct trss_rss ctx_rss[MAX_CTX];
	bool rxhash;
	bool ntuple;
	bool sg;
	__u32 channels;
	int nr_rules;		/* ETHTOOL_GRXCLSRLCNT, or its error */
};

FIXTURE(deleg)
{
	struct trss_dev dev;	/* the VMM's tap */
	struct trss_dev other;	/* another tap */
	struct trss_dev tun;	/* an IFF_TUN device */
	struct result *res;
	struct vnl root;	/* root's socket, for privileged reads */
	struct mnl_socket *handed;	/* root's, for the child to send on */
	struct mnl_socket *route;	/* root's NETLINK_ROUTE socket */
	__u64 seed;
	char out[OUT_LEN];
};

FIXTURE_VARIANT(deleg)
{
	bool userns;
};

FIXTURE_VARIANT_ADD(deleg, nobody)
{
	.userns = false,
};

FIXTURE_VARIANT_ADD(deleg, userns)
{
	.userns = true,
};

FIXTURE_SETUP(deleg)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = QUEUES,
		.vnet_hdr = true,
	};

	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	self->res = mmap(NULL, sizeof(*self->res), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->res, MAP_FAILED);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	opts.name = "trss1";
	opts.queues = 2;
	ASSERT_EQ(trss_dev_create(&self->other, &opts), 0);
	opts.name = "trsstun0";
	opts.tun = true;
	opts.vnet_hdr = false;
	ASSERT_EQ(trss_dev_create(&self->tun, &opts), 0);
	ASSERT_EQ(vnl_open(&self->root), 0);
	self->handed = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	ASSERT_NE(self->handed, NULL);
	ASSERT_EQ(mnl_socket_bind(self->handed, 0, MNL_SOCKET_AUTOPID), 0);
	self->route = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	ASSERT_NE(self->route, NULL);
	ASSERT_EQ(mnl_socket_bind(self->route, 0, MNL_SOCKET_AUTOPID), 0);
	/* The owner's grant, before any fd is used (off by default) */
	ASSERT_EQ(trss_dev_delegate(&self->dev, true), 0);
	ASSERT_EQ(trss_dev_delegate(&self->other, true), 0);
	ASSERT_EQ(trss_dev_delegate(&self->tun, true), 0);
}

FIXTURE_TEARDOWN(deleg)
{
	mnl_socket_close(self->route);
	mnl_socket_close(self->handed);
	vnl_close(&self->root);
	trss_dev_destroy(&self->tun);
	trss_dev_destroy(&self->other);
	trss_dev_destroy(&self->dev);
	munmap(self->res, sizeof(*self->res));
}

/*
 * rtnetlink, as "ip link set dev D type tun delegate on|off" sends it:
 * RTM_NEWLINK with IFLA_LINKINFO { KIND "tun", DATA { IFLA_TUN_* } }.
 * delegate < 0: left out; owner: IFLA_TUN_OWNER 0 too.  Returns -errno,
 * the extack message in extack (VNL_EXTACK_LEN).
 */
static int rtnl_tun_change(struct mnl_socket *nl, int ifindex, int delegate,
			   bool owner, char *extack)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsgerr *err;
	struct nlattr *li, *data;
	const struct nlattr *a;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	unsigned int off, len;
	const void *pl;
	int one = 1;
	ssize_t n;

	extack[0] = '\0';
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "tun");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (owner)
		mnl_attr_put_u32(nlh, TRSS_IFLA_TUN_OWNER, 0);
	if (delegate >= 0)
		mnl_attr_put_u8(nlh, TRSS_IFLA_TUN_DELEGATE, delegate);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	err = mnl_nlmsg_get_payload(nlh);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err->error;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	pl = (const char *)err + off;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	for (a = pl; mnl_attr_ok(a, (const char *)pl + len - (const char *)a);
	     a = mnl_attr_next(a)) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(extack, VNL_EXTACK_LEN, "%s",
				 mnl_attr_get_str(a));
	}
	return err->error;
}

static int tun_info_cb(const struct nlattr *a, void *data)
{
	const struct nlattr *b;

	if (mnl_attr_get_type(a) != IFLA_LINKINFO)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(b, a) {
		const struct nlattr *c;

		if (mnl_attr_get_type(b) != IFLA_INFO_DATA)
			continue;
		mnl_attr_for_each_nested(c, b)
			if (mnl_attr_get_type(c) == TRSS_IFLA_TUN_DELEGATE)
				*(int *)data = mnl_attr_get_u8(c);
	}
	return MNL_CB_OK;
}

/* IFLA_TUN_DELEGATE as RTM_GETLINK reports it: 0, 1, -1 absent, -errno */
static int rtnl_tun_delegate(struct mnl_socket *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	int val = -1;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -EPROTO;
	mnl_attr_parse(nlh, sizeof(*ifi), tun_info_cb, &val);
	return val;
}

/*
 * As another process of the tap owner's uid: attach a queue to the tap,
 * on a /dev/net/tun file (opened by root: who may open the node is the
 * file mode's business, who may attach is tun's)
 */
static int attach_queue(int fd, const char *name)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR;
	return ioctl(fd, TUNSETIFF, &ifr) ? -errno : fd;
}

/* In the unprivileged child: make the request, record what came back */
static int do_req(struct vnl *vnl, const struct req *r, struct result *res)
{
	const struct vnl_dev *dev = &r->dev;

	switch (r->op) {
	case OP_RSS_GET:
		return vnl_rss_get(vnl, dev, r->context, &res->rss,
				   &res->indir_size);
	case OP_RSS_SET:
		return vnl_rss_set(vnl, dev, r->context, r->key, r->indir,
				   TRSS_INDIR_SIZE, 0);
	case OP_RSS_CREATE:
		return vnl_rss_create(vnl, dev, r->key, r->indir,
				      TRSS_INDIR_SIZE, &res->value);
	case OP_RSS_DELETE:
		return vnl_rss_delete(vnl, dev, r->context);
	case OP_RSS_DUMP:
		return vnl_rss_dump(vnl, dev);
	case OP_CHANNELS_GET:
		return vnl_channels_get(vnl, dev, &res->value);
	case OP_CHANNELS_SET:
		return vnl_channels_set(vnl, dev, r->value);
	case OP_FEATURES_GET:
		return vnl_feature_get(vnl, dev, r->feature, &res->on);
	case OP_FEATURE_SET:
		return vnl_feature_set(vnl, dev, r->feature, r->on);
	case OP_DEBUG_SET:
		return vnl_debug_set(vnl, dev, r->value);
	case OP_LINKINFO_SET:
		return vnl_linkinfo_set(vnl, dev, r->value);
	case OP_RULE_ADD:
		return vnl_rule_add_udp4_dport(vnl, dev, 4789, r->context, 1,
					       &res->value);
	case OP_RULE_DEL:
		return vnl_rule_del(vnl, dev, r->value);
	case OP_RINGS_GET:
		return vnl_get(vnl, dev, ETHTOOL_MSG_RINGS_GET,
			       ETHTOOL_A_RINGS_HEADER);
	case OP_STATS_GET:
		/* the one message whose header is not attribute 1 */
		return vnl_get(vnl, dev, ETHTOOL_MSG_STATS_GET,
			       ETHTOOL_A_STATS_HEADER);
	case OP_IOCTL_DELEGATE: {
		int on = r->on;

		return ioctl(dev->fd, TUNSETDELEGATE, &on) ? -errno : 0;
	}
	case OP_RTNL_DELEGATE: {
		struct mnl_socket *nl;
		int ret;

		nl = r->route_fd >= 0 ? mnl_socket_fdopen(r->route_fd) :
					mnl_socket_open(NETLINK_ROUTE);
		if (!nl)
			return -errno;
		ret = rtnl_tun_change(nl, dev->ifindex, r->on, false,
				      vnl->extack);
		mnl_socket_close(nl);
		return ret;
	}
	}
	return -EINVAL;
}

/*
 * Run a request in a child holding no capability (variant: in its own
 * user and network namespace too).  Returns the request's errno; the
 * extack and replies are in self->res.
 */
static int unpriv(struct __test_metadata *_metadata,
		  FIXTURE_DATA(deleg) *self,
		  const FIXTURE_VARIANT(deleg) *variant, const struct req *r)
{
	struct result *res = self->res;
	int status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		struct vnl vnl;
		int err;

		err = vnl_drop_privileges(variant->userns);
		if (!err)
			err = r->nl_fd >= 0 ? vnl_adopt(&vnl, r->nl_fd) :
					      vnl_open(&vnl);
		if (err) {
			res->setup_err = err;
			_exit(1);
		}
		vnl.no_dest = r->no_dest;
		if (r->attach) {
			struct req *rw = (struct req *)r;	/* our copy */

			rw->dev.fd = attach_queue(r->attach_fd, r->attach);
			if (rw->dev.fd < 0) {
				res->setup_err = rw->dev.fd;
				_exit(1);
			}
		}
		res->err = do_req(&vnl, r, res);
		memcpy(res->extack, vnl.extack, sizeof(res->extack));
		res->done = 1;
		_exit(0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(res->setup_err, 0);
	EXPECT_TRUE(res->done);
	if (res->err)
		TH_LOG("request %d: %s, extack \"%s\"", r->op,
		       strerror(-res->err), res->extack);
	return res->err;
}

static void req_init(struct req *r, enum req_op op, int fd)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->dev = VNL_DEV_FD(fd);
	r->nl_fd = -1;
	r->route_fd = -1;
}

/* A key and a table unlike the device's defaults */
static void req_rss(FIXTURE_DATA(deleg) *self, struct req *r,
		    unsigned int queues)
{
	unsigned int i;

	trss_random_bytes(&self->seed, r->key, sizeof(r->key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		r->indir[i] = trss_random(&self->seed) % queues;
}

/* Privileged view of a device (root, same netns as the devices) */
static void state_get(struct __test_metadata *_metadata,
		      FIXTURE_DATA(deleg) *self, const struct trss_dev *d,
		      struct dev_state *st)
{
	struct vnl_dev dev = VNL_DEV_INDEX(d->ifindex);
	unsigned int i, n;
	int ret;

	memset(st, 0, sizeof(*st));
	ASSERT_EQ(vnl_rss_get(&self->root, &dev, 0, &st->rss0, &n), 0)
		TH_LOG("%s", self->root.extack);
	ret = trss_rss_dump(d->ifindex, 1, st->ctx, st->ctx_rss, MAX_CTX);
	ASSERT_GE(ret, 0);
	/* The dump from context 1 still lists context 0 first, or not */
	for (i = 0; i < (unsigned int)ret; i++) {
		if (!st->ctx[i])
			continue;
		st->ctx[st->nr_ctx] = st->ctx[i];
		st->ctx_rss[st->nr_ctx++] = st->ctx_rss[i];
	}
	ASSERT_EQ(vnl_feature_get(&self->root, &dev, "rx-hashing",
				  &st->rxhash), 0);
	ASSERT_EQ(vnl_feature_get(&self->root, &dev, "rx-ntuple-filter",
				  &st->ntuple), 0);
	ASSERT_EQ(vnl_feature_get(&self->root, &dev, "tx-scatter-gather",
				  &st->sg), 0);
	ASSERT_EQ(vnl_channels_get(&self->root, &dev, &st->channels), 0);
	st->nr_rules = trss_rule_count(d, NULL);
}

static bool state_eq(const struct dev_state *a, const struct dev_state *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Snapshot of every device, taken before a request that must be refused */
struct snapshot {
	struct dev_state dev, other, tun;
};

static void snap(struct __test_metadata *_metadata,
		 FIXTURE_DATA(deleg) *self, struct snapshot *s)
{
	state_get(_metadata, self, &self->dev, &s->dev);
	state_get(_metadata, self, &self->other, &s->other);
	state_get(_metadata, self, &self->tun, &s->tun);
}

static void unchanged(struct __test_metadata *_metadata,
		      FIXTURE_DATA(deleg) *self, const struct snapshot *before)
{
	struct snapshot after;

	snap(_metadata, self, &after);
	EXPECT_TRUE(state_eq(&before->dev, &after.dev));
	EXPECT_TRUE(state_eq(&before->other, &after.other));
	EXPECT_TRUE(state_eq(&before->tun, &after.tun));
}

/* A refused request: errno, extack text, and nothing changed anywhere */
static void refused(struct __test_metadata *_metadata,
		    FIXTURE_DATA(deleg) *self,
		    const FIXTURE_VARIANT(deleg) *variant,
		    const struct req *r, int want_err, const char *want_msg)
{
	struct snapshot before;

	snap(_metadata, self, &before);
	EXPECT_EQ(unpriv(_metadata, self, variant, r), want_err);
	if (want_msg)
		EXPECT_NE(strstr(self->res->extack, want_msg), NULL)
			TH_LOG("extack \"%s\", expected \"%s\"",
			       self->res->extack, want_msg);
	unchanged(_metadata, self, &before);
}

/* Whether the kernel has flow rules over netlink (proposed ABI) */
static bool rules_supported(FIXTURE_DATA(deleg) *self)
{
	struct vnl_dev dev = VNL_DEV_INDEX(self->dev.ifindex);

	return vnl_rule_get(&self->root, &dev, 0) != -EOPNOTSUPP;
}

/*
 * A request that names devices: from its own namespace the VMM sees none
 * of them, so in that variant it sends on a socket root opened, whose
 * namespace is the devices' (see handed_over_socket).
 */
static void req_names(FIXTURE_DATA(deleg) *self,
		      const FIXTURE_VARIANT(deleg) *variant, struct req *r)
{
	if (variant->userns)
		r->nl_fd = mnl_socket_get_fd(self->handed);
}

/* A context created by root, for the delete tests */
static __u32 root_ctx(struct __test_metadata *_metadata,
		      FIXTURE_DATA(deleg) *self, const struct trss_dev *d)
{
	struct vnl_dev dev = VNL_DEV_INDEX(d->ifindex);
	struct req r;
	__u32 ctx;

	req_rss(self, &r, d->nr_queues);
	EXPECT_EQ(vnl_rss_create(&self->root, &dev, r.key, r.indir,
				 TRSS_INDIR_SIZE, &ctx), 0)
		TH_LOG("%s", self->root.extack);
	return ctx;
}

/* ---- own tap fd: every delegatable operation works, fd alone ---- */

TEST_F(deleg, own_fd_rss_get)
{
	struct dev_state st;
	struct req r;

	state_get(_metadata, self, &self->dev, &st);
	req_init(&r, OP_RSS_GET, self->dev.fds[0]);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	EXPECT_EQ(self->res->indir_size, (unsigned int)TRSS_INDIR_SIZE);
	EXPECT_EQ(memcmp(self->res->rss.key, st.rss0.key, TRSS_RSS_KEY_LEN), 0);
	EXPECT_EQ(memcmp(self->res->rss.indir, st.rss0.indir,
			 sizeof(st.rss0.indir)), 0);
}

TEST_F(deleg, own_fd_rss_set)
{
	struct dev_state before, after;
	struct req r;

	state_get(_metadata, self, &self->dev, &before);
	/* Any queue of the device grants, not only the first */
	req_init(&r, OP_RSS_SET, self->dev.fds[QUEUES - 1]);
	req_rss(self, &r, QUEUES);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &after);
	EXPECT_EQ(memcmp(after.rss0.key, r.key, TRSS_RSS_KEY_LEN), 0);
	EXPECT_EQ(memcmp(after.rss0.indir, r.indir, sizeof(r.indir)), 0);
	/* And nothing else */
	after.rss0 = before.rss0;
	EXPECT_TRUE(state_eq(&before, &after));
}

TEST_F(deleg, own_fd_rss_create_delete)
{
	struct dev_state st;
	struct req r;
	__u32 ctx;

	req_init(&r, OP_RSS_CREATE, self->dev.fds[1]);
	req_rss(self, &r, QUEUES);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	ctx = self->res->value;
	EXPECT_NE(ctx, 0U);
	state_get(_metadata, self, &self->dev, &st);
	ASSERT_EQ(st.nr_ctx, 1U);
	EXPECT_EQ(st.ctx[0], ctx);
	EXPECT_EQ(memcmp(st.ctx_rss[0].key, r.key, TRSS_RSS_KEY_LEN), 0);
	EXPECT_EQ(memcmp(st.ctx_rss[0].indir, r.indir, sizeof(r.indir)), 0);

	req_init(&r, OP_RSS_DELETE, self->dev.fds[0]);
	r.context = ctx;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &st);
	EXPECT_EQ(st.nr_ctx, 0U);
}

TEST_F(deleg, own_fd_rss_set_context)
{
	struct dev_state st;
	__u32 ctx = root_ctx(_metadata, self, &self->dev);
	struct req r;

	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	r.context = ctx;
	req_rss(self, &r, QUEUES);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &st);
	ASSERT_EQ(st.nr_ctx, 1U);
	EXPECT_EQ(memcmp(st.ctx_rss[0].key, r.key, TRSS_RSS_KEY_LEN), 0);
}

TEST_F(deleg, own_fd_channels_get)
{
	struct req r;

	req_init(&r, OP_CHANNELS_GET, self->dev.fds[2]);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	EXPECT_EQ(self->res->value, QUEUES);
}

TEST_F(deleg, own_fd_features)
{
	struct dev_state before, after;
	struct req r;

	state_get(_metadata, self, &self->dev, &before);
	req_init(&r, OP_FEATURES_GET, self->dev.fds[0]);
	r.feature = "rx-ntuple-filter";
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	EXPECT_EQ(self->res->on, before.ntuple);

	/* rxhash: on, then off again; ntuple: flipped, then back */
	req_init(&r, OP_FEATURE_SET, self->dev.fds[0]);
	r.feature = "rx-hashing";
	r.on = !before.rxhash;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &after);
	EXPECT_EQ(after.rxhash, !before.rxhash);

	r.feature = "rx-ntuple-filter";
	r.on = !before.ntuple;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &after);
	EXPECT_EQ(after.ntuple, !before.ntuple);
	EXPECT_EQ(after.sg, before.sg);

	r.on = before.ntuple;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	r.feature = "rx-hashing";
	r.on = before.rxhash;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &after);
	EXPECT_TRUE(state_eq(&before, &after));
}

TEST_F(deleg, own_fd_rules)
{
	struct req r;
	__u32 ctx = root_ctx(_metadata, self, &self->dev);

	struct dev_state st;
	__u32 loc;

	if (!rules_supported(self))
		SKIP(return, "no flow rules over ethtool netlink in this kernel");
	req_init(&r, OP_RULE_ADD, self->dev.fds[0]);
	r.context = ctx;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	loc = self->res->value;
	state_get(_metadata, self, &self->dev, &st);
	EXPECT_EQ(st.nr_rules, 1);
	EXPECT_EQ(vnl_rule_get(&self->root, &VNL_DEV_INDEX(self->dev.ifindex),
			       loc), 0);

	req_init(&r, OP_RULE_DEL, self->dev.fds[0]);
	r.value = loc;
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	state_get(_metadata, self, &self->dev, &st);
	EXPECT_EQ(st.nr_rules, 0);
}

/* The fd with the name and index of its own device: still accepted */
TEST_F(deleg, own_fd_with_own_name)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	req_names(self, variant, &r);
	r.dev.name = self->dev.name;
	r.dev.ifindex = self->dev.ifindex;
	req_rss(self, &r, QUEUES);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
}

/* ---- the same set operations without the fd: EPERM ---- */

TEST_F(deleg, no_fd_set_ops)
{
	/*
	 * Without the fd the request names the device and needs
	 * CAP_NET_ADMIN over the namespace it is sent in: in the VMM's own
	 * namespace too (it dropped what the new user namespace gave it),
	 * and the capability check comes before the name lookup.
	 */
	int want = -EPERM;
	__u32 ctx = root_ctx(_metadata, self, &self->dev);
	struct req r;

	req_init(&r, OP_RSS_SET, -1);
	r.dev.name = self->dev.name;
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, want, MSG_CAP);

	r.op = OP_RSS_CREATE;
	refused(_metadata, self, variant, &r, want, MSG_CAP);

	r.op = OP_RSS_DELETE;
	r.context = ctx;
	refused(_metadata, self, variant, &r, want, MSG_CAP);

	r.op = OP_FEATURE_SET;
	r.feature = "rx-hashing";
	r.on = true;
	refused(_metadata, self, variant, &r, want, MSG_CAP);
	r.feature = "rx-ntuple-filter";
	r.on = false;
	refused(_metadata, self, variant, &r, want, MSG_CAP);

	if (!rules_supported(self))
		return;
	r.op = OP_RULE_ADD;
	r.context = ctx;
	refused(_metadata, self, variant, &r, want, MSG_CAP);
	/* A rule root added cannot be deleted without the fd either */
	r.op = OP_RULE_DEL;
	ASSERT_EQ(vnl_rule_add_udp4_dport(&self->root,
					  &VNL_DEV_INDEX(self->dev.ifindex),
					  53, 0, 1, &r.value), 0)
		TH_LOG("%s", self->root.extack);
	refused(_metadata, self, variant, &r, want, MSG_CAP);
}

/* ---- fds that grant nothing over this device ---- */

/* Another tap's fd naming our tap */
TEST_F(deleg, other_tap_fd)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->other.fds[0]);
	r.dev.name = self->dev.name;
	req_rss(self, &r, 2);
	if (variant->userns) {
		/* On its own socket the name means nothing to the VMM */
		refused(_metadata, self, variant, &r, -ENODEV, NULL);
		req_names(self, variant, &r);
	}
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	r.dev.name = NULL;
	r.dev.ifindex = self->dev.ifindex;
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	r.op = OP_RSS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
}

/* A tun's fd naming our tap */
TEST_F(deleg, tun_fd)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->tun.fds[0]);
	req_names(self, variant, &r);
	r.dev.name = self->dev.name;
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	r.op = OP_FEATURE_SET;
	r.feature = "rx-hashing";
	r.on = true;
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
}

/* A queue detached with TUNSETQUEUE grants nothing */
TEST_F(deleg, detached_queue_fd)
{
	struct req r;

	ASSERT_EQ(trss_queue_detach(&self->dev, QUEUES - 1), 0);
	req_init(&r, OP_RSS_SET, self->dev.fds[QUEUES - 1]);
	req_rss(self, &r, QUEUES - 1);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	r.op = OP_RSS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	/* Attached again, it grants again */
	ASSERT_EQ(trss_queue_attach(&self->dev, QUEUES - 1), 0);
	r.op = OP_RSS_SET;
	EXPECT_EQ(unpriv(_metadata, self, variant, &r), 0);
}

/* The fd of a device that was deleted, and of a tun file never attached */
TEST_F(deleg, deleted_device_fd)
{
	struct trss_dev_opts opts = {
		.name = "trss2",
		.queues = 1,
	};
	struct trss_dev gone;
	struct req r;
	int fd;

	ASSERT_EQ(trss_dev_create(&gone, &opts), 0);
	ASSERT_EQ(trss_run(self->out, OUT_LEN, "ip link del trss2"), 0)
		TH_LOG("%s", self->out);
	req_init(&r, OP_RSS_SET, gone.fds[0]);
	req_rss(self, &r, 1);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	trss_dev_destroy(&gone);

	fd = open("/dev/net/tun", O_RDWR);
	ASSERT_GE(fd, 0);
	r.dev.fd = fd;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	close(fd);
}

/* Files that are not tun files: a pipe, a socket, /dev/null */
TEST_F(deleg, non_tun_fds)
{
	int p[2], sock, null;
	struct req r;

	ASSERT_EQ(pipe(p), 0);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_GE(sock, 0);
	null = open("/dev/null", O_RDWR);
	ASSERT_GE(null, 0);

	req_init(&r, OP_RSS_SET, p[0]);
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	r.dev.fd = sock;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	r.dev.fd = null;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);
	/* A get too: the fd names no device */
	r.op = OP_RSS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEV);

	close(null);
	close(sock);
	close(p[0]);
	close(p[1]);
}

/* fd numbers not open in the sender's table, or beyond any fd */
TEST_F(deleg, bad_fd_numbers)
{
	struct req r;

	req_init(&r, OP_RSS_SET, 1000);
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EBADF, MSG_BADF);
	r.dev.fd = INT_MAX;
	refused(_metadata, self, variant, &r, -EBADF, MSG_BADF);
	/* Above INT_MAX the policy refuses the attribute itself */
	r.dev.fd = -1;
	r.dev.fd_raw = true;
	refused(_metadata, self, variant, &r, -ERANGE, "out of range");
}

/* The fd of our tap, but the request names another device */
TEST_F(deleg, fd_names_other_device)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	req_names(self, variant, &r);
	r.dev.name = self->other.name;
	req_rss(self, &r, 2);
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	r.dev.name = NULL;
	r.dev.ifindex = self->other.ifindex;
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	/* Name and index disagreeing, one of them ours */
	r.dev.name = self->dev.name;
	refused(_metadata, self, variant, &r, -ENODEV, NULL);
	/* Another device's features, with our fd */
	r.op = OP_FEATURE_SET;
	r.dev.name = self->other.name;
	r.dev.ifindex = 0;
	r.feature = "rx-hashing";
	r.on = true;
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
}

/* ---- operations that are never delegated, with a valid fd ---- */

TEST_F(deleg, not_delegatable_ops)
{
	struct req r;

	/*
	 * The SET operations that are never delegated keep the genetlink
	 * core's CAP_NET_ADMIN check, which comes before the fd is looked at.
	 */
	req_init(&r, OP_CHANNELS_SET, self->dev.fds[0]);
	r.value = 1;
	refused(_metadata, self, variant, &r, -EPERM, MSG_CAP);

	req_init(&r, OP_DEBUG_SET, self->dev.fds[0]);
	r.value = 1;
	refused(_metadata, self, variant, &r, -EPERM, MSG_CAP);

	req_init(&r, OP_LINKINFO_SET, self->dev.fds[0]);
	r.value = PORT_TP;
	refused(_metadata, self, variant, &r, -EPERM, MSG_CAP);

	/* A GET that is not delegatable refuses the attribute itself */
	req_init(&r, OP_RINGS_GET, self->dev.fds[0]);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_DELEG);

	/*
	 * ... wherever its header is: STATS_GET's is attribute 2 (the fd
	 * used to go unseen there, and the request was refused later as a
	 * dump carrying it, EINVAL)
	 */
	req_init(&r, OP_STATS_GET, self->dev.fds[0]);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_DELEG);

	/* A feature other than rxhash and ntuple */
	req_init(&r, OP_FEATURE_SET, self->dev.fds[0]);
	r.feature = "tx-scatter-gather";
	r.on = false;
	refused(_metadata, self, variant, &r, -EPERM, MSG_FEATURES);
}

/* A dump cannot carry the fd: it would be resolved outside doit */
TEST_F(deleg, dump_with_fd)
{
	struct req r;

	req_init(&r, OP_RSS_DUMP, self->dev.fds[0]);
	refused(_metadata, self, variant, &r, -EINVAL, MSG_DUMP);
}

/* write() without a sockaddr_nl: no explicit destination, refused */
TEST_F(deleg, no_explicit_destination)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	req_rss(self, &r, QUEUES);
	r.no_dest = true;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEST);
	r.op = OP_RSS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NO_DEST);
}

/*
 * A netlink socket opened by root and handed to the unprivileged process
 * (inherited here; SCM_RIGHTS is the same).  Its network namespace is
 * root's, where the devices are, whatever namespace the sender is in.
 * The fd still has to grant: it is looked up in the sender's fd table.
 * Without it, the capability check is netlink_ns_capable(): the opener of
 * the socket AND the sender must hold CAP_NET_ADMIN, and the sender does
 * not, so the socket lends no privilege.
 */
TEST_F(deleg, handed_over_socket)
{
	struct mnl_socket *nl;
	struct req r;

	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	ASSERT_NE(nl, NULL);
	ASSERT_EQ(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	/* Inherited across fork() despite SOCK_CLOEXEC: no exec */
	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	r.nl_fd = mnl_socket_get_fd(nl);
	req_rss(self, &r, QUEUES);
	EXPECT_EQ(unpriv(_metadata, self, variant, &r), 0);

	/* With a name only, the device resolves in root's namespace */
	r.dev.fd = -1;
	r.dev.name = self->dev.name;
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_CAP);

	/* Another tap's fd is still no grant for ours */
	r.dev.fd = self->other.fds[0];
	refused(_metadata, self, variant, &r, -EPERM, MSG_OTHER_DEV);
	mnl_socket_close(nl);
}

/* ---- the grant: the owner's, off by default, revocable ---- */

/* A tap whose owner never granted: every fd request is refused */
TEST_F(deleg, grant_off_by_default)
{
	struct trss_dev_opts opts = {
		.name = "trss3",
		.queues = 2,
		.vnet_hdr = true,
	};
	struct trss_dev fresh;
	struct req r;

	ASSERT_EQ(trss_dev_create(&fresh, &opts), 0);
	EXPECT_EQ(rtnl_tun_delegate(self->route, fresh.ifindex), 0);
	req_init(&r, OP_RSS_SET, fresh.fds[0]);
	req_rss(self, &r, 2);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	r.op = OP_RSS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	r.op = OP_FEATURE_SET;
	r.feature = "rx-hashing";
	r.on = true;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	r.op = OP_CHANNELS_GET;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	/* Granted over rtnetlink, reported, and the same fd works */
	EXPECT_EQ(rtnl_tun_change(self->route, fresh.ifindex, 1, false,
				  self->out), 0)
		TH_LOG("%s", self->out);
	EXPECT_EQ(rtnl_tun_delegate(self->route, fresh.ifindex), 1);
	r.op = OP_RSS_SET;
	EXPECT_EQ(unpriv(_metadata, self, variant, &r), 0);
	trss_dev_destroy(&fresh);
}

/* Revoked (ioctl, then rtnetlink) between two requests of one holder */
TEST_F(deleg, grant_revoked_between_requests)
{
	struct req r;

	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	req_rss(self, &r, QUEUES);
	ASSERT_EQ(unpriv(_metadata, self, variant, &r), 0);
	ASSERT_EQ(trss_dev_delegate(&self->dev, false), 0);
	EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex), 0);
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	r.op = OP_RSS_CREATE;
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	if (rules_supported(self)) {
		r.op = OP_RULE_ADD;
		refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
	}

	/* Granted again: works; revoked over rtnetlink: refused again */
	ASSERT_EQ(trss_dev_delegate(&self->dev, true), 0);
	r.op = OP_RSS_SET;
	EXPECT_EQ(unpriv(_metadata, self, variant, &r), 0);
	EXPECT_EQ(rtnl_tun_change(self->route, self->dev.ifindex, 0, false,
				  self->out), 0)
		TH_LOG("%s", self->out);
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
}

/* Shared with the child of grant_revoked_in_flight */
struct flight {
	int ready;		/* requests so far */
	int stop;		/* the parent has read the state */
	int last_ok;		/* number of the last request that succeeded */
	int first_eperm;	/* number of the first refused, 0: none */
	int ok_after_eperm;	/* successes after a refusal: must be 0 */
	int other_err;
	int setup_err;
	char extack[VNL_EXTACK_LEN];
};

/* Request i writes a key that says i */
static void flight_key(__u8 *key, int i)
{
	memset(key, 0x5a, TRSS_RSS_KEY_LEN);
	memcpy(key, &i, sizeof(i));
}

/*
 * The owner revokes while the holder sends RSS_SETs back to back.  Once
 * the revoke returns, nothing changes any more: the key the owner reads
 * right after the revoke is the one it reads after the holder is done,
 * and it is the key of the holder's last successful request.  No request
 * succeeds after one was refused.
 */
TEST_F(deleg, grant_revoked_in_flight)
{
	__u32 indir[TRSS_INDIR_SIZE] = {};
	struct trss_rss k1, k2;
	struct flight *fl;
	__u8 want[TRSS_RSS_KEY_LEN];
	unsigned int n;
	int status, i;
	pid_t pid;

	fl = mmap(NULL, sizeof(*fl), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(fl, MAP_FAILED);
	memset(fl, 0, sizeof(*fl));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct vnl_dev dev = VNL_DEV_FD(self->dev.fds[0]);
		__u8 key[TRSS_RSS_KEY_LEN];
		int nr_eperm = 0, ret;
		struct vnl vnl;

		fl->setup_err = vnl_drop_privileges(variant->userns);
		if (!fl->setup_err)
			fl->setup_err = vnl_open(&vnl);
		if (fl->setup_err)
			_exit(1);
		for (i = 1; i < 1000000 && nr_eperm < 50; i++) {
			flight_key(key, i);
			ret = vnl_rss_set(&vnl, &dev, 0, key, indir,
					  TRSS_INDIR_SIZE, 0);
			if (!ret) {
				fl->last_ok = i;
				if (fl->first_eperm)
					fl->ok_after_eperm++;
			} else if (ret == -EPERM) {
				if (!fl->first_eperm) {
					fl->first_eperm = i;
					memcpy(fl->extack, vnl.extack,
					       sizeof(fl->extack));
				}
				nr_eperm++;
			} else {
				fl->other_err = ret;
				break;
			}
			__atomic_store_n(&fl->ready, i, __ATOMIC_RELEASE);
		}
		_exit(0);
	}
	/* Revoke in the middle of the stream */
	for (i = 0; i < 10000 &&
	     __atomic_load_n(&fl->ready, __ATOMIC_ACQUIRE) < 20; i++)
		usleep(1000);
	EXPECT_GE(fl->ready, 20);
	EXPECT_EQ(rtnl_tun_change(self->route, self->dev.ifindex, 0, false,
				  self->out), 0)
		TH_LOG("%s", self->out);
	ASSERT_EQ(vnl_rss_get(&self->root, &VNL_DEV_INDEX(self->dev.ifindex),
			      0, &k1, &n), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(vnl_rss_get(&self->root, &VNL_DEV_INDEX(self->dev.ifindex),
			      0, &k2, &n), 0);

	EXPECT_EQ(fl->setup_err, 0);
	EXPECT_EQ(fl->other_err, 0);
	TH_LOG("%d requests, last success %d, first refusal %d (\"%s\")",
	       fl->ready, fl->last_ok, fl->first_eperm, fl->extack);
	EXPECT_GT(fl->last_ok, 0);
	EXPECT_GT(fl->first_eperm, fl->last_ok);
	EXPECT_EQ(fl->ok_after_eperm, 0);
	EXPECT_TRUE(strstr(fl->extack, MSG_NOT_GRANTED) ||
		    strstr(fl->extack, MSG_REVOKED));
	EXPECT_EQ(memcmp(k1.key, k2.key, TRSS_RSS_KEY_LEN), 0);
	flight_key(want, fl->last_ok);
	EXPECT_EQ(memcmp(k2.key, want, TRSS_RSS_KEY_LEN), 0);
	munmap(fl, sizeof(*fl));
}

/*
 * Two holders of one tap: another process of the owner's uid attaches a
 * queue of its own (6.12 lets it).  Without the grant its queue fd
 * configures nothing; the grant is device-wide, so with it, it would.
 */
TEST_F(deleg, grant_other_holder)
{
	static const enum req_op ops[] = {
		OP_RSS_SET, OP_FEATURE_SET, OP_RSS_GET, OP_RSS_CREATE,
	};
	int owner = 65534;	/* nobody, who the child becomes */
	struct snapshot before;
	unsigned int i;
	struct req r;

	if (variant->userns)
		SKIP(return, "the other holder attaches by name, in the tap's netns");
	ASSERT_EQ(ioctl(self->dev.fds[0], TUNSETOWNER, owner), 0);
	ASSERT_EQ(trss_dev_delegate(&self->dev, false), 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		req_init(&r, ops[i], -1);
		r.attach = self->dev.name;
		r.feature = "rx-hashing";
		r.on = true;
		req_rss(self, &r, QUEUES);
		r.attach_fd = open("/dev/net/tun", O_RDWR);
		ASSERT_GE(r.attach_fd, 0);
		snap(_metadata, self, &before);
		EXPECT_EQ(unpriv(_metadata, self, variant, &r), -EPERM);
		EXPECT_NE(strstr(self->res->extack, MSG_NOT_GRANTED), NULL)
			TH_LOG("extack \"%s\"", self->res->extack);
		/* its queue goes away with the file */
		close(r.attach_fd);
		unchanged(_metadata, self, &before);
	}
	/* The VMM's own fd is refused as well: the grant is the device's */
	req_init(&r, OP_RSS_SET, self->dev.fds[0]);
	req_rss(self, &r, QUEUES);
	refused(_metadata, self, variant, &r, -EPERM, MSG_NOT_GRANTED);
}

/*
 * A holder's attempt to set the grant to @on, by ioctl and over
 * rtnetlink, with the device's grant the other way: refused, unchanged
 */
static void holder_sets_grant(struct __test_metadata *_metadata,
			      FIXTURE_DATA(deleg) *self,
			      const FIXTURE_VARIANT(deleg) *variant, bool on)
{
	static const enum req_op ops[] = { OP_IOCTL_DELEGATE,
					   OP_RTNL_DELEGATE };
	unsigned int i;
	struct req r;

	req_init(&r, OP_IOCTL_DELEGATE, self->dev.fds[0]);
	r.dev.ifindex = self->dev.ifindex;
	r.route_fd = variant->userns ? mnl_socket_get_fd(self->route) : -1;
	r.on = on;
	ASSERT_EQ(trss_dev_delegate(&self->dev, !on), 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		r.op = ops[i];
		refused(_metadata, self, variant, &r, -EPERM, NULL);
		EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex),
			  !on);
	}
}

/* Only CAP_NET_ADMIN over the device's netns grants or revokes */
TEST_F(deleg, grant_by_holder_refused)
{
	/* grant itself, or revoke (from another holder) */
	holder_sets_grant(_metadata, self, variant, true);
	holder_sets_grant(_metadata, self, variant, false);
}

/* changelink: all or nothing, precise errors */
TEST_F(deleg, grant_changelink_bad)
{
	char extack[VNL_EXTACK_LEN];
	int bad = 2;

	/* another tun attribute with it: refused, nothing changes */
	EXPECT_EQ(rtnl_tun_change(self->route, self->dev.ifindex, 0, true,
				  extack), -EOPNOTSUPP);
	EXPECT_NE(strstr(extack, MSG_TUN_ATTR), NULL)
		TH_LOG("extack \"%s\"", extack);
	EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex), 1);
	/* not 0 or 1 */
	EXPECT_EQ(rtnl_tun_change(self->route, self->dev.ifindex, 2, false,
				  extack), -ERANGE);
	EXPECT_NE(extack[0], '\0');
	EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex), 1);
	EXPECT_EQ(ioctl(self->dev.fds[0], TUNSETDELEGATE, &bad), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex), 1);
	/* nothing to change: no error, no change */
	EXPECT_EQ(rtnl_tun_change(self->route, self->dev.ifindex, -1, false,
				  extack), 0);
	EXPECT_EQ(rtnl_tun_delegate(self->route, self->dev.ifindex), 1);
}

/* ---- the reference client, end to end ---- */

static void run_client(struct __test_metadata *_metadata, const char *args)
{
	char dir[PATH_MAX], out[OUT_LEN], *slash;
	struct vnl_dev nodev = { .fd = -1, .name = "nodev0" };
	struct vnl root;
	bool rules;
	ssize_t n;
	int ret;

	/* An unknown command is EOPNOTSUPP before the device is looked up */
	ASSERT_EQ(vnl_open(&root), 0);
	rules = vnl_rule_get(&root, &nodev, 0) != -EOPNOTSUPP;
	vnl_close(&root);

	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	ASSERT_GT(n, 0);
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	ASSERT_NE(slash, NULL);
	*slash = '\0';
	ret = trss_run(out, sizeof(out), "%s/vmm_client --quiet --flows 256 %s",
		       dir, args);
	TH_LOG("%s", out);
	EXPECT_EQ(ret, 0);
	EXPECT_NE(strstr(out, "vmm_client: PASS"), NULL);
	EXPECT_NE(strstr(out, "256/256 frames read"), NULL);
	EXPECT_EQ(strstr(out, "MISMATCH"), NULL);
	/* With flow rules, some flows went to the context through one */
	if (rules)
		EXPECT_NE(strstr(out, "FLOW_RULE_ADD udp4"), NULL);
}

TEST(vmm_client)
{
	run_client(_metadata, "");
}

TEST(vmm_client_userns)
{
	run_client(_metadata, "--userns --queues 8");
}

TEST_HARNESS_MAIN
