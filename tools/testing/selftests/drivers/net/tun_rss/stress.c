// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress of a tap's RSS state (issue 10; SPEC §2, §3, §5, §7).
 *
 * A sender thread pushes frames of many flows through the device's
 * transmit path (AF_PACKET, sendmmsg), one reader thread per queue fd
 * drains its queue, and a control thread keeps reconfiguring everything
 * the frame path reads under RCU: context 0's key and table, hash fields,
 * contexts 1..N (created, changed, deleted), ntuple rules of every action,
 * queues attaching and detaching (TUNSETQUEUE), the rxhash feature and the
 * vnet header size (12 <-> 20).  Meanwhile three things never change, so
 * that where a frame may go is known whatever the churn does:
 *
 *  - location 0: udp4 to PORT_QUEUE0 goes to queue 0;
 *  - location 1: tcp4 to PORT_DROP is dropped;
 *  - location 2: udp6 to PORT_CTX_ZERO goes to a context whose table is
 *    all zeros, hence to queue 0 as well.
 *
 * The fd of queue 0 never detaches except in a "blackout", where every
 * queue detaches and it attaches first again (queue 0 once more): frames
 * sent then have no queue and are counted as transmit drops.
 *
 * At the end of the reconfiguration phase the test checks SPEC §7: every
 * frame the socket accepted was read from exactly one queue or counted in
 * the device's tx_dropped, no frame was read twice or from a queue the
 * fixed rules exclude, nothing else came out, and the vnet header was one
 * of the two sizes with a sane hash report.  Frames are identified by
 * their tag, here simply the frame number, so a frame's flow (and class)
 * is looked up, not parsed.  Then the device is deleted under load: the
 * control thread closes every fd while the sender still sends.
 *
 * Two variants: "drained_detach" pauses the sender and waits for the
 * queue to be empty before detaching it, "live_detach" detaches whatever
 * is in flight.  tun purges a detaching queue's ring; SPEC §7 wants those
 * frames counted, and the test reports how many were lost (per queue, the
 * frames the kernel queued toward its reader minus those read).
 *
 * A second test deletes fully configured devices under load, repeatedly,
 * and a third shows the detach purge on its own, deterministically.
 * Bounded by time (TRSS_STRESS_MS, default 8000 ms per phase) and by
 * frame count; the runner checks the kernel log and kmemleak afterwards.
 * TRSS_SEED replays the random choices (not the thread interleaving).
 */

#define _GNU_SOURCE	/* sendmmsg() */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#define QUEUES		8
#define NR_FLOWS	256
/* Tags are frame numbers: the per-frame arrays bound the frame count */
#define MAX_FRAMES	0x100000
#define SEND_BATCH	32
#define PHASE_MS	8000
#define DELETE_ROUNDS	6

/* Fixed rules (locations 0..2), and the port the churned rules match */
#define PORT_QUEUE0	7000
#define PORT_DROP	7001
#define PORT_CTX_ZERO	7002
#define PORT_CHURN	7003
#define LOC_FIXED	3
/* Churned rules live in [LOC_FIXED, LOC_CHURN_END), contexts up to */
#define LOC_CHURN_END	16
#define CHURN_RULES	8
#define CHURN_CTX	6

#define VNET_HDR_SMALL	12	/* struct virtio_net_hdr_mrg_rxbuf */
#define VNET_HDR_HASH	((int)sizeof(struct virtio_net_hdr_v1_hash))
/* What a reader leaves in the hash-report bytes before each read */
#define HASH_FILL	0xa5

#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

/* Flow classes, by what the fixed rules do with them */
enum {
	CLS_QUEUE0,	/* udp4 to PORT_QUEUE0: queue 0 */
	CLS_DROP,	/* tcp4 to PORT_DROP: never read */
	CLS_CTX_ZERO,	/* udp6 to PORT_CTX_ZERO: queue 0 */
	CLS_CHURN,	/* tcp6 to PORT_CHURN: whatever churned rules say */
	CLS_RSS,	/* everything else: context 0 or automq */
	NR_CLS,
};

static const char * const cls_names[NR_CLS] = {
	"queue0", "drop", "ctx_zero", "churn", "rss",
};

/* Per frame (tag) state, as the sender knows it */
enum {
	FRAME_FREE,	/* tag not used yet */
	FRAME_BUILT,	/* handed to sendmmsg() */
	FRAME_SENT,	/* accepted by sendmmsg() */
	FRAME_REJECTED,	/* sendmmsg() failed on it */
	FRAME_UNSENT,	/* after a rejected frame in the same call */
};

enum {
	OP_CTX0,
	OP_FIELDS,
	OP_CTX_NEW,
	OP_CTX_MODIFY,
	OP_CTX_DELETE,
	OP_CTX_ZERO,
	OP_RULE_INS,
	OP_RULE_DEL,
	OP_DETACH,
	OP_ATTACH,
	OP_RXHASH,
	OP_VNET_HDR,
	OP_READBACK,
	OP_BLACKOUT,
	NR_OPS,
};

static const char * const op_names[NR_OPS] = {
	"ctx0", "fields", "ctx_new", "ctx_modify", "ctx_delete", "ctx_zero",
	"rule_ins", "rule_del", "detach", "attach", "rxhash", "vnet_hdr",
	"readback", "blackout",
};

/* Relative frequency of each operation */
static const unsigned int op_weight[NR_OPS] = {
	[OP_CTX0] = 6, [OP_FIELDS] = 6, [OP_CTX_NEW] = 4, [OP_CTX_MODIFY] = 4,
	[OP_CTX_DELETE] = 4, [OP_CTX_ZERO] = 1, [OP_RULE_INS] = 6,
	[OP_RULE_DEL] = 5, [OP_DETACH] = 5, [OP_ATTACH] = 5, [OP_RXHASH] = 3,
	[OP_VNET_HDR] = 3, [OP_READBACK] = 3, [OP_BLACKOUT] = 1,
};

struct churn_rule {
	bool used;
	__u32 loc;
	int ctx_slot;		/* churn context it sends to, -1: none */
};

struct churn_ctx {
	bool used;
	__u32 id;
	unsigned int users;	/* churned rules sending to it */
};

struct reader {
	struct stress *s;
	pthread_t thread;
	bool started;
	unsigned int idx;	/* fd index */
	int fd;
	__u64 frames;		/* reads that returned a frame */
	__u64 stray;		/* not one of the test's frames */
	__u64 dups;
	__u64 bad_vnet;		/* header neither 12 nor 20 bytes */
	__u64 bad_report;	/* hash report written wrong */
	__u64 reports;		/* hash reports seen */
	__u64 read_errors;
	int read_errno;
};

/* ethtool -S of a tap: a few device-wide counters, three per queue */
#define MAX_STATS	(16 + 3 * TRSS_MAX_QUEUES)

struct stress {
	struct trss_dev dev;
	bool drained_detach;	/* empty a queue before detaching it */
	struct trss_flow flows[NR_FLOWS];
	unsigned int flow_len[NR_FLOWS];
	__u8 flow_cls[NR_FLOWS];
	__u32 ctx_zero;		/* the all-zero context of location 2 */

	/* Per tag */
	__u16 *frame_flow;
	__u8 *frame_state;
	__u8 *frame_hits;
	__u8 *frame_fd;

