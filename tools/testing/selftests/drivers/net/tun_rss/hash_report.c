// SPDX-License-Identifier: GPL-2.0
/*
 * The hash report (SPEC §5): with rxhash on and a little-endian vnet
 * header of at least 20 bytes (struct virtio_net_hdr_v1_hash), bytes
 * 12..15 of the header a reader gets are the Toeplitz hash of context 0's
 * key and fields (le32), 16..17 the VIRTIO_NET_HASH_REPORT_* type (le16),
 * 18..19 zero; bytes 10..11 (num_buffers) and whatever follows byte 20
 * stay as the reader's buffer had them.  Otherwise nothing after the
 * 10-byte struct virtio_net_hdr is written, as before.  Each test fills
 * the reader's buffer with a pattern first, so a byte written that should
 * not be, or not written that should be, shows.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FLOWS	64
#define TIMEOUT_MS	500
#define OUT_LEN		4096
#define RXH_SD		(RXH_IP_SRC | RXH_IP_DST)
#define RXH_SDFN	((__u64)(RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3))
/* struct virtio_net_hdr, then num_buffers, then the hash report */
#define NET_HDR_LEN	10
#define HASH_OFF	12
#define HASH_HDR_LEN	20
/* The tap's header in most tests: 4 bytes past the report must stay */
#define VNET_HDR_LEN	24
#define FILL		0xa5

FIXTURE(hash_report)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	__u8 key[TRSS_RSS_KEY_LEN];
	char out[OUT_LEN];
	__u64 seed;
};

FIXTURE_VARIANT(hash_report)
{
	int family;
	__u8 proto;
	__u16 type;	/* VIRTIO_NET_HASH_REPORT_* of the flows */
};

FIXTURE_VARIANT_ADD(hash_report, tcp4)
{
	.family = AF_INET,
	.proto = IPPROTO_TCP,
	.type = VIRTIO_NET_HASH_REPORT_TCPv4,
};

FIXTURE_VARIANT_ADD(hash_report, udp4)
{
	.family = AF_INET,
	.proto = IPPROTO_UDP,
	.type = VIRTIO_NET_HASH_REPORT_UDPv4,
};

FIXTURE_VARIANT_ADD(hash_report, tcp6)
{
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
	.type = VIRTIO_NET_HASH_REPORT_TCPv6,
};

FIXTURE_VARIANT_ADD(hash_report, udp6)
{
	.family = AF_INET6,
	.proto = IPPROTO_UDP,
	.type = VIRTIO_NET_HASH_REPORT_UDPv6,
};

FIXTURE_SETUP(hash_report)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = 2,
		.vnet_hdr = true,
		.vnet_hdr_sz = VNET_HDR_LEN,
		.vnet_le = true,
	};
	unsigned int i;

	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-K trss0 rxhash on"), 0)
		TH_LOG("%s", self->out);
	for (i = 0; i < NR_FLOWS; i++) {
		trss_flow_init(&self->flows[i], variant->family,
			       variant->proto, i);
		trss_flow_randomize(&self->flows[i], &self->seed);
		self->flows[i].payload_len = i * 7;
	}
	trss_random_bytes(&self->seed, self->key, sizeof(self->key));
}

FIXTURE_TEARDOWN(hash_report)
{
	trss_dev_destroy(&self->dev);
}

static int set_key(const struct trss_dev *dev, const __u8 *key)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, 0);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	return trss_rss_set(dev, &req);
}

static __u32 get_le32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u16 get_le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

/*
 * Send a flow's frame and read it into a buffer filled with FILL, cut
 * into iovecs at the offsets in cuts[] (ascending, within the header).
 * The header lands in hdr[], the frame is checked against what was sent.
 */
