// SPDX-License-Identifier: GPL-2.0
/*
 * rss_demo: what `make demo` shows.  A 4-queue tap, first with today's
 * automq, then with RSS configured through ethtool, then with the hash
 * reported to the reader in the vnet header.  Every placement is checked
 * against the library's independent reference Toeplitz, so the demo also
 * fails loudly when the kernel disagrees with it.
 *
 * Runs the ethtool found on PATH (make demo puts the built one first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>

#include "tun_rss_lib.h"

#define NR_QUEUES	4
#define NR_FLOWS	1000

static char out[16384];

static void run(const char *cmd)
{
	int ret;

	printf("\n# %s\n", cmd);
	fflush(stdout);
	ret = trss_run(out, sizeof(out), "%s", cmd);
	fputs(out, stdout);
	if (ret)
		printf("(exit status %d)\n", ret);
}

static void spread(struct trss_dev *dev, const struct trss_flow *flows,
		   const char *title)
{
	struct trss_batch b = {};
	unsigned int q, i;

	if (trss_batch_run(dev, flows, NR_FLOWS, 1, 1000, &b)) {
		printf("sending failed\n");
		exit(1);
	}
	printf("\n%s: %u flows sent, %u received, %u lost, %u duplicated\n",
	       title, b.sent, b.received, b.lost, b.dups);
	printf("  queue  frames  share\n");
	for (q = 0; q < dev->nr_queues; q++) {
		printf("  %5u  %6u  %4.1f%%  ", q, b.queue_frames[q],
		       100.0 * b.queue_frames[q] / NR_FLOWS);
		for (i = 0; i < b.queue_frames[q] / 10; i++)
			putchar('#');
		putchar('\n');
	}
	trss_batch_free(&b);
}

/* Where RSS must put each flow, from the reference Toeplitz. */
static unsigned int check_rss(struct trss_dev *dev,
			      const struct trss_flow *flows,
			      const __u8 *key, const __u32 *indir)
{
	struct trss_batch b = {};
	unsigned int f, good = 0;
	__u16 report;
	__u32 hash;

	if (trss_batch_run(dev, flows, NR_FLOWS, 1, 1000, &b))
		return 0;
	for (f = 0; f < NR_FLOWS; f++) {
		hash = trss_flow_hash(&flows[f], key,
				      RXH_IP_SRC | RXH_IP_DST |
				      RXH_L4_B_0_1 | RXH_L4_B_2_3, 0, &report);
		if (b.flow[f].queue == (int)trss_indir_queue(indir, hash))
			good++;
	}
	trss_batch_free(&b);
	return good;
}

/*
 * Flow rules: a port to a dedicated queue, a subnet to an RSS context
 * spread over queues 0-1, and a drop rule.  A quarter of the flows each.
 */
static int rules_demo(struct trss_dev *dev, const struct trss_flow *flows)
{
	unsigned int i, q, sent[4] = {}, right[4] = {}, drops;
	struct trss_flow *rf = calloc(NR_FLOWS, sizeof(*rf));
	struct trss_batch b = {};
	int bad = 0;

	for (i = 0; i < NR_FLOWS; i++) {
		rf[i] = flows[i];
		if (rf[i].dport == 5000 || rf[i].dport == 9)
			rf[i].dport = 10;
		if (i % 4 == 0)
			rf[i].dport = 5000;
		else if (i % 4 == 1)	/* 10.1.0.0/16 */
			rf[i].daddr.v4.s_addr = htonl(0x0a010000 + i);
		else if (i % 4 == 2)
			rf[i].dport = 9;
	}
	run("ethtool -X tap0 context new equal 2");
	run("ethtool -N tap0 flow-type udp4 dst-port 5000 action 3");
	run("ethtool -N tap0 flow-type udp4 dst-ip 10.1.0.0 m 0.0.255.255 context 1 action 0");
	run("ethtool -N tap0 flow-type udp4 dst-port 9 action -1");
	run("ethtool -n tap0");

	if (trss_batch_run(dev, rf, NR_FLOWS, 1, 1000, &b)) {
		free(rf);
		return 1;
	}
	for (i = 0; i < NR_FLOWS; i++) {
		q = i % 4;
		sent[q]++;
		switch (q) {
		case 0:
			right[q] += b.flow[i].queue == 3;
			break;
		case 1:
			right[q] += b.flow[i].queue == 0 || b.flow[i].queue == 1;
			break;
		case 2:
			right[q] += b.flow[i].queue < 0;
			break;
		default:
			right[q] += b.flow[i].queue >= 0;
		}
	}
	printf("\nflow rules: %u flows sent, %u received, %u not delivered\n",
	       b.sent, b.received, b.lost);
	printf("  queue  frames\n");
	for (q = 0; q < dev->nr_queues; q++)
		printf("  %5u  %6u\n", q, b.queue_frames[q]);
	trss_batch_free(&b);
	free(rf);

	trss_run(out, sizeof(out),
		 "ethtool -S tap0 | awk '/rx_ntuple_drops/ { print $2 }'");
	drops = strtoul(out, NULL, 10);
	printf("  udp dst-port 5000 -> queue 3:        %u/%u flows\n", right[0], sent[0]);
	printf("  10.1.0.0/16 -> context 1 (queues 0-1): %u/%u flows\n", right[1], sent[1]);
	printf("  udp dst-port 9 -> drop:              %u/%u flows, rx_ntuple_drops %u\n",
	       right[2], sent[2], drops);
	printf("  everything else delivered:           %u/%u flows\n", right[3], sent[3]);
	for (q = 0; q < 4; q++)
		bad |= right[q] != sent[q];
	bad |= drops != sent[2];

	run("ethtool -K tap0 ntuple off");
	run("ethtool -K tap0 ntuple on");
	run("ethtool -X tap0 context 1 delete");
	return bad;
}

