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
 * form a group, and a frame costs one hash probe per group, whatever the
 * number of rules (SPEC §4: no cost that grows with the rule count on
 * the frame path).  The number of groups is the classifier's bound
 * (tun_rss_cls_alloc()): a device limits it, as hardware does.  Groups
 * are visited by ascending lowest location, so the search stops as soon
 * as no further group can hold a lower-location match.
 *
 * The masked keys of every group hang in one array of RCU hash chains,
 * sized for the most rules the classifier holds.  A rule is added or
 * removed in place, under the caller's writer lock, at a cost that does
 * not grow with the number of rules installed (SPEC §6: a delegate's
 * request holds RTNL for a bounded time); frames look up concurrently.
 */

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/limits.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "tun_rss_core.h"

/* Keys are hashed and compared a u32 word at a time. */
#define TUN_RSS_CLS_WORDS	(sizeof(struct tun_rss_cls_key) / sizeof(u32))
static_assert(sizeof(struct tun_rss_cls_key) == 16 * sizeof(u32));

/*
 * Far beyond any rule table the glue keeps (TUN_RSS_MAX_RULES); bounds the
 * bucket array of tun_rss_cls_build()'s classifiers.
 */
#define TUN_RSS_CLS_MAX_RULES	BIT(24)

/* Writers are serialised by the caller (RTNL in tun). */
#define tun_rss_cls_wderef(p)	rcu_dereference_protected(p, true)

/**
 * struct tun_rss_cls_group - the rules that share one mask (a tuple)
 * @mask: the nonzero words of the mask, in key order
 * @word: the index in the key of each word of @mask
 * @nwords: number of nonzero mask words
 * @seed: starts the bucket hash of the group's keys: equal keys of two
 *	groups land in unrelated buckets
 * @nrules: rules in the group (writer side)
 * @rcu: frees the group after the readers that may still probe it
 *
 * Only the nonzero words of the mask are hashed and compared: a port
 * rule looks at two words of sixteen.  Immutable once published.
 */
struct tun_rss_cls_group {
	u32 mask[TUN_RSS_CLS_WORDS];
	u8 word[TUN_RSS_CLS_WORDS];
	u32 nwords;
	u32 seed;
	u32 nrules;
	struct rcu_head rcu;
};

/**
 * struct tun_rss_cls_entry - one rule in the classifier
 * @next: next entry of the bucket chain
 * @dup: writer side: the rules with the same group and masked key and a
 *	higher location, by ascending location; only the lowest of them is
 *	in a chain, so a chain holds each (group, key) once
 * @grp: the rule's group
 * @hash: bucket hash of the masked key in @grp
 * @key: the masked key, as the words @grp picks
 * @rule: the rule, its key masked
 * @rcu: frees the entry after the readers that may still see it
 */
struct tun_rss_cls_entry {
	struct tun_rss_cls_entry __rcu *next;
	struct tun_rss_cls_entry *dup;
	struct tun_rss_cls_group *grp;
	u32 hash;
	u32 key[TUN_RSS_CLS_WORDS];
	struct tun_rss_rule rule;
	struct rcu_head rcu;
};

/**
 * struct tun_rss_cls_order - the groups in the order frames visit them
 * @rcu: frees the array after the readers that may still walk it
 * @n: entries in @g
 * @g: the groups by ascending @g.min_loc
 * @g.min_loc: no rule of the group has a lower location (a bound: a
 *	deletion leaves it as it is, an insertion lowers it)
 * @g.grp: the group
 *
 * A few words per group: an insertion that creates a group or lowers a
 * bound, and a deletion that empties a group, publish a new array.
 */
struct tun_rss_cls_order {
	struct rcu_head rcu;
	u32 n;
	struct {
		u32 min_loc;
		struct tun_rss_cls_group *grp;
	} g[];
};

/**
 * struct tun_rss_cls - a classifier, updated in place under RCU
 * @seed: randomises the bucket hash
 * @max_groups: distinct masks allowed
 * @nrules: rules (writer side)
 * @ndrop: rules that drop
 * @bucket_mask: buckets minus one (a power of two minus one)
 * @order: the groups, %NULL without rules
 * @buckets: chains of &struct tun_rss_cls_entry, shared by every group
 *
 * One rule changes at a time and a reader sees it either before or after:
 * the entries of a chain are linked and unlinked with one pointer store,
 * and a group appears in @order before its first entry is linked and
 * leaves it before its memory goes.  The bucket array is sized once for
 * the most rules the classifier will hold, so no update rehashes.
 */
