/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tun_rss_bench: the cases and what they run on.
 *
 * A case is a name, a check and a loop.  The check runs before any
 * timing or counting and compares the case's results with an independent
 * computation (the Toeplitz definition, published test values, the other
 * cases), so that a fast but wrong candidate fails the bench instead of
 * winning it.  The loop runs the candidate once per frame over a pool of
 * flows and folds the results into a value that is printed, so nothing
 * can be optimised away.
 */
#ifndef _TUN_RSS_BENCH_H
#define _TUN_RSS_BENCH_H

#include <linux/types.h>

#include "tun_rss_core.h"
#include "baseline.h"

/* Flows a loop cycles through; a power of two. */
#define BENCH_POOL		256
/* Queues of the device being steered for (the 4-queue tap) */
#define BENCH_NQUEUES		4
#define BENCH_FRAME_MAX		128
/* Bytes hashed: IPv4 and IPv6 addresses and ports */
#define BENCH_TUPLE4_LEN	12
#define BENCH_TUPLE6_LEN	36

/**
 * struct bench_env - what every case runs on, built once
 * @key: Toeplitz key (Microsoft's verification key, the common default)
 * @ctx: RSS context 0 with @key and default fields, spread over
 *	%BENCH_NQUEUES queues
 * @jhash_seed: jhash initval (the flow hash seed)
 * @sip_seed: SipHash key (the flow hash seed since the move to SipHash)
 * @tuple4: IPv4 hash inputs: source, destination, ports
 * @tuple6: IPv6 hash inputs
 * @buf4: @tuple4 zero-padded to the bit-serial program's fixed buffer
 * @words4: @tuple4 as 32-bit words (jhash2 input, memory order)
 * @words6: @tuple6 as 32-bit words
 * @frame4: Ethernet/IPv4/TCP frames carrying the flows of @tuple4
 * @frame6: Ethernet/IPv6/TCP frames carrying the flows of @tuple6
 * @len4: length of each @frame4 (a 60-byte minimum-size frame)
 * @len6: length of each @frame6
 * @fl4: @frame4 parsed by tun_rss_parse()
 * @fl6: @frame6 parsed
 */
struct bench_env {
	u8 key[TUN_RSS_KEY_SIZE];
	struct tun_rss_ctx *ctx;
	u32 jhash_seed;
	struct siphash_key sip_seed;
	u8 tuple4[BENCH_POOL][BENCH_TUPLE4_LEN] __attribute__((aligned(64)));
	u8 tuple6[BENCH_POOL][BENCH_TUPLE6_LEN] __attribute__((aligned(64)));
	u8 buf4[BENCH_POOL][TOEPLITZ_BUF_LEN] __attribute__((aligned(64)));
	u32 words4[BENCH_POOL][BENCH_TUPLE4_LEN / 4] __attribute__((aligned(64)));
	u32 words6[BENCH_POOL][BENCH_TUPLE6_LEN / 4] __attribute__((aligned(64)));
	u8 frame4[BENCH_POOL][BENCH_FRAME_MAX] __attribute__((aligned(64)));
	u8 frame6[BENCH_POOL][BENCH_FRAME_MAX] __attribute__((aligned(64)));
	unsigned int len4;
	unsigned int len6;
	struct tun_rss_flow fl4[BENCH_POOL];
	struct tun_rss_flow fl6[BENCH_POOL];
};

/**
 * struct bench_case - one row of the table
 * @name: "family/variant/tuple", what the script and the table use
 * @what: one line for the table
 * @check: verify the candidate; returns 0, or -1 with a reason in @why
 * @run: run the candidate for @iters frames (a multiple of %BENCH_POOL
 *	for an exact per-frame count); returns the folded results
 * @setup: optional, builds what @check and @run use (before @check);
 *	returns 0, or -1 with a reason
 */
struct bench_case {
	const char *name;
	const char *what;
	int (*setup)(const struct bench_env *env, char *why, size_t len);
	int (*check)(const struct bench_env *env, char *why, size_t len);
	u32 (*run)(const struct bench_env *env, unsigned long iters);
};

/*
 * Cases outside tun_rss_bench.c (the classifier) add themselves, from a
 * constructor, after the built-in ones.
 */
void bench_register(const struct bench_case *cases, unsigned int n);

int bench_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* rss_select.c: steer.c's path for a frame when no rule matches */
u16 bench_rss_select(const struct tun_rss_ctx *ctx, const u8 *data,
		     unsigned int len, unsigned int nqueues);
u16 bench_rss_select_skb(const struct tun_rss_ctx *ctx, const u8 *data,
			 unsigned int len, unsigned int nqueues);
/*
 * skb_header_pointer() of a linear skb: the data itself.  Out of line
 * (in the harness), so the compiler cannot drop the caller's buffer.
 */
const u8 *bench_header_pointer(const u8 *data, unsigned int len, u8 *buf);

/*
 * Per-frame loop of a case: @expr is evaluated for frame i of the pool
 * (index p) and folded into the result.
 */
#define BENCH_LOOP(iters, p, expr) ({					\
	unsigned long __i;						\
	u32 __acc = 0;							\
									\
	for (__i = 0; __i < (iters); __i++) {				\
		unsigned int p = __i & (BENCH_POOL - 1);		\
									\
		__acc ^= (expr);					\
	}								\
	__acc;								\
})

#endif /* _TUN_RSS_BENCH_H */
