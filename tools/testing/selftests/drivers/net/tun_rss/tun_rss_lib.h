/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared library of the tun RSS kselftests.
 *
 * A test creates a multi-queue tun/tap (struct trss_dev), describes the
 * traffic it wants as flows (struct trss_flow), sends frames through the
 * device's transmit path with an AF_PACKET socket, so that ndo_select_queue
 * picks the queue exactly as it does for forwarded or locally generated
 * traffic, and reads them back from the queue fds, learning which queue
 * each frame came out of.  Every frame carries a test-chosen 32-bit tag in a
 * trailer, so the reader identifies it whatever its headers look like.
 *
 * The reference Toeplitz hash here is deliberately written bit by bit,
 * independently of drivers/net/tun_rss/, and checked against the Microsoft
 * RSS verification vectors (toeplitz-ms-vectors.tsv), so a test can compute
 * where a flow must land: queue = indir[hash % TRSS_INDIR_SIZE].
 *
 * Functions return a negative errno on failure unless said otherwise.
 * This header pulls in <linux/if.h>: a test that wants <net/if.h> too must
 * include it first.  TRSS_INJECT in the environment makes the batch reader
 * lose, double or misplace one frame, to show a test notices (see .c).
 */
#ifndef __TUN_RSS_LIB_H
#define __TUN_RSS_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include <linux/types.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/ethtool.h>

/* Installed uapi headers older than 6.12 may lack these */
#ifndef RXH_XFRM_SYM_XOR
#define RXH_XFRM_SYM_XOR	0x01
#endif
#ifndef RXH_XFRM_SYM_OR_XOR
#define RXH_XFRM_SYM_OR_XOR	0x02
#endif
#ifndef RXH_XFRM_NO_CHANGE
#define RXH_XFRM_NO_CHANGE	0xff
#endif

/* include/linux/ethtool.h: kernel-internal, the bits of ETH_SS_RSS_HASH_FUNCS */
#define TRSS_HASH_NO_CHANGE	0
enum {
	TRSS_HASH_TOP	= 0x1,
	TRSS_HASH_XOR	= 0x2,
	TRSS_HASH_CRC32	= 0x4,
};

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* MAX_TAP_QUEUES in drivers/net/tun.c */
#define TRSS_MAX_QUEUES		256
#define TRSS_QSET_WORDS		(TRSS_MAX_QUEUES / 64)
/* Largest vnet header the reader keeps (virtio_net_hdr_v1_hash is 20) */
#define TRSS_VNET_HDR_MAX	64
/* Buffer for one frame as built or read (an MTU-sized frame fits easily) */
#define TRSS_FRAME_MAX		2048

/* SPEC §4: 40-byte Toeplitz key, 128-entry indirection table */
#define TRSS_RSS_KEY_LEN	40
#define TRSS_INDIR_SIZE		128
#define TRSS_MS_VECTORS		"toeplitz-ms-vectors.tsv"

/*
 * Tag trailer: the last TRSS_TRAILER_LEN bytes of every built frame are
 * TRSS_TAG_MAGIC then the tag, both big endian.  It sits at the end so it
 * never moves a header; it is part of the L4 payload of IP frames.
 */
#define TRSS_TAG_MAGIC		0x54525353	/* "TRSS" */
#define TRSS_TRAILER_LEN	8

/* A tag names a flow (up to 2^20) and a sequence number in it (up to 2^12) */
#define TRSS_MAX_FLOWS		0x100000U
#define TRSS_MAX_SEQ		0x1000U
#define TRSS_TAG(flow, seq)	(((__u32)(flow) << 12) | ((seq) & 0xfff))
#define TRSS_TAG_FLOW(tag)	((tag) >> 12)
#define TRSS_TAG_SEQ(tag)	((tag) & 0xfff)

#define TRSS_MAX_EXTHDRS	8

