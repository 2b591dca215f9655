// SPDX-License-Identifier: GPL-2.0
/*
 * The references the tun RSS tests judge the kernel by: the library's
 * Toeplitz against the Microsoft RSS verification suite, and the frame
 * builder against the header layouts the kernel's parser will walk.
 * Needs no device and no privilege.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/virtio_net.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define MAX_VECTORS	32
#define RXH_SD		(RXH_IP_SRC | RXH_IP_DST)
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

FIXTURE(ms_vectors)
{
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_ms_vector vec[MAX_VECTORS];
	int nr;
};

FIXTURE_SETUP(ms_vectors)
{
	self->nr = trss_ms_vectors_load(NULL, self->key, self->vec,
					MAX_VECTORS);
	ASSERT_GT(self->nr, 0)
		TH_LOG("%s: %s", TRSS_MS_VECTORS, strerror(-self->nr));
}

FIXTURE_TEARDOWN(ms_vectors)
{
}

/* The published suite has five IPv4 and three IPv6 vectors */
TEST_F(ms_vectors, suite_is_complete)
{
	int i, v4 = 0, v6 = 0;

	for (i = 0; i < self->nr; i++) {
		v4 += self->vec[i].flow.family == AF_INET;
		v6 += self->vec[i].flow.family == AF_INET6;
	}
	EXPECT_EQ(v4, 5);
	EXPECT_EQ(v6, 3);
	EXPECT_EQ(self->key[0], 0x6d);
	EXPECT_EQ(self->key[TRSS_RSS_KEY_LEN - 1], 0xfa);
}

TEST_F(ms_vectors, toeplitz_ip)
{
	__u16 report;
	int i;

	for (i = 0; i < self->nr; i++) {
		const struct trss_ms_vector *v = &self->vec[i];
		bool v4 = v->flow.family == AF_INET;

		EXPECT_EQ(trss_flow_hash(&v->flow, self->key, RXH_SD, 0,
					 &report), v->hash_ip)
			TH_LOG("vector %d", i);
		EXPECT_EQ(report, v4 ? VIRTIO_NET_HASH_REPORT_IPv4 :
				       VIRTIO_NET_HASH_REPORT_IPv6);
	}
}

TEST_F(ms_vectors, toeplitz_tcp)
{
	__u16 report;
	int i;

	for (i = 0; i < self->nr; i++) {
		const struct trss_ms_vector *v = &self->vec[i];
		bool v4 = v->flow.family == AF_INET;

		EXPECT_EQ(trss_flow_hash(&v->flow, self->key, RXH_SDFN, 0,
					 &report), v->hash_ip_l4)
			TH_LOG("vector %d", i);
		EXPECT_EQ(report, v4 ? VIRTIO_NET_HASH_REPORT_TCPv4 :
				       VIRTIO_NET_HASH_REPORT_TCPv6);
	}
}

/* The suite says UDP hashes as TCP: same input, same value */
TEST_F(ms_vectors, toeplitz_udp_as_tcp)
{
	struct trss_flow flow;
	__u16 report;
	int i;

	for (i = 0; i < self->nr; i++) {
		flow = self->vec[i].flow;
		flow.proto = IPPROTO_UDP;
		EXPECT_EQ(trss_flow_hash(&flow, self->key, RXH_SDFN, 0,
					 &report), self->vec[i].hash_ip_l4);
		EXPECT_EQ(report, flow.family == AF_INET ?
				  VIRTIO_NET_HASH_REPORT_UDPv4 :
				  VIRTIO_NET_HASH_REPORT_UDPv6);
	}
}

