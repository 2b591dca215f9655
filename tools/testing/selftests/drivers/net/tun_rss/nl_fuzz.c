// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded bad-input generator for the ethtool netlink family, run against
 * multi-queue taps that carry RSS contexts and ntuple rules (issue 10;
 * SPEC §6, §7).
 *
 * Raw generic netlink, no library: the test resolves the "ethtool" family
 * and its operations, then sends random and mutated requests: RSS_GET,
 * RSS_SET, RSS_CREATE_ACT, RSS_DELETE_ACT, CHANNELS and FEATURES get/set,
 * the flow rule messages when the kernel has them, and now and then any
 * other operation of the family.  Each request is built from attributes
 * of the right shape or of a wrong one (type, length, nesting, zero and
 * huge sizes, unknown types, duplicates), with random header flags and
 * device names, indexes and, when the kernel knows the attribute, the
 * delegation fd (ETHTOOL_A_HEADER_DEV_FD): a queue fd of the device, of
 * the other tap, a detached queue, an unattached tun file, sockets,
 * /dev/null, a closed number, out-of-range numbers.  A quarter of the
 * requests are then mutated byte-wise (flipped bytes, corrupted attribute
 * lengths, truncation, trailing garbage).
 *
 * Every reply is checked:
 *  - the stream is well formed: one terminal message (an ack, an error
 *    or the end of a dump) with our sequence number, replies of the
 *    family's type before it, a get that succeeds carries its reply;
 *  - a refusal is an errno from the set below (anything else, ENOMEM
 *    for these small requests included, fails the test), EPERM only for
 *    an unprivileged sender or a request naming a fd, EBADF only for one
 *    naming a fd;
 *  - a refused request changes nothing: both devices' full state (every
 *    RSS context: table, key, hash function, input transform, hash
 *    fields; channels; features; ntuple rules; the link's flags and
 *    tun's link info: steering mode, contexts, rules, hash report) is
 *    read back after every request and compared with the state before;
 *  - a refused request notifies nothing: no ethtool notification on the
 *    monitor group and no RTM_NEWLINK for either device;
 *  - a request that succeeds changes what it asked for and nothing else:
 *    the test decodes its own request (as the kernel parses it: last
 *    attribute of a type wins) and builds the expected state of RSS_SET
 *    (table, repeated to the device's size or the default spread for an
 *    empty one; key; hash function; input transform; hash fields, with
 *    tun's AH/ESP/AH+ESP aliasing),
 *    RSS_CREATE_ACT (a new context, the ID the reply names, with what the
 *    request set), RSS_DELETE_ACT (the context gone), FLOW_RULE_ADD (a
 *    rule at the location the reply names, every other rule unchanged)
 *    and FLOW_RULE_DEL (that rule gone); gets change nothing; the other
 *    sets are not modelled and only counted.  The link info after a
 *    success is taken as it is (the steering mode a success selects is
 *    rss_netlink_bad.sh's and steering's business).
 *
 * The other tap starts in automq mode and is put back to it now and then,
 * so that refusals are also seen to leave automq as it is (issue 18).
 *
 * Three phases: a privileged sender; an unprivileged one (a child that
 * drops to nobody with no capability) that never names a fd granting
 * control of a device, which must change nothing at all; and, when the
 * kernel has ETHTOOL_A_HEADER_DEV_FD, an unprivileged one that also names
 * the taps' queue fds, whose requests may change a device only when the
 * fd grants control of the device the request addresses, the operation
 * is delegatable (SPEC §6) and the message went to an explicit
 * destination.  A phase without its kernel support is reported as a skip.
 *
 *   nl_fuzz [seed [count [seconds]]]
 *
 * seed replays a run (printed at the start; default: from the clock),
 * count bounds the requests per phase (default 100000) and seconds the
 * whole run (default 60: half for the privileged phase, a quarter for
 * each unprivileged one).  NLFZ_VERBOSE=1 in the environment also shows
 * the first refusals that came without any extack information (message,
 * offending or missing attribute): today those come from the genetlink
 * core (unknown command, dump of a do-only operation, EPERM) and from
 * RSS_GET's own checks.  NLFZ_SHOW_CMD=n shows every refusal of command
 * n with its extack message.  The VM runner
 * checks the kernel log.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../../../kselftest.h"
#include "tun_rss_lib.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/ethtool_netlink.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

#ifndef __aligned
#define __aligned(x)	__attribute__((aligned(x)))
#endif

/* Being added (SPEC §6): used when the kernel has them, probed at run time */
#define NLFZ_MSG_FLOW_RULE_GET	52
#define NLFZ_MSG_FLOW_RULE_ADD	53
#define NLFZ_MSG_FLOW_RULE_DEL	54
#define NLFZ_A_HEADER_DEV_FD	5
/* ETHTOOL_A_FLOW_RULE_*, _A_FLOW_MATCH_* (value, then mask), _A_FLOW_ACTION_* */
#define NLFZ_A_RULE_LOCATION	2
#define NLFZ_A_RULE_FLOW_TYPE	3
#define NLFZ_A_RULE_MATCH	4
#define NLFZ_A_RULE_ACTION	5
#define NLFZ_A_MATCH_MAX	32
#define NLFZ_A_ACTION_QUEUE	1
#define NLFZ_A_ACTION_CONTEXT	2
#define NLFZ_A_ACTION_DROP	3
#define NLFZ_A_ACTION_WAKE	4
#define NLFZ_A_ACTION_VF	5

#define REQ_MAX		(80 * 1024)
#define RBUF_MAX	(128 * 1024)
#define NR_CTX		256	/* context IDs the state tracks */
#define NR_RULES	512	/* rules the state tracks (count beyond) */
#define NR_FLOW		(ETHTOOL_A_FLOW_MAX + 1)
#define FEAT_MAX	1024
#define LINK_MAX	512	/* tun's IFLA_INFO_DATA */
#define MAIN_QUEUES	4
#define OTHER_QUEUES	2
#define NOBODY		65534

/* ---- random numbers ------------------------------------------------------ */

static __u64 rnd_state;

static __u32 rnd32(void)
{
	return trss_random(&rnd_state);
}

static __u32 rnd(__u32 n)
{
	return n ? rnd32() % n : 0;
}

static bool chance(__u32 n)
{
	return rnd(n) == 0;
}

static __u32 interesting_u32(void)
{
	static const __u32 v[] = {
		0, 1, 2, 3, 4, 7, 8, 63, 64, 65, 127, 128, 129, 255, 256,
		4095, 4096, 65535, 65536, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	return chance(4) ? rnd32() : v[rnd(ARRAY_SIZE(v))];
}

/* ---- devices and the fd pool --------------------------------------------- */

struct fz_dev {
	struct trss_dev t;
	unsigned int queues;		/* attached queues */
};

enum { DEV_MAIN, DEV_OTHER, NR_DEVS };

struct pool_fd {
	int fd;			/* -1..: the number put in the request */
	int dev;		/* device it grants, -1: none */
	const char *what;
};

static struct fz_dev devs[NR_DEVS];
static struct pool_fd pool[32];
static unsigned int nr_pool;

static void pool_add(int fd, int dev, const char *what)
{
	if (nr_pool < ARRAY_SIZE(pool))
		pool[nr_pool++] = (struct pool_fd){ fd, dev, what };
}

static int pool_dev(__u32 fd)
{
	unsigned int i;

	for (i = 0; i < nr_pool; i++)
		if ((__u32)pool[i].fd == fd)
			return pool[i].dev;
	return -1;
}

/* ---- the family ---------------------------------------------------------- */

struct family {
	__u16 id;
	__u32 monitor;		/* the monitor multicast group */
	unsigned int nr_ops;
	__u8 op_cmd[256];
	__u32 op_flags[256];
	bool has_op[256];
	bool dev_fd;		/* ETHTOOL_A_HEADER_DEV_FD understood */
	bool flow_rules;
};

static struct family fam;

/* ---- requests ------------------------------------------------------------ */

struct req {
	__u8 buf[REQ_MAX] __aligned(4);
	size_t len;
	__u8 cmd;
	bool dump;
	bool connected;		/* sent without an explicit destination */
	bool mutated;
};

static struct nlmsghdr *req_nlh(struct req *r)
{
	return (struct nlmsghdr *)r->buf;
}

static size_t put_attr(struct req *r, __u16 type, const void *data,
		       size_t len)
{
	size_t off = r->len;
	struct nlattr *nla;

	if (off + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(r->buf) ||
	    NLA_HDRLEN + len > 0xffff)
		return off;
	nla = (struct nlattr *)(r->buf + off);
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(r->buf + off + NLA_HDRLEN, data, len);
	memset(r->buf + off + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	r->len += NLA_HDRLEN + NLA_ALIGN(len);
	return off;
}

/*
 * A third of the requests are well formed, with values a device may take,
 * so that successes (and their model) are common; the rest are not.
 */
static bool clean;

/* Mostly the type asked for; sometimes a stray flag or another type */
static __u16 fz_type(__u16 type)
{
	if (clean)
		return type;
	switch (rnd(64)) {
	case 0:
		return rnd(12);
	case 1:
		return type | NLA_F_NET_BYTEORDER;
	case 2:
		return type | NLA_F_NESTED;
	case 3:
		return rnd32() & 0xffff;
	default:
		return type;
	}
}

static size_t nest_start(struct req *r, __u16 type)
{
	if (clean || !chance(24))
		type |= NLA_F_NESTED;
	return put_attr(r, fz_type(type), NULL, 0);
}

static void nest_end(struct req *r, size_t off)
{
	struct nlattr *nla = (struct nlattr *)(r->buf + off);

	/* More than fits a u16 wraps: one more way of being malformed */
	nla->nla_len = r->len - off;
}

static void put_u32x(struct req *r, __u16 type, __u32 v)
{
	__u64 w = v;
	size_t off;

	switch (clean ? 31 : rnd(32)) {
	case 0:
		put_attr(r, fz_type(type), &v, 0);
		break;
	case 1:
		put_attr(r, fz_type(type), &v, 1 + rnd(3));
		break;
	case 2:
		put_attr(r, fz_type(type), &w, 8);
		break;
	case 3:
		off = nest_start(r, type);
		put_attr(r, 1, &v, 4);
		nest_end(r, off);
		break;
	default:
		put_attr(r, fz_type(type), &v, 4);
	}
}

/* NLA_UINT: 4 or 8 bytes are both right */
static void put_uintx(struct req *r, __u16 type, __u64 v)
{
	__u32 v32 = v;

	if (chance(3))
		put_attr(r, fz_type(type), &v, 8);
	else if (!clean && chance(16))
		put_attr(r, fz_type(type), &v32, rnd(4));
	else
		put_attr(r, fz_type(type), &v32, 4);
}

static void put_random_attr(struct req *r, __u16 type)
{
	__u8 data[96];
	size_t len = rnd(sizeof(data) + 1), off;

	if (chance(4)) {
		off = nest_start(r, type);
		put_random_attr(r, 1 + rnd(8));
		if (chance(2))
			put_random_attr(r, 1 + rnd(8));
		nest_end(r, off);
		return;
	}
	trss_random_bytes(&rnd_state, data, len);
	put_attr(r, fz_type(type), data, len);
}

/* ---- state ----------------------------------------------------------------- */

struct ctx_st {
	bool present;
	bool has_indir, has_key;
	__u32 hfunc, xfrm;
	__u32 indir_n, key_n;
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 fh_mask;		/* flow types reported */
	__u64 fh[NR_FLOW];
};

struct rule_st {
	__u32 loc;
	__u32 rss_context;
	struct ethtool_rx_flow_spec fs;
};

/* RTM_GETLINK: what rtnetlink reports of the tap */
struct link_st {
	__u32 flags;		/* ifi_flags */
	__u8 data[LINK_MAX];	/* tun's IFLA_INFO_DATA, as sent */
	size_t len;
};

struct dev_st {
	struct link_st link;
	struct ctx_st ctx[NR_CTX];
	__u32 ch[ETHTOOL_A_CHANNELS_MAX + 1];
	__u8 feat[FEAT_MAX];
	size_t feat_len;
	int nr_rules;
	struct rule_st rule[NR_RULES];
};

struct state {
	struct dev_st dev[NR_DEVS];
};

/* ---- counters, shared with the children ------------------------------------ */

#define NR_ERRNO	600

struct phase_stats {
	unsigned long sent, accepted, refused, mutated, connected;
	unsigned long unmodelled;	/* successes whose effect is not modelled */
	unsigned long modelled;		/* successes checked against the model */
	unsigned long no_extack_msg;	/* refusals without an extack message */
	unsigned long no_extack;	/* ... nor any other extack information */
	unsigned long refused_automq;	/* RSS_SET refused to a tap in automq */
	unsigned long by_errno[NR_ERRNO];
	unsigned long by_cmd_ok[256];
	unsigned long failures;
	char first_failure[512];
	bool done;
};

struct shared {
	struct phase_stats ph[3];
};

static struct shared *sh;
static struct phase_stats *st;
static bool verbose;	/* NLFZ_VERBOSE=1: show refusals without extack */
static int show_cmd = -1;	/* NLFZ_SHOW_CMD=n: show refusals of command n */

static void __printf(1, 2) failure(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->failures++;
	if (st->failures <= 10)
		ksft_print_msg("FAIL: %s\n", msg);
	if (st->failures == 1)
		snprintf(st->first_failure, sizeof(st->first_failure), "%s",
			 msg);
}

/* ---- netlink I/O ----------------------------------------------------------- */

struct nl {
	int fd;			/* sendto() the kernel */
	int cfd;		/* connected to the kernel, send() */
	__u32 seq;
	__u8 rbuf[RBUF_MAX] __aligned(4);
};

struct result {
	int err;		/* 0, or the positive errno of the refusal */
	bool terminal;
	bool extack_msg;	/* an extack message */
	bool extack_any;	/* a message, an offending or a missing attribute */
	char extack[160];
	unsigned int nr_replies;
	__u8 reply[RBUF_MAX];	/* the first reply message */
	size_t reply_len;
	char anomaly[200];
};

static int nl_socket(bool do_connect)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int fd, one = 1, rcv = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (do_connect && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int nl_open(struct nl *nl)
{
	nl->fd = nl_socket(false);
	if (nl->fd < 0)
		return nl->fd;
	nl->cfd = nl_socket(true);
	if (nl->cfd < 0)
		return nl->cfd;
	nl->seq = 1000;
	return 0;
}

static void nl_close(struct nl *nl)
{
	close(nl->fd);
	close(nl->cfd);
}

static void req_init(struct req *r, __u16 type, __u8 cmd, __u16 flags)
{
	struct nlmsghdr *nlh = req_nlh(r);
	struct genlmsghdr *g;

	memset(r->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = 1;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->cmd = cmd;
	r->dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	r->connected = false;
	r->mutated = false;
}

static void extack_parse(struct result *res, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off, end = nlh->nlmsg_len;
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= end) {
		a = (const struct nlattr *)((const __u8 *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_OFFS:
		case NLMSGERR_ATTR_MISS_TYPE:
			res->extack_any = true;
			break;
		case NLMSGERR_ATTR_MSG:
			res->extack_any = true;
			res->extack_msg = true;
			snprintf(res->extack, sizeof(res->extack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			break;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Send one request and read everything up to its terminal message */
static void nl_xfer(struct nl *nl, struct req *r, struct result *res)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh = req_nlh(r);
	__u32 seq = ++nl->seq;
	ssize_t n;
	int fd;

	memset(res, 0, offsetof(struct result, reply));
	res->reply_len = 0;
	nlh->nlmsg_len = r->len;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;

	if (r->connected) {
		fd = nl->cfd;
		n = send(fd, r->buf, r->len, 0);
	} else {
		fd = nl->fd;
		n = sendto(fd, r->buf, r->len, 0,
			   (const struct sockaddr *)&kernel, sizeof(kernel));
	}
	if (n < 0) {
		/* The socket layer refused the datagram: a clean error */
		res->err = errno;
		res->terminal = true;
		return;
	}
	if ((size_t)n != r->len) {
		snprintf(res->anomaly, sizeof(res->anomaly),
			 "short send %zd of %zu", n, r->len);
		return;
	}

	while (!res->terminal && !res->anomaly[0]) {
		size_t off = 0;

		n = recv(fd, nl->rbuf, sizeof(nl->rbuf), MSG_TRUNC);
		if (n < 0) {
			snprintf(res->anomaly, sizeof(res->anomaly),
				 "no terminal message (%s)", strerror(errno));
			return;
		}
		if ((size_t)n > sizeof(nl->rbuf)) {
			snprintf(res->anomaly, sizeof(res->anomaly),
				 "reply datagram of %zd bytes", n);
			return;
		}
		while (off < (size_t)n && !res->anomaly[0]) {
			struct nlmsghdr *m = (struct nlmsghdr *)(nl->rbuf + off);
			size_t left = n - off;

			if (left < NLMSG_HDRLEN || m->nlmsg_len < NLMSG_HDRLEN ||
			    m->nlmsg_len > left) {
				snprintf(res->anomaly, sizeof(res->anomaly),
					 "malformed reply message (len %u of %zu)",
					 left >= NLMSG_HDRLEN ? m->nlmsg_len : 0,
					 left);
				return;
			}
			off += NLMSG_ALIGN(m->nlmsg_len);
			if (m->nlmsg_seq != seq) {
				snprintf(res->anomaly, sizeof(res->anomaly),
					 "message type %u of sequence %u, expected %u",
					 m->nlmsg_type, m->nlmsg_seq, seq);
				return;
			}
			if (res->terminal) {
				snprintf(res->anomaly, sizeof(res->anomaly),
					 "message type %u after the terminal one",
					 m->nlmsg_type);
				return;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(m);

				if (m->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "short error message (%u)",
						 m->nlmsg_len);
					return;
				}
				if (e->error > 0) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "positive error %d", e->error);
					return;
				}
				if (e->msg.nlmsg_seq != seq) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "error echoes sequence %u",
						 e->msg.nlmsg_seq);
					return;
				}
				res->err = -e->error;
				res->terminal = true;
				extack_parse(res, m);
			} else if (m->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (!r->dump) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "NLMSG_DONE for a do request");
					return;
				}
				if (m->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(m), sizeof(e));
				if (e > 0) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "positive dump error %d", e);
					return;
				}
				res->err = -e;
				res->terminal = true;
				extack_parse(res, m);
			} else if (m->nlmsg_type == fam.id) {
				if (m->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
					snprintf(res->anomaly,
						 sizeof(res->anomaly),
						 "reply without a genl header");
					return;
				}
				if (!res->nr_replies++) {
					memcpy(res->reply, m, m->nlmsg_len);
					res->reply_len = m->nlmsg_len;
				}
			} else {
				snprintf(res->anomaly, sizeof(res->anomaly),
					 "reply of type %u", m->nlmsg_type);
				return;
			}
		}
	}
}

