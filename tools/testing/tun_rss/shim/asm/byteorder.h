/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UAPI <asm/byteorder.h> has only the __-prefixed conversions; add the
 * kernel's names (include/linux/byteorder/generic.h).
 */
#ifndef _TUN_RSS_SHIM_ASM_BYTEORDER_H
#define _TUN_RSS_SHIM_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>

#define cpu_to_be16	__cpu_to_be16
#define cpu_to_be32	__cpu_to_be32
#define cpu_to_be64	__cpu_to_be64
#define be16_to_cpu	__be16_to_cpu
#define be32_to_cpu	__be32_to_cpu
#define be64_to_cpu	__be64_to_cpu
#define cpu_to_le16	__cpu_to_le16
#define cpu_to_le32	__cpu_to_le32
#define le16_to_cpu	__le16_to_cpu
#define le32_to_cpu	__le32_to_cpu

#define htons(x)	___htons(x)
#define ntohs(x)	___ntohs(x)
#define htonl(x)	___htonl(x)
#define ntohl(x)	___ntohl(x)
#define ___htons(x)	__cpu_to_be16(x)
#define ___ntohs(x)	__be16_to_cpu(x)
#define ___htonl(x)	__cpu_to_be32(x)
#define ___ntohl(x)	__be32_to_cpu(x)

#endif
