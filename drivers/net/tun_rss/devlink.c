// SPDX-License-Identifier: GPL-2.0
/*
 * tun devlink: one instance per network namespace (the host's virtual
 * switch), one port per tun/tap device, rate leaves and nodes on them, and
 * per-queue tx_maxrate (SPEC §8).
 *
 * The instance of a namespace is created with the first tun device that
 * appears in it and lives until the namespace goes away.  It sits on a
 * "tun" bus device named after the namespace's inode number, so that its
 * handle is tun/<inum> (the number in /proc/<pid>/ns/net).
 *
 * A port follows its device: when the device moves to another namespace,
 * the port leaves the old switch and joins the new one (with its index,
 * the device's ifindex there, and without rates: the new switch knows
 * nothing of the old one's nodes).
 *
 * Locking: ports join and leave under RTNL (tun's netdev notifier), then
 * take the instance lock: RTNL -> instance lock, never the reverse (the
 * rate ops, called by the devlink core under the instance lock, do not
 * take RTNL).  Each instance has its own lock class.  The frame path takes
 * the spinlock of each bucket it charges, one at a time.
 */

#include <linux/device.h>
#include <linux/math64.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tun_devlink.h"
#include "tun_rss.h"

/* A bucket holds this much credit when idle: the burst a limited device
 * may send after a pause, and what a sender descheduled for that long
 * does not lose (a vCPU or a UML guest is, for milliseconds at a time).
 */
#define TUN_RATE_BURST_NS	(50 * NSEC_PER_MSEC)
/* Guaranteed frames (tx_share) may put an ancestor in debt by this much */
#define TUN_RATE_DEBT_NS	TUN_RATE_BURST_NS
/* 1 kbit/s .. 100 Gbit/s, in bytes per second (0: no limit) */
#define TUN_RATE_MIN		125ULL
#define TUN_RATE_MAX		12500000000ULL
#define TUN_TXQ_RATE_MAX_MBPS	100000
/* A leaf and up to three levels of nodes above it */
#define TUN_RATE_MAX_LEVELS	4

/**
 * struct tun_txq_rates - tx_maxrate buckets of a device's queues
 * @rcu: frees the array after the frame path readers
 * @n: entries in @q (the device's num_tx_queues)
 * @q: the buckets, by queue index
 */
struct tun_txq_rates {
	struct rcu_head rcu;
	unsigned int n;
	struct tun_rate_bucket q[] __counted_by(n);
};

/**
 * struct tun_switch - devlink private data of a namespace's instance
 * @dev: the bus device the instance sits on
 * @rates: every rate object (leaves and nodes), for the depth check
 */
struct tun_switch {
	struct device *dev;
	struct list_head rates;
};

static unsigned int tun_switch_net_id __read_mostly;
/* /sys/devices/tun: the parent of every namespace's switch device */
static struct device *tun_switch_root;

static const struct bus_type tun_switch_bus = {
	.name = "tun",
};

/* Token buckets */

static void tun_bucket_init(struct tun_rate_bucket *b)
{
	spin_lock_init(&b->lock);
	b->rate = 0;
}

static void tun_bucket_set(struct tun_rate_bucket *b, u64 rate)
{
	spin_lock_bh(&b->lock);
	WRITE_ONCE(b->rate, rate);
	b->tokens = TUN_RATE_BURST_NS;
	b->stamp = ktime_get_ns();
	spin_unlock_bh(&b->lock);
}

/* Bucket lock held, @b->rate != 0 */
static u64 tun_bucket_cost(const struct tun_rate_bucket *b, unsigned int len)
{
	return DIV64_U64_ROUND_UP((u64)len * NSEC_PER_SEC, b->rate);
}

static void tun_bucket_refill(struct tun_rate_bucket *b, u64 now)
{
	s64 tokens = b->tokens + (s64)(now - b->stamp);

	b->stamp = now;
	b->tokens = min_t(s64, tokens, TUN_RATE_BURST_NS);
}

/* Admit a frame of @len bytes when the bucket is not in debt; a bucket
 * without a rate admits everything when @unlimited, nothing otherwise.
 */
