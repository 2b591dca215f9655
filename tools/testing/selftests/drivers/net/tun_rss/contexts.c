// SPDX-License-Identifier: GPL-2.0
/*
 * Additional RSS contexts on a tap (SPEC §4): at least 63, each with its
 * own key, table and hash fields, created, changed, read back and deleted
 * through Debian's stock ethtool (ioctl path) and SIOCETHTOOL, listed by
 * the ethtool netlink dump.  The scenarios of upstream's
 * drivers/net/hw/rss_ctx.py, re-expressed for a tap: queues are fds that
 * attach and detach instead of "ethtool -L", and since contexts are only
 * reached through ntuple rules, which tun does not have yet, traffic
 * checks are about context 0.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FLOWS	1000
#define TIMEOUT_MS	500
#define OUT_LEN		16384
/* SPEC §4: IDs 1..63 */
#define MAX_CTX		63
#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

FIXTURE(contexts)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	struct trss_batch batch;
	char out[OUT_LEN];
	__u64 seed;
};

FIXTURE_VARIANT(contexts)
{
	unsigned int queues;
	int family;
	__u8 proto;
};

FIXTURE_VARIANT_ADD(contexts, tcp4_4q)
{
	.queues = 4,
	.family = AF_INET,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(contexts, udp6_8q)
{
	.queues = 8,
	.family = AF_INET6,
	.proto = IPPROTO_UDP,
};

FIXTURE_SETUP(contexts)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = variant->queues,
	};
	unsigned int i;

	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	for (i = 0; i < NR_FLOWS; i++) {
		trss_flow_init(&self->flows[i], variant->family,
			       variant->proto, i);
		trss_flow_randomize(&self->flows[i], &self->seed);
	}
}

FIXTURE_TEARDOWN(contexts)
{
	trss_batch_free(&self->batch);
	trss_dev_destroy(&self->dev);
}

static void key_str(const __u8 *key, char *buf)
{
	unsigned int i;

	for (i = 0; i < TRSS_RSS_KEY_LEN; i++)
		sprintf(buf + 3 * i, "%02x%s", key[i],
			i + 1 < TRSS_RSS_KEY_LEN ? ":" : "");
}

/* "ethtool -X trss0 context new ARGS": the new ID, or a negative errno */
static int ethtool_ctx_new(char *out, const char *args)
{
	unsigned int id;
	const char *p;
	int ret;

	ret = trss_ethtool(out, OUT_LEN, "-X trss0 context new %s", args);
	if (ret)
		return ret < 0 ? ret : -EIO;
	p = strstr(out, "New RSS context is ");
	if (!p || sscanf(p, "New RSS context is %u", &id) != 1)
		return -ENOMSG;
	return id;
}

/* SIOCETHTOOL context creation with a key and a table */
static int ioctl_ctx_new(const struct trss_dev *dev, const __u8 *key,
			 const __u32 *indir)
{
	struct trss_rss_req req;
	int err;

	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	if (key) {
		req.key_size = TRSS_RSS_KEY_LEN;
		req.key = key;
	}
	if (indir) {
		req.indir_size = TRSS_INDIR_SIZE;
		req.indir = indir;
	}
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

static void random_table(__u64 *seed, __u32 *indir, unsigned int queues)
{
	unsigned int i;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = trss_random(seed) % queues;
}

/* What "ethtool -X equal n start s" asks for */
static void equal_table(__u32 *indir, unsigned int start, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = start + i % n;
}

static bool key_is_zero(const __u8 *key)
{
	unsigned int i;

	for (i = 0; i < TRSS_RSS_KEY_LEN; i++)
		if (key[i])
			return false;
	return true;
}

/*
 * A context reads back as expected (NULL: not checked), through the ioctl
 * and through "ethtool -x trss0 context ID".
 */
static void check_ctx(struct __test_metadata *_metadata,
		      FIXTURE_DATA(contexts) *self, __u32 id,
		      const __u32 *indir, const __u8 *key)
{
	unsigned int isz, ksz, i, bad = 0;
	struct trss_rss got;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (!pass) {
			ASSERT_EQ(trss_rss_get(&self->dev, id, &got), 0)
				TH_LOG("context %u", id);
		} else {
			ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
					       id ? "-x trss0 context %u" :
					       "-x trss0", id), 0)
				TH_LOG("%s", self->out);
			ASSERT_EQ(trss_ethtool_parse_rss(self->out, &got, &isz,
							 &ksz), 0)
				TH_LOG("%s", self->out);
			EXPECT_EQ(isz, (unsigned int)TRSS_INDIR_SIZE);
			EXPECT_EQ(ksz, (unsigned int)TRSS_RSS_KEY_LEN);
		}
		for (i = 0; indir && i < TRSS_INDIR_SIZE; i++)
			if (got.indir[i] != indir[i] && !bad++)
				TH_LOG("context %u entry %u: %u, want %u", id, i,
				       got.indir[i], indir[i]);
		if (key)
			EXPECT_EQ(memcmp(got.key, key, TRSS_RSS_KEY_LEN), 0)
				TH_LOG("context %u key", id);
		EXPECT_FALSE(key_is_zero(got.key));
		EXPECT_EQ(got.hfunc, TRSS_HASH_TOP);
	}
	EXPECT_EQ(bad, 0U);
}

