// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS engine: ntuple flow rules and their classifier.
 *
 * An ethtool flow spec becomes a (key, mask) pair over one layout, struct
 * tun_rss_cls_key, which a parsed frame maps to as well; a frame matches
 * a rule when (frame key & mask) == rule key, and the lowest location
 * among the matching rules wins.
 *
 * The classifier is a tuple space search: the rules that share a mask
 * form a group, and each group is a hash table of masked keys.  A frame
 * costs one hash lookup per distinct mask, whatever the number of rules
 * (SPEC §4: no cost that grows with the rule count on the frame path).
 * Groups are visited by ascending lowest location, so the search stops
 * as soon as no further group can hold a lower-location match.
 *
 * A classifier is built aside from a whole rule set and never changes;
 * the caller publishes it with RCU and frees it as a unit.
 */

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "tun_rss_core.h"

/* Keys are hashed and compared a u32 word at a time. */
#define TUN_RSS_CLS_WORDS	(sizeof(struct tun_rss_cls_key) / sizeof(u32))
static_assert(sizeof(struct tun_rss_cls_key) == 16 * sizeof(u32));

/*
 * Far beyond any rule table the glue keeps (TUN_RSS_MAX_RULES); keeps the
 * bucket count, at most eight per rule, within a u32.
 */
#define TUN_RSS_CLS_MAX_RULES	BIT(24)

/**
 * struct tun_rss_cls_group - the rules that share one mask (a tuple)
 * @mask: the nonzero words of the mask, in key order
 * @word: the index in the key of each word of @mask
 * @nwords: number of nonzero mask words
 * @min_loc: lowest location in the group
 * @slot: index of the group's first bucket in &tun_rss_cls.slots
 * @slot_mask: number of buckets minus one (a power of two minus one)
 *
 * Only the nonzero words of the mask are hashed and compared: a port
 * rule looks at two words of sixteen.
 */
struct tun_rss_cls_group {
	u32 mask[TUN_RSS_CLS_WORDS];
	u8 word[TUN_RSS_CLS_WORDS];
	u32 nwords;
	u32 min_loc;
	u32 slot;
	u32 slot_mask;
};

/**
 * struct tun_rss_cls_slot - a bucket of a group's open-addressing table
 * @hash: hash of the masked key, compared before the key itself
 * @rule: 1 + index of the rule in &tun_rss_cls.rules; 0 when empty
 */
struct tun_rss_cls_slot {
	u32 hash;
	u32 rule;
};

/**
 * struct tun_rss_cls - a classifier, immutable once built
 * @seed: randomises the bucket hash
 * @has_drop: some rule drops
 * @ngroups: entries in @groups (distinct masks)
 * @nrules: entries in @rules
 * @groups: the groups, by ascending &tun_rss_cls_group.min_loc
 * @slots: the buckets of every group
 * @keys: the masked key of each rule, as words picked by its group
 * @rules: the rules, sorted by mask and, within a mask, by location
 *
 * @groups, @slots and @keys are one allocation, @rules is in this one.
 */
struct tun_rss_cls {
	u32 seed;
	bool has_drop;
	u32 ngroups;
	u32 nrules;
	struct tun_rss_cls_group *groups;
	struct tun_rss_cls_slot *slots;
	u32 (*keys)[TUN_RSS_CLS_WORDS];
	struct tun_rss_rule rules[];
};

static void tun_rss_cls_key_and(struct tun_rss_cls_key *k,
				const struct tun_rss_cls_key *m)
{
	const u8 *mb = (const u8 *)m;
	u8 *kb = (u8 *)k;
	unsigned int i;

	for (i = 0; i < sizeof(*k); i++)
		kb[i] &= mb[i];
}

/* A rule of an IP flow type needs the frame's l3, and some its L4. */
static void tun_rss_rule_need(struct tun_rss_rule *r, u8 l3, bool l4)
{
	r->key.l3 = l3;
	r->mask.l3 = 0xff;
	if (l4) {
		r->key.l4ok = 1;
		r->mask.l4ok = 0xff;
	}
}

/* No mask bit in the flow union from byte @len on. */
static bool tun_rss_fs_masks_end(const struct ethtool_rx_flow_spec *fs,
				 size_t len)
{
	for (; len < sizeof(fs->m_u.hdata); len++)
		if (fs->m_u.hdata[len])
			return false;
	return true;
}

