// SPDX-License-Identifier: GPL-2.0
/*
 * The RSS side of the full select-queue figure: what
 * tun_rss_select_queue() (drivers/net/tun_rss/steer.c) does for a linear
 * tap frame when RSS is configured and no flow rule matches, less the
 * skb and RCU accessors: parse, hash with context 0, look the table up.
 * Built with the engine's flags, called out of line like the automq-like
 * baseline.
 *
 * bench_rss_select_skb() adds what tun_rss_parse_skb() does before the
 * parse: a TUN_RSS_PARSE_MAX-byte bounce buffer on the stack for
 * skb_header_pointer(), never used for a linear frame but zeroed on every
 * call in a kernel built with CONFIG_INIT_STACK_ALL_ZERO (Debian's
 * config; the bench builds with -ftrivial-auto-var-init=zero).
 */
#include <linux/minmax.h>

#include "bench.h"

/**
 * bench_rss_select() - queue of a tap frame under RSS
 * @ctx: context 0
 * @data: the frame, from its Ethernet header
 * @len: its length
 * @nqueues: queues attached
 *
 * Return: the queue.
 */
u16 bench_rss_select(const struct tun_rss_ctx *ctx, const u8 *data,
		     unsigned int len, unsigned int nqueues)
{
	struct tun_rss_flow fl;
	u16 report;
	u32 hash;

	tun_rss_parse(&fl, data, len, true, 0);
	hash = tun_rss_ctx_hash(ctx, &fl, &report);
	return tun_rss_ctx_queue(ctx, hash, nqueues);
}

/**
 * bench_rss_select_skb() - the same, with steer.c's bounce buffer
 * @ctx: context 0
 * @data: the frame, from its Ethernet header
 * @len: its length
 * @nqueues: queues attached
 *
 * Return: the queue.
 */
u16 bench_rss_select_skb(const struct tun_rss_ctx *ctx, const u8 *data,
			 unsigned int len, unsigned int nqueues)
{
	u8 buf[TUN_RSS_PARSE_MAX];
	struct tun_rss_flow fl;
	const u8 *head;
	u16 report;
	u32 hash;

	len = min_t(unsigned int, len, TUN_RSS_PARSE_MAX);
	head = bench_header_pointer(data, len, buf);
	tun_rss_parse(&fl, head, len, true, 0);
	hash = tun_rss_ctx_hash(ctx, &fl, &report);
	return tun_rss_ctx_queue(ctx, hash, nqueues);
}
