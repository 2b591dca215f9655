/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_IPV6_H
#define _TUN_RSS_SHIM_LINUX_IPV6_H

#include_next <linux/ipv6.h>

/* As in the kernel's <linux/ipv6.h> */
#define ipv6_optlen(p)	(((p)->hdrlen + 1) << 3)

#endif
