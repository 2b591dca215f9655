// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier's cases (drivers/net/tun_rss/cls.c): 1 rule, 64 rules
 * with 4 distinct masks and 1024 rules with 8, all tcp4 rules written as
 * ethtool flow specs and converted by tun_rss_rule_from_fs(), as
 * `ethtool -N` would have them.  The Makefile links this file only when
 * cls.c exists; it adds its cases itself.
 *
 * The pool's frames match no rule: every mask group is probed, the
 * classifier's worst case (a match can end the search early).  The check
 * compares the classifier with a linear scan of the flow specs, written
 * from the ethtool semantics, on the pool and on frames made to match
 * chosen rules.
 *
 * Built with the engine's flags: the select path below stands for
 * tun_rss_select_queue() with rules, like rss_select.c without.
 */
#include <stdlib.h>

#include <linux/array_size.h>
#include <linux/ethtool.h>
#include <linux/in.h>
#include <linux/prandom.h>

#include "bench.h"

#define CLS_SEED		0x636c73
#define CLS_MAX_RULES		4096	/* TUN_RSS_MAX_RULES */
/* Rules made to match, and their frames checked, per rule set */
#define CLS_HIT_CHECKS		64

/*
 * The masks, as ethtool tcp4 fields: a mix of what rules steer by
 * (a service port, a host, a subnet and port, exact flows).
 */
static const struct ethtool_tcpip4_spec cls_masks[] = {
	{ .pdst = 0xffff },
	{ .ip4dst = 0xffffffff },
	{ .ip4src = 0xffffffff },
	{ .ip4dst = __cpu_to_be32(0xffffff00), .pdst = 0xffff },
	{ .ip4src = __cpu_to_be32(0xffff0000) },
	{ .psrc = 0xffff },
	{ .ip4src = 0xffffffff, .ip4dst = 0xffffffff,
	  .psrc = 0xffff, .pdst = 0xffff },
	{ .ip4dst = 0xffffffff, .psrc = 0xffff },
};

/**
 * struct cls_set - one rule set and its classifier
 * @nrules: rules
 * @nmasks: distinct masks: the first @nmasks of cls_masks[], or made by
 *	cls_mask_make() for more
 * @bounded: built as tun builds it, rule by rule into a classifier of
 *	%TUN_RSS_MAX_MASKS groups; else by tun_rss_cls_build(), unbounded
 * @fs: the rules as flow specs; rule i has location i, mask i % @nmasks;
 *	with more than 8 masks the last rule drops
 * @rules: the rules as the engine has them
 * @cls: the classifier
 */
struct cls_set {
	unsigned int nrules;
	unsigned int nmasks;
	bool bounded;
	struct ethtool_rx_flow_spec fs[CLS_MAX_RULES];
	struct tun_rss_rule rules[CLS_MAX_RULES];
	struct tun_rss_cls *cls;
};

static struct cls_set cls_sets[] = {
	{ .nrules = 1, .nmasks = 1 },
	{ .nrules = 64, .nmasks = 4 },
	{ .nrules = 1024, .nmasks = 8 },
	/* The worst a delegate can build: every location, every group */
	{ .nrules = CLS_MAX_RULES, .nmasks = TUN_RSS_MAX_MASKS,
	  .bounded = true },
	/* What the bound forbids: a mask per rule (issue 17) */
	{ .nrules = CLS_MAX_RULES, .nmasks = CLS_MAX_RULES },
};

/*
 * Mask @i of many: source and destination address with one bit cleared
 * each, and the source port with one of four bits cleared, so that 4096
 * masks are distinct and random keys still miss every pool frame.
 */
static void cls_mask_make(struct ethtool_tcpip4_spec *m, unsigned int i)
{
	m->ip4src = __cpu_to_be32(~(1U << (i & 31)));
	m->ip4dst = __cpu_to_be32(~(1U << ((i >> 5) & 31)));
	m->psrc = __cpu_to_be16(0xffff ^ (1U << ((i >> 10) & 3)));
}

/* A tcp4 flow spec matches a parsed frame: the ethtool semantics. */
static bool cls_fs_match(const struct ethtool_rx_flow_spec *fs,
			 const struct tun_rss_flow *fl)
{
	const struct ethtool_tcpip4_spec *h = &fs->h_u.tcp_ip4_spec;
	const struct ethtool_tcpip4_spec *m = &fs->m_u.tcp_ip4_spec;

	if (!(fl->flags & TUN_RSS_F_IP) || fl->l3 != 4 ||
	    fl->l4proto != IPPROTO_TCP || !(fl->flags & TUN_RSS_F_L4))
		return false;
	return !((fl->saddr[0] ^ h->ip4src) & m->ip4src) &&
	       !((fl->daddr[0] ^ h->ip4dst) & m->ip4dst) &&
	       !((fl->sport ^ h->psrc) & m->psrc) &&
	       !((fl->dport ^ h->pdst) & m->pdst) &&
	       !((fl->tos ^ h->tos) & m->tos);
}

