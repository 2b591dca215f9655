/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tun RSS fuzz targets share: reading the fuzzer's input as a
 * stream, failing loudly, a bit-serial Toeplitz to check the engine's
 * tables against, and the decoder that turns input bytes into ethtool
 * flow specs (fuzz_cls and fuzz_config).
 */
#ifndef _TUN_RSS_FUZZ_H
#define _TUN_RSS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include <linux/types.h>
#include <linux/ethtool.h>

#include "tun_rss_core.h"

/*
 * A failed check is a finding: say what and where, then abort() so that
 * libFuzzer keeps the input as crash-<sha1>.  Lines printed before it to
 * show the data start with "| " (scripts/fuzz.sh picks them out).
 */
#define FZ_CHECK(cond, fmt, ...)					\
do {									\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s: " fmt "\n",	\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
		abort();						\
	}								\
} while (0)

/* The fuzzer's input, consumed from the front; zeros once it runs out. */
struct fz_in {
	const u8 *p;
	size_t n;
};

static inline u8 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* @len bytes into @dst, the part past the input zero-filled */
void fz_bytes(struct fz_in *in, void *dst, size_t len);
u16 fz_u16(struct fz_in *in);	/* little endian */
u32 fz_u32(struct fz_in *in);
u64 fz_u64(struct fz_in *in);

/*
 * The Toeplitz hash by its definition, one input bit at a time: every
 * set bit k (most significant first) XORs in the 32 key bits from bit k.
 * @len is at most %TUN_RSS_MAX_INPUT.
 */
u32 fz_toeplitz_ref(const u8 *key, const u8 *in, unsigned int len);

/*
 * Flow specs from input bytes.  Every record starts with an op byte:
 *
 *   bits 0-3  flow type, index into fz_fs_types[] modulo its size; the
 *	       last entry reads a raw u32 flow type from the input
 *   bit 4     FLOW_EXT       bit 5  FLOW_MAC_EXT       bit 6  FLOW_RSS
 *   bit 7     like the previous spec: its masks and values, then one
 *	       edit (offset, xor) of the values; no mask-mode byte
 *
 * then a location byte (0xff: a raw u32 follows), a ring_cookie byte
 * (0xff RX_CLS_FLOW_DISC, 0xfe RX_CLS_FLOW_WAKE, 0xfd a raw u64 follows,
 * else the ring), and unless bit 7, a mask-mode byte:
 *
 *   bits 0-1  flow-union mask over the type's fields: 0 none,
 *	       1 a bitmap, one bit a byte (all or nothing), 2 raw bytes,
 *	       3 all ones
 *   bit 2     also set one mask byte past the type's fields (refused)
 *   bit 3     ip4: keep ip_ver as read (else value ETH_RX_NFC_IP4, mask 0)
 *   bit 4     FLOW_EXT: a vlan_etype mask follows (refused)
 *   bit 5     FLOW_EXT: a user-data mask follows (refused)
 *
 * followed by the masks (FLOW_EXT: vlan_tci; FLOW_MAC_EXT: h_dest) and the
 * values: the type's fields, vlan_tci, h_dest.  Masks are applied the
 * kernel way: a set bit is compared.
 */
struct fz_fs_type {
	u32 flow_type;		/* 0: raw, from the input */
	size_t len;		/* bytes of the flow union the type uses */
	const char *name;
};

extern const struct fz_fs_type fz_fs_types[];
extern const size_t fz_fs_ntypes;

/* Decode one spec into @fs, @prev being the previous one (or zeroed). */
void fz_flow_spec(struct fz_in *in, struct ethtool_rx_flow_spec *fs,
		  const struct ethtool_rx_flow_spec *prev);

/* (a & m) == (b & m), a byte at a time, over whole keys */
bool fz_key_match(const struct tun_rss_cls_key *k,
		  const struct tun_rss_cls_key *key,
		  const struct tun_rss_cls_key *mask);

#endif /* _TUN_RSS_FUZZ_H */