/* A context created bare spreads over all queues, with a non-zero key */
TEST_F(contexts, create_without_config_gets_defaults)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u64 fields;
	int id;

	id = ethtool_ctx_new(self->out, "");
	ASSERT_GT(id, 0) TH_LOG("%s", self->out);
	ASSERT_LE(id, MAX_CTX);
	equal_table(indir, 0, variant->queues);
	check_ctx(_metadata, self, id, indir, NULL);

	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, id, TCP_V4_FLOW, &fields),
		  0);
	EXPECT_EQ(fields, RXH_SDFN);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, id, IPV6_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SD);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-X trss0 context %d delete", id), 0)
		TH_LOG("%s", self->out);
}

TEST_F(contexts, create_with_config_keeps_it)
{
	char hkey[3 * TRSS_RSS_KEY_LEN + 1], args[256];
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	int id, id2;

	trss_random_bytes(&self->seed, key, sizeof(key));
	key_str(key, hkey);
	snprintf(args, sizeof(args), "hkey %s start 2 equal 2", hkey);
	id = ethtool_ctx_new(self->out, args);
	ASSERT_GT(id, 0) TH_LOG("%s", self->out);
	equal_table(indir, 2, 2);
	check_ctx(_metadata, self, id, indir, key);

	/* SIOCETHTOOL with an explicit table */
	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	id2 = ioctl_ctx_new(&self->dev, key, indir);
	ASSERT_GT(id2, 0);
	EXPECT_NE(id2, id);
	check_ctx(_metadata, self, id2, indir, key);
}

/* rss_ctx.py test_rss_key_indir, for a context and for context 0 */
TEST_F(contexts, key_and_table_updates_read_back)
{
	char hkey[3 * TRSS_RSS_KEY_LEN + 1];
	__u32 indir[TRSS_INDIR_SIZE], indir0[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN], key0[TRSS_RSS_KEY_LEN];
	struct trss_rss_req req;
	struct trss_rss ctx0;
	int id;

	trss_random_bytes(&self->seed, key0, sizeof(key0));
	key_str(key0, hkey);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal 3 hkey %s",
			       hkey), 0)
		TH_LOG("%s", self->out);
	equal_table(indir0, 0, 3);
	check_ctx(_metadata, self, 0, indir0, key0);

	id = ethtool_ctx_new(self->out, "");
	ASSERT_GT(id, 0) TH_LOG("%s", self->out);

	trss_random_bytes(&self->seed, key, sizeof(key));
	key_str(key, hkey);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 context %d hkey %s",
			       id, hkey), 0)
		TH_LOG("%s", self->out);
	equal_table(indir, 0, variant->queues);
	check_ctx(_metadata, self, id, indir, key);

	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-X trss0 context %d equal 2", id), 0)
		TH_LOG("%s", self->out);
	equal_table(indir, 0, 2);
	check_ctx(_metadata, self, id, indir, key);

	random_table(&self->seed, indir, variant->queues);
	trss_rss_req_init(&req, id);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	check_ctx(_metadata, self, id, indir, key);

	/* context 0 kept its own */
	check_ctx(_metadata, self, 0, indir0, key0);
	ASSERT_EQ(trss_rss_get(&self->dev, 0, &ctx0), 0);
	EXPECT_NE(memcmp(ctx0.key, key, TRSS_RSS_KEY_LEN), 0);
}

