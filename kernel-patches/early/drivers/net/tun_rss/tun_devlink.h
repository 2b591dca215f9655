/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tun devlink: a virtual switch per network namespace, a port per tun/tap
 * device, and the rates devlink puts on them (SPEC §8).
 *
 * Direction: a devlink rate limits what the switch sends to the port, i.e.
 * the frames tun_net_xmit queues toward the reader of the device (what
 * ethtool calls RX on a tap, SPEC §2).
 */
#ifndef _TUN_DEVLINK_H
#define _TUN_DEVLINK_H

#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <net/devlink.h>

/**
 * struct tun_rate_bucket - token bucket of one rate limit
 * @lock: serialises the frame path and configuration on this bucket only
 * @rate: bytes per second, 0 for no limit
 * @tokens: credit in ns of transmission at @rate, at most the burst
 *	(%TUN_RATE_BURST_NS); a frame is admitted while the credit is not
 *	negative and then costs its length at @rate, so the credit may go
 *	below zero by one frame: frames of any size pass at @rate on average
 * @stamp: time of the last refill, ns
 */
struct tun_rate_bucket {
	spinlock_t lock;	/* this bucket only */
	u64 rate;
	s64 tokens;
	u64 stamp;
};

/**
 * struct tun_rate - a devlink rate object (a port's leaf, or a node)
 * @max: tx_max
 * @share: tx_share: while it has tokens, the object's frames are
 *	guaranteed against its ancestors' tx_max (they are charged to the
 *	ancestors but not refused by them)
 * @parent: the node this object is a member of, or %NULL
 * @list: in the switch's list of rate objects (devlink instance lock)
 * @rcu: frees a node after the frame path readers
 */
struct tun_rate {
	struct tun_rate_bucket max;
	struct tun_rate_bucket share;
	struct tun_rate __rcu *parent;
	struct list_head list;
	struct rcu_head rcu;
};

struct tun_txq_rates;

/**
 * struct tun_dl_port - per-device devlink state, embedded in struct tun_struct
 * @port: the device's port in the switch of its namespace
 * @registered: @port is registered (it is not while the device moves, or
 *	when registering it failed)
 * @leaf: the port's rate leaf
 * @txq: per-queue tx_maxrate buckets, allocated on first use (RTNL)
 * @drops: frames dropped over a rate limit (ethtool -S rx_rate_drops)
 */
struct tun_dl_port {
	struct devlink_port port;
	bool registered;
	struct tun_rate leaf;
	struct tun_txq_rates __rcu *txq;
	atomic64_t drops;
};

void tun_devlink_exit(void);

void tun_dl_port_init(struct tun_dl_port *dp);
int tun_dl_port_join(struct tun_dl_port *dp, struct net_device *dev);
void tun_dl_port_leave(struct tun_dl_port *dp, struct net_device *dev);
void tun_dl_port_uninit(struct tun_dl_port *dp);

int tun_dl_set_tx_maxrate(struct tun_dl_port *dp, struct net_device *dev,
			  int queue, u32 maxrate);
bool __tun_dl_xmit_drop(struct tun_dl_port *dp, const struct sk_buff *skb);

/**
 * tun_dl_xmit_drop() - whether a frame toward the reader is over a rate
 * @dp: the device's devlink state
 * @skb: the frame, its queue_mapping the reader's queue
 *
 * Frame path, RCU read side.  Costs three loads when no rate is configured.
 *
 * Return: true when the frame must be dropped (it is counted in @dp->drops).
 */
static inline bool tun_dl_xmit_drop(struct tun_dl_port *dp,
				    const struct sk_buff *skb)
{
	if (likely(!READ_ONCE(dp->leaf.max.rate) &&
		   !rcu_access_pointer(dp->leaf.parent) &&
		   !rcu_access_pointer(dp->txq)))
		return false;
	return __tun_dl_xmit_drop(dp, skb);
}

#endif /* _TUN_DEVLINK_H */
