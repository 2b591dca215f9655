// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): two compression rounds per 8-byte word, four finalisation
 * rounds.  Since Linux 5.x the flow dissector hashes the flow keys with
 * it, so it is what 6.12's automq really pays; the baseline is
 * jhash, and the bench reports both.
 */
#include "baseline.h"

static inline u64 rol64(u64 word, unsigned int shift)
{
	return word << shift | word >> (64 - shift);
}

#define sipround(v0, v1, v2, v3)				\
do {								\
	v0 += v1;						\
	v1 = rol64(v1, 13);					\
	v1 ^= v0;						\
	v0 = rol64(v0, 32);					\
	v2 += v3;						\
	v3 = rol64(v3, 16);					\
	v3 ^= v2;						\
	v0 += v3;						\
	v3 = rol64(v3, 21);					\
	v3 ^= v0;						\
	v2 += v1;						\
	v1 = rol64(v1, 17);					\
	v1 ^= v2;						\
	v2 = rol64(v2, 32);					\
} while (0)

/**
 * siphash() - SipHash-2-4 of a byte string
 * @data: the bytes
 * @len: their number
 * @key: the 128-bit key, as two little-endian 64-bit halves
 *
 * Return: the 64-bit hash.
 */
u64 siphash(const void *data, size_t len, const struct siphash_key *key)
{
	/* "somepseudorandomlygeneratedbytes" */
	u64 v0 = 0x736f6d6570736575ULL ^ key->key[0];
	u64 v1 = 0x646f72616e646f6dULL ^ key->key[1];
	u64 v2 = 0x6c7967656e657261ULL ^ key->key[0];
	u64 v3 = 0x7465646279746573ULL ^ key->key[1];
	const u8 *p = data, *end = p + (len & ~(size_t)7);
	u64 m, last = (u64)len << 56;

	for (; p != end; p += 8) {
		m = bench_get_le64(p);
		v3 ^= m;
		sipround(v0, v1, v2, v3);
		sipround(v0, v1, v2, v3);
		v0 ^= m;
	}

	/*
	 * The last 0..7 bytes, little-endian, under the length byte; the
	 * low four in one load when there are four or more.
	 */
	switch (len & 7) {
	case 7:
		last |= (u64)p[6] << 48;
		fallthrough;
	case 6:
		last |= (u64)p[5] << 40;
		fallthrough;
	case 5:
		last |= (u64)p[4] << 32;
		fallthrough;
	case 4:
		last |= bench_get_le32(p);
		break;
	case 3:
		last |= (u64)p[2] << 16;
		fallthrough;
	case 2:
		last |= (u64)p[1] << 8;
		fallthrough;
	case 1:
		last |= p[0];
		break;
	}

	v3 ^= last;
	sipround(v0, v1, v2, v3);
	sipround(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	sipround(v0, v1, v2, v3);
	sipround(v0, v1, v2, v3);
	sipround(v0, v1, v2, v3);
	sipround(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
