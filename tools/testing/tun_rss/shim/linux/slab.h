/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmalloc() and friends on the C library: exactly the size asked for,
 * so that ASan sees any access past it.
 */
#ifndef _TUN_RSS_SHIM_LINUX_SLAB_H
#define _TUN_RSS_SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#define GFP_KERNEL		0
#define GFP_KERNEL_ACCOUNT	0

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

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static inline void *kmemdup(const void *src, size_t size, gfp_t gfp)
{
	void *p = kmalloc(size, gfp);

	if (p)
		memcpy(p, src, size);
	return p;
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

#endif
