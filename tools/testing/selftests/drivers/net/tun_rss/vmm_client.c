// SPDX-License-Identifier: GPL-2.0
/*
 * vmm_client: an unprivileged VMM configuring RSS and the hash report of
 * its own multi-queue tap through the tap's fds (SPEC §6 delegation, §8).
 * It is the reference for QEMU integration: a VMM offering virtio-net
 * VIRTIO_NET_F_RSS and VIRTIO_NET_F_HASH_REPORT on a tap backend does what
 * the "vmm" process below does, in this order.
 *
 * Management side (privileged, e.g. libvirt), the "host" process here:
 *  1. Open /dev/net/tun once per queue and TUNSETIFF each with the same
 *     name and IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR (the
 *     vnet header flag is fixed at creation).  Bring the link up.
 *  2. Grant the delegation: TUNSETDELEGATE 1 on a queue fd, or
 *     "ip link set dev tap0 type tun delegate on" (IFLA_TUN_DELEGATE);
 *     both need CAP_NET_ADMIN over the tap's netns.  Off by default:
 *     without it the fds configure nothing.  Grant only when every queue
 *     goes to this one VMM (the grant is the device's, not a file's).
 *  3. Hand the queue fds to the VMM (SCM_RIGHTS) and close its own copies.
 *     The VMM holds no capability at all, possibly in a user and network
 *     namespace of its own: the fds are what grants, and only over this
 *     one device, for as long as the grant lasts (revoking it refuses
 *     every request not yet applied).
 *
 * VMM side, holding fds[0..N-1] (queue i is the i-th fd, SPEC §2):
 *  4. TUNSETVNETHDRSZ 20 (sizeof(struct virtio_net_hdr_v1_hash)) and
 *     TUNSETVNETLE 1 on any queue fd: the header carries the hash report.
 *  5. Open a NETLINK_GENERIC socket, resolve the "ethtool" family, set
 *     NETLINK_EXT_ACK (the kernel says why it refuses).  Every request
 *     below names the device by ETHTOOL_A_HEADER_DEV_FD = a queue fd
 *     number in the request header nest, with no name or index (the VMM
 *     may not even see the device from its namespace), and is sent with
 *     sendto() to a sockaddr_nl (an explicit destination; a bare send()
 *     or write() is refused, as for capability checks).
 *  6. ETHTOOL_MSG_CHANNELS_GET: combined count = queues attached.
 *  7. ETHTOOL_MSG_RSS_SET, context 0: hfunc Toeplitz, the guest's 40-byte
 *     key and 128-entry table (VIRTIO_NET_CTRL_MQ_RSS_CONFIG), and the
 *     fields per flow type (ETHTOOL_A_RSS_FLOW_HASH) from the guest's
 *     hash types.  A table names queues < N.
 *  8. ETHTOOL_MSG_FEATURES_SET rx-hashing on: from now on every frame read
 *     starts with struct virtio_net_hdr_v1_hash whose hash_value and
 *     hash_report are the Toeplitz hash of context 0's key and fields and
 *     its VIRTIO_NET_HASH_REPORT_* type (NONE: not hashable).
 *  9. Optionally ETHTOOL_MSG_RSS_CREATE_ACT (more contexts, own key and
 *     table) and flow rules sending chosen flows to a context or a queue.
 * 10. Read the queues; hand hash_value/hash_report to the guest.
 *
 * Mapping the guest's virtio-net RSS configuration (virtio spec 5.1.6.5.7):
 *  - hash_types: VIRTIO_NET_RSS_HASH_TYPE_IPv4 -> ip4 "sd", TCPv4 -> tcp4
 *    "sdfn", UDPv4 -> udp4 "sdfn", and the same for IPv6; a TCP/UDP type
 *    not asked for gets "sd" when the IP type is asked for, else no
 *    fields ("ethtool -N rx-flow-hash" semantics).  The _EX types are not
 *    offered.
 *  - indirection_table: tun's table has 128 entries; a guest table of n
 *    entries (a power of two, n <= 128) becomes entry i = guest[i % n],
 *    which selects guest[hash % n] as the guest expects.  A larger guest
 *    table cannot be represented: do not offer it (indirection_table_mask
 *    below 128 in the device's rss_max_indirection_table_length).
 *  - hash_key: 40 bytes, as virtio's rss_max_key_size should say.
 *  - unclassified_queue: frames without a hash land on table entry 0
 *    (SPEC §4), not on a queue of their own.
 *  - The vnet header must stay little-endian (TUNSETVNETLE, virtio 1.0)
 *    for the report to be written.
 * What the fd does not grant: any other device, and on this one anything
 * outside RSS, flow rules, channels get and the rx-hashing/ntuple features
 * (no link settings, channel count, MTU, addresses...).
 *
 * This program then checks the result: the host injects frames of many
 * flows through the tap's transmit path (AF_PACKET), the VMM reads every
 * queue and prints per flow the queue, hash and hash type, and checks the
 * queue against its configuration and the hash against an independent
 * bit-by-bit Toeplitz (tun_rss_lib, itself checked against the Microsoft
 * vectors when toeplitz-ms-vectors.tsv is at hand).
 *
 * Usage: vmm_client [--userns] [--queues N] [--flows M] [--quiet]
 * Exit status: 0 all checks passed, 1 a check failed, 2 setup error.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/ethtool_netlink.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tun_rss_lib.h"
#include "vmm_nl.h"

#define TAP_NAME	"vmm0"
#define HASH_HDR_LEN	20	/* sizeof(struct virtio_net_hdr_v1_hash) */
#define HASH_OFF	12	/* hash_value (le32), then hash_report (le16) */
#define RULE_DPORT	4789	/* flows to this UDP port go to the context */
#define READ_IDLE_MS	1000
#define RXH_SDFN	(RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)

