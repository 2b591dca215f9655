/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmalloc() and friends on the C library: exactly the size asked for,
 * so that ASan sees any access past it.
 */
#ifndef _TUN_RSS_SHIM_LINUX_SLAB_H
#define _TUN_RSS_SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/types.h>

#define GFP_KERNEL	0

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static inline void *kvmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

#endif