	/* Sender */
	pthread_t sender;
	bool sender_started;
	__u64 send_seed;
	unsigned int next_tag;
	__u64 sent, rejected, cls_sent[NR_CLS];
	__u64 drop_attached;	/* CLS_DROP sent while queue 0 surely existed */
	int send_errno;		/* what ended the sender, 0: asked to stop */
	int stop_sender, sender_done;
	int pause_req, paused;
	/* Odd while queue 0 is away (blackout) */
	unsigned int blackout_gen;

	/* Readers */
	struct reader readers[QUEUES];
	int stop_readers;
	/* TRSS_INJECT: lose, double or misplace one frame (see inject_parse) */
	unsigned int inject_drop, inject_dup, inject_move, inject_seen;

	/* Control */
	pthread_t control;
	bool control_started;
	__u64 ctl_seed;
	int stop_control;
	int delete_after_ms;	/* > 0: close every fd after that long */
	bool deleting;		/* errors are expected from now on */
	__u64 ops[NR_OPS], op_fail[NR_OPS];
	char first_fail[256];
	char scratch[128];
	struct churn_rule rules[CHURN_RULES];
	struct churn_ctx ctx[CHURN_CTX];
	bool rxhash;
	int vnet_hdr_sz;
	__u64 blackouts;
	__u64 *gstats;		/* ETHTOOL_GSTATS buffer */
	int nr_global_stats;	/* device-wide ethtool -S counters, -1: unknown */
	int null_fd;
	int closed_fds[QUEUES];	/* now /dev/null, closed once readers are gone */
	unsigned int nr_closed;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int phase_ms(void)
{
	const char *env = getenv("TRSS_STRESS_MS");

	return env ? atoi(env) : PHASE_MS;
}

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static void ctl_fail(struct stress *s, unsigned int op, int err,
		     const char *what)
{
	s->op_fail[op]++;
	if (!s->first_fail[0])
		snprintf(s->first_fail, sizeof(s->first_fail), "%s: %s: %s",
			 op_names[op], what, strerror(-err));
}

/* Frames */

static void flows_init(struct stress *s, __u64 *seed)
{
	static const struct {
		int family;
		__u8 proto;
	} rss_kinds[] = {
		{ AF_INET, IPPROTO_TCP }, { AF_INET, IPPROTO_UDP },
		{ AF_INET6, IPPROTO_TCP }, { AF_INET6, IPPROTO_UDP },
		{ AF_INET, IPPROTO_ICMP },
	};
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow *fl;
	unsigned int i, k;
	int family, len;
	__u8 proto;
	__u16 port;

	for (i = 0; i < NR_FLOWS; i++) {
		fl = &s->flows[i];
		s->flow_cls[i] = i % 8 < CLS_RSS ? i % 8 : CLS_RSS;
		switch (s->flow_cls[i]) {
		case CLS_QUEUE0:
			family = AF_INET;
			proto = IPPROTO_UDP;
			port = PORT_QUEUE0;
			break;
		case CLS_DROP:
			family = AF_INET;
			proto = IPPROTO_TCP;
			port = PORT_DROP;
			break;
		case CLS_CTX_ZERO:
			family = AF_INET6;
			proto = IPPROTO_UDP;
			port = PORT_CTX_ZERO;
			break;
		case CLS_CHURN:
			family = AF_INET6;
			proto = IPPROTO_TCP;
			port = PORT_CHURN;
			break;
		default:
			k = (i / 8) % ARRAY_SIZE(rss_kinds);
			family = rss_kinds[k].family;
			proto = rss_kinds[k].proto;
			/* never one of the ports the rules match */
			port = 1 + trss_random(seed) % 6000;
			break;
		}
		trss_flow_init(fl, family, proto, i);
		trss_flow_randomize(fl, seed);
		fl->dport = port;
		fl->payload_len = 8 + i % 57;
		len = trss_dev_build(&s->dev, fl, 0, frame, sizeof(frame));
		s->flow_len[i] = len > 0 ? len : 0;
	}
}

/* Ethtool requests */

static void random_indir(__u64 *seed, __u32 *indir, unsigned int nq)
{
	unsigned int i;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = trss_random(seed) % nq;
}

/* A new context (ETH_RXFH_CONTEXT_ALLOC); its ID, or a negative errno */
static int ctx_create(const struct trss_dev *dev, const __u8 *key,
		      const __u32 *indir)
{
	struct trss_rss_req req;
	int err;

	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	if (key) {
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = key;
	}
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	err = trss_rss_set(dev, &req);
	return err ? err : (int)req.context;
}

static int ctx_delete(const struct trss_dev *dev, __u32 id)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, id);
	req.indir_size = 0;
	return trss_rss_set(dev, &req);
}

/*
 * A rule matching a destination port (and a source port when sport is
 * not zero).  Masks: a set bit is compared (SIOCETHTOOL convention).
 */
static void rule_init(struct ethtool_rx_flow_spec *fs, __u32 flow_type,
		      __u16 dport, __u16 sport, __u64 cookie, __u32 loc)
{
	struct ethtool_tcpip4_spec *h4, *m4;
	struct ethtool_tcpip6_spec *h6, *m6;

	memset(fs, 0, sizeof(*fs));
	fs->flow_type = flow_type;
	fs->ring_cookie = cookie;
	fs->location = loc;
	switch (flow_type & ~FLOW_RSS) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
		h4 = &fs->h_u.tcp_ip4_spec;
		m4 = &fs->m_u.tcp_ip4_spec;
		h4->pdst = htons(dport);
		m4->pdst = 0xffff;
		if (sport) {
			h4->psrc = htons(sport);
			m4->psrc = 0xffff;
		}
		break;
	default:
		h6 = &fs->h_u.tcp_ip6_spec;
		m6 = &fs->m_u.tcp_ip6_spec;
		h6->pdst = htons(dport);
		m6->pdst = 0xffff;
		if (sport) {
			h6->psrc = htons(sport);
			m6->psrc = 0xffff;
		}
		break;
	}
}

static int set_vnet_hdr(int fd, int sz)
{
	return ioctl(fd, TUNSETVNETHDRSZ, &sz) ? -errno : 0;
}

/*
 * Close a queue fd, mirroring the renumbering tun does when an attached
 * queue goes (the last queue takes its index), as trss_queue_detach()
 * does for a detach.  The fd number is not freed but pointed at
 * /dev/null (dup2() closes the tun file just as close() does): a reader
 * still polling it must not end up reading a socket that took the number.
 */
static void queue_close(struct stress *s, unsigned int idx)
{
	struct trss_dev *dev = &s->dev;
	unsigned int i;
	int q = dev->queue[idx];

	if (q >= 0) {
		dev->queue[idx] = -1;
		dev->nr_queues--;
		for (i = 0; i < dev->nr_fds; i++) {
			if (dev->queue[i] == (int)dev->nr_queues) {
				dev->queue[i] = q;
				break;
			}
		}
	}
	if (dup2(s->null_fd, dev->fds[idx]) < 0)
		close(dev->fds[idx]);
	else
		s->closed_fds[s->nr_closed++] = dev->fds[idx];
	dev->fds[idx] = -1;
}

/*
 * The fixed part of the configuration: the all-zero context and the
 * three rules at locations 0..2, vnet header and rxhash as given.
 */
