// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS engine: frame parser.
 *
 * Extracts what RSS hashing and ntuple matching look at from the linear
 * head of a frame.  Frames come from userspace and may be truncated,
 * malformed or unaligned (SPEC §7): every header is bounds-checked against
 * the length and copied out before its fields are read, and a frame that
 * cannot be parsed completely is described as far as it went.
 */

#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "tun_rss_core.h"

/* 802.1Q in 802.1ad (QinQ) is the deepest stacking we look through. */
#define TUN_RSS_MAX_VLAN	2
#define TUN_RSS_VLAN_HLEN	4
/* Bound on the IPv6 extension-header walk: untrusted chains may be long. */
#define TUN_RSS_MAX_EXTHDR	8
/* IP_MF | IP_OFFSET (include/net/ip.h, which is not usable in userspace) */
#define TUN_RSS_IP_FRAG_MASK	0x3fff
/* Fixed size of the IPv6 fragment header (RFC 8200 §4.5) */
#define TUN_RSS_FRAG_HLEN	8
/* The SPI follows next header, payload length and reserved in AH. */
#define TUN_RSS_AH_SPI_OFF	4

/* The parser copies the struct fields straight from the wire. */
static_assert(sizeof(struct ethhdr) == ETH_HLEN);
static_assert(sizeof(struct iphdr) == 20);
static_assert(sizeof(struct ipv6hdr) == 40);

/*
 * Record the first four bytes of the L4 header, which start at @off and
 * end no later than @end, and the ports for the protocols that have them.
 */
static void tun_rss_parse_l4(struct tun_rss_flow *fl, const u8 *data,
			     unsigned int off, unsigned int end)
{
	unsigned int skip = 0;

	if (fl->l4proto == IPPROTO_AH)
		skip = TUN_RSS_AH_SPI_OFF;

	if (end < off || end - off < skip + sizeof(fl->l4_4bytes)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}

	memcpy(&fl->l4_4bytes, data + off + skip, sizeof(fl->l4_4bytes));
	fl->flags |= TUN_RSS_F_L4;

	switch (fl->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		memcpy(&fl->sport, data + off, sizeof(fl->sport));
		memcpy(&fl->dport, data + off + sizeof(fl->sport),
		       sizeof(fl->dport));
		break;
	}
}