struct tun_rss_cls {
	u32 seed;
	u32 max_groups;
	u32 nrules;
	u32 ndrop;
	u32 bucket_mask;
	struct tun_rss_cls_order __rcu *order;
	struct tun_rss_cls_entry __rcu *buckets[];
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
 * subnets, ports, host and port) the chains stay at the lengths of a
 * random hash.
 */
static u32 tun_rss_cls_mix(u32 h, u32 w)
{
	h = (h ^ w) * 0x9e3779b1;
	return h ^ (h >> 16);
}

static u32 tun_rss_cls_final(u32 h)
{
	h *= 0x846ca68b;
	return h ^ (h >> 15);
}

static u32 tun_rss_cls_hash(const struct tun_rss_cls_group *grp,
			    const struct tun_rss_cls_key *k)
{
	u32 h = grp->seed;
	u32 j;

	for (j = 0; j < grp->nwords; j++)
		h = tun_rss_cls_mix(h, tun_rss_cls_word(grp, k, j));
	return tun_rss_cls_final(h);
}

/*
 * The rule of @grp whose key @k matches, or %NULL.  Inlined: a frame that
 * matches no rule probes every group, and out of line the lookup's
 * registers are spilled and the group reloaded each time.
 */
static __always_inline const struct tun_rss_rule *
tun_rss_cls_find(const struct tun_rss_cls *cls,
		 const struct tun_rss_cls_group *grp,
		 const struct tun_rss_cls_key *k)
{
	u32 hash = tun_rss_cls_hash(grp, k);
	const struct tun_rss_cls_entry *e;
	u32 j;

	for (e = rcu_dereference(cls->buckets[hash & cls->bucket_mask]); e;
	     e = rcu_dereference(e->next)) {
		if (e->grp != grp || e->hash != hash)
			continue;
		for (j = 0; j < grp->nwords; j++)
			if (e->key[j] != tun_rss_cls_word(grp, k, j))
				break;
		if (j == grp->nwords)
			return &e->rule;
	}
	return NULL;
}

/* @grp's words of @mask, and the seed of its bucket hash. */
static void tun_rss_cls_group_init(struct tun_rss_cls_group *grp,
				   const struct tun_rss_cls_key *mask,
				   u32 seed)
{
	u32 words[TUN_RSS_CLS_WORDS];
	u32 j, h = seed;

	memcpy(words, mask, sizeof(words));
	memset(grp, 0, sizeof(*grp));
	for (j = 0; j < TUN_RSS_CLS_WORDS; j++) {
		if (!words[j])
			continue;
		grp->word[grp->nwords] = j;
		grp->mask[grp->nwords++] = words[j];
		h = tun_rss_cls_mix(h, words[j] ^ j);
	}
	grp->seed = tun_rss_cls_final(h);
}

static bool tun_rss_cls_group_same(const struct tun_rss_cls_group *a,
				   const struct tun_rss_cls_group *b)
{
	/* The seeds, hashes of the masks, tell most groups apart at once. */
	return a->seed == b->seed && a->nwords == b->nwords &&
	       !memcmp(a->word, b->word, a->nwords) &&
	       !memcmp(a->mask, b->mask, a->nwords * sizeof(u32));
}

static bool tun_rss_cls_entry_same(const struct tun_rss_cls_entry *a,
				   const struct tun_rss_cls_entry *b)
{
	return a->grp == b->grp && a->hash == b->hash &&
	       !memcmp(a->key, b->key, a->grp->nwords * sizeof(u32));
}

/*
 * A copy of @o without @grp and, when @keep, with @grp at @min_loc: a
 * new group, a lower bound, or (not @keep) an emptied group.  %NULL when
 * out of memory, or for an empty result (@o had @grp only, not @keep).
 */
static struct tun_rss_cls_order *
tun_rss_cls_order_with(const struct tun_rss_cls_order *o,
		       struct tun_rss_cls_group *grp, u32 min_loc, bool keep)
{
	u32 i, n = 0, old = o ? o->n : 0;
	struct tun_rss_cls_order *no;

