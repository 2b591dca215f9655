// SPDX-License-Identifier: GPL-2.0
/*
 * tap_hold NAME QUEUES [vnet_hdr]: hold a multi-queue tap with QUEUES
 * attached queues, up, for a shell test that configures it with other
 * tools (rss_netlink.sh, iplink.sh); with "vnet_hdr", IFF_VNET_HDR.
 *
 * Prints "ready IFINDEX" once the device exists, then serves one command
 * per line on stdin until EOF, when it removes the device:
 *
 *   steer Q          attach a steering eBPF program returning queue Q
 *                    (Q < 0: detach it); print "ok" or "error ..."
 *   send N [DPORT]   send N UDP/IPv4 flows (one frame each, DPORT as their
 *                    destination port if given) through the device's
 *                    transmit path; print "queues C0 C1 ... lost L": the
 *                    frames read from each queue, and the frames lost
 *   vnet SZ le|be    TUNSETVNETHDRSZ SZ, then a little-endian (le) or
 *                    big-endian (be) vnet header (TUNSETVNETLE and
 *                    TUNSETVNETBE); print "ok" or "error ..."
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "tun_rss_lib.h"

#define MAX_FLOWS	4096

static int send_flows(struct trss_dev *dev, unsigned int n, int dport)
{
	struct trss_batch batch = {};
	struct trss_flow *flows;
	unsigned int i;
	int err;

	flows = calloc(n, sizeof(*flows));
	if (!flows)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		trss_flow_init(&flows[i], AF_INET, IPPROTO_UDP, i);
		if (dport >= 0)
			flows[i].dport = dport;
	}

	err = trss_batch_run(dev, flows, n, 1, 1000, &batch);
	if (!err) {
		printf("queues");
		for (i = 0; i < dev->nr_queues; i++)
			printf(" %u", batch.queue_frames[i]);
		printf(" lost %u\n", batch.lost);
	}
	trss_batch_free(&batch);
	free(flows);
	return err;
}

int main(int argc, char **argv)
{
	struct trss_dev_opts opts = {};
	struct trss_dev dev;
	char line[128];
	int err;

	if (argc < 3 || argc > 4 ||
	    (argc == 4 && strcmp(argv[3], "vnet_hdr"))) {
		fprintf(stderr, "usage: %s NAME QUEUES [vnet_hdr]\n", argv[0]);
		return 2;
	}
	opts.name = argv[1];
	opts.queues = atoi(argv[2]);
	opts.vnet_hdr = argc == 4;

	err = trss_dev_create(&dev, &opts);
	if (err) {
		fprintf(stderr, "tap_hold: creating %s: %s\n", argv[1],
			strerror(-err));
		return 1;
	}
	printf("ready %d\n", dev.ifindex);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		char order[3];
		unsigned int n;
		int dport = -1;

		if (sscanf(line, "send %u %d", &n, &dport) >= 1 &&
		    n && n <= MAX_FLOWS) {
			err = send_flows(&dev, n, dport);
			if (err)
				printf("error %s\n", strerror(-err));
		} else if (sscanf(line, "steer %d", &dport) == 1) {
			int prog = dport < 0 ? -1 : trss_bpf_steering_prog(dport);

			if (dport >= 0 && prog < 0)
				printf("error bpf: %s\n", strerror(-prog));
			else if (ioctl(dev.fds[0], TUNSETSTEERINGEBPF, &prog))
				printf("error TUNSETSTEERINGEBPF: %s\n",
				       strerror(errno));
			else
				printf("ok\n");
			if (prog >= 0)
				close(prog);
		} else if (sscanf(line, "vnet %d %2s", &dport, order) == 2 &&
			   (!strcmp(order, "le") || !strcmp(order, "be"))) {
			int le = order[0] == 'l', be = !le;

			if (ioctl(dev.fds[0], TUNSETVNETHDRSZ, &dport)) {
				printf("error TUNSETVNETHDRSZ: %s\n",
				       strerror(errno));
			} else {
				/* frames read from now on start with it */
				dev.vnet_hdr_sz = dport;
				if (ioctl(dev.fds[0], TUNSETVNETLE, &le) ||
				    ioctl(dev.fds[0], TUNSETVNETBE, &be))
					printf("error TUNSETVNETLE/BE: %s\n",
					       strerror(errno));
				else
					printf("ok\n");
			}
		} else {
			printf("error bad command\n");
		}
		fflush(stdout);
	}

	trss_dev_destroy(&dev);
	return 0;
}