struct trss_dev_opts {
	const char *name;	/* NULL: "trss%d" */
	unsigned int queues;	/* queue fds to open, 1..TRSS_MAX_QUEUES */
	bool tun;		/* IFF_TUN (L3 frames) instead of IFF_TAP */
	bool vnet_hdr;		/* IFF_VNET_HDR */
	int vnet_hdr_sz;	/* TUNSETVNETHDRSZ when > 0 (needs vnet_hdr) */
	bool vnet_le;		/* TUNSETVNETLE */
	bool down;		/* leave the device down */
};

/*
 * A device and its queue fds.  fds[] never moves, but tun renumbers the
 * queues when one detaches (the last queue takes the freed index), so the
 * kernel queue index of each fd is tracked in queue[], and that is what the
 * reader reports (SPEC §2: queue N is the N-th attached queue).
 */
struct trss_dev {
	char name[IFNAMSIZ];
	int ifindex;
	bool tun;
	unsigned int vnet_hdr_sz;	/* bytes before each frame, 0: none */
	unsigned int nr_fds;
	int fds[TRSS_MAX_QUEUES];
	int queue[TRSS_MAX_QUEUES];	/* queue index of fds[i], -1: detached */
	unsigned int nr_queues;		/* attached queues */
	int tx_sock;			/* AF_PACKET socket bound to the device */
	unsigned int next_fd;		/* reader fairness */
	unsigned char *rxbuf;
};

union trss_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/*
 * One flow, shared by the frame builder and by test assertions.  All-zero
 * fields mean "default"; only family and proto are required.
 */
struct trss_flow {
	int family;		/* AF_INET, AF_INET6; AF_UNSPEC: raw payload */
	__u8 proto;		/* IPPROTO_{TCP,UDP,SCTP,ICMP,ICMPV6} or other */
	union trss_addr saddr;
	union trss_addr daddr;
	__u16 sport;		/* host order; ICMP echo: identifier */
	__u16 dport;		/* host order; ICMP echo: sequence */

	/* L2 (tap only) */
	__u8 dmac[ETH_ALEN];	/* zero: 02:00:00:00:00:02 */
	__u8 smac[ETH_ALEN];	/* zero: 02:00:00:00:00:01 */
	unsigned int nr_vlans;	/* 0, 1 or 2 tags, outermost first */
	__u16 vlan_proto[2];	/* 0: ETH_P_8021Q */
	__u16 vlan_tci[2];
	__u16 ethertype;	/* AF_UNSPEC only; 0: ETH_P_802_EX1 */

	/* L3 shape */
	__u8 tos;		/* IPv4 TOS, IPv6 traffic class */
	__u8 ttl;		/* 0: 64 */
	__u32 flowlabel;
	unsigned int ip4_optlen;	/* IPv4 options (NOPs), 4n <= 40 */
	__u16 frag_off;		/* fragment offset, 8-byte units */
	bool more_frags;	/* IPv4: MF; IPv6: M in the fragment header */
	__u32 frag_id;		/* 0: derived from the tag */
	/*
	 * IPv6 extension header chain, in order: IPPROTO_HOPOPTS,
	 * IPPROTO_ROUTING (type 2, carries rt_addr), IPPROTO_DSTOPTS (with
	 * a home address option when home_addr is set), IPPROTO_FRAGMENT
	 * (frag_off, more_frags, frag_id).  An IPv4 frame is a fragment when
	 * frag_off or more_frags is set.  A fragment at a non-zero offset
	 * carries no L4 header.
	 */
	unsigned int nr_exthdrs;
	__u8 exthdrs[TRSS_MAX_EXTHDRS];
	struct in6_addr rt_addr;
	struct in6_addr home_addr;

	unsigned int payload_len;	/* bytes before the tag trailer */
};

/* A frame read from a queue */
struct trss_rx {
	int queue;		/* queue index it was read from, -1: none */
	unsigned int fd_idx;	/* index in trss_dev.fds */
	bool tagged;
	__u32 tag;
	size_t len;		/* frame bytes, vnet header excluded */
	unsigned int vnet_len;	/* vnet header bytes kept in vnet_hdr */
	__u8 vnet_hdr[TRSS_VNET_HDR_MAX];
};

