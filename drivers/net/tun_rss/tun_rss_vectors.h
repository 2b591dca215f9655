/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Toeplitz test vectors, shared by the KUnit suite (tun_rss_kunit.c) and
 * the userspace test (tools/testing/tun_rss/).
 *
 * Source: Microsoft's RSS verification suite ("Verifying the RSS Hash
 * Calculation", Windows driver documentation), as recorded in the
 * project's toeplitz-ms-vectors.tsv; tools/testing/tun_rss/data/ holds a
 * copy of that file and the userspace test checks this table against it
 * field by field.  UDP hashes as TCP: the input is the same.
 */
#ifndef _TUN_RSS_VECTORS_H
#define _TUN_RSS_VECTORS_H

#include <linux/types.h>

/**
 * struct tun_rss_vector - one row of the verification suite
 * @l3: 4 or 6
 * @src: source address (first 4 bytes for IPv4)
 * @dst: destination address
 * @sport: source port
 * @dport: destination port
 * @hash_ip: hash of src | dst
 * @hash_l4: hash of src | dst | sport | dport
 */
struct tun_rss_vector {
	u8 l3;
	u8 src[16];
	u8 dst[16];
	u16 sport;
	u16 dport;
	u32 hash_ip;
	u32 hash_l4;
};

/* The suite's key, also the default key of many NICs. */
static const u8 tun_rss_ms_key[] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct tun_rss_vector tun_rss_ms_vectors[] = {
	/* 66.9.149.187:2794 -> 161.142.100.80:1766 */
	{ 4,
	  { 66, 9, 149, 187 },
	  { 161, 142, 100, 80 },
	  2794, 1766, 0x323e8fc2, 0x51ccc178 },
	/* 199.92.111.2:14230 -> 65.69.140.83:4739 */
	{ 4,
	  { 199, 92, 111, 2 },
	  { 65, 69, 140, 83 },
	  14230, 4739, 0xd718262a, 0xc626b0ea },
	/* 24.19.198.95:12898 -> 12.22.207.184:38024 */
	{ 4,
	  { 24, 19, 198, 95 },
	  { 12, 22, 207, 184 },
	  12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	/* 38.27.205.30:48228 -> 209.142.163.6:2217 */
	{ 4,
	  { 38, 27, 205, 30 },
	  { 209, 142, 163, 6 },
	  48228, 2217, 0x82989176, 0xafc7327f },
	/* 153.39.163.191:44251 -> 202.188.127.2:1303 */
	{ 4,
	  { 153, 39, 163, 191 },
	  { 202, 188, 127, 2 },
	  44251, 1303, 0x5d1809c5, 0x10e828a2 },
	/* [3ffe:2501:200:1fff::7]:2794 -> [3ffe:2501:200:3::1]:1766 */
	{ 6,
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 },
	  2794, 1766, 0x2cc18cd5, 0x40207d3d },
	/* [3ffe:501:8::260:97ff:fe40:efab]:14230 -> [ff02::1]:4739 */
	{ 6,
	  { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0x00, 0x00,
	    0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab },
	  { 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 },
	  14230, 4739, 0x0f0c461c, 0xdde51bbf },
	/* [3ffe:1900:4545:3:200:f8ff:fe21:67cf]:44251 -> [fe80::200:f8ff:fe21:67cf]:38024 */
	{ 6,
	  { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  { 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  44251, 38024, 0x4b61e985, 0x02d1feef },
};

#endif /* _TUN_RSS_VECTORS_H */