/* tcp4, udp4, sctp4: the protocol, with its ports parsed. */
static int tun_rss_fs_ip4_l4(struct tun_rss_rule *r,
			     const struct ethtool_rx_flow_spec *fs, u8 proto,
			     const char **why)
{
	const struct ethtool_tcpip4_spec *m = &fs->m_u.tcp_ip4_spec;
	const struct ethtool_tcpip4_spec *h = &fs->h_u.tcp_ip4_spec;

	if (!tun_rss_fs_masks_end(fs, offsetofend(typeof(*m), tos))) {
		*why = "tcp4/udp4/sctp4 rule: mask on a field past tos";
		return -EINVAL;
	}

	tun_rss_rule_need(r, 4, true);
	r->key.l4proto = proto;
	r->mask.l4proto = 0xff;
	r->key.saddr[0] = h->ip4src;
	r->mask.saddr[0] = m->ip4src;
	r->key.daddr[0] = h->ip4dst;
	r->mask.daddr[0] = m->ip4dst;
	r->key.sport = h->psrc;
	r->mask.sport = m->psrc;
	r->key.dport = h->pdst;
	r->mask.dport = m->pdst;
	r->key.tos = h->tos;
	r->mask.tos = m->tos;
	return 0;
}

/* ip4: any IPv4 frame; the first four L4 bytes only when parsed. */
static int tun_rss_fs_ip4_user(struct tun_rss_rule *r,
			       const struct ethtool_rx_flow_spec *fs,
			       const char **why)
{
	const struct ethtool_usrip4_spec *m = &fs->m_u.usr_ip4_spec;
	const struct ethtool_usrip4_spec *h = &fs->h_u.usr_ip4_spec;

	if (!tun_rss_fs_masks_end(fs, offsetofend(typeof(*m), proto))) {
		*why = "ip4 rule: mask on a field past proto";
		return -EINVAL;
	}
	/* As documented in the UAPI; ethtool sets the value, not the mask. */
	if (h->ip_ver != ETH_RX_NFC_IP4) {
		*why = "ip4 rule: ip_ver must be ETH_RX_NFC_IP4";
		return -EINVAL;
	}
	if (m->ip_ver) {
		*why = "ip4 rule: ip_ver mask must be zero";
		return -EINVAL;
	}

	tun_rss_rule_need(r, 4, m->l4_4_bytes);
	r->key.l4proto = h->proto;
	r->mask.l4proto = m->proto;
	r->key.saddr[0] = h->ip4src;
	r->mask.saddr[0] = m->ip4src;
	r->key.daddr[0] = h->ip4dst;
	r->mask.daddr[0] = m->ip4dst;
	r->key.l4_4bytes = h->l4_4_bytes;
	r->mask.l4_4bytes = m->l4_4_bytes;
	r->key.tos = h->tos;
	r->mask.tos = m->tos;
	return 0;
}

/* tcp6, udp6, sctp6 */
static int tun_rss_fs_ip6_l4(struct tun_rss_rule *r,
			     const struct ethtool_rx_flow_spec *fs, u8 proto,
			     const char **why)
{
	const struct ethtool_tcpip6_spec *m = &fs->m_u.tcp_ip6_spec;
	const struct ethtool_tcpip6_spec *h = &fs->h_u.tcp_ip6_spec;

	if (!tun_rss_fs_masks_end(fs, offsetofend(typeof(*m), tclass))) {
		*why = "tcp6/udp6/sctp6 rule: mask on a field past tclass";
		return -EINVAL;
	}

	tun_rss_rule_need(r, 6, true);
	r->key.l4proto = proto;
	r->mask.l4proto = 0xff;
	memcpy(r->key.saddr, h->ip6src, sizeof(r->key.saddr));
	memcpy(r->mask.saddr, m->ip6src, sizeof(r->mask.saddr));
	memcpy(r->key.daddr, h->ip6dst, sizeof(r->key.daddr));
	memcpy(r->mask.daddr, m->ip6dst, sizeof(r->mask.daddr));
	r->key.sport = h->psrc;
	r->mask.sport = m->psrc;
	r->key.dport = h->pdst;
	r->mask.dport = m->pdst;
	r->key.tos = h->tclass;
	r->mask.tos = m->tclass;
	return 0;
}

