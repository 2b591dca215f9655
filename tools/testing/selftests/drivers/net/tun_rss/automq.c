// SPDX-License-Identifier: GPL-2.0
/*
 * tun's automatic queue selection, as every user who configures no RSS
 * keeps getting it (SPEC §3, rule 3): each frame sent to a multi-queue tap
 * comes out of exactly one queue, a flow stays on its queue, flows spread
 * over all queues, and a flow follows the queue its reply was last written
 * from.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FLOWS	1000
#define TIMEOUT_MS	500

FIXTURE(automq)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	struct trss_batch batch;
};

FIXTURE_VARIANT(automq)
{
	unsigned int queues;
	int family;
	__u8 proto;
};

FIXTURE_VARIANT_ADD(automq, udp4_2q)
{
	.queues = 2,
	.family = AF_INET,
	.proto = IPPROTO_UDP,
};

FIXTURE_VARIANT_ADD(automq, udp4_4q)
{
	.queues = 4,
	.family = AF_INET,
	.proto = IPPROTO_UDP,
};

FIXTURE_VARIANT_ADD(automq, udp4_8q)
{
	.queues = 8,
	.family = AF_INET,
	.proto = IPPROTO_UDP,
};

FIXTURE_VARIANT_ADD(automq, tcp6_2q)
{
	.queues = 2,
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(automq, tcp6_4q)
{
	.queues = 4,
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(automq, tcp6_8q)
{
	.queues = 8,
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
};

/*
 * No VLAN variant: a tagged frame sent on an AF_PACKET socket keeps
 * skb->protocol = ETH_P_8021Q while packet_parse_headers() moves the network
 * header past the tags, so the flow dissector misparses it and automq sends
 * every such flow to queue 0.  Tagged traffic is covered by the RSS tests,
 * whose parser starts at the MAC header.
 */

FIXTURE_SETUP(automq)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = variant->queues,
	};
	unsigned int i;

	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	ASSERT_EQ(self->dev.nr_queues, variant->queues);

	for (i = 0; i < NR_FLOWS; i++)
		trss_flow_init(&self->flows[i], variant->family, variant->proto, i);
}

FIXTURE_TEARDOWN(automq)
{
	trss_batch_free(&self->batch);
	trss_dev_destroy(&self->dev);
}

/* Checks shared by the tests: nothing lost, duplicated or stray */
static void check_delivery(struct __test_metadata *_metadata,
			   const struct trss_batch *b, unsigned int queues)
{
	unsigned int q, total = 0;

	EXPECT_EQ(b->sent, b->nr_flows * b->rounds);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->lost, 0U);
	EXPECT_EQ(b->dups, 0U);
	EXPECT_EQ(b->stray, 0U);
	for (q = 0; q < TRSS_MAX_QUEUES; q++) {
		if (q >= queues)
			EXPECT_EQ(b->queue_frames[q], 0U);
		total += b->queue_frames[q];
	}
	EXPECT_EQ(total, b->sent);
}

static void check_flows_on_one_queue(struct __test_metadata *_metadata,
				     const struct trss_batch *b)
{
	unsigned int f, bad = 0;

	for (f = 0; f < b->nr_flows; f++) {
		const struct trss_flow_stat *st = &b->flow[f];

		if (st->received == b->rounds && !st->dups &&
		    st->nr_queues == 1)
			continue;
		if (!bad++)
			TH_LOG("flow %u: %u of %u frames, %u dups, on %u queues",
			       f, st->received, b->rounds, st->dups,
			       st->nr_queues);
	}
	EXPECT_EQ(bad, 0U);
}

TEST_F(automq, each_frame_on_exactly_one_queue)
{
	struct trss_batch *b = &self->batch;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 1,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);
	check_flows_on_one_queue(_metadata, b);
}

TEST_F(automq, flow_stays_on_its_queue)
{
	struct trss_batch *b = &self->batch;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 4,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);
	check_flows_on_one_queue(_metadata, b);
}

/*
 * A uniform hash puts NR_FLOWS / queues flows on each queue (125 for 8
 * queues, standard deviation 10.5): a quarter of that is far out of reach
 * of chance, but catches a hash that ignores the addresses or ports.
 */
