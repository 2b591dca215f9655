# tun-rss: multi-queue tun/tap as an RSS device.
#
#   make            the main job (= make demo): build everything, boot the
#                   patched kernel, show RSS at work on a tap
#   make check      all tests; ends with "N passed, N failed, N skipped"
#
# Other targets: deps fetch assemble kernel tools vm x86 series lint fuzz bench
# clean distclean.  See README.md.

SHELL		:= /bin/bash
TOP		:= $(CURDIR)
B		:= $(TOP)/build
TREE		:= $(B)/linux
KOBJ_UM		:= $(B)/kbuild-um
KOBJ_X86	:= $(B)/kbuild-x86
JOBS		?= $(shell nproc)
export CCACHE_DIR ?= $(B)/ccache
KMAKE_UM	= $(MAKE) -s -C $(TREE) O=$(KOBJ_UM) ARCH=um CC="ccache gcc" -j$(JOBS)
KMAKE_X86	= $(MAKE) -s -C $(TREE) O=$(KOBJ_X86) ARCH=x86_64 CC="ccache gcc" -j$(JOBS)

.PHONY: all demo check deps fetch assemble kernel tools vm x86 series \
	lint fuzz bench clean distclean

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

tools: fetch
	@scripts/tools.sh

# make vm CMD='ethtool -x tap0'   (runs inside the patched kernel)
vm: kernel
	@scripts/vm.sh -- '$(CMD)'

# x86_64 compile check of the touched objects, W=1 and sparse.
x86: assemble
	@scripts/x86-check.sh

series: assemble
	@scripts/series.sh

# checkpatch, kernel-doc, YNL spec and x86 W=1/sparse on the series
lint: assemble
	@scripts/lint.sh

# libFuzzer targets on the pure engine; FUZZ_SECONDS per target
fuzz: fetch
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)

# Per-frame cost tables (userspace harness; see bench/RESULTS.md)
bench: fetch
	@scripts/bench.sh

demo: kernel tools
	@scripts/demo.sh

check: kernel tools
	@scripts/check.sh

clean:
	rm -rf $(KOBJ_UM) $(KOBJ_X86) $(B)/vm $(B)/selftests $(B)/unit

distclean:
	rm -rf $(B)
