// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegation of a device's ethtool configuration to the holder of one of
 * its files: the registry of drivers that can map a file to the device
 * it is bound to.  The netlink side (ETHTOOL_A_HEADER_DEV_FD) is in
 * netlink.c; see Documentation/networking/tuntap.rst for the model.
 */

#include <linux/ethtool.h>
#include <linux/file.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>

#include "common.h"

static LIST_HEAD(ethtool_dev_file_resolvers);
static DEFINE_SPINLOCK(ethtool_dev_file_lock);

/**
 * ethtool_dev_file_resolver_register() - let files of a driver name devices
 * @r: the driver's resolver; must stay valid until unregistered
 *
 * After this, a netlink request whose %ETHTOOL_A_HEADER_DEV_FD is one of
 * the driver's files can name its device by that file alone.
 */
void ethtool_dev_file_resolver_register(struct ethtool_dev_file_resolver *r)
{
	spin_lock(&ethtool_dev_file_lock);
	list_add_tail_rcu(&r->list, &ethtool_dev_file_resolvers);
	spin_unlock(&ethtool_dev_file_lock);
}
EXPORT_SYMBOL_GPL(ethtool_dev_file_resolver_register);

/**
 * ethtool_dev_file_resolver_unregister() - undo the registration
 * @r: a resolver passed to ethtool_dev_file_resolver_register()
 *
 * Waits for lookups that may still be calling @r (module unload).
 */
void ethtool_dev_file_resolver_unregister(struct ethtool_dev_file_resolver *r)
{
	spin_lock(&ethtool_dev_file_lock);
	list_del_rcu(&r->list);
	spin_unlock(&ethtool_dev_file_lock);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(ethtool_dev_file_resolver_unregister);

/**
 * ethtool_dev_file_get() - the device a file grants control of
 * @file: an open file of the requester
 * @tracker: tracker for the reference taken on the returned device
 *
 * Finds the device @file is bound to through the registered resolvers,
 * then asks that device (&ethtool_ops.file_grants_control) whether the
 * file grants control of it.
 *
 * Return: the device with a reference held, or %NULL if @file grants
 * control of no device.
 */
struct net_device *ethtool_dev_file_get(struct file *file,
					netdevice_tracker *tracker)
{
	struct ethtool_dev_file_resolver *r;
	struct net_device *dev = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &ethtool_dev_file_resolvers, list) {
		dev = r->dev_get(file, tracker);
		if (dev)
			break;
	}
	if (dev && !(dev->ethtool_ops->file_grants_control &&
		     dev->ethtool_ops->file_grants_control(dev, file))) {
		netdev_put(dev, tracker);
		dev = NULL;
	}
	rcu_read_unlock();
	return dev;
}
