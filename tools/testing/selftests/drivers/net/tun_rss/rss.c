// SPDX-License-Identifier: GPL-2.0
/*
 * RSS of context 0 on a multi-queue tap (SPEC §2-§5): what "ethtool -X"
 * sets "ethtool -x" shows, hash fields per flow type, and every frame
 * lands on queue indir[hash % 128] with the hash and hash type reported
 * in its vnet header, where hash is what the library's bit-serial
 * Toeplitz (checked against the Microsoft vectors) says.  Configuration
 * goes through Debian's stock ethtool (ioctl path) where it can express
 * it, through SIOCETHTOOL where it cannot (explicit tables, transforms).
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/virtio_net.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define NR_FLOWS	1500
#define TIMEOUT_MS	500
#define OUT_LEN		16384
#define MAX_VECTORS	32
#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)
/* struct virtio_net_hdr_v1_hash */
#define HDR_LEN		20

FIXTURE(rss)
{
	struct trss_dev dev;
	struct trss_flow flows[NR_FLOWS];
	struct trss_batch batch;
	char out[OUT_LEN];
	__u64 seed;
};

FIXTURE_VARIANT(rss)
{
	unsigned int queues;
	int family;
	__u8 proto;
	__u32 flow_type;
	const char *type_name;	/* ethtool's name of flow_type */
};

FIXTURE_VARIANT_ADD(rss, tcp4_3q)
{
	.queues = 3,
	.family = AF_INET,
	.proto = IPPROTO_TCP,
	.flow_type = TCP_V4_FLOW,
	.type_name = "tcp4",
};

FIXTURE_VARIANT_ADD(rss, udp4_4q)
{
	.queues = 4,
	.family = AF_INET,
	.proto = IPPROTO_UDP,
	.flow_type = UDP_V4_FLOW,
	.type_name = "udp4",
};

FIXTURE_VARIANT_ADD(rss, tcp6_4q)
{
	.queues = 4,
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
	.flow_type = TCP_V6_FLOW,
	.type_name = "tcp6",
};

FIXTURE_VARIANT_ADD(rss, udp6_8q)
{
	.queues = 8,
	.family = AF_INET6,
	.proto = IPPROTO_UDP,
	.flow_type = UDP_V6_FLOW,
	.type_name = "udp6",
};

FIXTURE_SETUP(rss)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = variant->queues,
		.vnet_hdr = true,
		.vnet_hdr_sz = HDR_LEN,
		.vnet_le = true,
	};
	unsigned int i;

	self->seed = time(NULL);
	TH_LOG("seed %llu", (unsigned long long)self->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&self->dev, &opts), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-K trss0 rxhash on"), 0)
		TH_LOG("%s", self->out);

	for (i = 0; i < NR_FLOWS; i++)
		trss_flow_init(&self->flows[i], variant->family,
			       variant->proto, i);
}

FIXTURE_TEARDOWN(rss)
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

/* "ethtool -X DEV hkey KEY" */
static int ethtool_set_key(char *out, const char *dev, const __u8 *key)
{
	char hkey[3 * TRSS_RSS_KEY_LEN + 1];

	key_str(key, hkey);
	return trss_ethtool(out, OUT_LEN, "-X %s hkey %s", dev, hkey);
}

static int set_table(const struct trss_dev *dev, const __u32 *indir)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, 0);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	return trss_rss_set(dev, &req);
}

static void random_table(__u64 *seed, __u32 *indir, unsigned int queues)
{
	unsigned int i;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = trss_random(seed) % queues;
}

/*
 * The table "ethtool -X weight W0 W1 ..." asks for: entry i goes to the
 * first queue j whose cumulative share of the table, 128 * (W0 + ... +
 * Wj) / sum, is past i (what the ethtool binary computes).
 */
static void weight_table(const unsigned int *w, unsigned int n, __u32 *indir)
{
	unsigned int i, j, sum = 0, cum;

	for (j = 0; j < n; j++)
		sum += w[j];
	for (i = 0; i < TRSS_INDIR_SIZE; i++) {
		for (j = 0, cum = 0; j < n; j++) {
			cum += w[j];
			if (TRSS_INDIR_SIZE * cum / sum > i)
				break;
		}
		indir[i] = j;
	}
}

