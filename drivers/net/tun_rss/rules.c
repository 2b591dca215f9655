// SPDX-License-Identifier: GPL-2.0
/*
 * tun ntuple flow rules (ethtool -N/-n): the rule table kept under RTNL,
 * and the classifier published with RCU and changed in place, one rule at
 * a time; when a change fails nothing changes.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "tun_devlink.h"
#include "tun_rss.h"

/**
 * struct tun_rss_rule_entry - one rule as the user gave it
 * @fs: the flow spec as inserted, returned by ETHTOOL_GRXCLSRULE
 * @rss_context: context of a %FLOW_RSS rule
 * @ce: the rule in the classifier
 */
struct tun_rss_rule_entry {
	struct ethtool_rx_flow_spec fs;
	u32 rss_context;
	struct tun_rss_cls_entry *ce;
};

/**
 * struct tun_rss_rules - the rule table, by location (RTNL)
 * @used: locations that hold a rule
 * @entry: the rule at each location
 *
 * Allocated with the first rule and freed with the last: a location is
 * found, taken and freed in constant time.
 */
struct tun_rss_rules {
	DECLARE_BITMAP(used, TUN_RSS_MAX_RULES);
	struct tun_rss_rule_entry *entry[TUN_RSS_MAX_RULES];
};

/**
 * struct tun_rss_cls_rcu - the classifier as published to the frame path
 * @rcu: frees the classifier after the readers that may still see it
 * @cls: the classifier, changed in place one rule at a time (RTNL)
 *
 * Published with the first rule and withdrawn with the last, so that a
 * device without rules costs frames a pointer test.
 */
struct tun_rss_cls_rcu {
	struct rcu_head rcu;
	struct tun_rss_cls *cls;
};

static void tun_rss_cls_free_rcu(struct rcu_head *head)
{
	struct tun_rss_cls_rcu *c = container_of(head, struct tun_rss_cls_rcu,
						 rcu);

	tun_rss_cls_free(c->cls);
	kfree(c);
}

/* Withdraw the classifier and free every rule: the last one went. */
static void tun_rss_rules_free(struct tun_rss *rss,
			       struct tun_rss_cls_rcu *old)
{
	struct tun_rss_rules *t = rss->rules;
	unsigned long loc;

	if (old)
		call_rcu(&old->rcu, tun_rss_cls_free_rcu);
	if (t) {
		for_each_set_bit(loc, t->used, TUN_RSS_MAX_RULES)
			kfree(t->entry[loc]);
		kvfree(t);
	}
	rss->rules = NULL;
	rss->nr_rules = 0;
	tun_rss_gen_bump(rss);
}

/* The rule at @loc, or %NULL. */
static struct tun_rss_rule_entry *tun_rss_rule_at(const struct tun_rss *rss,
						  u32 loc)
{
	if (!rss->rules || loc >= TUN_RSS_MAX_RULES ||
	    !test_bit(loc, rss->rules->used))
		return NULL;
	return rss->rules->entry[loc];
}

/* Free location for RX_CLS_LOC_ANY/FIRST (lowest) or LAST (highest). */
static int tun_rss_rule_free_loc(const struct tun_rss *rss, u32 special)
{
	const struct tun_rss_rules *t = rss->rules;
	int loc;

	if (!t)
		return special == RX_CLS_LOC_LAST ? TUN_RSS_MAX_RULES - 1 : 0;
	if (special == RX_CLS_LOC_LAST) {
		for (loc = TUN_RSS_MAX_RULES - 1; loc >= 0; loc--)
			if (!test_bit(loc, t->used))
				return loc;
		return -ENOSPC;
	}
	loc = find_first_zero_bit(t->used, TUN_RSS_MAX_RULES);
	return loc < TUN_RSS_MAX_RULES ? loc : -ENOSPC;
}

