// SPDX-License-Identifier: GPL-2.0
/* Shared library of the tun RSS kselftests, see tun_rss_lib.h */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare(), sendmmsg(), syscall() */
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/netdev.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>

#include "tun_rss_lib.h"

/* Read buffer: the largest frame a queue can hold, vnet header included */
#define TRSS_RXBUF_LEN		(65536 + TRSS_VNET_HDR_MAX)

/*
 * Frames sent between two reads.  A tun queue holds tx_queue_len (500)
 * frames and drops the rest, so a batch is cut into chunks small enough to
 * fit even when every frame of the chunk is steered to a single queue.
 */
#define TRSS_CHUNK		64

/* After the last expected frame, how long to wait for late duplicates */
#define TRSS_DUP_GRACE_MS	20

static const __u8 trss_default_dmac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
static const __u8 trss_default_smac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };

/* Environment */

/*
 * Move the calling process (the harness forks one per test) into a network
 * namespace of its own, so that devices, sysctls and stray traffic of one
 * test never meet another's or the host's.
 */
int trss_netns_private(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return 0;
}

int trss_sysctl_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, value, len);
	if (ret < 0)
		ret = -errno;
	else if ((size_t)ret != len)
		ret = -EIO;
	else
		ret = 0;
	close(fd);
	return ret;
}

/*
 * Run a shell command, capture its stdout and stderr into out (always
 * NUL-terminated when size > 0, the rest is discarded).  Returns the exit
 * status, or a negative errno when the command could not run or was killed.
 */
int trss_run(char *out, size_t size, const char *fmt, ...)
{
	char cmd[4096], sink[256];
	size_t used = 0, n;
	int ret, prefix;
	va_list ap;
	FILE *f;

	/* stderr of the whole command line, not only of its last command */
	prefix = snprintf(cmd, sizeof(cmd), "exec 2>&1; ");
	va_start(ap, fmt);
	ret = vsnprintf(cmd + prefix, sizeof(cmd) - prefix, fmt, ap);
	va_end(ap);
	if (ret < 0 || (size_t)ret >= sizeof(cmd) - prefix)
		return -E2BIG;

	f = popen(cmd, "r");
	if (!f)
		return -errno;
	for (;;) {
		if (out && used + 1 < size)
			n = fread(out + used, 1, size - 1 - used, f);
		else
			n = fread(sink, 1, sizeof(sink), f);
		if (!n)
			break;
		if (out && used + 1 < size)
			used += n;
	}
	if (out && size)
		out[used] = '\0';

	ret = pclose(f);
	if (ret < 0)
		return -errno;
	if (!WIFEXITED(ret))
		return -EINTR;
	return WEXITSTATUS(ret);
}

/* Device */

static int tun_open(const char *name, short flags, char *actual)
{
	struct ifreq ifr;
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		err = -errno;
		close(fd);
		return err;
	}
	memcpy(actual, ifr.ifr_name, IFNAMSIZ);
	return fd;
}

static int dev_ifreq(struct trss_dev *dev, unsigned long cmd,
		     struct ifreq *ifr)
{
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", dev->name);
	if (ioctl(dev->tx_sock, cmd, ifr))
		return -errno;
	return 0;
}

int trss_dev_set_up(struct trss_dev *dev, bool up)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = dev_ifreq(dev, SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return dev_ifreq(dev, SIOCSIFFLAGS, &ifr);
}

/*
 * Router solicitations, MLD reports and DAD probes would land in the
 * queues next to the test's frames: switch IPv6 off before the device
 * comes up.  A kernel without IPv6 has no such traffic in the first place.
 */
static int dev_disable_ipv6(struct trss_dev *dev)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 dev->name);
	err = trss_sysctl_write(path, "1");
	if (err == -ENOENT)
		return 0;
	return err;
}