/* ip6: any IPv6 frame; l4_proto is the header after the extensions. */
static int tun_rss_fs_ip6_user(struct tun_rss_rule *r,
			       const struct ethtool_rx_flow_spec *fs,
			       const char **why)
{
	const struct ethtool_usrip6_spec *m = &fs->m_u.usr_ip6_spec;
	const struct ethtool_usrip6_spec *h = &fs->h_u.usr_ip6_spec;

	if (!tun_rss_fs_masks_end(fs, offsetofend(typeof(*m), l4_proto))) {
		*why = "ip6 rule: mask on a field past l4_proto";
		return -EINVAL;
	}

	tun_rss_rule_need(r, 6, m->l4_4_bytes);
	r->key.l4proto = h->l4_proto;
	r->mask.l4proto = m->l4_proto;
	memcpy(r->key.saddr, h->ip6src, sizeof(r->key.saddr));
	memcpy(r->mask.saddr, m->ip6src, sizeof(r->mask.saddr));
	memcpy(r->key.daddr, h->ip6dst, sizeof(r->key.daddr));
	memcpy(r->mask.daddr, m->ip6dst, sizeof(r->mask.daddr));
	r->key.l4_4bytes = h->l4_4_bytes;
	r->mask.l4_4bytes = m->l4_4_bytes;
	r->key.tos = h->tclass;
	r->mask.tos = m->tclass;
	return 0;
}

/* ether: any frame, by its addresses and innermost ethertype. */
static int tun_rss_fs_ether(struct tun_rss_rule *r,
			    const struct ethtool_rx_flow_spec *fs,
			    const char **why)
{
	const struct ethhdr *m = &fs->m_u.ether_spec;
	const struct ethhdr *h = &fs->h_u.ether_spec;

	if (!tun_rss_fs_masks_end(fs, offsetofend(typeof(*m), h_proto))) {
		*why = "ether rule: mask on a field past h_proto";
		return -EINVAL;
	}

	memcpy(r->key.h_dest, h->h_dest, ETH_ALEN);
	memcpy(r->mask.h_dest, m->h_dest, ETH_ALEN);
	memcpy(r->key.h_source, h->h_source, ETH_ALEN);
	memcpy(r->mask.h_source, m->h_source, ETH_ALEN);
	r->key.h_proto = h->h_proto;
	r->mask.h_proto = m->h_proto;
	return 0;
}

/*
 * FLOW_EXT and FLOW_MAC_EXT, on a rule whose key is already masked.  An
 * ether rule may give the destination MAC twice; both must agree.
 */
static int tun_rss_fs_ext(struct tun_rss_rule *r,
			  const struct ethtool_rx_flow_spec *fs,
			  const char **why)
{
	unsigned int i;

	if (fs->flow_type & FLOW_EXT) {
		/* The parser keeps the outer TCI only, not its TPID. */
		if (fs->m_ext.vlan_etype) {
			*why = "FLOW_EXT: vlan_etype mask not supported (vlan_tci only)";
			return -EINVAL;
		}
		if (fs->m_ext.data[0] || fs->m_ext.data[1]) {
			*why = "FLOW_EXT: user-defined data mask not supported";
			return -EINVAL;
		}
		r->key.vlan_tci = fs->h_ext.vlan_tci & fs->m_ext.vlan_tci;
		r->mask.vlan_tci = fs->m_ext.vlan_tci;
	}

	if (fs->flow_type & FLOW_MAC_EXT) {
		for (i = 0; i < ETH_ALEN; i++) {
			u8 m = fs->m_ext.h_dest[i];
			u8 h = fs->h_ext.h_dest[i] & m;

			if ((r->key.h_dest[i] ^ h) & r->mask.h_dest[i] & m) {
				*why = "FLOW_MAC_EXT: h_dest contradicts the ether rule's h_dest";
				return -EINVAL;
			}
			r->key.h_dest[i] |= h;
			r->mask.h_dest[i] |= m;
		}
	}
	return 0;
}

