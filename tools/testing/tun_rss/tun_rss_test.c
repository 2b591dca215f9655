// SPDX-License-Identifier: GPL-2.0
/*
 * tun_rss_test: the tun RSS engine's unit tests in userspace.
 *
 * Runs the KUnit suites of drivers/net/tun_rss/tun_rss_kunit.c through
 * the shim, plus a suite of its own that reads the Toeplitz verification
 * vectors from data/toeplitz-ms-vectors.tsv (path as the first argument)
 * and checks them against the engine and against the table the KUnit
 * suite embeds (tun_rss_vectors.h), so that the two cannot drift apart.
 *
 * Output is TAP, one line per case; exit status 1 on any failure.
 */
#include <stdio.h>

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "tun_rss_core.h"
#include "tun_rss_vectors.h"
#include "tsv.h"

#ifndef TUN_RSS_TSV
#define TUN_RSS_TSV "data/toeplitz-ms-vectors.tsv"
#endif

static const char *tsv_path = TUN_RSS_TSV;
static struct tsv_file tsv;
static char tsv_error[512];
static int tsv_status = -1;

static int tun_rss_tsv_init(struct kunit *test)
{
	if (tsv_status)
		KUNIT_FAIL(test, "cannot use the vectors file: %s", tsv_error);
	return tsv_status;
}

/* The table compiled into the KUnit suite is the file, field by field. */
static void tun_rss_tsv_matches_kunit_table(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_MEMEQ(test, tsv.key, tun_rss_ms_key, TSV_KEY_SIZE);
	KUNIT_EXPECT_EQ(test, sizeof(tun_rss_ms_key), TSV_KEY_SIZE);
	KUNIT_ASSERT_EQ(test, tsv.nrows, ARRAY_SIZE(tun_rss_ms_vectors));

	for (i = 0; i < tsv.nrows; i++) {
		const struct tun_rss_vector *v = &tun_rss_ms_vectors[i];
		const struct tsv_row *r = &tsv.row[i];

		KUNIT_EXPECT_EQ_MSG(test, v->l3, r->l3, "row %u", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, v->src, r->src, 16, "row %u", i);
		KUNIT_EXPECT_MEMEQ_MSG(test, v->dst, r->dst, 16, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, v->sport, r->sport, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, v->dport, r->dport, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, v->hash_ip, r->hash_ip, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, v->hash_l4, r->hash_l4, "row %u", i);
	}
}

/* The file's vectors through tun_rss_toeplitz(), with the file's key */
static void tun_rss_tsv_toeplitz(struct kunit *test)
{
	struct tun_rss_hkey *hk = kunit_kzalloc(test, sizeof(*hk), GFP_KERNEL);
	u8 in[TUN_RSS_MAX_INPUT];
	unsigned int i, alen;

	KUNIT_ASSERT_NOT_NULL(test, hk);
	tun_rss_hkey_expand(hk, tsv.key);

	for (i = 0; i < tsv.nrows; i++) {
		const struct tsv_row *r = &tsv.row[i];

		alen = r->l3 == 6 ? 16 : 4;
		memcpy(in, r->src, alen);
		memcpy(in + alen, r->dst, alen);
		in[2 * alen] = r->sport >> 8;
		in[2 * alen + 1] = r->sport;
		in[2 * alen + 2] = r->dport >> 8;
		in[2 * alen + 3] = r->dport;
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_toeplitz(hk, in, 2 * alen),
				    r->hash_ip, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, tun_rss_toeplitz(hk, in, 2 * alen + 4),
				    r->hash_l4, "row %u", i);
	}
}

/*
 * The file's vectors through tun_rss_ctx_hash(), from a flow filled in
 * by hand (the KUnit suite goes through the parser with built frames).
 */
static void tun_rss_tsv_ctx_hash(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct tun_rss_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct tun_rss_flow fl;
	unsigned int i, j;
	u16 report;
	u32 hash;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	tun_rss_ctx_init(ctx, tsv.key, 4);

	for (i = 0; i < tsv.nrows; i++) {
		const struct tsv_row *r = &tsv.row[i];
		bool v6 = r->l3 == 6;

		for (j = 0; j < ARRAY_SIZE(protos); j++) {
			bool ports = protos[j] != IPPROTO_ICMP;

			memset(&fl, 0, sizeof(fl));
			fl.flags = TUN_RSS_F_IP | TUN_RSS_F_L4;
			fl.l3 = r->l3;
			fl.l4proto = protos[j];
			fl.h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
			memcpy(fl.saddr, r->src, v6 ? 16 : 4);
			memcpy(fl.daddr, r->dst, v6 ? 16 : 4);
			fl.sport = htons(r->sport);
			fl.dport = htons(r->dport);

			hash = tun_rss_ctx_hash(ctx, &fl, &report);
			KUNIT_EXPECT_EQ_MSG(test, hash,
					    ports ? r->hash_l4 : r->hash_ip,
					    "row %u proto %u", i, protos[j]);
			if (!ports)
				KUNIT_EXPECT_EQ(test, report,
						v6 ? VIRTIO_NET_HASH_REPORT_IPv6 :
						VIRTIO_NET_HASH_REPORT_IPv4);
			else if (protos[j] == IPPROTO_TCP)
				KUNIT_EXPECT_EQ(test, report,
						v6 ? VIRTIO_NET_HASH_REPORT_TCPv6 :
						VIRTIO_NET_HASH_REPORT_TCPv4);
			else
				KUNIT_EXPECT_EQ(test, report,
						v6 ? VIRTIO_NET_HASH_REPORT_UDPv6 :
						VIRTIO_NET_HASH_REPORT_UDPv4);
		}
	}
}

static struct kunit_case tun_rss_tsv_cases[] = {
	KUNIT_CASE(tun_rss_tsv_matches_kunit_table),
	KUNIT_CASE(tun_rss_tsv_toeplitz),
	KUNIT_CASE(tun_rss_tsv_ctx_hash),
	{}
};

static struct kunit_suite tun_rss_tsv_suite = {
	.name = "tun_rss_tsv",
	.init = tun_rss_tsv_init,
	.test_cases = tun_rss_tsv_cases,
};

kunit_test_suite(tun_rss_tsv_suite);

int main(int argc, char **argv)
{
	if (argc > 2) {
		fprintf(stderr, "usage: %s [toeplitz-ms-vectors.tsv]\n",
			argv[0]);
		return 2;
	}
	if (argc == 2)
		tsv_path = argv[1];
	tsv_status = tsv_load(tsv_path, &tsv, tsv_error, sizeof(tsv_error));
	return kunit_shim_run_all();
}
