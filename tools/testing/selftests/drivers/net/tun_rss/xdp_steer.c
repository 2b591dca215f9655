// SPDX-License-Identifier: GPL-2.0
/*
 * XDP frames are steered like skbs (issue 17): a frame an XDP program on
 * a veth redirects into the tap, and a frame the tap's own XDP program
 * sends back with XDP_TX, get the flow rules (queue, drop), RSS, the
 * per-queue counters, the rate limits and the hash report of the skb
 * path.  The programs are built from raw instructions and loaded with
 * bpf(2): no compiler needed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FRAMES	200
#define TIMEOUT_MS	500
#define OUT_LEN		4096
#define VNET_LEN	20
#define RXH_SDFN	(RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)
#define PORT_DROP	7
#define PORT_Q3		9
#define NQ		4
#define VETH_UP		\
	"ip link add trssva type veth peer name trssvb && ip link set trssva up && ip link set trssvb up"

static int xdp_prog(int redirect_ifindex)
{
	struct bpf_insn redirect[] = {
		/* return bpf_redirect(ifindex, 0) */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1,
		  .imm = redirect_ifindex },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_insn tx[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (__u64)(unsigned long)(redirect_ifindex ? redirect : tx);
	attr.insn_cnt = redirect_ifindex ? ARRAY_SIZE(redirect) : ARRAY_SIZE(tx);
	attr.license = (__u64)(unsigned long)license;
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* Native (driver) mode: generic XDP would hand the tap an skb instead */
static int xdp_attach(int prog, int ifindex)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_ifindex = ifindex;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_DRV_MODE;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static __u32 get_le32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u16 get_le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

FIXTURE(xdp_steer)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FRAMES];
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
	char out[OUT_LEN];
	int prog, link, sock, veth;
	__u64 seed;
};

FIXTURE_VARIANT(xdp_steer)
{
	bool redirect;	/* from a veth; else XDP_TX of the tap's program */
};

FIXTURE_VARIANT_ADD(xdp_steer, veth_redirect)
{
	.redirect = true,
};

FIXTURE_VARIANT_ADD(xdp_steer, tap_xdp_tx)
{
	.redirect = false,
};

FIXTURE_SETUP(xdp_steer)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = NQ,
		.vnet_hdr = true,
		.vnet_hdr_sz = VNET_LEN,
		.vnet_le = true,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned int i;

	self->link = -1;
	self->prog = -1;
	self->sock = -1;
	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-K trss0 ntuple on rxhash on"), 0)
		TH_LOG("%s", self->out);
	for (i = 0; i < NR_FRAMES; i++) {
		trss_flow_init(&self->flows[i], AF_INET, IPPROTO_UDP, i);
		trss_flow_randomize(&self->flows[i], &self->seed);
		if (i % 5 == 0)
			self->flows[i].dport = PORT_DROP;
		else if (i % 5 == 1)
			self->flows[i].dport = PORT_Q3;
		else if (self->flows[i].dport == PORT_DROP ||
			 self->flows[i].dport == PORT_Q3)
			self->flows[i].dport = 1000 + i;
		self->flows[i].payload_len = 64;
	}
	trss_random_bytes(&self->seed, self->key, sizeof(self->key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		self->indir[i] = (i * 7) % NQ;
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, UDP_V4_FLOW, RXH_SDFN), 0);
	{
		struct trss_rss_req req;

		trss_rss_req_init(&req, 0);
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = self->key;
		req.indir_size = TRSS_INDIR_SIZE;
		req.indir = self->indir;
		ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	}
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 flow-type udp4 dst-port %d action -1",
			       PORT_DROP), 0)
		TH_LOG("%s", self->out);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 flow-type udp4 dst-port %d action 3",
			       PORT_Q3), 0)
		TH_LOG("%s", self->out);

	if (!variant->redirect) {
		self->prog = xdp_prog(0);
		ASSERT_GE(self->prog, 0)
			TH_LOG("XDP_TX program: %s", strerror(-self->prog));
		self->link = xdp_attach(self->prog, self->dev.ifindex);
		ASSERT_GE(self->link, 0)
			TH_LOG("attach to the tap: %s", strerror(-self->link));
		return;
	}
	/* Nothing but the test's frames: no IPv6 autoconfiguration */
	ASSERT_EQ(trss_sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6",
				    "1"), 0);
	ASSERT_EQ(system(VETH_UP), 0);
	self->veth = if_nametoindex("trssvb");
	ASSERT_GT(self->veth, 0);
	self->prog = xdp_prog(self->dev.ifindex);
	ASSERT_GE(self->prog, 0)
		TH_LOG("redirect program: %s", strerror(-self->prog));
	self->link = xdp_attach(self->prog, self->veth);
	ASSERT_GE(self->link, 0)
		TH_LOG("attach to the veth: %s", strerror(-self->link));
	self->sock = socket(AF_PACKET, SOCK_RAW, 0);
	ASSERT_GE(self->sock, 0);
	sll.sll_ifindex = if_nametoindex("trssva");
	ASSERT_EQ(bind(self->sock, (struct sockaddr *)&sll, sizeof(sll)), 0);
}

FIXTURE_TEARDOWN(xdp_steer)
{
	if (self->link >= 0)
		close(self->link);
	if (self->prog >= 0)
		close(self->prog);
	if (self->sock >= 0)
		close(self->sock);
	trss_dev_destroy(&self->dev);
}

