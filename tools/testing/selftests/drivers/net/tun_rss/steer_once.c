// SPDX-License-Identifier: GPL-2.0
/*
 * One steering decision per frame (issue 17).
 *
 * A frame toward a tap's reader is parsed at most once on the transmit
 * path: ndo_select_queue() (or tun_net_xmit() when the core does not call
 * it) steers it once, and the drop verdict and hash report travel with
 * the frame.  Test kernels count the parses in debugfs tun_rss/parses;
 * these tests send frames through the device and compare the count with
 * the frames sent, while checking every frame's queue, drop and report
 * against the reference Toeplitz of the library.
 *
 * The generation test races a control thread switching context 0
 * between two whole configurations (key A with table A, key B with table
 * B, each set in one request) against a sender: every frame read must
 * have its queue from the same configuration as its reported hash (the
 * hash tells which key computed it).
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_net.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define PARSES		"/sys/kernel/debug/tun_rss/parses"
#define NR_FRAMES	200
#define TIMEOUT_MS	500
#define OUT_LEN		4096
#define VNET_LEN	20
#define RXH_SDFN	(RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)
#define PORT_DROP	7
#define PORT_Q3		9

static int parses(unsigned long long *n)
{
	FILE *f = fopen(PARSES, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%llu", n) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

static __u32 get_le32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u16 get_le16(const __u8 *p)
{
	return p[0] | p[1] << 8;
}

static int set_rss(const struct trss_dev *dev, const __u8 *key,
		   const __u32 *indir)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, 0);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	return trss_rss_set(dev, &req);
}

FIXTURE(steer_once)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FRAMES];
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
	char out[OUT_LEN];
	__u64 seed;
};

FIXTURE_VARIANT(steer_once)
{
	unsigned int queues;
	bool rss;	/* a table and key, and two rules */
	bool report;	/* rxhash on */
	unsigned int parses;	/* per frame */
};

/* Multi-queue: ndo_select_queue() steers, tun_net_xmit() enforces */
FIXTURE_VARIANT_ADD(steer_once, rss_rules_report)
{
	.queues = 4, .rss = true, .report = true, .parses = 1,
};

/* One queue: the core does not call ndo_select_queue(), xmit steers */
FIXTURE_VARIANT_ADD(steer_once, single_queue_report)
{
	.queues = 1, .rss = false, .report = true, .parses = 1,
};

FIXTURE_VARIANT_ADD(steer_once, single_queue_rules)
{
	.queues = 1, .rss = true, .report = true, .parses = 1,
};

/* Automq without the report: nothing of tun_rss parses */
FIXTURE_VARIANT_ADD(steer_once, automq)
{
	.queues = 4, .rss = false, .report = false, .parses = 0,
};

FIXTURE_SETUP(steer_once)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = variant->queues,
		.vnet_hdr = true,
		.vnet_hdr_sz = VNET_LEN,
		.vnet_le = true,
	};
	unsigned long long n;
	unsigned int i;

	if (parses(&n))
		SKIP(return, "no %s: a kernel without CONFIG_TUN_RSS_KUNIT_TEST or debugfs",
		     PARSES);
	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-K trss0 ntuple on rxhash %s",
			       variant->report ? "on" : "off"), 0)
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
	}
	trss_random_bytes(&self->seed, self->key, sizeof(self->key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		self->indir[i] = (i * 7) % variant->queues;
	/* The fields are set, not assumed: udp4 defaults to addresses only */
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, UDP_V4_FLOW, RXH_SDFN), 0);
	if (!variant->rss) {
		/* Setting the fields selected RSS: back to automq */
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 default"), 0)
			TH_LOG("%s", self->out);
		return;
	}
	ASSERT_EQ(set_rss(&self->dev, self->key, self->indir), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 flow-type udp4 dst-port %d action -1",
			       PORT_DROP), 0)
		TH_LOG("%s", self->out);
	if (variant->queues > 3)
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
				       "-N trss0 flow-type udp4 dst-port %d action 3",
				       PORT_Q3), 0)
			TH_LOG("%s", self->out);
}