static void send_and_read(struct __test_metadata *_metadata,
			  struct trss_dev *dev, const struct trss_flow *flow,
			  __u32 tag, const unsigned int *cuts,
			  unsigned int nr_cuts, __u8 *hdr, int *queue)
{
	__u8 sent[TRSS_FRAME_MAX], buf[TRSS_VNET_HDR_MAX + TRSS_FRAME_MAX];
	unsigned int hlen = dev->vnet_hdr_sz, i, off = 0;
	struct iovec iov[16];
	int len, n = 0;
	ssize_t got;

	ASSERT_LT(nr_cuts, 15U);
	len = trss_dev_build(dev, flow, tag, sent, sizeof(sent));
	ASSERT_GT(len, 0);
	ASSERT_EQ(trss_send(dev, sent, len), 0);

	memset(buf, FILL, sizeof(buf));
	for (i = 0; i < nr_cuts; i++) {
		iov[n].iov_base = buf + off;
		iov[n].iov_len = cuts[i] - off;
		off = cuts[i];
		n++;
	}
	iov[n].iov_base = buf + off;
	iov[n].iov_len = sizeof(buf) - off;
	n++;

	got = trss_recv_iov(dev, iov, n, queue, TIMEOUT_MS);
	ASSERT_EQ(got, (ssize_t)(hlen + len));
	EXPECT_EQ(memcmp(buf + hlen, sent, len), 0);
	memcpy(hdr, buf, hlen);
}

/* Bytes [from, to) of a header still hold the reader's pattern */
static unsigned int untouched(const __u8 *hdr, unsigned int from,
			      unsigned int to)
{
	unsigned int i, n = 0;

	for (i = from; i < to; i++)
		n += hdr[i] == FILL;
	return n;
}

/* The report of each frame equals the reference; the rest is untouched */
static void check_reports(struct __test_metadata *_metadata,
			  FIXTURE_DATA(hash_report) *self, __u16 want_type,
			  const __u8 *key, const unsigned int *cuts,
			  unsigned int nr_cuts)
{
	__u8 hdr[TRSS_VNET_HDR_MAX];
	unsigned int f;
	__u16 type;
	__u32 hash;
	int queue;

	for (f = 0; f < NR_FLOWS; f++) {
		hash = trss_flow_hash(&self->flows[f], key, RXH_SDFN, 0, &type);
		send_and_read(_metadata, &self->dev, &self->flows[f],
			      TRSS_TAG(f, 0), cuts, nr_cuts, hdr, &queue);
		EXPECT_EQ(get_le32(hdr + HASH_OFF), hash) TH_LOG("flow %u", f);
		EXPECT_EQ(get_le16(hdr + HASH_OFF + 4), type);
		EXPECT_EQ(type, want_type);
		EXPECT_EQ(get_le16(hdr + HASH_OFF + 6), 0);
		EXPECT_EQ(untouched(hdr, NET_HDR_LEN, HASH_OFF), 2U)
			TH_LOG("num_buffers written, flow %u", f);
		EXPECT_EQ(untouched(hdr, HASH_HDR_LEN, VNET_HDR_LEN),
			  VNET_HDR_LEN - HASH_HDR_LEN + 0U)
			TH_LOG("bytes past the report written, flow %u", f);
	}
}

TEST_F(hash_report, read_reports_hash_and_type)
{
	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	check_reports(_metadata, self, variant->type, self->key, NULL, 0);
}

/* Every field cut in two across iovecs, and a one-byte iovec */
TEST_F(hash_report, readv_split_across_the_header_reports_hash)
{
	static const unsigned int cuts[] = { 7, 11, 13, 14, 17, 19, 21 };

	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	check_reports(_metadata, self, variant->type, self->key, cuts, 7);
}

/*
 * SPEC §5: the report uses context 0's key and fields whatever steers.
 * Here automq does (nothing configured: the key is the device's random
 * default), and a flow is shown to follow the queue its reply was
 * written from, which RSS would not do.
 */
TEST_F(hash_report, report_under_automq_uses_context_0_key)
{
	__u8 hdr[TRSS_VNET_HDR_MAX], frame[TRSS_FRAME_MAX];
	struct trss_flow reply;
	struct trss_rss rss;
	int queue, target, len;

	ASSERT_EQ(trss_rss_get(&self->dev, 0, &rss), 0);
	check_reports(_metadata, self, variant->type, rss.key, NULL, 0);

	send_and_read(_metadata, &self->dev, &self->flows[0], TRSS_TAG(0, 1),
		      NULL, 0, hdr, &queue);
	target = !queue;
	reply = self->flows[0];
	trss_flow_reverse(&reply);
	len = trss_dev_build(&self->dev, &reply, TRSS_TAG(0, 2), frame,
			     sizeof(frame));
	ASSERT_GT(len, 0);
	ASSERT_EQ(trss_queue_write(&self->dev, target, frame, len), 0);
	send_and_read(_metadata, &self->dev, &self->flows[0], TRSS_TAG(0, 3),
		      NULL, 0, hdr, &queue);
	EXPECT_EQ(queue, target) TH_LOG("automq does not steer");
	EXPECT_EQ(get_le32(hdr + HASH_OFF),
		  trss_flow_hash(&self->flows[0], rss.key, RXH_SDFN, 0, NULL));
}