/* Fragments hash as IP only, whatever the L4 fields (SPEC §4) */
TEST_F(ms_vectors, fragment_hashes_as_ip)
{
	struct trss_flow flow;
	__u16 report;
	int i;

	for (i = 0; i < self->nr; i++) {
		flow = self->vec[i].flow;
		if (flow.family == AF_INET) {
			flow.more_frags = true;
		} else {
			flow.nr_exthdrs = 1;
			flow.exthdrs[0] = IPPROTO_FRAGMENT;
		}
		EXPECT_EQ(trss_flow_hash(&flow, self->key, RXH_SDFN, 0,
					 &report), self->vec[i].hash_ip);
		EXPECT_EQ(report, flow.family == AF_INET ?
				  VIRTIO_NET_HASH_REPORT_IPv4 :
				  VIRTIO_NET_HASH_REPORT_IPv6);
	}
}

/* RXH_XFRM_SYM_XOR: a flow and its reverse share a hash */
TEST_F(ms_vectors, sym_xor_is_symmetric)
{
	struct trss_flow rev;
	int i;

	for (i = 0; i < self->nr; i++) {
		const struct trss_flow *flow = &self->vec[i].flow;

		rev = *flow;
		trss_flow_reverse(&rev);
		EXPECT_EQ(trss_flow_hash(flow, self->key, RXH_SDFN,
					 RXH_XFRM_SYM_XOR, NULL),
			  trss_flow_hash(&rev, self->key, RXH_SDFN,
					 RXH_XFRM_SYM_XOR, NULL));
		EXPECT_NE(trss_flow_hash(flow, self->key, RXH_SDFN, 0, NULL),
			  trss_flow_hash(&rev, self->key, RXH_SDFN, 0, NULL));
	}
}

/* Not IP, or no field enabled: no hash, table entry 0 (SPEC §4) */
TEST(no_fields_no_hash)
{
	static const __u8 key[TRSS_RSS_KEY_LEN] = { 0xff, 0xff, 0xff, 0xff };
	struct trss_flow flow;
	__u16 report = 0xffff;

	trss_flow_init(&flow, AF_INET, IPPROTO_UDP, 1);
	EXPECT_EQ(trss_flow_hash(&flow, key, 0, 0, &report), 0U);
	EXPECT_EQ(report, VIRTIO_NET_HASH_REPORT_NONE);

	trss_flow_init(&flow, AF_UNSPEC, 0, 1);
	report = 0xffff;
	EXPECT_EQ(trss_flow_hash(&flow, key, RXH_SDFN, 0, &report), 0U);
	EXPECT_EQ(report, VIRTIO_NET_HASH_REPORT_NONE);
	EXPECT_EQ(trss_flow_type(&flow), -1);
}

static __u16 get16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static __u16 csum(const __u8 *p, size_t len)
{
	__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Two VLAN tags, IPv4 with options, UDP: every length and checksum */
TEST(frame_ipv4_options_vlans)
{
	__u8 frame[TRSS_FRAME_MAX], pseudo[12];
	struct trss_flow flow;
	const __u8 *ip, *udp;
	__u32 tag, sum;
	int len;

	trss_flow_init(&flow, AF_INET, IPPROTO_UDP, 42);
	flow.nr_vlans = 2;
	flow.vlan_proto[0] = ETH_P_8021AD;
	flow.vlan_tci[0] = 10;
	flow.vlan_tci[1] = 20;
	flow.ip4_optlen = 12;
	flow.payload_len = 33;
	len = trss_build_frame(&flow, TRSS_TAG(42, 3), true, frame,
			       sizeof(frame));
	ASSERT_EQ(len, 14 + 8 + 32 + 8 + 33 + TRSS_TRAILER_LEN);

	EXPECT_EQ(get16(frame + 12), ETH_P_8021AD);
	EXPECT_EQ(get16(frame + 14), 10);
	EXPECT_EQ(get16(frame + 16), ETH_P_8021Q);
	EXPECT_EQ(get16(frame + 18), 20);
	EXPECT_EQ(get16(frame + 20), ETH_P_IP);
	ip = frame + 22;
	EXPECT_EQ(ip[0], 0x48);
	EXPECT_EQ(get16(ip + 2), len - 22);
	EXPECT_EQ(csum(ip, 32), 0xffff);
	EXPECT_EQ(memcmp(ip + 12, &flow.saddr.v4, 4), 0);
	EXPECT_EQ(memcmp(ip + 16, &flow.daddr.v4, 4), 0);

	udp = ip + 32;
	EXPECT_EQ(get16(udp), flow.sport);
	EXPECT_EQ(get16(udp + 2), flow.dport);
	EXPECT_EQ(get16(udp + 4), len - 22 - 32);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, udp + 4, 2);
	sum = csum(pseudo, sizeof(pseudo)) + csum(udp, len - 22 - 32);
	EXPECT_EQ((sum & 0xffff) + (sum >> 16), 0xffffU);

	ASSERT_EQ(trss_frame_tag(frame, len, &tag), 0);
	EXPECT_EQ(tag, TRSS_TAG(42, 3));
	EXPECT_EQ(TRSS_TAG_FLOW(tag), 42U);
	EXPECT_EQ(TRSS_TAG_SEQ(tag), 3U);
}