	no = kmalloc(struct_size(no, g, old + keep), GFP_KERNEL_ACCOUNT);
	if (!no)
		return NULL;
	for (i = 0; i < old; i++) {
		if (o->g[i].grp == grp)
			continue;
		if (keep && o->g[i].min_loc > min_loc) {
			no->g[n].min_loc = min_loc;
			no->g[n++].grp = grp;
			keep = false;
		}
		no->g[n++] = o->g[i];
	}
	if (keep) {
		no->g[n].min_loc = min_loc;
		no->g[n++].grp = grp;
	}
	if (!n) {
		kfree(no);
		return NULL;
	}
	no->n = n;
	return no;
}

static void tun_rss_cls_order_publish(struct tun_rss_cls *cls,
				      struct tun_rss_cls_order *no)
{
	struct tun_rss_cls_order *o = tun_rss_cls_wderef(cls->order);

	rcu_assign_pointer(cls->order, no);
	if (o)
		kfree_rcu(o, rcu);
}

/**
 * tun_rss_cls_alloc() - an empty classifier
 * @seed: randomises the bucket hash (frames are the sender's choice)
 * @max_rules: the most rules it will hold: sizes the bucket array, two
 *	pointers per rule, so that chains stay short (a missed probe mostly
 *	finds an empty bucket) without ever rehashing
 * @max_groups: the most distinct masks it accepts
 *
 * Memory is charged to the caller's memory cgroup.
 *
 * Return: the classifier, or %NULL when out of memory.
 */
struct tun_rss_cls *tun_rss_cls_alloc(u32 seed, u32 max_rules, u32 max_groups)
{
	struct tun_rss_cls *cls;
	u32 nbuckets = 16;

	while (nbuckets < 2 * max_rules && nbuckets < TUN_RSS_CLS_MAX_RULES)
		nbuckets <<= 1;
	cls = kvzalloc(struct_size(cls, buckets, nbuckets), GFP_KERNEL_ACCOUNT);
	if (!cls)
		return NULL;
	cls->seed = seed;
	cls->max_groups = max_groups;
	cls->bucket_mask = nbuckets - 1;
	return cls;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_alloc);

/*
 * The chain slot of @e's key: where the entry of the same mask and key is
 * linked (returned in @x), or the chain's end (@x NULL).
 */
static struct tun_rss_cls_entry __rcu **
tun_rss_cls_slot(struct tun_rss_cls *cls, const struct tun_rss_cls_entry *e,
		 struct tun_rss_cls_entry **x)
{
	struct tun_rss_cls_entry __rcu **pp = &cls->buckets[e->hash &
							     cls->bucket_mask];

	for (; (*x = tun_rss_cls_wderef(*pp)); pp = &(*x)->next)
		if (tun_rss_cls_entry_same(*x, e))
			break;
	return pp;
}

/* Link @e into its chain, or under the entry of the same key. */
static void tun_rss_cls_link(struct tun_rss_cls *cls,
			     struct tun_rss_cls_entry *e)
{
	struct tun_rss_cls_entry __rcu **pp;
	struct tun_rss_cls_entry *x, **dp;

	pp = tun_rss_cls_slot(cls, e, &x);
	if (!x) {
		RCU_INIT_POINTER(e->next, tun_rss_cls_wderef(*pp));
		rcu_assign_pointer(*pp, e);
		return;
	}
	if (e->rule.location < x->rule.location) {
		/* @e takes @x's place; a reader on @x goes on from there. */
		RCU_INIT_POINTER(e->next, tun_rss_cls_wderef(x->next));
		e->dup = x;
		rcu_assign_pointer(*pp, e);
		return;
	}
	/* Shadowed by @x: frames never see it while @x is there. */
	for (dp = &x->dup; *dp && (*dp)->rule.location < e->rule.location;
	     dp = &(*dp)->dup)
		;
	e->dup = *dp;
	*dp = e;
}

/* Unlink @e from its chain, or from under the entry of the same key. */
static void tun_rss_cls_unlink(struct tun_rss_cls *cls,
			       struct tun_rss_cls_entry *e)
{
	struct tun_rss_cls_entry __rcu **pp;
	struct tun_rss_cls_entry *x, **dp;

	pp = tun_rss_cls_slot(cls, e, &x);
	if (x == e) {
		x = e->dup;
		if (x) {
			/* The next location of the same key takes over. */
			RCU_INIT_POINTER(x->next, tun_rss_cls_wderef(e->next));
			rcu_assign_pointer(*pp, x);
		} else {
			rcu_assign_pointer(*pp, tun_rss_cls_wderef(e->next));
		}
		return;
	}
	for (dp = &x->dup; *dp != e; dp = &(*dp)->dup)
		;
	*dp = e->dup;
}