/*
 * The same with a key the test chose: set, then the table reset to the
 * default with input_xfrm "no change", which hands steering back to
 * automq and keeps the key.
 */
TEST_F(hash_report, report_under_automq_uses_the_key_set)
{
	struct trss_rss_req req;

	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	trss_rss_req_init(&req, 0);
	req.indir_size = 0;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	check_reports(_metadata, self, variant->type, self->key, NULL, 0);
}

/*
 * Any set of the fields a flow type carries (tuntap.rst): each frame
 * lands on the queue the table gives its hash, and reports the hash and
 * type the library's reference computes for that set (NONE for a set
 * virtio has no type for, the hash all the same).  Half the frames carry
 * a VLAN tag, IPv6 ones a flow label.
 */
TEST_F(hash_report, any_field_set_lands_and_reports)
{
	static const __u32 sets[] = {
		RXH_IP_SRC, RXH_IP_DST, RXH_L4_B_0_1, RXH_L4_B_2_3,
		RXH_L4_B_0_1 | RXH_L4_B_2_3, RXH_SD | RXH_L4_B_2_3,
		RXH_SD | RXH_L3_PROTO, RXH_IP_DST | RXH_VLAN, RXH_L2DA,
		RXH_SDFN | RXH_L2DA | RXH_VLAN | RXH_L3_PROTO,
		RXH_IP6_FL, RXH_SDFN | RXH_IP6_FL,
		RXH_SDFN | RXH_L2DA | RXH_VLAN | RXH_L3_PROTO | RXH_IP6_FL,
		RXH_SD, RXH_SDFN,
	};
	__u32 indir[TRSS_INDIR_SIZE], hash;
	__u8 hdr[TRSS_VNET_HDR_MAX];
	struct trss_rss_req req;
	unsigned int i, f;
	int queue, ft;
	__u16 type;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = (i * 5 / 3) % 2;
	trss_rss_req_init(&req, 0);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = self->key;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);

	ft = trss_flow_type(&self->flows[0]);
	for (f = 0; f < NR_FLOWS; f++) {
		self->flows[f].nr_vlans = f % 2;
		self->flows[f].vlan_tci[0] = 0x2000 | (f * 37 % 4095 + 1);
		self->flows[f].flowlabel = f * 0x1235 & 0xfffff;
	}
	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		if ((sets[i] & RXH_IP6_FL) && variant->family != AF_INET6)
			continue;
		ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, ft, sets[i]), 0)
			TH_LOG("fields %#x", sets[i]);
		for (f = 0; f < NR_FLOWS; f++) {
			hash = trss_flow_hash(&self->flows[f], self->key,
					      sets[i], 0, &type);
			send_and_read(_metadata, &self->dev, &self->flows[f],
				      TRSS_TAG(f, i), NULL, 0, hdr, &queue);
			EXPECT_EQ(get_le32(hdr + HASH_OFF), hash)
				TH_LOG("fields %#x flow %u", sets[i], f);
			EXPECT_EQ(get_le16(hdr + HASH_OFF + 4), type)
				TH_LOG("fields %#x flow %u", sets[i], f);
			EXPECT_EQ(queue, (int)trss_indir_queue(indir, hash))
				TH_LOG("fields %#x flow %u", sets[i], f);
		}
	}
}

