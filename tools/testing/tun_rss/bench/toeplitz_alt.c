// SPDX-License-Identifier: GPL-2.0
/*
 * Two Toeplitz implementations the table-driven one is measured against,
 * both from the definition (the hash is the XOR, over every set input bit
 * k, most significant bit of the first byte first, of the 32 key bits
 * that start at key bit k), with no precomputation from the key.
 */
#include <linux/unaligned.h>

#include "baseline.h"

/**
 * toeplitz_bit_serial() - one step per input bit over a fixed buffer
 * @key: 40-byte key
 * @buf: %TOEPLITZ_BUF_LEN bytes of input, zero-padded
 *
 * A 32-bit window of the key slides one bit per input bit and is XORed
 * in when that bit is set: the shape a steering eBPF program has to take
 * (bounded loop over the whole buffer, no tables).
 *
 * Return: the hash.
 */
u32 toeplitz_bit_serial(const u8 *key, const u8 *buf)
{
	u32 window = get_unaligned_be32(key), hash = 0;
	unsigned int i, bit;

	for (i = 0; i < TOEPLITZ_BUF_LEN; i++) {
		/* The key byte whose bits enter the window during byte i */
		u8 next = key[i + sizeof(window)];
		u8 in = buf[i];

		for (bit = 0; bit < 8; bit++) {
			if (in & 0x80)
				hash ^= window;
			window = window << 1 | next >> 7;
			in <<= 1;
			next <<= 1;
		}
	}
	return hash;
}

/**
 * toeplitz_set_bits() - one step per set input bit
 * @key: 40-byte key
 * @in: input, a multiple of 4 bytes (12 or 36 for the tuples here)
 * @len: length of @in
 *
 * Takes the input a 32-bit word at a time and visits only its set bits
 * (count trailing zeros, clear the lowest set bit); for input word w the
 * windows of all its bits lie in the 64 key bits starting at bit 32w.
 *
 * Return: the hash.
 */
u32 toeplitz_set_bits(const u8 *key, const u8 *in, unsigned int len)
{
	unsigned int w;
	u32 hash = 0;

	for (w = 0; w < len / 4; w++) {
		u32 word = get_unaligned_be32(in + 4 * w);
		u64 keybits = bench_get_be64(key + 4 * w);

		while (word) {
			/*
			 * Bit b (from the least significant end) is input
			 * bit 32w + 31 - b: its window is keybits shifted
			 * left by 31 - b, then the top 32 bits.
			 */
			unsigned int b = __builtin_ctz(word);

			hash ^= (u32)(keybits >> (b + 1));
			word &= word - 1;
		}
	}
	return hash;
}
