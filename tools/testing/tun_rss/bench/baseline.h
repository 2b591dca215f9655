/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tun RSS engine is measured against: the other ways of hashing
 * a flow (bit-serial and set-bit Toeplitz, jhash, SipHash) and an
 * automq-like queue selection.  Each is written here from its published
 * definition, not taken from the projects that ship it, and each lives
 * in its own object built with the engine's flags, so that every
 * candidate is an out-of-line call from the same harness loop.
 */
#ifndef _TUN_RSS_BENCH_BASELINE_H
#define _TUN_RSS_BENCH_BASELINE_H

#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>

/*
 * The fixed hash buffer of a steering eBPF program: the verifier wants a
 * bounded loop, so the program hashes the longest input (IPv6 addresses
 * and ports) whatever the frame, zero-padded.  Zero bits add nothing to
 * a Toeplitz hash, so the value is that of the unpadded input.
 */
#define TOEPLITZ_BUF_LEN	36

/* include/linux/compiler_attributes.h; the shim has no switch to need it */
#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

/* toeplitz_alt.c */
u32 toeplitz_bit_serial(const u8 *key, const u8 *buf);
u32 toeplitz_set_bits(const u8 *key, const u8 *in, unsigned int len);

/* lookup3.c: the kernel's jhash family (include/linux/jhash.h) */
#define JHASH_INITVAL		0xdeadbeef
u32 jhash(const void *key, u32 length, u32 initval);
u32 jhash2(const u32 *k, u32 length, u32 initval);
u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval);

/* siphash.c: SipHash-2-4, what the 6.12 flow dissector hashes with */
struct siphash_key {
	u64 key[2];
};

u64 siphash(const void *data, size_t len, const struct siphash_key *key);

/* automq.c */
/**
 * struct automq_keys - the flow keys automq hashes
 *
 * Field for field the layout of the kernel's struct flow_keys
 * (include/net/flow_dissector.h, 6.12), so the baseline hashes as many
 * bytes as tun's automq does: from @n_proto to the end of the struct,
 * less the part of the address union not in use, which with the
 * struct's tail padding is 48 bytes for IPv4 and 72 for IPv6.
 */
struct automq_keys {
	/* flow_dissector_key_control: not hashed */
	u16 thoff;
	u16 addr_type;
	u32 flags;
	/* flow_dissector_key_basic: the hash starts here */
	__be16 n_proto;
	u8 ip_proto;
	u8 padding;
	/* flow_dissector_key_tags */
	u32 flow_label;
	/* flow_dissector_key_vlan, twice (vlan and cvlan) */
	u16 vlan[4];
	u16 cvlan[4];
	/* flow_dissector_key_keyid */
	__be32 keyid;
	/* flow_dissector_key_ports */
	__be16 sport;
	__be16 dport;
	/* flow_dissector_key_icmp */
	u8 icmp_type;
	u8 icmp_code;
	u16 icmp_id;
	/* flow_dissector_key_addrs: v4 in the first 8 bytes */
	union {
		struct {
			__be32 src;
			__be32 dst;
		} v4;
		struct {
			u8 src[16];
			u8 dst[16];
		} v6;
	} addrs;
} __attribute__((aligned(8)));

#define AUTOMQ_ADDR_NONE	0
#define AUTOMQ_ADDR_IPV4	1
#define AUTOMQ_ADDR_IPV6	2

bool automq_dissect(struct automq_keys *k, const u8 *data, unsigned int len);
const u32 *automq_hash_start(const struct automq_keys *k);
unsigned int automq_hash_len(const struct automq_keys *k);
u16 automq_select_jhash(const u8 *data, unsigned int len, u32 seed,
			unsigned int nqueues);
u16 automq_select_siphash(const u8 *data, unsigned int len,
			  const struct siphash_key *seed,
			  unsigned int nqueues);

/* Unaligned loads the shim does not have (one load, as in the kernel). */
static inline u32 bench_get_le32(const u8 *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return __le32_to_cpu(v);
}

static inline u64 bench_get_le64(const u8 *p)
{
	__le64 v;

	memcpy(&v, p, sizeof(v));
	return __le64_to_cpu(v);
}

static inline u64 bench_get_be64(const u8 *p)
{
	__be64 v;

	memcpy(&v, p, sizeof(v));
	return __be64_to_cpu(v);
}

#endif /* _TUN_RSS_BENCH_BASELINE_H */