/* Attribute iteration over a received or built message */
#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (size_t)((__u8 *)a - (__u8 *)(start)) + NLA_HDRLEN <= (len) && \
	     a->nla_len >= NLA_HDRLEN &&				\
	     (size_t)((__u8 *)a - (__u8 *)(start)) + a->nla_len <= (len); \
	     a = (struct nlattr *)((__u8 *)a + NLA_ALIGN(a->nla_len)))

static void *nla_data_(struct nlattr *a)
{
	return (__u8 *)a + NLA_HDRLEN;
}

static size_t nla_len_(struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static __u64 nla_uint_(struct nlattr *a)
{
	__u32 v32;
	__u64 v;

	if (nla_len_(a) == 8) {
		memcpy(&v, nla_data_(a), 8);
		return v;
	}
	memcpy(&v32, nla_data_(a), 4);
	return v32;
}

static void *msg_attrs(void *msg, size_t *len)
{
	struct nlmsghdr *nlh = msg;

	*len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return (__u8 *)NLMSG_DATA(nlh) + GENL_HDRLEN;
}

/* ---- the family's ID and operations ---------------------------------------- */

static int family_resolve(struct nl *nl, struct result *res, struct req *r)
{
	struct nlattr *a, *op, *oa;
	size_t len;
	void *at;

	req_init(r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK);
	put_attr(r, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME,
		 sizeof(ETHTOOL_GENL_NAME));
	fam.id = GENL_ID_CTRL;	/* replies come with the controller's type */
	nl_xfer(nl, r, res);
	if (res->anomaly[0] || res->err || !res->nr_replies)
		return -ENOENT;

	at = msg_attrs(res->reply, &len);
	fam.id = 0;
	for_each_attr(a, at, len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_FAMILY_ID:
			memcpy(&fam.id, nla_data_(a), 2);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			for_each_attr(op, nla_data_(a), nla_len_(a)) {
				__u32 id = 0;
				bool monitor = false;

				for_each_attr(oa, nla_data_(op), nla_len_(op)) {
					if (oa->nla_type == CTRL_ATTR_MCAST_GRP_ID)
						memcpy(&id, nla_data_(oa), 4);
					if (oa->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
						monitor = !strcmp(nla_data_(oa),
								  ETHTOOL_MCGRP_MONITOR_NAME);
				}
				if (monitor)
					fam.monitor = id;
			}
			break;
		case CTRL_ATTR_OPS:
			for_each_attr(op, nla_data_(a), nla_len_(a)) {
				__u32 id = 0, flags = 0;

				for_each_attr(oa, nla_data_(op), nla_len_(op)) {
					if (oa->nla_type == CTRL_ATTR_OP_ID)
						memcpy(&id, nla_data_(oa), 4);
					if (oa->nla_type == CTRL_ATTR_OP_FLAGS)
						memcpy(&flags, nla_data_(oa), 4);
				}
				if (id < 256 && !fam.has_op[id]) {
					fam.has_op[id] = true;
					fam.op_flags[id] = flags;
					fam.op_cmd[fam.nr_ops++] = id;
				}
			}
			break;
		}
	}
	fam.flow_rules = fam.has_op[NLFZ_MSG_FLOW_RULE_GET] &&
			 fam.has_op[NLFZ_MSG_FLOW_RULE_ADD] &&
			 fam.has_op[NLFZ_MSG_FLOW_RULE_DEL];
	return fam.id ? 0 : -ENOENT;
}

static bool op_is_get(__u8 cmd);
static bool op_delegatable(__u8 cmd);

/*
 * Operations an unprivileged sender may not carry out on its own: those
 * the family flags as needing CAP_NET_ADMIN, and the delegatable ones
 * that change something (their check moved into the handler).
 */
static bool op_admin(__u8 cmd)
{
	return (fam.op_flags[cmd] & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM)) ||
	       (op_delegatable(cmd) && !op_is_get(cmd));
}

