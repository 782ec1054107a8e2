#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: measure, side by side, an unpatched kernel and the patched one.
#
#   scripts/bench.sh          build the baseline kernel, the bench programs
#                             and their initramfs, boot both kernels in
#                             turn, write out/bench/{results.json,REPORT.md,
#                             interruptions.png} and print the table
#   scripts/bench.sh tools    only compile the bench programs (make check)
#   scripts/bench.sh prepare  only what comes before the boots: the baseline
#                             kernel, the snapshot of both kernels, the bench
#                             programs and their initramfs (on a shared
#                             machine: under flock /tmp/ti-build.lock)
#   scripts/bench.sh icount   only the instruction-count boots (below), on
#                             what prepare made; prints the cost tables and
#                             writes them to out/bench/summary-icount.txt
#
# The baseline kernel is built from the same Debian source and the same
# config fragment minus the series' options (scripts/build-kernel.sh
# baseline). Both kernels boot with the same command line and the same
# initramfs (programs in tools/bench/, built against the patched kernel's
# headers; on the baseline the prctls fail with EINVAL and those cases are
# reported as skipped). The boots alternate baseline, patched, patched,
# baseline (ABBA), so that a linear drift of the host hits both alike; each
# boot runs every case TI_BENCH_REPS times, interleaved. Then each kernel
# boots once more under QEMU -icount, where guest time counts instructions:
# the cost cases measured in instructions, immune to the host's load.
#
# The cost cases also cover notification (ISOL_F_NOTIFY, signo 0): a task
# that does not use isolation while another one turns the notify static key
# on, a task notifying a class its loop does not cause, and a task for which
# every getpid() or page fault is a break.
#
# Each boot also runs the LRU scenario (tools/bench/isol_lru_load.c on
# CPU 0 makes the kernel drain every CPU's LRU batches several times a
# second; isol_noise lru-off/lru-on count lru_add_drain_per_cpu on CPUs 1
# and 2), and the cost cases include a page-fault loop and both quiesce
# bits (vmstat_sync + lru_drain) active.
#
# Knobs: TI_BENCH_ROUNDS (ABBA halves, default 2: 4 boots), TI_BENCH_REPS
# (repetitions per boot, default 3), TI_BENCH_SECS (seconds of spinning per
# interruption run, default 10), TI_BENCH_ITERS (getpid,dirty,fork,fault
# loop lengths, default 2000000,10000,300,20000), TI_BENCH_NICE (QEMU's nice value,
# default -10: on a shared build machine the guest's vCPUs then lose less
# time to other jobs; timings are still only compared as ratios),
# TI_BENCH_ICOUNT_REPS and TI_BENCH_ICOUNT_ITERS (the instruction-count
# boots, default 5 and 200000,2000,50,2000), TI_BENCH_LRU_REPS (in how many
# of each boot's repetitions the LRU scenario runs, default all).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${TI_BENCH_ROUNDS:-2}
REPS=${TI_BENCH_REPS:-3}
SECS=${TI_BENCH_SECS:-10}
ITERS=${TI_BENCH_ITERS:-2000000,10000,300,20000}
NICE=${TI_BENCH_NICE:--10}
ICOUNT_REPS=${TI_BENCH_ICOUNT_REPS:-5}
ICOUNT_ITERS=${TI_BENCH_ICOUNT_ITERS:-200000,2000,50,2000}
LRU_REPS=${TI_BENCH_LRU_REPS:-$REPS}
PATCHED=task_isolation
B=$OUT/bench
rel=${B#"$TOP"/}
t_start=${TI_BENCH_T0:-$(date +%s)}
mkdir -p "$B"

build_tools() {
	[ -f "$CACHE/obj-$PATCHED/usr/include/linux/task_isolation.h" ] ||
		die "no exported headers in .cache/obj-$PATCHED: run scripts/build-kernel.sh"
	in_root make -s -C /src/tools/bench O=/src/$rel/bin \
		KHDR=/cache/obj-$PATCHED/usr/include >&2 || die "bench programs do not build"
}

pack_initramfs() {
	in_root /bin/sh -ec "
		root=/src/$rel/initramfs
		rm -rf \$root && mkdir -p \$root/bin \$root/ti/bench \$root/etc
		cp /bin/busybox \$root/bin/busybox && ln -s busybox \$root/bin/sh
		cp /src/scripts/guest/init \$root/init
		cp /src/scripts/guest/bench.sh \$root/ti/
		cp /src/$rel/bin/isol_cost /src/$rel/bin/isol_noise /src/$rel/bin/isol_lru_load \
			\$root/ti/bench/
		printf 'root:x:0:0:root:/:/bin/sh\n' >\$root/etc/passwd
		printf 'root:x:0:\n' >\$root/etc/group
		cd \$root && find . | cpio -o -H newc --quiet >/src/$rel/initramfs.cpio
		rm -rf \$root"
}

# The two configurations must differ only in the series' own options
# (CONFIG_TASK_ISOLATION, CONFIG_SAMPLE_TASK_ISOLATION).
config_diff() {
	diff <(grep -v '^#' "$CACHE/obj-baseline/.config" | sort) \
		<(grep -v '^#' "$CACHE/obj-$PATCHED/.config" | sort) |
		sed -n 's/^[<>] //p' >"$B/config.diff" || true
	if grep -v '^CONFIG_[A-Z0-9_]*TASK_ISOLATION' "$B/config.diff" | grep -q .; then
		die "baseline and patched configs differ beyond the series' options: $B/config.diff"
	fi
	log "configs differ only in: $(tr '\n' ' ' <"$B/config.diff")"
}

# The kernels are copied once, before the first boot: a rebuild in
# .cache while the boots run (another make on the machine) must not change
# the kernel under measurement halfway through.
snapshot_kernels() {
	local k
	for k in baseline $PATCHED; do
		cp "$CACHE/obj-$k/arch/x86/boot/bzImage" "$B/bzImage-$k"
	done
	(cd "$B" && sha256sum bzImage-*) >"$B/kernels.txt"
	log "kernels measured: $(tr '\n' ' ' <"$B/kernels.txt")"
}

boot() {	# boot KERNEL-FLAVOR NAME [KERNEL-ARGS]
	local rc
	# Show the result lines as they come; the whole console is in the log.
	set +e
	nice -n "$NICE" bash "$TOP/scripts/qemu-run.sh" -f "$1" -k "$B/bzImage-$1" -m bench -t 1800 \
		-a "${3:-ti.reps=$REPS ti.secs=$SECS ti.iters=$ITERS ti.lru_reps=$LRU_REPS}" |
		grep --line-buffered -E '^BENCH (boot|cost|noise|lru|load|proof|done) ' |
		sed -u 's/^BENCH /    /' >&2
	rc=${PIPESTATUS[0]}
	set -e
	mv -f "$B/$1.log" "$B/$2.log" 2>/dev/null || true
	[ "$rc" = 0 ] || die "bench boot $2 failed (exit $rc), see $B/$2.log"
}

run_boots() {
	local r i order k t0 others
	rm -f "$B"/boot-*.log "$B"/icount-*.log "$B/host.txt"
	i=0
	for r in $(seq "$ROUNDS"); do
		# ABBA: baseline first in odd rounds, patched first in even ones.
		if [ $((r % 2)) = 1 ]; then order="baseline $PATCHED"; else order="$PATCHED baseline"; fi
		for k in $order; do
			i=$((i + 1))
			t0=$(date +%s)
			log "boot $i/$((2 * ROUNDS)): $k kernel (round $r), log $rel/boot-$i-$k.log"
			# Other QEMUs on the host skew the timings: record them.
			others=$(pgrep -c qemu-system || true)
			boot "$k" "boot-$i-$k"
			echo "boot-$i-$k $(( $(date +%s) - t0 ))" >>"$B/timing.txt"
			echo "boot-$i-$k nice=$NICE other_qemus_at_start=$others load_at_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" >>"$B/host.txt"
		done
	done
}

# The cost cases once more per kernel under QEMU -icount shift=0: guest time
# then advances by one nanosecond per guest instruction, so "ns" there are
# instructions executed, whatever the host's load. Same kernel command line
# for both kernels (ti.part=cost: no interruption runs).
run_icount() {
	local i=0 k t0
	for k in baseline $PATCHED; do
		i=$((i + 1))
		t0=$(date +%s)
		log "instruction-count boot $i/2: $k kernel, log $rel/icount-$i-$k.log"
		TI_QEMU_OPTS="-icount shift=0,sleep=off" boot "$k" "icount-$i-$k" \
			"ti.reps=$ICOUNT_REPS ti.iters=$ICOUNT_ITERS ti.part=cost"
		echo "icount-$i-$k $(( $(date +%s) - t0 ))" >>"$B/timing.txt"
	done
}

if [ "${1:-}" = tools ]; then
	phase "bench programs" build_tools
	exit 0
fi

prepare() {
	local t0
	t0=$(date +%s)
	phase "baseline kernel (pristine $(cat "$CACHE/pristine/.ti-version" 2>/dev/null || echo source), no series)" \
		bash "$TOP/scripts/build-kernel.sh" baseline
	echo "build-baseline $(( $(date +%s) - t0 ))" >>"$B/timing.txt"
	config_diff
	snapshot_kernels
	phase "bench programs" build_tools
	phase "bench initramfs" pack_initramfs
}

case ${1:-} in
prepare)
	rm -f "$B/timing.txt"
	prepare
	exit 0 ;;
