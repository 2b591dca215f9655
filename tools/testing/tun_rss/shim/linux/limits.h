/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's type limits on top of the UAPI <linux/limits.h>. */
#ifndef _TUN_RSS_SHIM_LINUX_LIMITS_H
#define _TUN_RSS_SHIM_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <stdint.h>

#define U32_MAX		UINT32_MAX

#endif