/* SPEC §6: what a granting fd lets an unprivileged sender do */
static bool op_delegatable(__u8 cmd)
{
	switch (cmd) {
	case ETHTOOL_MSG_RSS_GET:
	case ETHTOOL_MSG_RSS_SET:
	case ETHTOOL_MSG_RSS_CREATE_ACT:
	case ETHTOOL_MSG_RSS_DELETE_ACT:
	case ETHTOOL_MSG_CHANNELS_GET:
	case ETHTOOL_MSG_FEATURES_GET:
	case ETHTOOL_MSG_FEATURES_SET:	/* rxhash and ntuple only */
	case NLFZ_MSG_FLOW_RULE_GET:
	case NLFZ_MSG_FLOW_RULE_ADD:
	case NLFZ_MSG_FLOW_RULE_DEL:
		return true;
	}
	return false;
}

/* ---- reading the state ------------------------------------------------------- */

static void put_dev_header(struct req *r, int d, __u32 flags)
{
	__u32 ifindex = devs[d].t.ifindex;
	size_t off;

	off = put_attr(r, NLA_F_NESTED | 1, NULL, 0);
	put_attr(r, ETHTOOL_A_HEADER_DEV_INDEX, &ifindex, 4);
	if (flags)
		put_attr(r, ETHTOOL_A_HEADER_FLAGS, &flags, 4);
	nest_end(r, off);
}

static int ctx_parse(struct dev_st *ds, void *msg, size_t len)
{
	struct nlattr *a, *f;
	struct ctx_st c = { .present = true };
	__u32 id = 0;

	for_each_attr(a, msg, len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case ETHTOOL_A_RSS_CONTEXT:
			memcpy(&id, nla_data_(a), 4);
			break;
		case ETHTOOL_A_RSS_HFUNC:
			memcpy(&c.hfunc, nla_data_(a), 4);
			break;
		case ETHTOOL_A_RSS_INPUT_XFRM:
			memcpy(&c.xfrm, nla_data_(a), 4);
			break;
		case ETHTOOL_A_RSS_INDIR:
			c.has_indir = true;
			c.indir_n = nla_len_(a) / 4;
			if (c.indir_n > TRSS_INDIR_SIZE)
				return -EPROTO;
			memcpy(c.indir, nla_data_(a), c.indir_n * 4);
			break;
		case ETHTOOL_A_RSS_HKEY:
			c.has_key = true;
			c.key_n = nla_len_(a);
			if (c.key_n > TRSS_RSS_KEY_LEN)
				return -EPROTO;
			memcpy(c.key, nla_data_(a), c.key_n);
			break;
		case ETHTOOL_A_RSS_FLOW_HASH:
			for_each_attr(f, nla_data_(a), nla_len_(a)) {
				__u16 t = f->nla_type & NLA_TYPE_MASK;

				if (t >= NR_FLOW)
					return -EPROTO;
				c.fh_mask |= 1U << t;
				c.fh[t] = nla_uint_(f);
			}
			break;
		}
	}
	if (id >= NR_CTX)
		return -ERANGE;
	ds->ctx[id] = c;
	return 0;
}

static int state_read_rss(struct nl *nl, struct req *r, int d,
			  struct dev_st *ds)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh;
	__u32 seq;
	ssize_t n;

	req_init(r, fam.id, ETHTOOL_MSG_RSS_GET, NLM_F_REQUEST | NLM_F_DUMP);
	put_dev_header(r, d, 0);
	nlh = req_nlh(r);
	nlh->nlmsg_len = r->len;
	seq = ++nl->seq;
	nlh->nlmsg_seq = seq;
	if (sendto(nl->fd, r->buf, r->len, 0, (const struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		size_t off = 0;

		n = recv(nl->fd, nl->rbuf, sizeof(nl->rbuf), 0);
		if (n < 0)
			return -errno;
		while (off + NLMSG_HDRLEN <= (size_t)n) {
			struct nlmsghdr *m = (struct nlmsghdr *)(nl->rbuf + off);
			void *at;
			size_t len;
			int err;

			if (m->nlmsg_len < NLMSG_HDRLEN ||
			    m->nlmsg_len > n - off || m->nlmsg_seq != seq)
				return -EPROTO;
			off += NLMSG_ALIGN(m->nlmsg_len);
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(m))->error ?: -EPROTO;
			if (m->nlmsg_type != fam.id ||
			    m->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				return -EPROTO;
			at = msg_attrs(m, &len);
			err = ctx_parse(ds, at, len);
			if (err)
				return err;
		}
	}
}

static int state_read_get(struct nl *nl, struct req *r, struct result *res,
			  int d, __u8 cmd, __u32 flags)
{
	req_init(r, fam.id, cmd, NLM_F_REQUEST | NLM_F_ACK);
	put_dev_header(r, d, flags);
	nl_xfer(nl, r, res);
	if (res->anomaly[0])
		return -EPROTO;
	if (res->err)
		return -res->err;
	return res->nr_replies == 1 ? 0 : -EPROTO;
}

/* RTM_GETLINK of device @d: its flags and tun's link info */
static int state_read_link(int d, struct link_st *ls)
{
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg ifi;
	} req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nlh.nlmsg_type = RTM_GETLINK,
		.nlh.nlmsg_flags = NLM_F_REQUEST,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = devs[d].t.ifindex,
	};
	static __u8 buf[16384] __aligned(4);
	struct nlattr *a, *li, *ld;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int fd, ret = -EPROTO;
	size_t len;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nlh.nlmsg_len, 0) < 0) {
		ret = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nlh, n) || nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		goto out;
	ifi = NLMSG_DATA(nlh);
	ls->flags = ifi->ifi_flags;
	ls->len = 0;
	len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	for_each_attr(a, ifi + 1, len) {
		if ((a->nla_type & NLA_TYPE_MASK) != IFLA_LINKINFO)
			continue;
		for_each_attr(li, nla_data_(a), nla_len_(a)) {
			if ((li->nla_type & NLA_TYPE_MASK) != IFLA_INFO_DATA)
				continue;
			for_each_attr(ld, nla_data_(li), nla_len_(li)) {
				if (ls->len + NLA_ALIGN(ld->nla_len) > sizeof(ls->data)) {
					ret = -E2BIG;
					goto out;
				}
				memcpy(ls->data + ls->len, ld, ld->nla_len);
				ls->len += NLA_ALIGN(ld->nla_len);
			}
		}
	}
	/* a tap with RSS always reports its steering mode */
	ret = ls->len ? 0 : -ENODATA;
out:
	close(fd);
	return ret;
}

/* The steering mode in a link_st (IFLA_TUN_STEERING), -1 if absent */
static int link_steering(const struct link_st *ls)
{
	struct nlattr *a;

	for_each_attr(a, ls->data, ls->len)
		if ((a->nla_type & NLA_TYPE_MASK) == IFLA_TUN_STEERING)
			return *(__u8 *)nla_data_(a);
	return -1;
}

static int state_read_dev(struct nl *nl, struct req *r, struct result *res,
			  int d, struct dev_st *ds)
{
	struct trss_dev *t = &devs[d].t;
	__u32 locs[NR_RULES];
	struct nlattr *a;
	size_t len;
	void *at;
	int err, i;

	memset(ds, 0, sizeof(*ds));
	err = state_read_link(d, &ds->link);
	if (err)
		return err;
	err = state_read_rss(nl, r, d, ds);
	if (err)
		return err;

	err = state_read_get(nl, r, res, d, ETHTOOL_MSG_CHANNELS_GET, 0);
	if (err)
		return err;
	at = msg_attrs(res->reply, &len);
	for_each_attr(a, at, len) {
		__u16 type = a->nla_type & NLA_TYPE_MASK;

		if (type > ETHTOOL_A_CHANNELS_HEADER &&
		    type <= ETHTOOL_A_CHANNELS_MAX && nla_len_(a) == 4)
			memcpy(&ds->ch[type], nla_data_(a), 4);
	}

	err = state_read_get(nl, r, res, d, ETHTOOL_MSG_FEATURES_GET,
			     ETHTOOL_FLAG_COMPACT_BITSETS);
	if (err)
		return err;
	at = msg_attrs(res->reply, &len);
	for_each_attr(a, at, len) {
		if ((a->nla_type & NLA_TYPE_MASK) == ETHTOOL_A_FEATURES_HEADER)
			continue;
		if (ds->feat_len + a->nla_len > sizeof(ds->feat))
			return -E2BIG;
		memcpy(ds->feat + ds->feat_len, a, a->nla_len);
		ds->feat_len += a->nla_len;
	}

	err = trss_rule_count(t, NULL);
	if (err < 0)
		return err;
	ds->nr_rules = err;
	err = trss_rule_all(t, locs, NR_RULES);
	if (err < 0 && ds->nr_rules <= NR_RULES)
		return err;
	for (i = 0; i < ds->nr_rules && i < NR_RULES && err >= 0; i++) {
		ds->rule[i].loc = locs[i];
		err = trss_rule_get(t, locs[i], &ds->rule[i].fs,
				    &ds->rule[i].rss_context);
		if (err)
			return err;
	}
	return 0;
}

static int state_read(struct nl *nl, struct req *r, struct result *res,
		      struct state *s)
{
	int d, err;

	for (d = 0; d < NR_DEVS; d++) {
		err = state_read_dev(nl, r, res, d, &s->dev[d]);
		if (err)
			return err;
	}
	return 0;
}

/* The first difference, described; "" when equal */
static void ctx_diff(const struct ctx_st *e, const struct ctx_st *g,
		     char *out, size_t size)
{
	unsigned int i;

	if (e->present != g->present) {
		snprintf(out, size, "%s", e->present ? "gone" : "appeared");
		return;
	}
	if (!e->present)
		return;
	/* An absent hash function or transform reads as 0 */
	if (e->hfunc != g->hfunc) {
		snprintf(out, size, "hfunc %u -> %u", e->hfunc, g->hfunc);
		return;
	}
	if (e->xfrm != g->xfrm) {
		snprintf(out, size, "input_xfrm %u -> %u", e->xfrm, g->xfrm);
		return;
	}
	if (e->has_indir != g->has_indir || e->indir_n != g->indir_n) {
		snprintf(out, size, "table size %u -> %u", e->indir_n,
			 g->indir_n);
		return;
	}
	for (i = 0; i < e->indir_n; i++) {
		if (e->indir[i] != g->indir[i]) {
			snprintf(out, size, "indir[%u] %u -> %u", i,
				 e->indir[i], g->indir[i]);
			return;
		}
	}
	if (e->has_key != g->has_key || e->key_n != g->key_n ||
	    memcmp(e->key, g->key, e->key_n)) {
		snprintf(out, size, "key differs");
		return;
	}
	if (e->fh_mask != g->fh_mask) {
		snprintf(out, size, "flow types 0x%x -> 0x%x", e->fh_mask,
			 g->fh_mask);
		return;
	}
	for (i = 0; i < NR_FLOW; i++) {
		if ((e->fh_mask & (1U << i)) && e->fh[i] != g->fh[i]) {
			snprintf(out, size, "hash fields of flow %u 0x%llx -> 0x%llx",
				 i, (unsigned long long)e->fh[i],
				 (unsigned long long)g->fh[i]);
			return;
		}
	}
}