static int config_fixed(struct stress *s, __u64 *seed)
{
	struct ethtool_rx_flow_spec fs;
	__u32 indir[TRSS_INDIR_SIZE] = {};
	__u8 key[TRSS_RSS_KEY_LEN];
	int id, err;

	trss_random_bytes(seed, key, sizeof(key));
	id = ctx_create(&s->dev, key, indir);
	if (id < 0)
		return id;
	s->ctx_zero = id;

	rule_init(&fs, UDP_V4_FLOW, PORT_QUEUE0, 0, 0, 0);
	err = trss_rule_ins(&s->dev, &fs, 0);
	if (err)
		return err;
	rule_init(&fs, TCP_V4_FLOW, PORT_DROP, 0, RX_CLS_FLOW_DISC, 1);
	err = trss_rule_ins(&s->dev, &fs, 0);
	if (err)
		return err;
	rule_init(&fs, UDP_V6_FLOW | FLOW_RSS, PORT_CTX_ZERO, 0, 0, 2);
	err = trss_rule_ins(&s->dev, &fs, s->ctx_zero);
	if (err)
		return err;

	err = set_vnet_hdr(s->dev.fds[0], s->vnet_hdr_sz);
	if (err)
		return err;
	return trss_feature_set(&s->dev, "rx-hashing", s->rxhash);
}

/* Sender */

static void sender_pause_point(struct stress *s)
{
	if (!LOAD(s->pause_req))
		return;
	STORE(s->paused, 1);
	while (LOAD(s->pause_req) && !LOAD(s->stop_sender))
		usleep(50);
	STORE(s->paused, 0);
}

static void *sender_main(void *arg)
{
	static __u8 frames[SEND_BATCH][TRSS_FRAME_MAX];
	struct sockaddr_ll sll[SEND_BATCH];
	struct mmsghdr msg[SEND_BATCH];
	struct iovec iov[SEND_BATCH];
	struct stress *s = arg;
	unsigned int base, i, f, n, g1, g2;
	__u8 cls;
	int ret, len, err;

	while (!LOAD(s->stop_sender)) {
		sender_pause_point(s);
		base = s->next_tag;
		if (base + SEND_BATCH > MAX_FRAMES)
			break;
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < SEND_BATCH; i++) {
			f = trss_random(&s->send_seed) % NR_FLOWS;
			s->frame_flow[base + i] = f;
			STORE(s->frame_state[base + i], FRAME_BUILT);
			len = trss_dev_build(&s->dev, &s->flows[f], base + i,
					     frames[i], TRSS_FRAME_MAX);
			iov[i].iov_base = frames[i];
			iov[i].iov_len = len > 0 ? len : 0;
			memset(&sll[i], 0, sizeof(sll[i]));
			sll[i].sll_family = AF_PACKET;
			sll[i].sll_ifindex = s->dev.ifindex;
			msg[i].msg_hdr.msg_name = &sll[i];
			msg[i].msg_hdr.msg_namelen = sizeof(sll[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}

		g1 = LOAD(s->blackout_gen);
		ret = sendmmsg(s->dev.tx_sock, msg, SEND_BATCH, 0);
		err = ret < 0 ? errno : 0;
		g2 = LOAD(s->blackout_gen);

		n = ret < 0 ? 0 : ret;
		for (i = 0; i < n; i++) {
			STORE(s->frame_state[base + i], FRAME_SENT);
			cls = s->flow_cls[s->frame_flow[base + i]];
			s->cls_sent[cls]++;
			if (cls == CLS_DROP && g1 == g2 && !(g1 & 1))
				s->drop_attached++;
		}
		s->sent += n;
		/* sendmmsg() stops at the first datagram that fails */
		if (n < SEND_BATCH) {
			STORE(s->frame_state[base + n], FRAME_REJECTED);
			s->rejected++;
			for (i = n + 1; i < SEND_BATCH; i++)
				STORE(s->frame_state[base + i], FRAME_UNSENT);
		}
		STORE(s->next_tag, base + SEND_BATCH);

		/* A full queue discipline says ENOBUFS; anything else ends */
		if (ret < 0 && err != ENOBUFS && err != EAGAIN && err != EINTR) {
			s->send_errno = err;
			break;
		}
	}
	STORE(s->sender_done, 1);
	return NULL;
}

/* Readers */

/*
 * Keys and fields change all the time, so the hash value cannot be
 * predicted, but its type can only be one of those of the flow's family
 * and protocol (SPEC §4), and NONE comes with a zero hash.
 */
static bool report_fits(const struct trss_flow *fl,
			const struct virtio_net_hdr_v1_hash *h)
{
	bool v4 = fl->family == AF_INET;
	__u16 type = h->hash_report;

	if (h->padding)
		return false;
	if (type == VIRTIO_NET_HASH_REPORT_NONE)
		return !h->hash_value;
	if (type == (v4 ? VIRTIO_NET_HASH_REPORT_IPv4 :
			  VIRTIO_NET_HASH_REPORT_IPv6))
		return true;
	if (fl->proto == IPPROTO_TCP)
		return type == (v4 ? VIRTIO_NET_HASH_REPORT_TCPv4 :
				     VIRTIO_NET_HASH_REPORT_TCPv6);
	if (fl->proto == IPPROTO_UDP)
		return type == (v4 ? VIRTIO_NET_HASH_REPORT_UDPv4 :
				     VIRTIO_NET_HASH_REPORT_UDPv6);
	return false;
}

static void reader_account(struct reader *r, const __u8 *buf, ssize_t n)
{
	struct stress *s = r->s;
	const struct virtio_net_hdr_v1_hash *h;
	unsigned int i, hits, hdr, seen, repeat, fd;
	__u32 tag;
	bool filled = true;

	if (trss_frame_tag(buf, n, &tag) || tag >= MAX_FRAMES ||
	    LOAD(s->frame_state[tag]) == FRAME_FREE) {
		r->stray++;
		return;
	}
	r->frames++;

	hdr = n - s->flow_len[s->frame_flow[tag]];
	if (hdr != VNET_HDR_SMALL && hdr != VNET_HDR_HASH) {
		r->bad_vnet++;
	} else if (hdr == VNET_HDR_HASH) {
		/*
		 * rxhash off: the bytes after struct virtio_net_hdr are left
		 * alone (SPEC §5: "exactly as today"); on: a valid report.
		 */
		h = (const void *)buf;
		for (i = offsetof(typeof(*h), hash_value); i < sizeof(*h); i++)
			if (buf[i] != HASH_FILL)
				filled = false;
		if (!filled) {
			if (report_fits(&s->flows[s->frame_flow[tag]], h))
				r->reports++;
			else
				r->bad_report++;
		}
	}

	seen = __atomic_add_fetch(&s->inject_seen, 1, __ATOMIC_RELAXED);
	if (seen == s->inject_drop) {
		r->frames--;
		return;
	}
	repeat = seen == s->inject_dup ? 2 : 1;
	fd = r->idx;
	if (seen >= s->inject_move && s->inject_move &&
	    s->flow_cls[s->frame_flow[tag]] == CLS_QUEUE0) {
		s->inject_move = 0;
		fd = (fd + 1) % QUEUES;
	}
	while (repeat--) {
		hits = __atomic_add_fetch(&s->frame_hits[tag], 1,
					  __ATOMIC_ACQ_REL);
		if (hits == 1)
			s->frame_fd[tag] = fd;
		else
			r->dups++;
	}
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct stress *s = r->s;
	__u8 buf[TRSS_FRAME_MAX + TRSS_VNET_HDR_MAX];
	struct pollfd pfd;
	unsigned int i;
	ssize_t n;

	while (!LOAD(s->stop_readers)) {
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, 10);
		for (i = 0; i < 64; i++) {
			memset(buf + 10, HASH_FILL, VNET_HDR_HASH - 10);
			n = read(r->fd, buf, sizeof(buf));
			if (n > 0) {
				reader_account(r, buf, n);
				continue;
			}
			/* end of file: the fd was closed (queue_close()) */
			if (!n && LOAD(s->deleting))
				return NULL;
			if (!n)
				errno = ENODATA;
			if (errno == EAGAIN || errno == EINTR)
				break;
			/* the fd or its device went away */
			if ((errno == EBADF || errno == EBADFD) &&
			    LOAD(s->deleting))
				return NULL;
			r->read_errors++;
			r->read_errno = errno;
			usleep(1000);
			break;
		}
	}
	return NULL;
}

