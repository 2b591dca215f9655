// SPDX-License-Identifier: GPL-2.0
/*
 * tun ntuple flow rules (ethtool -N/-n): the rule table kept under RTNL,
 * and the classifier built from it and published with RCU.  A change
 * builds a whole new classifier aside; when that fails nothing changes.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "tun_rss.h"

/**
 * struct tun_rss_rule_entry - one rule as the user gave it and as matched
 * @rule: normalised rule the classifier is built from
 * @fs: the flow spec as inserted, returned by ETHTOOL_GRXCLSRULE
 * @rss_context: context of a %FLOW_RSS rule
 */
struct tun_rss_rule_entry {
	struct tun_rss_rule rule;
	struct ethtool_rx_flow_spec fs;
	u32 rss_context;
};

/**
 * struct tun_rss_cls_rcu - a classifier as published to the frame path
 * @rcu: frees the classifier after the readers that may still see it
 * @cls: the classifier (immutable)
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

/* Entry index of @loc in the sorted table, or where it would go. */
static unsigned int tun_rss_rule_pos(const struct tun_rss *rss, u32 loc,
				     bool *found)
{
	unsigned int lo = 0, hi = rss->nr_rules, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rss->rules[mid].rule.location < loc)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < rss->nr_rules && rss->rules[lo].rule.location == loc;
	return lo;
}

/*
 * Build the classifier for @entries and publish it, or fail changing
 * nothing.  On success the caller's table becomes @entries.
 */
static int tun_rss_rules_publish(struct tun_rss *rss,
				 struct tun_rss_rule_entry *entries,
				 unsigned int n)
{
	struct tun_rss_cls_rcu *c = NULL, *old;
	struct tun_rss_rule *rules;
	unsigned int i;

	if (n) {
		rules = kvmalloc_array(n, sizeof(*rules), GFP_KERNEL);
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!rules || !c) {
			kvfree(rules);
			kfree(c);
			return -ENOMEM;
		}
		for (i = 0; i < n; i++)
			rules[i] = entries[i].rule;
		c->cls = tun_rss_cls_build(rules, n, rss->cls_seed);
		kvfree(rules);
		if (!c->cls) {
			kfree(c);
			return -ENOMEM;
		}
	}

	old = rcu_replace_pointer_rtnl(rss->cls, c);
	if (old)
		call_rcu(&old->rcu, tun_rss_cls_free_rcu);
	if (entries != rss->rules) {
		kvfree(rss->rules);
		rss->rules = entries;
	}
	rss->nr_rules = n;
	return 0;
}

/* Free location for RX_CLS_LOC_ANY/FIRST (lowest) or LAST (highest). */
static int tun_rss_rule_free_loc(const struct tun_rss *rss, u32 special)
{
	unsigned int i;
	u32 loc;

	if (special == RX_CLS_LOC_LAST) {
		loc = TUN_RSS_MAX_RULES - 1;
		for (i = rss->nr_rules; i > 0; i--) {
			if (rss->rules[i - 1].rule.location != loc)
				break;
			loc--;
		}
		return i == 0 && rss->nr_rules == TUN_RSS_MAX_RULES ? -ENOSPC : loc;
	}
	for (i = 0; i < rss->nr_rules; i++)
		if (rss->rules[i].rule.location != i)
			break;
	return i < TUN_RSS_MAX_RULES ? i : -ENOSPC;
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

/**
 * tun_rss_rule_insert() - ETHTOOL_SRXCLSRLINS
 * @rss: device RSS state
 * @dev: the tun device
 * @fs: the rule; a special location (%RX_CLS_LOC_ANY, %RX_CLS_LOC_FIRST,
 *	%RX_CLS_LOC_LAST) is replaced by the location chosen
 * @rss_context: context of a %FLOW_RSS rule
 * @extack: error reporting
 *
 * The lowest location wins when several rules match (SPEC §3).
 *
 * Return: 0, or a negative errno with nothing changed: -EOPNOTSUPP with
 * the ntuple feature off, -EINVAL for a rule tun cannot match or a queue
 * past the attached ones, -ENOENT for an unknown context, -EEXIST for a
 * location in use, -ENOSPC when full.
 */
int tun_rss_rule_insert(struct tun_rss *rss, struct net_device *dev,
			struct ethtool_rx_flow_spec *fs, u32 rss_context,
			struct netlink_ext_ack *extack)
{
	struct tun_rss_rule_entry *entries, e = {};
	const char *why = NULL;
	unsigned int pos;
	bool found;
	int err;
	u32 loc;

	if (!(dev->features & NETIF_F_NTUPLE)) {
		NL_SET_ERR_MSG_MOD(extack, "the ntuple feature is off");
		return -EOPNOTSUPP;
	}
	err = tun_rss_rule_from_fs(&e.rule, fs, rss_context, &why);
	if (err) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "%s", why ?: "unsupported flow rule");
		return err;
	}
	err = tun_rss_rule_check_action(rss, dev, &e.rule, extack);
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
	pos = tun_rss_rule_pos(rss, loc, &found);
	if (found) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rule location %u in use", loc);
		return -EEXIST;
	}

	/* A rule may send frames to context 0 before its first use; only
	 * create it once the rule is known to go in.
	 */
	if (e.rule.action == TUN_RSS_ACT_CTX && !e.rule.ctx &&
	    !tun_rss_ctx0(rss, dev))
		return -ENOMEM;

	e.rule.location = loc;
	e.fs = *fs;
	e.fs.location = loc;
	e.rss_context = rss_context;

	entries = kvmalloc_array(rss->nr_rules + 1, sizeof(*entries),
				 GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	memcpy(entries, rss->rules, pos * sizeof(*entries));
	entries[pos] = e;
	memcpy(entries + pos + 1, rss->rules + pos,
	       (rss->nr_rules - pos) * sizeof(*entries));
	err = tun_rss_rules_publish(rss, entries, rss->nr_rules + 1);
	if (err) {
		kvfree(entries);
		return err;
	}
	fs->location = loc;
	return 0;
}
EXPORT_SYMBOL_GPL(tun_rss_rule_insert);

