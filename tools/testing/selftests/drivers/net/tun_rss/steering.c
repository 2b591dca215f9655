// SPDX-License-Identifier: GPL-2.0
/*
 * Who steers (SPEC §2, §3): a steering eBPF program and RSS exclude each
 * other, whichever came first refusing the other with EBUSY; and queues
 * that detach under a table pointing at them fold the table's entries
 * over the queues left (entry % numqueues) without losing a frame.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FLOWS	1000
#define TIMEOUT_MS	500
#define OUT_LEN		16384
#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

FIXTURE(steering)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	struct trss_batch batch;
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
	char out[OUT_LEN];
	__u64 seed;
	int prog;
};

FIXTURE_VARIANT(steering)
{
	unsigned int queues;
	int family;
	__u8 proto;
};

FIXTURE_VARIANT_ADD(steering, tcp4_4q)
{
	.queues = 4,
	.family = AF_INET,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(steering, udp6_8q)
{
	.queues = 8,
	.family = AF_INET6,
	.proto = IPPROTO_UDP,
};

FIXTURE_SETUP(steering)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = variant->queues,
	};
	unsigned int i;

	self->prog = -1;
	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	for (i = 0; i < NR_FLOWS; i++) {
		trss_flow_init(&self->flows[i], variant->family,
			       variant->proto, i);
		trss_flow_randomize(&self->flows[i], &self->seed);
	}
	trss_random_bytes(&self->seed, self->key, sizeof(self->key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		self->indir[i] = trss_random(&self->seed) % variant->queues;
}

FIXTURE_TEARDOWN(steering)
{
	if (self->prog >= 0)
		close(self->prog);
	trss_batch_free(&self->batch);
	trss_dev_destroy(&self->dev);
}

static int set_steering_prog(const struct trss_dev *dev, int prog)
{
	return ioctl(dev->fds[0], TUNSETSTEERINGEBPF, &prog) < 0 ? -errno : 0;
}

static int set_key_table(const struct trss_dev *dev, const __u8 *key,
			 const __u32 *indir)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, 0);
	if (key) {
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = key;
	}
	if (indir) {
		req.indir_size = TRSS_INDIR_SIZE;
		req.indir = indir;
	}
	return trss_rss_set(dev, &req);
}

/* The table back to the default, input_xfrm "no change": automq again */
static int reset_table(const struct trss_dev *dev)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, 0);
	req.indir_size = 0;
	return trss_rss_set(dev, &req);
}

/*
 * Every frame on the queue the program returns (folded by tun when past
 * the queues), nothing lost.
 */
static void check_all_on(struct __test_metadata *_metadata,
			 FIXTURE_DATA(steering) *self, unsigned int queue)
{
	struct trss_batch *b = &self->batch;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, 200, 1, TIMEOUT_MS,
				 b), 0);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->queue_frames[queue], b->sent);
	trss_batch_free(b);
}

/* Every frame on indir[hash % 128] % numqueues (SPEC §2), nothing lost */
static void check_rss(struct __test_metadata *_metadata,
		      FIXTURE_DATA(steering) *self)
{
	unsigned int f, nq = self->dev.nr_queues, bad = 0;
	struct trss_batch *b = &self->batch;
	int want;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 2,
				 TIMEOUT_MS, b), 0);
	EXPECT_EQ(b->sent, NR_FLOWS * 2U);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->lost, 0U);
	EXPECT_EQ(b->dups, 0U);
	EXPECT_EQ(b->stray, 0U);
	for (f = 0; f < NR_FLOWS; f++) {
		want = trss_indir_queue(self->indir,
					trss_flow_hash(&self->flows[f],
						       self->key, RXH_SDFN, 0,
						       NULL)) % nq;
		if ((b->flow[f].queue != want || b->flow[f].nr_queues != 1) &&
		    !bad++)
			TH_LOG("flow %u: queue %d (of %u), want %d", f,
			       b->flow[f].queue, b->flow[f].nr_queues, want);
	}
	EXPECT_EQ(bad, 0U) TH_LOG("%u of %u flows misplaced, %u queues", bad,
				  NR_FLOWS, nq);
	trss_batch_free(b);
}

/*
 * A program attached: key, table, hash fields and new contexts are all
 * refused with EBUSY and change nothing.  The ioctl has no extack: the
 * errno is all a SIOCETHTOOL caller gets.
 */
