/* SPDX-License-Identifier: GPL-2.0 */
/* READ_ONCE() and WRITE_ONCE(): single, untorn accesses, as in the kernel. */
#ifndef _TUN_RSS_SHIM_LINUX_COMPILER_H
#define _TUN_RSS_SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#endif
