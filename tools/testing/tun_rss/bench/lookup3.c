// SPDX-License-Identifier: GPL-2.0
/*
 * Bob Jenkins' lookup3 hash ("hashlittle" for bytes, "hashword" for
 * 32-bit words), under the names and with the initial value the kernel
 * uses for it (include/linux/jhash.h): what automq paid for its flow hash
 * before the flow dissector moved to SipHash, and what the issue asks
 * the table-driven Toeplitz to be compared with.
 *
 * Checked against the values lookup3's author published for it
 * (tun_rss_bench.c).
 */
#include "baseline.h"

static inline u32 rol32(u32 word, unsigned int shift)
{
	return word << shift | word >> (32 - shift);
}

/* lookup3's mix(): reversible, every input bit reaches a, b and c. */
#define lookup3_mix(a, b, c)					\
do {								\
	a -= c;  a ^= rol32(c, 4);  c += b;			\
	b -= a;  b ^= rol32(a, 6);  a += c;			\
	c -= b;  c ^= rol32(b, 8);  b += a;			\
	a -= c;  a ^= rol32(c, 16); c += b;			\
	b -= a;  b ^= rol32(a, 19); a += c;			\
	c -= b;  c ^= rol32(b, 4);  b += a;			\
} while (0)

/* lookup3's final(): the last three words into c. */
#define lookup3_final(a, b, c)					\
do {								\
	c ^= b; c -= rol32(b, 14);				\
	a ^= c; a -= rol32(c, 11);				\
	b ^= a; b -= rol32(a, 25);				\
	c ^= b; c -= rol32(b, 16);				\
	a ^= c; a -= rol32(c, 4);				\
	b ^= a; b -= rol32(a, 14);				\
	c ^= b; c -= rol32(b, 24);				\
} while (0)

/**
 * jhash() - lookup3 of a byte string (little-endian word loads)
 * @key: the bytes
 * @length: their number
 * @initval: seed
 *
 * Return: the hash.
 */
u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + length + initval;

	while (length > 12) {
		a += bench_get_le32(k);
		b += bench_get_le32(k + 4);
		c += bench_get_le32(k + 8);
		lookup3_mix(a, b, c);
		length -= 12;
		k += 12;
	}

	/* The last 1..12 bytes, little-endian into a, b, c. */
	switch (length) {
	case 12:
		c += (u32)k[11] << 24;
		fallthrough;
	case 11:
		c += (u32)k[10] << 16;
		fallthrough;
	case 10:
		c += (u32)k[9] << 8;
		fallthrough;
	case 9:
		c += k[8];
		fallthrough;
	case 8:
		b += (u32)k[7] << 24;
		fallthrough;
	case 7:
		b += (u32)k[6] << 16;
		fallthrough;
	case 6:
		b += (u32)k[5] << 8;
		fallthrough;
	case 5:
		b += k[4];
		fallthrough;
	case 4:
		a += (u32)k[3] << 24;
		fallthrough;
	case 3:
		a += (u32)k[2] << 16;
		fallthrough;
	case 2:
		a += (u32)k[1] << 8;
		fallthrough;
	case 1:
		a += k[0];
		lookup3_final(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

/**
 * jhash2() - lookup3 of an array of 32-bit words
 * @k: the words
 * @length: their number
 * @initval: seed
 *
 * Return: the hash; equal to jhash() of the same memory on a
 * little-endian machine.
 */
u32 jhash2(const u32 *k, u32 length, u32 initval)
{
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + (length << 2) + initval;

	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		lookup3_mix(a, b, c);
		length -= 3;
		k += 3;
	}

	switch (length) {
	case 3:
		c += k[2];
		fallthrough;
	case 2:
		b += k[1];
		fallthrough;
	case 1:
		a += k[0];
		lookup3_final(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

/**
 * jhash_3words() - lookup3 of exactly three words
 * @a: first word
 * @b: second word
 * @c: third word
 * @initval: seed
 *
 * Return: jhash2() of { @a, @b, @c }, without its loop and switch: the
 * cheapest jhash there is over an IPv4 address pair and ports.
 */
u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval)
{
	initval += JHASH_INITVAL + (3 << 2);
	a += initval;
	b += initval;
	c += initval;
	lookup3_final(a, b, c);
	return c;
}