static int tun_rss_fs_action(struct tun_rss_rule *r,
			     const struct ethtool_rx_flow_spec *fs,
			     u32 rss_context, const char **why)
{
	u64 cookie = fs->ring_cookie;

	if (cookie == RX_CLS_FLOW_DISC) {
		if (fs->flow_type & FLOW_RSS) {
			*why = "ring_cookie: FLOW_RSS rule cannot drop (RX_CLS_FLOW_DISC)";
			return -EINVAL;
		}
		r->action = TUN_RSS_ACT_DROP;
		return 0;
	}
	if (cookie == RX_CLS_FLOW_WAKE) {
		*why = "ring_cookie: RX_CLS_FLOW_WAKE (wake-on-LAN) not supported";
		return -EINVAL;
	}
	if (ethtool_get_flow_spec_ring_vf(cookie)) {
		*why = "ring_cookie: names a VF, tun has none";
		return -EINVAL;
	}
	if (cookie & ~(ETHTOOL_RX_FLOW_SPEC_RING | ETHTOOL_RX_FLOW_SPEC_RING_VF)) {
		*why = "ring_cookie: bits set above the VF field";
		return -EINVAL;
	}

	r->queue = ethtool_get_flow_spec_ring(cookie);
	if (fs->flow_type & FLOW_RSS) {
		r->action = TUN_RSS_ACT_CTX;
		r->ctx = rss_context;
	} else {
		r->action = TUN_RSS_ACT_QUEUE;
	}
	return 0;
}

/**
 * tun_rss_rule_from_fs() - convert and validate an ethtool flow spec
 * @r: the rule, filled in
 * @fs: the flow spec; masks follow the kernel convention (a set bit is
 *	compared)
 * @rss_context: RSS context of a %FLOW_RSS rule
 * @why: on error, set to a constant message naming what is refused
 *
 * Flow types: tcp4, udp4, sctp4 and tcp6, udp6, sctp6 match frames of
 * that protocol whose ports were parsed (never a fragment); ip4 and ip6
 * match any frame of that IP version, and look at the first four L4
 * bytes (the SPI of AH and ESP, as the parser records it) only on frames
 * that have them; ether matches any frame by its MAC addresses and
 * innermost ethertype.  %FLOW_EXT matches the TCI of the outermost VLAN
 * tag (0 when untagged), %FLOW_MAC_EXT the destination MAC.  Extension
 * fields are ignored without their flag.
 *
 * A ring_cookie of %RX_CLS_FLOW_DISC drops; with %FLOW_RSS the rule
 * spreads over @rss_context with the ring added to the table entry;
 * otherwise it delivers to the ring.  Queue and context numbers are not
 * range-checked here: the caller knows the queues and contexts.
 *
 * Return: 0, or -EINVAL for anything tun cannot match exactly: AH/ESP
 * and unknown flow types, masks on fields the type does not carry, an
 * ip4 ip_ver other than %ETH_RX_NFC_IP4 or with a mask, a vlan_etype or
 * user-defined data mask, a ring_cookie with a VF or for wake-on-LAN.
 */
int tun_rss_rule_from_fs(struct tun_rss_rule *r,
			 const struct ethtool_rx_flow_spec *fs,
			 u32 rss_context, const char **why)
{
	u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	int err;

	memset(r, 0, sizeof(*r));
	r->location = fs->location;

	switch (type) {
	case TCP_V4_FLOW:
		err = tun_rss_fs_ip4_l4(r, fs, IPPROTO_TCP, why);
		break;
	case UDP_V4_FLOW:
		err = tun_rss_fs_ip4_l4(r, fs, IPPROTO_UDP, why);
		break;
	case SCTP_V4_FLOW:
		err = tun_rss_fs_ip4_l4(r, fs, IPPROTO_SCTP, why);
		break;
	case IPV4_USER_FLOW:
		err = tun_rss_fs_ip4_user(r, fs, why);
		break;
	case TCP_V6_FLOW:
		err = tun_rss_fs_ip6_l4(r, fs, IPPROTO_TCP, why);
		break;
	case UDP_V6_FLOW:
		err = tun_rss_fs_ip6_l4(r, fs, IPPROTO_UDP, why);
		break;
	case SCTP_V6_FLOW:
		err = tun_rss_fs_ip6_l4(r, fs, IPPROTO_SCTP, why);
		break;
	case IPV6_USER_FLOW:
		err = tun_rss_fs_ip6_user(r, fs, why);
		break;
	case ETHER_FLOW:
		err = tun_rss_fs_ether(r, fs, why);
		break;
	case AH_ESP_V4_FLOW:
	case AH_V4_FLOW:
	case ESP_V4_FLOW:
	case AH_ESP_V6_FLOW:
	case AH_V6_FLOW:
	case ESP_V6_FLOW:
		*why = "flow type: AH/ESP rules not supported (use ip4/ip6 l4_4_bytes)";
		return -EINVAL;
	default:
		*why = "flow type: unknown or not supported by tun";
		return -EINVAL;
	}
	if (err)
		return err;

	tun_rss_cls_key_and(&r->key, &r->mask);
	err = tun_rss_fs_ext(r, fs, why);
	if (err)
		return err;
	return tun_rss_fs_action(r, fs, rss_context, why);
}
EXPORT_SYMBOL_GPL(tun_rss_rule_from_fs);

