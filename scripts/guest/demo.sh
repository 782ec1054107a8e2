#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: show the feature at work in the guest. Part 1: vmstat_sync on
# housekeeping CPU 2, 5 s of spinning per run; part 2: lru_drain on the
# isolated CPU 1, while CPU 2 makes the kernel drain every CPU's LRU
# batches (isol_demo.c says how).
cd /ti/kselftest/task_isolation || exit 2
./isol_demo 2 5 1
