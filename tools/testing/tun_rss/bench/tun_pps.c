// SPDX-License-Identifier: GPL-2.0
/*
 * tun_pps: frames per second through a multi-queue tap, in the running
 * kernel, for each way of steering its frames (issue 9, harness 2).
 *
 * A sender thread pushes 64-byte IPv4/UDP frames of many flows into the
 * tap's transmit path with AF_PACKET sendmmsg(), so ndo_select_queue runs
 * for every frame; one reader thread per queue drains it with read().
 * The sender keeps at most WINDOW frames in flight (sent, not yet read),
 * less than one queue holds, so no frame is dropped and the figure is
 * frames delivered per second of the whole path: send, select, queue,
 * read.  Configurations, each on a fresh device:
 *
 *   automq  nothing configured: tun's automq (flow dissector hash)
 *   rss     Toeplitz RSS, key K, table "equal 4", udp4 hashed on the
 *           4-tuple (ETHTOOL_SRXFH, ETHTOOL_SRSSH)
 *   rules   rss plus 1024 ntuple rules in 8 mask groups that no frame
 *           matches, so every frame pays the classifier's worst case
 *   ebpf    a steering eBPF program (toeplitz_steer.bpf.o) doing
 *           Toeplitz over the 4-tuple with key K and the same table
 *
 * Under rss, rules and ebpf every frame read is checked against the
 * queue the reference Toeplitz of tun_rss_lib.c gives its flow; a
 * misplaced frame fails the run, so the eBPF program and RSS are known
 * to do the same work.  After one run that is not reported (first use
 * of everything), configurations run alternately, round after round, the
 * order rotated each round.  One line per run on stdout:
 *
 *   run <TAB> config <TAB> round <TAB> frames/s <TAB> frames <TAB>
 *   seconds <TAB> dropped <TAB> misplaced <TAB> sender yields
 *
 *   tun_pps [-r rounds] [-t seconds] [-w warmup_ms] [-f flows]
 *           [-b toeplitz_steer.bpf.o] [-m marks] [config...]
 *
 * -m names a file (on the host, through hostfs) that gets a line right
 * before and right after each measured interval, for vmcpu.py to record
 * the host CPU time the VM used in it: on a shared host, frames per CPU
 * second do not depend on how much of a CPU the VM got.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tun_rss_lib.h"

#define PPS_QUEUES	4
#define PPS_FRAME_LEN	64	/* Ethernet frame without FCS */
#define PPS_BATCH	64	/* frames per sendmmsg() */
#define PPS_WINDOW	512	/* frames in flight, < PPS_TXQLEN */
#define PPS_TXQLEN	1024	/* each queue's ring */
#define PPS_RULES	1024
#define PPS_MASKS	8
#define PPS_MAX_FLOWS	65536

/* toeplitz_steer.bpf.c */
struct steer_cfg {
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
};

enum pps_config { PPS_AUTOMQ, PPS_RSS, PPS_RULES_CFG, PPS_EBPF, PPS_NR };

static const char *const config_name[PPS_NR] = {
	"automq", "rss", "rss+1024-rules", "ebpf-toeplitz",
};