static int dev_open_tx(struct trss_dev *dev)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int err;

	/* Protocol 0: the socket only sends, it never sees received frames */
	dev->tx_sock = socket(AF_PACKET,
			      (dev->tun ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC,
			      0);
	if (dev->tx_sock < 0)
		return -errno;

	memset(&ifr, 0, sizeof(ifr));
	err = dev_ifreq(dev, SIOCGIFINDEX, &ifr);
	if (err)
		return err;
	dev->ifindex = ifr.ifr_ifindex;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = dev->ifindex;
	if (bind(dev->tx_sock, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

int trss_dev_create(struct trss_dev *dev, const struct trss_dev_opts *opts)
{
	short flags = IFF_MULTI_QUEUE | IFF_NO_PI;
	unsigned int i;
	int fd, err, one = 1;

	memset(dev, 0, sizeof(*dev));
	dev->tx_sock = -1;
	for (i = 0; i < TRSS_MAX_QUEUES; i++) {
		dev->fds[i] = -1;
		dev->queue[i] = -1;
	}
	if (!opts->queues || opts->queues > TRSS_MAX_QUEUES)
		return -EINVAL;
	if (opts->vnet_hdr_sz > TRSS_VNET_HDR_MAX ||
	    (opts->vnet_hdr_sz > 0 && !opts->vnet_hdr))
		return -EINVAL;

	dev->tun = opts->tun;
	flags |= opts->tun ? IFF_TUN : IFF_TAP;
	if (opts->vnet_hdr)
		flags |= IFF_VNET_HDR;

	dev->rxbuf = malloc(TRSS_RXBUF_LEN);
	if (!dev->rxbuf)
		return -ENOMEM;

	/* The first TUNSETIFF creates the device, the others add queues */
	snprintf(dev->name, sizeof(dev->name), "%s",
		 opts->name ? opts->name : "trss%d");
	for (i = 0; i < opts->queues; i++) {
		fd = tun_open(dev->name, flags, dev->name);
		if (fd < 0) {
			err = fd;
			goto err;
		}
		dev->fds[i] = fd;
		dev->queue[i] = i;
		dev->nr_fds++;
		dev->nr_queues++;
	}

	if (opts->vnet_hdr) {
		int sz = opts->vnet_hdr_sz;

		if (sz > 0 && ioctl(dev->fds[0], TUNSETVNETHDRSZ, &sz)) {
			err = -errno;
			goto err;
		}
		if (ioctl(dev->fds[0], TUNGETVNETHDRSZ, &sz)) {
			err = -errno;
			goto err;
		}
		dev->vnet_hdr_sz = sz;
	}
	if (opts->vnet_le && ioctl(dev->fds[0], TUNSETVNETLE, &one)) {
		err = -errno;
		goto err;
	}

	err = dev_open_tx(dev);
	if (err)
		goto err;
	err = dev_disable_ipv6(dev);
	if (err)
		goto err;
	if (!opts->down) {
		err = trss_dev_set_up(dev, true);
		if (err)
			goto err;
	}
	return 0;

err:
	trss_dev_destroy(dev);
	return err;
}

/* Not persistent: the device goes away with its last queue fd */
void trss_dev_destroy(struct trss_dev *dev)
{
	unsigned int i;

	if (dev->tx_sock >= 0)
		close(dev->tx_sock);
	dev->tx_sock = -1;
	for (i = 0; i < dev->nr_fds; i++) {
		if (dev->fds[i] >= 0)
			close(dev->fds[i]);
		dev->fds[i] = -1;
		dev->queue[i] = -1;
	}
	dev->nr_fds = 0;
	dev->nr_queues = 0;
	free(dev->rxbuf);
	dev->rxbuf = NULL;
}

static int queue_ioctl(struct trss_dev *dev, unsigned int fd_idx, short flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev->name);
	ifr.ifr_flags = flags;
	if (ioctl(dev->fds[fd_idx], TUNSETQUEUE, &ifr))
		return -errno;
	return 0;
}

/*
 * __tun_detach() moves the last queue into the slot of the detached one;
 * mirror that so queue[] keeps naming the kernel's queue indexes.
 */
#ifndef TUNSETDELEGATE
#define TUNSETDELEGATE _IOW('T', 228, int)
#endif

int trss_dev_delegate(const struct trss_dev *dev, bool on)
{
	int arg = on;
	unsigned int i;

	/* any queue fd names the device, attached or not */
	for (i = 0; i < dev->nr_fds; i++) {
		if (dev->fds[i] < 0)
			continue;
		return ioctl(dev->fds[i], TUNSETDELEGATE, &arg) ? -errno : 0;
	}
	return -EBADF;
}

int trss_queue_detach(struct trss_dev *dev, unsigned int fd_idx)
{
	unsigned int i;
	int err, q;

	if (fd_idx >= dev->nr_fds || dev->queue[fd_idx] < 0)
		return -EINVAL;
	err = queue_ioctl(dev, fd_idx, IFF_DETACH_QUEUE);
	if (err)
		return err;

	q = dev->queue[fd_idx];
	dev->queue[fd_idx] = -1;
	dev->nr_queues--;
	for (i = 0; i < dev->nr_fds; i++) {
		if (dev->queue[i] == (int)dev->nr_queues) {
			dev->queue[i] = q;
			break;
		}
	}
	return 0;
}

/* A queue attaches at the end: its index is the old queue count */
int trss_queue_attach(struct trss_dev *dev, unsigned int fd_idx)
{
	int err;

	if (fd_idx >= dev->nr_fds || dev->queue[fd_idx] >= 0)
		return -EINVAL;
	err = queue_ioctl(dev, fd_idx, IFF_ATTACH_QUEUE);
	if (err)
		return err;
	dev->queue[fd_idx] = dev->nr_queues++;
	return 0;
}

/* The fd serving a queue index, or -ENOENT */
int trss_queue_fd(const struct trss_dev *dev, unsigned int queue)
{
	unsigned int i;

	for (i = 0; i < dev->nr_fds; i++)
		if (dev->queue[i] == (int)queue)
			return dev->fds[i];
	return -ENOENT;
}

/*
 * Write a frame into the device through a queue fd, as the tap's user (a
 * guest) transmits.  With a vnet header configured, a zeroed one precedes
 * the frame.  In automq this records the flow for that queue.
 */
int trss_queue_write(struct trss_dev *dev, unsigned int queue,
		     const void *frame, size_t len)
{
	__u8 vnet_hdr[TRSS_VNET_HDR_MAX] = {};
	struct iovec iov[2];
	ssize_t ret;
	int fd;

	fd = trss_queue_fd(dev, queue);
	if (fd < 0)
		return fd;
	iov[0].iov_base = vnet_hdr;
	iov[0].iov_len = dev->vnet_hdr_sz;
	iov[1].iov_base = (void *)frame;
	iov[1].iov_len = len;
	ret = writev(fd, iov, 2);
	if (ret < 0)
		return -errno;
	if ((size_t)ret != len + dev->vnet_hdr_sz)
		return -EIO;
	return 0;
}

/* Flows */

/*
 * Flow number id of a family of distinct flows: source addresses differ
 * for every id, ports and destinations vary too so that any field
 * combination a hash may use spreads.
 */
void trss_flow_init(struct trss_flow *flow, int family, __u8 proto,
		    unsigned int id)
{
	unsigned int dst = id % 251;

	memset(flow, 0, sizeof(*flow));
	flow->family = family;
	flow->proto = proto;
	if (family == AF_INET) {
		/* 10.0.0.0/9 sources, 10.200.0.0/24 destinations */
		flow->saddr.v4.s_addr = htonl(0x0a000001 + (id & 0x7fffff));
		flow->daddr.v4.s_addr = htonl(0x0ac80001 + dst);
	} else if (family == AF_INET6) {
		/* fd00:5ee::/64 sources, fd00:d57::/64 destinations */
		flow->saddr.v6.s6_addr[0] = 0xfd;
		flow->saddr.v6.s6_addr[2] = 0x05;
		flow->saddr.v6.s6_addr[3] = 0xee;
		flow->saddr.v6.s6_addr32[3] = htonl(id + 1);
		flow->daddr.v6.s6_addr[0] = 0xfd;
		flow->daddr.v6.s6_addr[2] = 0x0d;
		flow->daddr.v6.s6_addr[3] = 0x57;
		flow->daddr.v6.s6_addr32[3] = htonl(dst + 1);
	}
	flow->sport = 10000 + id % 50000;
	flow->dport = 1 + (id * 7) % 1024;
}

void trss_flow_reverse(struct trss_flow *flow)
{
	union trss_addr addr = flow->saddr;
	__u8 mac[ETH_ALEN];
	__u16 port = flow->sport;

	flow->saddr = flow->daddr;
	flow->daddr = addr;
	flow->sport = flow->dport;
	flow->dport = port;
	memcpy(mac, flow->smac, ETH_ALEN);
	memcpy(flow->smac, flow->dmac, ETH_ALEN);
	memcpy(flow->dmac, mac, ETH_ALEN);
}

static bool flow_has_exthdr(const struct trss_flow *flow, __u8 type)
{
	unsigned int i;

	if (flow->family != AF_INET6)
		return false;
	for (i = 0; i < flow->nr_exthdrs && i < TRSS_MAX_EXTHDRS; i++)
		if (flow->exthdrs[i] == type)
			return true;
	return false;
}

bool trss_flow_is_frag(const struct trss_flow *flow)
{
	if (flow->family == AF_INET)
		return flow->frag_off || flow->more_frags;
	return flow_has_exthdr(flow, IPPROTO_FRAGMENT);
}

/* Frames */

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Internet checksum over big-endian 16-bit words */
static __u32 csum_add(__u32 sum, const __u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static __u16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static size_t l4_hdr_len(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	case IPPROTO_SCTP:
		return 12;
	default:
		return 0;
	}
}

static size_t exthdr_len(const struct trss_flow *flow, __u8 type)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	switch (type) {
	case IPPROTO_ROUTING:
		return 24;
	case IPPROTO_DSTOPTS:
		return memcmp(&flow->home_addr, &any, sizeof(any)) ? 24 : 8;
	default:
		return 8;
	}
}

/*
 * Write one extension header at p, next header nexthdr:
 * - hop-by-hop and destination options: a PadN option filling 8 bytes, or
 *   for dstopts with home_addr, PadN then the home address option (type
 *   0xc9) at its required 8n+6 alignment;
 * - routing: type 2 (Mobile IPv6), one segment left, rt_addr;
 * - fragment: frag_off, more_frags, frag_id.
 */
static void put_exthdr(const struct trss_flow *flow, __u8 type, __u8 nexthdr,
		       __u32 frag_id, __u8 *p)
{
	size_t len = exthdr_len(flow, type);

	memset(p, 0, len);
	p[0] = nexthdr;
	switch (type) {
	case IPPROTO_ROUTING:
		p[1] = len / 8 - 1;
		p[2] = 2;
		p[3] = 1;
		memcpy(p + 8, &flow->rt_addr, 16);
		break;
	case IPPROTO_FRAGMENT:
		put16(p + 2, (flow->frag_off & 0x1fff) << 3 | flow->more_frags);
		put32(p + 4, frag_id);
		break;
	default:
		p[1] = len / 8 - 1;
		p[2] = 1;		/* PadN */
		if (len == 8) {
			p[3] = 4;
			break;
		}
		p[3] = 2;
		p[6] = 0xc9;		/* home address */
		p[7] = 16;
		memcpy(p + 8, &flow->home_addr, 16);
		break;
	}
}

/* Filler bytes of the payload, different for each frame */
static void put_garbage(__u8 *p, size_t len, __u32 seed)
{
	__u32 x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
}

static int build_ip(const struct trss_flow *flow, __u32 tag, __u8 *buf,
		    size_t size)
{
	size_t l3len, l4off, l4len, hlen = l4_hdr_len(flow->proto);
	__u32 frag_id = flow->frag_id ? flow->frag_id : tag;
	bool v4 = flow->family == AF_INET;
	bool first_frag = true;
	__u8 *l4, nexthdr;
	unsigned int i;
	__u32 sum;

	if (v4) {
		if (flow->ip4_optlen % 4 || flow->ip4_optlen > 40)
			return -EINVAL;
		l3len = 20 + flow->ip4_optlen;
		first_frag = !flow->frag_off;
	} else {
		if (flow->nr_exthdrs > TRSS_MAX_EXTHDRS)
			return -EINVAL;
		l3len = 40;
		for (i = 0; i < flow->nr_exthdrs; i++) {
			l3len += exthdr_len(flow, flow->exthdrs[i]);
			if (flow->exthdrs[i] == IPPROTO_FRAGMENT &&
			    flow->frag_off)
				first_frag = false;
		}
	}
	if (!first_frag)
		hlen = 0;
	l4off = l3len;
	l4len = hlen + flow->payload_len + TRSS_TRAILER_LEN;
	if (l4off + l4len > size || l4off + l4len > 65535)
		return -ENOSPC;
	memset(buf, 0, l4off + hlen);

	/* L3 */
	if (v4) {
		buf[0] = 0x40 | l3len / 4;
		buf[1] = flow->tos;
		put16(buf + 2, l3len + l4len);
		put16(buf + 4, frag_id);
		put16(buf + 6, (flow->more_frags ? 0x2000 : 0) |
			       (flow->frag_off & 0x1fff));
		buf[8] = flow->ttl ? flow->ttl : 64;
		buf[9] = flow->proto;
		memcpy(buf + 12, &flow->saddr.v4, 4);
		memcpy(buf + 16, &flow->daddr.v4, 4);
		memset(buf + 20, 1, flow->ip4_optlen);	/* NOP */
		put16(buf + 10, csum_fold(csum_add(0, buf, l3len)));
	} else {
		size_t off = 40;

		put32(buf, 6U << 28 | flow->tos << 20 |
			   (flow->flowlabel & 0xfffff));
		put16(buf + 4, l3len - 40 + l4len);
		buf[6] = flow->nr_exthdrs ? flow->exthdrs[0] : flow->proto;
		buf[7] = flow->ttl ? flow->ttl : 64;
		memcpy(buf + 8, &flow->saddr.v6, 16);
		memcpy(buf + 24, &flow->daddr.v6, 16);
		for (i = 0; i < flow->nr_exthdrs; i++) {
			nexthdr = i + 1 < flow->nr_exthdrs ?
				  flow->exthdrs[i + 1] : flow->proto;
			put_exthdr(flow, flow->exthdrs[i], nexthdr, frag_id,
				   buf + off);
			off += exthdr_len(flow, flow->exthdrs[i]);
		}
	}

	/* L4 header, payload, trailer */
	l4 = buf + l4off;
	switch (hlen ? flow->proto : 0) {
	case IPPROTO_TCP:
		put16(l4, flow->sport);
		put16(l4 + 2, flow->dport);
		put32(l4 + 4, tag);		/* seq */
		l4[12] = 5 << 4;		/* doff */
		l4[13] = 0x18;			/* PSH | ACK */
		put16(l4 + 14, 65535);
		break;
	case IPPROTO_UDP:
		put16(l4, flow->sport);
		put16(l4 + 2, flow->dport);
		put16(l4 + 4, l4len);
		break;
	case IPPROTO_SCTP:
		/* checksum (CRC32c) left zero: nothing verifies it */
		put16(l4, flow->sport);
		put16(l4 + 2, flow->dport);
		put32(l4 + 4, tag);		/* verification tag */
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4[0] = flow->proto == IPPROTO_ICMP ? 8 : 128;	/* echo */
		put16(l4 + 4, flow->sport);
		put16(l4 + 6, flow->dport);
		break;
	}
	put_garbage(l4 + hlen, flow->payload_len, tag);
	put32(l4 + hlen + flow->payload_len, TRSS_TAG_MAGIC);
	put32(l4 + hlen + flow->payload_len + 4, tag);

	/*
	 * L4 checksums of whole datagrams, so the frames look sane to any
	 * capture; the pseudo header names the final destination, the
	 * routing header's address when there is one (RFC 8200 8.1).
	 */
	if (!hlen || trss_flow_is_frag(flow) || flow->proto == IPPROTO_SCTP)
		return l4off + l4len;
	sum = 0;
	if (flow->proto != IPPROTO_ICMP) {
		if (v4) {
			sum = csum_add(sum, buf + 12, 8);
		} else {
			sum = csum_add(sum, buf + 8, 16);
			sum = csum_add(sum,
				       flow_has_exthdr(flow, IPPROTO_ROUTING) ?
				       flow->rt_addr.s6_addr : buf + 24, 16);
		}
		sum += flow->proto + l4len;
	}
	sum = csum_fold(csum_add(sum, l4, l4len));
	if (flow->proto == IPPROTO_TCP)
		put16(l4 + 16, sum);
	else if (flow->proto == IPPROTO_UDP)
		put16(l4 + 6, sum ? sum : 0xffff);	/* 0: no checksum */
	else
		put16(l4 + 2, sum);
	return l4off + l4len;
}

/*
 * Build the frame of a flow with a tag: an Ethernet frame when l2 (tap),
 * else the bare L3 packet (tun).  Returns its length.
 */
int trss_build_frame(const struct trss_flow *flow, __u32 tag, bool l2,
		     void *buf, size_t size)
{
	__u8 *p = buf;
	size_t off = 0;
	unsigned int i;
	__u16 type;
	int ret;

	if (flow->nr_vlans > 2)
		return -EINVAL;
	if (flow->family == AF_INET)
		type = ETH_P_IP;
	else if (flow->family == AF_INET6)
		type = ETH_P_IPV6;
	else if (flow->family == AF_UNSPEC)
		type = flow->ethertype ? flow->ethertype : ETH_P_802_EX1;
	else
		return -EAFNOSUPPORT;

	if (l2) {
		if (size < ETH_HLEN + 4 * flow->nr_vlans)
			return -ENOSPC;
		memcpy(p, flow->dmac, ETH_ALEN);
		if (!memcmp(p, "\0\0\0\0\0\0", ETH_ALEN))
			memcpy(p, trss_default_dmac, ETH_ALEN);
		memcpy(p + ETH_ALEN, flow->smac, ETH_ALEN);
		if (!memcmp(p + ETH_ALEN, "\0\0\0\0\0\0", ETH_ALEN))
			memcpy(p + ETH_ALEN, trss_default_smac, ETH_ALEN);
		off = 2 * ETH_ALEN;
		for (i = 0; i < flow->nr_vlans; i++) {
			put16(p + off, flow->vlan_proto[i] ? : ETH_P_8021Q);
			put16(p + off + 2, flow->vlan_tci[i]);
			off += 4;
		}
		put16(p + off, type);
		off += 2;
	}

	if (flow->family == AF_UNSPEC) {
		size_t len = flow->payload_len + TRSS_TRAILER_LEN;

		if (off + len > size)
			return -ENOSPC;
		put_garbage(p + off, flow->payload_len, tag);
		put32(p + off + flow->payload_len, TRSS_TAG_MAGIC);
		put32(p + off + flow->payload_len + 4, tag);
		return off + len;
	}

	ret = build_ip(flow, tag, p + off, size - off);
	return ret < 0 ? ret : (int)off + ret;
}

int trss_dev_build(const struct trss_dev *dev, const struct trss_flow *flow,
		   __u32 tag, void *buf, size_t size)
{
	return trss_build_frame(flow, tag, !dev->tun, buf, size);
}

/* 0 and the tag when the frame ends with a tag trailer, else -ENOENT */
int trss_frame_tag(const void *frame, size_t len, __u32 *tag)
{
	const __u8 *end = (const __u8 *)frame + len;

	if (len < TRSS_TRAILER_LEN ||
	    get32(end - TRSS_TRAILER_LEN) != TRSS_TAG_MAGIC)
		return -ENOENT;
	*tag = get32(end - 4);
	return 0;
}

/* Sending */

static void frame_dest(const struct trss_dev *dev, const void *frame,
		       size_t len, struct sockaddr_ll *sll)
{
	const __u8 *p = frame;

	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = dev->ifindex;
	/*
	 * tap (SOCK_RAW): protocol 0 lets af_packet parse it from the frame,
	 * VLAN tags included.  tun (SOCK_DGRAM): the IP version decides.
	 */
	if (dev->tun && len)
		sll->sll_protocol = htons((p[0] >> 4) == 6 ? ETH_P_IPV6 :
							    ETH_P_IP);
}

int trss_send(struct trss_dev *dev, const void *frame, size_t len)
{
	struct sockaddr_ll sll;
	ssize_t ret;

	frame_dest(dev, frame, len, &sll);
	ret = sendto(dev->tx_sock, frame, len, 0, (struct sockaddr *)&sll,
		     sizeof(sll));
	if (ret < 0)
		return -errno;
	return (size_t)ret == len ? 0 : -EIO;
}

/* Send nr frames with sendmmsg(); returns 0 once all went out */
int trss_send_many(struct trss_dev *dev, const struct iovec *frames,
		   unsigned int nr)
{
	struct sockaddr_ll sll[TRSS_CHUNK];
	struct mmsghdr msg[TRSS_CHUNK];
	unsigned int done = 0, n, i;
	int ret;

	while (done < nr) {
		n = nr - done < TRSS_CHUNK ? nr - done : TRSS_CHUNK;
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < n; i++) {
			frame_dest(dev, frames[done + i].iov_base,
				   frames[done + i].iov_len, &sll[i]);
			msg[i].msg_hdr.msg_name = &sll[i];
			msg[i].msg_hdr.msg_namelen = sizeof(sll[i]);
			msg[i].msg_hdr.msg_iov = (struct iovec *)&frames[done + i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		ret = sendmmsg(dev->tx_sock, msg, n, 0);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += ret;
	}
	return 0;
}

int trss_send_flow(struct trss_dev *dev, const struct trss_flow *flow,
		   __u32 tag)
{
	__u8 frame[TRSS_FRAME_MAX];
	int len;

	len = trss_dev_build(dev, flow, tag, frame, sizeof(frame));
	if (len < 0)
		return len;
	return trss_send(dev, frame, len);
}

/* Reading */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One read attempt on each attached queue, starting after the last hit */
static int recv_once(struct trss_dev *dev, struct trss_rx *rx, void *buf,
		     size_t size)
{
	unsigned int i, idx;
	size_t vlen, flen;
	ssize_t n;

	for (i = 0; i < dev->nr_fds; i++) {
		idx = (dev->next_fd + i) % dev->nr_fds;
		if (dev->queue[idx] < 0)
			continue;
		n = read(dev->fds[idx], dev->rxbuf, TRSS_RXBUF_LEN);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n < dev->vnet_hdr_sz)
			return -EPROTO;
		dev->next_fd = idx + 1;

		vlen = dev->vnet_hdr_sz;
		flen = n - vlen;
		memset(rx, 0, sizeof(*rx));
		rx->queue = dev->queue[idx];
		rx->fd_idx = idx;
		rx->len = flen;
		rx->vnet_len = vlen;
		memcpy(rx->vnet_hdr, dev->rxbuf, vlen);
		rx->tagged = !trss_frame_tag(dev->rxbuf + vlen, flen, &rx->tag);
		if (buf)
			memcpy(buf, dev->rxbuf + vlen, flen < size ? flen : size);
		return 1;
	}
	return 0;
}

/*
 * Read the next frame from whichever queue has one, waiting up to
 * timeout_ms.  The frame's first size bytes go to buf (may be NULL), the
 * rest of what the reader learnt to rx.  Returns 1, or 0 on timeout.
 */
int trss_recv(struct trss_dev *dev, struct trss_rx *rx, void *buf,
	      size_t size, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd pfd[TRSS_MAX_QUEUES];
	unsigned int i, n;
	long long left;
	int ret;

	for (;;) {
		ret = recv_once(dev, rx, buf, size);
		if (ret)
			return ret;
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		for (i = 0, n = 0; i < dev->nr_fds; i++) {
			if (dev->queue[i] < 0)
				continue;
			pfd[n].fd = dev->fds[i];
			pfd[n].events = POLLIN;
			n++;
		}
		if (!n)
			return 0;
		if (poll(pfd, n, left) < 0 && errno != EINTR)
			return -errno;
	}
}

/* Read until the frame with this tag, dropping others; 1, or 0 on timeout */
int trss_recv_tag(struct trss_dev *dev, __u32 tag, struct trss_rx *rx,
		  void *buf, size_t size, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	long long left;
	int ret;

	for (;;) {
		left = deadline - now_ms();
		ret = trss_recv(dev, rx, buf, size, left > 0 ? left : 0);
		if (ret <= 0)
			return ret;
		if (rx->tagged && rx->tag == tag)
			return 1;
	}
}

/* Read and drop frames until the queues stay empty timeout_ms; the count */
int trss_drain(struct trss_dev *dev, int timeout_ms)
{
	struct trss_rx rx;
	int ret, n = 0;

	while ((ret = trss_recv(dev, &rx, NULL, 0, timeout_ms)) > 0)
		n++;
	return ret < 0 ? ret : n;
}

bool trss_qset_test(const __u64 *qset, unsigned int queue)
{
	return queue < TRSS_MAX_QUEUES && qset[queue / 64] >> (queue % 64) & 1;
}

/*
 * Fault injection, to prove the tests notice what they claim to check:
 * TRSS_INJECT="drop=N", "dup=N" or "move=N" makes the batch reader lose,
 * double, or misattribute to the next queue the N-th tagged frame it reads.
 */
struct trss_inject {
	unsigned int drop, dup, move;
	unsigned int seen;
};

static void inject_parse(struct trss_inject *inj)
{
	const char *env = getenv("TRSS_INJECT");
	unsigned int n;

	memset(inj, 0, sizeof(*inj));
	if (!env)
		return;
	if (sscanf(env, "drop=%u", &n) == 1)
		inj->drop = n;
	else if (sscanf(env, "dup=%u", &n) == 1)
		inj->dup = n;
	else if (sscanf(env, "move=%u", &n) == 1)
		inj->move = n;
	else
		fprintf(stderr, "TRSS_INJECT=%s ignored\n", env);
}

static void batch_account(struct trss_batch *b, const struct trss_rx *rx)
{
	unsigned int f = TRSS_TAG_FLOW(rx->tag), seq = TRSS_TAG_SEQ(rx->tag);
	struct trss_flow_stat *st;
	struct trss_rx *rec;
	__u64 bit;

	if (rx->queue >= 0 && rx->queue < TRSS_MAX_QUEUES)
		b->queue_frames[rx->queue]++;
	if (!rx->tagged || f >= b->nr_flows || seq >= b->rounds ||
	    rx->queue < 0 || rx->queue >= TRSS_MAX_QUEUES) {
		b->stray++;
		return;
	}

	st = &b->flow[f];
	bit = 1ULL << (rx->queue % 64);
	if (!(st->qset[rx->queue / 64] & bit)) {
		st->qset[rx->queue / 64] |= bit;
		st->nr_queues++;
	}

	rec = &b->frame[seq * b->nr_flows + f];
	if (rec->queue >= 0) {
		st->dups++;
		b->dups++;
		return;
	}
	*rec = *rx;
	st->received++;
	b->received++;
	if (st->queue < 0)
		st->queue = rx->queue;
}

static int batch_collect(struct trss_dev *dev, struct trss_batch *b,
			 struct trss_inject *inj, int timeout_ms, bool all)
{
	struct trss_rx rx;
	int ret;

	while (!all || b->received < b->sent) {
		ret = trss_recv(dev, &rx, NULL, 0, timeout_ms);
		if (ret <= 0)
			return ret;
		if (rx.tagged) {
			inj->seen++;
			if (inj->seen == inj->drop)
				continue;
			if (inj->seen == inj->move && dev->nr_queues)
				rx.queue = (rx.queue + 1) % dev->nr_queues;
			if (inj->seen == inj->dup)
				batch_account(b, &rx);
		}
		batch_account(b, &rx);
	}
	return 0;
}

/*
 * Send rounds x nr_flows frames (round-major: every flow once, then again),
 * frame (f, r) tagged TRSS_TAG(f, r), and read them back.  Between chunks
 * the queues are emptied so none overflows; at the end the reader waits
 * until everything arrived or no frame came for timeout_ms, then a little
 * more for duplicates.  Fills batch; free it with trss_batch_free(), also
 * after an error.
 */
int trss_batch_run(struct trss_dev *dev, const struct trss_flow *flows,
		   unsigned int nr_flows, unsigned int rounds, int timeout_ms,
		   struct trss_batch *batch)
{
	static __u8 frames[TRSS_CHUNK][TRSS_FRAME_MAX];
	struct iovec iov[TRSS_CHUNK];
	struct trss_inject inj;
	unsigned int r, f, i, n;
	int ret, len;

	memset(batch, 0, sizeof(*batch));
	if (!nr_flows || nr_flows > TRSS_MAX_FLOWS ||
	    !rounds || rounds > TRSS_MAX_SEQ)
		return -EINVAL;
	batch->nr_flows = nr_flows;
	batch->rounds = rounds;
	batch->flow = calloc(nr_flows, sizeof(*batch->flow));
	batch->frame = calloc((size_t)nr_flows * rounds, sizeof(*batch->frame));
	if (!batch->flow || !batch->frame) {
		trss_batch_free(batch);
		return -ENOMEM;
	}
	for (f = 0; f < nr_flows; f++)
		batch->flow[f].queue = -1;
	for (i = 0; i < nr_flows * rounds; i++)
		batch->frame[i].queue = -1;
	inject_parse(&inj);

	for (r = 0; r < rounds; r++) {
		for (f = 0; f < nr_flows; f += n) {
			n = nr_flows - f < TRSS_CHUNK ? nr_flows - f : TRSS_CHUNK;
			for (i = 0; i < n; i++) {
				len = trss_dev_build(dev, &flows[f + i],
						     TRSS_TAG(f + i, r),
						     frames[i], TRSS_FRAME_MAX);
				if (len < 0)
					return len;
				iov[i].iov_base = frames[i];
				iov[i].iov_len = len;
			}
			ret = trss_send_many(dev, iov, n);
			if (ret)
				return ret;
			for (i = 0; i < n; i++)
				batch->flow[f + i].sent++;
			batch->sent += n;
			ret = batch_collect(dev, batch, &inj, 0, false);
			if (ret)
				return ret;
		}
	}

	ret = batch_collect(dev, batch, &inj, timeout_ms, true);
	if (!ret)
		ret = batch_collect(dev, batch, &inj,
				    timeout_ms < TRSS_DUP_GRACE_MS ?
				    timeout_ms : TRSS_DUP_GRACE_MS, false);
	batch->lost = batch->sent - batch->received;
	return ret;
}

void trss_batch_free(struct trss_batch *batch)
{
	free(batch->flow);
	free(batch->frame);
	batch->flow = NULL;
	batch->frame = NULL;
}

/* Reference RSS */

/*
 * Toeplitz, bit-serial as the Microsoft RSS specification states it: for
 * each set bit of the input, XOR in the 32 key bits starting at that bit's
 * position.  Key bits past the key count as zero.
 */
__u32 trss_toeplitz(const __u8 *key, size_t key_len, const __u8 *data,
		    size_t len)
{
	size_t next = 32, i;
	__u32 hash = 0, window = 0;
	int bit;

	for (i = 0; i < 4; i++)
		window = window << 8 | (i < key_len ? key[i] : 0);
	for (i = 0; i < len; i++) {
		for (bit = 7; bit >= 0; bit--) {
			if (data[i] >> bit & 1)
				hash ^= window;
			window <<= 1;
			/* past the key's end, the key again (tuntap.rst) */
			if (key_len &&
			    key[next / 8 % key_len] >> (7 - next % 8) & 1)
				window |= 1;
			next++;
		}
	}
	return hash;
}

static bool flow_has_ports(const struct trss_flow *flow)
{
	return (flow->proto == IPPROTO_TCP || flow->proto == IPPROTO_UDP ||
		flow->proto == IPPROTO_SCTP) && !trss_flow_is_frag(flow);
}

/* Append a field pair (src, dst) transformed as input_xfrm says */
static size_t put_pair(__u8 *buf, const __u8 *src, const __u8 *dst,
		       size_t len, bool want_src, bool want_dst,
		       __u8 input_xfrm)
{
	size_t i, off = 0;

	if (input_xfrm & (RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR)) {
		for (i = 0; i < len; i++) {
			buf[i] = input_xfrm & RXH_XFRM_SYM_OR_XOR ?
				 src[i] | dst[i] : src[i] ^ dst[i];
			buf[len + i] = src[i] ^ dst[i];
		}
		return 2 * len;
	}
	if (want_src) {
		memcpy(buf, src, len);
		off += len;
	}
	if (want_dst) {
		memcpy(buf + off, dst, len);
		off += len;
	}
	return off;
}

/*
 * The Toeplitz input of a flow for the RXH_* fields enabled for its flow
 * type: source address, destination address, source port, destination
 * port, each if enabled, in network order (the virtio and Microsoft
 * layout); then, as tuntap.rst defines for tun, the destination MAC (as
 * a tap frame carries it), the VLAN ID of the outermost tag (2 bytes, 0
 * untagged), the protocol (1 byte) and, for IPv6, the flow label (3
 * bytes).  Ports count only for unfragmented TCP, UDP and SCTP.  The
 * symmetric transforms follow Documentation/networking/scaling.rst and
 * need both halves of a pair enabled.  Returns the input length (at most
 * TRSS_MAX_HASH_INPUT).
 */
int trss_hash_input(const struct trss_flow *flow, __u32 rxh_fields,
		    __u8 input_xfrm, __u8 *buf)
{
	bool s = rxh_fields & RXH_IP_SRC, d = rxh_fields & RXH_IP_DST;
	bool sp = rxh_fields & RXH_L4_B_0_1, dp = rxh_fields & RXH_L4_B_2_3;
	size_t alen, off = 0;
	__u8 ports[4];
	__u16 vid;

	if (flow->family == AF_INET)
		alen = 4;
	else if (flow->family == AF_INET6)
		alen = 16;
	else
		return 0;
	if (input_xfrm && (s != d || sp != dp))
		return -EINVAL;

	if (s || d)
		off += put_pair(buf, (const __u8 *)&flow->saddr,
				(const __u8 *)&flow->daddr, alen, s, d,
				input_xfrm);
	if ((sp || dp) && flow_has_ports(flow)) {
		put16(ports, flow->sport);
		put16(ports + 2, flow->dport);
		off += put_pair(buf + off, ports, ports + 2, 2, sp, dp,
				input_xfrm);
	}
	if (rxh_fields & RXH_L2DA) {
		static const __u8 zero[ETH_ALEN];

		memcpy(buf + off, memcmp(flow->dmac, zero, ETH_ALEN) ?
		       flow->dmac : trss_default_dmac, ETH_ALEN);
		off += ETH_ALEN;
	}
	if (rxh_fields & RXH_VLAN) {
		vid = flow->nr_vlans ? flow->vlan_tci[0] & 0x0fff : 0;
		put16(buf + off, vid);
		off += 2;
	}
	if (rxh_fields & RXH_L3_PROTO)
		buf[off++] = flow->proto;
	if ((rxh_fields & RXH_IP6_FL) && alen == 16) {
		buf[off++] = flow->flowlabel >> 16 & 0x0f;
		buf[off++] = flow->flowlabel >> 8;
		buf[off++] = flow->flowlabel;
	}
	return off;
}

/* The ethtool flow type whose hash fields apply to the flow, -1: none */
int trss_flow_type(const struct trss_flow *flow)
{
	bool v4 = flow->family == AF_INET;

	if (flow->family != AF_INET && flow->family != AF_INET6)
		return -1;
	switch (flow->proto) {
	case IPPROTO_TCP:
		return v4 ? TCP_V4_FLOW : TCP_V6_FLOW;
	case IPPROTO_UDP:
		return v4 ? UDP_V4_FLOW : UDP_V6_FLOW;
	case IPPROTO_SCTP:
		return v4 ? SCTP_V4_FLOW : SCTP_V6_FLOW;
	default:
		return v4 ? IPV4_FLOW : IPV6_FLOW;
	}
}

/*
 * Expected hash and VIRTIO_NET_HASH_REPORT_* of a flow, given the fields of
 * its flow type (SPEC §4): L4 types only when both ports are hashed and
 * present, IP types when addresses are, NONE (hash 0) otherwise.  The _EX
 * types are not modelled.
 */
__u32 trss_flow_hash(const struct trss_flow *flow, const __u8 *key,
		     __u32 rxh_fields, __u8 input_xfrm, __u16 *hash_report)
{
	const __u32 sd = RXH_IP_SRC | RXH_IP_DST;
	const __u32 sdfn = sd | RXH_L4_B_0_1 | RXH_L4_B_2_3;
	bool v4 = flow->family == AF_INET;
	__u8 in[TRSS_MAX_HASH_INPUT];
	__u32 hashed = rxh_fields;
	__u16 type;
	int len;

	/* What the frame lacks is not hashed */
	if (!flow_has_ports(flow))
		hashed &= ~(RXH_L4_B_0_1 | RXH_L4_B_2_3);
	if (v4)
		hashed &= ~RXH_IP6_FL;
	/*
	 * The virtio type of the set hashed; any other set is reported as
	 * NONE with its hash all the same (tuntap.rst).
	 */
	len = trss_hash_input(flow, rxh_fields, input_xfrm, in);
	if (len <= 0)
		type = VIRTIO_NET_HASH_REPORT_NONE;
	else if (hashed == sd)
		type = v4 ? VIRTIO_NET_HASH_REPORT_IPv4 :
			    VIRTIO_NET_HASH_REPORT_IPv6;
	else if (hashed == sdfn && flow->proto == IPPROTO_TCP)
		type = v4 ? VIRTIO_NET_HASH_REPORT_TCPv4 :
			    VIRTIO_NET_HASH_REPORT_TCPv6;
	else if (hashed == sdfn && flow->proto == IPPROTO_UDP)
		type = v4 ? VIRTIO_NET_HASH_REPORT_UDPv4 :
			    VIRTIO_NET_HASH_REPORT_UDPv6;
	else
		type = VIRTIO_NET_HASH_REPORT_NONE;
	if (hash_report)
		*hash_report = type;
	if (len <= 0)
		return 0;
	return trss_toeplitz(key, TRSS_RSS_KEY_LEN, in, len);
}

unsigned int trss_indir_queue(const __u32 *indir, __u32 hash)
{
	return indir[hash % TRSS_INDIR_SIZE];
}

static int parse_addr(const char *s, struct trss_flow *flow,
		      union trss_addr *addr)
{
	int family = strchr(s, ':') ? AF_INET6 : AF_INET;

	if (flow->family && flow->family != family)
		return -EINVAL;
	flow->family = family;
	return inet_pton(family, s, addr) == 1 ? 0 : -EINVAL;
}

static int parse_key(const char *s, __u8 *key)
{
	unsigned int i, byte;

	for (i = 0; i < TRSS_RSS_KEY_LEN; i++) {
		if (sscanf(s + 2 * i, "%2x", &byte) != 1)
			return -EINVAL;
		key[i] = byte;
	}
	return 0;
}

/* Open path, or the file of that name next to the test binary */
static FILE *open_data(const char *path)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f || strchr(path, '/'))
		return f;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	n = snprintf(slash + 1, sizeof(exe) - (slash + 1 - exe), "%s", path);
	if ((size_t)n >= sizeof(exe) - (slash + 1 - exe))
		return NULL;
	return fopen(exe, "r");
}

