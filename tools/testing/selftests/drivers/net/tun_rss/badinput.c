// SPDX-License-Identifier: GPL-2.0
/*
 * Bad requests (SPEC §7): each gets its precise errno and changes
 * nothing.  They go through SIOCETHTOOL so that the kernel sees them as
 * sent (the ethtool binary refuses several itself: a key of the wrong
 * length, an unknown hash function name, a table it cannot express).
 * The state every test starts from is configured on purpose (key, table,
 * fields, a second context), and read back in full after each request.
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define QUEUES		4
#define OUT_LEN		16384
#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

/* Flow types tun keeps hash fields for */
static const __u32 flow_types[] = {
	TCP_V4_FLOW, UDP_V4_FLOW, SCTP_V4_FLOW, AH_ESP_V4_FLOW, IPV4_FLOW,
	TCP_V6_FLOW, UDP_V6_FLOW, SCTP_V6_FLOW, AH_ESP_V6_FLOW, IPV6_FLOW,
};

#define NR_TYPES	ARRAY_SIZE(flow_types)

struct snapshot {
	int rings;
	int nr_ctx;
	__u32 ids[4];
	struct trss_rss rss[4];
	__u64 fields[4][NR_TYPES];
};

FIXTURE(badinput)
{
	struct trss_dev dev;
	struct snapshot before;
	char out[OUT_LEN];
	__u64 seed;
	__u32 ctx;
};

FIXTURE_SETUP(badinput)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = QUEUES,
	};
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_rss_req req;
	unsigned int i;

	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);

	/* context 0: key, table, tcp4 on sd, ipv6 on nothing */
	trss_random_bytes(&self->seed, key, sizeof(key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = trss_random(&self->seed) % QUEUES;
	trss_rss_req_init(&req, 0);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, TCP_V4_FLOW, RXH_SD), 0);
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, IPV6_FLOW, 0), 0);

	/* a context of its own: key, table, udp6 on sd */
	trss_random_bytes(&self->seed, key, sizeof(key));
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = trss_random(&self->seed) % QUEUES;
	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	self->ctx = req.context;
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, self->ctx, UDP_V6_FLOW,
				       RXH_SD), 0);
}

FIXTURE_TEARDOWN(badinput)
{
	trss_dev_destroy(&self->dev);
}

static void take(struct __test_metadata *_metadata,
		 FIXTURE_DATA(badinput) *self, struct snapshot *s)
{
	unsigned int c, t;

	memset(s, 0, sizeof(*s));
	s->rings = trss_rx_rings(&self->dev);
	s->nr_ctx = trss_rss_dump(self->dev.ifindex, 0, s->ids, s->rss, 4);
	ASSERT_EQ(s->nr_ctx, 2);
	for (c = 0; c < 2; c++) {
		for (t = 0; t < NR_TYPES; t++)
			ASSERT_EQ(trss_rxfh_fields_get(&self->dev, s->ids[c],
						       flow_types[t],
						       &s->fields[c][t]), 0);
	}
}

/* The state is the one setup made, and what it was before the request */
static void check_unchanged(struct __test_metadata *_metadata,
			    FIXTURE_DATA(badinput) *self)
{
	struct snapshot now;
	unsigned int c;

	take(_metadata, self, &now);
	EXPECT_EQ(now.rings, QUEUES);
	EXPECT_EQ(now.nr_ctx, self->before.nr_ctx);
	for (c = 0; c < 2; c++) {
		EXPECT_EQ(now.ids[c], self->before.ids[c]);
		EXPECT_EQ(memcmp(&now.rss[c], &self->before.rss[c],
				 sizeof(now.rss[c])), 0)
			TH_LOG("context %u key or table changed", now.ids[c]);
		EXPECT_EQ(memcmp(now.fields[c], self->before.fields[c],
				 sizeof(now.fields[c])), 0)
			TH_LOG("context %u hash fields changed", now.ids[c]);
	}
	EXPECT_EQ(now.fields[0][0], RXH_SD);
	EXPECT_EQ(now.fields[0][NR_TYPES - 1], 0ULL);
	EXPECT_EQ(now.fields[1][6], RXH_SD);
}

static int set_key(FIXTURE_DATA(badinput) *self, __u32 ctx, __u32 len)
{
	__u8 key[64];
	struct trss_rss_req req;

	trss_random_bytes(&self->seed, key, sizeof(key));
	trss_rss_req_init(&req, ctx);
	req.key_size = len;
	req.key = key;
	return trss_rss_set(&self->dev, &req);
}

static int set_table(FIXTURE_DATA(badinput) *self, __u32 ctx,
		     __u32 entry, __u32 value, __u32 size)
{
	__u32 indir[2 * TRSS_INDIR_SIZE];
	struct trss_rss_req req;
	unsigned int i;

	for (i = 0; i < 2 * TRSS_INDIR_SIZE; i++)
		indir[i] = i % QUEUES;
	indir[entry] = value;
	trss_rss_req_init(&req, ctx);
	req.indir_size = size;
	req.indir = indir;
	return trss_rss_set(&self->dev, &req);
}