enum { MSG_READY = 1, MSG_FDS, MSG_CONFIGURED, MSG_SENT };

struct vmm_msg {
	__u32 type;
	__u32 nr;	/* MSG_FDS: queues; MSG_SENT: frames */
	__s32 err;	/* MSG_CONFIGURED: 0 or a negative errno */
	__u32 rule;	/* MSG_CONFIGURED: flows to RULE_DPORT go to a context */
};

struct vmm_conf {
	unsigned int queues;
	__u8 key0[TRSS_RSS_KEY_LEN];
	__u32 indir0[TRSS_INDIR_SIZE];
	__u32 ctx;		/* 0: none created */
	__u8 key1[TRSS_RSS_KEY_LEN];
	__u32 indir1[TRSS_INDIR_SIZE];
	bool rule;		/* udp4 dst-port RULE_DPORT -> ctx */
};

static bool quiet;

static const char *const report_name[] = {
	"NONE", "IPv4", "TCPv4", "UDPv4", "IPv6", "TCPv6", "UDPv6",
	"IPv6_EX", "TCPv6_EX", "UDPv6_EX",
};

#define vmm_err(fmt, ...)	fprintf(stderr, "vmm: " fmt "\n", ##__VA_ARGS__)

static int msg_send(int sock, __u32 type, __u32 nr, int err, __u32 rule)
{
	struct vmm_msg m = { type, nr, err, rule };

	return send(sock, &m, sizeof(m), 0) == sizeof(m) ? 0 : -EIO;
}

static int msg_recv(int sock, __u32 type, struct vmm_msg *m)
{
	if (recv(sock, m, sizeof(*m), 0) != sizeof(*m) || m->type != type)
		return -EPROTO;
	return 0;
}

/*
 * The flows the host sends, known to both sides: TCP and UDP over IPv4
 * and IPv6 in turn; every fourth UDPv4 flow goes to the rule's port.
 */
static void make_flows(struct trss_flow *flows, unsigned int nr)
{
	static const struct { int family; __u8 proto; } kind[] = {
		{ AF_INET, IPPROTO_TCP }, { AF_INET, IPPROTO_UDP },
		{ AF_INET6, IPPROTO_TCP }, { AF_INET6, IPPROTO_UDP },
	};
	unsigned int i;

	for (i = 0; i < nr; i++) {
		trss_flow_init(&flows[i], kind[i % 4].family,
			       kind[i % 4].proto, i);
		if (i % 16 == 1)
			flows[i].dport = RULE_DPORT;
	}
}

static bool flow_in_rule(const struct vmm_conf *conf,
			 const struct trss_flow *flow)
{
	return conf->rule && flow->family == AF_INET &&
	       flow->proto == IPPROTO_UDP && flow->dport == RULE_DPORT;
}