static bool state_diff(const struct state *e, const struct state *g,
		       char *out, size_t size)
{
	static const char * const name[] = { "main", "other" };
	char what[160];
	int d, i;

	for (d = 0; d < NR_DEVS; d++) {
		const struct dev_st *ed = &e->dev[d], *gd = &g->dev[d];

		if (link_steering(&ed->link) != link_steering(&gd->link)) {
			snprintf(out, size, "%s steering mode %d -> %d", name[d],
				 link_steering(&ed->link),
				 link_steering(&gd->link));
			return true;
		}
		if (ed->link.flags != gd->link.flags ||
		    ed->link.len != gd->link.len ||
		    memcmp(ed->link.data, gd->link.data, ed->link.len)) {
			snprintf(out, size, "%s link info changed", name[d]);
			return true;
		}

		for (i = 0; i < NR_CTX; i++) {
			what[0] = 0;
			ctx_diff(&ed->ctx[i], &gd->ctx[i], what, sizeof(what));
			if (what[0]) {
				snprintf(out, size, "%s context %d: %s",
					 name[d], i, what);
				return true;
			}
		}
		if (memcmp(ed->ch, gd->ch, sizeof(ed->ch))) {
			snprintf(out, size, "%s channels changed", name[d]);
			return true;
		}
		if (ed->feat_len != gd->feat_len ||
		    memcmp(ed->feat, gd->feat, ed->feat_len)) {
			snprintf(out, size, "%s features changed", name[d]);
			return true;
		}
		if (ed->nr_rules != gd->nr_rules ||
		    memcmp(ed->rule, gd->rule,
			   sizeof(ed->rule[0]) *
			   (ed->nr_rules < NR_RULES ? ed->nr_rules : NR_RULES))) {
			snprintf(out, size, "%s rules changed (%d -> %d)",
				 name[d], ed->nr_rules, gd->nr_rules);
			return true;
		}
	}
	return false;
}

/* ---- notifications ---------------------------------------------------------- */

/* The ethtool monitor group and rtnetlink's link group, read without
 * blocking: what a request notified is queued by the time its ack is.
 */
struct ntf {
	int eth;
	int rt;
};

static int ntf_open(struct ntf *n)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK,
	};
	int rcv = 1 << 20;

	n->eth = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_GENERIC);
	n->rt = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_ROUTE);
	if (n->eth < 0 || n->rt < 0)
		return -errno;
	setsockopt(n->eth, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(n->rt, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(n->eth, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &fam.monitor, sizeof(fam.monitor)) ||
	    bind(n->rt, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	return 0;
}

static void ntf_close(struct ntf *n)
{
	close(n->eth);
	close(n->rt);
}

/* Messages waiting on @fd that concern our taps (every ethtool one, link
 * messages of the taps); a lost one (ENOBUFS) counts.
 */
static unsigned int ntf_count_fd(int fd, bool link)
{
	static __u8 buf[65536] __aligned(4);
	unsigned int nr = 0;
	struct nlmsghdr *m;
	ssize_t len;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return nr + (errno == ENOBUFS);
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, len);
		     m = NLMSG_NEXT(m, len)) {
			struct ifinfomsg *ifi = NLMSG_DATA(m);
			int d;

			if (!link) {
				nr++;
				continue;
			}
			if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			for (d = 0; d < NR_DEVS; d++)
				nr += ifi->ifi_index == devs[d].t.ifindex;
		}
	}
}

static unsigned int ntf_count(struct ntf *n)
{
	return ntf_count_fd(n->eth, false) + ntf_count_fd(n->rt, true);
}

/* ---- generating requests ----------------------------------------------------- */

struct gen_opts {
	bool granting_fds;	/* may name fds that grant control */
	unsigned int fd_pct;	/* requests naming a fd, in percent */
};

static __u32 pick_fd(const struct gen_opts *o)
{
	unsigned int i, tries;
	__u32 fd;

	if (chance(8)) {
		/* Small numbers may well be the taps' queue fds */
		fd = interesting_u32();
		return o->granting_fds || pool_dev(fd) < 0 ? fd : (__u32)-1;
	}
	for (tries = 0; tries < 16; tries++) {
		i = rnd(nr_pool);
		if (o->granting_fds || pool[i].dev < 0)
			break;
	}
	if (!o->granting_fds && pool[i].dev >= 0)
		return (__u32)-1;
	return pool[i].fd;
}

static void put_name(struct req *r, const char *name)
{
	char buf[40];
	size_t len;

	switch (clean ? 15 : rnd(16)) {
	case 0:		/* no terminating NUL */
		put_attr(r, fz_type(ETHTOOL_A_HEADER_DEV_NAME), name,
			 strlen(name));
		break;
	case 1:		/* too long */
		memset(buf, 'x', sizeof(buf));
		len = IFNAMSIZ + rnd(sizeof(buf) - IFNAMSIZ);
		buf[len - 1] = 0;
		put_attr(r, fz_type(ETHTOOL_A_HEADER_DEV_NAME), buf, len);
		break;
	case 2:		/* empty */
		put_attr(r, fz_type(ETHTOOL_A_HEADER_DEV_NAME), "", 1);
		break;
	default:
		put_attr(r, fz_type(ETHTOOL_A_HEADER_DEV_NAME), name,
			 strlen(name) + 1);
	}
}

static void gen_header(struct req *r, const struct gen_opts *o)
{
	__u32 idx, flags;
	size_t off;

	if (!clean && chance(40))
		return;		/* no header at all */
	off = nest_start(r, 1);
	switch (clean ? rnd(9) : rnd(16)) {
	case 0 ... 6:
		put_u32x(r, ETHTOOL_A_HEADER_DEV_INDEX, devs[DEV_MAIN].t.ifindex);
		break;
	case 7 ... 8:
		put_name(r, devs[DEV_MAIN].t.name);
		break;
	case 9:
		put_u32x(r, ETHTOOL_A_HEADER_DEV_INDEX, devs[DEV_MAIN].t.ifindex);
		put_name(r, devs[chance(2) ? DEV_MAIN : DEV_OTHER].t.name);
		break;
	case 10:
		put_u32x(r, ETHTOOL_A_HEADER_DEV_INDEX, devs[DEV_OTHER].t.ifindex);
		break;
	case 11:
		idx = interesting_u32();
		put_u32x(r, ETHTOOL_A_HEADER_DEV_INDEX, idx);
		break;
	case 12:
		put_name(r, chance(2) ? "lo" : "nlfz-none");
		break;
	default:
		break;	/* the fd alone, or nothing */
	}
	if (chance(3)) {
		flags = !clean && chance(4) ? rnd32() : rnd(8);
		put_u32x(r, ETHTOOL_A_HEADER_FLAGS, flags);
	}
	if (rnd(100) < o->fd_pct)
		put_u32x(r, NLFZ_A_HEADER_DEV_FD, pick_fd(o));
	if (clean) {
		nest_end(r, off);
		return;
	}
	if (chance(48))
		put_u32x(r, ETHTOOL_A_HEADER_PHY_INDEX, interesting_u32());
	if (chance(48))
		put_random_attr(r, 6 + rnd(10));
	nest_end(r, off);
}

static __u32 pick_ctx(const struct state *s, bool allow_zero)
{
	unsigned int i, n = 0;
	__u32 ids[NR_CTX];

	for (i = 1; i < NR_CTX; i++)
		if (s->dev[DEV_MAIN].ctx[i].present)
			ids[n++] = i;
	switch (clean ? 2 + rnd(6) : rnd(8)) {
	case 0:
		return allow_zero ? 0 : 1 + rnd(70);
	case 1:
		return 1 + rnd(70);
	case 2:
		return clean ? 0 : interesting_u32();
	default:
		return n ? ids[rnd(n)] : 1 + rnd(8);
	}
}

static void gen_indir(struct req *r, unsigned int queues, bool create)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	unsigned int n, i, maxq;
	__u32 *v;

	switch (clean ? 3 + rnd(9) : rnd(12)) {
	case 0:
		n = 0;
		break;
	case 1:
		n = rnd(300);
		break;
	case 2:
		n = 8192 + rnd(8190);	/* huge */
		break;
	case 3 ... 6:
		n = TRSS_INDIR_SIZE;
		break;
	default:
		n = sizes[rnd(ARRAY_SIZE(sizes))];
	}
	if (create && n == 0 && chance(2))
		n = TRSS_INDIR_SIZE;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return;
	maxq = !clean && chance(6) ? queues + 2 : queues;
	for (i = 0; i < n; i++)
		v[i] = !clean && chance(200) ? interesting_u32() : rnd(maxq);
	if (!clean && chance(16))	/* not a multiple of 4 */
		put_attr(r, fz_type(ETHTOOL_A_RSS_INDIR), v, n * 4 + 1 + rnd(3));
	else
		put_attr(r, fz_type(ETHTOOL_A_RSS_INDIR), v, n * 4);
	free(v);
}

static void gen_key(struct req *r)
{
	__u8 key[512];
	size_t len = TRSS_RSS_KEY_LEN;

	if (!clean && chance(6))
		len = chance(3) ? rnd(sizeof(key) + 1) : 39 + rnd(3);
	trss_random_bytes(&rnd_state, key, len);
	put_attr(r, fz_type(ETHTOOL_A_RSS_HKEY), key, len);
}

static void gen_flow_hash(struct req *r)
{
	static const __u64 good[] = {
		RXH_IP_SRC | RXH_IP_DST,
		RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3,
		RXH_IP_SRC, RXH_IP_DST, RXH_L4_B_0_1 | RXH_L4_B_2_3, 0,
		RXH_DISCARD, RXH_L2DA, RXH_VLAN, RXH_L3_PROTO,
		RXH_GTP_TEID, RXH_IP6_FL,
	};
	unsigned int i, n = 1 + rnd(4);
	size_t off;

	off = nest_start(r, ETHTOOL_A_RSS_FLOW_HASH);
	for (i = 0; i < n; i++) {
		__u16 type = !clean && chance(10) ? rnd(40) :
			     1 + rnd(ETHTOOL_A_FLOW_MAX);
		__u64 v = clean ? good[rnd(6)] :
			  chance(8) ? ((__u64)rnd32() << 32 | rnd32()) :
			  chance(6) ? rnd32() : good[rnd(ARRAY_SIZE(good))];

		put_uintx(r, type, v);
	}
	nest_end(r, off);
}

static void gen_rss(struct req *r, const struct state *s, __u8 cmd)
{
	unsigned int queues = devs[DEV_MAIN].queues;

	if (cmd == ETHTOOL_MSG_RSS_GET) {
		if (chance(2))
			put_u32x(r, ETHTOOL_A_RSS_CONTEXT, pick_ctx(s, true));
		if (chance(6))
			put_u32x(r, ETHTOOL_A_RSS_START_CONTEXT,
				 pick_ctx(s, true));
		return;
	}
	if (cmd == ETHTOOL_MSG_RSS_DELETE_ACT) {
		if (!chance(16))
			put_u32x(r, ETHTOOL_A_RSS_CONTEXT, pick_ctx(s, true));
		return;
	}
	if (cmd == ETHTOOL_MSG_RSS_SET ? chance(2) : chance(4))
		put_u32x(r, ETHTOOL_A_RSS_CONTEXT, pick_ctx(s, true));
	if (chance(2))
		gen_indir(r, queues, cmd == ETHTOOL_MSG_RSS_CREATE_ACT);
	if (chance(2))
		gen_key(r);
	if (chance(4))
		put_u32x(r, ETHTOOL_A_RSS_HFUNC,
			 clean || chance(2) ? 1 : interesting_u32());
	if (chance(4))
		put_u32x(r, ETHTOOL_A_RSS_INPUT_XFRM, clean ? 0 :
			 chance(2) ? rnd(3) : interesting_u32());
	if (cmd == ETHTOOL_MSG_RSS_SET && chance(3))
		gen_flow_hash(r);
	if (!clean && chance(24))
		put_u32x(r, ETHTOOL_A_RSS_START_CONTEXT, pick_ctx(s, true));
}