/* The lowest-location rule that matches, by a scan of every rule. */
static int cls_linear(const struct cls_set *set, const struct tun_rss_flow *fl)
{
	unsigned int i;

	for (i = 0; i < set->nrules; i++)
		if (cls_fs_match(&set->fs[i], fl))
			return i;
	return -1;
}

static int cls_setup(struct cls_set *set, const struct bench_env *e,
		     char *why, size_t len)
{
	struct rnd_state rnd;
	const char *err = "";
	unsigned int i, f;

	if (set->cls)
		return 0;
	prandom_seed_state(&rnd, CLS_SEED + set->nrules);
	for (i = 0; i < set->nrules; i++) {
		struct ethtool_rx_flow_spec *fs = &set->fs[i];
		struct ethtool_tcpip4_spec *h = &fs->h_u.tcp_ip4_spec;

		memset(fs, 0, sizeof(*fs));
		fs->flow_type = TCP_V4_FLOW;
		fs->location = i;
		fs->ring_cookie = i % BENCH_NQUEUES;
		if (set->nmasks <= ARRAY_SIZE(cls_masks))
			fs->m_u.tcp_ip4_spec = cls_masks[i % set->nmasks];
		else
			cls_mask_make(&fs->m_u.tcp_ip4_spec, i % set->nmasks);
		if (set->nmasks > ARRAY_SIZE(cls_masks) && i == set->nrules - 1)
			fs->ring_cookie = RX_CLS_FLOW_DISC;
		/* Random values that no pool frame has: all of them miss. */
		do {
			h->ip4src = prandom_u32_state(&rnd);
			h->ip4dst = prandom_u32_state(&rnd);
			h->psrc = prandom_u32_state(&rnd);
			h->pdst = prandom_u32_state(&rnd);
			for (f = 0; f < BENCH_POOL; f++)
				if (cls_fs_match(fs, &e->fl4[f]))
					break;
		} while (f < BENCH_POOL);

		if (tun_rss_rule_from_fs(&set->rules[i], fs, 0, &err))
			return bench_fail(why, len, "rule %u refused: %s", i, err);
	}
	if (!set->bounded) {
		set->cls = tun_rss_cls_build(set->rules, set->nrules, CLS_SEED);
		if (!set->cls)
			return bench_fail(why, len, "tun_rss_cls_build() failed");
		return 0;
	}
	set->cls = tun_rss_cls_alloc(CLS_SEED, set->nrules, TUN_RSS_MAX_MASKS);
	if (!set->cls)
		return bench_fail(why, len, "tun_rss_cls_alloc() failed");
	for (i = 0; i < set->nrules; i++) {
		struct tun_rss_cls_entry *e;

		if (tun_rss_cls_insert(set->cls, &set->rules[i], &e))
			return bench_fail(why, len, "rule %u: insert failed", i);
	}
	if (tun_rss_cls_ngroups(set->cls) != TUN_RSS_MAX_MASKS ||
	    !tun_rss_cls_has_drop(set->cls))
		return bench_fail(why, len, "%u groups, want %u and a drop rule",
				  tun_rss_cls_ngroups(set->cls),
				  TUN_RSS_MAX_MASKS);
	return 0;
}

static int cls_lookup_loc(const struct cls_set *set,
			  const struct tun_rss_flow *fl)
{
	const struct tun_rss_rule *r;
	struct tun_rss_cls_key k;

	tun_rss_cls_key_from_flow(&k, fl);
	r = tun_rss_cls_lookup(set->cls, &k);
	return r ? (int)r->location : -1;
}

/*
 * Every pool frame misses, as the linear scan says; a pool frame changed
 * to carry the masked fields of a chosen rule hits the lowest matching
 * rule, which is that one or, when two rules overlap, a lower one.
 */
static int cls_check(struct cls_set *set, const struct bench_env *e,
		     char *why, size_t len)
{
	struct rnd_state rnd;
	unsigned int i, n;
	int got, want;

	for (i = 0; i < BENCH_POOL; i++) {
		got = cls_lookup_loc(set, &e->fl4[i]);
		want = cls_linear(set, &e->fl4[i]);
		if (got != want || want != -1)
			return bench_fail(why, len, "pool frame %u: rule %d, scan %d",
					  i, got, want);
	}

	prandom_seed_state(&rnd, CLS_SEED);
	for (n = 0; n < CLS_HIT_CHECKS; n++) {
		unsigned int r = prandom_u32_state(&rnd) % set->nrules;
		const struct ethtool_tcpip4_spec *h = &set->fs[r].h_u.tcp_ip4_spec;
		const struct ethtool_tcpip4_spec *m = &set->fs[r].m_u.tcp_ip4_spec;
		struct tun_rss_flow fl = e->fl4[n % BENCH_POOL];

		fl.saddr[0] = (fl.saddr[0] & ~m->ip4src) | (h->ip4src & m->ip4src);
		fl.daddr[0] = (fl.daddr[0] & ~m->ip4dst) | (h->ip4dst & m->ip4dst);
		fl.sport = (fl.sport & ~m->psrc) | (h->psrc & m->psrc);
		fl.dport = (fl.dport & ~m->pdst) | (h->pdst & m->pdst);
		got = cls_lookup_loc(set, &fl);
		want = cls_linear(set, &fl);
		if (want < 0 || want > (int)r || got != want)
			return bench_fail(why, len, "frame made for rule %u: rule %d, scan %d",
					  r, got, want);
	}
	return 0;
}