/**
 * tun_rss_cls_insert() - add a rule
 * @cls: the classifier
 * @r: the rule; bits of its key outside its mask are ignored
 * @entry: set to the rule's handle for tun_rss_cls_remove()
 *
 * In process context, writers serialised by the caller; frames may look
 * up concurrently (RCU).  Costs one chain walk and, when the rule starts
 * a group or lowers a group's lowest location, a copy of the group order
 * (at most @max_groups entries): nothing that grows with the number of
 * rules, unless rules share both mask and key (an identical rule at a
 * higher location is kept, in order, behind the lowest).
 *
 * Return: 0; -ENOSPC when @r's mask would be one distinct mask more than
 * the classifier accepts; -ENOMEM.  Nothing changes on error.
 */
int tun_rss_cls_insert(struct tun_rss_cls *cls, const struct tun_rss_rule *r,
		       struct tun_rss_cls_entry **entry)
{
	struct tun_rss_cls_order *no = NULL, *o = tun_rss_cls_wderef(cls->order);
	struct tun_rss_cls_group *grp = NULL, new_grp;
	struct tun_rss_cls_entry *e;
	u32 i, j;

	tun_rss_cls_group_init(&new_grp, &r->mask, cls->seed);
	for (i = 0; o && i < o->n; i++) {
		if (tun_rss_cls_group_same(o->g[i].grp, &new_grp)) {
			grp = o->g[i].grp;
			break;
		}
	}
	if (!grp && o && o->n >= cls->max_groups)
		return -ENOSPC;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	if (!grp) {
		grp = kmemdup(&new_grp, sizeof(new_grp), GFP_KERNEL_ACCOUNT);
		if (!grp)
			goto nomem;
		no = tun_rss_cls_order_with(o, grp, r->location, true);
		if (!no) {
			kfree(grp);
			goto nomem;
		}
	} else if (r->location < o->g[i].min_loc) {
		no = tun_rss_cls_order_with(o, grp, r->location, true);
		if (!no)
			goto nomem;
	}

	e->rule = *r;
	tun_rss_cls_key_and(&e->rule.key, &e->rule.mask);
	e->grp = grp;
	e->hash = tun_rss_cls_hash(grp, &e->rule.key);
	for (j = 0; j < grp->nwords; j++)
		e->key[j] = tun_rss_cls_word(grp, &e->rule.key, j);

	/*
	 * A lower bound first: a reader never skips the group for it; and
	 * a drop rule is announced before a frame can match it.
	 */
	if (no)
		tun_rss_cls_order_publish(cls, no);
	if (r->action == TUN_RSS_ACT_DROP)
		WRITE_ONCE(cls->ndrop, cls->ndrop + 1);
	tun_rss_cls_link(cls, e);
	grp->nrules++;
	cls->nrules++;
	*entry = e;
	return 0;

nomem:
	kfree(e);
	return -ENOMEM;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_insert);

/**
 * tun_rss_cls_remove() - remove a rule
 * @cls: the classifier
 * @e: the rule's handle from tun_rss_cls_insert()
 *
 * As tun_rss_cls_insert(): one chain walk, and a copy of the group order
 * when the rule was its group's last.  The memory of @e is freed after
 * an RCU grace period: a frame may still hold its rule.
 *
 * Return: 0, or -ENOMEM (nothing changed).
 */