/* The Microsoft RSS verification key */
static const __u8 rss_key[TRSS_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define RXH_4TUPLE (RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)

/*
 * The rules' masks, as udp4 fields: the same eight as the userspace
 * classifier case (cls_bench.c), on udp4 so that the traffic's flow type
 * is the one probed.  Rule values come from 172.16.0.0/12 and ports from
 * 61000 up, which no frame has (trss_flow_init(): 10.0.0.0/9 sources,
 * 10.200.0.0/24 destinations, ports 1..1024 and 10000..59999).
 */
static const struct {
	__u32 src, dst;		/* host order */
	__u16 sport, dport;
} rule_masks[PPS_MASKS] = {
	{ .dport = 0xffff },
	{ .dst = 0xffffffff },
	{ .src = 0xffffffff },
	{ .dst = 0xffffff00, .dport = 0xffff },
	{ .src = 0xffff0000 },
	{ .sport = 0xffff },
	{ .src = 0xffffffff, .dst = 0xffffffff,
	  .sport = 0xffff, .dport = 0xffff },
	{ .dst = 0xffffffff, .sport = 0xffff },
};

struct pps {
	unsigned int nr_flows;
	int marks;			/* -m: marks file on the host, or -1 */
	unsigned char (*frames)[PPS_FRAME_LEN];
	struct mmsghdr *msgs;		/* [nr_flows], one frame each */
	struct iovec *iov;
	unsigned char *expect;		/* queue of each flow under RSS */
	__u32 indir[TRSS_INDIR_SIZE];
	const char *bpf_obj;
};

struct run;

struct reader {
	pthread_t thread;
	struct run *run;
	int fd;
	int queue;
	const unsigned char *expect;	/* NULL: no check (automq) */
	/* Read by the sender and the main thread: __atomic builtins */
	unsigned long frames;
	unsigned long misplaced;
	int err;
};

struct run {
	struct trss_dev dev;
	struct reader rd[PPS_QUEUES];
	bool stop;		/* __atomic builtins */
	unsigned long sent;
	unsigned long yields;
	int err;
	struct bpf_object *obj;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "tun_pps: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void build_frames(struct pps *p)
{
	struct trss_flow flow;
	unsigned int i;
	__u32 hash;
	int len;

	p->frames = calloc(p->nr_flows, PPS_FRAME_LEN);
	p->msgs = calloc(p->nr_flows, sizeof(*p->msgs));
	p->iov = calloc(p->nr_flows, sizeof(*p->iov));
	p->expect = calloc(p->nr_flows, 1);
	if (!p->frames || !p->msgs || !p->iov || !p->expect)
		die("calloc", ENOMEM);

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		p->indir[i] = i % PPS_QUEUES;	/* ethtool -X equal 4 */

	for (i = 0; i < p->nr_flows; i++) {
		trss_flow_init(&flow, AF_INET, IPPROTO_UDP, i);
		/* Eth 14 + IPv4 20 + UDP 8 + payload with the tag trailer */
		flow.payload_len = PPS_FRAME_LEN - 14 - 20 - 8 - TRSS_TRAILER_LEN;
		len = trss_build_frame(&flow, TRSS_TAG(i, 0), true,
				       p->frames[i], PPS_FRAME_LEN);
		if (len != PPS_FRAME_LEN)
			die("trss_build_frame", len < 0 ? len : EINVAL);
		hash = trss_flow_hash(&flow, rss_key, RXH_4TUPLE, 0, NULL);
		p->expect[i] = trss_indir_queue(p->indir, hash);
		p->iov[i].iov_base = p->frames[i];
		p->iov[i].iov_len = PPS_FRAME_LEN;
		/* The socket is bound to the device: no address needed */
		p->msgs[i].msg_hdr.msg_iov = &p->iov[i];
		p->msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

static int set_txqlen(struct trss_dev *dev, int qlen)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev->name);
	ifr.ifr_qlen = qlen;
	return ioctl(dev->tx_sock, SIOCSIFTXQLEN, &ifr) ? -errno : 0;
}

static int config_rss(struct pps *p, struct trss_dev *dev)
{
	struct trss_rss_req req;
	int err;

	err = trss_rxfh_fields_set(dev, 0, UDP_V4_FLOW, RXH_4TUPLE);
	if (err)
		return err;
	trss_rss_req_init(&req, 0);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = p->indir;
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = rss_key;
	req.hfunc = TRSS_HASH_TOP;
	return trss_rss_set(dev, &req);
}

static int config_rules(struct trss_dev *dev)
{
	struct ethtool_rx_flow_spec fs;
	struct ethtool_tcpip4_spec *h, *m;
	unsigned int i;
	int err;

	for (i = 0; i < PPS_RULES; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.flow_type = UDP_V4_FLOW;
		fs.location = i;
		fs.ring_cookie = i % PPS_QUEUES;
		m = &fs.m_u.udp_ip4_spec;
		m->ip4src = htonl(rule_masks[i % PPS_MASKS].src);
		m->ip4dst = htonl(rule_masks[i % PPS_MASKS].dst);
		m->psrc = htons(rule_masks[i % PPS_MASKS].sport);
		m->pdst = htons(rule_masks[i % PPS_MASKS].dport);
		h = &fs.h_u.udp_ip4_spec;
		h->ip4src = htonl(0xac100000 | ((i * 2654435761u) & 0xfffff));
		h->ip4dst = htonl(0xac100000 | ((i * 40503u + 7) & 0xfffff));
		h->psrc = htons(61000 + i % 4096);
		h->pdst = htons(61000 + (i * 7) % 4096);
		err = trss_rule_ins(dev, &fs, 0);
		if (err)
			return err;
	}
	return 0;
}

static int config_ebpf(struct pps *p, struct run *r)
{
	static bool insns_said;
	struct steer_cfg cfg;
	struct bpf_program *prog;
	__u32 zero = 0;
	int map, fd, err;

	r->obj = bpf_object__open_file(p->bpf_obj, NULL);
	err = libbpf_get_error(r->obj);
	if (err) {
		r->obj = NULL;
		return err;
	}
	err = bpf_object__load(r->obj);
	if (err)
		return err;
	prog = bpf_object__find_program_by_name(r->obj, "toeplitz_steer");
	map = bpf_object__find_map_fd_by_name(r->obj, "steer_cfg_map");
	if (!prog || map < 0)
		return -ENOENT;
	memcpy(cfg.key, rss_key, sizeof(cfg.key));
	memcpy(cfg.indir, p->indir, sizeof(cfg.indir));
	if (bpf_map_update_elem(map, &zero, &cfg, BPF_ANY))
		return -errno;
	if (!insns_said) {
		/* Before translation by the verifier */
		printf("info\tebpf_insns\t%zu\n", bpf_program__insn_cnt(prog));
		insns_said = true;
	}
	fd = bpf_program__fd(prog);
	return ioctl(r->dev.fds[0], TUNSETSTEERINGEBPF, &fd) ? -errno : 0;
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct run *r = rd->run;
	unsigned char buf[TRSS_FRAME_MAX];
	struct pollfd pfd = { .fd = rd->fd, .events = POLLIN };
	__u32 tag;
	ssize_t n;

	for (;;) {
		n = read(rd->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				rd->err = -errno;
				break;
			}
			if (__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
				break;
			poll(&pfd, 1, 50);
			continue;
		}
		if (rd->expect) {
			if (trss_frame_tag(buf, n, &tag) ||
			    rd->expect[TRSS_TAG_FLOW(tag)] != rd->queue)
				rd->misplaced++;
		}
		__atomic_fetch_add(&rd->frames, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static unsigned long received(struct run *r)
{
	unsigned long sum = 0;
	unsigned int q;

	for (q = 0; q < PPS_QUEUES; q++)
		sum += __atomic_load_n(&r->rd[q].frames, __ATOMIC_RELAXED);
	return sum;
}

struct sender_arg {
	struct pps *p;
	struct run *r;
};

static void *sender_main(void *arg)
{
	struct sender_arg *a = arg;
	struct pps *p = a->p;
	struct run *r = a->r;
	unsigned int off = 0, stall = 0;
	unsigned long lost = 0, last = 0, got;
	int n;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		got = received(r);
		if (r->sent - got - lost > PPS_WINDOW - PPS_BATCH) {
			/* Let the readers drain (one CPU under UML) */
			sched_yield();
			r->yields++;
			if (got != last) {
				last = got;
				stall = 0;
			} else if (++stall > 100000) {
				/* Frames lost somewhere: don't wait forever */
				lost = r->sent - got;
				stall = 0;
			}
			continue;
		}
		n = sendmmsg(r->dev.tx_sock, p->msgs + off, PPS_BATCH, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS ||
			    errno == EAGAIN)
				continue;
			r->err = -errno;
			break;
		}
		r->sent += n;
		off += n;
		if (off + PPS_BATCH > p->nr_flows)
			off = 0;
	}
	return NULL;
}

static __u64 tx_dropped(struct trss_dev *dev)
{
	struct rtnl_link_stats64 st;

	if (trss_link_stats64(dev->ifindex, &st))
		return 0;
	return st.tx_dropped;
}

/*
 * A line to the marks file (-m): a host-side sampler (vmcpu.py) records
 * the host CPU time the VM has used when it sees it.
 */
static void mark(const struct pps *p, const char *what, enum pps_config c,
		 unsigned int round)
{
	char line[64];
	int len;

	if (p->marks < 0)
		return;
	len = snprintf(line, sizeof(line), "%s\t%s\t%u\n", what,
		       config_name[c], round);
	if (write(p->marks, line, len) != len)
		die("write marks", errno);
}

static void run_one(struct pps *p, enum pps_config c, unsigned int round,
		    double secs, double warmup, bool report)
{
	struct trss_dev_opts opts = { .queues = PPS_QUEUES };
	struct sender_arg sa;
	unsigned long f0, f1, misplaced = 0;
	pthread_t sender;
	__u64 drop0, drop1;
	struct run *r;
	unsigned int q;
	double t0, t1;
	int err;

	r = aligned_alloc(64, (sizeof(*r) + 63) / 64 * 64);
	if (!r)
		die("alloc", ENOMEM);
	memset(r, 0, sizeof(*r));
	err = trss_dev_create(&r->dev, &opts);
	if (err)
		die("create tap", err);
	err = set_txqlen(&r->dev, PPS_TXQLEN);
	if (err)
		die("txqueuelen", err);
	switch (c) {
	case PPS_AUTOMQ:
		break;
	case PPS_RSS:
		err = config_rss(p, &r->dev);
		break;
	case PPS_RULES_CFG:
		err = config_rss(p, &r->dev);
		if (!err)
			err = config_rules(&r->dev);
		break;
	case PPS_EBPF:
		err = config_ebpf(p, r);
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		die(config_name[c], err);

	for (q = 0; q < PPS_QUEUES; q++) {
		struct reader *rd = &r->rd[q];

		rd->run = r;
		rd->queue = q;
		rd->fd = trss_queue_fd(&r->dev, q);
		rd->expect = c == PPS_AUTOMQ ? NULL : p->expect;
		if (rd->fd < 0)
			die("queue fd", rd->fd);
		err = pthread_create(&rd->thread, NULL, reader_main, rd);
		if (err)
			die("pthread_create", err);
	}
	sa.p = p;
	sa.r = r;
	err = pthread_create(&sender, NULL, sender_main, &sa);
	if (err)
		die("pthread_create", err);

	usleep(warmup * 1e6);
	drop0 = tx_dropped(&r->dev);
	if (report)
		mark(p, "start", c, round);
	f0 = received(r);
	t0 = now();
	usleep(secs * 1e6);
	f1 = received(r);
	t1 = now();
	if (report)
		mark(p, "end", c, round);
	drop1 = tx_dropped(&r->dev);

	__atomic_store_n(&r->stop, true, __ATOMIC_RELAXED);
	pthread_join(sender, NULL);
	for (q = 0; q < PPS_QUEUES; q++) {
		pthread_join(r->rd[q].thread, NULL);
		if (r->rd[q].err)
			die("read", r->rd[q].err);
		misplaced += r->rd[q].misplaced;
	}
	if (r->err)
		die("sendmmsg", r->err);

	if (report)
		printf("run\t%s\t%u\t%.0f\t%lu\t%.3f\t%llu\t%lu\t%lu\n",
		       config_name[c], round, (f1 - f0) / (t1 - t0), f1 - f0,
		       t1 - t0, (unsigned long long)(drop1 - drop0),
		       misplaced, r->yields);
	fflush(stdout);
	trss_dev_destroy(&r->dev);
	if (r->obj)
		bpf_object__close(r->obj);
	free(r);
	if (misplaced) {
		fprintf(stderr, "tun_pps: %s: %lu frames on the wrong queue\n",
			config_name[c], misplaced);
		exit(1);
	}
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: %s [-r rounds] [-t seconds] [-w warmup_ms] [-f flows]\n"
		"       [-b toeplitz_steer.bpf.o] [-m marks] [config...]\n"
		"configs: automq rss rss+1024-rules ebpf-toeplitz (default: all)\n",
		"tun_pps");
	exit(2);
}

int main(int argc, char **argv)
{
	struct pps p = { .nr_flows = 4096, .marks = -1 };
	unsigned int rounds = 5, round, i, nc = 0;
	double secs = 3, warmup = 0.5;
	enum pps_config cfgs[PPS_NR];
	int o, c, err;

	while ((o = getopt(argc, argv, "r:t:w:f:b:m:h")) != -1) {
		switch (o) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'w':
			warmup = atof(optarg) / 1000;
			break;
		case 'f':
			p.nr_flows = atoi(optarg);
			break;
		case 'b':
			p.bpf_obj = optarg;
			break;
		case 'm':
			p.marks = open(optarg, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (p.marks < 0)
				die(optarg, errno);
			break;
		default:
			bad_usage();
		}
	}
	if (!rounds || secs <= 0 || p.nr_flows < PPS_BATCH ||
	    p.nr_flows > PPS_MAX_FLOWS)
		bad_usage();
	for (i = optind; i < (unsigned int)argc; i++) {
		for (c = 0; c < PPS_NR; c++)
			if (!strcmp(argv[i], config_name[c]))
				break;
		if (c == PPS_NR || nc == PPS_NR)
			bad_usage();
		cfgs[nc++] = c;
	}
	if (!nc)
		for (c = 0; c < PPS_NR; c++)
			cfgs[nc++] = c;
	for (i = 0; i < nc; i++)
		if (cfgs[i] == PPS_EBPF && !p.bpf_obj)
			bad_usage();

	err = trss_netns_private();
	if (err)
		die("unshare(CLONE_NEWNET)", err);
	build_frames(&p);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	/*
	 * A run not reported first (the first device, the first pages of
	 * everything), then every configuration once per round, the order
	 * rotated from round to round so that none is always first.
	 */
	run_one(&p, cfgs[0], 0, secs < 1 ? secs : 1, warmup, false);
	for (round = 0; round < rounds; round++)
		for (i = 0; i < nc; i++)
			run_one(&p, cfgs[(round + i) % nc], round, secs, warmup,
				true);
	if (p.marks >= 0 && write(p.marks, "quit\n", 5) != 5)
		die("write marks", errno);
	return 0;
}
