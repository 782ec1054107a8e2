#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where a make check spends its minutes.
#
#   scripts/timed.sh --start          start a new record (make check-clean)
#   scripts/timed.sh NAME CMD...      run CMD, record how long it took
#   scripts/timed.sh --report         print the record and the total
#
# The record is $OUT/timing.txt: "SECONDS<TAB>EXIT<TAB>NAME" lines after a
# "start EPOCH" line. CMD's exit status is passed on.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

REC=$OUT/timing.txt
case ${1:-} in
--start)
	mkdir -p "$OUT"
	echo "start $(date +%s)" >"$REC"
	exit 0 ;;
--report)
	[ -f "$REC" ] || die "no $REC: make check writes it"
	start=$(sed -n 's/^start //p' "$REC")
	echo "==> where the time went (out/timing.txt):"
	awk -F'\t' 'NF == 3 { printf "    %4d min %02d s  %-48s%s\n", $1 / 60, $1 % 60, $3,
		($2 == 0 ? "" : "  (exit " $2 ")") }' "$REC"
	if [ -n "$start" ]; then
		t=$(( $(date +%s) - start ))
		printf '    %4d min %02d s  total\n' $((t / 60)) $((t % 60))
	fi
	exit 0 ;;
''|-*) die "usage: scripts/timed.sh --start | NAME CMD... | --report" ;;
esac
name=$1
shift
t0=$(date +%s)
"$@"
rc=$?
mkdir -p "$OUT"
printf '%s\t%s\t%s\n' "$(( $(date +%s) - t0 ))" "$rc" "$name" >>"$REC"
exit $rc
