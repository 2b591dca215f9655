// SPDX-License-Identifier: GPL-2.0
/*
 * tun RSS engine: Toeplitz hash.
 *
 * The Toeplitz hash of an input is the XOR, over every set input bit k
 * (most significant bit of the first byte first), of the 32 key bits that
 * start at key bit k.  That is linear in the input, so the contribution of
 * a whole input byte depends only on its position and value: the key is
 * expanded once per update into a table of them (SPEC §4), and a hash is
 * one lookup per input byte.
 *
 * The Microsoft definition stops at 36 input bytes, as far as a 40-byte
 * key reaches; tun's longer inputs (hash.c) take key bit k from key bit
 * k mod 320: the key is repeated.  Inputs of 36 bytes or less hash as
 * Microsoft defines.
 */

#include <linux/export.h>
#include <linux/minmax.h>

#include "tun_rss_core.h"

/* Key byte @i of the repeated key */
static u8 tun_rss_key_byte(const u8 *key, unsigned int i)
{
	return key[i % TUN_RSS_KEY_SIZE];
}

/**
 * tun_rss_hkey_expand() - expand a Toeplitz key into lookup tables
 * @hk: the tables to fill
 * @key: %TUN_RSS_KEY_SIZE bytes of key
 *
 * Fills one 256-entry row per input byte position.  Each row costs 256
 * XORs: the entry of a byte value is the entry of that value without its
 * highest set bit, XORed with the entry of that bit alone.
 */
void tun_rss_hkey_expand(struct tun_rss_hkey *hk, const u8 *key)
{
	unsigned int i, bit, b;

	for (i = 0; i < TUN_RSS_MAX_INPUT; i++) {
		/* Key bits 8i .. 8i+39 cover the windows of byte i's 8 bits. */
		u32 *row = hk->tbl[i];
		u64 kbits = 0;

		for (b = 0; b < 5; b++)
			kbits = kbits << 8 | tun_rss_key_byte(key, i + b);
		row[0] = 0;
		for (bit = 0; bit < 8; bit++) {
			/* Value BIT(bit) is input bit 8i + 7 - bit. */
			u32 window = kbits >> (bit + 1);

			for (b = 0; b < BIT(bit); b++)
				row[BIT(bit) | b] = row[b] ^ window;
		}
	}
}
EXPORT_SYMBOL_GPL(tun_rss_hkey_expand);

/* Contribution of input bytes i .. i + 3 (i constant after inlining) */
static u32 tun_rss_t4(const struct tun_rss_hkey *hk, const u8 *in,
		      unsigned int i)
{
	return hk->tbl[i][in[i]] ^ hk->tbl[i + 1][in[i + 1]] ^
	       hk->tbl[i + 2][in[i + 2]] ^ hk->tbl[i + 3][in[i + 3]];
}

/* Two IPv6 addresses */
static u32 tun_rss_toeplitz32(const struct tun_rss_hkey *hk, const u8 *in)
{
	return tun_rss_t4(hk, in, 28) ^ tun_rss_t4(hk, in, 24) ^
	       tun_rss_t4(hk, in, 20) ^ tun_rss_t4(hk, in, 16) ^
	       tun_rss_t4(hk, in, 12) ^ tun_rss_t4(hk, in, 8) ^
	       tun_rss_t4(hk, in, 4) ^ tun_rss_t4(hk, in, 0);
}

/**
 * tun_rss_toeplitz() - Toeplitz hash of an input
 * @hk: the expanded key
 * @in: the hash input (addresses and ports in network byte order)
 * @len: length of @in, at most %TUN_RSS_MAX_INPUT
 *
 * Return: the 32-bit hash.
 */
u32 tun_rss_toeplitz(const struct tun_rss_hkey *hk, const u8 *in,
		     unsigned int len)
{
	unsigned int i;
	u32 hash = 0;

	/*
	 * Inputs are addresses and ports: 8, 12, 32 or 36 bytes.  Unrolled
	 * for those, every table address is a constant plus the byte: two
	 * instructions a byte, and the lookups overlap.
	 */
	switch (len) {
	case 36:
		return tun_rss_t4(hk, in, 32) ^ tun_rss_toeplitz32(hk, in);
	case 32:
		return tun_rss_toeplitz32(hk, in);
	case 12:
		return tun_rss_t4(hk, in, 8) ^ tun_rss_t4(hk, in, 4) ^
		       tun_rss_t4(hk, in, 0);
	case 8:
		return tun_rss_t4(hk, in, 4) ^ tun_rss_t4(hk, in, 0);
	}

	/* Never index past the tables, whatever a caller passes. */
	len = min(len, TUN_RSS_MAX_INPUT);
	for (i = 0; i < len; i++)
		hash ^= hk->tbl[i][in[i]];
	return hash;
}
EXPORT_SYMBOL_GPL(tun_rss_toeplitz);