icount)
	for k in baseline $PATCHED; do
		[ -f "$B/bzImage-$k" ] || die "no $rel/bzImage-$k: run scripts/bench.sh prepare first"
	done
	[ -f "$B/initramfs.cpio" ] || die "no $rel/initramfs.cpio: run scripts/bench.sh prepare first"
	phase "instruction-count boots (QEMU -icount, $ICOUNT_REPS repetitions each)" run_icount
	in_root python3 /src/scripts/bench_report.py --dir /src/$rel --icount-only || die "report failed"
	cat "$B/summary-icount.txt"
	exit 0 ;;
esac

rm -f "$B/timing.txt"
prepare
t0=$(date +%s)
phase "benchmark boots ($((2 * ROUNDS)) boots, baseline/patched ABBA, $REPS repetitions each)" run_boots
echo "boots $(( $(date +%s) - t0 ))" >>"$B/timing.txt"
t0=$(date +%s)
phase "instruction-count boots (QEMU -icount, $ICOUNT_REPS repetitions each)" run_icount
echo "icount-boots $(( $(date +%s) - t0 ))" >>"$B/timing.txt"
echo "total-before-report $(( $(date +%s) - t_start ))" >>"$B/timing.txt"
phase "report" in_root python3 /src/scripts/bench_report.py --dir /src/$rel \
	--kernel-version "$(cat "$CACHE/pristine/.ti-version")" --host-cpus "$(nproc)" \
	--t0 "$t_start" || die "report failed"
echo
cat "$B/summary.txt"
log "make bench: $(( $(date +%s) - t_start ))s; report $rel/REPORT.md, plot $rel/interruptions.png"