/* rx-flow-hash ... context N: per context, others keep theirs */
TEST_F(contexts, hash_fields_are_per_context)
{
	__u64 fields;
	int a, b;

	a = ethtool_ctx_new(self->out, "");
	ASSERT_GT(a, 0) TH_LOG("%s", self->out);
	b = ethtool_ctx_new(self->out, "");
	ASSERT_GT(b, 0) TH_LOG("%s", self->out);

	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 rx-flow-hash tcp4 sd context %d", a), 0)
		TH_LOG("%s", self->out);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-n trss0 rx-flow-hash tcp4 context %d", a), 0)
		TH_LOG("%s", self->out);
	ASSERT_EQ(trss_ethtool_parse_fields(self->out, &fields), 0)
		TH_LOG("%s", self->out);
	EXPECT_EQ(fields, RXH_SD);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, a, TCP_V4_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SD);

	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, b, UDP_V6_FLOW, 0), 0);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, b, UDP_V6_FLOW, &fields), 0);
	EXPECT_EQ(fields, 0ULL);

	/* the others */
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, b, TCP_V4_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, a, UDP_V6_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, TCP_V4_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, UDP_V6_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
}

TEST_F(contexts, deleted_context_is_gone)
{
	struct trss_rss got;
	__u64 fields;
	__u32 ids[4];
	int id;

	id = ethtool_ctx_new(self->out, "equal 2");
	ASSERT_GT(id, 0) TH_LOG("%s", self->out);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-X trss0 context %d delete", id), 0)
		TH_LOG("%s", self->out);
	EXPECT_EQ(trss_rss_get(&self->dev, id, &got), -ENOENT);
	EXPECT_EQ(trss_rxfh_fields_get(&self->dev, id, TCP_V4_FLOW, &fields),
		  -ENOENT);
	EXPECT_NE(trss_ethtool(self->out, OUT_LEN, "-x trss0 context %d", id),
		  0);
	EXPECT_EQ(trss_rss_dump(self->dev.ifindex, 0, ids, NULL, 4), 1);
	EXPECT_EQ(ids[0], 0U);
}

/* Unknown contexts: ENOENT for every operation that names one */
TEST_F(contexts, unknown_context_is_enoent)
{
	__u32 indir[TRSS_INDIR_SIZE];
	struct trss_rss_req req;
	struct trss_rss got;
	__u64 fields;

	equal_table(indir, 0, 2);
	EXPECT_EQ(trss_rss_get(&self->dev, 5, &got), -ENOENT);
	trss_rss_req_init(&req, 5);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	EXPECT_EQ(trss_rss_set(&self->dev, &req), -ENOENT);
	EXPECT_EQ(ctx_delete(&self->dev, 5), -ENOENT);
	EXPECT_EQ(trss_rxfh_fields_get(&self->dev, 5, TCP_V4_FLOW, &fields),
		  -ENOENT);
	EXPECT_EQ(trss_rxfh_fields_set(&self->dev, 5, TCP_V4_FLOW, RXH_SD),
		  -ENOENT);
}

/*
 * rss_ctx.py test_rss_context{4,32}: contexts on queue pairs (start 2i,
 * equal 2, folded into the attached queues), each with its own key, all
 * read back; then deleted.
 */