static u32 cls_run(const struct cls_set *set, const struct bench_env *e,
		   unsigned long iters)
{
	return BENCH_LOOP(iters, p, ({
		struct tun_rss_cls_key k;
		const struct tun_rss_rule *r;

		tun_rss_cls_key_from_flow(&k, &e->fl4[p]);
		r = tun_rss_cls_lookup(set->cls, &k);
		r ? r->location : 0;
	}));
}

/*
 * tun_rss_select_queue() with rules: parse, classify, and (no rule
 * matching) RSS with context 0.
 */
static u16 __attribute__((noinline))
cls_select(const struct tun_rss_cls *cls, const struct tun_rss_ctx *ctx,
	   const u8 *data, unsigned int len, unsigned int nqueues)
{
	const struct tun_rss_rule *rule;
	struct tun_rss_cls_key key;
	struct tun_rss_flow fl;
	u16 report;
	u32 hash;

	tun_rss_parse(&fl, data, len, true, 0);
	tun_rss_cls_key_from_flow(&key, &fl);
	rule = tun_rss_cls_lookup(cls, &key);
	if (rule && rule->action == TUN_RSS_ACT_QUEUE)
		return rule->queue % nqueues;
	hash = tun_rss_ctx_hash(ctx, &fl, &report);
	return tun_rss_ctx_queue(ctx, hash, nqueues);
}

#define CLS_CASE(fn, idx)						\
static int fn##_setup(const struct bench_env *e, char *why, size_t len) \
{									\
	return cls_setup(&cls_sets[idx], e, why, len);			\
}									\
static int fn##_check(const struct bench_env *e, char *why, size_t len) \
{									\
	return cls_check(&cls_sets[idx], e, why, len);			\
}									\
static u32 fn##_run(const struct bench_env *e, unsigned long iters)	\
{									\
	return cls_run(&cls_sets[idx], e, iters);			\
}

CLS_CASE(cls1, 0)
CLS_CASE(cls64, 1)
CLS_CASE(cls1024, 2)
CLS_CASE(clsworst, 3)
CLS_CASE(clsunbounded, 4)

/* The same frames steer as without rules: none matches. */
static int select_check(const struct cls_set *set, const struct bench_env *e,
			char *why, size_t len)
{
	unsigned int i;
	u16 q, want;

	for (i = 0; i < BENCH_POOL; i++) {
		q = cls_select(set->cls, e->ctx, e->frame4[i], e->len4,
			       BENCH_NQUEUES);
		want = bench_rss_select(e->ctx, e->frame4[i], e->len4,
					BENCH_NQUEUES);
		if (q != want)
			return bench_fail(why, len, "frame %u: queue %u, without rules %u",
					  i, q, want);
	}
	return 0;
}

static int select_rules_check(const struct bench_env *e, char *why,
			      size_t len)
{
	return select_check(&cls_sets[2], e, why, len);
}

static int select_worst_check(const struct bench_env *e, char *why,
			      size_t len)
{
	return select_check(&cls_sets[3], e, why, len);
}

static u32 select_rules_run(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, cls_select(cls_sets[2].cls, e->ctx,
					       e->frame4[p], e->len4,
					       BENCH_NQUEUES));
}

static u32 select_worst_run(const struct bench_env *e, unsigned long iters)
{
	return BENCH_LOOP(iters, p, cls_select(cls_sets[3].cls, e->ctx,
					       e->frame4[p], e->len4,
					       BENCH_NQUEUES));
}

static const struct bench_case cls_cases[] = {
	{ "cls/1-rule-1-mask", "key_from_flow + lookup, 1 tcp4 rule, miss",
	  cls1_setup, cls1_check, cls1_run },
	{ "cls/64-rules-4-masks", "key_from_flow + lookup, 64 rules, miss",
	  cls64_setup, cls64_check, cls64_run },
	{ "cls/1024-rules-8-masks", "key_from_flow + lookup, 1024 rules, miss",
	  cls1024_setup, cls1024_check, cls1024_run },
	{ "select/rss+1024-rules/ipv4", "parse + classify (miss) + hash + table",
	  cls1024_setup, select_rules_check, select_rules_run },
	{ "cls/worst-4096-rules-32-masks", "key_from_flow + lookup, a delegate's worst (every location, every mask group, a drop rule), miss",
	  clsworst_setup, clsworst_check, clsworst_run },
	{ "select/rss+worst-rules/ipv4", "parse + classify (miss) + hash + table, the worst rule set",
	  clsworst_setup, select_worst_check, select_worst_run },
	{ "cls/unbounded-4096-rules-4096-masks", "key_from_flow + lookup, a mask per rule: what the bound forbids, miss",
	  clsunbounded_setup, clsunbounded_check, clsunbounded_run },
};

static void __attribute__((constructor)) cls_cases_register(void)
{
	bench_register(cls_cases, ARRAY_SIZE(cls_cases));
}