static bool tun_bucket_take(struct tun_rate_bucket *b, unsigned int len,
			    u64 now, bool unlimited)
{
	bool ok;

	if (!READ_ONCE(b->rate))
		return unlimited;

	spin_lock(&b->lock);
	if (!b->rate) {
		ok = unlimited;
	} else {
		tun_bucket_refill(b, now);
		ok = b->tokens >= 0;
		if (ok)
			b->tokens -= tun_bucket_cost(b, len);
	}
	spin_unlock(&b->lock);
	return ok;
}

/* Charge a guaranteed frame: never refused, debt bounded */
static void tun_bucket_charge(struct tun_rate_bucket *b, unsigned int len,
			      u64 now)
{
	if (!READ_ONCE(b->rate))
		return;

	spin_lock(&b->lock);
	if (b->rate) {
		tun_bucket_refill(b, now);
		b->tokens -= tun_bucket_cost(b, len);
		b->tokens = max_t(s64, b->tokens, -TUN_RATE_DEBT_NS);
	}
	spin_unlock(&b->lock);
}

/* Give back what tun_bucket_take() took for a frame dropped further up */
static void tun_bucket_refund(struct tun_rate_bucket *b, unsigned int len)
{
	if (!READ_ONCE(b->rate))
		return;

	spin_lock(&b->lock);
	if (b->rate)
		b->tokens = min_t(s64, b->tokens + tun_bucket_cost(b, len),
				  TUN_RATE_BURST_NS);
	spin_unlock(&b->lock);
}

/**
 * __tun_dl_xmit_drop() - rate limits on a frame toward the reader
 * @dp: the device's devlink state
 * @queue: the reader's queue
 * @len: the frame's length
 *
 * The frame must fit its queue's tx_maxrate, its port's tx_max and the
 * tx_max of every node above the port.  A rate object whose tx_share has
 * credit makes the frame guaranteed from there up: the nodes above are
 * charged for it but do not refuse it.
 *
 * Return: true when the frame is over a limit (counted in @dp->drops).
 */
bool __tun_dl_xmit_drop(struct tun_dl_port *dp, unsigned int queue,
			unsigned int len)
{
	struct tun_rate *taken[TUN_RATE_MAX_LEVELS];
	struct tun_rate_bucket *qb = NULL;
	unsigned int level, n = 0;
	u64 now = ktime_get_ns();
	struct tun_txq_rates *t;
	bool guaranteed = false;
	struct tun_rate *r;

	t = rcu_dereference(dp->txq);
	if (t && queue < t->n) {
		qb = &t->q[queue];
		if (!tun_bucket_take(qb, len, now, true))
			goto drop;
	}

	/* The depth is bounded when parents are set; the bound on the walk
	 * also covers a walk that races with a re-parenting.
	 */
	r = &dp->leaf;
	for (level = 0; r && level < TUN_RATE_MAX_LEVELS; level++) {
		if (guaranteed) {
			tun_bucket_charge(&r->max, len, now);
		} else {
			if (!tun_bucket_take(&r->max, len, now, true))
				goto refund;
			taken[n++] = r;
			guaranteed = tun_bucket_take(&r->share, len, now, false);
		}
		r = rcu_dereference(r->parent);
	}
	return false;

refund:
	while (n--)
		tun_bucket_refund(&taken[n]->max, len);
	if (qb)
		tun_bucket_refund(qb, len);
drop:
	atomic64_inc(&dp->drops);
	return true;
}
EXPORT_SYMBOL_GPL(__tun_dl_xmit_drop);

/* Rate objects */

static void tun_rate_init(struct tun_rate *r)
{
	tun_bucket_init(&r->max);
	tun_bucket_init(&r->share);
	RCU_INIT_POINTER(r->parent, NULL);
	INIT_LIST_HEAD(&r->list);
}

static int tun_rate_check(u64 rate, const char *what,
			  struct netlink_ext_ack *extack)
{
	if (rate && (rate < TUN_RATE_MIN || rate > TUN_RATE_MAX)) {
		/* 1 kbit/s .. 100 Gbit/s; extack messages are short */
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "%s: %llu B/s not in %llu..%llu (or 0)",
				       what, rate, TUN_RATE_MIN, TUN_RATE_MAX);
		return -EINVAL;
	}
	return 0;
}