/* Action checks that need the device: queues and contexts. */
static int tun_rss_rule_check_action(struct tun_rss *rss,
				     struct net_device *dev,
				     const struct tun_rss_rule *r,
				     struct netlink_ext_ack *extack)
{
	unsigned int n = dev->real_num_rx_queues;

	switch (r->action) {
	case TUN_RSS_ACT_QUEUE:
		if (r->queue >= n) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "queue %u but %u queues attached",
					       r->queue, n);
			return -EINVAL;
		}
		return 0;
	case TUN_RSS_ACT_CTX:
		if (r->ctx >= TUN_RSS_MAX_CONTEXTS ||
		    (r->ctx && !rtnl_dereference(rss->ctx[r->ctx]))) {
			NL_SET_ERR_MSG_MOD(extack, "unknown RSS context");
			return -ENOENT;
		}
		if (r->queue >= n) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "queue offset %u but %u queues attached",
					       r->queue, n);
			return -EINVAL;
		}
		return 0;
	default:
		return 0;
	}
}

/* The rule table and classifier for a first rule, not yet published. */
static int tun_rss_rules_alloc(struct tun_rss *rss, struct tun_rss_rules **t,
			       struct tun_rss_cls_rcu **c)
{
	*t = kvzalloc(sizeof(**t), GFP_KERNEL_ACCOUNT);
	*c = kzalloc(sizeof(**c), GFP_KERNEL_ACCOUNT);
	if (*t && *c) {
		(*c)->cls = tun_rss_cls_alloc(rss->cls_seed, TUN_RSS_MAX_RULES,
					      TUN_RSS_MAX_MASKS);
		if ((*c)->cls)
			return 0;
	}
	kvfree(*t);
	kfree(*c);
	return -ENOMEM;
}

/**
 * tun_rss_rule_insert() - ETHTOOL_SRXCLSRLINS
 * @rss: device RSS state
 * @dev: the tun device
 * @fs: the rule; a special location (%RX_CLS_LOC_ANY, %RX_CLS_LOC_FIRST,
 *	%RX_CLS_LOC_LAST) is replaced by the location chosen
 * @rss_context: context of a %FLOW_RSS rule
 * @extack: error reporting
 *
 * The lowest location wins when several rules match (SPEC §3).  The rule
 * goes into the published classifier in place: the time under RTNL and
 * the memory copied do not grow with the rules installed, and the memory
 * is charged to the caller's memory cgroup.
 *
 * Return: 0, or a negative errno with nothing changed: -EOPNOTSUPP with
 * the ntuple feature off, -EINVAL for a rule tun cannot match or a queue
 * past the attached ones, -ENOENT for an unknown context, -EEXIST for a
 * location in use, -ENOSPC when the table is full or the rule's mask
 * would be a distinct mask more than %TUN_RSS_MAX_MASKS, -ENOMEM.
 */
int tun_rss_rule_insert(struct tun_rss *rss, struct net_device *dev,
			struct ethtool_rx_flow_spec *fs, u32 rss_context,
			struct netlink_ext_ack *extack)
{
	struct tun_rss_rules *t = rss->rules;
	struct tun_rss_cls_rcu *c = NULL;
	struct tun_rss_rule_entry *ent;
	const char *why = NULL;
	struct tun_rss_rule r;
	int err;
	u32 loc;