/* What became of one flow in a batch */
struct trss_flow_stat {
	unsigned int sent;
	unsigned int received;	/* distinct frames */
	unsigned int dups;	/* frames read more than once */
	int queue;		/* queue of its first frame, -1: none arrived */
	unsigned int nr_queues;	/* distinct queues its frames came out of */
	__u64 qset[TRSS_QSET_WORDS];
};

struct trss_batch {
	unsigned int nr_flows;
	unsigned int rounds;
	struct trss_flow_stat *flow;	/* [nr_flows] */
	struct trss_rx *frame;		/* [round * nr_flows + flow], queue -1: lost */
	unsigned int queue_frames[TRSS_MAX_QUEUES];	/* frames read, dups too */
	unsigned int sent;
	unsigned int received;
	unsigned int lost;
	unsigned int dups;
	unsigned int stray;		/* untagged or not from this batch */
};

struct trss_ms_vector {
	struct trss_flow flow;		/* IPPROTO_TCP */
	__u32 hash_ip;			/* RXH_IP_SRC | RXH_IP_DST */
	__u32 hash_ip_l4;		/* ... | RXH_L4_B_0_1 | RXH_L4_B_2_3 */
};

/* Environment */
int trss_netns_private(void);
int trss_sysctl_write(const char *path, const char *value);
__printf(3, 4) int trss_run(char *out, size_t size, const char *fmt, ...);

/* Device */
int trss_dev_create(struct trss_dev *dev, const struct trss_dev_opts *opts);
void trss_dev_destroy(struct trss_dev *dev);
int trss_dev_set_up(struct trss_dev *dev, bool up);
int trss_queue_detach(struct trss_dev *dev, unsigned int fd_idx);
/*
 * Grant (on) or revoke the delegation of the device's ethtool configuration
 * to the holders of its queue files (TUNSETDELEGATE on a queue fd; the
 * caller needs CAP_NET_ADMIN over the device's netns).  What a privileged
 * manager does before handing the fds to a VMM.  Returns 0 or -errno.
 */
int trss_dev_delegate(const struct trss_dev *dev, bool on);
int trss_queue_attach(struct trss_dev *dev, unsigned int fd_idx);
int trss_queue_fd(const struct trss_dev *dev, unsigned int queue);
int trss_queue_write(struct trss_dev *dev, unsigned int queue,
		     const void *frame, size_t len);

/* Flows and frames */
void trss_flow_init(struct trss_flow *flow, int family, __u8 proto,
		    unsigned int id);
void trss_flow_reverse(struct trss_flow *flow);
bool trss_flow_is_frag(const struct trss_flow *flow);
int trss_build_frame(const struct trss_flow *flow, __u32 tag, bool l2,
		     void *buf, size_t size);
int trss_dev_build(const struct trss_dev *dev, const struct trss_flow *flow,
		   __u32 tag, void *buf, size_t size);
int trss_frame_tag(const void *frame, size_t len, __u32 *tag);

/* Sending (transmit path of the device) and reading (its queues) */
int trss_send(struct trss_dev *dev, const void *frame, size_t len);
int trss_send_many(struct trss_dev *dev, const struct iovec *frames,
		   unsigned int nr);
int trss_send_flow(struct trss_dev *dev, const struct trss_flow *flow,
		   __u32 tag);
int trss_recv(struct trss_dev *dev, struct trss_rx *rx, void *buf,
	      size_t size, int timeout_ms);
int trss_recv_tag(struct trss_dev *dev, __u32 tag, struct trss_rx *rx,
		  void *buf, size_t size, int timeout_ms);
int trss_drain(struct trss_dev *dev, int timeout_ms);
int trss_batch_run(struct trss_dev *dev, const struct trss_flow *flows,
		   unsigned int nr_flows, unsigned int rounds, int timeout_ms,
		   struct trss_batch *batch);