/* Not IP: type NONE and hash 0, both written */
TEST_F(hash_report, non_ip_frame_reports_none)
{
	__u8 hdr[TRSS_VNET_HDR_MAX];
	struct trss_flow flow;
	unsigned int i;
	int queue;

	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	for (i = 0; i < 8; i++) {
		trss_flow_init(&flow, AF_UNSPEC, 0, i);
		flow.ethertype = i % 2 ? 0x88b5 : 0x0806;
		flow.payload_len = 40;
		send_and_read(_metadata, &self->dev, &flow, TRSS_TAG(i, 0),
			      NULL, 0, hdr, &queue);
		EXPECT_EQ(get_le32(hdr + HASH_OFF), 0U);
		EXPECT_EQ(get_le16(hdr + HASH_OFF + 4),
			  VIRTIO_NET_HASH_REPORT_NONE);
		EXPECT_EQ(get_le16(hdr + HASH_OFF + 6), 0);
		EXPECT_EQ(untouched(hdr, NET_HDR_LEN, HASH_OFF), 2U);
	}
}

/* Everything after the 10-byte struct virtio_net_hdr keeps the pattern */
static void check_untouched(struct __test_metadata *_metadata,
			    FIXTURE_DATA(hash_report) *self)
{
	unsigned int f, hlen = self->dev.vnet_hdr_sz;
	__u8 hdr[TRSS_VNET_HDR_MAX];
	int queue;

	for (f = 0; f < 16; f++) {
		send_and_read(_metadata, &self->dev, &self->flows[f],
			      TRSS_TAG(f, 0), NULL, 0, hdr, &queue);
		EXPECT_EQ(untouched(hdr, NET_HDR_LEN, hlen), hlen - NET_HDR_LEN)
			TH_LOG("flow %u: header written past byte %u", f,
			       NET_HDR_LEN);
	}
}

TEST_F(hash_report, rxhash_off_leaves_the_header_untouched)
{
	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-K trss0 rxhash off"), 0)
		TH_LOG("%s", self->out);
	check_untouched(_metadata, self);
}

/* A 12-byte header (virtio_net_hdr_mrg_rxbuf) has no room for a report */
TEST_F(hash_report, short_header_is_left_untouched)
{
	int sz = 12;

	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	ASSERT_EQ(ioctl(self->dev.fds[0], TUNSETVNETHDRSZ, &sz), 0);
	self->dev.vnet_hdr_sz = sz;
	check_untouched(_metadata, self);
}

/* virtio 1.x headers are little endian: a big-endian one gets no report */
TEST_F(hash_report, big_endian_header_is_left_untouched)
{
	int off = 0, on = 1;

	ASSERT_EQ(set_key(&self->dev, self->key), 0);
	ASSERT_EQ(ioctl(self->dev.fds[0], TUNSETVNETLE, &off), 0);
	if (ioctl(self->dev.fds[0], TUNSETVNETBE, &on)) {
		ASSERT_EQ(errno, EINVAL);
		SKIP(return,
		     "TUNSETVNETBE: EINVAL, the kernel has no CONFIG_TUN_VNET_CROSS_LE, so a little-endian machine cannot have a big-endian vnet header");
	}
	check_untouched(_metadata, self);
}

/*
 * recvmsg(), the path vhost-net reads through.  A minimal vhost-net
 * device: one memory region mapped 1:1, the RX ring (index 0) with
 * NR_DESC writable buffers, the tap queue as backend, and no
 * VHOST_NET_F_VIRTIO_NET_HDR, so the tap writes the header itself.
 */
#define NR_DESC		64
#define BUF_LEN		2048
#define VHOST_MEM_LEN	(256 * 1024)

struct vhost_rx {
	int fd, kick, call;
	__u8 *mem;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	__u16 last_used;
};

static void vhost_rx_close(struct vhost_rx *v)
{
	if (v->fd >= 0)
		close(v->fd);
	if (v->kick >= 0)
		close(v->kick);
	if (v->call >= 0)
		close(v->call);
	if (v->mem && v->mem != MAP_FAILED)
		munmap(v->mem, VHOST_MEM_LEN);
}

