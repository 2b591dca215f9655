/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the KUnit API the tun RSS suites use, so that the same
 * tun_rss_kunit.c runs in userspace (under ASan/UBSan) as in the kernel.
 * Semantics follow include/kunit/test.h: EXPECT records a failure and
 * goes on, ASSERT and kunit_skip() end the case.  The runner (kunit.c)
 * prints one TAP line per case.
 */
#ifndef _TUN_RSS_SHIM_KUNIT_TEST_H
#define _TUN_RSS_SHIM_KUNIT_TEST_H

#include <linux/types.h>
#include <linux/array_size.h>
#include <setjmp.h>
#include <string.h>

#define GFP_KERNEL	0

struct kunit_shim_alloc;

struct kunit {
	const char *name;
	bool failed;
	bool skipped;
	char skip_reason[256];
	jmp_buf abort;
	struct kunit_shim_alloc *allocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }

void kunit_shim_register(struct kunit_suite **suites, size_t n);
int kunit_shim_run_all(void);

#define kunit_test_suites(...)						\
	static struct kunit_suite *kunit_shim_suites_[] = { __VA_ARGS__ };\
	static void __attribute__((constructor)) kunit_shim_init_(void)	\
	{								\
		kunit_shim_register(kunit_shim_suites_,			\
				    ARRAY_SIZE(kunit_shim_suites_));	\
	}								\
	struct kunit_shim_suites_registered

#define kunit_test_suite(suite)	kunit_test_suites(&(suite))

void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp);
void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);
#define kunit_kmalloc_array(test, n, size, gfp) \
	kunit_kmalloc(test, (n) * (size), gfp)
#define kunit_kcalloc(test, n, size, gfp) \
	kunit_kzalloc(test, (n) * (size), gfp)

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *what);
void kunit_shim_values(unsigned long long l, unsigned long long r);
/*
 * No format attributes: the kernel build checks the formats of the same
 * calls (KUnit's _MSG macros are __printf).
 */
void kunit_shim_note(const char *fmt, ...);
void kunit_shim_skip(struct kunit *test, const char *fmt, ...);
void kunit_shim_abort(struct kunit *test);

#define kunit_skip(test, fmt, ...) kunit_shim_skip(test, fmt, ##__VA_ARGS__)

/* A "# " diagnostic line; like the kernel's, @fmt ends with "\n". */
void kunit_shim_info(struct kunit *test, const char *fmt, ...);
#define kunit_info(test, fmt, ...) kunit_shim_info(test, fmt, ##__VA_ARGS__)

/*
 * Compared like the kernel's KUNIT_BINARY_INT_ASSERTION, by the usual
 * arithmetic conversions, spelt out so that -Wsign-compare (which the
 * kernel does not use) stays quiet.
 */
#define KUNIT_SHIM_BINARY(test, fatal, left, op, right, note) do {	\
	struct kunit *__test = (test);					\
	const __typeof__(left) __left = (left);				\
	const __typeof__(right) __right = (right);			\
	const __typeof__(__left + __right) __l = __left, __r = __right; \
									\
	if (!(__l op __r)) {						\
		kunit_shim_fail(__test, __FILE__, __LINE__,		\
				#left " " #op " " #right);		\
		kunit_shim_values((unsigned long long)__left,		\
				  (unsigned long long)__right);		\
		note;							\
		if (fatal)						\
			kunit_shim_abort(__test);			\
	}								\
} while (0)

#define KUNIT_SHIM_MEMEQ(test, fatal, left, right, size, note) do {	\
	struct kunit *__test = (test);					\
									\
	if (memcmp((left), (right), (size))) {				\
		kunit_shim_fail(__test, __FILE__, __LINE__,		\
				"memcmp(" #left ", " #right ") == 0");	\
		note;							\
		if (fatal)						\
			kunit_shim_abort(__test);			\
	}								\
} while (0)

#define KUNIT_SHIM_NOTE(fmt, ...) kunit_shim_note(fmt, ##__VA_ARGS__)
#define KUNIT_SHIM_NONE ((void)0)

#define KUNIT_EXPECT_EQ(t, l, r) KUNIT_SHIM_BINARY(t, 0, l, ==, r, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_NE(t, l, r) KUNIT_SHIM_BINARY(t, 0, l, !=, r, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_LT(t, l, r) KUNIT_SHIM_BINARY(t, 0, l, <, r, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_LE(t, l, r) KUNIT_SHIM_BINARY(t, 0, l, <=, r, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_TRUE(t, c) KUNIT_SHIM_BINARY(t, 0, !!(c), ==, 1, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_FALSE(t, c) KUNIT_SHIM_BINARY(t, 0, !!(c), ==, 0, KUNIT_SHIM_NONE)
#define KUNIT_EXPECT_MEMEQ(t, l, r, n) KUNIT_SHIM_MEMEQ(t, 0, l, r, n, KUNIT_SHIM_NONE)

#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 0, l, ==, r, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 0, l, !=, r, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 0, l, <, r, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 0, !!(c), ==, 1, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 0, !!(c), ==, 0, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, fmt, ...) \
	KUNIT_SHIM_MEMEQ(t, 0, l, r, n, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))

#define KUNIT_ASSERT_EQ(t, l, r) KUNIT_SHIM_BINARY(t, 1, l, ==, r, KUNIT_SHIM_NONE)
#define KUNIT_ASSERT_LE(t, l, r) KUNIT_SHIM_BINARY(t, 1, l, <=, r, KUNIT_SHIM_NONE)
#define KUNIT_ASSERT_TRUE(t, c) KUNIT_SHIM_BINARY(t, 1, !!(c), ==, 1, KUNIT_SHIM_NONE)
#define KUNIT_ASSERT_NOT_NULL(t, p) KUNIT_SHIM_BINARY(t, 1, !!(p), ==, 1, KUNIT_SHIM_NONE)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 1, l, ==, r, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...) \
	KUNIT_SHIM_BINARY(t, 1, !!(c), ==, 1, KUNIT_SHIM_NOTE(fmt, ##__VA_ARGS__))

#define KUNIT_FAIL(t, fmt, ...) do {					\
	kunit_shim_fail(t, __FILE__, __LINE__, NULL);			\
	kunit_shim_note(fmt, ##__VA_ARGS__);				\
} while (0)

#endif
