// SPDX-License-Identifier: GPL-2.0
/*
 * cls_ctl: the control path of the classifier (drivers/net/tun_rss/cls.c),
 * what a flow rule add or delete costs the writer (under RTNL in tun) with
 * 0, 1024 and 4095 rules installed.  The installed rules are the worst
 * set an unprivileged delegate can build: tcp4 rules over
 * TUN_RSS_MAX_MASKS distinct source masks, one of them a drop rule.  A
 * round adds one more rule of a further random key and deletes it again,
 * %CLS_CTL_OPS times, each operation timed on its own; the table gives
 * the median over %CLS_CTL_ROUNDS rounds of the mean per operation.
 *
 * Built with -DCLS_CTL_REBUILD against a cls.c without in-place updates,
 * it times what a request cost before them: building the whole
 * classifier again from the rule set (tun_rss_cls_build()).
 *
 * Output: "ctl<TAB>add|del<TAB>installed<TAB>ns" lines, then with -m a
 * markdown table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <asm/byteorder.h>
#include <linux/array_size.h>
#include <linux/ethtool.h>
#include <linux/prandom.h>

#include "tun_rss_core.h"

#define CLS_CTL_SEED	0x63746c
#define CLS_CTL_RULES	4096	/* TUN_RSS_MAX_RULES */
#define CLS_CTL_ROUNDS	31
#define CLS_CTL_OPS	256

#ifndef TUN_RSS_MAX_MASKS
#define TUN_RSS_MAX_MASKS	32
#endif

static const unsigned int cls_ctl_installed[] = { 0, 1024, 4095 };

static struct tun_rss_rule rules[CLS_CTL_RULES + CLS_CTL_OPS];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A tcp4 rule at @loc: source mask @m of the TUN_RSS_MAX_MASKS, a port */
static void rule_make(struct tun_rss_rule *r, unsigned int loc, unsigned int m,
		      bool drop, struct rnd_state *rnd)
{
	struct ethtool_rx_flow_spec fs = {
		.flow_type = TCP_V4_FLOW,
		.location = loc,
		.ring_cookie = drop ? RX_CLS_FLOW_DISC : loc % 4,
	};
	const char *why = "";

	fs.m_u.tcp_ip4_spec.ip4src = __cpu_to_be32(~(1U << m));
	fs.h_u.tcp_ip4_spec.ip4src = prandom_u32_state(rnd) &
				     fs.m_u.tcp_ip4_spec.ip4src;
	fs.m_u.tcp_ip4_spec.pdst = 0xffff;
	fs.h_u.tcp_ip4_spec.pdst = prandom_u32_state(rnd);
	if (tun_rss_rule_from_fs(r, &fs, 0, &why)) {
		fprintf(stderr, "cls_ctl: rule %u refused: %s\n", loc, why);
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#ifdef CLS_CTL_REBUILD
/* Before: every request built the classifier of the new rule set. */
static void measure(unsigned int n, double *add, double *del)
{
	unsigned int round, op;
	struct tun_rss_cls *c;
	double t0, t1;

	for (round = 0; round < CLS_CTL_ROUNDS; round++) {
		double a = 0, d = 0;

		for (op = 0; op < CLS_CTL_OPS / 16; op++) {
			rules[n] = rules[CLS_CTL_RULES + op];
			t0 = now_ns();
			c = tun_rss_cls_build(rules, n + 1, CLS_CTL_SEED);
			t1 = now_ns();
			if (!c)
				exit(1);
			tun_rss_cls_free(c);
			a += t1 - t0;
			t0 = now_ns();
			c = tun_rss_cls_build(rules, n, CLS_CTL_SEED);
			t1 = now_ns();
			if (!c)
				exit(1);
			tun_rss_cls_free(c);
			d += t1 - t0;
		}
		add[round] = a / (CLS_CTL_OPS / 16);
		del[round] = d / (CLS_CTL_OPS / 16);
	}
}
#else
static void measure(unsigned int n, double *add, double *del)
{
	struct tun_rss_cls_entry *e;
	unsigned int i, round, op;
	struct tun_rss_cls *cls;
	double t0, t1, t2;

	cls = tun_rss_cls_alloc(CLS_CTL_SEED, CLS_CTL_RULES, TUN_RSS_MAX_MASKS);
	if (!cls)
		exit(1);
	for (i = 0; i < n; i++) {
		if (tun_rss_cls_insert(cls, &rules[i], &e)) {
			fprintf(stderr, "cls_ctl: insert %u failed\n", i);
			exit(1);
		}
	}
	for (round = 0; round < CLS_CTL_ROUNDS; round++) {
		double a = 0, d = 0;

		for (op = 0; op < CLS_CTL_OPS; op++) {
			t0 = now_ns();
			if (tun_rss_cls_insert(cls, &rules[CLS_CTL_RULES + op],
					       &e))
				exit(1);
			t1 = now_ns();
			if (tun_rss_cls_remove(cls, e))
				exit(1);
			t2 = now_ns();
			a += t1 - t0;
			d += t2 - t1;
		}
		add[round] = a / CLS_CTL_OPS;
		del[round] = d / CLS_CTL_OPS;
	}
	tun_rss_cls_free(cls);
}
#endif

int main(int argc, char **argv)
{
	double add[ARRAY_SIZE(cls_ctl_installed)], del[ARRAY_SIZE(add)];
	double a[CLS_CTL_ROUNDS], d[CLS_CTL_ROUNDS];
	bool md = argc > 1 && !strcmp(argv[1], "-m");
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, CLS_CTL_SEED);
	/* The installed set: rule i at location i, mask i % 32, the last drops */
	for (i = 0; i < CLS_CTL_RULES - 1; i++)
		rule_make(&rules[i], i, i % TUN_RSS_MAX_MASKS,
			  i == CLS_CTL_RULES - 2, &rnd);
	/* The rule added and deleted: location 4095, a mask in use */
	for (i = 0; i < CLS_CTL_OPS; i++)
		rule_make(&rules[CLS_CTL_RULES + i], CLS_CTL_RULES - 1,
			  i % TUN_RSS_MAX_MASKS, false, &rnd);

	for (i = 0; i < ARRAY_SIZE(cls_ctl_installed); i++) {
		measure(cls_ctl_installed[i], a, d);
		qsort(a, CLS_CTL_ROUNDS, sizeof(a[0]), cmp_double);
		qsort(d, CLS_CTL_ROUNDS, sizeof(d[0]), cmp_double);
		add[i] = a[CLS_CTL_ROUNDS / 2];
		del[i] = d[CLS_CTL_ROUNDS / 2];
		printf("ctl\tadd\t%u\t%.0f\nctl\tdel\t%u\t%.0f\n",
		       cls_ctl_installed[i], add[i], cls_ctl_installed[i],
		       del[i]);
	}
	if (!md)
		return 0;

	printf("\n| rules installed | add (ns) | delete (ns) | add / at 0 | delete / at 0 |\n");
	printf("|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < ARRAY_SIZE(cls_ctl_installed); i++)
		printf("| %u | %.0f | %.0f | %.2fx | %.2fx |\n",
		       cls_ctl_installed[i], add[i], del[i], add[i] / add[0],
		       del[i] / del[0]);
	return 0;
}