void trss_batch_free(struct trss_batch *batch);
bool trss_qset_test(const __u64 *qset, unsigned int queue);

/* Reference RSS */
__u32 trss_toeplitz(const __u8 *key, size_t key_len, const __u8 *data,
		    size_t len);
int trss_hash_input(const struct trss_flow *flow, __u32 rxh_fields,
		    __u8 input_xfrm, __u8 *buf);
int trss_flow_type(const struct trss_flow *flow);
/* Longest hash input: IPv6 sdfn, MAC, VLAN ID, protocol, flow label */
#define TRSS_MAX_HASH_INPUT	48

__u32 trss_flow_hash(const struct trss_flow *flow, const __u8 *key,
		     __u32 rxh_fields, __u8 input_xfrm, __u16 *hash_report);
unsigned int trss_indir_queue(const __u32 *indir, __u32 hash);
int trss_ms_vectors_load(const char *path, __u8 *key,
			 struct trss_ms_vector *vec, unsigned int max);

/* Random numbers: a test seeds them and logs the seed, so a failure replays */
__u32 trss_random(__u64 *state);
void trss_random_bytes(__u64 *state, void *buf, size_t len);
void trss_flow_randomize(struct trss_flow *flow, __u64 *state);

/*
 * Reading into the caller's buffers: readv() (read() for one buffer) on
 * whichever attached queue has a frame.  Returns the bytes read (vnet header included) and the
 * queue, 0 on timeout.
 */
ssize_t trss_recv_iov(struct trss_dev *dev, const struct iovec *iov,
		      int iovcnt, int *queue, int timeout_ms);

/*
 * ethtool through SIOCETHTOOL on the device, so that the kernel's own
 * errno comes back (the ethtool binary refuses some bad requests itself).
 */
struct trss_rss {
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	__u8 hfunc;		/* TRSS_HASH_* bits */
	__u8 input_xfrm;	/* RXH_XFRM_* */
};

/*
 * One ETHTOOL_SRSSH request; trss_rss_req_init() makes it change nothing.
 * The sizes go to the kernel as they are, to test its checks: indir_size
 * 0 asks for the default table (context 0) or deletes the context.
 */
struct trss_rss_req {
	__u32 context;		/* 0, an ID or ETH_RXFH_CONTEXT_ALLOC; out: ID */
	__u32 indir_size;	/* entries at indir, or ETH_RXFH_INDIR_NO_CHANGE */
	const __u32 *indir;
	__u32 key_size;		/* bytes at key, 0: no change */
	const __u8 *key;
	__u8 hfunc;		/* TRSS_HASH_NO_CHANGE: no change */
	__u8 input_xfrm;	/* RXH_XFRM_NO_CHANGE: no change */
};

int trss_ethtool_ioctl(const struct trss_dev *dev, void *cmd);
int trss_rx_rings(const struct trss_dev *dev);
int trss_rss_get(const struct trss_dev *dev, __u32 context,
		 struct trss_rss *rss);
void trss_rss_req_init(struct trss_rss_req *req, __u32 context);
int trss_rss_set(const struct trss_dev *dev, struct trss_rss_req *req);
int trss_rxfh_fields_get(const struct trss_dev *dev, __u32 context,
			 __u32 flow_type, __u64 *fields);
int trss_rxfh_fields_set(const struct trss_dev *dev, __u32 context,
			 __u32 flow_type, __u64 fields);

/*
 * The ethtool binary (TRSS_ETHTOOL in the environment, else "ethtool"),
 * run as trss_run() runs a command, and parsers for what it prints.
 */
__printf(3, 4) int trss_ethtool(char *out, size_t size, const char *fmt, ...);
int trss_ethtool_parse_rss(const char *out, struct trss_rss *rss,
			   unsigned int *indir_size, unsigned int *key_size);
int trss_ethtool_parse_fields(const char *out, __u64 *fields);
int trss_ethtool_queue_stats(const struct trss_dev *dev, __u64 *packets,
			     __u64 *bytes, __u64 *drops, unsigned int max);

