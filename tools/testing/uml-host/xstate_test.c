// SPDX-License-Identifier: GPL-2.0
/*
 * xstate_test: the FP and vector state of a task survives task switches,
 * preemption, sched_yield() and signal delivery, and does not leak from
 * one task to another.
 *
 * Written for UML, whose kernel keeps each guest task's FP/vector state in
 * a buffer it reads and writes with PTRACE_{GET,SET}REGSET NT_X86_XSTATE on
 * the host process that runs the task.  All the threads of a guest process
 * run in one host process, so a kernel that saved and restored less than
 * the whole XSAVE area (say only the legacy 512-byte FXSAVE part) would let
 * one thread see the ymm upper halves, zmm registers and opmask registers
 * of the thread that ran before it, and would let a signal handler's values
 * survive sigreturn.  Both are checked here.
 *
 * Each worker (N threads of this process, M forked processes) loops: one
 * asm statement loads values unique to the worker, the iteration and the
 * register into the x87 stack, the x87 control word, MXCSR, ymm0-15 or,
 * with AVX-512, zmm0-31 and k0-7; spins long enough to be preempted or
 * calls sched_yield() a few times; and stores all of them back.  C code
 * compares afterwards, so nothing the compiler generates can touch the
 * registers in between.  A sender thread in each process keeps signalling
 * the workers with SIGUSR1, whose handler overwrites all those registers.
 *
 * The first line says what the CPU offers ("xstate_test: xcr0=0x...
 * cpuid(0xd,0).ebx=N avx=1 avx512=1 amx=0"), every wrong value is a line
 * with MISMATCH, the last line says PASS or FAIL with the counts.  Exit
 * status: 0 pass, 1 failure (a mismatch, too few checks or signals to
 * mean anything, a hang or an error), 4 skipped (no usable AVX; the line
 * starts with "SKIP:").  See README.md.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "xstate_asm.h"

#define MAX_WORKERS	64
#define WINDOW_US	4000	/* length of a preempt window */
#define YIELDS		4	/* sched_yield() calls in a yield window */
#define SIGNAL_US	500	/* a sender's pause between two signals */
#define GRACE_S		60	/* the watchdog fires this long after the end */

/*
 * Below these counts per worker the run proves nothing and fails: checks
 * of each kind, signals taken inside a vector window, and windows during
 * which the worker was switched out.
 */
#define MIN_CHECKS	5
#define MIN_SIGNALS	5
#define MIN_SWITCHED	1

/* Numbers of registers in the values, for the diagnostics */
#define REG_K		32	/* k0-7 */
#define REG_ST		40	/* the 8 x87 slots */

/* CPUID and XCR0 bits */
#define CPUID1_ECX_OSXSAVE	(1u << 27)
#define CPUID1_ECX_AVX		(1u << 28)
#define CPUID7_EBX_AVX512F	(1u << 16)
#define CPUID7_EBX_AVX512BW	(1u << 30)
#define XCR0_SSE_AVX		0x06ull		/* bits 1, 2 */
#define XCR0_AVX512		0xe0ull		/* bits 5, 6, 7 */
#define XCR0_AMX		0x60000ull	/* bits 17, 18 */

#define FCW_MASK	0x0f3f	/* the FCW bits that mean something */

enum { PREEMPT, YIELD, NR_KINDS };
static const char *const kind_name[NR_KINDS] = { "preempt", "yield" };


/* One worker's counters, in memory shared with the forked workers */
struct wstats {
	unsigned long checks[NR_KINDS];
	unsigned long switched[NR_KINDS];	/* windows switched out in */
	unsigned long signals;			/* taken by the worker */
	unsigned long sig_in_window;		/* ... inside a vector window */
	int pid, tid;
	bool failed;
};

struct shared {
	struct timespec deadline;
	int failed;
	struct wstats w[MAX_WORKERS];
};

typedef void run_fn(const struct vstate *in, struct vstate *out,
		    uint64_t spin, uint64_t yields);
typedef void clobber_fn(const struct vstate *c);

/* One way of checking: which registers, loaded by which code */
struct variant {
	const char *name;
	unsigned int nr_vec, vec_bytes;	/* vector registers, their size */
	unsigned int nr_k;		/* opmask registers */
	uint64_t k_mask;		/* their architectural width */
	run_fn *run;
	clobber_fn *clobber;
	const char *win_begin, *win_end;
};