/*
 * Load the Microsoft RSS verification vectors (TRSS_MS_VECTORS when path
 * is NULL): the key into key (TRSS_RSS_KEY_LEN bytes), up to max vectors
 * into vec.  Returns the number of vectors.
 */
int trss_ms_vectors_load(const char *path, __u8 *key,
			 struct trss_ms_vector *vec, unsigned int max)
{
	char line[512], dst[64], src[64];
	unsigned int dport, sport, n = 0;
	struct trss_ms_vector *v;
	bool have_key = false;
	int err = 0;
	FILE *f;

	f = open_data(path ? path : TRSS_MS_VECTORS);
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "# key\t", 6)) {
			err = parse_key(line + 6, key);
			if (err)
				break;
			have_key = true;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (n == max) {
			err = -ENOSPC;
			break;
		}
		v = &vec[n];
		memset(v, 0, sizeof(*v));
		if (sscanf(line, "%63s %u %63s %u %x %x", dst, &dport, src,
			   &sport, &v->hash_ip, &v->hash_ip_l4) != 6 ||
		    dport > 65535 || sport > 65535) {
			err = -EINVAL;
			break;
		}
		v->flow.proto = IPPROTO_TCP;
		v->flow.dport = dport;
		v->flow.sport = sport;
		err = parse_addr(dst, &v->flow, &v->flow.daddr);
		if (!err)
			err = parse_addr(src, &v->flow, &v->flow.saddr);
		if (err)
			break;
		n++;
	}
	fclose(f);
	if (!err && !have_key)
		err = -EINVAL;
	return err ? err : (int)n;
}

