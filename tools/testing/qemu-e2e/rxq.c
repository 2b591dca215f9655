// SPDX-License-Identifier: GPL-2.0
/*
 * rxq: in the e2e guest, which receive queue each test frame arrived on
 * and which hash the kernel has for it.
 *
 *   rxq IFNAME QUEUES FRAMES TIMEOUT_S
 *
 * One TPACKET_V3 ring per queue, the sockets joined in order to a
 * PACKET_FANOUT_QM group.  That fanout picks the socket by the skb's
 * queue_mapping, which a driver recording receive queue q sets to q + 1
 * (skb_record_rx_queue()): socket i sees exactly the frames received on
 * queue (i + QUEUES - 1) % QUEUES.  TP_FT_REQ_FILL_RXHASH puts the skb's hash in each
 * frame's header; with VIRTIO_NET_F_HASH_REPORT that is the device's hash.
 * A test frame carries "TRSS" and a 32-bit big-endian id somewhere after
 * its Ethernet header (e2e.py puts them at the start of the payload).
 *
 * Prints "rxq: ready" once every socket is in the group, then for each
 * test frame "F <id> <queue> <hash>", and "Q <queue> <count>" for
 * each queue at the end (after FRAMES test frames or TIMEOUT_S).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXQ		16
#define BLOCK_SIZE	(1 << 16)
#define BLOCK_NR	16
#define FRAME_SIZE	2048

struct ring {
	int fd;
	uint8_t *map;
	unsigned int block;
	unsigned long count;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void ring_open(struct ring *r, int ifindex, int group)
{
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCK_NR,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR,
		.tp_retire_blk_tov = 10,
		.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int v = TPACKET_V3, fanout = group | (PACKET_FANOUT_QM << 16);

	r->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (r->fd < 0)
		die("socket");
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		die("PACKET_VERSION");
	if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		die("PACKET_RX_RING");
	r->map = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		      PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED)
		die("mmap");
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &fanout,
		       sizeof(fanout)))
		die("PACKET_FANOUT");
}

static long frame_id(const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = ETH_HLEN; i + 8 <= len; i++)
		if (!memcmp(p + i, "TRSS", 4))
			return (long)((uint32_t)p[i + 4] << 24 | p[i + 5] << 16 |
				      p[i + 6] << 8 | p[i + 7]);
	return -1;
}

/* Walk the ready blocks of one ring; returns the test frames seen */
static unsigned int ring_drain(struct ring *r, unsigned int q)
{
	unsigned int seen = 0;

	for (;;) {
		struct tpacket_block_desc *bd = (void *)(r->map +
			(size_t)r->block * BLOCK_SIZE);
		struct tpacket3_hdr *h;
		unsigned int i;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
				      __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return seen;
		h = (void *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < bd->hdr.bh1.num_pkts; i++) {
			const uint8_t *p = (uint8_t *)h + h->tp_mac;
			long id = frame_id(p, h->tp_snaplen);

			if (id >= 0 && h->tp_status & TP_STATUS_USER) {
				printf("F %ld %u %08x\n", id, q,
				       h->hv1.tp_rxhash);
				r->count++;
				seen++;
			}
			h = (void *)((uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		r->block = (r->block + 1) % BLOCK_NR;
	}
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAXQ];
	struct ring rings[MAXQ];
	unsigned int nq, want, got = 0, q;
	struct timespec t0, t;
	int ifindex, tmo;

	if (argc != 5) {
		fprintf(stderr, "usage: rxq IFNAME QUEUES FRAMES TIMEOUT_S\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	nq = atoi(argv[2]);
	want = atoi(argv[3]);
	tmo = atoi(argv[4]);
	if (!ifindex || !nq || nq > MAXQ)
		die("arguments");
	memset(rings, 0, sizeof(rings));
	for (q = 0; q < nq; q++) {
		ring_open(&rings[q], ifindex, getpid() & 0xffff);
		pfd[q].fd = rings[q].fd;
		pfd[q].events = POLLIN;
	}
	printf("rxq: ready\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < want) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > tmo)
			break;
		if (poll(pfd, nq, 100) < 0 && errno != EINTR)
			die("poll");
		for (q = 0; q < nq; q++)
			got += ring_drain(&rings[q], (q + nq - 1) % nq);
	}
	/* frames past the expected number would be a bug too: one more look */
	usleep(200000);
	for (q = 0; q < nq; q++)
		got += ring_drain(&rings[q], (q + nq - 1) % nq);
	for (q = 0; q < nq; q++)
		printf("Q %u %lu\n", q, rings[(q + 1) % nq].count);
	printf("rxq: %u test frames\n", got);
	return 0;
}