static int tun_rate_tx_max_set(struct devlink_rate *devlink_rate, void *priv,
			       u64 tx_max, struct netlink_ext_ack *extack)
{
	struct tun_rate *r = priv;
	int err;

	err = tun_rate_check(tx_max, "tx_max", extack);
	if (err)
		return err;
	tun_bucket_set(&r->max, tx_max);
	return 0;
}

static int tun_rate_tx_share_set(struct devlink_rate *devlink_rate,
				 void *priv, u64 tx_share,
				 struct netlink_ext_ack *extack)
{
	struct tun_rate *r = priv;
	int err;

	err = tun_rate_check(tx_share, "tx_share", extack);
	if (err)
		return err;
	tun_bucket_set(&r->share, tx_share);
	return 0;
}

/* Levels from @r up to the root, @r included (instance lock) */
static unsigned int tun_rate_levels_up(struct tun_rate *r)
{
	unsigned int n = 0;

	for (; r; r = rcu_dereference_protected(r->parent, true))
		n++;
	return n;
}

/* Levels from @node down to its deepest member, @node included */
static unsigned int tun_rate_levels_down(struct tun_switch *sw,
					 struct tun_rate *node)
{
	unsigned int max = 1, d;
	struct tun_rate *r, *p;

	list_for_each_entry(r, &sw->rates, list) {
		d = 1;
		for (p = r; p && p != node;
		     p = rcu_dereference_protected(p->parent, true))
			d++;
		if (p == node)
			max = max(max, d);
	}
	return max;
}

static int tun_rate_parent_set(struct devlink_rate *child,
			       struct devlink_rate *parent,
			       void *priv_child, void *priv_parent,
			       struct netlink_ext_ack *extack)
{
	struct tun_switch *sw = devlink_priv(child->devlink);
	struct tun_rate *c = priv_child, *p = priv_parent;

	/* The devlink core has refused cycles already */
	if (p && tun_rate_levels_up(p) + tun_rate_levels_down(sw, c) >
		 TUN_RATE_MAX_LEVELS) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "At most %u levels of rate objects (a leaf and %u nodes above it)",
				       TUN_RATE_MAX_LEVELS,
				       TUN_RATE_MAX_LEVELS - 1);
		return -EOPNOTSUPP;
	}
	rcu_assign_pointer(c->parent, p);
	return 0;
}

static int tun_rate_node_new(struct devlink_rate *node, void **priv,
			     struct netlink_ext_ack *extack)
{
	struct tun_switch *sw = devlink_priv(node->devlink);
	struct tun_rate *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	tun_rate_init(r);
	list_add(&r->list, &sw->rates);
	*priv = r;
	return 0;
}

static int tun_rate_node_del(struct devlink_rate *node, void *priv,
			     struct netlink_ext_ack *extack)
{
	struct tun_rate *r = priv;

	/* The core deletes only nodes without members; the frame path may
	 * still be charging this one.
	 */
	list_del(&r->list);
	kfree_rcu(r, rcu);
	return 0;
}

static const struct devlink_ops tun_devlink_ops = {
	.rate_leaf_tx_share_set = tun_rate_tx_share_set,
	.rate_leaf_tx_max_set = tun_rate_tx_max_set,
	.rate_node_tx_share_set = tun_rate_tx_share_set,
	.rate_node_tx_max_set = tun_rate_tx_max_set,
	.rate_node_new = tun_rate_node_new,
	.rate_node_del = tun_rate_node_del,
	.rate_leaf_parent_set = tun_rate_parent_set,
	.rate_node_parent_set = tun_rate_parent_set,
};

/* Instances */

static void tun_switch_dev_release(struct device *dev)
{
	kfree(dev);
}

/* The instance of @net, created on first use (RTNL) */
static struct devlink *tun_switch_get(struct net *net)
{
	struct devlink **slot = net_generic(net, tun_switch_net_id);
	struct devlink *devlink;
	struct tun_switch *sw;
	struct device *dev;
	int err;

	ASSERT_RTNL();
	if (*slot)
		return *slot;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->bus = &tun_switch_bus;
	dev->parent = tun_switch_root;
	dev->release = tun_switch_dev_release;
	device_initialize(dev);
	err = dev_set_name(dev, "%u", net->ns.inum);
	if (!err)
		err = device_add(dev);
	if (err) {
		put_device(dev);
		return ERR_PTR(err);
	}

