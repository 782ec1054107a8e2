#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the guest: run the benchmark programs of tools/bench/
# and let them print their "BENCH ..." lines on the console. The same
# script runs on the baseline and on the patched kernel; on the baseline
# the task isolation cases report "skipped=EINVAL".
#
# Kernel command line: ti.reps=N (repetitions per boot), ti.secs=S (seconds
# of user-space spinning per interruption run), ti.iters=G,D,F,P (getpid,
# dirtying-syscall, fork and page-fault iterations per cost repetition),
# ti.part=cost (only the cost runs: the instruction-count boots under QEMU
# -icount) or ti.part=lru (only the LRU interruption runs), ti.lru_reps=N
# (the LRU interruption runs only in the first N repetitions; default all).
#
# The cost runs (isol_cost) include the notification cases: a task that
# does not use isolation while another one, on CPU 0, has notification of
# exceptions and interrupts active (the static key on), a task notifying
# what its loop does not cause, a task for which every getpid() or page
# fault is a break; each getpid and fault group of them ends with a 1.5 s
# pause, for the kernel to turn the key off again.
#
# The LRU interruption runs (isol_noise lru-off/lru-on) measure CPUs 2 and
# 1 while isol_lru_load, pinned to CPU 0 with khugepaged, makes the kernel
# call lru_add_drain_all() several times a second (khugepaged scanning
# every 100 ms over a THP workload, drop_caches every 500 ms).
reps=3 secs=10 iters=2000000,10000,300,20000 part=all lru_reps=
for arg in $(cat /proc/cmdline); do
	case $arg in
	ti.reps=*) reps=${arg#*=} ;;
	ti.secs=*) secs=${arg#*=} ;;
	ti.iters=*) iters=${arg#*=} ;;
	ti.part=*) part=${arg#*=} ;;
	ti.lru_reps=*) lru_reps=${arg#*=} ;;
	esac
done
IFS=, read -r n_getpid n_dirty n_fork n_fault <<END
$iters
END
n_fault=${n_fault:-0}
cd /ti/bench || exit 2
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "BENCH boot release=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) isolated=$(cat /sys/devices/system/cpu/isolated) nohz_full=$(cat /sys/devices/system/cpu/nohz_full) clocksource=$cs reps=$reps secs=$secs iters=$iters part=$part"
grep -q osnoise /sys/kernel/tracing/available_tracers || { echo "no osnoise tracer"; exit 2; }
echo 4096 >/sys/kernel/tracing/buffer_size_kb
# Let boot-time work (and vmstat_update chains it armed) die down.
sleep 5

# The LRU runs under the housekeeping load; the load stops (and restores
# the THP settings) before anything else runs.
lru_runs() {
	./isol_lru_load 0 100 500 &
	load=$!
	sleep 2
	for cpu in 2 1; do
		for mode in off on; do
			./isol_noise $cpu lru-$mode "$secs" "$1" || rc=1
		done
	done
	kill $load
	wait $load || rc=1
}

rc=0
# Repetition by repetition, so that every case is sampled across the whole
# boot: syscall and page-fault cost on the isolated CPU and on a
# housekeeping CPU, then the interruption runs.
rep=1
while [ $rep -le "$reps" ]; do
	if [ "$part" != lru ]; then
		for cpu in 1 2; do
			./isol_cost $cpu 1 "$n_getpid" "$n_dirty" "$n_fork" "$n_fault" $rep || rc=1
		done
	fi
	[ "$part" = cost ] && { rep=$((rep + 1)); continue; }
	if [ "$part" != lru ]; then
		for cpu in 2 1; do
			for mode in off on oneshot; do
				./isol_noise $cpu $mode "$secs" $rep || rc=1
			done
		done
	fi
	[ $rep -le "${lru_reps:-$reps}" ] && lru_runs $rep
	rep=$((rep + 1))
done
echo "BENCH done rc=$rc"
exit $rc