/* 0, or the name of the step that failed (errno tells why) */
static const char *vhost_rx_open(struct vhost_rx *v, int tap_fd,
				 __u64 features)
{
	struct {
		struct vhost_memory mem;
		struct vhost_memory_region region;
	} table = {};
	struct vhost_vring_state num = { .index = 0, .num = NR_DESC };
	struct vhost_vring_state base = { .index = 0, .num = 0 };
	struct vhost_vring_file file = { .index = 0 };
	struct vhost_vring_addr addr = { .index = 0 };
	__u64 have;
	__u8 *bufs;
	int i;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	v->kick = -1;
	v->call = -1;
	v->mem = mmap(NULL, VHOST_MEM_LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		return "mmap";
	memset(v->mem, 0, VHOST_MEM_LEN);
	v->desc = (struct vring_desc *)v->mem;
	v->avail = (struct vring_avail *)(v->mem + 4096);
	v->used = (struct vring_used *)(v->mem + 8192);
	bufs = v->mem + 16384;

	v->fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (v->fd < 0)
		return "open /dev/vhost-net";
	v->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	v->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->kick < 0 || v->call < 0)
		return "eventfd";
	if (ioctl(v->fd, VHOST_SET_OWNER))
		return "VHOST_SET_OWNER";
	if (ioctl(v->fd, VHOST_GET_FEATURES, &have))
		return "VHOST_GET_FEATURES";
	if ((have & features) != features) {
		errno = EOPNOTSUPP;
		return "VHOST_GET_FEATURES (a feature the test needs)";
	}
	if (ioctl(v->fd, VHOST_SET_FEATURES, &features))
		return "VHOST_SET_FEATURES";

	table.mem.nregions = 1;
	table.region.guest_phys_addr = (__u64)(unsigned long)v->mem;
	table.region.userspace_addr = (__u64)(unsigned long)v->mem;
	table.region.memory_size = VHOST_MEM_LEN;
	if (ioctl(v->fd, VHOST_SET_MEM_TABLE, &table))
		return "VHOST_SET_MEM_TABLE";

	if (ioctl(v->fd, VHOST_SET_VRING_NUM, &num))
		return "VHOST_SET_VRING_NUM";
	if (ioctl(v->fd, VHOST_SET_VRING_BASE, &base))
		return "VHOST_SET_VRING_BASE";
	addr.desc_user_addr = (__u64)(unsigned long)v->desc;
	addr.avail_user_addr = (__u64)(unsigned long)v->avail;
	addr.used_user_addr = (__u64)(unsigned long)v->used;
	if (ioctl(v->fd, VHOST_SET_VRING_ADDR, &addr))
		return "VHOST_SET_VRING_ADDR";
	file.fd = v->kick;
	if (ioctl(v->fd, VHOST_SET_VRING_KICK, &file))
		return "VHOST_SET_VRING_KICK";
	file.fd = v->call;
	if (ioctl(v->fd, VHOST_SET_VRING_CALL, &file))
		return "VHOST_SET_VRING_CALL";

	for (i = 0; i < NR_DESC; i++) {
		v->desc[i].addr = (__u64)(unsigned long)(bufs + i * BUF_LEN);
		v->desc[i].len = BUF_LEN;
		v->desc[i].flags = VRING_DESC_F_WRITE;
		memset(bufs + i * BUF_LEN, FILL, BUF_LEN);
		v->avail->ring[i] = i;
	}
	__atomic_store_n(&v->avail->idx, NR_DESC, __ATOMIC_RELEASE);

	file.fd = tap_fd;
	if (ioctl(v->fd, VHOST_NET_SET_BACKEND, &file))
		return "VHOST_NET_SET_BACKEND";
	if (eventfd_write(v->kick, 1))
		return "kick";
	return NULL;
}

/* The next used buffer and its length, or NULL after timeout_ms */
static __u8 *vhost_rx_next(struct vhost_rx *v, __u32 *len, int timeout_ms)
{
	struct pollfd pfd = { .fd = v->call, .events = POLLIN };
	struct vring_used_elem *e;
	eventfd_t cnt;
	int waited = 0;

	while (__atomic_load_n(&v->used->idx, __ATOMIC_ACQUIRE) ==
	       v->last_used) {
		if (waited >= timeout_ms)
			return NULL;
		poll(&pfd, 1, 10);
		eventfd_read(v->call, &cnt);
		waited += 10;
	}
	e = &v->used->ring[v->last_used % NR_DESC];
	v->last_used++;
	*len = e->len;
	return (__u8 *)(unsigned long)v->desc[e->id].addr;
}

/*
 * vhost-net's RX with a tap header of hdr_len bytes: frames sent to the
 * device come out of the used ring.  Returns how many of nr arrived
 * (checked intact, hash report as SPEC §5 when the header has room).
 */