/* Random numbers (splitmix64: tiny, and good enough to pick flows) */

__u32 trss_random(__u64 *state)
{
	__u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) >> 32;
}

void trss_random_bytes(__u64 *state, void *buf, size_t len)
{
	__u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = trss_random(state);
}

/* Random addresses and ports for the flow's family; the rest is kept */
void trss_flow_randomize(struct trss_flow *flow, __u64 *state)
{
	size_t alen = flow->family == AF_INET6 ? 16 : 4;

	trss_random_bytes(state, &flow->saddr, alen);
	trss_random_bytes(state, &flow->daddr, alen);
	flow->sport = trss_random(state);
	flow->dport = trss_random(state);
}

/* Reading into the caller's buffers */

ssize_t trss_recv_iov(struct trss_dev *dev, const struct iovec *iov,
		      int iovcnt, int *queue, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd pfd[TRSS_MAX_QUEUES];
	unsigned int i, n, idx;
	long long left;
	ssize_t ret;

	for (;;) {
		for (i = 0; i < dev->nr_fds; i++) {
			idx = (dev->next_fd + i) % dev->nr_fds;
			if (dev->queue[idx] < 0)
				continue;
			/* one buffer: read(), the path most readers use */
			if (iovcnt == 1)
				ret = read(dev->fds[idx], iov[0].iov_base,
					   iov[0].iov_len);
			else
				ret = readv(dev->fds[idx], iov, iovcnt);
			if (ret < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				return -errno;
			}
			dev->next_fd = idx + 1;
			if (queue)
				*queue = dev->queue[idx];
			return ret;
		}
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		for (i = 0, n = 0; i < dev->nr_fds; i++) {
			if (dev->queue[i] < 0)
				continue;
			pfd[n].fd = dev->fds[i];
			pfd[n].events = POLLIN;
			n++;
		}
		if (!n)
			return 0;
		if (poll(pfd, n, left) < 0 && errno != EINTR)
			return -errno;
	}
}

