// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the tun RSS fuzz targets; see fuzz.h.
 */
#include <string.h>

#include <linux/array_size.h>
#include <linux/if_ether.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include "fuzz.h"

unsigned int fz_fail_alloc;

void fz_bytes(struct fz_in *in, void *dst, size_t len)
{
	size_t n = len < in->n ? len : in->n;

	memcpy(dst, in->p, n);
	memset((u8 *)dst + n, 0, len - n);
	in->p += n;
	in->n -= n;
}

u16 fz_u16(struct fz_in *in)
{
	u16 v = fz_u8(in);

	return v | (u16)fz_u8(in) << 8;
}

u32 fz_u32(struct fz_in *in)
{
	u32 v = fz_u16(in);

	return v | (u32)fz_u16(in) << 16;
}

u64 fz_u64(struct fz_in *in)
{
	u64 v = fz_u32(in);

	return v | (u64)fz_u32(in) << 32;
}

u32 fz_toeplitz_ref(const u8 *key, const u8 *in, unsigned int len)
{
	unsigned int k, j;
	u32 hash = 0;

	for (k = 0; k < 8 * len; k++) {
		u64 bits = 0;

		if (!(in[k / 8] & (0x80 >> (k % 8))))
			continue;
		/*
		 * Key bits k .. k + 31: inside key bytes k / 8 .. k / 8 + 4,
		 * the key repeated past its end (inputs over 36 bytes)
		 */
		for (j = 0; j < 5; j++)
			bits = bits << 8 | key[(k / 8 + j) % TUN_RSS_KEY_SIZE];
		hash ^= (u32)(bits >> (8 - k % 8));
	}
	return hash;
}

/* Bytes of the flow union up to the end of the type's last field */
#define FZ_LEN(type, last)	offsetofend(struct type, last)

const struct fz_fs_type fz_fs_types[] = {
	{ TCP_V4_FLOW, FZ_LEN(ethtool_tcpip4_spec, tos), "tcp4" },
	{ UDP_V4_FLOW, FZ_LEN(ethtool_tcpip4_spec, tos), "udp4" },
	{ SCTP_V4_FLOW, FZ_LEN(ethtool_tcpip4_spec, tos), "sctp4" },
	{ IPV4_USER_FLOW, FZ_LEN(ethtool_usrip4_spec, proto), "ip4" },
	{ TCP_V6_FLOW, FZ_LEN(ethtool_tcpip6_spec, tclass), "tcp6" },
	{ UDP_V6_FLOW, FZ_LEN(ethtool_tcpip6_spec, tclass), "udp6" },
	{ SCTP_V6_FLOW, FZ_LEN(ethtool_tcpip6_spec, tclass), "sctp6" },
	{ IPV6_USER_FLOW, FZ_LEN(ethtool_usrip6_spec, l4_proto), "ip6" },
	{ ETHER_FLOW, FZ_LEN(ethhdr, h_proto), "ether" },
	{ AH_ESP_V4_FLOW, FZ_LEN(ethtool_ah_espip4_spec, tos), "ah_esp4" },
	{ ESP_V6_FLOW, FZ_LEN(ethtool_ah_espip6_spec, tclass), "esp6" },
	{ 0, sizeof_field(union ethtool_flow_union, hdata), "raw" },
};

const size_t fz_fs_ntypes = ARRAY_SIZE(fz_fs_types);

#define FZ_FS_EXT		0x10
#define FZ_FS_MAC_EXT		0x20
#define FZ_FS_RSS		0x40
#define FZ_FS_LIKE_PREV		0x80

#define FZ_MASK_NONE		0
#define FZ_MASK_BITMAP		1
#define FZ_MASK_RAW		2
#define FZ_MASK_ALL		3
#define FZ_MASK_SPILL		0x04
#define FZ_MASK_IP_VER		0x08
#define FZ_MASK_VLAN_ETYPE	0x10
#define FZ_MASK_USER_DATA	0x20

