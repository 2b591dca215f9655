/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_EXPORT_H
#define _TUN_RSS_SHIM_LINUX_EXPORT_H

#include <linux/build_bug.h>

/*
 * Nothing to export in a program.  A file-scope static_assert() keeps the
 * trailing semicolon legal and still checks that the symbol exists.
 */
#define EXPORT_SYMBOL_GPL(sym) \
	static_assert(__builtin_types_compatible_p(__typeof__(sym), __typeof__(sym)))

#endif