/**
 * tun_rss_rule_delete() - ETHTOOL_SRXCLSRLDEL
 * @rss: device RSS state
 * @loc: location of the rule
 * @extack: error reporting
 *
 * Return: 0, -ENOENT when no rule is there, or -ENOMEM (nothing changed).
 */
int tun_rss_rule_delete(struct tun_rss *rss, u32 loc,
			struct netlink_ext_ack *extack)
{
	struct tun_rss_rule_entry *entries = NULL;
	unsigned int pos, n = rss->nr_rules;
	bool found;
	int err;

	pos = tun_rss_rule_pos(rss, loc, &found);
	if (!found) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "no rule at location %u", loc);
		return -ENOENT;
	}
	if (n > 1) {
		entries = kvmalloc_array(n - 1, sizeof(*entries), GFP_KERNEL);
		if (!entries)
			return -ENOMEM;
		memcpy(entries, rss->rules, pos * sizeof(*entries));
		memcpy(entries + pos, rss->rules + pos + 1,
		       (n - pos - 1) * sizeof(*entries));
	}
	err = tun_rss_rules_publish(rss, entries, n - 1);
	if (err)
		kvfree(entries);
	return err;
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
	tun_rss_rules_publish(rss, NULL, 0);
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
	unsigned int i;

	for (i = 0; i < rss->nr_rules; i++)
		if (rss->rules[i].rule.action == TUN_RSS_ACT_CTX &&
		    rss->rules[i].rule.ctx == ctx)
			return rss->rules[i].rule.location;
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
	unsigned int i, pos;
	bool found;

	switch (info->cmd) {
	case ETHTOOL_GRXCLSRLCNT:
		info->rule_cnt = rss->nr_rules;
		info->data = TUN_RSS_MAX_RULES | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		pos = tun_rss_rule_pos(rss, info->fs.location, &found);
		if (!found)
			return -ENOENT;
		info->fs = rss->rules[pos].fs;
		info->rss_context = rss->rules[pos].rss_context;
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		if (info->rule_cnt < rss->nr_rules)
			return -EMSGSIZE;
		for (i = 0; i < rss->nr_rules; i++)
			rule_locs[i] = rss->rules[i].rule.location;
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
	struct tun_rss_cls_rcu *old;

	old = rcu_replace_pointer(rss->cls, NULL, true);
	if (old)
		call_rcu(&old->rcu, tun_rss_cls_free_rcu);
	kvfree(rss->rules);
	rss->rules = NULL;
	rss->nr_rules = 0;
}

/**
 * tun_rss_cls_match() - the rule a frame matches (frame path, RCU)
 * @rss: device RSS state
 * @fl: parsed frame
 *
 * Return: the lowest-location matching rule, or %NULL.
 */
const struct tun_rss_rule *tun_rss_cls_match(struct tun_rss *rss,
					     const struct tun_rss_flow *fl)
{
	const struct tun_rss_cls_rcu *c = rcu_dereference(rss->cls);
	struct tun_rss_cls_key key;

	if (!c)
		return NULL;
	tun_rss_cls_key_from_flow(&key, fl);
	return tun_rss_cls_lookup(c->cls, &key);
}

/**
 * tun_rss_has_drop_rules() - whether a drop rule is configured (frame path)
 * @rss: device RSS state
 *
 * Return: true when the published classifier has a drop rule.
 */
bool tun_rss_has_drop_rules(struct tun_rss *rss)
{
	const struct tun_rss_cls_rcu *c = rcu_dereference(rss->cls);

	return c && tun_rss_cls_has_drop(c->cls);
}

/**
 * tun_rss_has_rules() - whether any flow rule is configured (frame path)
 * @rss: device RSS state
 *
 * Return: true when a classifier is published.
 */
bool tun_rss_has_rules(const struct tun_rss *rss)
{
	return rcu_access_pointer(rss->cls);
}

static void __exit tun_rss_exit(void)
{
	/* classifiers are freed by call_rcu() callbacks of this module */
	rcu_barrier();
}
module_exit(tun_rss_exit);
