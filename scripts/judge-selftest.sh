#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The judge's own tests: scripts/results.py and the host checks' result
# recording must fail a run whenever what they guard is broken. Each case
# doctors a log that passes (the fixture tests/judge/clean.log, or with
# --real a real run's log) and requires the verdict FAIL; the clean log
# itself must PASS (the positive control). One TAP-style line per case
# into RESULTS (make check passes them to results.py like the host checks).
#
#   scripts/judge-selftest.sh RESULTS                  the fixture cases
#   scripts/judge-selftest.sh --real LOG FLAVOR RESULTS
#                             a real run's log, with one binary removed
#                             and with a WARNING injected
set -uo pipefail
. "$(dirname "$0")/lib.sh"

JUDGE=$TOP/scripts/results.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# judged EXPECT NAME LOG WHY [results.py ARGS...]: record whether the
# verdict on LOG is EXPECT (PASS or FAIL) and, for FAIL, whether a FAIL
# line says WHY (an extended regex): a case must fail for its own reason.
judged() {
	local want=$1 name=$2 log=$3 why=$4 got outp
	shift 4
	outp=$(python3 "$JUDGE" "$@" --qemu "$log" 2>&1)
	got=$(sed -n 's/^verdict: //p' <<<"$outp")
	[ "$got" = "$want" ] && { [ -z "$why" ] || grep -Eq "^FAIL .*($why)" <<<"$outp"; }
	result "judge: $name: $want" $? "$outp"
}

# drop_block LOG NAME: LOG without the TI-BEGIN..TI-END block of NAME.
drop_block() {
	awk -v n="$2" '$0 == "TI-BEGIN: " n { skip = 1 }
		!skip { print } skip && index($0, "TI-END: " n " ") == 1 { skip = 0 }' "$1"
}

# inject LOG AFTER TEXT: TEXT as a new line after the first line matching AFTER.
inject() {
	awk -v a="$2" -v t="$3" '{ print } !done && index($0, a) { print t; done = 1 }' "$1"
}

WARN='[   12.345678] WARNING: CPU: 1 PID: 97 at mm/vmstat.c:2090 quiet_vmstat_sync+0x1c/0x30'

. "$TOP/scripts/host-lib.sh"