/**
 * tun_rss_cls_key_from_flow() - the classifier key of a parsed frame
 * @k: the key, filled in
 * @fl: what tun_rss_parse() found
 *
 * Fields the frame does not have are zero: the addresses of a frame that
 * is not IP, the TCI of an untagged frame, the ports of a fragment.
 */
void tun_rss_cls_key_from_flow(struct tun_rss_cls_key *k,
			       const struct tun_rss_flow *fl)
{
	bool ip = fl->flags & TUN_RSS_F_IP;
	bool l4 = fl->flags & TUN_RSS_F_L4;
	unsigned int i;

	/*
	 * Every field is written rather than the key zeroed first: this
	 * runs per frame, and a 64-byte memset() is a rep stos on x86.
	 */
	memcpy(k->h_dest, fl->h_dest, sizeof(k->h_dest));
	memcpy(k->h_source, fl->h_source, sizeof(k->h_source));
	k->h_proto = fl->h_proto;
	k->vlan_tci = fl->flags & TUN_RSS_F_VLAN ? fl->vlan_tci : 0;
	k->l3 = ip ? fl->l3 : 0;
	k->l4proto = ip ? fl->l4proto : 0;
	k->tos = ip ? fl->tos : 0;
	k->l4ok = l4;
	for (i = 0; i < ARRAY_SIZE(k->saddr); i++) {
		/* IPv4 addresses are in word 0 only. */
		bool addr = ip && (fl->l3 == 6 || !i);

		k->saddr[i] = addr ? fl->saddr[i] : 0;
		k->daddr[i] = addr ? fl->daddr[i] : 0;
	}
	k->sport = l4 ? fl->sport : 0;
	k->dport = l4 ? fl->dport : 0;
	k->l4_4bytes = l4 ? fl->l4_4bytes : 0;
	memset(k->pad, 0, sizeof(k->pad));
}
EXPORT_SYMBOL_GPL(tun_rss_cls_key_from_flow);

/*
 * Word @j of @grp's mask applied to @k.  Keys are read where they are, a
 * word at a time: no copy on the stack, which the kernel may zero first.
 */
static u32 tun_rss_cls_word(const struct tun_rss_cls_group *grp,
			    const struct tun_rss_cls_key *k, u32 j)
{
	u32 w;

	memcpy(&w, (const u8 *)k + grp->word[j] * sizeof(u32), sizeof(w));
	return w & grp->mask[j];
}

/*
 * Multiply and xorshift a word at a time, then once more: the keys of a
 * group often differ in a few bits of one or two words (a port, the last
 * byte of an address, which a little-endian load puts in the top bits),
 * and the bucket is taken from the low bits.  On such key sets (hosts,
 * subnets, ports, host and port) linear probing stays at the probe counts
 * of a random hash.
 */
static u32 tun_rss_cls_hash(const struct tun_rss_cls_group *grp,
			    const struct tun_rss_cls_key *k, u32 seed)
{
	u32 h = seed;
	u32 j;

	for (j = 0; j < grp->nwords; j++) {
		h = (h ^ tun_rss_cls_word(grp, k, j)) * 0x9e3779b1;
		h ^= h >> 16;
	}
	h *= 0x846ca68b;
	h ^= h >> 15;
	return h;
}

/*
 * The bucket holding @k masked by @grp, or the empty bucket where it
 * would go.  The tables are at most a quarter full: the probe ends.
 * Inlined: a frame that matches no rule probes every group, and gcc,
 * left to itself, calls it out of line, reloading the group and
 * spilling the lookup's registers each time: 23 of the 90 instructions
 * a missed group costs.
 */
