# SPDX-License-Identifier: GPL-2.0
#
# Task isolation for Linux, in Rust. The two commands:
#
#   make demo    set up, build the patched kernel, boot it in QEMU, show it
#   make check   set up, build, run every test, print "N passed, N failed"
#
# Everything runs in a Debian 13 build root under .cache/ (scripts/).

SHELL := /bin/bash
FLAVOR ?= task_isolation
# The same kernel with KASAN, kmemleak, lockdep, UBSAN... (check runs both)
DEBUG_FLAVOR ?= $(FLAVOR)_debug
S := scripts
OUT := out
# Each step of make check records how long it took (scripts/timed.sh).
TIMED := bash $(S)/timed.sh

.PHONY: demo check check-clean setup kernel tests kernel-debug tests-debug host-checks qemu-check shell bench bench-tools clean distclean help

help:
	@sed -n '3,8p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@$(TIMED) "build root" bash $(S)/buildroot.sh

kernel: setup
	@$(TIMED) "kernel build ($(FLAVOR))" bash $(S)/build-kernel.sh $(FLAVOR)

tests: kernel
	@$(TIMED) "kselftests and initramfs ($(FLAVOR))" bash $(S)/build-tests.sh $(FLAVOR)

# After the normal flavor, never beside it: both patch the same source tree.
kernel-debug: kernel
	@$(TIMED) "kernel build ($(DEBUG_FLAVOR))" bash $(S)/build-kernel.sh $(DEBUG_FLAVOR)

tests-debug: kernel-debug tests
	@$(TIMED) "kselftests and initramfs ($(DEBUG_FLAVOR))" bash $(S)/build-tests.sh $(DEBUG_FLAVOR)

demo: tests
	@bash $(S)/qemu-run.sh -f $(FLAVOR) -m demo -t 600

host-checks: kernel
	@bash $(S)/host-checks.sh

# The newest mainline tree that check proves the series applies and
# compiles on (scripts/check-tree.sh --compile-only); make trees boots it.
MAINLINE := mainline

# CHECK_DEBUG=0 leaves the debug kernel out of check: the quick loop while
# developing (a fresh run takes about a third of the time). CI runs both.
CHECK_DEBUG ?= 1
ifeq ($(filter 0 1,$(CHECK_DEBUG)),)
$(error CHECK_DEBUG must be 0 or 1, not "$(CHECK_DEBUG)")
endif
ifeq ($(CHECK_DEBUG),1)
CHECK_FLAVORS := $(FLAVOR) $(DEBUG_FLAVOR)
CHECK_TESTS := tests tests-debug
else
CHECK_FLAVORS := $(FLAVOR)
CHECK_TESTS := tests
endif

# Run everything, then let scripts/results.py judge: a failing phase must
# not hide the others, and its exit status is part of the verdict. The
# judge's own negative tests (scripts/judge-selftest.sh) run first on a
# fixture, then on each real log doctored two ways. The debug kernel's
# results are counted under the prefix "debug: ". A summary from an earlier
# run never survives a failed build: check-clean removes it first.
check-clean:
	@rm -f $(OUT)/summary.txt; $(TIMED) --start

check: check-clean $(CHECK_TESTS) bench-tools
	@$(TIMED) "host checks" bash $(S)/host-checks.sh; st="--status host-checks=$$?"; \
	$(TIMED) "the judge's tests" bash $(S)/judge-selftest.sh $(OUT)/judge-results.txt; \
	st="$$st --status judge-selftest=$$?"; \
	$(TIMED) "mainline: apply and compile ($(MAINLINE))" bash $(S)/check-tree.sh --compile-only $(MAINLINE); \
	st="$$st --status $(MAINLINE)-compile=$$?"; \
	for f in $(CHECK_FLAVORS); do \
		$(TIMED) "kselftests in QEMU ($$f)" \
			bash $(S)/qemu-run.sh -f $$f -m check -t $$([ $$f = $(FLAVOR) ] && echo 1200 || echo 3600); \
		st="$$st --status qemu-$$f=$$?"; \
		bash $(S)/judge-selftest.sh --real $(OUT)/$$f/check.log $$f $(OUT)/judge-results.txt; \
	done; \
	$(TIMED) --report; \
	echo "==> results (host checks, the judge's tests and QEMU kselftests, logs: $(foreach f,$(CHECK_FLAVORS),$(OUT)/$(f)/check.log))"; \
	python3 $(S)/results.py --host $(OUT)/host-results.txt --host $(OUT)/judge-results.txt \
		--flavor $(FLAVOR) --qemu $(OUT)/$(FLAVOR)/check.log \
		$(if $(filter 1,$(CHECK_DEBUG)),--prefix "debug: " --flavor $(DEBUG_FLAVOR) --qemu $(OUT)/$(DEBUG_FLAVOR)/check.log) \
		$$st | tee $(OUT)/summary.txt; \
	test $${PIPESTATUS[0]:-0} = 0

shell: tests
	@bash $(S)/qemu-run.sh -f $(FLAVOR) -m shell

# Measured comparison with an unpatched kernel built from the same source
# (out/bench/REPORT.md), vmstat_sync and lru_drain; not part of check:
# about 21 minutes on 2 cores once both kernels are built.
bench: BENCH_T0 := $(shell date +%s)
bench: kernel
	@TI_BENCH_T0=$(BENCH_T0) bash $(S)/bench.sh

# The bench programs only compile in check (cheap); bench runs them.
bench-tools: kernel
	@$(TIMED) "bench programs" bash $(S)/bench.sh tools

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf --one-file-system .cache

# The whole project as one self-contained patch series for packagers, in
# out/series (Documentation/packaging.md). series-check applies it
# with git am and with quilt; series-bisect builds it patch by patch (an hour
# or more: use nice -n 19 on a shared machine).
.PHONY: series series-check series-bisect
series: setup
	@bash $(S)/export-series.sh

series-check: series
	@bash $(S)/export-series.sh --check

series-bisect: series
	@bash $(S)/check-series-builds.sh

# Debian packages of the patched kernel (bindeb-pkg, Debian's 6.12 config
# plus configs/deb.config) and of chisol, installed in the build root and
# booted in QEMU with the suite (scripts/build-deb.sh). DEB_MODULES=1 builds
# Debian's 4000 modules too (many hours on 2 cores); 0 turns them off.
DEB_MODULES ?= 1
.PHONY: deb
deb: series
	@DEB_MODULES=$(DEB_MODULES) bash $(S)/build-deb.sh

# The exported series on other kernel trees, git am + build + the whole
# kselftest suite in QEMU, each about 20 minutes (scripts/check-tree.sh).
TREES ?= debian vanilla mainline
.PHONY: trees
trees: series
	@bash $(S)/check-tree.sh $(TREES)

# The kselftests through the kernel's own runner (run_kselftest.sh -c
# task_isolation) in a Debian 13 user space made with debootstrap, under
# QEMU; VNG=1 runs them with Debian's virtme-ng (vng) instead, on the
# build root's user space, booting the $(VNG_FLAVOR) kernel, which adds
# what vng needs (virtio, 9p, overlayfs: configs/task_isolation_vng.config)
# (scripts/kselftest-debian.sh). Not part of check.
VNG ?= 0
VNG_FLAVOR ?= $(FLAVOR)_vng
.PHONY: kselftest-debian
kselftest-debian: tests
ifeq ($(VNG),1)
	@bash $(S)/build-kernel.sh $(VNG_FLAVOR)
	@bash $(S)/kselftest-debian.sh -f $(VNG_FLAVOR) vng
else
	@bash $(S)/kselftest-debian.sh qemu
endif