if [ "${1:-}" = --real ]; then
	[ $# = 4 ] || die "usage: $0 --real LOG FLAVOR RESULTS"
	log=$2 flavor=$3 RES=$4 n=$(grep -c '^\(not \)\{0,1\}ok ' "$4" 2>/dev/null || echo 0)
	[ -f "$log" ] || die "no log $log: run the suite first (make check)"
	first=$(sed -n 's/^TI-BEGIN: //p' "$log" | head -1)
	[ -n "$first" ] || die "$log has no kselftest binary"
	drop_block "$log" "$first" >"$tmp/dropped.log"
	judged FAIL "$flavor: the real log with $first removed" "$tmp/dropped.log" \
		"$first: expected but never started" --flavor "$flavor"
	inject "$log" "TI-BEGIN: $first" "$WARN" >"$tmp/warn.log"
	judged FAIL "$flavor: the real log with a WARNING injected" "$tmp/warn.log" \
		"kernel log: .*WARNING" --flavor "$flavor"
	exit 0
fi

[ $# = 1 ] || die "usage: $0 RESULTS | $0 --real LOG FLAVOR RESULTS"
RES=$1 n=0
: >"$RES"
F=$TOP/tests/judge
clean=$F/clean.log
fx=(--expected "$F/expected.txt" --skips "$F/skips.txt" --flavor task_isolation)

judged PASS "the clean fixture (positive control)" "$clean" '' "${fx[@]}"
drop_block "$clean" task_isolation:isol_a >"$tmp/a.log"
judged FAIL "a binary missing from the initramfs" "$tmp/a.log" 'isol_a: expected but never started' "${fx[@]}"
grep -v '^ok 2 global.two$' "$clean" >"$tmp/a.log"
judged FAIL "a plan longer than the results (ended early)" "$tmp/a.log" 'plan 1..2 but 1 results' "${fx[@]}"
grep -v '^1\.\.3$' "$clean" >"$tmp/a.log"
judged FAIL "a binary without a plan" "$tmp/a.log" 'isol_b: no TAP plan' "${fx[@]}"
grep -v '^TI-END: task_isolation:isol_b ' "$clean" >"$tmp/a.log"
judged FAIL "a binary that never finished" "$tmp/a.log" 'isol_b: never finished' "${fx[@]}"
sed 's/^TI-END: task_isolation:isol_a rc=0$/TI-END: task_isolation:isol_a rc=1/' "$clean" >"$tmp/a.log"
judged FAIL "a nonzero exit without a failed test" "$tmp/a.log" 'exited with 1 without a failed test' "${fx[@]}"
sed 's/^ok 2 global.two$/not ok 2 global.two/' "$clean" >"$tmp/a.log"
judged FAIL "a failed test" "$tmp/a.log" 'isol_a: global.two$' "${fx[@]}"
sed 's/^ok 3 fixture.other$/ok 3 fixture.other # SKIP not allowed anywhere/' "$clean" >"$tmp/a.log"
judged FAIL "a skip that is not in the allow-list" "$tmp/a.log" 'fixture.other: skip not in the allow-list' "${fx[@]}"
judged FAIL "an allowed skip on another flavor" "$clean" 'needs_kmemleak: skip not in the allow-list for task_isolation_debug' "${fx[@]}" --flavor task_isolation_debug
sed '/^TI-BEGIN: task_isolation:chisol_test.sh$/,/^TI-END/c\
TI-BEGIN: task_isolation:chisol_test.sh\
1..0 # SKIP chisol not installed\
TI-END: task_isolation:chisol_test.sh rc=4' "$clean" >"$tmp/a.log"
judged FAIL "a whole binary skipped without permission" "$tmp/a.log" 'chisol_test.sh: skip not in the allow-list' "${fx[@]}"
inject "$clean" "TI-END: task_isolation:isol_b" \
	"TI-BEGIN: task_isolation:isol_new\n1..1\nok 1 x\nTI-END: task_isolation:isol_new rc=0" |
	sed 's/\\n/\n/g' >"$tmp/a.log"
judged FAIL "a binary that is not expected" "$tmp/a.log" 'isol_new: ran but is not expected' "${fx[@]}"
inject "$clean" "ok 1 global.one" "$WARN" >"$tmp/a.log"
judged FAIL "a WARNING in the log" "$tmp/a.log" 'isol_a: kernel log: .*WARNING' "${fx[@]}"
inject "$clean" "TI-GUEST:" "[    1.000000] BUG: KASAN: slab-use-after-free in task_isolation_exit+0x10/0x20" >"$tmp/a.log"
judged FAIL "a KASAN report outside any binary" "$tmp/a.log" 'kernel: kernel log: .*KASAN' "${fx[@]}"
inject "$clean" "ok 1 global.one" "[    5.000000] Call Trace:" >"$tmp/a.log"
judged FAIL "a bare Call Trace" "$tmp/a.log" 'isol_a: kernel log: .*Call Trace' "${fx[@]}"
sed -n '/page allocation failure/,/<\/TASK>/p' "$clean" >"$tmp/alloc"
awk -v f="$tmp/alloc" '{ print } $0 == "ok 1 global.one" { while ((getline l < f) > 0) print l }' \
	"$clean" >"$tmp/a.log"
judged FAIL "an allocation failure's stack outside the fault-injection test" "$tmp/a.log" 'isol_a: kernel log: .*Call Trace' "${fx[@]}"
grep -v '^TI-EXIT: ' "$clean" >"$tmp/a.log"
judged FAIL "no TI-EXIT sentinel (panic, hang, kill)" "$tmp/a.log" 'no TI-EXIT sentinel' "${fx[@]}"
judged FAIL "a clean log from a run whose QEMU phase failed" "$clean" 'phase qemu: exited with 1' "${fx[@]}" --status qemu=1

# The kernel's own runner (make kselftest-debian, --kernel-log): the
# allocation failure's stack is exempt under isol_fault only.
{ echo '# selftests: task_isolation: isol_fault'; cat "$tmp/alloc"; } >"$tmp/k.log"
grep -qx 'verdict: PASS' <(python3 "$JUDGE" "${fx[@]}" --kernel-log "$tmp/k.log")
result "judge: run_kselftest.sh log, allocation failure stack in isol_fault: PASS" $?
sed 's/isol_fault$/isol_api/' "$tmp/k.log" >"$tmp/k2.log"
grep -qx 'verdict: FAIL' <(python3 "$JUDGE" "${fx[@]}" --kernel-log "$tmp/k2.log")
result "judge: run_kselftest.sh log, the same stack in isol_api: FAIL" $?

# Host results: a "not ok" fails, and so does a unit test binary that
# crashed after printing only "ok" lines.
printf 'ok 1 a\nnot ok 2 b\n' >"$tmp/host.txt"
outp=$(python3 "$JUDGE" "${fx[@]}" --host "$tmp/host.txt" 2>&1)
grep -qx 'verdict: FAIL' <<<"$outp"
result "judge: a failed host check: FAIL" $? "$outp"
( RES=$tmp/unit.txt n=0; : >"$RES"
  unit_results "fake unit tests" fake 139 "test a ... ok" "a ok" 2>/dev/null
  grep -q '^not ok .* fake unit tests (exit 139)$' "$RES" )
result "host checks: a unit test binary that crashed is not ok" $?
exit 0
