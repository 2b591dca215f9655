/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's saturating size helpers (include/linux/overflow.h): an
 * overflowing size becomes SIZE_MAX, which no allocation satisfies.
 */
#ifndef _TUN_RSS_SHIM_LINUX_OVERFLOW_H
#define _TUN_RSS_SHIM_LINUX_OVERFLOW_H

#include <stdint.h>
#include <linux/types.h>

static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define array_size(a, b)	size_mul(a, b)
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member), count))

#endif