/*
 * RSS contexts of a device as the ethtool netlink dump lists them
 * (ETHTOOL_MSG_RSS_GET, NLM_F_DUMP; context 0 carries no context
 * attribute and is reported as 0).  Fills ids[] and, when rss is not NULL,
 * rss[] in dump order; returns the number of contexts.
 */
int trss_rss_dump(int ifindex, __u32 start_context, __u32 *ids,
		  struct trss_rss *rss, unsigned int max);

/* netdev qstats of the transmit side: frames queued toward the readers */
struct trss_qstats {
	__u64 packets;
	__u64 bytes;
	__u64 hw_drops;
};

/*
 * The device's totals (base + every queue, as the netdev family sums them)
 * in *total and, with @queue, the counters of up to @max queues.  Returns
 * the number of queues reported (0 without @queue), or a negative errno.
 */
int trss_qstats_tx(int ifindex, struct trss_qstats *total,
		   struct trss_qstats *queue, unsigned int max);

/*
 * A steering program for TUNSETSTEERINGEBPF (BPF_PROG_TYPE_SOCKET_FILTER,
 * loaded with the bpf() syscall) that returns queue for every frame.
 * Returns the program fd.
 */
int trss_bpf_steering_prog(__u32 queue);

/*
 * ntuple flow rules through SIOCETHTOOL, so that the kernel's errno comes
 * back as it is.  Masks in fs->m_u and fs->m_ext follow the kernel
 * convention: a set bit is compared (the ethtool binary inverts them).
 * trss_rule_ins() returns the location the kernel chose in fs->location;
 * trss_rule_count() returns the rule count and the table size (with
 * RX_CLS_LOC_SPECIAL when special locations are supported) in *data;
 * trss_rule_all() the number of locations written to locs.
 */
int trss_rule_ins(const struct trss_dev *dev, struct ethtool_rx_flow_spec *fs,
		  __u32 rss_context);
int trss_rule_del(const struct trss_dev *dev, __u32 location);
int trss_rule_get(const struct trss_dev *dev, __u32 location,
		  struct ethtool_rx_flow_spec *fs, __u32 *rss_context);
int trss_rule_count(const struct trss_dev *dev, __u32 *data);
int trss_rule_all(const struct trss_dev *dev, __u32 *locs, __u32 rule_cnt);

/*
 * One counter of "ethtool -S DEV" by name, and one of the device's
 * statistics as "ip -s link" prints them (dir "rx" or "tx", name as in
 * its JSON output: "packets", "dropped"...).
 */
int trss_ethtool_stat(const struct trss_dev *dev, const char *name,
		      __u64 *val);
int trss_link_stat(const struct trss_dev *dev, const char *dir,
		   const char *name, __u64 *val);

/* ---- Added for stress.c (issue 10): device counters and features ---- */

struct rtnl_link_stats64;

/*
 * The device's 64-bit statistics (RTM_GETLINK, IFLA_STATS64), core drop
 * counters included: what /sys/class/net/DEV/statistics shows, but read
 * in the caller's network namespace (sysfs shows the namespace it was
 * mounted in, not the test's private one).
 */
int trss_link_stats64(int ifindex, struct rtnl_link_stats64 *stats);

/*
 * A feature by its ETH_SS_FEATURES name ("rx-hashing", "ntuple-filters"),
 * read with ETHTOOL_GFEATURES (active state) and changed with
 * ETHTOOL_SFEATURES, as "ethtool -k/-K" do.  Setting returns -EOPNOTSUPP
 * when the device cannot change it, -EAGAIN when the change was accepted
 * but did not take (ETHTOOL_F_WISH).
 */
int trss_feature_get(const struct trss_dev *dev, const char *name, bool *on);
int trss_feature_set(const struct trss_dev *dev, const char *name, bool on);

/* ---- end of stress.c additions ---- */

#endif /* __TUN_RSS_LIB_H */