static int send_one(FIXTURE_DATA(xdp_steer) *self, bool redirect,
		    unsigned int i)
{
	__u8 frame[TRSS_FRAME_MAX];
	int len;

	len = trss_build_frame(&self->flows[i], i, true, frame, sizeof(frame));
	if (len < 0)
		return len;
	if (!redirect)
		return trss_queue_write(&self->dev, i % NQ, frame, len);
	if (send(self->sock, frame, len, 0) != len)
		return -errno;
	return 0;
}

/* Queue, drop rule, report and the per-queue counters, as for skbs */
TEST_F(xdp_steer, steered_like_skbs)
{
	__u64 pk0[NQ], pk1[NQ], by[NQ], dr[NQ], nt0, nt1;
	unsigned int i, q, read = 0, dropped = 0, perq[NQ] = {};
	__u8 buf[TRSS_FRAME_MAX];
	struct trss_rx rx;
	int ret;

	ASSERT_EQ(trss_ethtool_queue_stats(&self->dev, pk0, by, dr, NQ), NQ);
	ASSERT_EQ(trss_ethtool_stat(&self->dev, "rx_ntuple_drops", &nt0), 0);
	for (i = 0; i < NR_FRAMES; i++)
		ASSERT_EQ(send_one(self, variant->redirect, i), 0);
	while ((ret = trss_recv(&self->dev, &rx, buf, sizeof(buf),
				TIMEOUT_MS)) > 0) {
		const struct trss_flow *fl;
		__u16 type, want_type;
		__u32 hash, want;

		ASSERT_TRUE(rx.tagged);
		ASSERT_LT(rx.tag, (__u32)NR_FRAMES);
		fl = &self->flows[rx.tag];
		read++;
		perq[rx.queue]++;
		hash = get_le32(rx.vnet_hdr + 12);
		type = get_le16(rx.vnet_hdr + 16);
		want = trss_flow_hash(fl, self->key, RXH_SDFN, 0, &want_type);
		EXPECT_EQ(hash, want) TH_LOG("frame %u", rx.tag);
		EXPECT_EQ(type, want_type) TH_LOG("frame %u", rx.tag);
		ASSERT_NE(fl->dport, PORT_DROP) TH_LOG("frame %u", rx.tag);
		if (fl->dport == PORT_Q3) {
			EXPECT_EQ(rx.queue, 3);
		} else {
			EXPECT_EQ((unsigned int)rx.queue,
				  trss_indir_queue(self->indir, want));
		}
	}
	ASSERT_EQ(ret, 0);
	for (i = 0; i < NR_FRAMES; i++)
		dropped += self->flows[i].dport == PORT_DROP;
	TH_LOG("%u sent, %u read, %u for the drop rule", NR_FRAMES, read,
	       dropped);
	EXPECT_EQ(read + dropped, (unsigned int)NR_FRAMES);
	ASSERT_EQ(trss_ethtool_stat(&self->dev, "rx_ntuple_drops", &nt1), 0);
	EXPECT_EQ(nt1 - nt0, (__u64)dropped);
	ASSERT_EQ(trss_ethtool_queue_stats(&self->dev, pk1, by, dr, NQ), NQ);
	for (q = 0; q < NQ; q++)
		EXPECT_EQ(pk1[q] - pk0[q], (__u64)perq[q]) TH_LOG("queue %u", q);
}

/* A devlink rate holds XDP frames as it holds skbs */
TEST_F(xdp_steer, rate_capped)
{
	__u64 drops0, drops1;
	__u8 buf[TRSS_FRAME_MAX];
	unsigned int i, read = 0, sent = 0;
	struct trss_rx rx;
	char cmd[256];
	struct stat st;
	int ret;

	/* tx_max of the tap's port in the switch of its namespace
	 * (tun/<netns inode>/<ifindex>, SPEC §8): the limiter tx_share and
	 * the queues' tx_maxrate go through too (tx_maxrate needs XPS, which
	 * UML lacks)
	 */
	if (system("command -v \"${DEVLINK:-devlink}\" > /dev/null"))
		SKIP(return, "no devlink program (iproute2) to set tx_max");
	ASSERT_EQ(stat("/proc/self/ns/net", &st), 0);
	snprintf(cmd, sizeof(cmd),
		 "\"${DEVLINK:-devlink}\" port function rate set tun/%lu/%d tx_max 1mbit",
		 (unsigned long)st.st_ino, self->dev.ifindex);
	ASSERT_EQ(system(cmd), 0) TH_LOG("%s", cmd);
	ASSERT_EQ(trss_ethtool_stat(&self->dev, "rx_rate_drops", &drops0), 0);
	/* 200 frames of about 110 bytes at once: far past what 1 Mbit/s
	 * and its burst let through
	 */
	for (i = 0; i < NR_FRAMES; i++) {
		if (self->flows[i].dport == PORT_DROP)
			continue;
		ASSERT_EQ(send_one(self, variant->redirect, i), 0);
		sent++;
	}
	while ((ret = trss_recv(&self->dev, &rx, buf, sizeof(buf),
				TIMEOUT_MS)) > 0)
		read++;
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(trss_ethtool_stat(&self->dev, "rx_rate_drops", &drops1), 0);
	TH_LOG("%u sent, %u read, %llu rate drops", sent, read,
	       (unsigned long long)(drops1 - drops0));
	EXPECT_GT(drops1 - drops0, 0ULL);
	EXPECT_EQ(read + (drops1 - drops0), (__u64)sent);
}

TEST_HARNESS_MAIN