/* Non-first IPv4 fragment: MF and offset set, no L4 header */
TEST(frame_ipv4_fragment)
{
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow flow;
	int len;

	trss_flow_init(&flow, AF_INET, IPPROTO_TCP, 1);
	flow.frag_off = 185;
	flow.more_frags = true;
	flow.frag_id = 0x1234;
	len = trss_build_frame(&flow, 1, false, frame, sizeof(frame));
	ASSERT_EQ(len, 20 + TRSS_TRAILER_LEN);
	EXPECT_EQ(get16(frame + 4), 0x1234);
	EXPECT_EQ(get16(frame + 6), 0x2000 | 185);
	EXPECT_EQ(frame[9], IPPROTO_TCP);
	EXPECT_EQ(csum(frame, 20), 0xffff);
	EXPECT_TRUE(trss_flow_is_frag(&flow));
}

/* IPv6 extension chain: walk it as a parser would and find TCP */
TEST(frame_ipv6_exthdr_chain)
{
	static const __u8 chain[] = {
		IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
		IPPROTO_FRAGMENT, IPPROTO_DSTOPTS,
	};
	static const size_t lens[] = { 8, 24, 24, 8, 24 };
	__u8 frame[TRSS_FRAME_MAX], next;
	struct trss_flow flow;
	size_t off = 40;
	unsigned int i;
	int len;

	trss_flow_init(&flow, AF_INET6, IPPROTO_TCP, 9);
	flow.nr_exthdrs = sizeof(chain);
	memcpy(flow.exthdrs, chain, sizeof(chain));
	flow.rt_addr.s6_addr[15] = 0x77;
	flow.home_addr.s6_addr[15] = 0x88;
	len = trss_build_frame(&flow, 5, false, frame, sizeof(frame));
	ASSERT_EQ(len, 40 + 88 + 20 + TRSS_TRAILER_LEN);
	EXPECT_EQ(frame[0] >> 4, 6);
	EXPECT_EQ(get16(frame + 4), len - 40);

	next = frame[6];
	for (i = 0; i < sizeof(chain); i++) {
		EXPECT_EQ(next, chain[i]);
		if (next == IPPROTO_FRAGMENT) {
			/* offset 0, M clear: the first and only fragment */
			EXPECT_EQ(get16(frame + off + 2), 0);
			EXPECT_EQ(lens[i], 8U);
		} else {
			EXPECT_EQ((size_t)(frame[off + 1] + 1) * 8, lens[i]);
		}
		if (next == IPPROTO_ROUTING) {
			EXPECT_EQ(frame[off + 2], 2);
			EXPECT_EQ(frame[off + 3], 1);
			EXPECT_EQ(frame[off + 23], 0x77);
		}
		if (next == IPPROTO_DSTOPTS && lens[i] == 24) {
			EXPECT_EQ(frame[off + 6], 0xc9);
			EXPECT_EQ(frame[off + 23], 0x88);
		}
		next = frame[off];
		off += lens[i];
	}
	EXPECT_EQ(next, IPPROTO_TCP);
	EXPECT_EQ(get16(frame + off), flow.sport);
	EXPECT_EQ(get16(frame + off + 2), flow.dport);
	EXPECT_EQ(frame[off + 12] >> 4, 5);
	/* a fragment header makes it a fragment, even the first one */
	EXPECT_TRUE(trss_flow_is_frag(&flow));
}