static int set_func(FIXTURE_DATA(badinput) *self, __u32 ctx, __u8 hfunc,
		    __u8 xfrm)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, ctx);
	req.hfunc = hfunc;
	req.input_xfrm = xfrm;
	return trss_rss_set(&self->dev, &req);
}

/* The key is 40 bytes: the core checks the size against the driver's */
TEST_F(badinput, wrong_key_length_is_einval)
{
	static const __u32 lens[] = { 1, 39, 41, 52 };
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(set_key(self, 0, lens[i]), -EINVAL)
			TH_LOG("%u bytes", lens[i]);
		EXPECT_EQ(set_key(self, self->ctx, lens[i]), -EINVAL);
		check_unchanged(_metadata, self);
	}
}

/* Entries must name attached queues, tables have 128 entries */
TEST_F(badinput, table_entry_beyond_the_queues_is_einval)
{
	static const __u32 values[] = { QUEUES, QUEUES + 1, 255, 0xffffffff };
	struct trss_rss_req req;
	__u32 indir[TRSS_INDIR_SIZE];
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(set_table(self, 0, i * 37, values[i],
				    TRSS_INDIR_SIZE), -EINVAL)
			TH_LOG("entry %u = %u", i * 37, values[i]);
		EXPECT_EQ(set_table(self, self->ctx, 127, values[i],
				    TRSS_INDIR_SIZE), -EINVAL);
		check_unchanged(_metadata, self);
	}
	EXPECT_EQ(set_table(self, 0, 0, 0, 64), -EINVAL);
	EXPECT_EQ(set_table(self, 0, 0, 0, 2 * TRSS_INDIR_SIZE), -EINVAL);

	/* nor does a context get created with one */
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = i % QUEUES;
	indir[100] = QUEUES;
	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	EXPECT_EQ(trss_rss_set(&self->dev, &req), -EINVAL);
	check_unchanged(_metadata, self);

	/* one queue detached: its index is now out of range */
	ASSERT_EQ(trss_queue_detach(&self->dev, QUEUES - 1), 0);
	EXPECT_EQ(set_table(self, 0, 3, QUEUES - 1, TRSS_INDIR_SIZE), -EINVAL);
	ASSERT_EQ(trss_queue_attach(&self->dev, QUEUES - 1), 0);
	check_unchanged(_metadata, self);
}

TEST_F(badinput, unknown_context_is_enoent)
{
	static const __u32 ids[] = { 2, 5, 63, 64, 1000 };
	struct trss_rss got;
	unsigned int i;
	__u64 fields;

	take(_metadata, self, &self->before);
	for (i = 0; i < 5; i++) {
		if (ids[i] == self->ctx)
			continue;
		EXPECT_EQ(trss_rss_get(&self->dev, ids[i], &got), -ENOENT)
			TH_LOG("context %u", ids[i]);
		EXPECT_EQ(set_key(self, ids[i], TRSS_RSS_KEY_LEN), -ENOENT);
		EXPECT_EQ(set_table(self, ids[i], 0, 0, 0), -ENOENT);
		EXPECT_EQ(trss_rxfh_fields_get(&self->dev, ids[i], TCP_V4_FLOW,
					       &fields), -ENOENT);
		EXPECT_EQ(trss_rxfh_fields_set(&self->dev, ids[i], TCP_V4_FLOW,
					       RXH_SD), -ENOENT);
		check_unchanged(_metadata, self);
	}
}

/* Toeplitz only: the driver refuses the others */
TEST_F(badinput, unsupported_hfunc_is_eopnotsupp)
{
	static const __u8 funcs[] = {
		TRSS_HASH_XOR, TRSS_HASH_CRC32, 1 << 5,
		TRSS_HASH_TOP | TRSS_HASH_XOR,
	};
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(set_func(self, 0, funcs[i], RXH_XFRM_NO_CHANGE),
			  -EOPNOTSUPP) TH_LOG("hfunc %#x", funcs[i]);
		EXPECT_EQ(set_func(self, self->ctx, funcs[i],
				   RXH_XFRM_NO_CHANGE), -EOPNOTSUPP);
		check_unchanged(_metadata, self);
	}
	EXPECT_NE(trss_ethtool(self->out, OUT_LEN, "-X trss0 hfunc xor"), 0);
	check_unchanged(_metadata, self);
	/* the one it has is accepted */
	EXPECT_EQ(set_func(self, 0, TRSS_HASH_TOP, RXH_XFRM_NO_CHANGE), 0);
}

/*
 * input_xfrm: the core itself rejects a value that is not a known
 * transform (EINVAL: ethtool_set_rxfh() accepts only 0, SYM_XOR,
 * SYM_OR_XOR and "no change"); a known one the device did not declare in
 * supported_input_xfrm is EOPNOTSUPP (symmetric-or-xor: tun declares
 * symmetric-xor only).
 */
