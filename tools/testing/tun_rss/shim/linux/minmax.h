/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_MINMAX_H
#define _TUN_RSS_SHIM_LINUX_MINMAX_H

/*
 * The kernel's min() refuses, at build time, mixes it cannot compare
 * safely (the kernel build checks that).  Here both arguments are
 * evaluated once and compared in their common type, which is what the
 * kernel does for the mixes it accepts (unsigned against a non-negative
 * constant), without -Wsign-compare noise.
 */
#define __tun_rss_shim_minmax(a, b, op) ({				\
	__typeof__(a) __a = (a);					\
	__typeof__(b) __b = (b);					\
	__typeof__(__a + __b) __ca = __a, __cb = __b;			\
	__ca op __cb ? __ca : __cb;					\
})

#define min(a, b)		__tun_rss_shim_minmax(a, b, <)
#define max(a, b)		__tun_rss_shim_minmax(a, b, >)
#define min_t(type, a, b)	min((type)(a), (type)(b))
#define max_t(type, a, b)	max((type)(a), (type)(b))

#endif