/* ethtool ioctls */

int trss_ethtool_ioctl(const struct trss_dev *dev, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev->name);
	ifr.ifr_data = cmd;
	if (ioctl(dev->tx_sock, SIOCETHTOOL, &ifr))
		return -errno;
	return 0;
}

/* ETHTOOL_GRXRINGS: the ring count, or a negative errno */
int trss_rx_rings(const struct trss_dev *dev)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };
	int err;

	err = trss_ethtool_ioctl(dev, &nfc);
	return err ? err : (int)nfc.data;
}

/*
 * ETHTOOL_GRSSH of a context.  The sizes are asked first: a device whose
 * table or key is not the size SPEC §4 says gets -EPROTO, not a short read.
 */
int trss_rss_get(const struct trss_dev *dev, __u32 context,
		 struct trss_rss *rss)
{
	size_t indir_bytes = TRSS_INDIR_SIZE * sizeof(__u32);
	struct ethtool_rxfh head = {
		.cmd = ETHTOOL_GRSSH,
		.rss_context = context,
	};
	struct ethtool_rxfh *rxfh;
	int err;

	err = trss_ethtool_ioctl(dev, &head);
	if (err)
		return err;
	if (head.indir_size != TRSS_INDIR_SIZE ||
	    head.key_size != TRSS_RSS_KEY_LEN)
		return -EPROTO;