	if (!(dev->features & NETIF_F_NTUPLE)) {
		NL_SET_ERR_MSG_MOD(extack, "the ntuple feature is off");
		return -EOPNOTSUPP;
	}
	err = tun_rss_rule_from_fs(&r, fs, rss_context, &why);
	if (err) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "%s", why ?: "unsupported flow rule");
		return err;
	}
	err = tun_rss_rule_check_action(rss, dev, &r, extack);
	if (err)
		return err;

	loc = fs->location;
	if (loc & RX_CLS_LOC_SPECIAL) {
		if (loc != RX_CLS_LOC_ANY && loc != RX_CLS_LOC_FIRST &&
		    loc != RX_CLS_LOC_LAST) {
			NL_SET_ERR_MSG_MOD(extack, "unknown special rule location");
			return -EINVAL;
		}
		err = tun_rss_rule_free_loc(rss, loc);
		if (err < 0) {
			NL_SET_ERR_MSG_MOD(extack, "rule table full");
			return err;
		}
		loc = err;
	} else if (loc >= TUN_RSS_MAX_RULES) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rule location %u out of range (max %u)",
				       loc, TUN_RSS_MAX_RULES - 1);
		return -EINVAL;
	}
	if (tun_rss_rule_at(rss, loc)) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rule location %u in use", loc);
		return -EEXIST;
	}
	r.location = loc;

	/* A rule may send frames to context 0 before its first use; only
	 * create it once the rule is known to be valid.
	 */
	if (r.action == TUN_RSS_ACT_CTX && !r.ctx && !tun_rss_ctx0(rss, dev))
		return -ENOMEM;

	ent = kzalloc(sizeof(*ent), GFP_KERNEL_ACCOUNT);
	if (!ent)
		return -ENOMEM;
	if (t) {
		c = rtnl_dereference(rss->cls);
	} else {
		err = tun_rss_rules_alloc(rss, &t, &c);
		if (err)
			goto err_free;
	}
	err = tun_rss_cls_insert(c->cls, &r, &ent->ce);
	if (err) {
		if (err == -ENOSPC)
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "rule mask: %u distinct masks in use, tun matches at most %u",
					       tun_rss_cls_ngroups(c->cls),
					       TUN_RSS_MAX_MASKS);
		if (!rss->rules) {
			tun_rss_cls_free(c->cls);
			kfree(c);
			kvfree(t);
		}
		goto err_free;
	}
	if (!rss->rules) {
		rss->rules = t;
		rcu_assign_pointer(rss->cls, c);
	}

	ent->fs = *fs;
	ent->fs.location = loc;
	ent->rss_context = rss_context;
	t->entry[loc] = ent;
	__set_bit(loc, t->used);
	rss->nr_rules++;
	tun_rss_gen_bump(rss);
	fs->location = loc;
	return 0;

err_free:
	kfree(ent);
	return err;
}
EXPORT_SYMBOL_GPL(tun_rss_rule_insert);

/**
 * tun_rss_rule_delete() - ETHTOOL_SRXCLSRLDEL
 * @rss: device RSS state
 * @loc: location of the rule
 * @extack: error reporting
 *
 * Like an insertion, in place and at a cost that does not grow with the
 * rules installed.  Deleting the last rule of a mask group frees the group
 * for another mask.
 *
 * Return: 0, -ENOENT when no rule is there, or -ENOMEM (nothing changed).
 */
int tun_rss_rule_delete(struct tun_rss *rss, u32 loc,
			struct netlink_ext_ack *extack)
{
	struct tun_rss_rule_entry *ent = tun_rss_rule_at(rss, loc);
	struct tun_rss_cls_rcu *c;
	int err;

	if (!ent) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "no rule at location %u", loc);
		return -ENOENT;
	}
	if (rss->nr_rules == 1) {
		tun_rss_rules_free(rss, rcu_replace_pointer_rtnl(rss->cls, NULL));
		return 0;
	}
	c = rtnl_dereference(rss->cls);
	err = tun_rss_cls_remove(c->cls, ent->ce);
	if (err)
		return err;
	rss->rules->entry[loc] = NULL;
	__clear_bit(loc, rss->rules->used);
	rss->nr_rules--;
	tun_rss_gen_bump(rss);
	kfree(ent);
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_rule_delete);

/**
 * tun_rss_rules_flush() - remove every rule
 * @rss: device RSS state
 *
 * Turning the ntuple feature off clears the rules, as NIC drivers do.
 */