static void fz_flow_masks(struct fz_in *in, struct ethtool_rx_flow_spec *fs,
			  size_t len)
{
	size_t i, union_len = sizeof(fs->m_u.hdata);
	u8 mode = fz_u8(in), bits = 0;

	switch (mode & 3) {
	case FZ_MASK_BITMAP:
		for (i = 0; i < len; i++) {
			if (!(i % 8))
				bits = fz_u8(in);
			if (bits & (1 << (i % 8)))
				fs->m_u.hdata[i] = 0xff;
		}
		break;
	case FZ_MASK_RAW:
		fz_bytes(in, fs->m_u.hdata, len);
		break;
	case FZ_MASK_ALL:
		memset(fs->m_u.hdata, 0xff, len);
		break;
	}
	if ((mode & FZ_MASK_SPILL) && len < union_len) {
		i = len + fz_u8(in) % (union_len - len);
		fs->m_u.hdata[i] = fz_u8(in) | 1;
	}

	if (fs->flow_type & FLOW_EXT) {
		fz_bytes(in, &fs->m_ext.vlan_tci, sizeof(fs->m_ext.vlan_tci));
		if (mode & FZ_MASK_VLAN_ETYPE)
			fs->m_ext.vlan_etype = fz_u16(in) | 1;
		if (mode & FZ_MASK_USER_DATA) {
			fz_bytes(in, fs->m_ext.data, sizeof(fs->m_ext.data));
			fs->m_ext.data[1] |= 1;
		}
	}
	if (fs->flow_type & FLOW_MAC_EXT)
		fz_bytes(in, fs->m_ext.h_dest, sizeof(fs->m_ext.h_dest));

	fz_bytes(in, fs->h_u.hdata, len);
	if (fs->flow_type & FLOW_EXT)
		fz_bytes(in, &fs->h_ext.vlan_tci, sizeof(fs->h_ext.vlan_tci));
	if (fs->flow_type & FLOW_MAC_EXT)
		fz_bytes(in, fs->h_ext.h_dest, sizeof(fs->h_ext.h_dest));

	/* What ethtool sends for ip4; the other choice is refused. */
	if ((fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)) ==
	    IPV4_USER_FLOW && !(mode & FZ_MASK_IP_VER)) {
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
		fs->m_u.usr_ip4_spec.ip_ver = 0;
	}
}

void fz_flow_spec(struct fz_in *in, struct ethtool_rx_flow_spec *fs,
		  const struct ethtool_rx_flow_spec *prev)
{
	u8 op = fz_u8(in), b;
	const struct fz_fs_type *t = &fz_fs_types[(op & 15) % fz_fs_ntypes];
	u32 flow_type = t->flow_type ? t->flow_type : fz_u32(in);

	if (op & FZ_FS_LIKE_PREV)
		*fs = *prev;
	else
		memset(fs, 0, sizeof(*fs));
	fs->flow_type = flow_type | (op & FZ_FS_EXT ? FLOW_EXT : 0) |
			(op & FZ_FS_MAC_EXT ? FLOW_MAC_EXT : 0) |
			(op & FZ_FS_RSS ? FLOW_RSS : 0);

	b = fz_u8(in);
	fs->location = b == 0xff ? fz_u32(in) : b;

	b = fz_u8(in);
	if (b == 0xff)
		fs->ring_cookie = RX_CLS_FLOW_DISC;
	else if (b == 0xfe)
		fs->ring_cookie = RX_CLS_FLOW_WAKE;
	else if (b == 0xfd)
		fs->ring_cookie = fz_u64(in);
	else
		fs->ring_cookie = b;

	if (op & FZ_FS_LIKE_PREV) {
		b = fz_u8(in);
		fs->h_u.hdata[b % t->len] ^= fz_u8(in);
		return;
	}
	fz_flow_masks(in, fs, t->len);
}

bool fz_key_match(const struct tun_rss_cls_key *k,
		  const struct tun_rss_cls_key *key,
		  const struct tun_rss_cls_key *mask)
{
	const u8 *kb = (const u8 *)k, *rb = (const u8 *)key;
	const u8 *mb = (const u8 *)mask;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		if ((kb[i] ^ rb[i]) & mb[i])
			return false;
	return true;
}