/* The guest's configuration: anything but the default table */
static void make_conf(struct vmm_conf *conf, unsigned int queues, __u64 *seed)
{
	unsigned int i;

	memset(conf, 0, sizeof(*conf));
	conf->queues = queues;
	trss_random_bytes(seed, conf->key0, sizeof(conf->key0));
	trss_random_bytes(seed, conf->key1, sizeof(conf->key1));
	for (i = 0; i < TRSS_INDIR_SIZE; i++) {
		conf->indir0[i] = queues - 1 - i % queues;
		/* The context spreads over the upper half of the queues */
		conf->indir1[i] = queues / 2 + i % (queues - queues / 2);
	}
}

/* Report one request of the VMM; returns its error */
static int step(const struct vnl *vnl, const char *what, int err)
{
	if (err)
		vmm_err("%s: %s%s%s", what, strerror(-err),
			vnl->extack[0] ? ": " : "", vnl->extack);
	else if (!quiet)
		printf("vmm: %s: ok\n", what);
	return err;
}

/* Steps 4 to 9 of the header comment */
static int vmm_configure(const int *fds, struct vmm_conf *conf)
{
	static const __u16 types[] = {
		ETHTOOL_A_FLOW_TCP4, ETHTOOL_A_FLOW_UDP4,
		ETHTOOL_A_FLOW_TCP6, ETHTOOL_A_FLOW_UDP6,
	};
	struct vnl_dev dev = VNL_DEV_FD(fds[0]);
	unsigned int indir_size, loc;
	int sz = HASH_HDR_LEN, one = 1, err;
	struct trss_rss rss;
	struct vnl vnl;
	__u32 combined;
	bool on;

	if (ioctl(fds[0], TUNSETVNETHDRSZ, &sz) ||
	    ioctl(fds[0], TUNSETVNETLE, &one)) {
		err = -errno;
		vmm_err("vnet header: %s", strerror(errno));
		return err;
	}

	err = vnl_open(&vnl);
	if (err) {
		vmm_err("ethtool netlink: %s", strerror(-err));
		return err;
	}

	if (!quiet)
		printf("vmm: each request names the tap by ETHTOOL_A_HEADER_DEV_FD %d alone\n",
		       fds[0]);
	err = step(&vnl, "CHANNELS_GET",
		   vnl_channels_get(&vnl, &dev, &combined));
	if (err)
		goto out;
	if (combined != conf->queues) {
		vmm_err("the tap has %u queues, the VMM holds %u", combined,
			conf->queues);
		err = -EINVAL;
		goto out;
	}
	err = step(&vnl, "RSS_SET context 0 (Toeplitz, key, table)",
		   vnl_rss_set(&vnl, &dev, 0, conf->key0, conf->indir0,
			       TRSS_INDIR_SIZE, TRSS_HASH_TOP));
	if (err)
		goto out;
	err = step(&vnl, "RSS_SET context 0 flow-hash tcp4 udp4 tcp6 udp6 sdfn",
		   vnl_rss_set_fields(&vnl, &dev, 0, types,
				      ARRAY_SIZE(types), RXH_SDFN));
	if (err)
		goto out;
	err = step(&vnl, "FEATURES_SET rx-hashing on",
		   vnl_feature_set(&vnl, &dev, "rx-hashing", true));
	if (err)
		goto out;
	err = step(&vnl, "FEATURES_GET",
		   vnl_feature_get(&vnl, &dev, "rx-hashing", &on));
	if (err)
		goto out;
	if (!on) {
		vmm_err("rx-hashing did not turn on");
		err = -EINVAL;
		goto out;
	}
	err = step(&vnl, "RSS_CREATE_ACT (own key and table)",
		   vnl_rss_create(&vnl, &dev, conf->key1, conf->indir1,
				  TRSS_INDIR_SIZE, &conf->ctx));
	if (err)
		goto out;
	if (!quiet)
		printf("vmm: context %u created\n", conf->ctx);

	err = vnl_rule_add_udp4_dport(&vnl, &dev, RULE_DPORT, conf->ctx, 0,
				      &loc);
	if (err == -EOPNOTSUPP) {
		/* Not a pass in disguise: said loudly, checked by the tests */
		printf("vmm: no flow rules over ethtool netlink in this kernel\n");
	} else if (err) {
		step(&vnl, "FLOW_RULE_ADD", err);
		goto out;
	} else {
		conf->rule = true;
		printf("vmm: FLOW_RULE_ADD udp4 dst-port %u -> context %u: location %u\n",
		       RULE_DPORT, conf->ctx, loc);
	}

	/* Read back what the device now has, through the fd as well */
	err = step(&vnl, "RSS_GET context 0",
		   vnl_rss_get(&vnl, &dev, 0, &rss, &indir_size));
	if (err)
		goto out;
	if (indir_size != TRSS_INDIR_SIZE ||
	    memcmp(rss.key, conf->key0, TRSS_RSS_KEY_LEN) ||
	    memcmp(rss.indir, conf->indir0, sizeof(conf->indir0))) {
		vmm_err("context 0 reads back differently");
		err = -EINVAL;
		goto out;
	}
	err = step(&vnl, "RSS_GET new context",
		   vnl_rss_get(&vnl, &dev, conf->ctx, &rss, &indir_size));
	if (err)
		goto out;
	if (memcmp(rss.key, conf->key1, TRSS_RSS_KEY_LEN) ||
	    memcmp(rss.indir, conf->indir1, sizeof(conf->indir1))) {
		vmm_err("context %u reads back differently", conf->ctx);
		err = -EINVAL;
	}
out:
	vnl_close(&vnl);
	return err;
}

