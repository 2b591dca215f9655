/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The asm of xstate_test.c: for each set of registers, one statement that
 * loads them, waits (spinning or in sched_yield()) and stores them, so that
 * no compiled code can touch a vector register in between; and the
 * signal handler's clobbers.
 */
#ifndef XSTATE_ASM_H
#define XSTATE_ASM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

/*
 * What one asm statement loads (from "in") or stores (to "out").  ymm i is
 * zmm[i][0..31].  The x87 stack is loaded st[0] first, so st[7] ends on
 * top.  saved_* is scratch in "out" for the caller's control words.
 */
struct vstate {
	uint8_t zmm[32][64];
	uint64_t k[8];
	int64_t st[8];
	uint32_t mxcsr;
	uint16_t fcw;
	uint16_t saved_fcw;
	uint32_t saved_mxcsr;
} __attribute__((aligned(64)));


#define IRP8	"0,1,2,3,4,5,6,7"
#define IRP16	IRP8 ",8,9,10,11,12,13,14,15"
#define IRP32	IRP16 ",16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

/* insn once for each i of list, by the assembler: \\i in insn is i */
#define EACH(list, insn)						\
	".irp i," list "\n\t" insn "\n\t.endr\n\t"

/* Save the caller's FCW and MXCSR, load ours and fill the x87 stack. */
#define LOAD_X87_MXCSR							\
	"fnstcw %c[o_sfcw](%[out])\n\t"					\
	"stmxcsr %c[o_smx](%[out])\n\t"					\
	"fninit\n\t"							\
	"fldcw %c[o_fcw](%[in])\n\t"					\
	"ldmxcsr %c[o_mx](%[in])\n\t"					\
	EACH(IRP8, "fildq %c[o_st]+\\i*8(%[in])")

/* Empty the x87 stack into "out", store ours, give the caller's back. */
#define STORE_X87_MXCSR							\
	EACH("7,6,5,4,3,2,1,0", "fistpq %c[o_st]+\\i*8(%[out])")	\
	"fnstcw %c[o_fcw](%[out])\n\t"					\
	"stmxcsr %c[o_mx](%[out])\n\t"					\
	"fldcw %c[o_sfcw](%[out])\n\t"					\
	"ldmxcsr %c[o_smx](%[out])\n\t"

/*
 * The window: everything is loaded, nothing stored yet.  Spin without
 * touching a vector register, then call sched_yield() "yields" times.  The
 * labels let the signal handler tell whether it interrupted a window; a
 * duplicated asm statement would not assemble, so none can be missed.
 */
#define WINDOW(label)							\
	".globl " label "_begin\n"					\
	".hidden " label "_begin\n"					\
	label "_begin:\n\t"						\
	"test %[spin], %[spin]\n\t"					\
	"jz 2f\n"							\
	"1:\tdec %[spin]\n\t"						\
	"jnz 1b\n"							\
	"2:\ttest %[yields], %[yields]\n\t"				\
	"jz 3f\n\t"							\
	"mov %[nr_yield], %%eax\n\t"					\
	"syscall\n\t"							\
	"dec %[yields]\n\t"						\
	"jmp 2b\n"							\
	"3:\n"								\
	".globl " label "_end\n"					\
	".hidden " label "_end\n"					\
	label "_end:\n\t"

#define OFFSETS(base)							\
	[o_k] "i" (offsetof(struct vstate, k)),				\
	[o_st] "i" (offsetof(struct vstate, st)),			\
	[o_mx] "i" (offsetof(struct vstate, mxcsr)),			\
	[o_fcw] "i" (offsetof(struct vstate, fcw)),			\
	[o_smx] "i" (offsetof(struct vstate, saved_mxcsr)),		\
	[o_sfcw] "i" (offsetof(struct vstate, saved_fcw)),		\
	[base] "r" (base)

#define RUN_OPERANDS							\
	: [spin] "+r" (spin), [yields] "+r" (yields)			\
	: [in] "r" (in), [nr_yield] "i" (SYS_sched_yield), OFFSETS(out)

#define CLOBBERS_X87							\
	"cc", "memory",							\
	"st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

/* The syscall instruction clobbers rcx and r11, the result rax */
#define CLOBBERS_RUN	CLOBBERS_X87, "rax", "rcx", "r11"

#define CLOBBERS_XMM0_15						\
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",	\
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

#define CLOBBERS_AVX512							\
	CLOBBERS_XMM0_15,						\
	"xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",	\
	"xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29",	\
	"xmm30", "xmm31",						\
	"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"

