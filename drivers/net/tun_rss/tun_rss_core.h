/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tun RSS engine: the pure part (frame parser, Toeplitz, per-context hash
 * and indirection, steering decision).
 *
 * Everything declared here is free of locks, allocation and kernel
 * objects other than plain types, so the same sources build in the kernel
 * and in userspace against the shim in tools/testing/tun_rss/ (unit tests,
 * libFuzzer, benchmarks).  Only include what that shim provides.
 */
#ifndef _TUN_RSS_CORE_H
#define _TUN_RSS_CORE_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/ethtool.h>
#include <linux/virtio_net.h>

/* Toeplitz key length (bytes); the Microsoft/virtio standard size. */
#define TUN_RSS_KEY_SIZE	40
/* Indirection table entries per context: virtio's minimum device table. */
#define TUN_RSS_INDIR_SIZE	128
/*
 * Longest hash input: IPv6 source and destination, both ports, then the
 * destination MAC, VLAN ID, protocol and IPv6 flow label (hash.c).  Past
 * 36 bytes the 40-byte key is used cyclically (toeplitz.c).
 */
#define TUN_RSS_MAX_INPUT	48
/* Context 0 plus at least 63 extra contexts (SPEC §4). */
#define TUN_RSS_MAX_CONTEXTS	64
/*
 * Bytes of a frame the parser looks at; deeper headers are not parsed and
 * the frame is described as truncated there.
 */
#define TUN_RSS_PARSE_MAX	256

/* The hash-field sets virtio has a hash type for (SPEC §4, §5). */
#define TUN_RSS_FIELDS_SD	(RXH_IP_SRC | RXH_IP_DST)
#define TUN_RSS_FIELDS_SDFN	(TUN_RSS_FIELDS_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)

/**
 * enum tun_rss_ft - flow types that carry their own hash fields
 * @TUN_RSS_FT_TCP4: ethtool tcp4
 * @TUN_RSS_FT_UDP4: ethtool udp4
 * @TUN_RSS_FT_SCTP4: ethtool sctp4
 * @TUN_RSS_FT_AH_ESP4: ethtool ah4, esp4 and ah_esp4 (one setting)
 * @TUN_RSS_FT_IP4: ethtool ip4: other IPv4 protocols and all fragments
 * @TUN_RSS_FT_TCP6: ethtool tcp6
 * @TUN_RSS_FT_UDP6: ethtool udp6
 * @TUN_RSS_FT_SCTP6: ethtool sctp6
 * @TUN_RSS_FT_AH_ESP6: ethtool ah6, esp6 and ah_esp6 (one setting)
 * @TUN_RSS_FT_IP6: ethtool ip6: other IPv6 protocols and all fragments
 * @TUN_RSS_FT_NUM: number of flow types
 */
enum tun_rss_ft {
	TUN_RSS_FT_TCP4,
	TUN_RSS_FT_UDP4,
	TUN_RSS_FT_SCTP4,
	TUN_RSS_FT_AH_ESP4,
	TUN_RSS_FT_IP4,
	TUN_RSS_FT_TCP6,
	TUN_RSS_FT_UDP6,
	TUN_RSS_FT_SCTP6,
	TUN_RSS_FT_AH_ESP6,
	TUN_RSS_FT_IP6,
	TUN_RSS_FT_NUM
};

/* struct tun_rss_flow.flags */
#define TUN_RSS_F_VLAN		BIT(0)	/* an 802.1Q/802.1ad tag was crossed */
#define TUN_RSS_F_IP		BIT(1)	/* l3 header complete: addresses valid */
#define TUN_RSS_F_FRAG		BIT(2)	/* IPv4 or IPv6 fragment (any) */
#define TUN_RSS_F_L4		BIT(3)	/* l4_4bytes (and ports) valid */
#define TUN_RSS_F_IP6_EX	BIT(4)	/* IPv6 ext headers crossed */
#define TUN_RSS_F_TRUNC		BIT(5)	/* frame ended inside a header */

