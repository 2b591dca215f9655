/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_STDDEF_H
#define _TUN_RSS_SHIM_LINUX_STDDEF_H

#include_next <linux/stddef.h>
#include <stddef.h>

/* As in the kernel's <linux/stddef.h> */
#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

#endif