	devlink = devlink_alloc_ns(&tun_devlink_ops, sizeof(*sw), net, dev);
	if (!devlink) {
		device_unregister(dev);
		return ERR_PTR(-ENOMEM);
	}
	sw = devlink_priv(devlink);
	sw->dev = dev;
	INIT_LIST_HEAD(&sw->rates);

	devl_lock(devlink);
	err = devl_register(devlink);
	devl_unlock(devlink);
	if (err) {
		devlink_free(devlink);
		device_unregister(dev);
		return ERR_PTR(err);
	}
	*slot = devlink;
	return devlink;
}

/* Before the devlink core's pre_exit, which would try to reload the
 * instance into init_net: the switch of a namespace dies with it.  The
 * namespace's tun devices are unregistered after this, and leave the
 * (unregistered) instance then.
 */
static void __net_exit tun_switch_pre_exit(struct net *net)
{
	struct devlink *devlink = *(struct devlink **)net_generic(net,
								tun_switch_net_id);

	if (!devlink)
		return;
	devl_lock(devlink);
	devl_unregister(devlink);
	devl_unlock(devlink);
}

static void __net_exit tun_switch_exit(struct net *net)
{
	struct devlink **slot = net_generic(net, tun_switch_net_id);
	struct devlink *devlink = *slot;
	struct device *dev;

	if (!devlink)
		return;
	dev = ((struct tun_switch *)devlink_priv(devlink))->dev;
	devl_lock(devlink);
	devl_rate_nodes_destroy(devlink);
	devl_unlock(devlink);
	devlink_free(devlink);
	device_unregister(dev);
	*slot = NULL;
}

/* A subsys, not a device, so that exit runs after the namespace's devices
 * are gone, and pre_exit before the devlink core's.
 */
static struct pernet_operations tun_switch_net_ops = {
	.pre_exit = tun_switch_pre_exit,
	.exit = tun_switch_exit,
	.id = &tun_switch_net_id,
	.size = sizeof(struct devlink *),
};

/* Ports */

/**
 * tun_dl_port_init() - initialise a device's devlink state
 * @dp: the state, zeroed with the device
 *
 * Called from ndo_init, before the device is registered.
 */
void tun_dl_port_init(struct tun_dl_port *dp)
{
	tun_rate_init(&dp->leaf);
	RCU_INIT_POINTER(dp->txq, NULL);
	atomic64_set(&dp->drops, 0);
	dp->registered = false;
}
EXPORT_SYMBOL_GPL(tun_dl_port_init);

/**
 * tun_dl_port_join() - give a device a port in its namespace's switch
 * @dp: the device's devlink state
 * @dev: the device, registered in its namespace (NETDEV_REGISTER)
 *
 * Creates the instance of the namespace on first use.  The port index is
 * the device's ifindex; the port has a rate leaf without limits.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int tun_dl_port_join(struct tun_dl_port *dp, struct net_device *dev)
{
	struct devlink_port_attrs attrs = {
		.flavour = DEVLINK_PORT_FLAVOUR_VIRTUAL,
	};
	struct devlink *devlink;
	struct tun_switch *sw;
	int err;

	ASSERT_RTNL();
	if (WARN_ON_ONCE(dp->registered))
		return -EBUSY;

	devlink = tun_switch_get(dev_net(dev));
	if (IS_ERR(devlink))
		return PTR_ERR(devlink);
	sw = devlink_priv(devlink);

	/* A port that left another switch is registered afresh */
	memset(&dp->port, 0, sizeof(dp->port));
	devlink_port_attrs_set(&dp->port, &attrs);

	devl_lock(devlink);
	err = devl_port_register(devlink, &dp->port, dev->ifindex);
	if (err)
		goto unlock;
	err = devl_rate_leaf_create(&dp->port, &dp->leaf, NULL);
	if (err) {
		devl_port_unregister(&dp->port);
		goto unlock;
	}
	list_add(&dp->leaf.list, &sw->rates);
	dp->registered = true;
unlock:
	devl_unlock(devlink);
	if (err)
		return err;

	/* After registration: SET_NETDEV_DEVLINK_PORT() is for ports that
	 * exist before their netdev, and NETDEV_POST_INIT does not happen
	 * when the device moves in from another namespace.
	 */
	dev->devlink_port = &dp->port;
	devlink_port_netdev_set(&dp->port, dev);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_dl_port_join);

