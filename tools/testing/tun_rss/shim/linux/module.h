/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_MODULE_H
#define _TUN_RSS_SHIM_LINUX_MODULE_H

#include <linux/build_bug.h>
#include <linux/export.h>

/* Module information has nowhere to go; the strings are still checked. */
#define MODULE_LICENSE(s)	static_assert(sizeof(s) > 1)
#define MODULE_DESCRIPTION(s)	static_assert(sizeof(s) > 1)
#define MODULE_AUTHOR(s)	static_assert(sizeof(s) > 1)

#endif
