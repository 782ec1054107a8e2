#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the guest: run the benchmark programs of tools/bench/
# and let them print their "BENCH ..." lines on the console. The same
# script runs on the baseline and on the patched kernel; on the baseline
# the task isolation cases report "skipped=EINVAL".
#
# Kernel command line: ti.reps=N (repetitions per boot), ti.secs=S (seconds
# of user-space spinning per interruption run), ti.iters=G,D,F (getpid,
# dirtying-syscall and fork iterations per cost repetition), ti.part=cost
# (only the cost runs: the instruction-count boots under QEMU -icount).
reps=3 secs=10 iters=2000000,10000,300 part=all
for arg in $(cat /proc/cmdline); do
	case $arg in
	ti.reps=*) reps=${arg#*=} ;;
	ti.secs=*) secs=${arg#*=} ;;
	ti.iters=*) iters=${arg#*=} ;;
	ti.part=*) part=${arg#*=} ;;
	esac
done
IFS=, read -r n_getpid n_dirty n_fork <<END
$iters
END
cd /ti/bench || exit 2
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "BENCH boot release=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) isolated=$(cat /sys/devices/system/cpu/isolated) nohz_full=$(cat /sys/devices/system/cpu/nohz_full) clocksource=$cs reps=$reps secs=$secs iters=$iters part=$part"
grep -q osnoise /sys/kernel/tracing/available_tracers || { echo "no osnoise tracer"; exit 2; }
echo 4096 >/sys/kernel/tracing/buffer_size_kb
# Let boot-time work (and vmstat_update chains it armed) die down.
sleep 5

rc=0
# Repetition by repetition, so that every case is sampled across the whole
# boot: syscall cost on the isolated CPU and on a housekeeping CPU, then
# the interruption runs.
rep=1
while [ $rep -le "$reps" ]; do
	for cpu in 1 2; do
		./isol_cost $cpu 1 "$n_getpid" "$n_dirty" "$n_fork" $rep || rc=1
	done
	[ "$part" = cost ] && { rep=$((rep + 1)); continue; }
	for cpu in 2 1; do
		for mode in off on oneshot; do
			./isol_noise $cpu $mode "$secs" $rep || rc=1
		done
	done
	rep=$((rep + 1))
done
echo "BENCH done rc=$rc"
exit $rc
