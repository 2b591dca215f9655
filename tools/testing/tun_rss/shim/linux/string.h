/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TUN_RSS_SHIM_LINUX_STRING_H
#define _TUN_RSS_SHIM_LINUX_STRING_H

#include <string.h>

#endif