/* The vnet header fields of the hash report, little endian (SPEC §5) */
static __u32 report_hash(const struct trss_rx *rx)
{
	const __u8 *h = rx->vnet_hdr;

	return h[12] | h[13] << 8 | h[14] << 16 | (__u32)h[15] << 24;
}

static __u16 report_type(const struct trss_rx *rx)
{
	return rx->vnet_hdr[16] | rx->vnet_hdr[17] << 8;
}

static __u16 report_pad(const struct trss_rx *rx)
{
	return rx->vnet_hdr[18] | rx->vnet_hdr[19] << 8;
}

/* Read back both ways: SIOCETHTOOL, and what "ethtool -x" prints */
static void check_rss_shown(struct __test_metadata *_metadata,
			    FIXTURE_DATA(rss) *self, const __u32 *indir,
			    const __u8 *key)
{
	unsigned int isz, ksz, i;
	struct trss_rss got;

	ASSERT_EQ(trss_rss_get(&self->dev, 0, &got), 0);
	if (indir) {
		for (i = 0; i < TRSS_INDIR_SIZE; i++)
			EXPECT_EQ(got.indir[i], indir[i]) TH_LOG("entry %u", i);
	}
	if (key)
		EXPECT_EQ(memcmp(got.key, key, TRSS_RSS_KEY_LEN), 0);
	EXPECT_EQ(got.hfunc, TRSS_HASH_TOP);

	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-x trss0"), 0);
	ASSERT_EQ(trss_ethtool_parse_rss(self->out, &got, &isz, &ksz), 0)
		TH_LOG("%s", self->out);
	EXPECT_EQ(isz, (unsigned int)TRSS_INDIR_SIZE);
	EXPECT_EQ(ksz, (unsigned int)TRSS_RSS_KEY_LEN);
	if (indir) {
		for (i = 0; i < TRSS_INDIR_SIZE; i++)
			EXPECT_EQ(got.indir[i], indir[i]) TH_LOG("entry %u", i);
	}
	if (key)
		EXPECT_EQ(memcmp(got.key, key, TRSS_RSS_KEY_LEN), 0);
	EXPECT_EQ(got.hfunc, TRSS_HASH_TOP);
}

/* Nothing lost, duplicated or stray, and nothing past the queues */
static void check_delivery(struct __test_metadata *_metadata,
			   const struct trss_batch *b, unsigned int queues)
{
	unsigned int q;

	EXPECT_EQ(b->sent, b->nr_flows * b->rounds);
	EXPECT_EQ(b->received, b->sent);
	EXPECT_EQ(b->dups, 0U);
	EXPECT_EQ(b->stray, 0U);
	for (q = queues; q < TRSS_MAX_QUEUES; q++)
		EXPECT_EQ(b->queue_frames[q], 0U);
}

/*
 * Every frame of every flow came out of queue indir[hash % 128] (folded
 * over the attached queues, SPEC §2) and reports hash and type, for the
 * fields and transform given.
 */
static void check_rss_batch(struct __test_metadata *_metadata,
			    const struct trss_batch *b,
			    const struct trss_flow *flows, const __u8 *key,
			    __u32 fields, __u8 xfrm, const __u32 *indir,
			    unsigned int queues)
{
	unsigned int f, r, bad = 0;
	__u16 type;
	__u32 hash;
	int want;

	check_delivery(_metadata, b, queues);
	for (f = 0; f < b->nr_flows; f++) {
		hash = trss_flow_hash(&flows[f], key, fields, xfrm, &type);
		want = trss_indir_queue(indir, hash) % queues;
		for (r = 0; r < b->rounds; r++) {
			const struct trss_rx *rx = &b->frame[r * b->nr_flows + f];

			if (rx->queue == want && rx->vnet_len == HDR_LEN &&
			    report_hash(rx) == hash && report_type(rx) == type &&
			    !report_pad(rx))
				continue;
			if (bad++ >= 5)
				continue;
			/* got/want */
			TH_LOG("flow %u round %u: queue %d/%d, hash %08x/%08x, type %u/%u",
			       f, r, rx->queue, want, report_hash(rx),
			       hash, report_type(rx), type);
		}
	}
	EXPECT_EQ(bad, 0U);
}