static __always_inline u32
tun_rss_cls_probe(const struct tun_rss_cls *cls,
		  const struct tun_rss_cls_group *grp,
		  const struct tun_rss_cls_key *k, u32 hash)
{
	u32 i = hash & grp->slot_mask;

	for (;; i = (i + 1) & grp->slot_mask) {
		const struct tun_rss_cls_slot *s = &cls->slots[grp->slot + i];
		const u32 *key;
		u32 j;

		if (!s->rule)
			break;
		if (s->hash != hash)
			continue;
		key = cls->keys[s->rule - 1];
		for (j = 0; j < grp->nwords; j++)
			if (key[j] != tun_rss_cls_word(grp, k, j))
				break;
		if (j == grp->nwords)
			break;
	}
	return grp->slot + i;
}

/*
 * Buckets for @n rules: a power of two, at most a quarter used.  Most
 * frames match no rule and probe every group, so what counts is the
 * length of a miss, the run of used buckets from the hash on: about
 * 1.4 buckets at a load of 1/4 against 2.5 at 1/2 (linear probing).  Two
 * u32s per bucket: 32 KiB for 1024 rules.
 */
static u32 tun_rss_cls_nslots(u32 n)
{
	u32 size = 4;

	while (size < 4 * n)
		size <<= 1;
	return size;
}

/* By mask, then by location: a group is a run, its first rule the lowest. */
static int tun_rss_cls_rule_cmp(const void *a, const void *b)
{
	const struct tun_rss_rule *ra = a, *rb = b;
	int d = memcmp(&ra->mask, &rb->mask, sizeof(ra->mask));

	if (d)
		return d;
	if (ra->location != rb->location)
		return ra->location < rb->location ? -1 : 1;
	return 0;
}

static int tun_rss_cls_group_cmp(const void *a, const void *b)
{
	const struct tun_rss_cls_group *ga = a, *gb = b;

	if (ga->min_loc != gb->min_loc)
		return ga->min_loc < gb->min_loc ? -1 : 1;
	return 0;
}

/* End of the run of rules that share the mask of rule @start. */
static u32 tun_rss_cls_run_end(const struct tun_rss_cls *cls, u32 start)
{
	const struct tun_rss_cls_key *mask = &cls->rules[start].mask;
	u32 end;

	for (end = start + 1; end < cls->nrules; end++)
		if (memcmp(&cls->rules[end].mask, mask, sizeof(*mask)))
			break;
	return end;
}

/* Fill group @grp from rules [@start, @end), its buckets from @slot on. */
static void tun_rss_cls_group_init(struct tun_rss_cls *cls,
				   struct tun_rss_cls_group *grp,
				   u32 start, u32 end, u32 slot)
{
	u32 mask[TUN_RSS_CLS_WORDS];
	u32 i, j, hash, s;

	memcpy(mask, &cls->rules[start].mask, sizeof(mask));
	for (j = 0; j < TUN_RSS_CLS_WORDS; j++) {
		if (!mask[j])
			continue;
		grp->word[grp->nwords] = j;
		grp->mask[grp->nwords++] = mask[j];
	}
	grp->min_loc = cls->rules[start].location;
	grp->slot = slot;
	grp->slot_mask = tun_rss_cls_nslots(end - start) - 1;

	/*
	 * By ascending location: a rule whose masked key is already in the
	 * table can never win over the one there, and is left out.
	 */
	for (i = start; i < end; i++) {
		const struct tun_rss_cls_key *k = &cls->rules[i].key;

		hash = tun_rss_cls_hash(grp, k, cls->seed);
		s = tun_rss_cls_probe(cls, grp, k, hash);
		for (j = 0; j < grp->nwords; j++)
			cls->keys[i][j] = tun_rss_cls_word(grp, k, j);
		if (cls->slots[s].rule)
			continue;
		cls->slots[s].hash = hash;
		cls->slots[s].rule = i + 1;
	}
}

/**
 * tun_rss_cls_build() - build a classifier from a rule set
 * @rules: the rules, in any order, with distinct locations
 * @n: number of rules, may be 0
 * @seed: randomises the bucket hash (frames are the sender's choice)
 *
 * Bits of a rule's key outside its mask are ignored.  The classifier is
 * built aside, in process context; it never changes afterwards, so that
 * it can be published with RCU and freed as a unit.
 *
 * Return: the classifier, or %NULL when out of memory.
 */