static __u32 get_le32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static void flow_str(const struct trss_flow *flow, char *buf, size_t size)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	bool v6 = flow->family == AF_INET6;

	inet_ntop(flow->family, &flow->saddr, s, sizeof(s));
	inet_ntop(flow->family, &flow->daddr, d, sizeof(d));
	snprintf(buf, size, "%s%s %s%s%s:%u > %s%s%s:%u",
		 flow->proto == IPPROTO_TCP ? "tcp" : "udp", v6 ? "6" : "4",
		 v6 ? "[" : "", s, v6 ? "]" : "", flow->sport,
		 v6 ? "[" : "", d, v6 ? "]" : "", flow->dport);
}

/* A frame as the VMM read it */
struct vmm_rx {
	int queue;		/* -1: never arrived */
	__u32 hash;
	__u16 type;
};

/* Check one flow's frame against the configuration; true when right */
static bool vmm_check(const struct vmm_conf *conf, const struct trss_flow *flow,
		      unsigned int flow_id, const struct vmm_rx *rx)
{
	bool in_rule = flow_in_rule(conf, flow);
	__u32 want_hash, sq_hash;
	unsigned int want_queue;
	__u16 want_type;
	char desc[160];
	bool ok;

	/* The report is context 0's hash whatever steered the frame */
	want_hash = trss_flow_hash(flow, conf->key0, RXH_SDFN, 0, &want_type);
	if (in_rule) {
		sq_hash = trss_flow_hash(flow, conf->key1, RXH_SDFN, 0, NULL);
		want_queue = trss_indir_queue(conf->indir1, sq_hash);
	} else {
		want_queue = trss_indir_queue(conf->indir0, want_hash);
	}
	ok = rx->hash == want_hash && rx->type == want_type &&
	     rx->queue == (int)want_queue;

	flow_str(flow, desc, sizeof(desc));
	if (rx->queue < 0)
		printf("flow %3u %-52s never arrived  MISMATCH\n", flow_id,
		       desc);
	else if (!quiet || !ok)
		printf("flow %3u %-52s queue %d hash 0x%08x %-6s%s%s\n",
		       flow_id, desc, rx->queue, rx->hash,
		       rx->type < ARRAY_SIZE(report_name) ?
		       report_name[rx->type] : "?",
		       in_rule ? " (rule -> context)" : "",
		       ok ? "" : "  MISMATCH");
	if (!ok)
		printf("    expected queue %u hash 0x%08x %s\n", want_queue,
		       want_hash, report_name[want_type]);
	return ok;
}

/*
 * Step 10: read every queue until nr frames came or the queues go idle,
 * then check each flow, printed in flow order.
 */