int tun_rss_cls_remove(struct tun_rss_cls *cls, struct tun_rss_cls_entry *e)
{
	struct tun_rss_cls_order *no = NULL, *o = tun_rss_cls_wderef(cls->order);
	struct tun_rss_cls_group *grp = e->grp;

	if (grp->nrules == 1) {
		no = tun_rss_cls_order_with(o, grp, 0, false);
		if (!no && o->n > 1)
			return -ENOMEM;
	}

	tun_rss_cls_unlink(cls, e);
	/* After the unlink: a frame that still finds it knows it drops. */
	if (e->rule.action == TUN_RSS_ACT_DROP)
		WRITE_ONCE(cls->ndrop, cls->ndrop - 1);
	cls->nrules--;
	if (!--grp->nrules) {
		/* Out of the order first: no reader finds it afterwards. */
		tun_rss_cls_order_publish(cls, no);
		kfree_rcu(grp, rcu);
	}
	kfree_rcu(e, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_remove);

/**
 * tun_rss_cls_entry_rule() - the rule of a handle
 * @e: a handle from tun_rss_cls_insert()
 *
 * Return: the rule, its key masked.
 */
const struct tun_rss_rule *
tun_rss_cls_entry_rule(const struct tun_rss_cls_entry *e)
{
	return &e->rule;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_entry_rule);

/**
 * tun_rss_cls_ngroups() - distinct masks in use
 * @cls: the classifier, or %NULL
 *
 * Return: the number of rule groups (writer side).
 */
u32 tun_rss_cls_ngroups(const struct tun_rss_cls *cls)
{
	const struct tun_rss_cls_order *o;

	if (!cls)
		return 0;
	o = tun_rss_cls_wderef(cls->order);
	return o ? o->n : 0;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_ngroups);

/**
 * tun_rss_cls_build() - a classifier holding a rule set
 * @rules: the rules, in any order, with distinct locations
 * @n: number of rules, may be 0
 * @seed: randomises the bucket hash (frames are the sender's choice)
 *
 * Bits of a rule's key outside its mask are ignored.  No limit on the
 * distinct masks: for tests, benchmarks and tools that build a rule set
 * at once.
 *
 * Return: the classifier, or %NULL when out of memory.
 */
struct tun_rss_cls *tun_rss_cls_build(const struct tun_rss_rule *rules,
				      unsigned int n, u32 seed)
{
	struct tun_rss_cls_entry *e;
	struct tun_rss_cls *cls;
	unsigned int i;

	if (n > TUN_RSS_CLS_MAX_RULES)
		return NULL;
	cls = tun_rss_cls_alloc(seed, n, U32_MAX);
	if (!cls)
		return NULL;
	for (i = 0; i < n; i++) {
		if (tun_rss_cls_insert(cls, &rules[i], &e)) {
			tun_rss_cls_free(cls);
			return NULL;
		}
	}
	return cls;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_build);

/**
 * tun_rss_cls_free() - free a classifier and its rules
 * @cls: the classifier, or %NULL
 *
 * The caller makes sure that no reader still uses it (RCU).
 */
void tun_rss_cls_free(struct tun_rss_cls *cls)
{
	struct tun_rss_cls_entry *e, *next, *dup;
	struct tun_rss_cls_order *o;
	u32 i;

	if (!cls)
		return;
	for (i = 0; i <= cls->bucket_mask; i++) {
		for (e = tun_rss_cls_wderef(cls->buckets[i]); e; e = next) {
			next = tun_rss_cls_wderef(e->next);
			for (; e; e = dup) {
				dup = e->dup;
				kfree(e);
			}
		}
	}
	o = tun_rss_cls_wderef(cls->order);
	for (i = 0; o && i < o->n; i++)
		kfree(o->g[i].grp);
	kfree(o);
	kvfree(cls);
}
EXPORT_SYMBOL_GPL(tun_rss_cls_free);

/**
 * tun_rss_cls_lookup() - the rule a frame matches
 * @cls: the classifier, or %NULL (no rules)
 * @k: the frame's key, from tun_rss_cls_key_from_flow()
 *
 * One hash probe per distinct mask at most, no lock, no allocation; in
 * an RCU read-side section.
 *
 * Return: the matching rule with the lowest location, or %NULL.  It
 * lives until the end of the read-side section.
 */
const struct tun_rss_rule *tun_rss_cls_lookup(const struct tun_rss_cls *cls,
					      const struct tun_rss_cls_key *k)
{
	const struct tun_rss_rule *best = NULL, *r;
	const struct tun_rss_cls_order *o;
	u32 g;

	if (!cls)
		return NULL;
	o = rcu_dereference(cls->order);
	if (!o)
		return NULL;

	for (g = 0; g < o->n; g++) {
		/* Every later group starts above the match we have. */
		if (best && o->g[g].min_loc > best->location)
			break;
		r = tun_rss_cls_find(cls, o->g[g].grp, k);
		if (r && (!best || r->location < best->location))
			best = r;
	}
	return best;
}
EXPORT_SYMBOL_GPL(tun_rss_cls_lookup);

/**
 * tun_rss_cls_has_drop() - whether some rule drops
 * @cls: the classifier, or %NULL
 *
 * Return: true when one of its rules drops.
 */
bool tun_rss_cls_has_drop(const struct tun_rss_cls *cls)
{
	return cls && READ_ONCE(cls->ndrop);
}
EXPORT_SYMBOL_GPL(tun_rss_cls_has_drop);