static void gen_features(struct req *r)
{
	static const char * const names[] = {
		"rx-hashing", "ntuple-filters", "rx-checksum", "tx-checksum-ipv4",
		"no-such-feature", "",
	};
	unsigned int i, n = 1 + rnd(3);
	size_t bs, bits, bit;
	__u32 v, zero = 0;

	bs = nest_start(r, ETHTOOL_A_FEATURES_WANTED);
	if (chance(4)) {	/* compact form, random words */
		__u32 words[4];

		v = 32 * (1 + rnd(4));
		put_u32x(r, ETHTOOL_A_BITSET_SIZE, chance(4) ? interesting_u32() : v);
		trss_random_bytes(&rnd_state, words, sizeof(words));
		put_attr(r, fz_type(ETHTOOL_A_BITSET_VALUE), words, v / 8);
		if (chance(2))
			put_attr(r, fz_type(ETHTOOL_A_BITSET_MASK), words,
				 chance(4) ? rnd(16) : v / 8);
		nest_end(r, bs);
		return;
	}
	if (chance(8))
		put_attr(r, fz_type(ETHTOOL_A_BITSET_NOMASK), &zero, 0);
	bits = nest_start(r, ETHTOOL_A_BITSET_BITS);
	for (i = 0; i < n; i++) {
		const char *name = names[rnd(ARRAY_SIZE(names))];

		bit = nest_start(r, ETHTOOL_A_BITSET_BITS_BIT);
		if (chance(4))
			put_u32x(r, ETHTOOL_A_BITSET_BIT_INDEX,
				 chance(2) ? rnd(70) : interesting_u32());
		else
			put_attr(r, fz_type(ETHTOOL_A_BITSET_BIT_NAME), name,
				 strlen(name) + !chance(16));
		if (chance(2))
			put_attr(r, fz_type(ETHTOOL_A_BITSET_BIT_VALUE), &zero,
				 chance(16) ? 4 : 0);
		nest_end(r, bit);
	}
	nest_end(r, bits);
	nest_end(r, bs);
}

static __u32 pick_loc(const struct state *s)
{
	const struct dev_st *d = &s->dev[DEV_MAIN];

	switch (rnd(8)) {
	case 0:
		return RX_CLS_LOC_ANY;
	case 1:
		return chance(2) ? RX_CLS_LOC_FIRST : RX_CLS_LOC_LAST;
	case 2:
		return clean ? rnd(64) : interesting_u32();
	case 3:
		return rnd(64);
	default:
		return d->nr_rules ? d->rule[rnd(d->nr_rules < NR_RULES ?
					   d->nr_rules : NR_RULES)].loc : rnd(8);
	}
}

/* Lengths of the match fields, by value attribute (odd numbers) */
static const __u8 match_len[NLFZ_A_MATCH_MAX + 1] = {
	[1] = 4, [3] = 4, [5] = 16, [7] = 16, [9] = 2, [11] = 2, [13] = 1,
	[15] = 1, [17] = 4, [19] = 4, [21] = 6, [23] = 6, [25] = 2, [27] = 2,
	[29] = 2, [31] = 8,
};

static void gen_flow_rule(struct req *r, const struct state *s)
{
	static const __u32 types[] = {
		TCP_V4_FLOW, UDP_V4_FLOW, SCTP_V4_FLOW, AH_ESP_V4_FLOW,
		AH_V4_FLOW, ESP_V4_FLOW, IPV4_USER_FLOW, TCP_V6_FLOW,
		UDP_V6_FLOW, SCTP_V6_FLOW, AH_ESP_V6_FLOW, IPV6_USER_FLOW,
		ETHER_FLOW,
	};
	unsigned int i, n;
	size_t off;
	__u32 ft;

	if (r->cmd != NLFZ_MSG_FLOW_RULE_ADD) {
		if (!chance(8))
			put_u32x(r, NLFZ_A_RULE_LOCATION, pick_loc(s));
		return;
	}
	if (!chance(8))
		put_u32x(r, NLFZ_A_RULE_LOCATION, pick_loc(s));
	ft = types[rnd(ARRAY_SIZE(types))];
	if (!clean && chance(6))
		ft |= chance(2) ? FLOW_EXT : FLOW_MAC_EXT;
	if (!clean && chance(6))
		ft |= FLOW_RSS;
	if (!clean && chance(10))
		ft = interesting_u32();
	if (!chance(16))
		put_u32x(r, NLFZ_A_RULE_FLOW_TYPE, ft);

	if (!chance(8)) {
		off = nest_start(r, NLFZ_A_RULE_MATCH);
		n = rnd(4);
		for (i = 0; i < n; i++) {
			/* Well-formed requests match what the type carries */
			static const __u8 v4[] = { 1, 3, 9, 11 };
			static const __u8 v6[] = { 5, 7, 9, 11 };
			static const __u8 l2[] = { 21, 23, 25 };
			__u16 a = 1 + 2 * rnd(NLFZ_A_MATCH_MAX / 2);
			__u8 v[16], m[16];
			size_t len, k;

			if (clean && ft == IPV4_USER_FLOW)
				a = v4[rnd(2)];
			else if (clean && ft <= SCTP_V4_FLOW)
				a = v4[rnd(ARRAY_SIZE(v4))];
			else if (clean && ft >= TCP_V6_FLOW && ft <= SCTP_V6_FLOW)
				a = v6[rnd(ARRAY_SIZE(v6))];
			else if (clean && ft == ETHER_FLOW)
				a = l2[rnd(ARRAY_SIZE(l2))];
			len = match_len[a];

			if (!clean && chance(12))
				len = rnd(sizeof(v) + 1);
			trss_random_bytes(&rnd_state, v, sizeof(v));
			memset(m, 0xff, sizeof(m));
			if (chance(3))
				trss_random_bytes(&rnd_state, m, sizeof(m));
			if (clean)	/* no value bits outside the mask */
				for (k = 0; k < sizeof(v); k++)
					v[k] &= m[k];
			put_attr(r, fz_type(a), v, len);
			if (chance(2))	/* its mask */
				put_attr(r, fz_type(a + 1), m, len);
		}
		if (!clean && chance(8))
			put_random_attr(r, 1 + rnd(40));
		nest_end(r, off);
	}

	if (!chance(8)) {
		__u32 zero = 0;

		off = nest_start(r, NLFZ_A_RULE_ACTION);
		switch (rnd(clean ? 3 : 6)) {
		case 0:
			put_u32x(r, NLFZ_A_ACTION_QUEUE,
				 rnd(devs[DEV_MAIN].queues + (clean ? 0 : 2)));
			break;
		case 1:
			put_u32x(r, NLFZ_A_ACTION_CONTEXT, pick_ctx(s, true));
			if (chance(2))
				put_u32x(r, NLFZ_A_ACTION_QUEUE,
					 rnd(devs[DEV_MAIN].queues));
			break;
		case 2:
			put_attr(r, fz_type(NLFZ_A_ACTION_DROP), &zero, 0);
			break;
		case 3:
			put_attr(r, fz_type(NLFZ_A_ACTION_WAKE), &zero, 0);
			break;
		case 4:
			put_u32x(r, NLFZ_A_ACTION_VF, interesting_u32());
			break;
		default:	/* several at once */
			put_attr(r, fz_type(NLFZ_A_ACTION_DROP), &zero, 0);
			put_u32x(r, NLFZ_A_ACTION_QUEUE, rnd(4));
			break;
		}
		nest_end(r, off);
	}
}

static void gen_body(struct req *r, const struct state *s)
{
	unsigned int i, n;

	switch (r->cmd) {
	case ETHTOOL_MSG_RSS_GET:
	case ETHTOOL_MSG_RSS_SET:
	case ETHTOOL_MSG_RSS_CREATE_ACT:
	case ETHTOOL_MSG_RSS_DELETE_ACT:
		gen_rss(r, s, r->cmd);
		break;
	case ETHTOOL_MSG_CHANNELS_SET:
		n = 1 + rnd(3);
		for (i = 0; i < n; i++)
			put_u32x(r, 2 + rnd(ETHTOOL_A_CHANNELS_MAX - 1),
				 chance(2) ? rnd(6) : interesting_u32());
		break;
	case ETHTOOL_MSG_FEATURES_SET:
		gen_features(r);
		break;
	case ETHTOOL_MSG_CHANNELS_GET:
	case ETHTOOL_MSG_FEATURES_GET:
		break;
	case NLFZ_MSG_FLOW_RULE_GET:
	case NLFZ_MSG_FLOW_RULE_ADD:
	case NLFZ_MSG_FLOW_RULE_DEL:
		if (fam.flow_rules) {
			gen_flow_rule(r, s);
			break;
		}
		fallthrough;
	default:	/* the rest: attributes of any shape */
		n = rnd(6);
		for (i = 0; i < n; i++) {
			if (chance(2))
				put_u32x(r, 2 + rnd(14), chance(2) ?
					 rnd(8) : interesting_u32());
			else
				put_random_attr(r, 2 + rnd(14));
		}
	}
	if (clean)
		return;
	if (chance(32))		/* a duplicate of the last attribute */
		put_random_attr(r, 2 + rnd(8));
	if (chance(48))		/* an unknown attribute */
		put_random_attr(r, 20 + rnd(200));
}

/* Every attribute's offset, top level and one level down */
static unsigned int attr_offsets(struct req *r, size_t *offs, unsigned int max)
{
	size_t base = NLMSG_HDRLEN + GENL_HDRLEN, len = r->len - base;
	struct nlattr *a, *b;
	unsigned int n = 0;

	for_each_attr(a, r->buf + base, len) {
		if (n < max)
			offs[n++] = (__u8 *)a - r->buf;
		if (nla_len_(a) >= NLA_HDRLEN) {
			for_each_attr(b, nla_data_(a), nla_len_(a))
				if (n < max)
					offs[n++] = (__u8 *)b - r->buf;
		}
	}
	return n;
}

static void mutate(struct req *r)
{
	size_t base = NLMSG_HDRLEN + GENL_HDRLEN, offs[64];
	unsigned int i, n;
	struct nlattr *a;

	r->mutated = true;
	switch (rnd(6)) {
	case 0:		/* flip bytes */
		if (r->len <= base)
			break;
		n = 1 + rnd(4);
		for (i = 0; i < n; i++)
			r->buf[base + rnd(r->len - base)] ^= 1 + rnd(255);
		break;
	case 1:		/* an attribute length lies */
	case 2:
		n = attr_offsets(r, offs, ARRAY_SIZE(offs));
		if (!n)
			break;
		a = (struct nlattr *)(r->buf + offs[rnd(n)]);
		switch (rnd(7)) {
		case 0:
			a->nla_len = 0;
			break;
		case 1:
			a->nla_len = 1 + rnd(3);
			break;
		case 2:
			a->nla_len = 0xffff;
			break;
		case 3:
			a->nla_len += 1 + rnd(8);
			break;
		case 4:
			if (a->nla_len > NLA_HDRLEN)
				a->nla_len--;
			break;
		case 5:
			a->nla_len = NLA_HDRLEN;
			break;
		default:
			a->nla_len = rnd32();
			break;
		}
		break;
	case 3:		/* truncated, possibly inside the genl header */
		r->len = NLMSG_HDRLEN + rnd(r->len - NLMSG_HDRLEN + 1);
		break;
	case 4:		/* trailing garbage */
		n = 1 + rnd(64);
		if (r->len + n <= sizeof(r->buf)) {
			trss_random_bytes(&rnd_state, r->buf + r->len, n);
			r->len += n;
		}
		break;
	default:	/* genl header: version, reserved */
		trss_random_bytes(&rnd_state,
				  (__u8 *)NLMSG_DATA(req_nlh(r)) + 1, 3);
		break;
	}
}