static const char *report_name(unsigned int t)
{
	static const char * const names[] = {
		"NONE", "IPv4", "TCPv4", "UDPv4", "IPv6", "TCPv6", "UDPv6",
		"IPv6_EX", "TCPv6_EX", "UDPv6_EX",
	};

	return t < ARRAY_SIZE(names) ? names[t] : "?";
}

int main(void)
{
	struct trss_dev_opts opts = {
		.name = "tap0", .queues = NR_QUEUES, .vnet_hdr = true,
		.vnet_hdr_sz = sizeof(struct virtio_net_hdr_v1_hash),
		.vnet_le = true,
	};
	struct trss_ms_vector vec[16];
	struct trss_flow *flows;
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	char cmd[512], *p;
	struct trss_dev dev;
	int nvec, i, bad = 0;
	unsigned int good;

	nvec = trss_ms_vectors_load(NULL, key, vec, 16);
	if (nvec <= 0 || trss_dev_create(&dev, &opts)) {
		fprintf(stderr, "rss_demo: setup failed\n");
		return 1;
	}
	flows = calloc(NR_FLOWS, sizeof(*flows));
	for (i = 0; i < NR_FLOWS; i++)
		trss_flow_init(&flows[i], AF_INET, IPPROTO_UDP, i);

	printf("== A multi-queue tap with %d queues, nothing configured ==\n",
	       NR_QUEUES);
	run("ethtool -l tap0");
	run("ethtool -x tap0");
	run("ethtool -n tap0");
	spread(&dev, flows, "automq (today's tun)");

	printf("\n== RSS: the Microsoft verification key, table spread over %d queues ==\n",
	       NR_QUEUES);
	p = cmd + sprintf(cmd, "ethtool -X tap0 equal %d hkey ", NR_QUEUES);
	for (i = 0; i < TRSS_RSS_KEY_LEN; i++)
		p += sprintf(p, "%02x%s", key[i],
			     i + 1 < TRSS_RSS_KEY_LEN ? ":" : "");
	run(cmd);
	run("ethtool -x tap0");
	run("ethtool -n tap0 rx-flow-hash udp4");
	spread(&dev, flows, "RSS (Toeplitz, 128-entry table)");
	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = i % NR_QUEUES;
	good = check_rss(&dev, flows, key, indir);
	printf("%u/%u flows on the queue the reference Toeplitz predicts\n",
	       good, NR_FLOWS);
	bad |= good != NR_FLOWS;

	printf("\n== Weighted table: queue 0 gets nothing, queue 3 half ==\n");
	run("ethtool -X tap0 weight 0 1 1 2");
	spread(&dev, flows, "RSS, weight 0 1 1 2");

	printf("\n== ntuple flow rules (lowest location wins, before RSS) ==\n");
	run("ethtool -X tap0 equal 4");
	bad |= rules_demo(&dev, flows);

	printf("\n== Hash report (rxhash on, 20-byte little-endian vnet header) ==\n");
	run("ethtool -K tap0 rxhash on");
	printf("\n  %-34s %5s  %-10s %-6s %-10s %s\n", "flow (TCP)", "queue",
	       "hash", "type", "expected", "");
	for (i = 0; i < nvec; i++) {
		struct virtio_net_hdr_v1_hash h;
		char src[64], dst[64], name[160];
		__u8 buf[TRSS_FRAME_MAX];
		struct trss_rx rx;
		__u32 tag = TRSS_TAG(NR_FLOWS + i, 0);
		__u32 hash;
		int ok;

		if (trss_send_flow(&dev, &vec[i].flow, tag) ||
		    trss_recv_tag(&dev, tag, &rx, buf, sizeof(buf), 1000) != 1) {
			printf("  vector %d: not received\n", i);
			bad = 1;
			continue;
		}
		memcpy(&h, rx.vnet_hdr, sizeof(h));
		hash = le32toh(h.hash_value);
		inet_ntop(vec[i].flow.family, &vec[i].flow.saddr, src, sizeof(src));
		inet_ntop(vec[i].flow.family, &vec[i].flow.daddr, dst, sizeof(dst));
		snprintf(name, sizeof(name), "%s:%u > %s:%u", src,
			 vec[i].flow.sport, dst, vec[i].flow.dport);
		ok = hash == vec[i].hash_ip_l4 &&
		     rx.queue == (int)trss_indir_queue(indir, hash);
		printf("  %-34.34s %5d  0x%08x %-6s 0x%08x %s\n", name, rx.queue,
		       hash, report_name(le16toh(h.hash_report)),
		       vec[i].hash_ip_l4, ok ? "ok" : "MISMATCH");
		bad |= !ok;
	}

	run("ethtool -S tap0");
	printf("\n== Back to automq ==\n");
	run("ethtool -X tap0 default");
	spread(&dev, flows, "automq again");

	free(flows);
	trss_dev_destroy(&dev);
	printf("\nrss_demo: %s\n", bad ? "FAILED: the kernel disagrees with the reference" :
	       "every placement and reported hash matched the reference");
	return bad;
}