static unsigned int vhost_rx_run(struct __test_metadata *_metadata,
				 FIXTURE_DATA(hash_report) *self,
				 struct vhost_rx *v, unsigned int hdr_len,
				 unsigned int nr)
{
	__u8 sent[TRSS_FRAME_MAX], *buf;
	unsigned int f, got = 0;
	__u16 type;
	__u32 len, hash;
	int flen;

	for (f = 0; f < nr; f++) {
		flen = trss_dev_build(&self->dev, &self->flows[f],
				      TRSS_TAG(f, 7), sent, sizeof(sent));
		if (flen <= 0 || trss_send(&self->dev, sent, flen))
			break;
		buf = vhost_rx_next(v, &len, TIMEOUT_MS);
		if (!buf)
			continue;
		got++;
		EXPECT_EQ(len, hdr_len + flen);
		EXPECT_EQ(memcmp(buf + hdr_len, sent, flen), 0);
		/* num_buffers is vhost's (VIRTIO_NET_F_MRG_RXBUF): one */
		EXPECT_EQ(get_le16(buf + NET_HDR_LEN), 1);
		if (hdr_len < HASH_HDR_LEN) {
			EXPECT_EQ(buf[hdr_len + flen], FILL);
			continue;
		}
		hash = trss_flow_hash(&self->flows[f], self->key, RXH_SDFN, 0,
				      &type);
		EXPECT_EQ(get_le32(buf + HASH_OFF), hash) TH_LOG("flow %u", f);
		EXPECT_EQ(get_le16(buf + HASH_OFF + 4), type);
		EXPECT_EQ(get_le16(buf + HASH_OFF + 6), 0);
	}
	return got;
}

TEST_F(hash_report, recvmsg_through_vhost_net_reports_hash)
{
	__u64 features = 1ULL << VIRTIO_F_VERSION_1 |
			 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	struct vhost_rx v;
	const char *step;
	int sz, queue;
	unsigned int n;

	if (access("/dev/vhost-net", R_OK | W_OK))
		SKIP(return,
		     "no /dev/vhost-net in this kernel (CONFIG_VHOST_NET)");
	ASSERT_EQ(set_key(&self->dev, self->key), 0);

	/* One queue: vhost reads it, nothing else may */
	ASSERT_EQ(trss_queue_detach(&self->dev, 1), 0);
	queue = self->dev.fds[0];

	/*
	 * Control: vhost-net with VIRTIO_F_VERSION_1 expects the socket to
	 * give it a 12-byte header, which has no room for a report.
	 */
	sz = 12;
	ASSERT_EQ(ioctl(queue, TUNSETVNETHDRSZ, &sz), 0);
	self->dev.vnet_hdr_sz = sz;
	step = vhost_rx_open(&v, queue, features);
	if (step) {
		int err = errno;

		vhost_rx_close(&v);
		ASSERT_EQ(step, NULL) TH_LOG("%s: %s", step, strerror(err));
	}
	n = vhost_rx_run(_metadata, self, &v, sz, 8);
	vhost_rx_close(&v);
	ASSERT_EQ(n, 8U) TH_LOG("vhost-net ring does not work");

	/*
	 * The report needs the tap's header at 20 bytes, and vhost-net to
	 * negotiate VIRTIO_NET_F_HASH_REPORT so that it expects a header
	 * that long from the socket (vhost/net patch of this series).
	 */
	sz = HASH_HDR_LEN;
	ASSERT_EQ(ioctl(queue, TUNSETVNETHDRSZ, &sz), 0);
	self->dev.vnet_hdr_sz = sz;
	step = vhost_rx_open(&v, queue,
			     features | 1ULL << VIRTIO_NET_F_HASH_REPORT);
	if (step && errno == EOPNOTSUPP && _metadata->exit_code == KSFT_PASS) {
		vhost_rx_close(&v);
		SKIP(return,
		     "this vhost-net does not offer VIRTIO_NET_F_HASH_REPORT (needs the vhost/net patch of the series)");
	}
	ASSERT_EQ(step, NULL) TH_LOG("%s: %s", step, strerror(errno));
	n = vhost_rx_run(_metadata, self, &v, sz, 8);
	vhost_rx_close(&v);
	EXPECT_EQ(n, 8U);
}

TEST_HARNESS_MAIN