struct tun_rss_cls *tun_rss_cls_build(const struct tun_rss_rule *rules,
				      unsigned int n, u32 seed)
{
	u32 i, start, ngroups = 0, nslots = 0;
	struct tun_rss_cls *cls;
	size_t tables;

	if (n > TUN_RSS_CLS_MAX_RULES)
		return NULL;
	cls = kvzalloc(struct_size(cls, rules, n), GFP_KERNEL);
	if (!cls)
		return NULL;
	cls->seed = seed;
	cls->nrules = n;
	if (!n)
		return cls;

	memcpy(cls->rules, rules, array_size(n, sizeof(*rules)));
	for (i = 0; i < n; i++) {
		tun_rss_cls_key_and(&cls->rules[i].key, &cls->rules[i].mask);
		if (cls->rules[i].action == TUN_RSS_ACT_DROP)
			cls->has_drop = true;
	}
	sort(cls->rules, n, sizeof(*cls->rules), tun_rss_cls_rule_cmp, NULL);

	for (start = 0; start < n; start = i) {
		i = tun_rss_cls_run_end(cls, start);
		ngroups++;
		nslots += tun_rss_cls_nslots(i - start);
	}

	tables = size_add(size_add(array_size(ngroups, sizeof(*cls->groups)),
				   array_size(nslots, sizeof(*cls->slots))),
			  array_size(n, sizeof(*cls->keys)));
	cls->groups = kvzalloc(tables, GFP_KERNEL);
	if (!cls->groups) {
		kvfree(cls);
		return NULL;
	}
	cls->slots = (struct tun_rss_cls_slot *)(cls->groups + ngroups);
	cls->keys = (u32 (*)[TUN_RSS_CLS_WORDS])(cls->slots + nslots);

	for (start = 0, nslots = 0; start < n; start = i) {
		struct tun_rss_cls_group *grp = &cls->groups[cls->ngroups++];

		i = tun_rss_cls_run_end(cls, start);
		tun_rss_cls_group_init(cls, grp, start, i, nslots);
		nslots += grp->slot_mask + 1;
	}
	sort(cls->groups, cls->ngroups, sizeof(*cls->groups),
	     tun_rss_cls_group_cmp, NULL);
	return cls;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_build);

/**
 * tun_rss_cls_free() - free a classifier
 * @cls: the classifier, or %NULL
 *
 * The caller makes sure that no reader still uses it (RCU).
 */
void tun_rss_cls_free(struct tun_rss_cls *cls)
{
	if (!cls)
		return;
	kvfree(cls->groups);
	kvfree(cls);
}
EXPORT_SYMBOL_GPL(tun_rss_cls_free);

/**
 * tun_rss_cls_lookup() - the rule a frame matches
 * @cls: the classifier, or %NULL (no rules)
 * @k: the frame's key, from tun_rss_cls_key_from_flow()
 *
 * One hash lookup per distinct mask at most, no lock, no allocation.
 *
 * Return: the matching rule with the lowest location, or %NULL.  It
 * lives as long as @cls.
 */
const struct tun_rss_rule *tun_rss_cls_lookup(const struct tun_rss_cls *cls,
					      const struct tun_rss_cls_key *k)
{
	const struct tun_rss_rule *best = NULL;
	u32 g, s;

	if (!cls)
		return NULL;

	for (g = 0; g < cls->ngroups; g++) {
		const struct tun_rss_cls_group *grp = &cls->groups[g];
		const struct tun_rss_rule *r;

		/* Every later group starts above the match we have. */
		if (best && grp->min_loc > best->location)
			break;

		s = tun_rss_cls_probe(cls, grp, k,
				      tun_rss_cls_hash(grp, k, cls->seed));
		if (!cls->slots[s].rule)
			continue;
		r = &cls->rules[cls->slots[s].rule - 1];
		if (!best || r->location < best->location)
			best = r;
	}
	return best;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_lookup);

/**
 * tun_rss_cls_has_drop() - whether some rule drops
 * @cls: the classifier, or %NULL
 *
 * Return: true when one of the rules it was built from drops.
 */
bool tun_rss_cls_has_drop(const struct tun_rss_cls *cls)
{
	return cls && cls->has_drop;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_has_drop);