TEST_F(automq, flows_spread_over_all_queues)
{
	unsigned int q, min = NR_FLOWS / variant->queues / 4;
	struct trss_batch *b = &self->batch;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 1,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);
	for (q = 0; q < variant->queues; q++) {
		EXPECT_GE(b->queue_frames[q], min)
			TH_LOG("queue %u: %u frames", q, b->queue_frames[q]);
	}
}

/* The reader gets the frame as sent, byte for byte, and no vnet header */
TEST_F(automq, frame_arrives_intact)
{
	__u8 sent[TRSS_FRAME_MAX], got[TRSS_FRAME_MAX];
	struct trss_flow flow = self->flows[7];
	struct trss_rx rx;
	int len;

	flow.payload_len = 300;
	len = trss_dev_build(&self->dev, &flow, TRSS_TAG(7, 1), sent,
			     sizeof(sent));
	ASSERT_GT(len, 300);
	ASSERT_EQ(trss_send(&self->dev, sent, len), 0);
	ASSERT_EQ(trss_recv_tag(&self->dev, TRSS_TAG(7, 1), &rx, got,
				sizeof(got), TIMEOUT_MS), 1);
	EXPECT_EQ(rx.len, (size_t)len);
	EXPECT_EQ(rx.vnet_len, 0U);
	EXPECT_GE(rx.queue, 0);
	EXPECT_LT(rx.queue, (int)variant->queues);
	EXPECT_EQ(memcmp(sent, got, len), 0);
	EXPECT_EQ(trss_drain(&self->dev, 20), 0);
}

/*
 * Queues come and go (SPEC §2): with a queue detached, every frame still
 * comes out of exactly one of the remaining queues; attached again, all
 * queues serve again.  Detaching queue 0 makes tun move its last queue
 * into slot 0, which the library must follow.
 */
TEST_F(automq, delivery_follows_queue_detach_and_attach)
{
	struct trss_batch *b = &self->batch;
	unsigned int fd_idx;

	for (fd_idx = 0; fd_idx < self->dev.nr_fds; fd_idx++)
		if (self->dev.queue[fd_idx] == 0)
			break;
	ASSERT_EQ(trss_queue_detach(&self->dev, fd_idx), 0);
	ASSERT_EQ(self->dev.nr_queues, variant->queues - 1);

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 2,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues - 1);
	check_flows_on_one_queue(_metadata, b);
	trss_batch_free(b);

	ASSERT_EQ(trss_queue_attach(&self->dev, fd_idx), 0);
	ASSERT_EQ(self->dev.queue[fd_idx], (int)variant->queues - 1);
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 2,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);
	check_flows_on_one_queue(_metadata, b);
	EXPECT_GT(b->queue_frames[variant->queues - 1], 0U);
}

/*
 * automq's flow table: once the reader of queue q writes a frame of a flow
 * (the reply, hashed symmetrically), the flow is steered to q for as long
 * as the entry lives (TUN_FLOW_EXPIRE, 3 s, far longer than this test).
 */
#define NR_REPLIES	64

TEST_F(automq, flow_follows_queue_of_its_reply)
{
	int target[NR_REPLIES];
	unsigned int f;
	struct trss_batch *b = &self->batch;
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow reply;
	int len;

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_REPLIES, 1,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);

	for (f = 0; f < NR_REPLIES; f++) {
		ASSERT_GE(b->flow[f].queue, 0);
		target[f] = (b->flow[f].queue + 1 + f % (variant->queues - 1)) %
			    variant->queues;
		reply = self->flows[f];
		trss_flow_reverse(&reply);
		len = trss_dev_build(&self->dev, &reply, TRSS_TAG(f, 100),
				     frame, sizeof(frame));
		ASSERT_GT(len, 0);
		ASSERT_EQ(trss_queue_write(&self->dev, target[f], frame, len),
			  0);
	}
	trss_batch_free(b);

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_REPLIES, 2,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, variant->queues);
	check_flows_on_one_queue(_metadata, b);
	for (f = 0; f < NR_REPLIES; f++) {
		EXPECT_EQ(b->flow[f].queue, target[f])
			TH_LOG("flow %u", f);
	}
}

TEST_HARNESS_MAIN