static void check_n_contexts(struct __test_metadata *_metadata,
			     FIXTURE_DATA(contexts) *self, unsigned int n,
			     unsigned int queues)
{
	__u8 keys[MAX_CTX][TRSS_RSS_KEY_LEN];
	char hkey[3 * TRSS_RSS_KEY_LEN + 1], args[256];
	__u32 indir[TRSS_INDIR_SIZE];
	int ids[MAX_CTX];
	unsigned int i, j, start;

	for (i = 0; i < n; i++) {
		start = (2 * i) % (queues - 1);
		trss_random_bytes(&self->seed, keys[i], TRSS_RSS_KEY_LEN);
		key_str(keys[i], hkey);
		snprintf(args, sizeof(args), "start %u equal 2 hkey %s", start,
			 hkey);
		ids[i] = ethtool_ctx_new(self->out, args);
		ASSERT_GT(ids[i], 0) TH_LOG("context %u: %s", i, self->out);
		for (j = 0; j < i; j++)
			ASSERT_NE(ids[i], ids[j]);
	}
	for (i = 0; i < n; i++) {
		equal_table(indir, (2 * i) % (queues - 1), 2);
		check_ctx(_metadata, self, ids[i], indir, keys[i]);
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(ctx_delete(&self->dev, ids[i]), 0);
}

TEST_F(contexts, four_contexts)
{
	check_n_contexts(_metadata, self, 4, variant->queues);
}

TEST_F(contexts, thirty_two_contexts)
{
	check_n_contexts(_metadata, self, 32, variant->queues);
}

/*
 * SPEC §4: 63 contexts (IDs 1..63).  The 64th is refused by the ethtool
 * core, whose ID allocator (xa_alloc over 1..rxfh_max_num_contexts - 1)
 * fails with EBUSY when the range is full.  A freed ID is reused.
 */
TEST_F(contexts, sixty_three_contexts_then_the_64th_fails)
{
	__u8 keys[MAX_CTX][TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
	bool seen[MAX_CTX + 1] = {};
	int ids[MAX_CTX], i, id;

	for (i = 0; i < MAX_CTX; i++) {
		trss_random_bytes(&self->seed, keys[i], TRSS_RSS_KEY_LEN);
		equal_table(indir, i % variant->queues, 1);
		ids[i] = ioctl_ctx_new(&self->dev, keys[i], indir);
		ASSERT_GT(ids[i], 0) TH_LOG("context %d", i);
		ASSERT_LE(ids[i], MAX_CTX);
		ASSERT_FALSE(seen[ids[i]]);
		seen[ids[i]] = true;
	}
	EXPECT_EQ(ioctl_ctx_new(&self->dev, NULL, NULL), -EBUSY);
	EXPECT_NE(trss_ethtool(self->out, OUT_LEN, "-X trss0 context new"), 0);

	for (i = 0; i < MAX_CTX; i += 9) {
		equal_table(indir, i % variant->queues, 1);
		check_ctx(_metadata, self, ids[i], indir, keys[i]);
	}

	ASSERT_EQ(ctx_delete(&self->dev, ids[30]), 0);
	id = ioctl_ctx_new(&self->dev, NULL, NULL);
	EXPECT_EQ(id, ids[30]);
	EXPECT_EQ(ioctl_ctx_new(&self->dev, NULL, NULL), -EBUSY);
}

/* All contexts of the device, in ID order, with their tables and keys */
static void check_dump(struct __test_metadata *_metadata,
		       FIXTURE_DATA(contexts) *self, __u32 start,
		       const __u32 *want, unsigned int nr)
{
	struct trss_rss rss[MAX_CTX + 1], got;
	__u32 ids[MAX_CTX + 1];
	int n, i;

	n = trss_rss_dump(self->dev.ifindex, start, ids, rss, MAX_CTX + 1);
	ASSERT_EQ(n, (int)nr);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(ids[i], want[i]);
		ASSERT_EQ(trss_rss_get(&self->dev, ids[i], &got), 0);
		EXPECT_EQ(memcmp(rss[i].indir, got.indir, sizeof(got.indir)),
			  0) TH_LOG("context %u table", ids[i]);
		EXPECT_EQ(memcmp(rss[i].key, got.key, sizeof(got.key)), 0)
			TH_LOG("context %u key", ids[i]);
		EXPECT_EQ(rss[i].hfunc, TRSS_HASH_TOP);
	}
}

/* rss_ctx.py test_rss_context_dump */
TEST_F(contexts, dump_lists_every_context)
{
	char hkey[3 * TRSS_RSS_KEY_LEN + 1], args[256];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_rss rss[4];
	__u32 want[4], ids[4];
	int id;

	want[0] = 0;
	id = ethtool_ctx_new(self->out, "");
	ASSERT_GT(id, 0);
	want[1] = id;
	id = ethtool_ctx_new(self->out, "weight 1 1");
	ASSERT_GT(id, 0);
	want[2] = id;
	trss_random_bytes(&self->seed, key, sizeof(key));
	key_str(key, hkey);
	snprintf(args, sizeof(args), "hkey %s", hkey);
	id = ethtool_ctx_new(self->out, args);
	ASSERT_GT(id, 0);
	want[3] = id;

	check_dump(_metadata, self, 0, want, 4);
	check_dump(_metadata, self, 1, want + 1, 3);

	ASSERT_EQ(trss_rss_dump(self->dev.ifindex, 0, ids, rss, 4), 4);
	EXPECT_EQ(memcmp(rss[3].key, key, sizeof(key)), 0);
	EXPECT_EQ(rss[2].indir[0], 0U);
	EXPECT_EQ(rss[2].indir[TRSS_INDIR_SIZE - 1], 1U);
}

/* rss_ctx.py test_rss_context_out_of_order */
TEST_F(contexts, out_of_order_delete_keeps_the_others)
{
	__u32 indir[4][TRSS_INDIR_SIZE], want[5];
	__u8 keys[4][TRSS_RSS_KEY_LEN];
	bool alive[4] = { true, true, true, true };
	static const int order[] = { 2, 0, 3 };
	unsigned int i, k, n;
	int ids[4];

	for (i = 0; i < 4; i++) {
		trss_random_bytes(&self->seed, keys[i], TRSS_RSS_KEY_LEN);
		random_table(&self->seed, indir[i], variant->queues);
		ids[i] = ioctl_ctx_new(&self->dev, keys[i], indir[i]);
		ASSERT_GT(ids[i], 0);
	}
	for (k = 0; k < 3; k++) {
		ASSERT_EQ(ctx_delete(&self->dev, ids[order[k]]), 0);
		alive[order[k]] = false;
		want[0] = 0;
		for (i = 0, n = 1; i < 4; i++) {
			if (alive[i]) {
				check_ctx(_metadata, self, ids[i], indir[i],
					  keys[i]);
				want[n++] = ids[i];
			}
		}
		check_dump(_metadata, self, 0, want, n);
	}
}

/*
 * rss_ctx.py test_rss_context_overlap: context 0 over all queues, a
 * context over queues 2-3.  Without a rule naming it, the context steers
 * nothing: every frame lands where context 0 says (SPEC §4).
 */
TEST_F(contexts, context_0_overlapping_a_context_steers_alone)
{
	char hkey[3 * TRSS_RSS_KEY_LEN + 1];
	__u32 indir0[TRSS_INDIR_SIZE], indir[TRSS_INDIR_SIZE];
	__u8 key0[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int f, bad = 0;
	int id, want;

	trss_random_bytes(&self->seed, key0, sizeof(key0));
	key_str(key0, hkey);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal 4 hkey %s",
			       hkey), 0)
		TH_LOG("%s", self->out);
	id = ethtool_ctx_new(self->out, "");
	ASSERT_GT(id, 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-X trss0 context %d start 2 equal 2", id), 0)
		TH_LOG("%s", self->out);
	equal_table(indir0, 0, 4);
	equal_table(indir, 2, 2);
	check_ctx(_metadata, self, 0, indir0, key0);
	check_ctx(_metadata, self, id, indir, NULL);

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 1,
				 TIMEOUT_MS, b), 0);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->dups, 0U);
	for (f = 0; f < NR_FLOWS; f++) {
		want = trss_indir_queue(indir0,
					trss_flow_hash(&self->flows[f], key0,
						       RXH_SDFN, 0, NULL));
		if (b->flow[f].queue != want && !bad++)
			TH_LOG("flow %u on queue %d, want %d", f,
			       b->flow[f].queue, want);
	}
	EXPECT_EQ(bad, 0U);
	EXPECT_GT(b->queue_frames[0] + b->queue_frames[1], NR_FLOWS / 4U);
	EXPECT_GT(b->queue_frames[2] + b->queue_frames[3], NR_FLOWS / 4U);
}

