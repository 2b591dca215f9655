# tun-rss: multi-queue tun/tap as an RSS device.
#
#   make            the main job (= make demo): build everything, boot the
#                   patched kernel, show RSS at work on a tap
#   make check      all tests; ends with "N passed, N failed, N skipped"
#
# Other targets: deps fetch assemble kernel kernel-base kernel-x86vm tools vm
# x86 series qemu e2e
# lint bisect-check fuzz bench
# clean distclean.  See README.md.

SHELL		:= /bin/bash
TOP		:= $(CURDIR)
B		:= $(TOP)/build
TREE		:= $(B)/linux
KOBJ_UM		:= $(B)/kbuild-um
KOBJ_UM_BASE	:= $(B)/kbuild-um-base
KOBJ_X86	:= $(B)/kbuild-x86
KOBJ_X86VM	:= $(B)/kbuild-x86vm
JOBS		?= $(shell nproc)
export CCACHE_DIR ?= $(B)/ccache
KMAKE_UM	= $(MAKE) -s -C $(TREE) O=$(KOBJ_UM) ARCH=um CC="ccache gcc" -j$(JOBS)
KMAKE_X86	= $(MAKE) -s -C $(TREE) O=$(KOBJ_X86) ARCH=x86_64 CC="ccache gcc" -j$(JOBS)

.PHONY: all demo check deps fetch assemble kernel kernel-base kernel-x86vm tools vm \
	x86 series qemu e2e \
	lint bisect-check fuzz bench clean distclean

all: demo

deps:
	@scripts/deps.sh

fetch: deps
	@scripts/fetch-sources.sh

assemble: fetch
	@scripts/assemble.sh

kernel: assemble
	@scripts/kconfig.sh um $(KOBJ_UM) $(TOP)/config/uml.config
	@echo "kernel: building UML (ccache in $(CCACHE_DIR))"
	@flock $(B)/.kbuild-um.lock $(KMAKE_UM) linux
	@echo "kernel: $(KOBJ_UM)/linux"

# The base without the tun-rss series, same config: build/kbuild-um-base,
# from build/base-um/linux (the pristine base plus host-patches/ only)
kernel-base: fetch
	@scripts/assemble.sh --base
	@scripts/kconfig.sh um $(KOBJ_UM_BASE) $(TOP)/config/uml.config $(B)/base-um/linux
	@echo "kernel-base: building UML from the base (host patches only)"
	@flock $(B)/.kbuild-um-base.lock $(MAKE) -s -C $(B)/base-um/linux \
		O=$(KOBJ_UM_BASE) ARCH=um CC="ccache gcc" -j$(JOBS) linux
	@echo "kernel-base: $(KOBJ_UM_BASE)/linux"

# The SMP x86_64 guest for qemu (scripts/vm.sh -x): what UML cannot do,
# more than one CPU.  tinyconfig + config/x86-vm.config
kernel-x86vm: assemble
	@KCONFIG_BASE=tinyconfig scripts/kconfig.sh x86_64 $(KOBJ_X86VM) $(TOP)/config/x86-vm.config
	@echo "kernel-x86vm: building x86_64 (SMP, for qemu)"
	@flock $(B)/.kbuild-x86vm.lock $(MAKE) -s -C $(TREE) O=$(KOBJ_X86VM) \
		ARCH=x86_64 CC="ccache gcc" -j$(JOBS) bzImage
	@echo "kernel-x86vm: $(KOBJ_X86VM)/arch/x86/boot/bzImage"

tools: fetch
	@scripts/tools.sh

# make vm CMD='ethtool -x tap0'   (runs inside the patched kernel)
vm: kernel
	@scripts/vm.sh -- '$(CMD)'

# bookworm's QEMU 7.2 with qemu-patches/, minimal, into build/qemu/obj
qemu: deps
	@scripts/qemu-build.sh

# a real guest's virtio-net RSS served by the tap through an unprivileged
# QEMU, inside the patched kernel (TAP output; skips when the QEMU source
# or the guest kernel cannot be fetched)
e2e: kernel tools
	@scripts/e2e.sh

# x86_64 compile check of the touched objects, W=1 and sparse.
x86: assemble
	@scripts/x86-check.sh

series: assemble
	@scripts/series.sh

# checkpatch, kernel-doc, YNL spec and x86 W=1/sparse on the series
lint: assemble
	@scripts/lint.sh

# every patch of the series builds (UML; the tests where a patch touches
# them); slow, on demand: the last result is kernel-patches/bisect-check.log
bisect-check: assemble
	@scripts/bisect-check.sh

# libFuzzer targets on the pure engine; FUZZ_SECONDS per target
fuzz: fetch
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)

# Per-frame cost tables (userspace harness; see bench/RESULTS.md)
bench: fetch
	@scripts/bench.sh

demo: kernel tools
	@scripts/demo.sh

check: kernel kernel-base kernel-x86vm tools
	@scripts/check.sh

clean:
	rm -rf $(KOBJ_UM) $(KOBJ_X86) $(B)/vm $(B)/selftests $(B)/unit

distclean:
	rm -rf $(B)