/*
 * noclone with noinline: each window label must be emitted exactly once.
 * vzeroupper at the end spares the SSE code that follows the AVX-SSE
 * transition penalty.
 */
static void __attribute__((noinline, noclone))
run_ymm(const struct vstate *in, struct vstate *out, uint64_t spin,
	uint64_t yields)
{
	asm volatile(LOAD_X87_MXCSR
		     EACH(IRP16, "vmovdqu \\i*64(%[in]), %%ymm\\i")
		     WINDOW("xs_ymm_window")
		     EACH(IRP16, "vmovdqu %%ymm\\i, \\i*64(%[out])")
		     STORE_X87_MXCSR
		     "vzeroupper"
		     RUN_OPERANDS
		     : CLOBBERS_RUN, CLOBBERS_XMM0_15);
}

/*
 * The AVX-512 versions; the target attribute only lets the clobber list
 * name xmm16-31 and k0-7, the mnemonics go to the assembler as they are.
 * Without AVX512BW the opmask registers are 16 bits wide (kmovw).
 */
#define DEFINE_RUN_ZMM(fn, label, kmov)					\
static void __attribute__((noinline, noclone, target("avx512f")))	\
fn(const struct vstate *in, struct vstate *out,				\
	uint64_t spin, uint64_t yields)					\
{									\
	asm volatile(LOAD_X87_MXCSR					\
		     EACH(IRP32, "vmovdqu64 \\i*64(%[in]), %%zmm\\i")	\
		     EACH(IRP8, kmov " %c[o_k]+\\i*8(%[in]), %%k\\i")	\
		     WINDOW(label)					\
		     EACH(IRP32, "vmovdqu64 %%zmm\\i, \\i*64(%[out])")	\
		     EACH(IRP8, kmov " %%k\\i, %c[o_k]+\\i*8(%[out])")	\
		     STORE_X87_MXCSR					\
		     "vzeroupper"					\
		     RUN_OPERANDS					\
		     : CLOBBERS_RUN, CLOBBERS_AVX512);			\
}

DEFINE_RUN_ZMM(run_zmm, "xs_zmm_window", "kmovq")
DEFINE_RUN_ZMM(run_zmm_kw, "xs_zmm_kw_window", "kmovw")

/*
 * The signal handler's: overwrite everything the interrupted code holds.
 * The x87 stack is left empty as the ABI wants, but its registers hold
 * our values, and the control words stay ours: only sigreturn can give
 * the interrupted code its own back.
 *
 * No target attribute here: gcc would end an AVX function with a
 * vzeroupper and so put the upper halves of ymm0-15 and zmm0-15 back in
 * their init state, which the kernel's sigreturn must not be left to do.
 * Without one, the clobber list cannot name xmm16-31 nor k0-7; code not
 * built for AVX-512 never keeps anything there, and the handler has
 * nothing to keep anyway.
 */
#define CLOBBER_X87_MXCSR						\
	"fninit\n\t"							\
	"fldcw %c[o_fcw](%[c])\n\t"					\
	"ldmxcsr %c[o_mx](%[c])\n\t"					\
	EACH(IRP8, "fildq %c[o_st]+\\i*8(%[c])")			\
	EACH(IRP8, "fstp %%st(0)")

#define CLOBBER_OPERANDS						\
	: : OFFSETS(c)							\
	: CLOBBERS_X87, CLOBBERS_XMM0_15

static void clobber_ymm(const struct vstate *c)
{
	asm volatile(CLOBBER_X87_MXCSR
		     EACH(IRP16, "vmovdqu \\i*64(%[c]), %%ymm\\i")
		     CLOBBER_OPERANDS);
}

#define DEFINE_CLOBBER_ZMM(fn, kmov)					\
static void fn(const struct vstate *c)					\
{									\
	asm volatile(CLOBBER_X87_MXCSR					\
		     EACH(IRP32, "vmovdqu64 \\i*64(%[c]), %%zmm\\i")	\
		     EACH(IRP8, kmov " %c[o_k]+\\i*8(%[c]), %%k\\i")	\
		     CLOBBER_OPERANDS);					\
}

DEFINE_CLOBBER_ZMM(clobber_zmm, "kmovq")
DEFINE_CLOBBER_ZMM(clobber_zmm_kw, "kmovw")

extern const char xs_ymm_window_begin[], xs_ymm_window_end[];
extern const char xs_zmm_window_begin[], xs_zmm_window_end[];
extern const char xs_zmm_kw_window_begin[], xs_zmm_kw_window_end[];

#endif /* XSTATE_ASM_H */
