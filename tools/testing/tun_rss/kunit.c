// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace runner for the KUnit shim (shim/kunit/test.h): runs every
 * registered suite's cases in order and prints one TAP line per case,
 * "ok N - suite.case", "not ok N - suite.case" or
 * "ok N - suite.case # SKIP reason", diagnostics as "# " lines, and the
 * plan at the end.  Nothing is timed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kunit/test.h>

#define KUNIT_SHIM_MAX_SUITES	16

struct kunit_shim_alloc {
	struct kunit_shim_alloc *next;
	void *ptr;
};

static struct kunit_suite *suites[KUNIT_SHIM_MAX_SUITES];
static size_t nsuites;

void kunit_shim_register(struct kunit_suite **s, size_t n)
{
	while (n--) {
		if (nsuites == KUNIT_SHIM_MAX_SUITES) {
			fprintf(stderr, "kunit shim: too many suites\n");
			exit(2);
		}
		suites[nsuites++] = *s++;
	}
}

void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	struct kunit_shim_alloc *a = malloc(sizeof(*a));

	(void)gfp;
	if (!a)
		return NULL;
	/* Exactly @size bytes, so ASan sees any read past them. */
	a->ptr = malloc(size);
	if (!a->ptr && size) {
		free(a);
		return NULL;
	}
	a->next = test->allocs;
	test->allocs = a;
	return a->ptr;
}

void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	void *p = kunit_kmalloc(test, size, gfp);

	if (p)
		memset(p, 0, size);
	return p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	struct kunit_shim_alloc **pp, *a;

	for (pp = &test->allocs; (a = *pp); pp = &a->next) {
		if (a->ptr == ptr) {
			*pp = a->next;
			free(a->ptr);
			free(a);
			return;
		}
	}
	kunit_shim_fail(test, __FILE__, __LINE__,
			"a pointer that kunit_kmalloc() returned");
}

static void kunit_shim_free_all(struct kunit *test)
{
	while (test->allocs)
		kunit_kfree(test, test->allocs->ptr);
}

/* @what is the expectation that failed, NULL for KUNIT_FAIL() */
void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *what)
{
	test->failed = true;
	if (what)
		printf("# %s: %s:%d: expected %s\n", test->name, file, line,
		       what);
	else
		printf("# %s: %s:%d: failed\n", test->name, file, line);
}

void kunit_shim_values(unsigned long long l, unsigned long long r)
{
	printf("#   left 0x%llx (%lld), right 0x%llx (%lld)\n",
	       l, (long long)l, r, (long long)r);
}

void kunit_shim_note(const char *fmt, ...)
{
	va_list ap;

	fputs("#   ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void kunit_shim_info(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", test->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void kunit_shim_abort(struct kunit *test)
{
	longjmp(test->abort, 1);
}

void kunit_shim_skip(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	test->skipped = true;
	va_start(ap, fmt);
	vsnprintf(test->skip_reason, sizeof(test->skip_reason), fmt, ap);
	va_end(ap);
	kunit_shim_abort(test);
}

/* Not automatic: it must survive the longjmp() of an assertion. */
static struct kunit test;

/* Nothing here changes after setjmp(): nothing for longjmp() to clobber. */
static void kunit_shim_run_case(struct kunit_suite *suite,
				struct kunit_case *c, const char *name)
{
	memset(&test, 0, sizeof(test));
	test.name = name;
	if (!setjmp(test.abort)) {
		if (!suite->init || !suite->init(&test))
			c->run_case(&test);
	}
	if (suite->exit)
		suite->exit(&test);
	kunit_shim_free_all(&test);
}

int kunit_shim_run_all(void)
{
	unsigned int n = 0, failed = 0, skipped = 0;
	char name[512];
	size_t s;

	printf("TAP version 13\n");
	for (s = 0; s < nsuites; s++) {
		struct kunit_case *c;

		for (c = suites[s]->test_cases; c->run_case; c++) {
			snprintf(name, sizeof(name), "%s.%s", suites[s]->name,
				 c->name);
			kunit_shim_run_case(suites[s], c, name);

			n++;
			if (test.failed) {
				failed++;
				printf("not ok %u - %s\n", n, name);
			} else if (test.skipped) {
				skipped++;
				printf("ok %u - %s # SKIP %s\n", n, name,
				       test.skip_reason);
			} else {
				printf("ok %u - %s\n", n, name);
			}
			fflush(stdout);
		}
	}
	printf("1..%u\n", n);
	printf("# %u passed, %u failed, %u skipped\n",
	       n - failed - skipped, failed, skipped);
	return failed ? 1 : 0;
}