	rxfh = calloc(1, sizeof(*rxfh) + indir_bytes + TRSS_RSS_KEY_LEN);
	if (!rxfh)
		return -ENOMEM;
	rxfh->cmd = ETHTOOL_GRSSH;
	rxfh->rss_context = context;
	rxfh->indir_size = TRSS_INDIR_SIZE;
	rxfh->key_size = TRSS_RSS_KEY_LEN;
	err = trss_ethtool_ioctl(dev, rxfh);
	if (!err) {
		memcpy(rss->indir, rxfh->rss_config, indir_bytes);
		memcpy(rss->key, (__u8 *)rxfh->rss_config + indir_bytes,
		       TRSS_RSS_KEY_LEN);
		rss->hfunc = rxfh->hfunc;
		rss->input_xfrm = rxfh->input_xfrm;
	}
	free(rxfh);
	return err;
}

void trss_rss_req_init(struct trss_rss_req *req, __u32 context)
{
	memset(req, 0, sizeof(*req));
	req->context = context;
	req->indir_size = ETH_RXFH_INDIR_NO_CHANGE;
	req->hfunc = TRSS_HASH_NO_CHANGE;
	req->input_xfrm = RXH_XFRM_NO_CHANGE;
}

/* ETHTOOL_SRSSH; a created context's ID comes back in req->context */
int trss_rss_set(const struct trss_dev *dev, struct trss_rss_req *req)
{
	size_t indir_bytes = 0;
	struct ethtool_rxfh *rxfh;
	int err;

	if (req->indir_size != ETH_RXFH_INDIR_NO_CHANGE) {
		if (req->indir_size > 4096 || (req->indir_size && !req->indir))
			return -EINVAL;
		indir_bytes = req->indir_size * sizeof(__u32);
	}
	if (req->key_size > 4096 || (req->key_size && !req->key))
		return -EINVAL;

	rxfh = calloc(1, sizeof(*rxfh) + indir_bytes + req->key_size);
	if (!rxfh)
		return -ENOMEM;
	rxfh->cmd = ETHTOOL_SRSSH;
	rxfh->rss_context = req->context;
	rxfh->indir_size = req->indir_size;
	rxfh->key_size = req->key_size;
	rxfh->hfunc = req->hfunc;
	rxfh->input_xfrm = req->input_xfrm;
	if (indir_bytes)
		memcpy(rxfh->rss_config, req->indir, indir_bytes);
	if (req->key_size)
		memcpy((__u8 *)rxfh->rss_config + indir_bytes, req->key,
		       req->key_size);
	err = trss_ethtool_ioctl(dev, rxfh);
	if (!err)
		req->context = rxfh->rss_context;
	free(rxfh);
	return err;
}

/* ETHTOOL_GRXFH and ETHTOOL_SRXFH; a non-zero context adds FLOW_RSS */
int trss_rxfh_fields_get(const struct trss_dev *dev, __u32 context,
			 __u32 flow_type, __u64 *fields)
{
	struct ethtool_rxnfc nfc = {
		.cmd = ETHTOOL_GRXFH,
		.flow_type = flow_type | (context ? FLOW_RSS : 0),
		.rss_context = context,
	};
	int err;

	err = trss_ethtool_ioctl(dev, &nfc);
	if (!err)
		*fields = nfc.data;
	return err;
}

int trss_rxfh_fields_set(const struct trss_dev *dev, __u32 context,
			 __u32 flow_type, __u64 fields)
{
	struct ethtool_rxnfc nfc = {
		.cmd = ETHTOOL_SRXFH,
		.flow_type = flow_type | (context ? FLOW_RSS : 0),
		.data = fields,
		.rss_context = context,
	};

	return trss_ethtool_ioctl(dev, &nfc);
}

/* The ethtool binary and what it prints */

int trss_ethtool(char *out, size_t size, const char *fmt, ...)
{
	const char *bin = getenv("TRSS_ETHTOOL");
	char args[3072];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (ret < 0 || (size_t)ret >= sizeof(args))
		return -E2BIG;
	return trss_run(out, size, "%s %s", bin ? bin : "ethtool", args);
}

/* Names of ETH_SS_RSS_HASH_FUNCS (rss_hash_func_strings), by bit */
static const char * const trss_hfunc_names[] = { "toeplitz", "xor", "crc32" };

/*
 * Parse what "ethtool -x DEV [context N]" prints: the indirection table
 * (rows of "%5u: " then up to 8 entries), the key ("xx:xx:..."), and the
 * hash functions ("    name: on|off").  Returns 0 when all three parts
 * were found.
 */
int trss_ethtool_parse_rss(const char *out, struct trss_rss *rss,
			   unsigned int *indir_size, unsigned int *key_size)
{
	enum { NONE, INDIR, KEY, HFUNC } part = NONE;
	unsigned int seen = 0, n, row, entry, i;
	const char *line = out, *p;
	char name[32], state[8];
	char *end;

	memset(rss, 0, sizeof(*rss));
	*indir_size = 0;
	*key_size = 0;
	while (*line) {
		if (!strncmp(line, "RX flow hash indirection table", 30)) {
			part = INDIR;
			seen |= 1;
		} else if (!strncmp(line, "RSS hash key:", 13)) {
			part = KEY;
			seen |= 2;
		} else if (!strncmp(line, "RSS hash function:", 18)) {
			part = HFUNC;
			seen |= 4;
		} else if (part == INDIR && sscanf(line, "%u:%n", &row, &n) == 1) {
			p = line + n;
			for (;;) {
				entry = strtoul(p, &end, 10);
				if (end == p || *end == ':')
					break;
				if (row >= TRSS_INDIR_SIZE)
					return -E2BIG;
				rss->indir[row++] = entry;
				p = end;
			}
			if (row > *indir_size)
				*indir_size = row;
		} else if (part == KEY) {
			for (p = line; *key_size < TRSS_RSS_KEY_LEN; p = end + 1) {
				rss->key[*key_size] = strtoul(p, &end, 16);
				if (end == p)
					break;
				++*key_size;
				if (*end != ':')
					break;
			}
			part = NONE;
		} else if (part == HFUNC &&
			   sscanf(line, " %31[^:]: %7s", name, state) == 2) {
			for (i = 0; i < 3; i++)
				if (!strcmp(name, trss_hfunc_names[i]) &&
				    !strcmp(state, "on"))
					rss->hfunc |= 1 << i;
		}
		p = strchr(line, '\n');
		if (!p)
			break;
		line = p + 1;
	}
	return seen == 7 ? 0 : -ENOMSG;
}

/* Parse "ethtool -n DEV rx-flow-hash TYPE": the RXH_* fields it lists */
int trss_ethtool_parse_fields(const char *out, __u64 *fields)
{
	static const struct {
		const char *name;
		__u64 bit;
	} names[] = {
		{ "L2DA", RXH_L2DA },
		{ "VLAN tag", RXH_VLAN },
		{ "L3 proto", RXH_L3_PROTO },
		{ "IP SA", RXH_IP_SRC },
		{ "IP DA", RXH_IP_DST },
		{ "L4 bytes 0 & 1", RXH_L4_B_0_1 },
		{ "L4 bytes 2 & 3", RXH_L4_B_2_3 },
	};
	const char *line = strstr(out, "Hash flow key:\n");
	unsigned int i;
	const char *p;

	if (!line)
		return -ENOMSG;
	*fields = 0;
	for (line = strchr(line, '\n') + 1; *line; line = p + 1) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strncmp(line, names[i].name, strlen(names[i].name)))
				*fields |= names[i].bit;
		p = strchr(line, '\n');
		if (!p)
			break;
	}
	return 0;
}

/*
 * The per-queue counters "ethtool -S DEV" shows (rx_queue_N_packets,
 * _bytes, _drops), for queues below max.  Returns how many queues it
 * listed.
 */