TEST_F(steering, ebpf_attached_refuses_rss_configuration)
{
	struct trss_rss before, after;
	struct trss_rss_req req;
	__u64 fields;
	__u32 ids[4];

	self->prog = trss_bpf_steering_prog(1);
	ASSERT_GE(self->prog, 0) TH_LOG("bpf: %s", strerror(-self->prog));
	ASSERT_EQ(set_steering_prog(&self->dev, self->prog), 0);
	check_all_on(_metadata, self, 1);
	ASSERT_EQ(trss_rss_get(&self->dev, 0, &before), 0);

	EXPECT_EQ(set_key_table(&self->dev, self->key, NULL), -EBUSY);
	EXPECT_EQ(set_key_table(&self->dev, NULL, self->indir), -EBUSY);
	EXPECT_EQ(trss_rxfh_fields_set(&self->dev, 0, TCP_V4_FLOW, RXH_SD),
		  -EBUSY);
	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	EXPECT_EQ(trss_rss_set(&self->dev, &req), -EBUSY);
	EXPECT_NE(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal 2"), 0);
	EXPECT_NE(strstr(self->out, "Device or resource busy"), NULL)
		TH_LOG("%s", self->out);

	ASSERT_EQ(trss_rss_get(&self->dev, 0, &after), 0);
	EXPECT_EQ(memcmp(&before, &after, sizeof(before)), 0);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, TCP_V4_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
	EXPECT_EQ(trss_rss_dump(self->dev.ifindex, 0, ids, NULL, 4), 1);
	check_all_on(_metadata, self, 1);

	/* detached, RSS configures and steers */
	ASSERT_EQ(set_steering_prog(&self->dev, -1), 0);
	ASSERT_EQ(set_key_table(&self->dev, self->key, self->indir), 0);
	check_rss(_metadata, self);
}

/* Each way RSS gets configured refuses a program, until undone */
TEST_F(steering, rss_configured_refuses_ebpf)
{
	struct trss_rss_req req;
	int id;

	self->prog = trss_bpf_steering_prog(1);
	ASSERT_GE(self->prog, 0) TH_LOG("bpf: %s", strerror(-self->prog));

	/* key and table */
	ASSERT_EQ(set_key_table(&self->dev, self->key, self->indir), 0);
	EXPECT_EQ(set_steering_prog(&self->dev, self->prog), -EBUSY);
	check_rss(_metadata, self);
	ASSERT_EQ(reset_table(&self->dev), 0);
	ASSERT_EQ(set_steering_prog(&self->dev, self->prog), 0);
	check_all_on(_metadata, self, 1);
	ASSERT_EQ(set_steering_prog(&self->dev, -1), 0);

	/* a table alone (IFF_RXFH_CONFIGURED) */
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal 2"), 0)
		TH_LOG("%s", self->out);
	EXPECT_EQ(set_steering_prog(&self->dev, self->prog), -EBUSY);
	ASSERT_EQ(reset_table(&self->dev), 0);

	/* hash fields of context 0 */
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, UDP_V4_FLOW, RXH_SD), 0);
	EXPECT_EQ(set_steering_prog(&self->dev, self->prog), -EBUSY);
	ASSERT_EQ(reset_table(&self->dev), 0);

	/* a context, context 0 untouched */
	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	id = req.context;
	EXPECT_EQ(set_steering_prog(&self->dev, self->prog), -EBUSY);
	trss_rss_req_init(&req, id);
	req.indir_size = 0;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);

	ASSERT_EQ(set_steering_prog(&self->dev, self->prog), 0);
	check_all_on(_metadata, self, 1);
}

/*
 * SPEC §2: a table set while all queues were attached keeps pointing at
 * queues that detach; each such entry folds to entry % numqueues, and
 * every frame still comes out of exactly one queue.  Detaching a middle
 * queue renumbers (tun moves the last queue into the hole): the entries
 * name queue indexes, so they follow the index, not the fd.
 */
TEST_F(steering, detached_queues_fold_table_entries)
{
	unsigned int q = variant->queues, i;
	struct trss_rss got;

	ASSERT_EQ(set_key_table(&self->dev, self->key, self->indir), 0);
	check_rss(_metadata, self);

	/* the last queue, then queue 1 (renumbering) */
	ASSERT_EQ(trss_queue_detach(&self->dev, q - 1), 0);
	check_rss(_metadata, self);
	ASSERT_EQ(trss_queue_detach(&self->dev, 1), 0);
	ASSERT_EQ(self->dev.nr_queues, q - 2);
	ASSERT_EQ(trss_rx_rings(&self->dev), (int)q - 2);
	check_rss(_metadata, self);

	/* the table reads back as set */
	ASSERT_EQ(trss_rss_get(&self->dev, 0, &got), 0);
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		EXPECT_EQ(got.indir[i], self->indir[i]);

	/* down to one queue: everything on it */
	for (i = 2; i < q - 1; i++)
		ASSERT_EQ(trss_queue_detach(&self->dev, i), 0);
	ASSERT_EQ(self->dev.nr_queues, 1U);
	check_rss(_metadata, self);
	check_all_on(_metadata, self, 0);

	/* all back: the table applies unfolded again */
	for (i = 1; i < q; i++)
		ASSERT_EQ(trss_queue_attach(&self->dev, i), 0);
	ASSERT_EQ(self->dev.nr_queues, q);
	check_rss(_metadata, self);
}

TEST_HARNESS_MAIN