/* SPEC §2: the rings are the attached queues */
TEST_F(rss, rings_and_channels_are_the_attached_queues)
{
	unsigned int combined = 0;
	const char *p;

	EXPECT_EQ(trss_rx_rings(&self->dev), (int)variant->queues);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-l trss0"), 0);
	p = strstr(self->out, "Current hardware settings:");
	ASSERT_NE(p, NULL) TH_LOG("%s", self->out);
	p = strstr(p, "Combined:");
	ASSERT_NE(p, NULL) TH_LOG("%s", self->out);
	combined = strtoul(p + strlen("Combined:"), NULL, 10);
	EXPECT_EQ(combined, variant->queues);
}

TEST_F(rss, ethtool_X_hkey_is_shown_by_ethtool_x)
{
	__u8 key[TRSS_RSS_KEY_LEN];
	int i;

	for (i = 0; i < 2; i++) {
		trss_random_bytes(&self->seed, key, sizeof(key));
		ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0)
			TH_LOG("%s", self->out);
		check_rss_shown(_metadata, self, NULL, key);
	}
}

TEST_F(rss, ethtool_X_equal_and_start_are_shown_by_ethtool_x)
{
	__u32 indir[TRSS_INDIR_SIZE];
	unsigned int n, start, i;

	for (n = 1; n <= variant->queues; n++) {
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 equal %u",
				       n), 0)
			TH_LOG("%s", self->out);
		for (i = 0; i < TRSS_INDIR_SIZE; i++)
			indir[i] = i % n;
		check_rss_shown(_metadata, self, indir, NULL);
	}

	start = variant->queues - 2;
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-X trss0 equal 2 start %u", start), 0)
		TH_LOG("%s", self->out);
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = start + i % 2;
	check_rss_shown(_metadata, self, indir, NULL);
}

TEST_F(rss, ethtool_X_weight_is_shown_by_ethtool_x)
{
	unsigned int w[TRSS_MAX_QUEUES], j, len = 0;
	__u32 indir[TRSS_INDIR_SIZE];
	char args[512];

	/* 1 0 3 2 1 0 3 2 ...: uneven, and queue 1 gets nothing */
	for (j = 0; j < variant->queues; j++) {
		w[j] = (j * 3 + 1) % 4;
		len += snprintf(args + len, sizeof(args) - len, " %u", w[j]);
	}
	weight_table(w, variant->queues, indir);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 weight%s", args),
		  0)
		TH_LOG("%s", self->out);
	check_rss_shown(_metadata, self, indir, NULL);
}

/* ethtool 6.1 cannot send an arbitrary table: SIOCETHTOOL does */
TEST_F(rss, explicit_table_is_shown_by_ethtool_x)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];

	trss_random_bytes(&self->seed, key, sizeof(key));
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0)
		TH_LOG("%s", self->out);
	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(set_table(&self->dev, indir), 0);
	check_rss_shown(_metadata, self, indir, key);
}

/* SPEC §4: defaults sdfn for TCP/UDP, sd for the others */
TEST_F(rss, hash_fields_default_per_flow_type)
{
	static const __u32 l4[] = {
		TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW,
	};
	static const __u32 ip[] = {
		IPV4_FLOW, IPV6_FLOW, SCTP_V4_FLOW, SCTP_V6_FLOW,
		AH_ESP_V4_FLOW, AH_ESP_V6_FLOW, AH_V4_FLOW, ESP_V6_FLOW,
	};
	__u64 fields;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(l4); i++) {
		ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, l4[i], &fields),
			  0);
		EXPECT_EQ(fields, RXH_SDFN) TH_LOG("flow type %u", l4[i]);
	}
	for (i = 0; i < ARRAY_SIZE(ip); i++) {
		ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, ip[i], &fields),
			  0);
		EXPECT_EQ(fields, RXH_SD) TH_LOG("flow type %u", ip[i]);
	}
}

/*
 * "ethtool -N rx-flow-hash TYPE sd|sdfn" and back with "ethtool -n";
 * "no fields" only through the ioctl (ethtool 6.1 has no word for it).
 * Other flow types keep their fields.
 */