int trss_ethtool_queue_stats(const struct trss_dev *dev, __u64 *packets,
			     __u64 *bytes, __u64 *drops, unsigned int max)
{
	unsigned long long val;
	unsigned int q, nr = 0;
	char what[16], *out;
	const char *line;
	int ret;

	out = malloc(65536);
	if (!out)
		return -ENOMEM;
	ret = trss_ethtool(out, 65536, "-S %s", dev->name);
	if (ret) {
		free(out);
		return ret < 0 ? ret : -EIO;
	}
	memset(packets, 0, max * sizeof(*packets));
	memset(bytes, 0, max * sizeof(*bytes));
	memset(drops, 0, max * sizeof(*drops));
	for (line = out; line; line = strchr(line, '\n')) {
		while (*line == '\n')
			line++;
		if (sscanf(line, " rx_queue_%u_%15[a-z]: %llu", &q, what,
			   &val) != 3 || q >= max)
			continue;
		if (!strcmp(what, "packets"))
			packets[q] = val;
		else if (!strcmp(what, "bytes"))
			bytes[q] = val;
		else if (!strcmp(what, "drops"))
			drops[q] = val;
		if (q + 1 > nr)
			nr = q + 1;
	}
	free(out);
	return nr;
}

/* ethtool netlink: the RSS context dump */

#define TRSS_NL_BUF	32768

struct trss_nl_req {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	__u8 attrs[256];
};

static struct nlattr *nl_put(struct nlmsghdr *nlh, __u16 type,
			     const void *data, size_t len)
{
	struct nlattr *nla = (struct nlattr *)((__u8 *)nlh +
					       NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((__u8 *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
	return nla;
}

static int nl_send(int fd, struct nlmsghdr *nlh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Iterate over the top-level attributes of a generic netlink message */
#define nl_for_each_attr(nla, nlh, rem)					\
	for (nla = (struct nlattr *)((__u8 *)NLMSG_DATA(nlh) + GENL_HDRLEN), \
	     rem = (int)(nlh)->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;	\
	     rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&		\
	     nla->nla_len <= rem;						\
	     rem -= NLA_ALIGN(nla->nla_len),				\
	     nla = (struct nlattr *)((__u8 *)nla + NLA_ALIGN(nla->nla_len)))

static void *nl_data(struct nlattr *nla)
{
	return (__u8 *)nla + NLA_HDRLEN;
}

static int nl_family(int fd, const char *name, __u8 *buf)
{
	struct trss_nl_req req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
		.nlh.nlmsg_type = GENL_ID_CTRL,
		.nlh.nlmsg_flags = NLM_F_REQUEST,
		.nlh.nlmsg_seq = 1,
		.genl.cmd = CTRL_CMD_GETFAMILY,
		.genl.version = 1,
	};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *nla;
	ssize_t n;
	int rem, err;

	nl_put(&req.nlh, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	err = nl_send(fd, &req.nlh);
	if (err)
		return err;
	n = recv(fd, buf, TRSS_NL_BUF, 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nlh, n))
		return -EPROTO;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: -EPROTO;
	nl_for_each_attr(nla, nlh, rem)
		if (nla->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(__u16 *)nl_data(nla);
	return -ENOENT;
}

static void rss_dump_one(struct nlmsghdr *nlh, __u32 *id,
			 struct trss_rss *rss)
{
	struct nlattr *nla;
	size_t len;
	int rem;

	*id = 0;
	if (rss)
		memset(rss, 0, sizeof(*rss));
	nl_for_each_attr(nla, nlh, rem) {
		len = nla->nla_len - NLA_HDRLEN;
		switch (nla->nla_type) {
		case ETHTOOL_A_RSS_CONTEXT:
			*id = *(__u32 *)nl_data(nla);
			break;
		case ETHTOOL_A_RSS_HFUNC:
			if (rss)
				rss->hfunc = *(__u32 *)nl_data(nla);
			break;
		case ETHTOOL_A_RSS_INPUT_XFRM:
			if (rss)
				rss->input_xfrm = *(__u32 *)nl_data(nla);
			break;
		case ETHTOOL_A_RSS_INDIR:
			if (rss)
				memcpy(rss->indir, nl_data(nla),
				       len < sizeof(rss->indir) ?
				       len : sizeof(rss->indir));
			break;
		case ETHTOOL_A_RSS_HKEY:
			if (rss)
				memcpy(rss->key, nl_data(nla),
				       len < sizeof(rss->key) ?
				       len : sizeof(rss->key));
			break;
		}
	}
}

int trss_rss_dump(int ifindex, __u32 start_context, __u32 *ids,
		  struct trss_rss *rss, unsigned int max)
{
	struct trss_nl_req req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = 2,
		.genl.cmd = ETHTOOL_MSG_RSS_GET,
		.genl.version = ETHTOOL_GENL_VERSION,
	};
	__u32 dev_index = ifindex;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int nr = 0;
	int fd, family, ret;
	bool done = false;
	__u8 *buf;
	ssize_t n;

	buf = malloc(TRSS_NL_BUF);
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	family = nl_family(fd, ETHTOOL_GENL_NAME, buf);
	if (family < 0) {
		ret = family;
		goto out;
	}

	req.nlh.nlmsg_type = family;
	nest = nl_put(&req.nlh, ETHTOOL_A_RSS_HEADER | NLA_F_NESTED, NULL, 0);
	nl_put(&req.nlh, ETHTOOL_A_HEADER_DEV_INDEX, &dev_index,
	       sizeof(dev_index));
	nest->nla_len = (__u8 *)&req + req.nlh.nlmsg_len - (__u8 *)nest;
	if (start_context)
		nl_put(&req.nlh, ETHTOOL_A_RSS_START_CONTEXT, &start_context,
		       sizeof(start_context));
	ret = nl_send(fd, &req.nlh);
	if (ret)
		goto out;

	while (!done) {
		n = recv(fd, buf, TRSS_NL_BUF, 0);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				goto out;
			}
			if (nlh->nlmsg_type != family)
				continue;
			if (nr == max) {
				ret = -ENOSPC;
				goto out;
			}
			rss_dump_one(nlh, &ids[nr], rss ? &rss[nr] : NULL);
			nr++;
		}
	}
	ret = nr;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* netdev QSTATS_GET of the transmit side (frames toward the readers) */

static __u64 nl_uint(struct nlattr *nla)
{
	if (nla->nla_len - NLA_HDRLEN == sizeof(__u64))
		return *(__u64 *)nl_data(nla);
	return *(__u32 *)nl_data(nla);
}

static int qstats_dump(int ifindex, bool per_queue, struct trss_qstats *out,
		       unsigned int max)
{
	struct trss_nl_req req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = 2,
		.genl.cmd = NETDEV_CMD_QSTATS_GET,
		.genl.version = NETDEV_FAMILY_VERSION,
	};
	__u32 scope = per_queue ? NETDEV_QSTATS_SCOPE_QUEUE : 0;
	__u32 dev_index = ifindex;
	int fd, family, ret, rem;
	unsigned int nr = 0;
	struct nlmsghdr *nlh;
	struct nlattr *nla;
	bool done = false;
	__u8 *buf;
	ssize_t n;

	buf = malloc(TRSS_NL_BUF);
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	family = nl_family(fd, NETDEV_FAMILY_NAME, buf);
	if (family < 0) {
		ret = family;
		goto out;
	}
	req.nlh.nlmsg_type = family;
	nl_put(&req.nlh, NETDEV_A_QSTATS_IFINDEX, &dev_index,
	       sizeof(dev_index));
	nl_put(&req.nlh, NETDEV_A_QSTATS_SCOPE, &scope, sizeof(scope));
	ret = nl_send(fd, &req.nlh);
	if (ret)
		goto out;

	while (!done) {
		n = recv(fd, buf, TRSS_NL_BUF, 0);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct trss_qstats qs = {};
			__u32 type = NETDEV_QUEUE_TYPE_TX, id = 0;

			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				goto out;
			}
			if (nlh->nlmsg_type != family)
				continue;
			nl_for_each_attr(nla, nlh, rem) {
				switch (nla->nla_type) {
				case NETDEV_A_QSTATS_QUEUE_TYPE:
					type = *(__u32 *)nl_data(nla);
					break;
				case NETDEV_A_QSTATS_QUEUE_ID:
					id = *(__u32 *)nl_data(nla);
					break;
				case NETDEV_A_QSTATS_TX_PACKETS:
					qs.packets = nl_uint(nla);
					break;
				case NETDEV_A_QSTATS_TX_BYTES:
					qs.bytes = nl_uint(nla);
					break;
				case NETDEV_A_QSTATS_TX_HW_DROPS:
					qs.hw_drops = nl_uint(nla);
					break;
				}
			}
			if (type != NETDEV_QUEUE_TYPE_TX)
				continue;
			if (!per_queue)
				id = 0;
			if (id >= max) {
				ret = -ENOSPC;
				goto out;
			}
			out[id] = qs;
			if (id + 1 > nr)
				nr = id + 1;
		}
	}
	ret = nr;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

int trss_qstats_tx(int ifindex, struct trss_qstats *total,
		   struct trss_qstats *queue, unsigned int max)
{
	int ret;

	memset(total, 0, sizeof(*total));
	ret = qstats_dump(ifindex, false, total, 1);
	if (ret != 1)
		return ret < 0 ? ret : -ENODATA;
	if (!queue)
		return 0;
	memset(queue, 0, max * sizeof(*queue));
	return qstats_dump(ifindex, true, queue, max);
}

/* eBPF steering program */