/* Control */

static int ctl_nq(struct stress *s)
{
	return s->dev.nr_queues ? s->dev.nr_queues : 1;
}

/* Stop the sender between two sendmmsg() calls */
static int sender_pause(struct stress *s)
{
	long long deadline = now_ms() + 2000;

	STORE(s->pause_req, 1);
	while (!LOAD(s->paused) && !LOAD(s->sender_done)) {
		if (now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(100);
	}
	return 0;
}

static void sender_resume(struct stress *s)
{
	STORE(s->pause_req, 0);
}

/* Wait for the reader of a queue to empty it (sender paused) */
static int queue_wait_empty(int fd)
{
	long long deadline = now_ms() + 2000;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 0) > 0 && pfd.revents & POLLIN) {
		if (now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(200);
	}
	return 0;
}

static int ctl_detach(struct stress *s, unsigned int idx)
{
	int err;

	if (s->drained_detach) {
		err = queue_wait_empty(s->dev.fds[idx]);
		if (err)
			return err;
	}
	return trss_queue_detach(&s->dev, idx);
}

static int pick_fd(struct stress *s, bool attached)
{
	unsigned int cand[QUEUES], n = 0, i;

	/* fd 0 is queue 0 for good, except in a blackout */
	for (i = 1; i < s->dev.nr_fds; i++) {
		bool is_attached = s->dev.queue[i] >= 0;

		if (s->dev.fds[i] >= 0 && is_attached == attached)
			cand[n++] = i;
	}
	return n ? (int)cand[trss_random(&s->ctl_seed) % n] : -1;
}

static int pick_ctx(struct stress *s)
{
	unsigned int cand[CHURN_CTX], n = 0, i;

	for (i = 0; i < CHURN_CTX; i++)
		if (s->ctx[i].used)
			cand[n++] = i;
	return n ? (int)cand[trss_random(&s->ctl_seed) % n] : -1;
}

static int pick_rule(struct stress *s, bool used)
{
	unsigned int cand[CHURN_RULES], n = 0, i;

	for (i = 0; i < CHURN_RULES; i++)
		if (s->rules[i].used == used)
			cand[n++] = i;
	return n ? (int)cand[trss_random(&s->ctl_seed) % n] : -1;
}

static bool loc_taken(struct stress *s, __u32 loc)
{
	unsigned int i;

	for (i = 0; i < CHURN_RULES; i++)
		if (s->rules[i].used && s->rules[i].loc == loc)
			return true;
	return false;
}

/* Every queue detaches, frames meet no queue, queue 0 comes back first */
static int ctl_blackout(struct stress *s)
{
	unsigned int i, gen;
	int err = 0;

	if (s->drained_detach) {
		err = sender_pause(s);
		if (err)
			goto out;
	}
	for (i = 1; i < s->dev.nr_fds; i++) {
		if (s->dev.queue[i] < 0)
			continue;
		err = ctl_detach(s, i);
		if (err)
			goto out;
	}
	gen = LOAD(s->blackout_gen);
	STORE(s->blackout_gen, gen + 1);
	err = ctl_detach(s, 0);
	sender_resume(s);
	if (err)
		goto out;

	usleep(2000 + trss_random(&s->ctl_seed) % 8000);
	err = trss_queue_attach(&s->dev, 0);
	if (!err && s->dev.queue[0] != 0)
		err = -EPROTO;
	STORE(s->blackout_gen, gen + 2);
	s->blackouts++;
out:
	sender_resume(s);
	return err;
}

static int ctl_readback(struct stress *s)
{
	struct ethtool_stats *st = (struct ethtool_stats *)s->gstats;
	__u32 locs[LOC_CHURN_END + CHURN_RULES];
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} sset;
	struct trss_rss rss;
	unsigned int n;
	int ret, slot;

	/* SPEC §2: the rings are the attached queues */
	ret = trss_rx_rings(&s->dev);
	if (ret < 0)
		return ret;
	if (ret != (int)s->dev.nr_queues) {
		snprintf(s->scratch, sizeof(s->scratch),
			 "%d rings with %u queues", ret, s->dev.nr_queues);
		ctl_fail(s, OP_READBACK, -EPROTO, s->scratch);
	}
	ret = trss_rss_get(&s->dev, 0, &rss);
	if (ret)
		return ret;
	slot = pick_ctx(s);
	if (slot >= 0) {
		ret = trss_rss_get(&s->dev, s->ctx[slot].id, &rss);
		if (ret)
			return ret;
	}
	ret = trss_rule_all(&s->dev, locs, ARRAY_SIZE(locs));
	if (ret < 0)
		return ret;

	/*
	 * Per-queue counters follow the queues (tun_get_sset_count): three
	 * per attached queue after a fixed set of device-wide ones, the same
	 * number all along.  Asked for another count than it has, the kernel
	 * answers 0 statistics.
	 */
	memset(&sset, 0, sizeof(sset));
	sset.hdr.cmd = ETHTOOL_GSSET_INFO;
	sset.hdr.sset_mask = 1ULL << ETH_SS_STATS;
	ret = trss_ethtool_ioctl(&s->dev, &sset);
	if (ret)
		return ret;
	n = sset.len;
	if (n < 3 * s->dev.nr_queues || n > MAX_STATS ||
	    (s->nr_global_stats >= 0 &&
	     n - 3 * s->dev.nr_queues != (unsigned int)s->nr_global_stats)) {
		snprintf(s->scratch, sizeof(s->scratch),
			 "%u statistics with %u queues", n, s->dev.nr_queues);
		ctl_fail(s, OP_READBACK, -EPROTO, s->scratch);
		return 0;
	}
	s->nr_global_stats = n - 3 * s->dev.nr_queues;
	memset(st, 0, sizeof(*st));
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	ret = trss_ethtool_ioctl(&s->dev, st);
	if (ret)
		return ret;
	if (st->n_stats != n) {
		snprintf(s->scratch, sizeof(s->scratch),
			 "%u statistics, %u announced", st->n_stats, n);
		ctl_fail(s, OP_READBACK, -EPROTO, s->scratch);
	}
	return 0;
}

static const __u32 l4_types[] = {
	TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW,
};

static const __u64 l4_fields[] = { RXH_SDFN, RXH_SD, 0 };

static const __u32 ip_types[] = { IPV4_FLOW, IPV6_FLOW };