/*
 * rss_ctx.py test_rss_queue_reconfigure, with fds attaching and detaching:
 * a table nobody set follows the queue count (context 0), tables the user
 * set stay as they are (context 0 and others), SPEC §2 folding applying
 * on the frame path.
 */
TEST_F(contexts, queue_reconfigure_keeps_user_tables)
{
	__u32 indir[TRSS_INDIR_SIZE], indir0[TRSS_INDIR_SIZE];
	unsigned int q = variant->queues, fd_idx;
	__u8 key[TRSS_RSS_KEY_LEN];
	int id;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, q);
	indir[5] = q - 1;
	id = ioctl_ctx_new(&self->dev, key, indir);
	ASSERT_GT(id, 0);

	/* context 0 untouched: spread over whatever is attached */
	for (fd_idx = q - 1; fd_idx >= q - 2; fd_idx--) {
		ASSERT_EQ(trss_queue_detach(&self->dev, fd_idx), 0);
		ASSERT_EQ(trss_rx_rings(&self->dev), (int)fd_idx);
		equal_table(indir0, 0, fd_idx);
		check_ctx(_metadata, self, 0, indir0, NULL);
		check_ctx(_metadata, self, id, indir, key);
	}
	ASSERT_EQ(trss_queue_attach(&self->dev, q - 2), 0);
	ASSERT_EQ(trss_queue_attach(&self->dev, q - 1), 0);
	ASSERT_EQ(trss_rx_rings(&self->dev), (int)q);
	equal_table(indir0, 0, q);
	check_ctx(_metadata, self, 0, indir0, NULL);

	/* context 0 set by the user ("weight 1 0 0 1"): kept */
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 weight 1 0 0 1"),
		  0)
		TH_LOG("%s", self->out);
	for (fd_idx = 0; fd_idx < TRSS_INDIR_SIZE; fd_idx++)
		indir0[fd_idx] = fd_idx < TRSS_INDIR_SIZE / 2 ? 0 : 3;
	check_ctx(_metadata, self, 0, indir0, NULL);
	ASSERT_EQ(trss_queue_detach(&self->dev, q - 1), 0);
	check_ctx(_metadata, self, 0, indir0, NULL);
	check_ctx(_metadata, self, id, indir, key);
	ASSERT_EQ(trss_queue_attach(&self->dev, q - 1), 0);
	check_ctx(_metadata, self, 0, indir0, NULL);
}

