/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel integer types on top of the UAPI <linux/types.h>, which already
 * gives the __u8 and __be16 families (plain integers outside sparse).
 */
#ifndef _TUN_RSS_SHIM_LINUX_TYPES_H
#define _TUN_RSS_SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

typedef unsigned int gfp_t;

#endif