static int vmm_read(const int *fds, const struct vmm_conf *conf,
		    const struct trss_flow *flows, unsigned int nr)
{
	unsigned int got = 0, bad = 0, stray = 0, i;
	unsigned int per_queue[TRSS_MAX_QUEUES] = {};
	__u8 buf[HASH_HDR_LEN + TRSS_FRAME_MAX];
	struct pollfd pfd[TRSS_MAX_QUEUES];
	struct vmm_rx *rx;

	rx = calloc(nr, sizeof(*rx));
	if (!rx)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		rx[i].queue = -1;
	for (i = 0; i < conf->queues; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	while (got < nr) {
		int n = poll(pfd, conf->queues, READ_IDLE_MS);

		if (n <= 0)
			break;
		for (i = 0; i < conf->queues; i++) {
			ssize_t len;
			__u32 tag, f;

			if (!(pfd[i].revents & POLLIN))
				continue;
			len = read(fds[i], buf, sizeof(buf));
			if (len < HASH_HDR_LEN ||
			    trss_frame_tag(buf + HASH_HDR_LEN,
					   len - HASH_HDR_LEN, &tag) ||
			    TRSS_TAG_FLOW(tag) >= nr) {
				stray++;	/* e.g. the kernel's own frames */
				continue;
			}
			f = TRSS_TAG_FLOW(tag);
			if (rx[f].queue >= 0) {
				printf("flow %u: read twice\n", f);
				bad++;
				continue;
			}
			rx[f].queue = i;
			rx[f].hash = get_le32(buf + HASH_OFF);
			rx[f].type = buf[HASH_OFF + 4] |
				     buf[HASH_OFF + 5] << 8;
			per_queue[i]++;
			got++;
		}
	}
	for (i = 0; i < nr; i++)
		if (!vmm_check(conf, &flows[i], i, &rx[i]))
			bad++;
	printf("vmm: %u/%u frames read, per queue:", got, nr);
	for (i = 0; i < conf->queues; i++)
		printf(" %u", per_queue[i]);
	printf("; %u wrong, %u untagged\n", bad, stray);
	free(rx);
	return got == nr && !bad ? 0 : -EINVAL;
}

/* The VMM: no capability from its first instruction on */
static int vmm_main(int sock, bool userns, const struct trss_flow *flows,
		    unsigned int nr_flows, __u64 seed)
{
	int fds[TRSS_MAX_QUEUES], err;
	struct vmm_conf conf;
	struct vmm_msg m;
	unsigned int nr;

	err = vnl_drop_privileges(userns);
	if (err) {
		vmm_err("dropping privileges: %s", strerror(-err));
		return 2;
	}
	printf("vmm: uid %d, no capabilities%s\n", getuid(),
	       userns ? ", in its own user and network namespaces" : "");
	if (msg_send(sock, MSG_READY, 0, 0, 0))
		return 2;

	err = vnl_recv_fds(sock, fds, TRSS_MAX_QUEUES, &nr, &m, sizeof(m));
	if (err || m.type != MSG_FDS || nr != m.nr) {
		vmm_err("receiving the queue fds: %s", strerror(-err));
		return 2;
	}
	printf("vmm: received %u queue fds\n", nr);

	make_conf(&conf, nr, &seed);
	err = vmm_configure(fds, &conf);
	msg_send(sock, MSG_CONFIGURED, conf.ctx, err, conf.rule);
	if (err)
		return 1;
	if (msg_recv(sock, MSG_SENT, &m) || m.nr != nr_flows)
		return 2;
	return vmm_read(fds, &conf, flows, nr_flows) ? 1 : 0;
}

/* The reference Toeplitz against the Microsoft vectors, when at hand */
static int check_reference(const char *argv0)
{
	struct trss_ms_vector vec[16];
	__u8 key[TRSS_RSS_KEY_LEN];
	char path[4096], *slash;
	int n, i;

	snprintf(path, sizeof(path), "%s", argv0);
	slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path,
		 sizeof(path) - (slash ? slash + 1 - path : 0), "%s",
		 TRSS_MS_VECTORS);
	n = trss_ms_vectors_load(path, key, vec, ARRAY_SIZE(vec));
	if (n <= 0) {
		printf("host: %s not found, reference Toeplitz not rechecked\n",
		       path);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (trss_flow_hash(&vec[i].flow, key, RXH_IP_SRC | RXH_IP_DST,
				   0, NULL) != vec[i].hash_ip ||
		    trss_flow_hash(&vec[i].flow, key, RXH_SDFN, 0, NULL) !=
		    vec[i].hash_ip_l4) {
			fprintf(stderr, "host: reference Toeplitz fails Microsoft vector %d\n",
				i);
			return -EINVAL;
		}
	printf("host: reference Toeplitz matches the %d Microsoft vectors\n", n);
	return 0;
}

static void print_usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--userns] [--queues N] [--flows M] [--quiet]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "userns", no_argument, NULL, 'u' },
		{ "queues", required_argument, NULL, 'q' },
		{ "flows", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ }
	};
	unsigned int queues = 4, nr_flows = 64, i;
	struct trss_dev_opts dopts = {};
	int sv[2], fds[TRSS_MAX_QUEUES];
	struct trss_flow *flows;
	bool userns = false;
	struct trss_rss rss;
	struct trss_dev dev;
	struct vmm_msg m;
	int c, err, status;
	__u64 seed;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			userns = true;
			break;
		case 'q':
			queues = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			nr_flows = strtoul(optarg, NULL, 0);
			break;
		case 'Q':
			quiet = true;
			break;
		default:
			print_usage(argv[0]);
		}
	}
	/* A queue holds 500 frames: the host sends them all before reading */
	if (queues < 2 || queues > TRSS_MAX_QUEUES || !nr_flows ||
	    nr_flows > 500)
		print_usage(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (check_reference(argv[0]))
		return 1;
	seed = time(NULL);
	printf("host: seed %llu, %u queues, %u flows%s\n",
	       (unsigned long long)seed, queues, nr_flows,
	       userns ? ", VMM in a user namespace" : "");

	/* A network namespace of our own: nothing else sees or sends */
	err = trss_netns_private();
	if (err) {
		fprintf(stderr, "host: unshare(CLONE_NEWNET): %s\n",
			strerror(-err));
		return 2;
	}
	flows = calloc(nr_flows, sizeof(*flows));
	if (!flows ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return 2;
	make_flows(flows, nr_flows);

	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		close(sv[0]);
		exit(vmm_main(sv[1], userns, flows, nr_flows, seed));
	}
	close(sv[1]);

	if (msg_recv(sv[0], MSG_READY, &m))
		goto fail;

	/* Step 1: the tap, created only once the VMM holds no privilege */
	dopts.name = TAP_NAME;
	dopts.queues = queues;
	dopts.vnet_hdr = true;
	err = trss_dev_create(&dev, &dopts);
	if (err) {
		fprintf(stderr, "host: creating the tap: %s\n", strerror(-err));
		goto fail;
	}
	printf("host: tap %s, %u queues, up\n", dev.name, queues);

	/* Step 2: the owner grants the delegation (off by default) */
	err = trss_dev_delegate(&dev, true);
	if (err) {
		fprintf(stderr, "host: TUNSETDELEGATE: %s\n", strerror(-err));
		goto fail;
	}
	printf("host: delegation granted (TUNSETDELEGATE 1)\n");

	/* Step 3: the fds go to the VMM, the host keeps none */
	for (i = 0; i < queues; i++)
		fds[i] = dev.fds[i];
	err = vnl_send_fds(sv[0], fds, queues,
			   &(struct vmm_msg){ MSG_FDS, queues, 0, 0 },
			   sizeof(struct vmm_msg));
	if (err)
		goto fail;
	for (i = 0; i < queues; i++) {
		close(dev.fds[i]);
		dev.fds[i] = -1;
	}

	if (msg_recv(sv[0], MSG_CONFIGURED, &m) || m.err) {
		fprintf(stderr, "host: the VMM could not configure the tap\n");
		goto fail;
	}

	/* What the host sees (privileged ioctl): the VMM's key is in place */
	err = trss_rss_get(&dev, 0, &rss);
	if (err) {
		fprintf(stderr, "host: ETHTOOL_GRSSH: %s\n", strerror(-err));
		goto fail;
	}
	printf("host: ETHTOOL_GRSSH sees the VMM's key %02x:%02x:%02x:...\n",
	       rss.key[0], rss.key[1], rss.key[2]);

	for (i = 0; i < nr_flows; i++) {
		err = trss_send_flow(&dev, &flows[i], TRSS_TAG(i, 0));
		if (err) {
			fprintf(stderr, "host: sending flow %u: %s\n", i,
				strerror(-err));
			goto fail;
		}
	}
	msg_send(sv[0], MSG_SENT, nr_flows, 0, 0);

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 2;
	trss_dev_destroy(&dev);
	printf("vmm_client: %s\n", WEXITSTATUS(status) ? "FAIL" : "PASS");
	return WEXITSTATUS(status);

fail:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 2;
}