/* One random operation; 0, or a negative errno that was not expected */
static int ctl_op(struct stress *s, unsigned int op)
{
	__u32 indir[TRSS_INDIR_SIZE], flow_type, ctx;
	__u64 *seed = &s->ctl_seed, cookie, fields;
	struct ethtool_rx_flow_spec fs;
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_rss_req req;
	unsigned int nq = ctl_nq(s), r;
	int slot, idx, ret;
	__u16 sport;

	switch (op) {
	case OP_CTX0:
		trss_rss_req_init(&req, 0);
		r = trss_random(seed) % 8;
		if (r == 0) {
			/* "ethtool -X dev default": back to automq */
			req.indir_size = 0;
			return trss_rss_set(&s->dev, &req);
		}
		if (r & 1) {
			trss_random_bytes(seed, key, sizeof(key));
			req.key_size = TRSS_RSS_KEY_LEN;
			req.key = key;
		}
		if (r & 6) {
			random_indir(seed, indir, nq);
			req.indir_size = TRSS_INDIR_SIZE;
			req.indir = indir;
		}
		return trss_rss_set(&s->dev, &req);

	case OP_FIELDS:
		slot = pick_ctx(s);
		r = trss_random(seed) % 4;
		ctx = r == 0 && slot >= 0 ? s->ctx[slot].id :
		      r == 1 ? s->ctx_zero : 0;
		if (trss_random(seed) % 3) {
			flow_type = l4_types[trss_random(seed) % 4];
			fields = l4_fields[trss_random(seed) % 3];
		} else {
			flow_type = ip_types[trss_random(seed) % 2];
			fields = trss_random(seed) % 2 ? RXH_SD : 0;
		}
		return trss_rxfh_fields_set(&s->dev, ctx, flow_type, fields);

	case OP_CTX_NEW:
		slot = -1;
		for (r = 0; r < CHURN_CTX; r++)
			if (!s->ctx[r].used)
				slot = r;
		if (slot < 0)
			return 0;
		trss_random_bytes(seed, key, sizeof(key));
		random_indir(seed, indir, nq);
		ret = ctx_create(&s->dev, trss_random(seed) % 2 ? key : NULL,
				 indir);
		if (ret < 0)
			return ret;
		s->ctx[slot].used = true;
		s->ctx[slot].id = ret;
		s->ctx[slot].users = 0;
		return 0;

	case OP_CTX_MODIFY:
		slot = pick_ctx(s);
		if (slot < 0)
			return 0;
		trss_rss_req_init(&req, s->ctx[slot].id);
		trss_random_bytes(seed, key, sizeof(key));
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = key;
		random_indir(seed, indir, nq);
		req.indir_size = TRSS_INDIR_SIZE;
		req.indir = indir;
		return trss_rss_set(&s->dev, &req);

	case OP_CTX_DELETE:
		slot = pick_ctx(s);
		if (slot < 0)
			return 0;
		ret = ctx_delete(&s->dev, s->ctx[slot].id);
		/* SPEC §7: a context a rule uses is refused */
		if (s->ctx[slot].users)
			return ret == -EBUSY ? 0 : ret ? ret : -EPROTO;
		if (!ret)
			s->ctx[slot].used = false;
		return ret;

	case OP_CTX_ZERO:
		/* Change the all-zero context; its table stays all zeros */
		memset(indir, 0, sizeof(indir));
		trss_random_bytes(seed, key, sizeof(key));
		trss_rss_req_init(&req, s->ctx_zero);
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = key;
		req.indir_size = TRSS_INDIR_SIZE;
		req.indir = indir;
		return trss_rss_set(&s->dev, &req);

	case OP_RULE_INS:
		slot = pick_rule(s, false);
		if (slot < 0)
			return 0;
		/* all of PORT_CHURN, or one flow of it */
		sport = 0;
		if (trss_random(seed) % 2)
			sport = s->flows[(trss_random(seed) % (NR_FLOWS / 8)) * 8 +
					 CLS_CHURN].sport;
		flow_type = TCP_V6_FLOW;
		ctx = 0;
		s->rules[slot].ctx_slot = -1;
		r = trss_random(seed) % 3;
		if (r == 0) {
			cookie = trss_random(seed) % nq;
		} else if (r == 1) {
			cookie = RX_CLS_FLOW_DISC;
		} else {
			flow_type |= FLOW_RSS;
			cookie = trss_random(seed) % nq;	/* queue offset */
			idx = pick_ctx(s);
			if (idx >= 0 && trss_random(seed) % 4) {
				ctx = s->ctx[idx].id;
				s->rules[slot].ctx_slot = idx;
			}
		}
		/* the lowest free location, or one of the test's choice */
		if (trss_random(seed) % 2) {
			rule_init(&fs, flow_type, PORT_CHURN, sport, cookie,
				  RX_CLS_LOC_ANY);
		} else {
			do {
				r = LOC_FIXED + trss_random(seed) %
					(LOC_CHURN_END - LOC_FIXED);
			} while (loc_taken(s, r));
			rule_init(&fs, flow_type, PORT_CHURN, sport, cookie, r);
		}
		ret = trss_rule_ins(&s->dev, &fs, ctx);
		if (ret)
			return ret;
		if (fs.location < LOC_FIXED || loc_taken(s, fs.location))
			return -EPROTO;
		s->rules[slot].used = true;
		s->rules[slot].loc = fs.location;
		if (s->rules[slot].ctx_slot >= 0)
			s->ctx[s->rules[slot].ctx_slot].users++;
		return 0;

	case OP_RULE_DEL:
		slot = pick_rule(s, true);
		if (slot < 0)
			return 0;
		ret = trss_rule_del(&s->dev, s->rules[slot].loc);
		if (ret)
			return ret;
		s->rules[slot].used = false;
		if (s->rules[slot].ctx_slot >= 0)
			s->ctx[s->rules[slot].ctx_slot].users--;
		return 0;

	case OP_DETACH:
		idx = pick_fd(s, true);
		if (idx < 0)
			return 0;
		if (s->drained_detach) {
			ret = sender_pause(s);
			if (!ret)
				ret = ctl_detach(s, idx);
			sender_resume(s);
			return ret;
		}
		return ctl_detach(s, idx);

	case OP_ATTACH:
		idx = pick_fd(s, false);
		if (idx < 0)
			return 0;
		return trss_queue_attach(&s->dev, idx);

	case OP_RXHASH:
		ret = trss_feature_set(&s->dev, "rx-hashing", !s->rxhash);
		if (!ret)
			s->rxhash = !s->rxhash;
		return ret;

	case OP_VNET_HDR:
		r = s->vnet_hdr_sz == VNET_HDR_HASH ? VNET_HDR_SMALL :
						      VNET_HDR_HASH;
		ret = set_vnet_hdr(s->dev.fds[0], r);
		if (!ret)
			s->vnet_hdr_sz = r;
		return ret;

	case OP_READBACK:
		return ctl_readback(s);

	case OP_BLACKOUT:
		return ctl_blackout(s);
	}
	return 0;
}

static unsigned int ctl_pick_op(struct stress *s)
{
	unsigned int total = 0, r, op;

	for (op = 0; op < NR_OPS; op++)
		total += op_weight[op];
	r = trss_random(&s->ctl_seed) % total;
	for (op = 0; op < NR_OPS; op++) {
		if (r < op_weight[op])
			return op;
		r -= op_weight[op];
	}
	return OP_READBACK;
}

