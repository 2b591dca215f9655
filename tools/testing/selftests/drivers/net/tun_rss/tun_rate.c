// SPDX-License-Identifier: GPL-2.0
/*
 * tun_rate BURST_MS SECONDS FRAMELEN DEV...: measure what the reader of each tap
 * receives while the tap's transmit path is flooded (devlink.sh).
 *
 * Each DEV is an existing, up, persistent tap (ip tuntap add DEV mode tap)
 * without a qdisc (tc qdisc replace dev DEV root noqueue), so that
 * tun_net_xmit, and the rate limits, run in the sender's send(): a frame
 * dropped over a limit fails the send with ENOBUFS, and a stall of the
 * sender is a stall of the limiter's input.  DEV:N names a multi-queue
 * tap (mode tap multi_queue) and attaches N queues, all read; which queue
 * a frame takes is the device's steering (a flow rule on the ethertype,
 * for a per-queue tx_maxrate).  When the environment has TUN_RATE_SETUP,
 * it is run by /bin/sh once every queue is attached and before the flood
 * (what needs the queues to exist: their sysfs attributes, rules on
 * them); its failure is tun_rate's.
 * tun_rate attaches to each as its reader and
 * floods it from a packet socket bound to it (frames of FRAMELEN bytes,
 * a locally administered ethertype), one sender thread per device, while
 * the main thread reads every device.  Each frame carries the time it was
 * sent, i.e. when the rate limits saw it (tun_net_xmit runs in the
 * sender's send()): what the reader counts is what was admitted in a
 * window of SECONDS, however late the reader gets to it, and the senders
 * flood past both ends of the window.
 *
 * Prints one line per device:
 *   DEV sent N received M bytes B bps R all_sent AN all_received AR
 * N, M, B: frames sent, frames and bytes received, of the window; R =
 * B * 8 / SECONDS, the bytes being the frames as read (no packet
 * information or vnet header), i.e. skb->len as rate-limited; AN, AR:
 * every frame of the flood, sent and received.
 *   ... stall_ms S all_stall_ms AS
 * S: in the window, the time this device's sender did not send beyond
 * BURST_MS at a time (the credit a token bucket with that burst loses:
 * what a limiter can deliver is its rate over SECONDS - S); AS: the same
 * for all senders together (what a node over all the devices loses).  A
 * guest sender stalls when its host is loaded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#define MAX_DEVS	8
#define MAX_QUEUES	4
#define ETH_P_TUN_RATE	0x88b5	/* IEEE 802 local experimental 1 */

struct dev {
	const char *name;
	int ifindex;
	int nq;
	int tap_fd[MAX_QUEUES];
	int pkt_fd;
	unsigned long long sent;
	unsigned long long received;
	unsigned long long bytes;
	unsigned long long all_sent;
	unsigned long long all_received;
	unsigned long long stall_ns;
	pthread_t sender;
};

