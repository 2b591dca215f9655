/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim's allocators with failure injection, so that the fuzzers reach
 * the engine's out-of-memory paths (and LeakSanitizer checks them): the
 * fz_fail_alloc-th allocation from now returns NULL, 0 meaning none.
 * Found before ../shim on the include path, it includes the shim's.
 */
#ifndef _TUN_RSS_FUZZ_LINUX_SLAB_H
#define _TUN_RSS_FUZZ_LINUX_SLAB_H

#include_next <linux/slab.h>

extern unsigned int fz_fail_alloc;

static inline bool fz_alloc_fails(void)
{
	return fz_fail_alloc && !--fz_fail_alloc;
}

static inline void *fz_kvzalloc(size_t size, gfp_t gfp)
{
	return fz_alloc_fails() ? NULL : kvzalloc(size, gfp);
}

static inline void *fz_kvmalloc(size_t size, gfp_t gfp)
{
	return fz_alloc_fails() ? NULL : kvmalloc(size, gfp);
}

static inline void *fz_kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return fz_alloc_fails() ? NULL : kvcalloc(n, size, gfp);
}

#define kvzalloc	fz_kvzalloc
#define kvmalloc	fz_kvmalloc
#define kvcalloc	fz_kvcalloc

#endif