/* Every fd closes, in random order, with operations in between */
static void ctl_delete_device(struct stress *s)
{
	unsigned int order[TRSS_MAX_QUEUES], i, j, t;

	STORE(s->deleting, true);
	for (i = 0; i < s->dev.nr_fds; i++)
		order[i] = i;
	for (i = s->dev.nr_fds; i > 1; i--) {
		j = trss_random(&s->ctl_seed) % i;
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	/* Sometimes detach a few first: closing a detached queue differs */
	if (trss_random(&s->ctl_seed) % 2)
		for (i = 0; i < s->dev.nr_fds / 2; i++)
			if (s->dev.queue[order[i]] >= 0 && s->dev.nr_queues > 1)
				trss_queue_detach(&s->dev, order[i]);
	for (i = 0; i < s->dev.nr_fds; i++) {
		if (s->dev.fds[order[i]] < 0)
			continue;
		queue_close(s, order[i]);
		if (trss_random(&s->ctl_seed) % 2)
			usleep(trss_random(&s->ctl_seed) % 2000);
		/* errors are expected now: the device is going */
		if (s->dev.nr_queues && trss_random(&s->ctl_seed) % 2)
			ctl_op(s, OP_CTX0);
	}
}

static void *control_main(void *arg)
{
	struct stress *s = arg;
	long long start = now_ms();
	unsigned int op, i;
	int err;

	while (!LOAD(s->stop_control)) {
		if (s->delete_after_ms > 0 &&
		    now_ms() - start >= s->delete_after_ms) {
			ctl_delete_device(s);
			return NULL;
		}
		op = ctl_pick_op(s);
		s->ops[op]++;
		err = ctl_op(s, op);
		if (err)
			ctl_fail(s, op, err, "unexpected result");
		usleep(trss_random(&s->ctl_seed) % 500);
	}
	if (s->delete_after_ms > 0) {
		ctl_delete_device(s);
		return NULL;
	}

	/* Every queue back, so every queue's counters can be read */
	for (i = 0; i < s->dev.nr_fds; i++) {
		if (s->dev.queue[i] >= 0)
			continue;
		err = trss_queue_attach(&s->dev, i);
		if (err)
			ctl_fail(s, OP_ATTACH, err, "final attach");
	}
	return NULL;
}

/* Threads */

static int readers_start(struct stress *s)
{
	char name[16];
	unsigned int i;
	int err;

	STORE(s->stop_readers, 0);
	for (i = 0; i < s->dev.nr_fds; i++) {
		struct reader *r = &s->readers[i];

		memset(r, 0, sizeof(*r));
		r->s = s;
		r->idx = i;
		r->fd = s->dev.fds[i];
		err = pthread_create(&r->thread, NULL, reader_main, r);
		if (err)
			return -err;
		r->started = true;
		snprintf(name, sizeof(name), "reader%u", i);
		pthread_setname_np(r->thread, name);
	}
	return 0;
}

static void readers_stop(struct stress *s)
{
	unsigned int i;

	STORE(s->stop_readers, 1);
	for (i = 0; i < QUEUES; i++) {
		if (!s->readers[i].started)
			continue;
		pthread_join(s->readers[i].thread, NULL);
		s->readers[i].started = false;
	}
}

static int sender_start(struct stress *s)
{
	int err;

	STORE(s->stop_sender, 0);
	STORE(s->sender_done, 0);
	STORE(s->pause_req, 0);
	s->send_errno = 0;
	err = pthread_create(&s->sender, NULL, sender_main, s);
	if (err)
		return -err;
	s->sender_started = true;
	pthread_setname_np(s->sender, "sender");
	return 0;
}

static void sender_stop(struct stress *s)
{
	STORE(s->stop_sender, 1);
	if (s->sender_started)
		pthread_join(s->sender, NULL);
	s->sender_started = false;
}

static int control_start(struct stress *s, int delete_after_ms)
{
	int err;

	STORE(s->stop_control, 0);
	s->delete_after_ms = delete_after_ms;
	err = pthread_create(&s->control, NULL, control_main, s);
	if (err)
		return -err;
	s->control_started = true;
	pthread_setname_np(s->control, "control");
	return 0;
}

static void control_stop(struct stress *s)
{
	STORE(s->stop_control, 1);
	if (s->control_started)
		pthread_join(s->control, NULL);
	s->control_started = false;
}

static void stress_stop_all(struct stress *s)
{
	control_stop(s);
	sender_stop(s);
	readers_stop(s);
}

static void stress_free(struct stress *s)
{
	if (!s)
		return;
	stress_stop_all(s);
	trss_dev_destroy(&s->dev);
	while (s->nr_closed)
		close(s->closed_fds[--s->nr_closed]);
	if (s->null_fd >= 0)
		close(s->null_fd);
	free(s->frame_flow);
	free(s->frame_state);
	free(s->frame_hits);
	free(s->frame_fd);
	free(s->gstats);
	free(s);
}

/*
 * Fault injection, to show the checks notice what they claim to:
 * TRSS_INJECT="drop=N", "dup=N" or "move=N" makes the readers lose,
 * count twice, or attribute to the next fd (the first queue-0-only frame
 * from the N-th on) one frame, as the library's batch reader does.
 */
static void inject_parse(struct stress *s)
{
	const char *env = getenv("TRSS_INJECT");

	if (!env)
		return;
	if (sscanf(env, "drop=%u", &s->inject_drop) != 1 &&
	    sscanf(env, "dup=%u", &s->inject_dup) != 1 &&
	    sscanf(env, "move=%u", &s->inject_move) != 1)
		fprintf(stderr, "TRSS_INJECT=%s ignored\n", env);
}

static struct stress *stress_alloc(void)
{
	struct stress *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->frame_flow = calloc(MAX_FRAMES, sizeof(*s->frame_flow));
	s->frame_state = calloc(MAX_FRAMES, 1);
	s->frame_hits = calloc(MAX_FRAMES, 1);
	s->frame_fd = calloc(MAX_FRAMES, 1);
	s->gstats = calloc(1, sizeof(struct ethtool_stats) +
			   MAX_STATS * sizeof(__u64));
	s->nr_global_stats = -1;
	s->dev.tx_sock = -1;
	s->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (s->null_fd < 0 || !s->frame_flow || !s->frame_state || !s->frame_hits ||
	    !s->frame_fd || !s->gstats) {
		stress_free(s);
		return NULL;
	}
	inject_parse(s);
	return s;
}

static int dev_create(struct stress *s, unsigned int queues)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = queues,
		.vnet_hdr = true,
		.vnet_hdr_sz = VNET_HDR_SMALL,
		.vnet_le = true,
	};

	return trss_dev_create(&s->dev, &opts);
}

/* Wait until the device is gone from the namespace */
static bool dev_gone(const char *name, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	while (if_nametoindex(name)) {
		if (now_ms() > deadline)
			return false;
		usleep(10000);
	}
	return true;
}

/* The device's tx_dropped, ~0 when it cannot be read */
static __u64 tx_dropped(int ifindex)
{
	struct rtnl_link_stats64 st;

	if (trss_link_stats64(ifindex, &st))
		return ~0ULL;
	return st.tx_dropped;
}

/* How long the sender took to stop by itself, -1: it did not */
static int sender_wait_done(struct stress *s, int timeout_ms)
{
	long long start = now_ms();

	while (!LOAD(s->sender_done)) {
		if (now_ms() - start > timeout_ms)
			return -1;
		usleep(5000);
	}
	return now_ms() - start;
}