static void gen_request(struct req *r, const struct state *s,
			const struct gen_opts *o)
{
	static const __u8 cmds[] = {
		ETHTOOL_MSG_RSS_GET, ETHTOOL_MSG_RSS_GET,
		ETHTOOL_MSG_RSS_SET, ETHTOOL_MSG_RSS_SET, ETHTOOL_MSG_RSS_SET,
		ETHTOOL_MSG_RSS_SET,
		ETHTOOL_MSG_RSS_CREATE_ACT, ETHTOOL_MSG_RSS_CREATE_ACT,
		ETHTOOL_MSG_RSS_DELETE_ACT, ETHTOOL_MSG_RSS_DELETE_ACT,
		ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_MSG_CHANNELS_SET,
		ETHTOOL_MSG_FEATURES_GET, ETHTOOL_MSG_FEATURES_SET,
	};
	__u16 flags = NLM_F_REQUEST | NLM_F_ACK;
	__u8 cmd;

	clean = chance(3);
	if (clean) {
		if (fam.flow_rules && chance(5))
			cmd = NLFZ_MSG_FLOW_RULE_GET + rnd(3);
		else
			cmd = cmds[rnd(ARRAY_SIZE(cmds))];
		req_init(r, fam.id, cmd, flags);
		gen_header(r, o);
		gen_body(r, s);
		req_nlh(r)->nlmsg_len = r->len;
		return;
	}
	if (fam.flow_rules && chance(5))
		cmd = NLFZ_MSG_FLOW_RULE_GET + rnd(3);
	else if (chance(20))
		cmd = chance(4) ? rnd(256) : fam.op_cmd[rnd(fam.nr_ops)];
	else
		cmd = cmds[rnd(ARRAY_SIZE(cmds))];
	if (chance(10))
		flags |= NLM_F_DUMP;
	if (chance(16))
		flags |= (rnd32() & 0xfff0) & ~NLM_F_DUMP_INTR;
	req_init(r, fam.id, cmd, flags);
	r->connected = chance(8);
	gen_header(r, o);
	gen_body(r, s);
	if (chance(4))
		mutate(r);
	req_nlh(r)->nlmsg_len = r->len;
}

/* ---- decoding our own request ---------------------------------------------- */

struct decoded {
	int target;		/* device addressed, -1: none or unknown */
	bool has_fd;
	__u32 fd;
	struct nlattr *tb[ETHTOOL_A_RSS_MAX + 1];
	struct nlattr *fh[NR_FLOW];
};

static void decode(struct req *r, struct decoded *dc)
{
	size_t base = NLMSG_HDRLEN + GENL_HDRLEN, len;
	struct nlattr *a, *h, *f;
	int by_index = -1, by_name = -1, by_fd = -1;
	bool index = false, name = false;
	int d;

	memset(dc, 0, sizeof(*dc));
	dc->target = -1;
	if (r->len < base)
		return;
	len = r->len - base;
	for_each_attr(a, r->buf + base, len) {
		__u16 type = a->nla_type & NLA_TYPE_MASK;

		if (type <= ETHTOOL_A_RSS_MAX)
			dc->tb[type] = a;
	}
	if (dc->tb[ETHTOOL_A_RSS_FLOW_HASH]) {
		a = dc->tb[ETHTOOL_A_RSS_FLOW_HASH];
		for_each_attr(f, nla_data_(a), nla_len_(a)) {
			__u16 type = f->nla_type & NLA_TYPE_MASK;

			if (type < NR_FLOW)
				dc->fh[type] = f;
		}
	}
	a = dc->tb[1];
	if (!a)
		return;
	for_each_attr(h, nla_data_(a), nla_len_(a)) {
		__u16 type = h->nla_type & NLA_TYPE_MASK;
		__u32 v = 0;

		if (type == ETHTOOL_A_HEADER_DEV_INDEX ||
		    type == NLFZ_A_HEADER_DEV_FD) {
			if (nla_len_(h) >= 4)
				memcpy(&v, nla_data_(h), 4);
		}
		if (type == ETHTOOL_A_HEADER_DEV_INDEX) {
			index = true;
			by_index = -1;
			for (d = 0; d < NR_DEVS; d++)
				if (v == (__u32)devs[d].t.ifindex)
					by_index = d;
		} else if (type == ETHTOOL_A_HEADER_DEV_NAME) {
			name = true;
			by_name = -1;
			for (d = 0; d < NR_DEVS; d++)
				if (nla_len_(h) == strlen(devs[d].t.name) + 1 &&
				    !memcmp(nla_data_(h), devs[d].t.name,
					    nla_len_(h)))
					by_name = d;
		} else if (type == NLFZ_A_HEADER_DEV_FD) {
			dc->has_fd = true;
			dc->fd = v;
			by_fd = pool_dev(v);
		}
	}
	if (index)
		dc->target = by_index;
	else if (name)
		dc->target = by_name;
	else if (dc->has_fd && fam.dev_fd)
		dc->target = by_fd;
}

static bool attr_u32(struct nlattr *a, __u32 *v)
{
	if (!a || nla_len_(a) != 4)
		return false;
	memcpy(v, nla_data_(a), 4);
	return true;
}

/*
 * tun keeps one set of hash fields for AH, ESP and AH+ESP of an IP
 * version (tun_rss_flow_type_to_ft()): setting one sets the three, and a
 * request setting two of them to different values ends with the last.
 */
static const int fh_alias[NR_FLOW] = {
	[ETHTOOL_A_FLOW_AH4] = 4, [ETHTOOL_A_FLOW_ESP4] = 4,
	[ETHTOOL_A_FLOW_AH_ESP4] = 4,
	[ETHTOOL_A_FLOW_AH6] = 6, [ETHTOOL_A_FLOW_ESP6] = 6,
	[ETHTOOL_A_FLOW_AH_ESP6] = 6,
};

/*
 * What a successful RSS request leaves: the expected state from the one
 * before.  Returns false when the request is not one the model covers.
 */
static bool model_rss(struct req *r, struct result *res,
		      const struct decoded *dc, const struct state *prev,
		      const struct state *now, struct state *exp, char *why,
		      size_t size)
{
	struct nlattr *indir = dc->tb[ETHTOOL_A_RSS_INDIR];
	struct nlattr *hkey = dc->tb[ETHTOOL_A_RSS_HKEY];
	struct dev_st *ed;
	struct ctx_st *c;
	__u32 id = 0, v, nq, n, i;

	if (dc->target < 0)
		return false;
	ed = &exp->dev[dc->target];
	nq = devs[dc->target].queues;

	if (dc->tb[ETHTOOL_A_RSS_CONTEXT] &&
	    !attr_u32(dc->tb[ETHTOOL_A_RSS_CONTEXT], &id))
		return false;

	if (r->cmd == ETHTOOL_MSG_RSS_CREATE_ACT) {
		struct nlattr *a;
		size_t len;
		void *at;
		__u32 new_id = 0;
		bool got = false;

		if (res->nr_replies != 1) {
			snprintf(why, size, "create: %u replies", res->nr_replies);
			return true;
		}
		at = msg_attrs(res->reply, &len);
		for_each_attr(a, at, len)
			if ((a->nla_type & NLA_TYPE_MASK) == ETHTOOL_A_RSS_CONTEXT)
				got = attr_u32(a, &new_id);
		if (!got || !new_id || new_id >= NR_CTX) {
			snprintf(why, size, "create: reply names context %u",
				 new_id);
			return true;
		}
		if (dc->tb[ETHTOOL_A_RSS_CONTEXT] && new_id != id) {
			snprintf(why, size, "create: asked for %u, got %u",
				 id, new_id);
			return true;
		}
		if (prev->dev[dc->target].ctx[new_id].present) {
			snprintf(why, size, "create: context %u existed", new_id);
			return true;
		}
		/* Defaults are the driver's: take the new context as read,
		 * then put back what the request set.
		 */
		id = new_id;
		ed->ctx[id] = now->dev[dc->target].ctx[id];
		if (!ed->ctx[id].present) {
			snprintf(why, size, "create: context %u not listed", id);
			return true;
		}
	} else if (r->cmd == ETHTOOL_MSG_RSS_DELETE_ACT) {
		if (!dc->tb[ETHTOOL_A_RSS_CONTEXT] || id >= NR_CTX ||
		    !prev->dev[dc->target].ctx[id].present) {
			snprintf(why, size, "deleted absent context %u", id);
			return true;
		}
		memset(&ed->ctx[id], 0, sizeof(ed->ctx[id]));
		return true;
	} else if (id >= NR_CTX || !prev->dev[dc->target].ctx[id].present) {
		snprintf(why, size, "set of absent context %u succeeded", id);
		return true;
	}

	c = &ed->ctx[id];
	if (indir) {
		n = nla_len_(indir) / 4;
		for (i = 0; i < TRSS_INDIR_SIZE; i++) {
			if (!n) {
				c->indir[i] = i % nq;
			} else {
				memcpy(&v, (__u8 *)nla_data_(indir) + 4 * (i % n), 4);
				c->indir[i] = v;
			}
		}
	}
	if (hkey && nla_len_(hkey) == c->key_n)
		memcpy(c->key, nla_data_(hkey), c->key_n);
	if (attr_u32(dc->tb[ETHTOOL_A_RSS_HFUNC], &v))
		c->hfunc = v;
	if (attr_u32(dc->tb[ETHTOOL_A_RSS_INPUT_XFRM], &v))
		c->xfrm = v;
	/* The core applies the flow types in ascending order */
	for (i = 1; i < NR_FLOW; i++) {
		unsigned int j;

		if (!dc->fh[i] || !(c->fh_mask & (1U << i)))
			continue;
		c->fh[i] = nla_uint_(dc->fh[i]);
		for (j = 1; j < NR_FLOW; j++)
			if (fh_alias[i] && fh_alias[j] == fh_alias[i])
				c->fh[j] = c->fh[i];
	}
	return true;
}

static int rule_find(const struct dev_st *d, __u32 loc)
{
	int i;

	for (i = 0; i < d->nr_rules && i < NR_RULES; i++)
		if (d->rule[i].loc == loc)
			return i;
	return -1;
}

/*
 * A successful FLOW_RULE_ADD adds the rule at the location its reply
 * names (the one asked for, unless it asked for RX_CLS_LOC_*), a
 * FLOW_RULE_DEL removes the one at its location; every other rule stays
 * as it was.  What the new rule matches is not modelled.
 */