/**
 * struct tun_rss_flow - what the parser extracted from one frame
 * @flags: TUN_RSS_F_* bits
 * @l3: 0 when not IP, else 4 or 6
 * @l4proto: IPPROTO_* of the upper-layer header (after IPv6 ext headers)
 * @tos: IPv4 TOS or IPv6 traffic class
 * @h_proto: innermost ethertype (after VLAN tags)
 * @vlan_tci: TCI of the outermost VLAN tag, when %TUN_RSS_F_VLAN
 * @h_dest: destination MAC (tap frames only, else zero)
 * @h_source: source MAC (tap frames only, else zero)
 * @saddr: source address; IPv4 in saddr[0]
 * @daddr: destination address; IPv4 in daddr[0]
 * @flow_lbl: IPv6 flow label (20 bits, network order, top nibble zero)
 * @sport: L4 source port (TCP, UDP, SCTP), when %TUN_RSS_F_L4; else zero
 * @dport: L4 destination port, when %TUN_RSS_F_L4; else zero
 * @l4_4bytes: first four bytes of the L4 header, or the SPI for AH and ESP,
 *	when %TUN_RSS_F_L4
 *
 * %TUN_RSS_F_L4 is never set on a fragment (whatever its offset), nor
 * when the IPv6 extension-header walk ends on IPPROTO_NONE or gives up:
 * there the bytes after the network headers are not known to be an L4
 * header.
 */
struct tun_rss_flow {
	u8 flags;
	u8 l3;
	u8 l4proto;
	u8 tos;
	__be16 h_proto;
	__be16 vlan_tci;
	u8 h_dest[6];
	u8 h_source[6];
	__be32 saddr[4];
	__be32 daddr[4];
	u8 flow_lbl[3];
	__be16 sport;
	__be16 dport;
	__be32 l4_4bytes;
};

/**
 * struct tun_rss_hkey - Toeplitz key expanded for byte-at-a-time hashing
 * @tbl: tbl[i][b] is the hash contribution of input byte i having value b
 *
 * Built once per key update; a hash is then one lookup and one XOR per
 * input byte (12 for IPv4/TCP, 36 for IPv6/TCP, at most 48), no per-bit
 * loop.
 */
struct tun_rss_hkey {
	u32 tbl[TUN_RSS_MAX_INPUT][256];
};

/**
 * struct tun_rss_ctx - one RSS context, immutable once published
 * @fields: RXH_* hash fields per &enum tun_rss_ft (validated sets only)
 * @input_xfrm: 0 or %RXH_XFRM_SYM_XOR
 * @key: the Toeplitz key as configured
 * @indir: indirection table (queue numbers, validated when set)
 * @hk: @key expanded
 */
struct tun_rss_ctx {
	u32 fields[TUN_RSS_FT_NUM];
	u8 input_xfrm;
	u8 key[TUN_RSS_KEY_SIZE];
	u16 indir[TUN_RSS_INDIR_SIZE];
	struct tun_rss_hkey hk;
};

/* parse.c */
int tun_rss_parse(struct tun_rss_flow *fl, const u8 *data, unsigned int len,
		  bool l2, __be16 proto);

/* toeplitz.c */
void tun_rss_hkey_expand(struct tun_rss_hkey *hk, const u8 *key);
u32 tun_rss_toeplitz(const struct tun_rss_hkey *hk, const u8 *in,
		     unsigned int len);

/* hash.c */
int tun_rss_flow_type_to_ft(u32 flow_type);
int tun_rss_fields_valid(enum tun_rss_ft ft, u64 fields);
u32 tun_rss_default_fields(enum tun_rss_ft ft);
void tun_rss_ctx_init(struct tun_rss_ctx *ctx, const u8 *key,
		      unsigned int nqueues);
void tun_rss_ctx_set_key(struct tun_rss_ctx *ctx, const u8 *key);
u32 tun_rss_ctx_hash(const struct tun_rss_ctx *ctx,
		     const struct tun_rss_flow *fl, u16 *report);
u16 tun_rss_ctx_queue(const struct tun_rss_ctx *ctx, u32 hash,
		      unsigned int nqueues);

/* cls.c: ntuple flow rules (ethtool -N) and their classifier */

/*
 * Distinct rule masks (mask groups) a tun device accepts.  A frame that
 * matches no rule costs one hash probe per group, and the rules may come
 * from an unprivileged delegate: this bounds what it can make every frame
 * cost, as the mask or profile slots of a NIC's flow director do.  32
 * leaves room for a few field sets (ports, hosts, subnets, 5-tuples) in
 * each of the nine flow types.
 */