static __u64 readers_frames(const struct stress *s)
{
	__u64 n = 0;
	unsigned int i;

	for (i = 0; i < QUEUES; i++)
		n += LOAD(s->readers[i].frames);
	return n;
}

/*
 * After the sender stopped: read until every accepted frame is read or
 * counted, or nothing moved for a while (frames are lost then).
 */
static void drain(struct stress *s, __u64 dropped_base)
{
	long long last_move = now_ms();
	__u64 seen = 0, n;

	while (now_ms() - last_move < 500) {
		n = readers_frames(s) + tx_dropped(s->dev.ifindex) - dropped_base;
		if (n == s->sent)
			break;
		if (n != seen) {
			seen = n;
			last_move = now_ms();
		}
		usleep(20000);
	}
}

FIXTURE(stress)
{
	struct stress *s;
	__u64 seed;
};

FIXTURE_VARIANT(stress)
{
	bool drained_detach;
};

FIXTURE_VARIANT_ADD(stress, drained_detach)
{
	.drained_detach = true,
};

FIXTURE_VARIANT_ADD(stress, live_detach)
{
	.drained_detach = false,
};

FIXTURE_SETUP(stress)
{
	self->seed = getenv("TRSS_SEED") ? strtoull(getenv("TRSS_SEED"), NULL, 0) :
					   (__u64)time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	self->s = stress_alloc();
	ASSERT_NE(self->s, NULL);
	self->s->drained_detach = variant->drained_detach;
	ASSERT_EQ(dev_create(self->s, QUEUES), 0);
}

FIXTURE_TEARDOWN(stress)
{
	stress_free(self->s);
}

TEST_F_TIMEOUT(stress, reconfigure_under_traffic, 150)
{
	struct stress *s = self->s;
	__u64 packets[QUEUES], bytes[QUEUES], qdrops[QUEUES];
	__u64 delivered = 0, dups = 0, phantom = 0, misrouted = 0;
	__u64 drop_read = 0, cls_read[NR_CLS] = {};
	__u64 frames = 0, stray = 0, bad_vnet = 0, bad_report = 0;
	__u64 reports = 0, read_errors = 0, purged = 0, qdrops_sum = 0;
	__u64 drops_base, ntuple_base, dropped, ntuple_drops;
	__u64 ops = 0, fails = 0;
	unsigned int tag, i, op;
	long long start;
	int nq, wait;
	__s64 lost;
	__u8 cls;

	s->send_seed = self->seed;
	s->ctl_seed = self->seed * 31 + 7;
	flows_init(s, &self->seed);
	s->rxhash = true;
	s->vnet_hdr_sz = VNET_HDR_HASH;
	ASSERT_EQ(config_fixed(s, &self->seed), 0);

	drops_base = tx_dropped(s->dev.ifindex);
	ASSERT_NE(drops_base, ~0ULL);
	ASSERT_EQ(trss_ethtool_stat(&s->dev, "rx_ntuple_drops", &ntuple_base), 0);

	start = now_ms();
	ASSERT_EQ(readers_start(s), 0);
	ASSERT_EQ(sender_start(s), 0);
	ASSERT_EQ(control_start(s, 0), 0);
	while (now_ms() - start < phase_ms() && !LOAD(s->sender_done))
		usleep(50000);
	control_stop(s);
	sender_stop(s);
	drain(s, drops_base);
	readers_stop(s);

	dropped = tx_dropped(s->dev.ifindex) - drops_base;
	ASSERT_EQ(trss_ethtool_stat(&s->dev, "rx_ntuple_drops", &ntuple_drops), 0);
	ntuple_drops -= ntuple_base;
	nq = trss_ethtool_queue_stats(&s->dev, packets, bytes, qdrops, QUEUES);
	ASSERT_EQ(nq, QUEUES);

	for (tag = 0; tag < s->next_tag; tag++) {
		if (!s->frame_hits[tag])
			continue;
		delivered++;
		if (s->frame_hits[tag] > 1)
			dups++;
		if (s->frame_state[tag] != FRAME_SENT)
			phantom++;
		cls = s->flow_cls[s->frame_flow[tag]];
		cls_read[cls]++;
		if (cls == CLS_DROP)
			drop_read++;
		if ((cls == CLS_QUEUE0 || cls == CLS_CTX_ZERO) &&
		    s->frame_fd[tag] != 0)
			misrouted++;
	}
	for (i = 0; i < QUEUES; i++) {
		struct reader *r = &s->readers[i];
		int q = s->dev.queue[i];

		frames += r->frames;
		stray += r->stray;
		bad_vnet += r->bad_vnet;
		bad_report += r->bad_report;
		reports += r->reports;
		read_errors += r->read_errors;
		/* what tun queued toward this fd's reader and it never read */
		if (q >= 0) {
			TH_LOG("fd %u (queue %d): queued %llu read %llu dropped %llu",
			       i, q, (unsigned long long)packets[q],
			       (unsigned long long)r->frames,
			       (unsigned long long)qdrops[q]);
			EXPECT_GE(packets[q], r->frames);
			if (packets[q] > r->frames)
				purged += packets[q] - r->frames;
			qdrops_sum += qdrops[q];
		}
		if (r->read_errors)
			TH_LOG("fd %u: %llu read errors, last %s", i,
			       (unsigned long long)r->read_errors,
			       strerror(r->read_errno));
	}
	for (op = 0; op < NR_OPS; op++) {
		ops += s->ops[op];
		TH_LOG("op %-10s %6llu done, %llu failed", op_names[op],
		       (unsigned long long)s->ops[op],
		       (unsigned long long)s->op_fail[op]);
	}
	for (cls = 0; cls < NR_CLS; cls++)
		TH_LOG("class %-8s sent %7llu read %7llu", cls_names[cls],
		       (unsigned long long)s->cls_sent[cls],
		       (unsigned long long)cls_read[cls]);
	lost = (__s64)s->sent - (__s64)delivered - (__s64)dropped;
	TH_LOG("%lld ms: %llu frames accepted (%llu rejected), %llu read",
	       now_ms() - start, (unsigned long long)s->sent,
	       (unsigned long long)s->rejected, (unsigned long long)delivered);
	TH_LOG("%llu tx_dropped, %llu of them by rules",
	       (unsigned long long)dropped, (unsigned long long)ntuple_drops);
	TH_LOG("%lld unaccounted, %llu purged from detaching queues",
	       (long long)lost, (unsigned long long)purged);
	TH_LOG("%llu reconfigurations (%llu blackouts), %llu hash reports, %llu dups, %llu stray",
	       (unsigned long long)ops, (unsigned long long)s->blackouts,
	       (unsigned long long)reports, (unsigned long long)dups,
	       (unsigned long long)stray);
	if (s->first_fail[0])
		TH_LOG("first failure: %s", s->first_fail);

	/* The reconfiguration itself went as expected */
	for (op = 0; op < NR_OPS; op++)
		fails += s->op_fail[op];
	EXPECT_EQ(fails, 0ULL) TH_LOG("first: %s", s->first_fail);
	EXPECT_GT(s->sent, 0ULL);
	EXPECT_EQ(s->send_errno, 0) TH_LOG("sendmmsg: %s", strerror(s->send_errno));
	EXPECT_EQ(read_errors, 0ULL);

	/* No frame twice, none made up, none where the fixed rules forbid */
	EXPECT_EQ(dups, 0ULL);
	EXPECT_EQ(phantom, 0ULL);
	EXPECT_EQ(stray, 0ULL);
	EXPECT_EQ(frames, delivered + dups);
	EXPECT_EQ(drop_read, 0ULL);
	EXPECT_EQ(misrouted, 0ULL);
	EXPECT_EQ(bad_vnet, 0ULL);
	EXPECT_EQ(bad_report, 0ULL);

	/*
	 * Drop rules count what they drop: every frame of the fixed drop
	 * rule while queue 0 existed, at most that rule's and the churned
	 * rules' frames.
	 */
	EXPECT_GE(ntuple_drops, s->drop_attached);
	EXPECT_LE(ntuple_drops, s->cls_sent[CLS_DROP] + s->cls_sent[CLS_CHURN]);
	EXPECT_LE(qdrops_sum, dropped);

	/* SPEC §7: read from exactly one queue, or counted */
	EXPECT_EQ(s->sent, delivered + dropped)
		TH_LOG("%lld frames neither read nor counted; %llu purged on detach",
		       (long long)lost, (unsigned long long)purged);
	/* ... frames purged from detaching queues are among those counted */
	EXPECT_LE(purged + ntuple_drops, dropped);

	/* Finally the device goes under load: every fd closes */
	ASSERT_EQ(readers_start(s), 0);
	ASSERT_EQ(sender_start(s), 0);
	usleep(200000);
	ASSERT_EQ(control_start(s, 1), 0);
	EXPECT_TRUE(dev_gone(s->dev.name, 5000));
	control_stop(s);
	wait = sender_wait_done(s, 3000);
	sender_stop(s);
	readers_stop(s);
	TH_LOG("device deleted under load; the sender stopped %d ms later on: %s",
	       wait, strerror(s->send_errno));
	EXPECT_GE(wait, 0);
	EXPECT_NE(s->send_errno, 0);
}