static bool model_rules(struct req *r, struct result *res,
			const struct decoded *dc, const struct state *prev,
			const struct state *now, struct state *exp, char *why,
			size_t size)
{
	const struct dev_st *p, *n;
	__u32 loc = 0, asked = 0;
	struct nlattr *a;
	bool got = false;
	size_t len;
	void *at;
	int i;

	if (dc->target < 0)
		return false;
	p = &prev->dev[dc->target];
	n = &now->dev[dc->target];
	if (p->nr_rules >= NR_RULES || n->nr_rules >= NR_RULES)
		return false;
	attr_u32(dc->tb[NLFZ_A_RULE_LOCATION], &asked);

	if (r->cmd == NLFZ_MSG_FLOW_RULE_ADD) {
		if (res->nr_replies != 1) {
			snprintf(why, size, "rule add: %u replies",
				 res->nr_replies);
			return true;
		}
		at = msg_attrs(res->reply, &len);
		for_each_attr(a, at, len)
			if ((a->nla_type & NLA_TYPE_MASK) == NLFZ_A_RULE_LOCATION)
				got = attr_u32(a, &loc);
		if (!got) {
			snprintf(why, size, "rule add: no location in the reply");
			return true;
		}
		if (dc->tb[NLFZ_A_RULE_LOCATION] && asked < RX_CLS_LOC_SPECIAL &&
		    asked != loc) {
			snprintf(why, size, "rule add: asked for location %u, got %u",
				 asked, loc);
			return true;
		}
		if (rule_find(p, loc) >= 0) {
			snprintf(why, size, "rule add: location %u was taken", loc);
			return true;
		}
		if (rule_find(n, loc) < 0 || n->nr_rules != p->nr_rules + 1) {
			snprintf(why, size, "rule add: location %u not listed (%d -> %d rules)",
				 loc, p->nr_rules, n->nr_rules);
			return true;
		}
	} else {
		loc = asked;
		if (!dc->tb[NLFZ_A_RULE_LOCATION] || rule_find(p, loc) < 0) {
			snprintf(why, size, "rule del: no rule at %u", loc);
			return true;
		}
		if (rule_find(n, loc) >= 0 || n->nr_rules != p->nr_rules - 1) {
			snprintf(why, size, "rule del: location %u still listed (%d -> %d rules)",
				 loc, p->nr_rules, n->nr_rules);
			return true;
		}
	}
	for (i = 0; i < p->nr_rules; i++) {
		int j = rule_find(n, p->rule[i].loc);

		if (p->rule[i].loc == loc)
			continue;
		if (j < 0 || memcmp(&p->rule[i], &n->rule[j], sizeof(p->rule[i]))) {
			snprintf(why, size, "rule at %u changed by a change at %u",
				 p->rule[i].loc, loc);
			return true;
		}
	}
	exp->dev[dc->target].nr_rules = n->nr_rules;
	memcpy(exp->dev[dc->target].rule, n->rule, sizeof(n->rule));
	return true;
}

/* ---- one phase ------------------------------------------------------------- */

enum phase { PH_PRIV, PH_UNPRIV, PH_UNPRIV_FD };

static const char * const phase_name[] = {
	"privileged sender",
	"unprivileged sender, no granting fd",
	"unprivileged sender with the taps' queue fds",
};

static bool errno_expected(int e)
{
	switch (e) {
	case EINVAL: case ERANGE: case EOPNOTSUPP: case ENOENT: case ENODEV:
	case EBUSY: case EPERM: case EBADF: case EEXIST: case E2BIG:
	case EMSGSIZE: case ENOSPC:
		return true;
	}
	return false;
}

static bool op_is_get(__u8 cmd)
{
	return cmd == ETHTOOL_MSG_RSS_GET || cmd == ETHTOOL_MSG_CHANNELS_GET ||
	       cmd == ETHTOOL_MSG_FEATURES_GET ||
	       (fam.flow_rules && cmd == NLFZ_MSG_FLOW_RULE_GET);
}

static void dump_req(struct req *r)
{
	size_t i, n = r->len - NLMSG_HDRLEN;
	char hex[3 * 64 + 1];

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		sprintf(hex + 3 * i, "%02x ", r->buf[NLMSG_HDRLEN + i]);
	hex[3 * n] = 0;
	ksft_print_msg("  request cmd %u len %zu%s%s%s: %s\n", r->cmd, r->len,
		       r->dump ? " dump" : "", r->mutated ? " mutated" : "",
		       r->connected ? " connected" : "", hex);
}

/* Keep something to fuzz around: contexts and rules on the main tap */
static void repopulate(const struct state *s)
{
	struct trss_dev *t = &devs[DEV_MAIN].t;
	struct ethtool_rx_flow_spec fs;
	struct trss_rss_req rr;
	__u32 indir[TRSS_INDIR_SIZE];
	int i, cnt;

	trss_feature_set(t, "ntuple-filters", true);
	/* the other tap back to automq ("ethtool -X dev default") */
	trss_rss_req_init(&rr, 0);
	rr.indir_size = 0;
	trss_rss_set(&devs[DEV_OTHER].t, &rr);
	for (i = 1, cnt = 0; s && i < NR_CTX; i++)
		cnt += s->dev[DEV_MAIN].ctx[i].present;
	for (i = cnt; i < 2; i++) {
		unsigned int q;

		for (q = 0; q < TRSS_INDIR_SIZE; q++)
			indir[q] = (q + i) % devs[DEV_MAIN].queues;
		trss_rss_req_init(&rr, ETH_RXFH_CONTEXT_ALLOC);
		rr.indir_size = TRSS_INDIR_SIZE;
		rr.indir = indir;
		trss_rss_set(t, &rr);
	}
	cnt = trss_rule_count(t, NULL);
	for (i = 0; cnt >= 0 && cnt + i < 3; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.flow_type = i == 2 ? UDP_V4_FLOW : TCP_V4_FLOW;
		fs.h_u.tcp_ip4_spec.pdst = htons(5000 + rnd(1000));
		fs.m_u.tcp_ip4_spec.pdst = 0xffff;
		fs.ring_cookie = i == 1 ? RX_CLS_FLOW_DISC : rnd(MAIN_QUEUES);
		fs.location = RX_CLS_LOC_ANY;
		trss_rule_ins(t, &fs, 0);
	}
}

static void run_phase(enum phase ph, unsigned long count, double seconds)
{
	struct gen_opts o = {
		.granting_fds = ph != PH_UNPRIV,
		.fd_pct = ph == PH_PRIV ? 20 : 50,
	};
	struct state *prev, *now, *exp;
	struct result *res, *sres;
	struct timespec t0, t1;
	struct req *r, *sr;
	struct ntf ntf;
	struct nl *nl;
	char why[300];
	unsigned long i;

	st = &sh->ph[ph];
	nl = calloc(1, sizeof(*nl));
	r = calloc(1, sizeof(*r));
	sr = calloc(1, sizeof(*sr));
	res = calloc(1, sizeof(*res));
	sres = calloc(1, sizeof(*sres));
	prev = calloc(1, sizeof(*prev));
	now = calloc(1, sizeof(*now));
	exp = calloc(1, sizeof(*exp));
	if (!nl || !r || !sr || !res || !sres || !prev || !now || !exp) {
		failure("out of memory");
		return;
	}
	if (nl_open(nl)) {
		failure("netlink socket: %s", strerror(errno));
		return;
	}
	if (ntf_open(&ntf)) {
		failure("notification sockets: %s", strerror(errno));
		return;
	}
	if (state_read(nl, sr, sres, prev)) {
		failure("cannot read the initial state");
		return;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count && st->failures < 10; i++) {
		bool modelled, granted;
		unsigned int ntfs;
		struct decoded dc;
		int e;

		if (!(i & 63)) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec - t0.tv_sec +
			    (t1.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
				break;
		}
		if (ph == PH_PRIV && i && !(i % 200)) {
			repopulate(prev);
			if (state_read(nl, sr, sres, prev)) {
				failure("cannot read the state");
				break;
			}
		}

		gen_request(r, prev, &o);
		ntf_count(&ntf);
		nl_xfer(nl, r, res);
		ntfs = ntf_count(&ntf);
		st->sent++;
		st->mutated += r->mutated;
		st->connected += r->connected;
		decode(r, &dc);
		/* The fd grants what SPEC §6 says, sent to an explicit address */
		granted = fam.dev_fd && dc.has_fd && !r->connected &&
			  dc.target >= 0 && pool_dev(dc.fd) == dc.target &&
			  op_delegatable(r->cmd);

		if (res->anomaly[0]) {
			failure("request %lu: %s", i, res->anomaly);
			dump_req(r);
			continue;
		}

		e = res->err;
		if (e) {
			st->refused++;
			st->refused_automq += r->cmd == ETHTOOL_MSG_RSS_SET &&
				dc.target >= 0 &&
				link_steering(&prev->dev[dc.target].link) ==
				TUN_STEERING_AUTOMQ;
			st->by_errno[e < NR_ERRNO ? e : 0]++;
			st->no_extack_msg += !res->extack_msg;
			st->no_extack += !res->extack_any;
			if (show_cmd == r->cmd) {
				ksft_print_msg("request %lu: %s \"%s\"\n", i,
					       strerror(e), res->extack);
				dump_req(r);
			}
			if (verbose && !res->extack_any && st->no_extack <= 30) {
				ksft_print_msg("request %lu: %s without extack\n",
					       i, strerror(e));
				dump_req(r);
			}
			if (!errno_expected(e)) {
				failure("request %lu: unexpected errno %d (%s) \"%s\"",
					i, e, strerror(e), res->extack);
				dump_req(r);
			} else if (e == EPERM && ph == PH_PRIV && !dc.has_fd &&
				   !r->mutated && !(r->cmd > ETHTOOL_MSG_USER_MAX)) {
				failure("request %lu: EPERM for a privileged sender naming no fd \"%s\"",
					i, res->extack);
				dump_req(r);
			} else if (e == EPERM && granted &&
				   /* may touch other features than rxhash/ntuple */
				   r->cmd != ETHTOOL_MSG_FEATURES_SET) {
				failure("request %lu: cmd %u refused with EPERM although its fd grants control (SPEC 6) \"%s\"",
					i, r->cmd, res->extack);
				dump_req(r);
			} else if (e == EBADF && !dc.has_fd && !r->mutated) {
				failure("request %lu: EBADF without a fd \"%s\"",
					i, res->extack);
				dump_req(r);
			} else if (res->nr_replies && !r->dump) {
				failure("request %lu: %u replies before error %d",
					i, res->nr_replies, e);
				dump_req(r);
			} else if (ntfs) {
				failure("request %lu: refused (%s) but %u notification(s) sent \"%s\"",
					i, strerror(e), ntfs, res->extack);
				dump_req(r);
			}
		} else {
			st->accepted++;
			st->by_cmd_ok[r->cmd]++;
			if (!r->dump && op_is_get(r->cmd) && res->nr_replies != 1) {
				failure("request %lu: get acked with %u replies",
					i, res->nr_replies);
				dump_req(r);
			}
			if (ph != PH_PRIV && op_admin(r->cmd) && !granted) {
				failure("request %lu: unprivileged cmd %u succeeded %s",
					i, r->cmd,
					!dc.has_fd ? "without a fd" :
					r->connected ? "without an explicit destination" :
					"with a fd that grants nothing");
				dump_req(r);
			}
		}

		if (state_read(nl, sr, sres, now)) {
			failure("request %lu: cannot read the state back", i);
			break;
		}

		memcpy(exp, prev, sizeof(*exp));
		modelled = true;
		why[0] = 0;
		if (!e && !r->dump) {
			switch (r->cmd) {
			case ETHTOOL_MSG_RSS_SET:
			case ETHTOOL_MSG_RSS_CREATE_ACT:
			case ETHTOOL_MSG_RSS_DELETE_ACT:
				modelled = model_rss(r, res, &dc, prev, now, exp,
						     why, sizeof(why));
				break;
			case NLFZ_MSG_FLOW_RULE_ADD:
			case NLFZ_MSG_FLOW_RULE_DEL:
				modelled = fam.flow_rules &&
					   model_rules(r, res, &dc, prev, now,
						       exp, why, sizeof(why));
				break;
			default:
				modelled = op_is_get(r->cmd);
			}
		}
		if (!e && !modelled) {
			/* Not modelled: only a sender allowed to change
			 * things may have changed them.
			 */
			st->unmodelled++;
			if (ph != PH_PRIV && !granted &&
			    state_diff(prev, now, why, sizeof(why))) {
				failure("request %lu (cmd %u, unprivileged, no granting fd) changed state: %s",
					i, r->cmd, why);
				dump_req(r);
			}
		} else {
			int d;

			if (!e) {
				st->modelled++;
				/* the link info a success leaves is not modelled */
				for (d = 0; d < NR_DEVS; d++)
					exp->dev[d].link = now->dev[d].link;
			}
			if (!why[0])
				state_diff(exp, now, why, sizeof(why));
			if (why[0]) {
				failure("request %lu (cmd %u, %s): %s", i, r->cmd,
					e ? strerror(e) : "success", why);
				dump_req(r);
			}
		}
		memcpy(prev, now, sizeof(*prev));
	}

	ntf_close(&ntf);
	nl_close(nl);
	free(exp);
	free(now);
	free(prev);
	free(sres);
	free(res);
	free(sr);
	free(r);
	free(nl);
	st->done = true;
}

