// SPDX-License-Identifier: GPL-2.0
/*
 * A tun steering program (TUNSETSTEERINGEBPF) doing what the RSS engine
 * does for IPv4/UDP and IPv4/TCP: Toeplitz over the 4-tuple (source and
 * destination address, source and destination port, 12 bytes, the
 * RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3 input), then a
 * 128-entry indirection table.  Other IPv4 frames and fragments hash the
 * two addresses; anything else goes to entry 0.  It stands for the
 * program a VMM loads today to offer RSS (QEMU's ebpf/rss.bpf.c hashes
 * the same way, bit by bit, over a fixed 36-byte buffer; this one hashes
 * only the bytes it has, in its favour).
 *
 * The key and the table come from one array map entry written by the
 * loader (tun_pps.c), which gives the device the same key and table
 * through ethtool, so both steer every flow to the same queue.
 *
 *   clang -target bpf -O2 -c toeplitz_steer.bpf.c
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define STEER_KEY_LEN	40
#define STEER_INDIR	128

struct steer_cfg {
	__u8 key[STEER_KEY_LEN];
	__u32 indir[STEER_INDIR];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct steer_cfg);
} steer_cfg_map SEC(".maps");

/*
 * Toeplitz, bit by bit: for every set input bit, XOR the 32 key bits
 * starting at that bit position.  win holds key bits [8i, 8i + 64) while
 * byte i is hashed; its top 32 bits are the window of the current bit.
 */
static __always_inline __u32 toeplitz(const __u8 *key, const __u8 *in,
				      const int len)
{
	__u64 win = 0;
	__u32 h = 0;
	int i, b;

#pragma clang loop unroll(full)
	for (i = 0; i < 8; i++)
		win = (win << 8) | key[i];
#pragma clang loop unroll(full)
	for (i = 0; i < len; i++) {
		__u8 byte = in[i];

#pragma clang loop unroll(full)
		for (b = 7; b >= 0; b--) {
			if (byte & (1 << b))
				h ^= (__u32)(win >> 32);
			win <<= 1;
		}
		win |= key[i + 8];
	}
	return h;
}

SEC("socket")
int toeplitz_steer(struct __sk_buff *skb)
{
	struct steer_cfg *cfg;
	__u8 in[12], iph[20];
	__u32 zero = 0, h;
	__u16 ethertype;
	__u16 frag;
	__u8 ihl;

	cfg = bpf_map_lookup_elem(&steer_cfg_map, &zero);
	if (!cfg)
		return 0;
	if (bpf_skb_load_bytes(skb, 12, &ethertype, sizeof(ethertype)) ||
	    ethertype != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, iph, sizeof(iph)))
		return cfg->indir[0];

	/* saddr, daddr at 12..19 of the IPv4 header */
	__builtin_memcpy(in, &iph[12], 8);
	ihl = (iph[0] & 0x0f) * 4;
	frag = ((__u16)iph[6] << 8 | iph[7]) & 0x3fff;	/* MF | offset */
	if (ihl >= 20 && !frag &&
	    (iph[9] == IPPROTO_UDP || iph[9] == IPPROTO_TCP) &&
	    !bpf_skb_load_bytes(skb, ETH_HLEN + ihl, &in[8], 4))
		h = toeplitz(cfg->key, in, 12);
	else
		h = toeplitz(cfg->key, in, 8);
	return cfg->indir[h % STEER_INDIR];
}

char _license[] SEC("license") = "GPL";