FIXTURE_TEARDOWN(steer_once)
{
	trss_dev_destroy(&self->dev);
}

TEST_F(steer_once, parsed_once)
{
	unsigned long long before, after;
	unsigned int i, read = 0, dropped = 0;
	__u8 buf[TRSS_FRAME_MAX];
	struct trss_rx rx;
	__u64 seen[NR_FRAMES / 64 + 1] = {};
	int ret;

	ASSERT_EQ(parses(&before), 0);
	for (i = 0; i < NR_FRAMES; i++)
		ASSERT_EQ(trss_send_flow(&self->dev, &self->flows[i], i), 0);
	while ((ret = trss_recv(&self->dev, &rx, buf, sizeof(buf),
				TIMEOUT_MS)) > 0) {
		const struct trss_flow *fl;
		__u16 type, want_type;
		__u32 hash, want;

		ASSERT_TRUE(rx.tagged);
		ASSERT_LT(rx.tag, (__u32)NR_FRAMES);
		ASSERT_EQ(seen[rx.tag / 64] & (1ULL << (rx.tag % 64)), 0ULL);
		seen[rx.tag / 64] |= 1ULL << (rx.tag % 64);
		read++;
		fl = &self->flows[rx.tag];
		ASSERT_EQ(rx.vnet_len, (unsigned int)VNET_LEN);
		hash = get_le32(rx.vnet_hdr + 12);
		type = get_le16(rx.vnet_hdr + 16);
		if (!variant->report) {
			ASSERT_EQ(hash, 0U);
			ASSERT_EQ(type, VIRTIO_NET_HASH_REPORT_NONE);
			continue;
		}
		want = trss_flow_hash(fl, self->key, RXH_SDFN, 0, &want_type);
		if (variant->rss) {
			/* The key is the one set; without RSS it is random */
			EXPECT_EQ(hash, want) TH_LOG("frame %u", rx.tag);
			EXPECT_EQ(type, want_type) TH_LOG("frame %u", rx.tag);
			ASSERT_NE(fl->dport, PORT_DROP) TH_LOG("frame %u", rx.tag);
			if (fl->dport == PORT_Q3 && variant->queues > 3) {
				EXPECT_EQ(rx.queue, 3);
			} else {
				EXPECT_EQ((unsigned int)rx.queue,
					  trss_indir_queue(self->indir, hash));
			}
		} else {
			EXPECT_EQ(type, VIRTIO_NET_HASH_REPORT_UDPv4);
		}
	}
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(parses(&after), 0);
	for (i = 0; i < NR_FRAMES; i++)
		dropped += variant->rss && self->flows[i].dport == PORT_DROP;
	EXPECT_EQ(read + dropped, (unsigned int)NR_FRAMES);
	TH_LOG("%u frames sent, %u read, %u dropped by the rule, %llu parses",
	       NR_FRAMES, read, dropped, after - before);
	EXPECT_EQ(after - before, (unsigned long long)NR_FRAMES * variant->parses);
}

/* The generation race */

#define NR_FLOWS	256
#define RACE_MS		3000

struct race {
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	__u8 key[2][TRSS_RSS_KEY_LEN];
	__u32 indir[2][TRSS_INDIR_SIZE];
	bool stop;
	unsigned long long switches, sent;
	int err;
};

static void *race_control(void *arg)
{
	struct race *r = arg;
	unsigned int c = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		c ^= 1;
		if (set_rss(&r->dev, r->key[c], r->indir[c])) {
			r->err = -errno ?: -EIO;
			break;
		}
		r->switches++;
	}
	return NULL;
}

static void *race_send(void *arg)
{
	struct race *r = arg;
	unsigned int i = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		if (trss_send_flow(&r->dev, &r->flows[i % NR_FLOWS],
				   i % NR_FLOWS) == 0)
			r->sent++;
		i++;
		if (!(i % 64))
			usleep(100);
	}
	return NULL;
}