void tun_rss_rules_flush(struct tun_rss *rss)
{
	tun_rss_rules_free(rss, rcu_replace_pointer_rtnl(rss->cls, NULL));
}
EXPORT_SYMBOL_GPL(tun_rss_rules_flush);

/**
 * tun_rss_ctx_in_use() - whether a rule sends frames to a context
 * @rss: device RSS state
 * @ctx: context ID
 *
 * Return: the location of the first such rule, or -1.
 */
int tun_rss_ctx_in_use(const struct tun_rss *rss, u32 ctx)
{
	const struct tun_rss_rule *r;
	unsigned long loc;

	if (!rss->rules)
		return -1;
	for_each_set_bit(loc, rss->rules->used, TUN_RSS_MAX_RULES) {
		r = tun_rss_cls_entry_rule(rss->rules->entry[loc]->ce);
		if (r->action == TUN_RSS_ACT_CTX && r->ctx == ctx)
			return loc;
	}
	return -1;
}

/**
 * tun_rss_get_rxnfc() - the flow-rule part of ethtool get_rxnfc
 * @rss: device RSS state
 * @info: request: ETHTOOL_GRXCLSRLCNT, ETHTOOL_GRXCLSRULE or
 *	ETHTOOL_GRXCLSRLALL
 * @rule_locs: room for info->rule_cnt locations (GRXCLSRLALL)
 *
 * Return: 0, -ENOENT for an empty location, -EMSGSIZE when @rule_locs
 * is too small, -EOPNOTSUPP for other commands.
 */
int tun_rss_get_rxnfc(struct tun_rss *rss, struct ethtool_rxnfc *info,
		      u32 *rule_locs)
{
	const struct tun_rss_rule_entry *ent;
	unsigned int i = 0;
	unsigned long loc;

	switch (info->cmd) {
	case ETHTOOL_GRXCLSRLCNT:
		info->rule_cnt = rss->nr_rules;
		info->data = TUN_RSS_MAX_RULES | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		ent = tun_rss_rule_at(rss, info->fs.location);
		if (!ent)
			return -ENOENT;
		info->fs = ent->fs;
		info->rss_context = ent->rss_context;
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		if (info->rule_cnt < rss->nr_rules)
			return -EMSGSIZE;
		if (rss->rules)
			for_each_set_bit(loc, rss->rules->used, TUN_RSS_MAX_RULES)
				rule_locs[i++] = loc;
		info->rule_cnt = rss->nr_rules;
		info->data = TUN_RSS_MAX_RULES;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
EXPORT_SYMBOL_GPL(tun_rss_get_rxnfc);

/**
 * tun_rss_rules_init() - per-device rule state
 * @rss: device RSS state
 */
void tun_rss_rules_init(struct tun_rss *rss)
{
	rss->cls_seed = get_random_u32();
}

/**
 * tun_rss_rules_uninit() - free the rules of a device going away
 * @rss: device RSS state
 */
void tun_rss_rules_uninit(struct tun_rss *rss)
{
	tun_rss_rules_free(rss, rcu_replace_pointer(rss->cls, NULL, true));
}

/**
 * tun_rss_cls_match() - the rule a frame matches (frame path, RCU)
 * @c: the published classifier, as the caller read it once
 * @fl: parsed frame
 *
 * Return: the lowest-location matching rule, or %NULL.
 */
const struct tun_rss_rule *tun_rss_cls_match(const struct tun_rss_cls_rcu *c,
					     const struct tun_rss_flow *fl)
{
	struct tun_rss_cls_key key;

	tun_rss_cls_key_from_flow(&key, fl);
	return tun_rss_cls_lookup(c->cls, &key);
}

static void __exit tun_rss_exit(void)
{
	tun_rss_steer_exit();
	tun_devlink_exit();
	/* classifiers are freed by call_rcu() callbacks of this module */
	rcu_barrier();
}
module_exit(tun_rss_exit);