/*
 * L4 checksums verify over the pseudo header (the routing header's final
 * destination for IPv6) and the whole segment: sum folds to 0xffff.
 */
static __u32 l4_sum(const __u8 *frame, size_t len, const __u8 *l4, __u8 proto)
{
	__u8 pseudo[40] = {};
	size_t l4len = frame + len - l4;
	bool v4 = frame[0] >> 4 == 4;
	__u32 sum;

	if (v4) {
		memcpy(pseudo, frame + 12, 8);
		pseudo[9] = proto;
		pseudo[10] = l4len >> 8;
		pseudo[11] = l4len;
		sum = proto == IPPROTO_ICMP ? 0 : csum(pseudo, 12);
	} else {
		memcpy(pseudo, frame + 8, 32);
		if (frame[6] == IPPROTO_ROUTING)
			memcpy(pseudo + 16, frame + 48, 16);
		sum = csum(pseudo, 32) + l4len + proto;
	}
	sum += csum(l4, l4len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

TEST(frame_l4_checksums)
{
	static const struct {
		int family;
		__u8 proto;
		bool routing;
	} shapes[] = {
		{ AF_INET, IPPROTO_TCP, false },
		{ AF_INET, IPPROTO_UDP, false },
		{ AF_INET, IPPROTO_ICMP, false },
		{ AF_INET6, IPPROTO_TCP, false },
		{ AF_INET6, IPPROTO_UDP, false },
		{ AF_INET6, IPPROTO_ICMPV6, false },
		{ AF_INET6, IPPROTO_TCP, true },
	};
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow flow;
	unsigned int i;
	size_t l3len;
	int len;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		trss_flow_init(&flow, shapes[i].family, shapes[i].proto, i);
		flow.payload_len = 11 + i;
		if (shapes[i].routing) {
			flow.nr_exthdrs = 1;
			flow.exthdrs[0] = IPPROTO_ROUTING;
			flow.rt_addr.s6_addr[0] = 0x20;
			flow.rt_addr.s6_addr[15] = 0x01;
		}
		len = trss_build_frame(&flow, i, false, frame, sizeof(frame));
		ASSERT_GT(len, 0);
		if (shapes[i].family == AF_INET)
			l3len = 20;
		else
			l3len = shapes[i].routing ? 64 : 40;
		EXPECT_EQ(l4_sum(frame, len, frame + l3len, shapes[i].proto),
			  0xffffU)
			TH_LOG("case %u", i);
	}
}

/* Garbage after an IPv4 ethertype, still tagged */
TEST(frame_garbage)
{
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow flow;
	__u32 tag;
	int len;

	memset(&flow, 0, sizeof(flow));
	flow.ethertype = ETH_P_IP;
	flow.payload_len = 17;
	len = trss_build_frame(&flow, 0xabcde, true, frame, sizeof(frame));
	ASSERT_EQ(len, 14 + 17 + TRSS_TRAILER_LEN);
	EXPECT_EQ(get16(frame + 12), ETH_P_IP);
	ASSERT_EQ(trss_frame_tag(frame, len, &tag), 0);
	EXPECT_EQ(tag, 0xabcdeU);
	EXPECT_EQ(trss_frame_tag(frame, len - 1, &tag), -ENOENT);
}

TEST(frame_too_big)
{
	__u8 frame[64];
	struct trss_flow flow;

	trss_flow_init(&flow, AF_INET6, IPPROTO_UDP, 0);
	flow.payload_len = 100;
	EXPECT_EQ(trss_build_frame(&flow, 0, true, frame, sizeof(frame)),
		  -ENOSPC);
}

TEST_HARNESS_MAIN