/* The workers of one process and the sender that signals them */
struct proc {
	unsigned int nr;
	int running;
	pthread_t thread[MAX_WORKERS];
	struct worker_arg {
		struct proc *proc;
		unsigned int id;
	} arg[MAX_WORKERS];
};

static struct {
	uint64_t xcr0;
	uint32_t xsave_size;
	bool avx, avx512, avx512bw, amx;
} cpu;

static struct {
	unsigned int threads, procs, seconds;
	bool quiet, ymm_only;
} opt = { 4, 2, 3, false, false };

static const struct variant *variant;
static struct shared *shared;
static struct vstate clobber_state;
static uint32_t mxcsr_mask;
static uint64_t spin_iters;
static pid_t child_pid[MAX_WORKERS];
static __thread struct wstats *my_stats;

/* ---- output: one write() per message, from any thread or process ---- */

static void write_all(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

struct msg {
	char buf[8192];
	size_t len;
	unsigned int worker;	/* whose mismatches */
};

static void __attribute__((format(printf, 2, 3)))
add(struct msg *m, const char *fmt, ...)
{
	size_t room = sizeof(m->buf) - m->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	struct msg m = { .len = 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m.buf, sizeof(m.buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		write_all(m.buf, (size_t)n < sizeof(m.buf) ?
			  (size_t)n : sizeof(m.buf) - 1);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("xstate_test: FAIL: %s: %s\n", buf, strerror(errno));
	exit(1);
}

/* ---- features ---- */

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (uint64_t)hi << 32 | lo;
}

/* What the CPU has and the OS enabled in XCR0: never assumed at build. */
static void detect(void)
{
	unsigned int max, a, b, c, d;
	bool avx512f = false;

	__cpuid_count(0, 0, max, b, c, d);
	__cpuid_count(1, 0, a, b, c, d);
	if (!(c & CPUID1_ECX_OSXSAVE))
		return;
	cpu.xcr0 = xgetbv0();
	cpu.avx = (c & CPUID1_ECX_AVX) &&
		  (cpu.xcr0 & XCR0_SSE_AVX) == XCR0_SSE_AVX;
	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		avx512f = b & CPUID7_EBX_AVX512F;
		cpu.avx512bw = b & CPUID7_EBX_AVX512BW;
	}
	cpu.avx512 = cpu.avx && avx512f &&
		     (cpu.xcr0 & XCR0_AVX512) == XCR0_AVX512;
	cpu.amx = (cpu.xcr0 & XCR0_AMX) == XCR0_AMX;
	/* EBX: the XSAVE area size for the features enabled in XCR0 */
	if (max >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		cpu.xsave_size = b;
	}
}

/* The MXCSR bits this CPU accepts (DAZ is not everywhere). */
static uint32_t get_mxcsr_mask(void)
{
	uint8_t area[512] __attribute__((aligned(16))) = { 0 };
	uint32_t mask;

	asm volatile("fxsave %0" : "=m" (area));
	memcpy(&mask, area + 28, sizeof(mask));
	return mask ? mask : 0xffbf;
}

/* ---- the values ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/*
 * A 64-bit word of a worker's register: 10 and the worker number in the
 * top byte, then the register, the word, 24 bits of the iteration and 20
 * pseudo-random bits.  A wrong value can so be traced to where it came
 * from; the signal handler's values start with 0xdeadbeef instead.
 */
static uint64_t value(unsigned int worker, uint64_t iter, unsigned int reg,
		      unsigned int word)
{
	uint64_t r = mix(iter << 20 ^ (uint64_t)worker << 12 ^ reg << 4 ^ word);

	return (uint64_t)(0x80 | worker) << 56 | (uint64_t)reg << 48 |
	       (uint64_t)word << 44 | (iter & 0xffffff) << 20 | (r & 0xfffff);
}

static uint64_t clobber_value(unsigned int reg, unsigned int word)
{
	return 0xdeadbeef00000000ull | reg << 8 | word;
}

/*
 * Never the default 0x1f80 and different for each worker: exceptions stay
 * masked (bits 7-12) while the rounding control (13-14), flush to zero
 * (15), denormals are zero (6) and the sticky flags (0-5) vary.
 */
static uint32_t worker_mxcsr(unsigned int worker)
{
	uint32_t v = worker + 1;

	return (0x1f80 | (v & 3) << 13 | ((v >> 2) & 1) << 15 |
		((v >> 3) & 1) << 6 | ((v >> 4) & 0x3f)) & mxcsr_mask;
}

/*
 * Never the default 0x037f: exceptions stay masked, the precision control
 * (bits 8-9) is 0 or 2 and the rounding control (10-11) varies.
 */
static uint16_t worker_fcw(unsigned int worker)
{
	return 0x007f | (worker & 1 ? 2 : 0) << 8 | ((worker >> 1) & 3) << 10;
}

static void fill(struct vstate *s, unsigned int worker, uint64_t iter)
{
	unsigned int r, w;
	uint64_t v;

	for (r = 0; r < 32; r++) {
		for (w = 0; w < 8; w++) {
			v = value(worker, iter, r, w);
			memcpy(&s->zmm[r][w * 8], &v, 8);
		}
	}
	for (r = 0; r < 8; r++) {
		s->k[r] = value(worker, iter, REG_K + r, 0);
		s->st[r] = (int64_t)value(worker, iter, REG_ST + r, 0);
	}
	s->mxcsr = worker_mxcsr(worker);
	s->fcw = worker_fcw(worker);
}

/* What the signal handler loads: FCW 0x0f7f and MXCSR 0xffff are no worker's. */
static void fill_clobber(struct vstate *s)
{
	unsigned int r, w;
	uint64_t v;

	for (r = 0; r < 32; r++) {
		for (w = 0; w < 8; w++) {
			v = clobber_value(r, w);
			memcpy(&s->zmm[r][w * 8], &v, 8);
		}
	}
	for (r = 0; r < 8; r++) {
		s->k[r] = clobber_value(REG_K + r, 0);
		s->st[r] = (int64_t)clobber_value(REG_ST + r, 0);
	}
	s->mxcsr = 0xffff & mxcsr_mask;
	s->fcw = 0x0f7f;
}

static const struct variant variants[] = {
	{ "ymm0-15", 16, 32, 0, 0, run_ymm, clobber_ymm,
	  xs_ymm_window_begin, xs_ymm_window_end },
	{ "zmm0-31 k0-7", 32, 64, 8, ~0ull, run_zmm, clobber_zmm,
	  xs_zmm_window_begin, xs_zmm_window_end },
	{ "zmm0-31 k0-7 (16-bit)", 32, 64, 8, 0xffff, run_zmm_kw,
	  clobber_zmm_kw, xs_zmm_kw_window_begin, xs_zmm_kw_window_end },
};

/* ---- signals ---- */

static void on_sigusr1(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t ip = ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
	struct wstats *st = my_stats;

	(void)sig;
	(void)si;
	if (st) {
		__atomic_fetch_add(&st->signals, 1, __ATOMIC_RELAXED);
		if (ip >= (uintptr_t)variant->win_begin &&
		    ip <= (uintptr_t)variant->win_end)
			__atomic_fetch_add(&st->sig_in_window, 1,
					   __ATOMIC_RELAXED);
	}
	variant->clobber(&clobber_state);
}

/* A worker that hangs (a kernel bug can do that) fails the run. */
static void on_watchdog(int sig)
{
	static const char msg[] = "xstate_test: FAIL: timed out\n";
	unsigned int i;

	(void)sig;
	for (i = 0; i < opt.procs; i++)
		if (child_pid[i] > 0)
			kill(child_pid[i], SIGKILL);
	write_all(msg, sizeof(msg) - 1);
	_exit(1);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn,
				.sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		die("sigaction");
}

/* ---- checking ---- */

static const char *reg_name(unsigned int reg, char *buf, size_t len)
{
	if (reg < 32)
		snprintf(buf, len, "%cmm%u", variant->vec_bytes == 64 ?
			 'z' : 'y', reg);
	else if (reg < REG_ST)
		snprintf(buf, len, "k%u", reg - REG_K);
	else	/* st[7] was loaded last: it is st(0) */
		snprintf(buf, len, "st(%u)", 7 - (reg - REG_ST));
	return buf;
}

/* Where a wrong value comes from, as far as it can be told. */
static void describe(struct msg *m, uint64_t v)
{
	char name[32];

	if (v == 0)
		add(m, "zero, the initial state");
	else if (v >> 32 == 0xdeadbeef)
		add(m, "the signal handler's %s",
		    reg_name((v >> 8) & 0xff, name, sizeof(name)));
	else if (v >> 62 == 2 && ((v >> 48) & 0xff) < REG_ST + 8)
		add(m, "worker %u's %s, iteration %llu (mod 2^24)",
		    (unsigned int)(v >> 56) & 0x3f,
		    reg_name((v >> 48) & 0xff, name, sizeof(name)),
		    (unsigned long long)(v >> 20) & 0xffffff);
	else
		add(m, "not a test value");
}

/* Every line says MISMATCH and whose, to be found with grep */
#define MISMATCH	"xstate_test: MISMATCH: worker %u "

static void mismatch(struct msg *m, unsigned int *bad, unsigned int reg,
		     unsigned int word, uint64_t want, uint64_t got)
{
	char name[32];

	if ((*bad)++ >= 16)
		return;
	reg_name(reg, name, sizeof(name));
	if (reg < 32)
		add(m, MISMATCH "%s[%u:%u]", m->worker, name,
		    word * 64 + 63, word * 64);
	else
		add(m, MISMATCH "%s", m->worker, name);
	add(m, ": expected 0x%016llx, got 0x%016llx (",
	    (unsigned long long)want, (unsigned long long)got);
	describe(m, got);
	add(m, ")\n");
}

/* Compare "out" to "in"; returns the number of wrong words. */
static unsigned int compare(const struct vstate *in, const struct vstate *out,
			    struct msg *m)
{
	unsigned int bad = 0, r, w;
	uint64_t a, b;

	for (r = 0; r < variant->nr_vec; r++) {
		for (w = 0; w < variant->vec_bytes / 8; w++) {
			memcpy(&a, &in->zmm[r][w * 8], 8);
			memcpy(&b, &out->zmm[r][w * 8], 8);
			if (a != b)
				mismatch(m, &bad, r, w, a, b);
		}
	}
	for (r = 0; r < variant->nr_k; r++) {
		a = in->k[r] & variant->k_mask;
		b = out->k[r] & variant->k_mask;
		if (a != b)
			mismatch(m, &bad, REG_K + r, 0, a, b);
	}
	for (r = 0; r < 8; r++)
		if (in->st[r] != out->st[r])
			mismatch(m, &bad, REG_ST + r, 0, in->st[r], out->st[r]);
	if (in->mxcsr != out->mxcsr && bad++ < 16)
		add(m, MISMATCH "mxcsr: expected 0x%04x, got 0x%04x\n",
		    m->worker, in->mxcsr, out->mxcsr);
	if ((in->fcw ^ out->fcw) & FCW_MASK && bad++ < 16)
		add(m, MISMATCH "x87 control word: expected 0x%04x, got 0x%04x\n",
		    m->worker, in->fcw, out->fcw);
	return bad;
}

/* ---- workers ---- */

static bool time_is_up(void)
{
	struct timespec now;

	if (__atomic_load_n(&shared->failed, __ATOMIC_RELAXED))
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > shared->deadline.tv_sec ||
	       (now.tv_sec == shared->deadline.tv_sec &&
		now.tv_nsec >= shared->deadline.tv_nsec);
}

static long context_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static unsigned long in_window_signals(struct wstats *st)
{
	return __atomic_load_n(&st->sig_in_window, __ATOMIC_RELAXED);
}

/* One check; false and a report on a mismatch. */
static bool check(unsigned int id, uint64_t iter, int kind,
		  struct vstate *in, struct vstate *out)
{
	struct wstats *st = &shared->w[id];
	unsigned long sigs;
	struct msg m;
	unsigned int bad;
	bool switched;
	long csw;

	fill(in, id, iter);
	memset(out, 0x5a, sizeof(*out));
	sigs = in_window_signals(st);
	csw = context_switches();
	variant->run(in, out, kind == PREEMPT ? spin_iters : 0,
		     kind == YIELD ? YIELDS : 0);
	switched = context_switches() != csw;
	st->checks[kind]++;
	st->switched[kind] += switched;
	sigs = in_window_signals(st) - sigs;

	m.len = 0;
	m.worker = id;
	bad = compare(in, out, &m);
	if (!bad)
		return true;
	say("xstate_test: MISMATCH: worker %u (pid %d tid %d), %s check, iteration %llu, %sswitched out, %lu signal(s) in the window: %u wrong value(s)%s\n%.*s",
	    id, st->pid, st->tid, kind_name[kind], (unsigned long long)iter,
	    switched ? "" : "not ", sigs, bad,
	    bad > 16 ? ", the first 16:" : ":", (int)m.len, m.buf);
	return false;
}

static void *worker(void *arg)
{
	struct worker_arg *a = arg;
	unsigned int id = a->id;
	struct wstats *st = &shared->w[id];
	struct vstate *in, *out;
	uint64_t iter;

	in = aligned_alloc(64, 2 * sizeof(*in));
	if (!in)
		die("aligned_alloc");
	out = in + 1;
	st->pid = getpid();
	st->tid = gettid();
	my_stats = st;
	for (iter = 0; !time_is_up(); iter++) {
		if (!check(id, iter, iter & 1 ? YIELD : PREEMPT, in, out)) {
			st->failed = true;
			__atomic_store_n(&shared->failed, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	free(in);
	__atomic_fetch_sub(&a->proc->running, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Signal the workers of this process in turn until they are all done. */
static void *sender(void *arg)
{
	const struct timespec pause = { 0, SIGNAL_US * 1000 };
	struct proc *p = arg;
	unsigned int i = 0;

	while (__atomic_load_n(&p->running, __ATOMIC_ACQUIRE)) {
		pthread_kill(p->thread[i++ % p->nr], SIGUSR1);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* Workers first..first+nr-1 as threads of this process; true if all pass. */
static bool run_workers(unsigned int first, unsigned int nr)
{
	static struct proc p;
	pthread_t send;
	bool ok = true;
	unsigned int i;

	p.nr = nr;
	p.running = nr;
	for (i = 0; i < nr; i++) {
		p.arg[i].proc = &p;
		p.arg[i].id = first + i;
		errno = pthread_create(&p.thread[i], NULL, worker, &p.arg[i]);
		if (errno)
			die("pthread_create");
	}
	errno = pthread_create(&send, NULL, sender, &p);
	if (errno)
		die("pthread_create");
	for (i = 0; i < nr; i++) {
		pthread_join(p.thread[i], NULL);
		ok &= !shared->w[first + i].failed;
	}
	pthread_join(send, NULL);
	return ok;
}

/* ---- setup ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The same scalar loop as in the window. */
static void spin(uint64_t n)
{
	asm volatile("1:\tdec %0\n\tjnz 1b" : "+r" (n) : : "cc");
}

/* Loop iterations for a WINDOW_US window: best of a few timings. */
static uint64_t calibrate(void)
{
	const uint64_t n = 1 << 22;
	uint64_t best = ~0ull, t;
	int i;

	for (i = 0; i < 5; i++) {
		t = now_ns();
		spin(n);
		t = now_ns() - t;
		if (t && t < best)
			best = t;
	}
	return n * WINDOW_US * 1000 / best + 1;
}

/*
 * Everything on one CPU, so that the workers keep preempting each other
 * even on a big host; UML has one CPU anyway.
 */
static int pin(void)
{
	cpu_set_t set;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (c = 0; c < CPU_SETSIZE && !CPU_ISSET(c, &set); c++)
		;
	if (c == CPU_SETSIZE)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : c;
}

static void usage(const char *argv0)
{
	say("usage: %s [-q] [-a] [-t seconds] [-n threads] [-p processes]\n"
	    "  -q  quiet: only the feature line, failures and the result\n"
	    "  -a  check ymm0-15 only, even with AVX-512\n"
	    "  -t  run for this long (default 3, at least 1)\n"
	    "  -n  worker threads in this process (default 4)\n"
	    "  -p  worker processes (default 2)\n", argv0);
	exit(1);
}

static unsigned int number(const char *s, const char *argv0)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > MAX_WORKERS * 1000)
		usage(argv0);
	return v;
}

static void parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "qat:n:p:")) != -1) {
		switch (c) {
		case 'q':
			opt.quiet = true;
			break;
		case 'a':
			opt.ymm_only = true;
			break;
		case 't':
			opt.seconds = number(optarg, argv[0]);
			break;
		case 'n':
			opt.threads = number(optarg, argv[0]);
			break;
		case 'p':
			opt.procs = number(optarg, argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || !opt.seconds ||
	    !(opt.threads + opt.procs) ||
	    opt.threads + opt.procs > MAX_WORKERS)
		usage(argv[0]);
}

static void setup(void)
{
	int c;

	if (!cpu.avx512 || opt.ymm_only)
		variant = &variants[0];
	else
		variant = &variants[cpu.avx512bw ? 1 : 2];
	mxcsr_mask = get_mxcsr_mask();
	fill_clobber(&clobber_state);
	c = pin();
	spin_iters = calibrate();
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		die("mmap");
	on(SIGUSR1, on_sigusr1);
	signal(SIGALRM, on_watchdog);
	if (!opt.quiet)
		say("xstate_test: checking %s, x87, MXCSR; %u threads + %u processes for %u s, %s%d; windows of %u us (%llu spins) or %u sched_yield()\n",
		    variant->name, opt.threads, opt.procs, opt.seconds,
		    c < 0 ? "not pinned" : "all on CPU ", c < 0 ? 0 : c,
		    WINDOW_US, (unsigned long long)spin_iters, YIELDS);
}

/* ---- results ---- */

static bool wait_children(void)
{
	bool ok = true;
	unsigned int i;
	int status;

	for (i = 0; i < opt.procs; i++) {
		while (waitpid(child_pid[i], &status, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		child_pid[i] = 0;
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			continue;
		ok = false;
		if (WIFSIGNALED(status))
			say("xstate_test: FAIL: worker %u (pid %d) killed by signal %d (%s)\n",
			    opt.threads + i, shared->w[opt.threads + i].pid,
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	return ok;
}

/* Enough checks, signals and switches that a pass means something? */
static bool enough(unsigned int id)
{
	const struct wstats *st = &shared->w[id];

	if (st->checks[PREEMPT] >= MIN_CHECKS &&
	    st->checks[YIELD] >= MIN_CHECKS &&
	    st->sig_in_window >= MIN_SIGNALS &&
	    st->switched[PREEMPT] + st->switched[YIELD] >= MIN_SWITCHED)
		return true;
	say("xstate_test: FAIL: worker %u did too little to prove anything: %lu preempt and %lu yield checks (%d of each needed), %lu signals in a window (%d needed), %lu windows switched out in (%d needed)\n",
	    id, st->checks[PREEMPT], st->checks[YIELD], MIN_CHECKS,
	    st->sig_in_window, MIN_SIGNALS,
	    st->switched[PREEMPT] + st->switched[YIELD], MIN_SWITCHED);
	return false;
}

static int report(bool ok)
{
	unsigned long tot[6] = { 0 };
	unsigned int i, n = opt.threads + opt.procs;
	bool enough_all = true;

	for (i = 0; i < n; i++) {
		const struct wstats *st = &shared->w[i];

		if (!opt.quiet || !ok)
			say("xstate_test: worker %u (%s, pid %d tid %d): %lu preempt checks (%lu switched out), %lu yield checks (%lu switched out), %lu signals (%lu in a window)\n",
			    i, i < opt.threads ? "thread" : "process",
			    st->pid, st->tid, st->checks[PREEMPT],
			    st->switched[PREEMPT], st->checks[YIELD],
			    st->switched[YIELD], st->signals,
			    st->sig_in_window);
		tot[0] += st->checks[PREEMPT];
		tot[1] += st->switched[PREEMPT];
		tot[2] += st->checks[YIELD];
		tot[3] += st->switched[YIELD];
		tot[4] += st->signals;
		tot[5] += st->sig_in_window;
		if (ok)
			enough_all &= enough(i);
	}
	say("xstate_test: %s: %u workers, %lu preempt checks (%lu switched out), %lu yield checks (%lu switched out), %lu signals (%lu in a window)\n",
	    ok && enough_all ? "PASS" : "FAIL", n, tot[0], tot[1], tot[2],
	    tot[3], tot[4], tot[5]);
	return ok && enough_all ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned int i;
	bool ok = true;

	parse(argc, argv);
	detect();
	say("xstate_test: xcr0=0x%llx cpuid(0xd,0).ebx=%u avx=%d avx512=%d amx=%d\n",
	    (unsigned long long)cpu.xcr0, cpu.xsave_size, cpu.avx,
	    cpu.avx512, cpu.amx);
	if (!cpu.avx) {
		say("SKIP: xstate_test: no AVX (CPUID AVX and OSXSAVE, XCR0 bits 1 and 2)\n");
		return 4;
	}
	setup();

	clock_gettime(CLOCK_MONOTONIC, &shared->deadline);
	shared->deadline.tv_sec += opt.seconds;
	for (i = 0; i < opt.procs; i++) {
		child_pid[i] = fork();
		if (child_pid[i] < 0)
			die("fork");
		if (!child_pid[i]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(run_workers(opt.threads + i, 1) ? 0 : 1);
		}
	}
	alarm(opt.seconds + GRACE_S);
	if (opt.threads)
		ok = run_workers(0, opt.threads);
	ok &= wait_children();
	alarm(0);
	return report(ok);
}