/**
 * tun_dl_port_leave() - take a device's port out of its switch
 * @dp: the device's devlink state
 * @dev: the device, being unregistered or moved (NETDEV_UNREGISTER)
 *
 * The leaf's limits and parent go with the port.
 *
 * Context: RTNL held.
 */
void tun_dl_port_leave(struct tun_dl_port *dp, struct net_device *dev)
{
	struct devlink *devlink = dp->port.devlink;

	ASSERT_RTNL();
	if (!dp->registered)
		return;

	devlink_port_netdev_set(&dp->port, NULL);
	dev->devlink_port = NULL;

	devl_lock(devlink);
	devl_rate_leaf_destroy(&dp->port);
	list_del_init(&dp->leaf.list);
	RCU_INIT_POINTER(dp->leaf.parent, NULL);
	tun_bucket_set(&dp->leaf.max, 0);
	tun_bucket_set(&dp->leaf.share, 0);
	devl_port_unregister(&dp->port);
	devl_unlock(devlink);
	dp->registered = false;
}
EXPORT_SYMBOL_GPL(tun_dl_port_leave);

/**
 * tun_dl_port_uninit() - release a device's devlink state
 * @dp: the state; its port has left its switch
 *
 * Context: RTNL held, the device being unregistered.
 */
void tun_dl_port_uninit(struct tun_dl_port *dp)
{
	struct tun_txq_rates *t = rtnl_dereference(dp->txq);

	WARN_ON_ONCE(dp->registered);
	RCU_INIT_POINTER(dp->txq, NULL);
	if (t)
		kfree_rcu(t, rcu);
}
EXPORT_SYMBOL_GPL(tun_dl_port_uninit);

/**
 * tun_dl_set_tx_maxrate() - ndo_set_tx_maxrate body
 * @dp: the device's devlink state
 * @dev: the device
 * @queue: queue index (checked by the core against real_num_tx_queues)
 * @maxrate: Mbit/s, 0 for no limit
 *
 * Context: RTNL held.
 * Return: 0, -EINVAL for a rate above 100 Gbit/s, or -ENOMEM.
 */
int tun_dl_set_tx_maxrate(struct tun_dl_port *dp, struct net_device *dev,
			  int queue, u32 maxrate)
{
	struct tun_txq_rates *t = rtnl_dereference(dp->txq);
	unsigned int i;

	if (maxrate > TUN_TXQ_RATE_MAX_MBPS) {
		netdev_err(dev, "tx_maxrate %u Mbit/s above %u\n", maxrate,
			   TUN_TXQ_RATE_MAX_MBPS);
		return -EINVAL;
	}
	if (!t) {
		if (!maxrate)
			return 0;
		t = kzalloc(struct_size(t, q, dev->num_tx_queues), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		t->n = dev->num_tx_queues;
		for (i = 0; i < t->n; i++)
			tun_bucket_init(&t->q[i]);
		rcu_assign_pointer(dp->txq, t);
	}
	if (queue < 0 || queue >= t->n)
		return -EINVAL;
	tun_bucket_set(&t->q[queue], (u64)maxrate * 125000);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_dl_set_tx_maxrate);

static int __init tun_devlink_init(void)
{
	int err;

	tun_switch_root = root_device_register("tun");
	if (IS_ERR(tun_switch_root))
		return PTR_ERR(tun_switch_root);
	err = bus_register(&tun_switch_bus);
	if (err)
		goto err_root;
	err = register_pernet_subsys(&tun_switch_net_ops);
	if (err)
		goto err_bus;
	tun_rss_steer_init();
	return 0;

err_bus:
	bus_unregister(&tun_switch_bus);
err_root:
	root_device_unregister(tun_switch_root);
	return err;
}
module_init(tun_devlink_init);

/**
 * tun_devlink_exit() - release every namespace's switch, the bus and the
 *	root device (module exit; tun, and so every port, is gone)
 */
void tun_devlink_exit(void)
{
	unregister_pernet_subsys(&tun_switch_net_ops);
	bus_unregister(&tun_switch_bus);
	root_device_unregister(tun_switch_root);
}