TEST_F(rss, ethtool_N_rx_flow_hash_is_shown_by_ethtool_n)
{
	static const char * const sets[] = { "sd", "sdfn", "sd" };
	static const __u64 want[] = { RXH_SD, RXH_SDFN, RXH_SD };
	const char *other = variant->family == AF_INET ? "tcp6" : "udp4";
	__u64 fields;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
				       "-N trss0 rx-flow-hash %s %s",
				       variant->type_name, sets[i]), 0)
			TH_LOG("%s", self->out);
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
				       "-n trss0 rx-flow-hash %s",
				       variant->type_name), 0);
		ASSERT_EQ(trss_ethtool_parse_fields(self->out, &fields), 0)
			TH_LOG("%s", self->out);
		EXPECT_EQ(fields, want[i]);
		ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0,
					       variant->flow_type, &fields), 0);
		EXPECT_EQ(fields, want[i]);
	}

	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, variant->flow_type, 0),
		  0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-n trss0 rx-flow-hash %s",
			       variant->type_name), 0);
	EXPECT_NE(strstr(self->out, "None"), NULL) TH_LOG("%s", self->out);

	/* sctp and ah/esp: sd or nothing */
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 rx-flow-hash sctp4 sd"), 0)
		TH_LOG("%s", self->out);
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, AH_ESP_V6_FLOW, 0), 0);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, AH_ESP_V6_FLOW, &fields),
		  0);
	EXPECT_EQ(fields, 0ULL);
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, IPV4_FLOW, 0), 0);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, IPV4_FLOW, &fields), 0);
	EXPECT_EQ(fields, 0ULL);
	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, IPV4_FLOW, RXH_SD), 0);
	ASSERT_EQ(trss_rxfh_fields_get(&self->dev, 0, IPV4_FLOW, &fields), 0);
	EXPECT_EQ(fields, RXH_SD);

	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-n trss0 rx-flow-hash %s",
			       other), 0);
	ASSERT_EQ(trss_ethtool_parse_fields(self->out, &fields), 0);
	EXPECT_EQ(fields, RXH_SDFN);
}

/*
 * The Microsoft verification suite: with its key, each vector flow (as
 * TCP or UDP, the suite says UDP hashes alike) reports the suite's hash
 * and lands on indir[hash % 128], with sdfn (hash_ip_l4) and sd (hash_ip).
 */
TEST_F(rss, ms_vectors_land_on_table_entry_and_report_their_hash)
{
	static const char * const sets[] = { "sdfn", "sd" };
	struct trss_ms_vector vec[MAX_VECTORS];
	__u8 key[TRSS_RSS_KEY_LEN], frame[TRSS_FRAME_MAX];
	__u32 indir[TRSS_INDIR_SIZE], hash;
	unsigned int s, checked = 0;
	struct trss_flow flow;
	struct trss_rx rx;
	__u16 type;
	int nr, i;

	nr = trss_ms_vectors_load(NULL, key, vec, MAX_VECTORS);
	ASSERT_GT(nr, 0);
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0)
		TH_LOG("%s", self->out);
	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(set_table(&self->dev, indir), 0);

	for (s = 0; s < 2; s++) {
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
				       "-N trss0 rx-flow-hash %s %s",
				       variant->type_name, sets[s]), 0)
			TH_LOG("%s", self->out);
		for (i = 0; i < nr; i++) {
			__u32 tag = TRSS_TAG(i, s);

			if (vec[i].flow.family != variant->family)
				continue;
			flow = vec[i].flow;
			flow.proto = variant->proto;
			hash = s ? vec[i].hash_ip : vec[i].hash_ip_l4;
			if (variant->family == AF_INET)
				type = s ? VIRTIO_NET_HASH_REPORT_IPv4 :
				       variant->proto == IPPROTO_TCP ?
				       VIRTIO_NET_HASH_REPORT_TCPv4 :
				       VIRTIO_NET_HASH_REPORT_UDPv4;
			else
				type = s ? VIRTIO_NET_HASH_REPORT_IPv6 :
				       variant->proto == IPPROTO_TCP ?
				       VIRTIO_NET_HASH_REPORT_TCPv6 :
				       VIRTIO_NET_HASH_REPORT_UDPv6;

			ASSERT_EQ(trss_send_flow(&self->dev, &flow, tag), 0);
			ASSERT_EQ(trss_recv_tag(&self->dev, tag, &rx, frame,
						sizeof(frame), TIMEOUT_MS), 1)
				TH_LOG("vector %d %s: no frame", i, sets[s]);
			EXPECT_EQ(rx.queue, (int)indir[hash % TRSS_INDIR_SIZE])
				TH_LOG("vector %d %s", i, sets[s]);
			EXPECT_EQ(report_hash(&rx), hash)
				TH_LOG("vector %d %s", i, sets[s]);
			EXPECT_EQ(report_type(&rx), type)
				TH_LOG("vector %d %s", i, sets[s]);
			EXPECT_EQ(report_pad(&rx), 0);
			checked++;
		}
	}
	EXPECT_GE(checked, 6U);
	EXPECT_EQ(trss_drain(&self->dev, 20), 0);
}

