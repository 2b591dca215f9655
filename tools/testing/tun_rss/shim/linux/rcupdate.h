/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU for a single-threaded userspace build: publication is a release
 * store, a read an acquire load, read-side sections are empty and a
 * deferred free is immediate (no reader can outlive the call).
 */
#ifndef _TUN_RSS_SHIM_LINUX_RCUPDATE_H
#define _TUN_RSS_SHIM_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/slab.h>

#define __rcu

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock()			do { } while (0)
#define rcu_read_unlock()		do { } while (0)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		((p) = (v))
#define rcu_dereference(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_protected(p, c)	((void)(c), (p))
#define kfree_rcu(p, f)			((void)&(p)->f, kfree(p))
#define kvfree_rcu(p, f)		((void)&(p)->f, kvfree(p))

#endif
