#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: show the feature at work in the guest.
cd /ti/kselftest/task_isolation || exit 2
./isol_demo 2 5
