// SPDX-License-Identifier: GPL-2.0
/*
 * An automq-like queue selection, the baseline of the full select-queue
 * figure: what tun_automq_select_queue() does for a frame whose flow has
 * no entry in tun's flow table (drivers/net/tun.c, 6.12):
 *
 *   __skb_get_hash_symmetric(): zero a struct flow_keys, dissect the frame
 *	with the symmetric key set (addresses, protocol, ports), sort
 *	addresses and ports so both directions agree, hash the keys;
 *   reciprocal_scale(hash, numqueues).
 *
 * The dissection here is a plain Ethernet/VLAN/IPv4/IPv6/ports parse,
 * much less than __skb_flow_dissect() (no dissector program, no key
 * table walk, no tunnel or MPLS cases), and the flow-table lookup that
 * precedes reciprocal_scale() is left out, so the baseline is a lower
 * bound of what automq costs.  The keys hashed are as many bytes, in the
 * same layout, as the kernel's.
 */
#include <linux/build_bug.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <asm/byteorder.h>

#include "baseline.h"

#define AUTOMQ_VLAN_HLEN	4
/* IP_MF | IP_OFFSET and IP_OFFSET (include/net/ip.h) */
#define AUTOMQ_IP_FRAG		0x3fff
#define AUTOMQ_IP_OFFSET	0x1fff
/* FLOW_DIS_IS_FRAGMENT */
#define AUTOMQ_F_FRAG		1

static_assert(sizeof(struct automq_keys) == 80);
static_assert(offsetof(struct automq_keys, n_proto) == 8);
static_assert(offsetof(struct automq_keys, addrs) == 44);

static bool automq_has_ports(u8 ip_proto)
{
	return ip_proto == IPPROTO_TCP || ip_proto == IPPROTO_UDP ||
	       ip_proto == IPPROTO_SCTP || ip_proto == IPPROTO_UDPLITE;
}

/**
 * automq_dissect() - fill the flow keys of a frame
 * @k: the keys, zeroed first
 * @data: the frame, from its Ethernet header
 * @len: its length
 *
 * Return: true when an IP header was found (the keys may still have no
 * ports); false leaves what was found, as the kernel's dissector does.
 */
bool automq_dissect(struct automq_keys *k, const u8 *data, unsigned int len)
{
	unsigned int off = ETH_HLEN;
	__be16 proto;

	memset(k, 0, sizeof(*k));
	if (len < ETH_HLEN)
		return false;
	memcpy(&proto, data + offsetof(struct ethhdr, h_proto), sizeof(proto));
	if (proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD)) {
		if (len - off < AUTOMQ_VLAN_HLEN)
			return false;
		memcpy(&proto, data + off + 2, sizeof(proto));
		off += AUTOMQ_VLAN_HLEN;
	}
	k->n_proto = proto;

	if (proto == htons(ETH_P_IP)) {
		struct iphdr iph;

		if (len - off < sizeof(iph))
			return false;
		memcpy(&iph, data + off, sizeof(iph));
		if (iph.ihl < 5)
			return false;
		k->addr_type = AUTOMQ_ADDR_IPV4;
		k->addrs.v4.src = iph.saddr;
		k->addrs.v4.dst = iph.daddr;
		k->ip_proto = iph.protocol;
		off += iph.ihl * 4;
		/* No ports from any fragment (no FLOW_DISSECTOR_F_PARSE_1ST_FRAG) */
		if (iph.frag_off & htons(AUTOMQ_IP_FRAG)) {
			k->flags |= AUTOMQ_F_FRAG;
			return true;
		}
	} else if (proto == htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6h;

		if (len - off < sizeof(ip6h))
			return false;
		memcpy(&ip6h, data + off, sizeof(ip6h));
		k->addr_type = AUTOMQ_ADDR_IPV6;
		memcpy(k->addrs.v6.src, &ip6h.saddr, sizeof(k->addrs.v6.src));
		memcpy(k->addrs.v6.dst, &ip6h.daddr, sizeof(k->addrs.v6.dst));
		k->ip_proto = ip6h.nexthdr;
		off += sizeof(ip6h);
	} else {
		return false;
	}

	k->thoff = off;
	if (automq_has_ports(k->ip_proto) && off <= len && len - off >= 4) {
		memcpy(&k->sport, data + off, sizeof(k->sport));
		memcpy(&k->dport, data + off + 2, sizeof(k->dport));
	}
	return true;
}

