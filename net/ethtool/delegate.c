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
#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "common.h"
#include "delegate.h"

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
 * ethtool_dev_file_bound() - the device a file is bound to
 * @file: an open file of the requester
 * @tracker: tracker for the reference taken on the returned device
 *
 * Finds the device @file is bound to through the registered resolvers,
 * whether or not the file grants control of it (see
 * ethtool_dev_file_grants()).
 *
 * Return: the device with a reference held, or %NULL if @file is bound
 * to no device.
 */
struct net_device *ethtool_dev_file_bound(struct file *file,
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
	rcu_read_unlock();
	return dev;
}

/**
 * ethtool_dev_file_grants() - whether a file grants control of a device now
 * @dev: the device @file is bound to (ethtool_dev_file_bound())
 * @file: an open file of the requester
 *
 * Asks @dev (&ethtool_ops.file_grants_control).  The answer may change
 * at any time (the owner revokes the grant, the queue detaches); callers
 * that act on it hold RTNL from the question to the change they make,
 * since a driver changes what it answers under RTNL only.
 *
 * Return: true if @file grants control of @dev
 */
bool ethtool_dev_file_grants(struct net_device *dev, struct file *file)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	bool grants;

	if (!ops->file_grants_control)
		return false;
	rcu_read_lock();
	grants = ops->file_grants_control(dev, file);
	rcu_read_unlock();
	return grants;
}

/**
 * ethtool_dev_file_get() - the device a file grants control of
 * @file: an open file of the requester
 * @tracker: tracker for the reference taken on the returned device
 *
 * ethtool_dev_file_bound(), then ethtool_dev_file_grants().
 *
 * Return: the device with a reference held, or %NULL if @file grants
 * control of no device.
 */
struct net_device *ethtool_dev_file_get(struct file *file,
					netdevice_tracker *tracker)
{
	struct net_device *dev = ethtool_dev_file_bound(file, tracker);

	if (dev && !ethtool_dev_file_grants(dev, file)) {
		netdev_put(dev, tracker);
		dev = NULL;
	}
	return dev;
}

/**
 * ethnl_dev_fd_recheck() - confirm a delegated request's grant under RTNL
 * @info: genl_info of the request; ethnl_pre_doit() put the granted device
 *	in user_ptr[0] and the granting file in user_ptr[1]
 *
 * The family's pre_doit checks the grant without RTNL.  A delegated
 * request calls this again under RTNL, before it changes or reads
 * anything, so that a grant revoked (under RTNL) before the request takes
 * RTNL is honoured: once the revoke returns, no request it refuses can
 * still apply.  A request without %ETHTOOL_A_HEADER_DEV_FD passes.
 *
 * Return: 0, or -EPERM (with an extack message) if the file no longer
 * grants control of the device.
 */
int ethnl_dev_fd_recheck(const struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	struct file *file = info->user_ptr[1];

	ASSERT_RTNL();
	if (!dev || !file || ethtool_dev_file_grants(dev, file))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "dev-fd no longer grants control of the device");
	return -EPERM;
}