TEST_F(badinput, unsupported_input_xfrm_is_refused)
{
	static const struct {
		__u8 xfrm;
		int err;
	} cases[] = {
		{ RXH_XFRM_SYM_OR_XOR, -EOPNOTSUPP },
		{ RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR, -EINVAL },
		{ 1 << 2, -EINVAL },
		{ 0x80, -EINVAL },
	};
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(set_func(self, 0, TRSS_HASH_NO_CHANGE, cases[i].xfrm),
			  cases[i].err) TH_LOG("input_xfrm %#x", cases[i].xfrm);
		EXPECT_EQ(set_func(self, self->ctx, TRSS_HASH_NO_CHANGE,
				   cases[i].xfrm), cases[i].err);
		check_unchanged(_metadata, self);
	}
}

/*
 * Any subset of the fields a frame of the flow type carries is taken
 * (tuntap.rst): these were refused when tun took only sdfn, sd or
 * nothing.  Each is set, read back, and put back to the default.
 */
TEST_F(badinput, any_carried_field_set_is_taken)
{
	static const struct {
		__u32 flow_type;
		__u64 fields;
	} cases[] = {
		{ TCP_V4_FLOW, RXH_IP_SRC },
		{ TCP_V4_FLOW, RXH_IP_DST | RXH_L4_B_2_3 },
		{ UDP_V6_FLOW, RXH_SD | RXH_L4_B_0_1 },
		{ UDP_V4_FLOW, RXH_L4_B_0_1 | RXH_L4_B_2_3 },
		{ TCP_V6_FLOW, RXH_SDFN | RXH_L3_PROTO },
		{ TCP_V4_FLOW, RXH_SDFN | RXH_VLAN },
		{ UDP_V4_FLOW, RXH_SD | RXH_L2DA },
		{ IPV6_FLOW, RXH_IP_SRC },
		{ IPV6_FLOW, RXH_SD | RXH_IP6_FL },
		{ SCTP_V4_FLOW, RXH_SDFN },
		{ AH_ESP_V6_FLOW, RXH_SD | RXH_L4_B_0_1 },
	};
	__u64 got, dflt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, cases[i].flow_type,
					       &dflt), 0);
		EXPECT_EQ(trss_rxfh_fields_set(&self->dev, 0, cases[i].flow_type,
					       cases[i].fields), 0)
			TH_LOG("case %u", i);
		ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, cases[i].flow_type,
					       &got), 0);
		EXPECT_EQ(got, cases[i].fields) TH_LOG("case %u", i);
		EXPECT_EQ(trss_rxfh_fields_set(&self->dev, 0, cases[i].flow_type,
					       dflt), 0);
	}
}

/*
 * What a frame of the flow type does not carry (ports for ip4/ip6, the
 * flow label for IPv4), the GTP TEID, discard, undefined bits and flow
 * types tun has no fields for are refused.
 */
TEST_F(badinput, unsupported_hash_fields_are_einval)
{
	static const struct {
		__u32 flow_type;
		__u64 fields;
	} cases[] = {
		{ IPV4_FLOW, RXH_SDFN },
		{ IPV6_FLOW, RXH_SD | RXH_L4_B_0_1 },
		{ IPV4_FLOW, RXH_L4_B_2_3 },
		{ TCP_V4_FLOW, RXH_SD | RXH_IP6_FL },
		{ UDP_V4_FLOW, RXH_SD | RXH_GTP_TEID },
		{ TCP_V6_FLOW, RXH_SDFN | (1 << 10) },
		{ TCP_V4_FLOW, RXH_SD | RXH_DISCARD },
		{ ETHER_FLOW, RXH_SD },
		{ IP_USER_FLOW, RXH_SD },
	};
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(trss_rxfh_fields_set(&self->dev, 0, cases[i].flow_type,
					       cases[i].fields), -EINVAL)
			TH_LOG("case %u", i);
		EXPECT_EQ(trss_rxfh_fields_set(&self->dev, self->ctx,
					       cases[i].flow_type,
					       cases[i].fields), -EINVAL)
			TH_LOG("case %u, context %u", i, self->ctx);
		check_unchanged(_metadata, self);
	}
	/* ethtool 6.1 prints the error but exits 0 for rx-flow-hash */
	trss_ethtool(self->out, OUT_LEN, "-N trss0 rx-flow-hash tcp4 sdr");
	EXPECT_NE(strstr(self->out,
			 "Cannot change RX network flow hashing options: Invalid argument"),
		  NULL) TH_LOG("%s", self->out);
	check_unchanged(_metadata, self);
}

/*
 * With no queue attached there are no rings (ENODATA), so nothing can be
 * configured; the configuration is there again when a queue comes back.
 */
TEST_F(badinput, no_queue_attached_is_enodata)
{
	unsigned int i;

	take(_metadata, self, &self->before);
	for (i = 0; i < QUEUES; i++)
		ASSERT_EQ(trss_queue_detach(&self->dev, i), 0);
	EXPECT_EQ(trss_rx_rings(&self->dev), -ENODATA);
	EXPECT_EQ(set_key(self, 0, TRSS_RSS_KEY_LEN), -ENODATA);
	EXPECT_EQ(set_table(self, 0, 0, 0, TRSS_INDIR_SIZE), -ENODATA);
	for (i = 0; i < QUEUES; i++)
		ASSERT_EQ(trss_queue_attach(&self->dev, i), 0);
	check_unchanged(_metadata, self);
}

TEST_HARNESS_MAIN