static void tun_rss_parse_ipv4(struct tun_rss_flow *fl, const u8 *data,
			       unsigned int off, unsigned int len)
{
	unsigned int hlen, tot_len, end;
	struct iphdr iph;

	if (len - off < sizeof(iph)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	memcpy(&iph, data + off, sizeof(iph));

	hlen = iph.ihl * 4;
	tot_len = ntohs(iph.tot_len);
	if (iph.version != 4 || hlen < sizeof(iph))
		return;
	if (len - off < hlen) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	if (tot_len < hlen)
		return;

	fl->flags |= TUN_RSS_F_IP;
	fl->l3 = 4;
	fl->tos = iph.tos;
	fl->l4proto = iph.protocol;
	fl->saddr[0] = iph.saddr;
	fl->daddr[0] = iph.daddr;

	/*
	 * Only a first fragment carries the L4 header, and RSS hashes all
	 * fragments of a datagram alike (as ip4) so that they stay together.
	 */
	if (iph.frag_off & htons(TUN_RSS_IP_FRAG_MASK)) {
		fl->flags |= TUN_RSS_F_FRAG;
		return;
	}

	/* Short frames are padded on Ethernet: the datagram ends at tot_len. */
	end = off + min(len - off, tot_len);
	tun_rss_parse_l4(fl, data, off + hlen, end);
}

/* Extension headers that start with next header and length (RFC 8200 §4) */
static bool tun_rss_ipv6_is_opt(u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

static void tun_rss_parse_ipv6(struct tun_rss_flow *fl, const u8 *data,
			       unsigned int off, unsigned int len)
{
	unsigned int plen, end, n = 0;
	struct ipv6hdr ip6h;
	u8 nexthdr;

	if (len - off < sizeof(ip6h)) {
		fl->flags |= TUN_RSS_F_TRUNC;
		return;
	}
	memcpy(&ip6h, data + off, sizeof(ip6h));
	if (ip6h.version != 6)
		return;

	fl->flags |= TUN_RSS_F_IP;
	fl->l3 = 6;
	fl->tos = ip6h.priority << 4 | ip6h.flow_lbl[0] >> 4;
	fl->flow_lbl[0] = ip6h.flow_lbl[0] & 0x0f;
	fl->flow_lbl[1] = ip6h.flow_lbl[1];
	fl->flow_lbl[2] = ip6h.flow_lbl[2];
	memcpy(fl->saddr, &ip6h.saddr, sizeof(fl->saddr));
	memcpy(fl->daddr, &ip6h.daddr, sizeof(fl->daddr));

	/*
	 * As for IPv4, padding is not payload; a zero payload length is a
	 * jumbogram or BIG TCP, whose payload runs to the end of the frame.
	 */
	off += sizeof(ip6h);
	plen = ntohs(ip6h.payload_len);
	end = plen ? off + min(len - off, plen) : len;

	for (nexthdr = ip6h.nexthdr; tun_rss_ipv6_is_opt(nexthdr); n++) {
		struct ipv6_opt_hdr opt;
		unsigned int hlen;

		fl->flags |= TUN_RSS_F_IP6_EX;
		if (n == TUN_RSS_MAX_EXTHDR) {
			/* Addresses are still good; the L4 is not known. */
			fl->l4proto = nexthdr;
			return;
		}
		if (end - off < sizeof(opt))
			goto trunc;
		memcpy(&opt, data + off, sizeof(opt));
		hlen = ipv6_optlen(&opt);
		if (end - off < hlen)
			goto trunc;
		off += hlen;
		nexthdr = opt.nexthdr;
	}

	fl->l4proto = nexthdr;
	switch (nexthdr) {
	case IPPROTO_FRAGMENT:
		/* Record the upper-layer protocol, never its ports. */
		fl->flags |= TUN_RSS_F_IP6_EX | TUN_RSS_F_FRAG;
		if (end - off < TUN_RSS_FRAG_HLEN)
			goto trunc;
		fl->l4proto = data[off];
		return;
	case IPPROTO_NONE:
		return;
	default:
		/* The upper layer; AH and ESP included, they end the walk. */
		tun_rss_parse_l4(fl, data, off, end);
		return;
	}

trunc:
	fl->l4proto = nexthdr;
	fl->flags |= TUN_RSS_F_TRUNC;
}

/* Returns false when the frame ends inside the Ethernet or a VLAN header. */
static bool tun_rss_parse_eth(struct tun_rss_flow *fl, const u8 *data,
			      unsigned int *off, unsigned int len)
{
	unsigned int i;
	struct ethhdr eth;

	if (len < sizeof(eth))
		return false;
	memcpy(&eth, data, sizeof(eth));
	memcpy(fl->h_dest, eth.h_dest, sizeof(fl->h_dest));
	memcpy(fl->h_source, eth.h_source, sizeof(fl->h_source));
	fl->h_proto = eth.h_proto;
	*off = sizeof(eth);

	/*
	 * A tag is TCI then the next ethertype; the outer TCI is the one an
	 * ntuple vlan rule matches, the inner ethertype says what follows.
	 */
	for (i = 0; i < TUN_RSS_MAX_VLAN; i++) {
		__be16 tag[2];

		if (fl->h_proto != htons(ETH_P_8021Q) &&
		    fl->h_proto != htons(ETH_P_8021AD))
			break;
		if (len - *off < TUN_RSS_VLAN_HLEN)
			return false;
		memcpy(tag, data + *off, sizeof(tag));
		if (!i)
			fl->vlan_tci = tag[0];
		fl->h_proto = tag[1];
		fl->flags |= TUN_RSS_F_VLAN;
		*off += TUN_RSS_VLAN_HLEN;
	}
	return true;
}

/**
 * tun_rss_parse() - describe the headers of a frame
 * @fl: filled with what could be parsed; zeroed first
 * @data: the frame's linear data
 * @len: bytes available at @data; nothing past them is ever read
 * @l2: @data starts with an Ethernet header (tap); else at L3 (tun)
 * @proto: the frame's ethertype when !@l2 (skb->protocol)
 *
 * Crosses up to two VLAN tags, the IPv4 header or the IPv6 header and its
 * extension headers, and records the addresses, the upper-layer protocol
 * and its ports or SPI.  Only the first %TUN_RSS_PARSE_MAX bytes are
 * looked at.  A frame that is not IP, or whose IP header is invalid, gets
 * no %TUN_RSS_F_IP; one that ends inside a header gets %TUN_RSS_F_TRUNC.
 * Fields stay in network byte order.
 *
 * Return: 0; malformed frames are still frames, @fl says how far it went.
 */
int tun_rss_parse(struct tun_rss_flow *fl, const u8 *data, unsigned int len,
		  bool l2, __be16 proto)
{
	unsigned int off = 0;

	memset(fl, 0, sizeof(*fl));
	len = min(len, TUN_RSS_PARSE_MAX);

	if (l2) {
		if (!tun_rss_parse_eth(fl, data, &off, len)) {
			fl->flags |= TUN_RSS_F_TRUNC;
			return 0;
		}
	} else {
		fl->h_proto = proto;
	}

	if (fl->h_proto == htons(ETH_P_IP))
		tun_rss_parse_ipv4(fl, data, off, len);
	else if (fl->h_proto == htons(ETH_P_IPV6))
		tun_rss_parse_ipv6(fl, data, off, len);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_parse);