/* Thousands of random flows, random keys, random tables */
TEST_F(rss, random_flows_land_where_the_reference_says)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i, round;

	for (round = 0; round < 2; round++) {
		trss_random_bytes(&self->seed, key, sizeof(key));
		random_table(&self->seed, indir, variant->queues);
		ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0)
			TH_LOG("%s", self->out);
		ASSERT_EQ(set_table(&self->dev, indir), 0);
		for (i = 0; i < NR_FLOWS; i++)
			trss_flow_randomize(&self->flows[i], &self->seed);

		ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 1,
					 TIMEOUT_MS, b), 0);
		check_rss_batch(_metadata, b, self->flows, key, RXH_SDFN, 0,
				indir, variant->queues);
		trss_batch_free(b);
	}
}

/* With "sd", ports do not count: the hash and type are the IP ones */
TEST_F(rss, random_flows_with_sd_fields_hash_addresses_only)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0);
	ASSERT_EQ(set_table(&self->dev, indir), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN,
			       "-N trss0 rx-flow-hash %s sd",
			       variant->type_name), 0)
		TH_LOG("%s", self->out);
	for (i = 0; i < NR_FLOWS; i++)
		trss_flow_randomize(&self->flows[i], &self->seed);

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_FLOWS, 1,
				 TIMEOUT_MS, b), 0);
	check_rss_batch(_metadata, b, self->flows, key, RXH_SD, 0, indir,
			variant->queues);
}

/*
 * SPEC §4: VLAN tags in the frame (one 802.1Q tag, or 802.1ad then
 * 802.1Q) are parsed through: the hash is the inner flow's.
 */
TEST_F(rss, vlan_tagged_frames_hash_the_inner_flow)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i, n = 400;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0);
	ASSERT_EQ(set_table(&self->dev, indir), 0);
	for (i = 0; i < n; i++) {
		struct trss_flow *flow = &self->flows[i];

		trss_flow_randomize(flow, &self->seed);
		flow->nr_vlans = 1 + i % 2;
		flow->vlan_tci[0] = 1 + i % 4000;
		flow->vlan_tci[1] = 100;
		if (flow->nr_vlans == 2)
			flow->vlan_proto[0] = ETH_P_8021AD;
	}

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_rss_batch(_metadata, b, self->flows, key, RXH_SDFN, 0, indir,
			variant->queues);
}

/* Fragments hash on the addresses whatever the flow type's fields */
TEST_F(rss, fragments_hash_as_ip)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i, n = 200;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0);
	ASSERT_EQ(set_table(&self->dev, indir), 0);
	for (i = 0; i < n; i++) {
		struct trss_flow *flow = &self->flows[i];

		trss_flow_randomize(flow, &self->seed);
		/* first fragments (L4 header present) and later ones */
		flow->more_frags = true;
		flow->frag_off = i % 2 ? 0 : 100;
		if (flow->family == AF_INET6) {
			flow->nr_exthdrs = 1;
			flow->exthdrs[0] = IPPROTO_FRAGMENT;
		}
	}

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_rss_batch(_metadata, b, self->flows, key, RXH_SDFN, 0, indir,
			variant->queues);
}

/*
 * SPEC §4: a frame with no hash goes to table entry 0 and reports NONE:
 * a non-IP frame, and an IP frame whose flow type has no fields.
 */
