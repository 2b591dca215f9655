/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's seeded pseudo-random API; a different generator
 * (xorshift64*), so sequences differ from the kernel's for one seed.
 */
#ifndef _TUN_RSS_SHIM_LINUX_PRANDOM_H
#define _TUN_RSS_SHIM_LINUX_PRANDOM_H

#include <linux/types.h>

struct rnd_state {
	u64 s;
};

static inline void prandom_seed_state(struct rnd_state *state, u64 seed)
{
	state->s = seed ^ 0x9e3779b97f4a7c15ULL;
	if (!state->s)
		state->s = 1;
}

static inline u32 prandom_u32_state(struct rnd_state *state)
{
	u64 x = state->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state->s = x;
	return (x * 0x2545f4914f6cdd1dULL) >> 32;
}

static inline void prandom_bytes_state(struct rnd_state *state, void *buf,
				       size_t nbytes)
{
	u8 *p = buf;

	while (nbytes--)
		*p++ = prandom_u32_state(state);
}

#endif