/*
 * rss_ctx.py test_hitless_key_update: a child changes context 0's key
 * over and over while the parent sends; every tagged frame sent arrives
 * exactly once (and on a queue that exists).
 */
TEST_F(contexts, hitless_key_update_under_traffic)
{
	struct trss_batch *b = &self->batch;
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_rss_req req;
	int *shared;
	int status, updates, err;
	pid_t pid;

	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal %u",
			       variant->queues), 0);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(shared, MAP_FAILED);
	shared[0] = 0;	/* stop */
	shared[1] = 0;	/* updates done */
	shared[2] = 0;	/* first error */

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		while (!__atomic_load_n(&shared[0], __ATOMIC_ACQUIRE)) {
			trss_random_bytes(&self->seed, key, sizeof(key));
			trss_rss_req_init(&req, 0);
			req.key_size = TRSS_RSS_KEY_LEN;
			req.key = key;
			err = trss_rss_set(&self->dev, &req);
			__atomic_store_n(&shared[2], err, __ATOMIC_RELEASE);
			if (err)
				_exit(1);
			__atomic_add_fetch(&shared[1], 1, __ATOMIC_RELEASE);
		}
		_exit(0);
	}

	/* traffic starts once the first update is through */
	while (!__atomic_load_n(&shared[1], __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&shared[2], __ATOMIC_ACQUIRE))
		usleep(1000);
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 4,
				 TIMEOUT_MS, b), 0);
	updates = __atomic_load_n(&shared[1], __ATOMIC_ACQUIRE);
	__atomic_store_n(&shared[0], 1, __ATOMIC_RELEASE);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("key update failed: %d", shared[2]);
	TH_LOG("%d key updates during %u frames", updates, b->sent);
	EXPECT_GT(updates, 1);

	EXPECT_EQ(b->sent, NR_FLOWS * 4U);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->lost, 0U);
	EXPECT_EQ(b->dups, 0U);
	EXPECT_EQ(b->stray, 0U);
	munmap(shared, 4096);
}

TEST_HARNESS_MAIN