int trss_bpf_steering_prog(__u32 queue)
{
	struct bpf_insn insns[] = {
		/* r0 = queue; return r0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = (__s32)queue },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)license;
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* ntuple flow rules */

/* The flow spec goes byte for byte, padding included, both ways */
int trss_rule_ins(const struct trss_dev *dev, struct ethtool_rx_flow_spec *fs,
		  __u32 rss_context)
{
	struct ethtool_rxnfc nfc;
	int err;

	memset(&nfc, 0, sizeof(nfc));
	nfc.cmd = ETHTOOL_SRXCLSRLINS;
	memcpy(&nfc.fs, fs, sizeof(nfc.fs));
	nfc.rss_context = rss_context;

	err = trss_ethtool_ioctl(dev, &nfc);
	if (!err)
		fs->location = nfc.fs.location;
	return err;
}

int trss_rule_del(const struct trss_dev *dev, __u32 location)
{
	struct ethtool_rxnfc nfc = {
		.cmd = ETHTOOL_SRXCLSRLDEL,
		.fs.location = location,
	};

	return trss_ethtool_ioctl(dev, &nfc);
}

int trss_rule_get(const struct trss_dev *dev, __u32 location,
		  struct ethtool_rx_flow_spec *fs, __u32 *rss_context)
{
	struct ethtool_rxnfc nfc;
	int err;

	memset(&nfc, 0, sizeof(nfc));
	nfc.cmd = ETHTOOL_GRXCLSRULE;
	nfc.fs.location = location;
	err = trss_ethtool_ioctl(dev, &nfc);
	if (err)
		return err;
	memcpy(fs, &nfc.fs, sizeof(*fs));
	if (rss_context)
		*rss_context = nfc.rss_context;
	return 0;
}

int trss_rule_count(const struct trss_dev *dev, __u32 *data)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXCLSRLCNT };
	int err;

	err = trss_ethtool_ioctl(dev, &nfc);
	if (err)
		return err;
	if (data)
		*data = nfc.data;
	return nfc.rule_cnt;
}

int trss_rule_all(const struct trss_dev *dev, __u32 *locs, __u32 rule_cnt)
{
	struct ethtool_rxnfc *nfc;
	int err;

	nfc = calloc(1, sizeof(*nfc) + (size_t)rule_cnt * sizeof(__u32));
	if (!nfc)
		return -ENOMEM;
	nfc->cmd = ETHTOOL_GRXCLSRLALL;
	nfc->rule_cnt = rule_cnt;
	err = trss_ethtool_ioctl(dev, nfc);
	if (!err) {
		if (nfc->rule_cnt > rule_cnt) {
			err = -EPROTO;
		} else {
			memcpy(locs, nfc->rule_locs,
			       nfc->rule_cnt * sizeof(__u32));
			err = nfc->rule_cnt;
		}
	}
	free(nfc);
	return err;
}

/* Device counters */

int trss_ethtool_stat(const struct trss_dev *dev, const char *name,
		      __u64 *val)
{
	unsigned long long v;
	size_t len = strlen(name);
	const char *line;
	char *out;
	int ret;

	out = malloc(65536);
	if (!out)
		return -ENOMEM;
	ret = trss_ethtool(out, 65536, "-S %s", dev->name);
	if (ret) {
		free(out);
		return ret < 0 ? ret : -EIO;
	}
	ret = -ENOENT;
	for (line = out; line; line = strchr(line, '\n')) {
		while (*line == '\n' || *line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, name, len) || line[len] != ':')
			continue;
		if (sscanf(line + len + 1, " %llu", &v) == 1) {
			*val = v;
			ret = 0;
		}
		break;
	}
	free(out);
	return ret;
}

/*
 * What "ip -j -s link show dev DEV" prints: one object whose "stats64"
 * holds an "rx" and a "tx" object of plain numbers.
 */
int trss_link_stat(const struct trss_dev *dev, const char *dir,
		   const char *name, __u64 *val)
{
	char out[8192], key[64];
	unsigned long long v;
	const char *p, *end;
	int ret;

	ret = trss_run(out, sizeof(out), "ip -j -s link show dev %s",
		       dev->name);
	if (ret)
		return ret < 0 ? ret : -EIO;
	p = strstr(out, "\"stats64\":{");
	if (!p)
		return -ENOMSG;
	snprintf(key, sizeof(key), "\"%s\":{", dir);
	p = strstr(p, key);
	if (!p)
		return -ENOMSG;
	end = strchr(p, '}');
	snprintf(key, sizeof(key), "\"%s\":", name);
	p = strstr(p, key);
	if (!p || !end || p > end)
		return -ENOENT;
	if (sscanf(p + strlen(key), "%llu", &v) != 1)
		return -ENOMSG;
	*val = v;
	return 0;
}

/* ---- Added for stress.c (issue 10): device counters and features ---- */

/* Kept with the helpers that need them, so this block stays appended */
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

int trss_link_stats64(int ifindex, struct rtnl_link_stats64 *stats)
{
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg ifi;
	} req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nlh.nlmsg_type = RTM_GETLINK,
		.nlh.nlmsg_flags = NLM_F_REQUEST,
		.nlh.nlmsg_seq = 1,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = ifindex,
	};
	struct nlmsghdr *nlh;
	struct rtattr *rta;
	int fd, len, ret;
	__u8 *buf;
	ssize_t n;

	buf = malloc(TRSS_NL_BUF);
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = nl_send(fd, &req.nlh);
	if (ret)
		goto out;
	n = recv(fd, buf, TRSS_NL_BUF, 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nlh, n)) {
		ret = -EPROTO;
		goto out;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: -EPROTO;
		goto out;
	}
	ret = -ENOENT;
	len = IFLA_PAYLOAD(nlh);
	for (rta = IFLA_RTA(NLMSG_DATA(nlh)); RTA_OK(rta, len);
	     rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != IFLA_STATS64)
			continue;
		if (RTA_PAYLOAD(rta) < sizeof(*stats)) {
			ret = -EPROTO;
			break;
		}
		memcpy(stats, RTA_DATA(rta), sizeof(*stats));
		ret = 0;
		break;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* Index of a feature name in ETH_SS_FEATURES, or a negative errno */
static int feature_index(const struct trss_dev *dev, const char *name)
{
	/* struct ethtool_sset_info and the one length it returns */
	__u64 buf[(sizeof(struct ethtool_sset_info) + sizeof(__u32) + 7) / 8] = {};
	struct ethtool_sset_info *info = (void *)buf;
	struct ethtool_gstrings *strings;
	unsigned int count, i;
	int err;

	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_FEATURES;
	err = trss_ethtool_ioctl(dev, info);
	if (err)
		return err;
	if (!(info->sset_mask & (1ULL << ETH_SS_FEATURES)))
		return -EOPNOTSUPP;
	count = info->data[0];

	strings = calloc(1, sizeof(*strings) + count * ETH_GSTRING_LEN);
	if (!strings)
		return -ENOMEM;
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_FEATURES;
	strings->len = count;
	err = trss_ethtool_ioctl(dev, strings);
	if (!err) {
		err = -ENOENT;
		for (i = 0; i < strings->len && i < count; i++) {
			if (!strncmp((char *)strings->data + i * ETH_GSTRING_LEN,
				     name, ETH_GSTRING_LEN)) {
				err = i;
				break;
			}
		}
	}
	free(strings);
	return err;
}

/* ETHTOOL_GFEATURES with as many blocks as the kernel has */
static struct ethtool_gfeatures *features_get(const struct trss_dev *dev)
{
	struct ethtool_gfeatures head = { .cmd = ETHTOOL_GFEATURES };
	struct ethtool_gfeatures *gf;
	int err;

	/* size 0 copies no block and reports how many there are */
	err = trss_ethtool_ioctl(dev, &head);
	if (err) {
		errno = -err;
		return NULL;
	}
	gf = calloc(1, sizeof(*gf) + head.size * sizeof(gf->features[0]));
	if (!gf)
		return NULL;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = head.size;
	err = trss_ethtool_ioctl(dev, gf);
	if (err) {
		free(gf);
		errno = -err;
		return NULL;
	}
	return gf;
}

int trss_feature_get(const struct trss_dev *dev, const char *name, bool *on)
{
	struct ethtool_gfeatures *gf;
	int idx;

	idx = feature_index(dev, name);
	if (idx < 0)
		return idx;
	gf = features_get(dev);
	if (!gf)
		return -errno;
	if ((unsigned int)idx / 32 >= gf->size) {
		free(gf);
		return -EPROTO;
	}
	*on = gf->features[idx / 32].active >> (idx % 32) & 1;
	free(gf);
	return 0;
}

int trss_feature_set(const struct trss_dev *dev, const char *name, bool on)
{
	struct ethtool_gfeatures *gf;
	struct ethtool_sfeatures *sf;
	struct ifreq ifr;
	__u32 bit, words;
	int idx, ret;

	idx = feature_index(dev, name);
	if (idx < 0)
		return idx;
	gf = features_get(dev);
	if (!gf)
		return -errno;
	words = gf->size;
	free(gf);
	if ((unsigned int)idx / 32 >= words)
		return -EPROTO;

	sf = calloc(1, sizeof(*sf) + words * sizeof(sf->features[0]));
	if (!sf)
		return -ENOMEM;
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = words;
	bit = 1U << (idx % 32);
	sf->features[idx / 32].valid = bit;
	sf->features[idx / 32].requested = on ? bit : 0;

	/* Not trss_ethtool_ioctl(): success may be a positive ETHTOOL_F_* */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev->name);
	ifr.ifr_data = (void *)sf;
	ret = ioctl(dev->tx_sock, SIOCETHTOOL, &ifr);
	free(sf);
	if (ret < 0)
		return -errno;
	if (ret & ETHTOOL_F_UNSUPPORTED)
		return -EOPNOTSUPP;
	if (ret & ETHTOOL_F_WISH)
		return -EAGAIN;
	return 0;
}

/* ---- end of stress.c additions ---- */