TEST_F(rss, unhashable_frames_go_to_table_entry_0)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i, n = 64;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	/* entry 0 must not be where most hashes go by chance */
	indir[0] = variant->queues - 1;
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0);
	ASSERT_EQ(set_table(&self->dev, indir), 0);

	for (i = 0; i < n; i++) {
		trss_flow_init(&self->flows[i], AF_UNSPEC, 0, i);
		self->flows[i].ethertype = 0x88b5 + i % 2;
		self->flows[i].payload_len = 50;
	}
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_rss_batch(_metadata, b, self->flows, key, RXH_SDFN, 0, indir,
			variant->queues);
	trss_batch_free(b);

	ASSERT_EQ(trss_rxfh_fields_set(&self->dev, 0, variant->flow_type, 0),
		  0);
	for (i = 0; i < n; i++) {
		trss_flow_init(&self->flows[i], variant->family,
			       variant->proto, i);
		trss_flow_randomize(&self->flows[i], &self->seed);
	}
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_rss_batch(_metadata, b, self->flows, key, 0, 0, indir,
			variant->queues);
}

/*
 * RXH_XFRM_SYM_XOR (set through the ioctl: ethtool 6.1 has no word for
 * it): a flow and its reply share a hash, hence a queue.
 */
TEST_F(rss, symmetric_xor_puts_both_directions_on_one_queue)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_batch *b = &self->batch;
	unsigned int i, n = 500, bad = 0;
	struct trss_rss_req req;
	struct trss_rss got;

	trss_random_bytes(&self->seed, key, sizeof(key));
	random_table(&self->seed, indir, variant->queues);
	trss_rss_req_init(&req, 0);
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	req.input_xfrm = RXH_XFRM_SYM_XOR;
	ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	ASSERT_EQ(trss_rss_get(&self->dev, 0, &got), 0);
	EXPECT_EQ(got.input_xfrm, RXH_XFRM_SYM_XOR);

	/* flows 2k and 2k + 1 are the two directions of one connection */
	for (i = 0; i < n; i += 2) {
		trss_flow_randomize(&self->flows[i], &self->seed);
		self->flows[i + 1] = self->flows[i];
		trss_flow_reverse(&self->flows[i + 1]);
	}
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_rss_batch(_metadata, b, self->flows, key, RXH_SDFN,
			RXH_XFRM_SYM_XOR, indir, variant->queues);
	for (i = 0; i < n; i += 2)
		if (b->flow[i].queue != b->flow[i + 1].queue && !bad++)
			TH_LOG("connection %u: queues %d and %d", i / 2,
			       b->flow[i].queue, b->flow[i + 1].queue);
	EXPECT_EQ(bad, 0U);
}

/*
 * SPEC §3: RSS, once configured, wins over automq's flow table (a reply
 * written from another queue does not move the flow), and "ethtool -X
 * default" hands steering back to automq: the flows then follow the
 * queues of their replies, as in automq.c.  Each reply queue differs
 * from where RSS with the default table would put the flow, so a device
 * still steering by RSS fails the last check.
 */
#define NR_REPLIES	64

static void check_default_returns_to_automq(struct __test_metadata *_metadata,
					    FIXTURE_DATA(rss) *self,
					    const FIXTURE_VARIANT(rss) *variant,
					    bool ethtool)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN], frame[TRSS_FRAME_MAX];
	struct trss_batch *b = &self->batch;
	unsigned int f, i, q = variant->queues;
	int target[NR_REPLIES], rssq, len;
	struct trss_flow reply;
	struct trss_rss got;

	trss_random_bytes(&self->seed, key, sizeof(key));
	ASSERT_EQ(ethtool_set_key(self->out, "trss0", key), 0);
	ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 weight 1"), 0)
		TH_LOG("%s", self->out);
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = i % q;

	for (f = 0; f < NR_REPLIES; f++) {
		rssq = trss_indir_queue(indir,
					trss_flow_hash(&self->flows[f], key,
						       RXH_SDFN, 0, NULL));
		target[f] = 1 + f % (q - 1);
		if (target[f] == rssq)
			target[f] = 1 + (target[f] % (q - 1));
		reply = self->flows[f];
		trss_flow_reverse(&reply);
		len = trss_dev_build(&self->dev, &reply, TRSS_TAG(f, 100),
				     frame, sizeof(frame));
		ASSERT_GT(len, 0);
		ASSERT_EQ(trss_queue_write(&self->dev, target[f], frame, len),
			  0);
	}

	/* "weight 1": every entry is queue 0, replies or not */
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_REPLIES, 2,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, q);
	EXPECT_EQ(b->queue_frames[0], b->sent);
	trss_batch_free(b);

	if (ethtool) {
		ASSERT_EQ(trss_ethtool(self->out, OUT_LEN, "-X trss0 default"),
			  0)
			TH_LOG("%s", self->out);
	} else {
		struct trss_rss_req req;

		trss_rss_req_init(&req, 0);
		req.indir_size = 0;
		ASSERT_EQ(trss_rss_set(&self->dev, &req), 0);
	}
	ASSERT_EQ(trss_rss_get(&self->dev, 0, &got), 0);
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		EXPECT_EQ(got.indir[i], indir[i]);
	EXPECT_EQ(memcmp(got.key, key, TRSS_RSS_KEY_LEN), 0);

	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, NR_REPLIES, 2,
				 TIMEOUT_MS, b), 0);
	check_delivery(_metadata, b, q);
	for (f = 0; f < NR_REPLIES; f++) {
		EXPECT_EQ(b->flow[f].queue, target[f]) TH_LOG("flow %u", f);
		EXPECT_EQ(b->flow[f].nr_queues, 1U);
	}
}