/*
 * Devices with everything configured (contexts, rules of each action,
 * rxhash, the hash-report header) deleted while frames flow and the
 * configuration changes: no splat, no leak (the runner checks), and the
 * device is gone.
 */
FIXTURE(delete)
{
	struct stress *s;
	__u64 seed;
};

FIXTURE_SETUP(delete)
{
	self->seed = getenv("TRSS_SEED") ? strtoull(getenv("TRSS_SEED"), NULL, 0) :
					   (__u64)time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	self->s = NULL;
}

FIXTURE_TEARDOWN(delete)
{
	stress_free(self->s);
}

TEST_F_TIMEOUT(delete, under_load, 120)
{
	unsigned int round, i, nq;
	struct stress *s;
	__u64 sent = 0, ops = 0, fails = 0;
	int delay, wait;

	for (round = 0; round < DELETE_ROUNDS; round++) {
		s = stress_alloc();
		self->s = s;
		ASSERT_NE(s, NULL);
		s->send_seed = self->seed + round;
		s->ctl_seed = self->seed * 31 + round;
		s->drained_detach = false;
		nq = 2 + trss_random(&self->seed) % (QUEUES - 1);
		ASSERT_EQ(dev_create(s, nq), 0);
		flows_init(s, &self->seed);
		s->rxhash = trss_random(&self->seed) % 2;
		s->vnet_hdr_sz = trss_random(&self->seed) % 2 ? VNET_HDR_HASH :
								VNET_HDR_SMALL;
		ASSERT_EQ(config_fixed(s, &self->seed), 0);
		/* a few contexts and rules of every kind before it starts */
		for (i = 0; i < 12; i++)
			ctl_op(s, i % 2 ? OP_RULE_INS : OP_CTX_NEW);

		delay = 100 + trss_random(&self->seed) % 400;
		ASSERT_EQ(readers_start(s), 0);
		ASSERT_EQ(sender_start(s), 0);
		ASSERT_EQ(control_start(s, delay), 0);
		ASSERT_TRUE(dev_gone("trss0", 5000))
			TH_LOG("round %u: trss0 still there", round);
		control_stop(s);
		wait = sender_wait_done(s, 3000);
		sender_stop(s);
		readers_stop(s);
		EXPECT_GE(wait, 0);
		EXPECT_NE(s->send_errno, 0);
		EXPECT_EQ(if_nametoindex("trss0"), 0U);

		for (i = 0; i < NR_OPS; i++) {
			ops += s->ops[i];
			fails += s->op_fail[i];
		}
		EXPECT_EQ(fails, 0ULL)
			TH_LOG("round %u: %s", round, s->first_fail);
		sent += s->sent;
		TH_LOG("round %u: %u queues, deleted after %d ms, %llu frames",
		       round, nq, delay, (unsigned long long)s->sent);
		TH_LOG("round %u: the sender stopped %d ms later on: %s",
		       round, wait, strerror(s->send_errno));
		stress_free(s);
		self->s = NULL;
	}
	TH_LOG("%u devices deleted under load, %llu frames, %llu reconfigurations",
	       DELETE_ROUNDS, (unsigned long long)sent,
	       (unsigned long long)ops);
}

/*
 * The deterministic form of what live_detach finds: frames tun queued
 * toward a reader whose queue then detaches are freed with the ring
 * (tun_queue_purge() in __tun_detach()), counted nowhere.  SPEC §7 wants
 * them read or counted; tx_dropped is where every other tun drop goes.
 */
TEST(detach_with_frames_queued)
{
	struct trss_dev_opts opts = { .name = "trss0", .queues = 2 };
	__u64 packets[2], bytes[2], qdrops[2], drops_base, dropped;
	struct ethtool_rx_flow_spec fs;
	__u8 frames[64][TRSS_FRAME_MAX];
	struct iovec iov[64];
	struct trss_flow flow;
	struct trss_dev dev;
	unsigned int i;
	int len, read;

	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&dev, &opts), 0);
	trss_flow_init(&flow, AF_INET, IPPROTO_UDP, 1);
	flow.dport = PORT_QUEUE0;
	rule_init(&fs, UDP_V4_FLOW, PORT_QUEUE0, 0, 1, 0);
	ASSERT_EQ(trss_rule_ins(&dev, &fs, 0), 0);
	for (i = 0; i < ARRAY_SIZE(frames); i++) {
		len = trss_dev_build(&dev, &flow, i, frames[i], TRSS_FRAME_MAX);
		ASSERT_GT(len, 0);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = len;
	}
	drops_base = tx_dropped(dev.ifindex);
	ASSERT_NE(drops_base, ~0ULL);

	/* 64 frames wait on queue 1, then it detaches and comes back */
	ASSERT_EQ(trss_send_many(&dev, iov, ARRAY_SIZE(frames)), 0);
	ASSERT_EQ(trss_ethtool_queue_stats(&dev, packets, bytes, qdrops, 2), 2);
	EXPECT_EQ(packets[1], ARRAY_SIZE(frames));
	ASSERT_EQ(trss_queue_detach(&dev, 1), 0);
	ASSERT_EQ(trss_queue_attach(&dev, 1), 0);

	read = trss_drain(&dev, 100);
	dropped = tx_dropped(dev.ifindex) - drops_base;
	TH_LOG("%zu frames sent, %d read, %llu counted in tx_dropped",
	       ARRAY_SIZE(frames), read, (unsigned long long)dropped);
	EXPECT_EQ(ARRAY_SIZE(frames), read + dropped);
	trss_dev_destroy(&dev);
}

TEST_HARNESS_MAIN
