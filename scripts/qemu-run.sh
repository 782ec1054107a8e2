#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel with the test initramfs under QEMU.
#
#   scripts/qemu-run.sh [-f FLAVOR] [-k KERNEL] [-m check|demo|bench|shell] [-t SECONDS] [-a EXTRA_CMDLINE]
#
# -k boots another image than FLAVOR's bzImage (make deb: the packaged one).
# The serial console goes to the terminal and to out/FLAVOR/MODE.log (bench:
# out/bench/FLAVOR.log, with the initramfs of scripts/bench.sh). QEMU
# always ends: the guest reboots (-no-reboot turns that into an exit) at the
# end, on panic (panic=-1) and on any WARN (panic_on_warn=1); an outer
# timeout kills it if the guest hangs. The exit code is the guest's, read
# from the sentinel line; no sentinel (panic, hang, time-out) is a failure.
# Kernel splats in a check log are judged by scripts/results.py.
# TI_QEMU_ACCEL overrides the accelerator (default tcg: KVM does not work
# on our build machines).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOR=task_isolation MODE=check TIMEOUT=900 EXTRA= KERNEL=
while getopts f:k:m:t:a:h opt; do
	case $opt in
	f) FLAVOR=$OPTARG ;;
	k) KERNEL=$OPTARG KOPT=1 ;;
	m) MODE=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	a) EXTRA=$OPTARG ;;
	*) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
case $MODE in check|demo|bench|shell) ;; *) die "-m must be check, demo, bench or shell, not '$MODE'" ;; esac
case $TIMEOUT in ''|*[!0-9]*) die "-t takes a number of seconds, not '$TIMEOUT'" ;; esac

KERNEL=${KERNEL:-$CACHE/obj-$FLAVOR/arch/x86/boot/bzImage}
INITRD=$OUT/$FLAVOR/initramfs.cpio
LOG=$OUT/$FLAVOR/$MODE.log
if [ "$MODE" = bench ]; then	# any kernel flavor, the bench's own initramfs
	INITRD=$OUT/bench/initramfs.cpio LOG=$OUT/bench/$FLAVOR.log
fi
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: $([ -n "${KOPT:-}" ] && echo "check -k" ||
	echo "run scripts/build-kernel.sh $FLAVOR (or make demo)")"
[ -f "$INITRD" ] || die "no initramfs at $INITRD: run scripts/build-tests.sh $FLAVOR (bench: scripts/bench.sh)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"

# A debug kernel (KASAN, lockdep, kmemleak...) runs the tests several times
# slower: the guest's per-test time-outs scale with ti.timeout_scale.
case $FLAVOR in *_debug) EXTRA="ti.timeout_scale=4 $EXTRA" ;; esac
CMDLINE="console=ttyS0 loglevel=5 isolcpus=nohz,domain,1 nohz_full=1 irqaffinity=0 panic=-1 oops=panic panic_on_warn=1 ti.mode=$MODE $EXTRA"
QEMU=(qemu-system-x86_64 -accel "${TI_QEMU_ACCEL:-tcg}" -smp 3 -m 1G
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" -no-reboot)
# TI_QEMU_OPTS: more QEMU options, split on spaces (make bench: -icount).
read -ra qopts <<<"${TI_QEMU_OPTS:-}"
QEMU+=("${qopts[@]}")

log "booting $FLAVOR kernel in QEMU (${TI_QEMU_ACCEL:-tcg}${TI_QEMU_OPTS:+ $TI_QEMU_OPTS}, 3 vCPUs), mode $MODE, log $LOG"
t0=$(date +%s)
if [ "$MODE" = shell ]; then
	"${QEMU[@]}" -nographic
	exit
fi
# sed -u: line by line, so that terminal and log follow a slow (debug) guest.
timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -display none -serial stdio -monitor none \
	</dev/null 2>&1 | sed -u 's/\r//g' | tee "$LOG"
qrc=${PIPESTATUS[0]}
log "QEMU ended after $(( $(date +%s) - t0 ))s (exit $qrc)"

rc=$(sed -n 's/^TI-EXIT: \([0-9]*\)$/\1/p' "$LOG" | tail -1)
# The verdict on a check run is scripts/results.py's alone (make check
# calls it with the log); a demo or bench run is checked here, by the same
# code, for kernel splats.
if [ "$MODE" != check ] && ! python3 "$TOP/scripts/results.py" --kernel-log "$LOG" >"$LOG.verdict"; then
	printf 'error: the kernel log shows a problem:\n' >&2
	grep '^FAIL' "$LOG.verdict" | head -5 >&2
	exit 1
fi
if [ -z "$rc" ]; then
	[ "$qrc" = 124 ] || [ "$qrc" = 137 ] && die "guest timed out after ${TIMEOUT}s (no TI-EXIT line)"
	die "guest ended without the TI-EXIT line (panic or crash?), see $LOG"
fi
exit "$rc"