/*
 * ethtool 6.1 predates input_xfrm: its ETHTOOL_SRSSH carries 0 in that
 * byte (then reserved), not RXH_XFRM_NO_CHANGE, as every older binary does.
 */
TEST_F(rss, ethtool_X_default_returns_to_automq)
{
	check_default_returns_to_automq(_metadata, self, variant, true);
}

/* The same reset as a current ethtool sends it: input_xfrm "no change" */
TEST_F(rss, srssh_default_table_returns_to_automq)
{
	check_default_returns_to_automq(_metadata, self, variant, false);
}

/* "ethtool -S": rx_queue_N_packets/bytes are what queue N's reader got */
TEST_F(rss, per_queue_counters_match_what_the_readers_got)
{
	__u64 pk0[TRSS_MAX_QUEUES], by0[TRSS_MAX_QUEUES], dr0[TRSS_MAX_QUEUES];
	__u64 pk1[TRSS_MAX_QUEUES], by1[TRSS_MAX_QUEUES], dr1[TRSS_MAX_QUEUES];
	__u64 bytes[TRSS_MAX_QUEUES] = {};
	__u32 indir[TRSS_INDIR_SIZE];
	struct trss_batch *b = &self->batch;
	unsigned int q, i, n = 1000;

	random_table(&self->seed, indir, variant->queues);
	ASSERT_EQ(set_table(&self->dev, indir), 0);
	for (i = 0; i < n; i++) {
		trss_flow_randomize(&self->flows[i], &self->seed);
		self->flows[i].payload_len = i % 300;
	}

	ASSERT_EQ(trss_ethtool_queue_stats(&self->dev, pk0, by0, dr0,
					   TRSS_MAX_QUEUES),
		  (int)variant->queues);
	ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1, TIMEOUT_MS,
				 b), 0);
	check_delivery(_metadata, b, variant->queues);
	ASSERT_EQ(trss_ethtool_queue_stats(&self->dev, pk1, by1, dr1,
					   TRSS_MAX_QUEUES),
		  (int)variant->queues);

	for (i = 0; i < n; i++)
		if (b->frame[i].queue >= 0)
			bytes[b->frame[i].queue] += b->frame[i].len;
	for (q = 0; q < variant->queues; q++) {
		EXPECT_GT(b->queue_frames[q], 0U) TH_LOG("queue %u", q);
		EXPECT_EQ(pk1[q] - pk0[q], b->queue_frames[q])
			TH_LOG("queue %u", q);
		EXPECT_EQ(by1[q] - by0[q], bytes[q]) TH_LOG("queue %u", q);
		EXPECT_EQ(dr1[q] - dr0[q], 0ULL) TH_LOG("queue %u", q);
	}
}

static __u64 qstats_sum(const struct trss_qstats *q, unsigned int n,
			size_t field)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += *(const __u64 *)((const __u8 *)&q[i] + field);
	return sum;
}

#define QSUM(q, n, f)	qstats_sum(q, n, offsetof(struct trss_qstats, f))

/*
 * netdev qstats (the netdev_stat_ops contract): the device's totals never
 * go down.  A queue that detaches takes its counters out of the per-queue
 * stats (and __tun_detach() moves the last queue into its slot): what it
 * counted must move into the base stats, and back out of them when the
 * queue attaches again with its counters, so that detaching or attaching
 * a queue leaves the totals as they were, and frames sent meanwhile add
 * exactly themselves.  Over the run, the totals grow by what the readers
 * got, which is also what the device's own tx counters say.
 */