static atomic_int flooding = 1;
static unsigned int frame_len;
/* The measured window, CLOCK_MONOTONIC ns */
static unsigned long long win_start, win_end;
static unsigned long long burst_ns;
/* Last send by any sender, and the stalls of them all */
static atomic_ullong last_any;
static atomic_ullong all_stall_ns;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int tap_attach(const char *name, bool mq)
{
	struct ifreq ifr = {};
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (mq ? IFF_MULTI_QUEUE : 0);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int packet_open(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
	};
	int fd;

	/* Protocol 0: the socket only sends */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *flood(void *arg)
{
	unsigned char frame[ETH_FRAME_LEN] = {};
	struct dev *d = arg;
	struct ethhdr *eth = (struct ethhdr *)frame;
	unsigned long long last = 0, prev, gap;

	memset(eth->h_dest, 0xff, ETH_ALEN);
	eth->h_source[0] = 0x02;
	eth->h_source[5] = d->ifindex;
	eth->h_proto = htons(ETH_P_TUN_RATE);

	while (atomic_load(&flooding)) {
		unsigned long long t = now_ns();

		memcpy(frame + ETH_HLEN, &t, sizeof(t));
		if (t >= win_start && t < win_end) {
			/* since the last send, or the window's start */
			gap = t - (last > win_start ? last : win_start);
			if (gap > burst_ns)
				d->stall_ns += gap - burst_ns;
			/* last_any = max(last_any, t): a sender that read
			 * its clock before another's send is no gap
			 */
			prev = atomic_load(&last_any);
			while (prev < t &&
			       !atomic_compare_exchange_weak(&last_any, &prev, t))
				;
			if (prev < win_start)
				prev = win_start;
			gap = t > prev ? t - prev : 0;
			if (gap > burst_ns)
				atomic_fetch_add(&all_stall_ns, gap - burst_ns);
		}
		last = t;
		/* ENOBUFS: tun_net_xmit dropped it (NET_XMIT_DROP) */
		if (send(d->pkt_fd, frame, frame_len, 0) != (ssize_t)frame_len &&
		    errno != ENOBUFS)
			break;
		d->all_sent++;
		if (t >= win_start && t < win_end)
			d->sent++;
	}
	return NULL;
}

/* Return: whether a queue had frames to read */
static int read_all(struct dev *devs, int n, int timeout_ms)
{
	struct pollfd pfd[MAX_DEVS * MAX_QUEUES];
	struct dev *owner[MAX_DEVS * MAX_QUEUES];
	unsigned char buf[2048];
	int i, q, npfd = 0;
	ssize_t len;

	for (i = 0; i < n; i++)
		for (q = 0; q < devs[i].nq; q++) {
			owner[npfd] = &devs[i];
			pfd[npfd].fd = devs[i].tap_fd[q];
			pfd[npfd++].events = POLLIN;
		}
	if (poll(pfd, npfd, timeout_ms) <= 0)
		return 0;
	for (i = 0; i < npfd; i++) {
		struct dev *d = owner[i];

		if (!(pfd[i].revents & POLLIN))
			continue;
		while ((len = read(pfd[i].fd, buf, sizeof(buf))) > 0) {
			const struct ethhdr *eth = (const void *)buf;
			unsigned long long t;

			/* only the flood's frames, sent in the window */
			if (len < ETH_HLEN + (ssize_t)sizeof(t) ||
			    eth->h_proto != htons(ETH_P_TUN_RATE))
				continue;
			memcpy(&t, buf + ETH_HLEN, sizeof(t));
			d->all_received++;
			if (t < win_start || t >= win_end)
				continue;
			d->received++;
			d->bytes += len;
		}
	}
	return 1;
}

/* DEV or DEV:N -> name and queues; the name is cut at the colon */
static int dev_parse(struct dev *d, char *arg)
{
	char *colon = strchr(arg, ':');

	d->name = arg;
	d->nq = 1;
	if (colon) {
		*colon = '\0';
		d->nq = atoi(colon + 1);
		if (d->nq < 1 || d->nq > MAX_QUEUES)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dev devs[MAX_DEVS] = {};
	const char *setup;
	unsigned long long end;
	double seconds;
	int i, n, q;

	if (argc < 5 || argc - 4 > MAX_DEVS) {
		fprintf(stderr, "usage: %s BURST_MS SECONDS FRAMELEN DEV[:QUEUES]...\n",
			argv[0]);
		return 2;
	}
	burst_ns = atoi(argv[1]) * 1000000ULL;
	argv++;
	argc--;
	seconds = atof(argv[1]);
	frame_len = atoi(argv[2]);
	if (seconds <= 0 || frame_len < ETH_ZLEN || frame_len > ETH_FRAME_LEN) {
		fprintf(stderr, "tun_rate: bad SECONDS or FRAMELEN\n");
		return 2;
	}
	n = argc - 3;
	for (i = 0; i < n; i++) {
		if (dev_parse(&devs[i], argv[3 + i])) {
			fprintf(stderr, "tun_rate: bad DEV:QUEUES %s\n",
				argv[3 + i]);
			return 2;
		}
		devs[i].ifindex = if_nametoindex(devs[i].name);
		for (q = 0; q < devs[i].nq; q++) {
			devs[i].tap_fd[q] = tap_attach(devs[i].name,
						       devs[i].nq > 1);
			if (!devs[i].ifindex || devs[i].tap_fd[q] < 0) {
				fprintf(stderr, "tun_rate: attaching to %s: %s\n",
					devs[i].name, strerror(errno));
				return 1;
			}
		}
		devs[i].pkt_fd = packet_open(devs[i].ifindex);
		if (devs[i].pkt_fd < 0) {
			fprintf(stderr, "tun_rate: packet socket on %s: %s\n",
				devs[i].name, strerror(errno));
			return 1;
		}
	}
	setup = getenv("TUN_RATE_SETUP");
	if (setup && *setup) {
		fflush(stdout);
		if (system(setup)) {
			fprintf(stderr, "tun_rate: TUN_RATE_SETUP failed\n");
			return 1;
		}
	}
	/* The window opens once every sender floods (and the buckets have
	 * spent their burst), and closes before they stop
	 */
	win_start = now_ns() + 300000000ULL;
	win_end = win_start + (unsigned long long)(seconds * 1e9);
	for (i = 0; i < n; i++)
		if (pthread_create(&devs[i].sender, NULL, flood, &devs[i])) {
			fprintf(stderr, "tun_rate: no sender thread\n");
			return 1;
		}
	end = win_end + 100000000ULL;
	while (now_ns() < end)
		read_all(devs, n, 10);
	atomic_store(&flooding, 0);
	for (i = 0; i < n; i++)
		pthread_join(devs[i].sender, NULL);
	/* What is still queued: every frame of the flood is counted, read or
	 * dropped, however late the reader runs
	 */
	while (read_all(devs, n, 200))
		;

	for (i = 0; i < n; i++)
		printf("%s sent %llu received %llu bytes %llu bps %.0f all_sent %llu all_received %llu stall_ms %llu all_stall_ms %llu\n",
		       devs[i].name, devs[i].sent, devs[i].received,
		       devs[i].bytes, devs[i].bytes * 8 / seconds,
		       devs[i].all_sent, devs[i].all_received,
		       devs[i].stall_ns / 1000000,
		       (unsigned long long)atomic_load(&all_stall_ns) / 1000000);
	return 0;
}