/* ---- unprivileged children ------------------------------------------------- */

static int drop_privileges(void)
{
	char line[256];
	FILE *f;
	int ok = 0;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	f = fopen("/proc/self/status", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7))
			ok = strtoull(line + 7, NULL, 16) == 0 ? 1 : -1;
	}
	fclose(f);
	return ok == 1 ? 0 : -EPERM;
}

static int run_child(enum phase ph, unsigned long count, double seconds)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		st = &sh->ph[ph];
		if (drop_privileges()) {
			failure("cannot drop privileges");
			_exit(1);
		}
		run_phase(ph, count, seconds);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		st = &sh->ph[ph];
		failure("child exited with status 0x%x", status);
	}
	return 0;
}

/* ---- setup ----------------------------------------------------------------- */

static int setup_dev(int d, const char *name, unsigned int queues,
		     unsigned int extra)
{
	struct trss_dev_opts opts = { .name = name, .queues = queues + extra };
	struct fz_dev *fd = &devs[d];
	unsigned int i;
	int err;

	err = trss_dev_create(&fd->t, &opts);
	if (err)
		return err;
	/* The owner's grant: its queue fds configure it (the pool's "queue") */
	err = trss_dev_delegate(&fd->t, true);
	if (err)
		return err;
	for (i = 0; i < extra; i++) {
		err = trss_queue_detach(&fd->t, queues + i);
		if (err)
			return err;
		pool_add(fd->t.fds[queues + i], -1, "detached queue");
	}
	for (i = 0; i < queues; i++)
		pool_add(fd->t.fds[i], d, "queue");
	fd->queues = queues;
	return 0;
}

static int setup(void)
{
	struct trss_rss_req rr;
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	int fds[2], fd, err, i;

	err = setup_dev(DEV_MAIN, "nlfz0", MAIN_QUEUES, 1);
	if (!err)
		err = setup_dev(DEV_OTHER, "nlfz1", OTHER_QUEUES, 0);
	if (err)
		return err;

	/* Context 0 configured, two contexts, three rules */
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = (i * 3) % MAIN_QUEUES;
	trss_random_bytes(&rnd_state, key, sizeof(key));
	trss_rss_req_init(&rr, 0);
	rr.indir_size = TRSS_INDIR_SIZE;
	rr.indir = indir;
	rr.key_size = sizeof(key);
	rr.key = key;
	err = trss_rss_set(&devs[DEV_MAIN].t, &rr);
	if (err)
		return err;
	repopulate(NULL);

	/* fds that grant nothing */
	fd = open("/dev/net/tun", O_RDWR);
	if (fd >= 0)
		pool_add(fd, -1, "unattached tun file");
	pool_add(devs[DEV_MAIN].t.tx_sock, -1, "packet socket");
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		pool_add(fd, -1, "/dev/null");
	if (!pipe(fds))
		pool_add(fds[0], -1, "pipe");
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		close(fd);
		pool_add(fd, -1, "closed number");
	}
	pool_add(0, -1, "stdin");
	pool_add(-1, -1, "-1");
	pool_add(1 << 20, -1, "2^20");
	pool_add(65536, -1, "65536");
	return 0;
}

/* Does the kernel take ETHTOOL_A_HEADER_DEV_FD?  A get naming the tap by
 * its queue fd alone.
 */
static void probe_dev_fd(void)
{
	struct result *res = calloc(1, sizeof(*res));
	struct req *r = calloc(1, sizeof(*r));
	__u32 fd = devs[DEV_MAIN].t.fds[0];
	struct nl *nl = calloc(1, sizeof(*nl));
	size_t off;

	if (!res || !r || !nl || nl_open(nl))
		goto out;
	req_init(r, fam.id, ETHTOOL_MSG_CHANNELS_GET, NLM_F_REQUEST | NLM_F_ACK);
	off = put_attr(r, NLA_F_NESTED | 1, NULL, 0);
	put_attr(r, NLFZ_A_HEADER_DEV_FD, &fd, 4);
	nest_end(r, off);
	nl_xfer(nl, r, res);
	fam.dev_fd = !res->anomaly[0] && !res->err && res->nr_replies == 1;
	ksft_print_msg("ETHTOOL_A_HEADER_DEV_FD: %s (%s%s%s)\n",
		       fam.dev_fd ? "supported" : "not supported",
		       res->err ? strerror(res->err) : "ok",
		       res->extack[0] ? ": " : "", res->extack);
	nl_close(nl);
out:
	free(nl);
	free(r);
	free(res);
}

static void report(enum phase ph)
{
	struct phase_stats *p = &sh->ph[ph];
	char buf[1024];
	size_t n = 0;
	int e;

	ksft_print_msg("%s: %lu requests (%lu mutated, %lu without explicit destination)\n",
		       phase_name[ph], p->sent, p->mutated, p->connected);
	ksft_print_msg("  %lu accepted (%lu checked against the model, %lu not modelled)\n",
		       p->accepted, p->modelled, p->unmodelled);
	ksft_print_msg("  %lu refused (%lu without extack message, %lu without any extack)\n",
		       p->refused, p->no_extack_msg, p->no_extack);
	ksft_print_msg("  %lu RSS_SET refused to a tap steering by automq\n",
		       p->refused_automq);
	buf[0] = 0;
	for (e = 1; e < NR_ERRNO && n < sizeof(buf) - 40; e++)
		if (p->by_errno[e])
			n += snprintf(buf + n, sizeof(buf) - n, " %s=%lu",
				      strerrorname_np(e) ?: "?", p->by_errno[e]);
	if (p->by_errno[0])
		n += snprintf(buf + n, sizeof(buf) - n, " other=%lu",
			      p->by_errno[0]);
	ksft_print_msg("  refused by errno:%s\n", buf);
	buf[0] = 0;
	n = 0;
	for (e = 0; e < 256 && n < sizeof(buf) - 40; e++)
		if (p->by_cmd_ok[e])
			n += snprintf(buf + n, sizeof(buf) - n, " %d=%lu", e,
				      p->by_cmd_ok[e]);
	ksft_print_msg("  accepted by command:%s\n", buf);
}

int main(int argc, char **argv)
{
	unsigned long count = 100000;
	double seconds = 60;
	struct result *res;
	struct state *before, *after;
	struct req *r;
	struct nl *nl;
	char why[300];
	__u64 seed;

	seed = argc > 1 ? strtoull(argv[1], NULL, 0) :
	       (__u64)time(NULL) ^ ((__u64)getpid() << 32);
	if (argc > 2)
		count = strtoul(argv[2], NULL, 0);
	if (argc > 3)
		seconds = strtod(argv[3], NULL);
	rnd_state = seed;
	verbose = getenv("NLFZ_VERBOSE") && *getenv("NLFZ_VERBOSE") == '1';
	if (getenv("NLFZ_SHOW_CMD"))
		show_cmd = atoi(getenv("NLFZ_SHOW_CMD"));

	ksft_print_header();
	ksft_set_plan(3);
	ksft_print_msg("seed %llu (replay: %s %llu %lu %g)\n",
		       (unsigned long long)seed, argv[0],
		       (unsigned long long)seed, count, seconds);

	if (geteuid())
		ksft_exit_skip("needs root (it drops privileges itself)\n");
	if (trss_netns_private())
		ksft_exit_fail_msg("unshare(CLONE_NEWNET): %s\n", strerror(errno));

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	res = calloc(1, sizeof(*res));
	r = calloc(1, sizeof(*r));
	before = calloc(1, sizeof(*before));
	after = calloc(1, sizeof(*after));
	nl = calloc(1, sizeof(*nl));
	if (sh == MAP_FAILED || !res || !r || !before || !after || !nl)
		ksft_exit_fail_msg("out of memory\n");

	if (setup())
		ksft_exit_fail_msg("cannot set the taps up\n");
	if (nl_open(nl))
		ksft_exit_fail_msg("netlink: %s\n", strerror(errno));
	if (family_resolve(nl, res, r))
		ksft_exit_fail_msg("no ethtool genl family\n");
	probe_dev_fd();
	ksft_print_msg("ethtool family %u: %u operations; flow rule messages: %s\n",
		       fam.id, fam.nr_ops, fam.flow_rules ? "yes" : "no");

	/* 1: privileged */
	run_phase(PH_PRIV, count, seconds / 2);
	report(PH_PRIV);
	/* A run that never got a set through checked nothing */
	st = &sh->ph[PH_PRIV];
	if (!st->by_cmd_ok[ETHTOOL_MSG_RSS_SET] ||
	    !st->by_cmd_ok[ETHTOOL_MSG_RSS_CREATE_ACT] ||
	    !st->by_cmd_ok[ETHTOOL_MSG_RSS_DELETE_ACT])
		failure("no RSS set, create and delete succeeded: the model was not exercised");
	ksft_test_result(!sh->ph[PH_PRIV].failures && sh->ph[PH_PRIV].sent,
			 "%s\n", phase_name[PH_PRIV]);

	/* 2: unprivileged, never naming a granting fd: nothing may change */
	st = &sh->ph[PH_UNPRIV];
	if (state_read(nl, r, res, before))
		failure("cannot read the state");
	run_child(PH_UNPRIV, count, seconds / 4);
	st = &sh->ph[PH_UNPRIV];
	if (state_read(nl, r, res, after))
		failure("cannot read the state");
	else if (state_diff(before, after, why, sizeof(why)))
		failure("state changed across the unprivileged phase: %s", why);
	report(PH_UNPRIV);
	ksft_test_result(!sh->ph[PH_UNPRIV].failures && sh->ph[PH_UNPRIV].sent,
			 "%s\n", phase_name[PH_UNPRIV]);

	/* 3: unprivileged with the queue fds (delegation) */
	if (!fam.dev_fd) {
		ksft_test_result_skip("%s: kernel has no ETHTOOL_A_HEADER_DEV_FD\n",
				      phase_name[PH_UNPRIV_FD]);
	} else {
		run_child(PH_UNPRIV_FD, count, seconds / 4);
		report(PH_UNPRIV_FD);
		st = &sh->ph[PH_UNPRIV_FD];
		if (!st->by_cmd_ok[ETHTOOL_MSG_RSS_SET])
			failure("no RSS_SET succeeded through a granting fd");
		ksft_test_result(!sh->ph[PH_UNPRIV_FD].failures &&
				 sh->ph[PH_UNPRIV_FD].sent,
				 "%s\n", phase_name[PH_UNPRIV_FD]);
	}

	nl_close(nl);
	trss_dev_destroy(&devs[DEV_OTHER].t);
	trss_dev_destroy(&devs[DEV_MAIN].t);
	ksft_finished();
}