TEST_F(rss, qstats_totals_survive_queue_detach_and_attach)
{
	struct trss_qstats t0, t1, q0[TRSS_MAX_QUEUES], q1[TRSS_MAX_QUEUES];
	struct rtnl_link_stats64 ls0, ls1;
	struct trss_batch *b = &self->batch;
	unsigned int round, i, nq = variant->queues, n = 300;
	__u64 sent = 0, sent_bytes = 0, base0, base1, bytes, start;
	int fd_idx = -1, slot, back;

	ASSERT_EQ(trss_link_stats64(self->dev.ifindex, &ls0), 0);
	ASSERT_EQ(trss_qstats_tx(self->dev.ifindex, &t0, q0, TRSS_MAX_QUEUES),
		  (int)nq);
	start = t0.packets;

	for (round = 0; round < 2 * nq; round++) {
		back = -1;
		/* odd rounds: a queue detached; even rounds: all attached */
		if (round % 2) {
			fd_idx = (round / 2) % nq;
			slot = self->dev.queue[fd_idx];
			ASSERT_GE(slot, 0);
			/* something to fold: the queue got frames already */
			EXPECT_GT(q0[slot].packets, 0ULL);
			ASSERT_EQ(trss_queue_detach(&self->dev, fd_idx), 0);
		} else if (fd_idx >= 0) {
			ASSERT_EQ(trss_queue_attach(&self->dev, fd_idx), 0);
			back = self->dev.queue[fd_idx];
			slot = -1;
		} else {
			slot = -1;
		}
		ASSERT_EQ(trss_qstats_tx(self->dev.ifindex, &t1, q1,
					 TRSS_MAX_QUEUES),
			  (int)self->dev.nr_queues);

		/* the totals are what they were */
		EXPECT_EQ(t1.packets, t0.packets) TH_LOG("round %u", round);
		EXPECT_EQ(t1.bytes, t0.bytes) TH_LOG("round %u", round);
		EXPECT_EQ(t1.hw_drops, t0.hw_drops) TH_LOG("round %u", round);
		/* base = totals - queues: it took the leaving queue's counts,
		 * or gave them back to the queue that came back
		 */
		base0 = t0.packets - QSUM(q0, TRSS_MAX_QUEUES, packets);
		base1 = t1.packets - QSUM(q1, TRSS_MAX_QUEUES, packets);
		if (slot >= 0) {
			EXPECT_EQ(base1 - base0, q0[slot].packets)
				TH_LOG("round %u", round);
		} else if (back >= 0) {
			EXPECT_EQ(base0 - base1, q1[back].packets)
				TH_LOG("round %u", round);
		} else {
			EXPECT_EQ(base1, base0);
		}
		EXPECT_GE(t1.bytes, QSUM(q1, TRSS_MAX_QUEUES, bytes));

		ASSERT_EQ(trss_batch_run(&self->dev, self->flows, n, 1,
					 TIMEOUT_MS, b), 0);
		check_delivery(_metadata, b, self->dev.nr_queues);
		for (i = 0, bytes = 0; i < n; i++)
			bytes += b->frame[i].len;
		trss_batch_free(b);
		sent += n;
		sent_bytes += bytes;

		ASSERT_EQ(trss_qstats_tx(self->dev.ifindex, &t0, q0,
					 TRSS_MAX_QUEUES),
			  (int)self->dev.nr_queues);
		EXPECT_EQ(t0.packets, t1.packets + n) TH_LOG("round %u", round);
		EXPECT_EQ(t0.bytes, t1.bytes + bytes) TH_LOG("round %u", round);
		EXPECT_EQ(t0.hw_drops, t1.hw_drops) TH_LOG("round %u", round);
	}

	/* what the readers got, in the device's own counters */
	ASSERT_EQ(trss_link_stats64(self->dev.ifindex, &ls1), 0);
	EXPECT_EQ(t0.packets - start, sent);
	EXPECT_EQ(ls1.tx_packets - ls0.tx_packets, sent);
	EXPECT_EQ(ls1.tx_bytes - ls0.tx_bytes, sent_bytes);
}

TEST_HARNESS_MAIN