TEST(generation_race)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = 4,
		.vnet_hdr = true,
		.vnet_hdr_sz = VNET_LEN,
		.vnet_le = true,
	};
	unsigned long long by[2] = {}, other = 0, wrong = 0;
	pthread_t ctl, snd;
	__u8 buf[TRSS_FRAME_MAX];
	char out[OUT_LEN];
	struct timespec t0, t;
	struct trss_rx rx;
	struct race *r;
	__u64 seed = time(NULL);
	unsigned int i, c;
	int ret;

	r = calloc(1, sizeof(*r));
	ASSERT_NE(r, NULL);
	TH_LOG("seed %llu", (unsigned long long)seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&r->dev, &opts), 0);
	ASSERT_EQ(trss_ethtool(out, OUT_LEN, "-K trss0 rxhash on"), 0)
		TH_LOG("%s", out);
	ASSERT_EQ(trss_rxfh_fields_set(&r->dev, 0, UDP_V4_FLOW, RXH_SDFN), 0);
	for (i = 0; i < NR_FLOWS; i++) {
		trss_flow_init(&r->flows[i], AF_INET, IPPROTO_UDP, i);
		trss_flow_randomize(&r->flows[i], &seed);
	}
	for (c = 0; c < 2; c++) {
		trss_random_bytes(&seed, r->key[c], TRSS_RSS_KEY_LEN);
		for (i = 0; i < TRSS_INDIR_SIZE; i++)
			r->indir[c][i] = c ? 3 - i % 4 : i % 4;
	}
	ASSERT_EQ(set_rss(&r->dev, r->key[0], r->indir[0]), 0);

	ASSERT_EQ(pthread_create(&ctl, NULL, race_control, r), 0);
	ASSERT_EQ(pthread_create(&snd, NULL, race_send, r), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		const struct trss_flow *fl;
		__u32 hash, h[2];
		__u16 type;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (!r->stop && (t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > RACE_MS)
			__atomic_store_n(&r->stop, true, __ATOMIC_RELAXED);
		ret = trss_recv(&r->dev, &rx, buf, sizeof(buf),
				r->stop ? TIMEOUT_MS : 50);
		if (ret < 0 || (!ret && r->stop))
			break;
		if (!ret)
			continue;
		if (!rx.tagged || rx.tag >= NR_FLOWS) {
			other++;
			continue;
		}
		fl = &r->flows[rx.tag];
		hash = get_le32(rx.vnet_hdr + 12);
		for (c = 0; c < 2; c++)
			h[c] = trss_flow_hash(fl, r->key[c], RXH_SDFN, 0, &type);
		if (hash == h[0] && hash != h[1]) {
			c = 0;
		} else if (hash == h[1] && hash != h[0]) {
			c = 1;
		} else {
			/* No key gives this hash (or both do: not telling) */
			wrong += hash != h[0];
			continue;
		}
		by[c]++;
		if ((unsigned int)rx.queue != trss_indir_queue(r->indir[c], hash)) {
			if (wrong < 5)
				TH_LOG("flow %u: hash of key %c, queue %d, table %c says %u",
				       rx.tag, 'A' + c, rx.queue, 'A' + c,
				       trss_indir_queue(r->indir[c], hash));
			wrong++;
		}
	}
	__atomic_store_n(&r->stop, true, __ATOMIC_RELAXED);
	pthread_join(ctl, NULL);
	pthread_join(snd, NULL);
	TH_LOG("%llu configuration switches, %llu frames sent",
	       r->switches, r->sent);
	TH_LOG("read: %llu by A, %llu by B, %llu other, %llu inconsistent",
	       by[0], by[1], other, wrong);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(r->err, 0);
	EXPECT_EQ(other, 0ULL);
	EXPECT_EQ(wrong, 0ULL);
	/* Both configurations carried traffic, and switched under it */
	EXPECT_GT(by[0], 0ULL);
	EXPECT_GT(by[1], 0ULL);
	EXPECT_GT(r->switches, 10ULL);
	trss_dev_destroy(&r->dev);
	free(r);
}

TEST_HARNESS_MAIN