#define TUN_RSS_MAX_MASKS	32

/**
 * struct tun_rss_cls_key - what a flow rule matches, in one layout
 * @h_dest: destination MAC (tap frames only, else zero)
 * @h_source: source MAC (tap frames only, else zero)
 * @h_proto: innermost ethertype
 * @vlan_tci: TCI of the outermost VLAN tag, 0 when untagged
 * @l3: 0, 4 or 6
 * @l4proto: IPPROTO_* of the upper-layer header
 * @tos: IPv4 TOS or IPv6 traffic class
 * @l4ok: 1 when @sport, @dport and @l4_4bytes were parsed (never on a
 *	fragment)
 * @saddr: source address; IPv4 in saddr[0]
 * @daddr: destination address; IPv4 in daddr[0]
 * @sport: L4 source port
 * @dport: L4 destination port
 * @l4_4bytes: first four bytes of the L4 header (the SPI for AH and ESP)
 * @pad: always zero: keys are read as 16 u32 words
 *
 * A rule's key and mask, and the key of a parsed frame, all have this
 * layout: a frame matches a rule when (frame key & mask) == rule key.
 */
struct tun_rss_cls_key {
	u8 h_dest[6];
	u8 h_source[6];
	__be16 h_proto;
	__be16 vlan_tci;
	u8 l3;
	u8 l4proto;
	u8 tos;
	u8 l4ok;
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__be32 l4_4bytes;
	u8 pad[4];
};

/**
 * enum tun_rss_action - what a matching rule does with a frame
 * @TUN_RSS_ACT_QUEUE: deliver to queue &tun_rss_rule.queue
 * @TUN_RSS_ACT_DROP: drop (and count) the frame
 * @TUN_RSS_ACT_CTX: RSS with context &tun_rss_rule.ctx, adding
 *	&tun_rss_rule.queue to the indirection table entry
 */
enum tun_rss_action {
	TUN_RSS_ACT_QUEUE,
	TUN_RSS_ACT_DROP,
	TUN_RSS_ACT_CTX,
};

/**
 * struct tun_rss_rule - one flow rule, normalised
 * @location: ethtool location; the lowest matching location wins
 * @key: values to match, already masked
 * @mask: bits of the frame key that are compared
 * @action: what a matching frame gets
 * @queue: the queue for %TUN_RSS_ACT_QUEUE, the offset added to the
 *	table entry for %TUN_RSS_ACT_CTX
 * @ctx: RSS context ID for %TUN_RSS_ACT_CTX
 */
struct tun_rss_rule {
	u32 location;
	struct tun_rss_cls_key key;
	struct tun_rss_cls_key mask;
	enum tun_rss_action action;
	u32 queue;
	u32 ctx;
};

/*
 * Opaque; changed in place by one writer at a time (the caller's lock),
 * looked up by frames under RCU.
 */
struct tun_rss_cls;
struct tun_rss_cls_entry;

int tun_rss_rule_from_fs(struct tun_rss_rule *r,
			 const struct ethtool_rx_flow_spec *fs,
			 u32 rss_context, const char **why);
void tun_rss_cls_key_from_flow(struct tun_rss_cls_key *k,
			       const struct tun_rss_flow *fl);
struct tun_rss_cls *tun_rss_cls_alloc(u32 seed, u32 max_rules, u32 max_groups);
int tun_rss_cls_insert(struct tun_rss_cls *cls, const struct tun_rss_rule *r,
		       struct tun_rss_cls_entry **entry);
int tun_rss_cls_remove(struct tun_rss_cls *cls, struct tun_rss_cls_entry *e);
const struct tun_rss_rule *
tun_rss_cls_entry_rule(const struct tun_rss_cls_entry *e);
u32 tun_rss_cls_ngroups(const struct tun_rss_cls *cls);
struct tun_rss_cls *tun_rss_cls_build(const struct tun_rss_rule *rules,
				      unsigned int n, u32 seed);
void tun_rss_cls_free(struct tun_rss_cls *cls);
const struct tun_rss_rule *tun_rss_cls_lookup(const struct tun_rss_cls *cls,
					      const struct tun_rss_cls_key *k);
bool tun_rss_cls_has_drop(const struct tun_rss_cls *cls);

#endif /* _TUN_RSS_CORE_H */
