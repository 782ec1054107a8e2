# SPDX-License-Identifier: GPL-2.0
# Recording host-side results as TAP-style lines, for scripts/host-checks.sh
# and the judge's own tests (scripts/judge-selftest.sh). Sourced, not
# executed. The caller sets RES (the results file) and n=0.

# result NAME STATUS [DETAIL]: one "ok N NAME" or "not ok N NAME" line,
# the detail as "# " comment lines after a failure.
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1" >>"$RES"
	else
		echo "not ok $n $1" >>"$RES"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /' >>"$RES"
	fi
}

# unit_results LABEL PREFIX RC OUTPUT TESTS: the results of a unit test
# binary (TESTS: "name ok|FAILED" lines parsed from OUTPUT, RC its exit
# status), one per test, named PREFIX::name. No test at all is a failed
# build. A nonzero exit with no FAILED test is a failure of its own: a
# crash (a panic outside the harness, a signal) can end a binary after
# some "ok" lines and before the test that crashed reports.
unit_results() {
	local label=$1 prefix=$2 rc=$3 out=$4 tests=$5 name verdict
	if [ -z "$tests" ]; then
		result "$label (build)" 1 "$out"
		echo "$out" >&2
		return
	fi
	while read -r name verdict; do
		[ "$verdict" = ok ]; result "$prefix::$name" $?
	done <<<"$tests"
	if [ "$rc" != 0 ]; then
		echo "$out" >&2
		grep -q ' FAILED$' <<<"$tests" || result "$label (exit $rc)" 1 "$out"
	fi
}