/* __flow_hash_consistentify(): the lower address and port first. */
static void automq_consistentify(struct automq_keys *k)
{
	__be16 port;

	switch (k->addr_type) {
	case AUTOMQ_ADDR_IPV4:
		if ((u32)k->addrs.v4.dst < (u32)k->addrs.v4.src) {
			__be32 a = k->addrs.v4.src;

			k->addrs.v4.src = k->addrs.v4.dst;
			k->addrs.v4.dst = a;
		}
		break;
	case AUTOMQ_ADDR_IPV6:
		if (memcmp(k->addrs.v6.dst, k->addrs.v6.src,
			   sizeof(k->addrs.v6.src)) < 0) {
			u8 a[16];

			memcpy(a, k->addrs.v6.src, sizeof(a));
			memcpy(k->addrs.v6.src, k->addrs.v6.dst, sizeof(a));
			memcpy(k->addrs.v6.dst, a, sizeof(a));
		}
		break;
	}
	if ((u16)k->dport < (u16)k->sport) {
		port = k->sport;
		k->sport = k->dport;
		k->dport = port;
	}
}

/* flow_keys_hash_start(): 8-byte aligned, so also a u32 array */
const u32 *automq_hash_start(const struct automq_keys *k)
{
	return (const u32 *)&k->n_proto;
}

/*
 * flow_keys_hash_length(): the struct from @n_proto on, less the unused
 * part of the address union (the tail padding stays in).
 */
unsigned int automq_hash_len(const struct automq_keys *k)
{
	unsigned int len = sizeof(*k) - offsetof(struct automq_keys, n_proto) -
			   sizeof(k->addrs);

	switch (k->addr_type) {
	case AUTOMQ_ADDR_IPV4:
		len += sizeof(k->addrs.v4);
		break;
	case AUTOMQ_ADDR_IPV6:
		len += sizeof(k->addrs.v6);
		break;
	}
	return len;
}

/* include/linux/kernel.h */
static inline u32 reciprocal_scale(u32 val, u32 ep_ro)
{
	return (u32)(((u64)val * ep_ro) >> 32);
}

/**
 * automq_select_jhash() - automq-like queue of a frame, hashed with jhash2
 * @data: the frame
 * @len: its length
 * @seed: the flow hash seed
 * @nqueues: queues attached
 *
 * Return: the queue.
 */
u16 automq_select_jhash(const u8 *data, unsigned int len, u32 seed,
			unsigned int nqueues)
{
	struct automq_keys k;
	u32 hash;

	automq_dissect(&k, data, len);
	automq_consistentify(&k);
	hash = jhash2(automq_hash_start(&k), automq_hash_len(&k) / sizeof(u32),
		      seed);
	if (!hash)
		hash = 1;
	return reciprocal_scale(hash, nqueues);
}

/**
 * automq_select_siphash() - the same with SipHash-2-4, as 6.12 hashes
 * @data: the frame
 * @len: its length
 * @seed: the flow hash key
 * @nqueues: queues attached
 *
 * Return: the queue.
 */
u16 automq_select_siphash(const u8 *data, unsigned int len,
			  const struct siphash_key *seed,
			  unsigned int nqueues)
{
	struct automq_keys k;
	u32 hash;

	automq_dissect(&k, data, len);
	automq_consistentify(&k);
	hash = siphash(automq_hash_start(&k), automq_hash_len(&k), seed);
	if (!hash)
		hash = 1;
	return reciprocal_scale(hash, nqueues);
}
