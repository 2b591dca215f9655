// SPDX-License-Identifier: GPL-2.0
/*
 * What size the host gives its XSTATE regset, found the way a tracer
 * sees it: PTRACE_GETREGSET(NT_X86_XSTATE) on a stopped child, whose
 * iov_len the host shortens to the regset's size.  Also CPUID(0xD, 0).EBX,
 * the XSAVE size of the features XCR0 enables.
 *
 * Run on the host, it gives the number the UML kernel must have found at
 * boot ("UML: host FP state is N bytes per thread"); the two are compared
 * by scripts/check.sh.  Prints "ptrace=N cpuid=M".
 */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

static long regset_size(pid_t pid)
{
	size_t len = 4096;
	struct iovec iov;
	void *buf;

	for (;;) {
		buf = calloc(1, len);
		if (!buf)
			return -ENOMEM;
		iov.iov_base = buf;
		iov.iov_len = len;
		if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) < 0) {
			free(buf);
			return -errno;
		}
		free(buf);
		if (iov.iov_len < len)
			return iov.iov_len;
		if (len >= 1024 * 1024)
			return -E2BIG;
		len *= 2;
	}
}

int main(void)
{
	unsigned int eax, ebx = 0, ecx, edx;
	int status;
	long size;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		fprintf(stderr, "xstate_size: the child did not stop\n");
		return 1;
	}
	size = regset_size(pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (size < 0) {
		fprintf(stderr, "xstate_size: PTRACE_GETREGSET(NT_X86_XSTATE): %s\n",
			strerror(-size));
		return 1;
	}
	if (__get_cpuid_max(0, NULL) >= 0xd)
		__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	printf("ptrace=%ld cpuid=%u\n", size, ebx);
	return 0;
}
