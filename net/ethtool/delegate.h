/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _NET_ETHTOOL_DELEGATE_H
#define _NET_ETHTOOL_DELEGATE_H

#include <linux/netdevice.h>

struct file;
struct genl_info;

struct net_device *ethtool_dev_file_bound(struct file *file,
					  netdevice_tracker *tracker);
bool ethtool_dev_file_grants(struct net_device *dev, struct file *file);
int ethnl_dev_fd_recheck(const struct genl_info *info);

#endif /* _NET_ETHTOOL_DELEGATE_H */
