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
S := scripts
OUT := out

.PHONY: demo check setup kernel tests host-checks qemu-check shell clean distclean help

help:
	@sed -n '3,8p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@bash $(S)/buildroot.sh

kernel: setup
	@bash $(S)/build-kernel.sh $(FLAVOR)

tests: kernel
	@bash $(S)/build-tests.sh $(FLAVOR)

demo: tests
	@bash $(S)/qemu-run.sh -f $(FLAVOR) -m demo -t 600

host-checks: kernel
	@bash $(S)/host-checks.sh

# Run everything, then count: a failing phase must not hide the others.
check: tests
	@rc=0; bash $(S)/host-checks.sh || rc=1; \
	bash $(S)/qemu-run.sh -f $(FLAVOR) -m check -t 1200 || rc=1; \
	echo "==> results (host checks and QEMU kselftests, log: $(OUT)/$(FLAVOR)/check.log)"; \
	python3 $(S)/results.py --host $(OUT)/host-results.txt --qemu $(OUT)/$(FLAVOR)/check.log \
		| tee $(OUT)/summary.txt; \
	test $${PIPESTATUS[0]:-0} = 0 -a $$rc = 0

shell: tests
	@bash $(S)/qemu-run.sh -f $(FLAVOR) -m shell

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf --one-file-system .cache
