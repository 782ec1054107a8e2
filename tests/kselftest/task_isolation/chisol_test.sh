#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# chisol(1) and the samples/task_isolation programs, in the guest (busybox
# sh). Prints TAP: "ok N name", "not ok N name" (with the output as
# "# " lines), "ok N name # SKIP why"; exits 1 if any test failed.
#
# chisol is $CHISOL (default /ti/bin/chisol), the samples are in $SAMPLES
# (default /ti/samples); isol_report and isol_nr_mlock are beside this
# script. CPU 1 is the isolated CPU (isolcpus=nohz,domain,1).

CHISOL=${CHISOL:-/ti/bin/chisol}
SAMPLES=${SAMPLES:-/ti/samples}
HERE=$(cd "$(dirname "$0")" && pwd)
REPORT=$HERE/isol_report
NR_MLOCK=$HERE/isol_nr_mlock
PLAN=28

TMP=$(mktemp -d) || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

n=0
failed=0
echo "TAP version 13"
echo "1..$PLAN"

# begin NAME: start a test; the checks after it record failures in $why;
# end reports it.
begin() {
	name=$1
	why=
	cmd="(none)"
	rc=
	: >"$TMP/out"
	: >"$TMP/err"
}

fail() {
	why="$why$*
"
}

end() {
	n=$((n + 1))
	if [ -z "$why" ]; then
		echo "ok $n $name"
		return
	fi
	failed=1
	echo "not ok $n $name"
	printf '%s' "$why" | sed 's/^/# /'
	echo "# last command: $cmd (exit $rc)"
	sed 's/^/# stdout: /' "$TMP/out"
	sed 's/^/# stderr: /' "$TMP/err"
}

show() { # show the last command's stdout in the log, as TAP comments
	echo "# \$ $cmd"
	sed 's/^/#   /' "$TMP/out"
}

skip() { # skip NAME WHY
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# run CMD...: run a command, keeping its exit code in $rc, its output in
# $out and $err (and in $TMP/out, $TMP/err).
run() {
	cmd="$*"
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

expect_rc() {
	[ "$rc" = "$1" ] || fail "exit code $rc, expected $1"
}

expect_line() { # a whole line of stdout, literally
	grep -qxF -- "$1" "$TMP/out" || fail "no stdout line '$1'"
}

expect_match() { # a line of stdout matching an extended regex
	grep -qxE -- "$1" "$TMP/out" || fail "no stdout line matching '$1'"
}

expect_out() { # the whole stdout
	[ "$out" = "$1" ] || fail "stdout is not:
$1"
}

expect_err() { # part of stderr, literally
	grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1'"
}

expect_no_out() {
	[ -z "$out" ] || fail "unexpected stdout (the command ran?)"
}

# ---- chisol: what the kernel supports ----

begin "chisol -i names the features and vmstat_sync"
run "$CHISOL" -i
show
expect_rc 0
expect_out "features: 0x1 quiesce
quiesce_bits: 0x1 vmstat_sync"
end

begin "chisol --help and --version"
run "$CHISOL" --help
expect_rc 0
expect_match "Usage: chisol \[options\] \[--\] <command> .*"
expect_match " *-q, --quiesce <LIST>"
grep -q "vmstat_sync" "$TMP/out" || fail "--help does not name vmstat_sync"
run "$CHISOL" -V
expect_rc 0
expect_match "chisol [0-9]+\.[0-9]+\.[0-9]+"
end

# ---- chisol: the state the command gets ----

begin "chisol -q vmstat_sync -I active -a: configured, inherited, active"
run "$CHISOL" -q vmstat_sync -I active -a -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=3 active=1"
end

begin "chisol -q vmstat_sync: configured only"
run "$CHISOL" -q vmstat_sync -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=0 active=0"
end

begin "chisol -I conf without -q: inherit mask only"
run "$CHISOL" -I conf -- "$REPORT"
expect_rc 0
expect_out "configured=0 quiesce=0 inherit=1 active=0"
end

begin "chisol -a activates a configuration inherited across execve"
run "$CHISOL" -q vmstat_sync -- "$CHISOL" -a -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=0 active=1"
run "$CHISOL" -q vmstat_sync -- "$CHISOL" -o vmstat_sync -a -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=0 active=1"
end

begin "chisol -a without a configuration fails and runs nothing"
run "$CHISOL" -a -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "chisol: --activate: quiescing is not configured: use --quiesce"
end

begin "chisol -o vmstat_sync -a: activated with a one-shot mask"
run "$CHISOL" -q vmstat_sync -o vmstat_sync -a -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=0 active=1"
end

begin "chisol -I: what the command's children inherit"
# "; true" makes the shell fork for the report instead of exec'ing it.
run "$CHISOL" -q vmstat_sync -a -- sh -c "$REPORT; true"
expect_rc 0
expect_out "configured=0 quiesce=0 inherit=0 active=0"
run "$CHISOL" -q vmstat_sync -I conf -a -- sh -c "$REPORT; true"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=1 active=0"
run "$CHISOL" -q vmstat_sync -I active -a -- sh -c "$REPORT; true"
expect_rc 0
expect_out "configured=1 quiesce=1 inherit=3 active=1"
end

# ---- chisol -s ----

begin "chisol -s: its own state, without the one-shot line"
run "$CHISOL" -s
expect_rc 0
expect_out "configured: 0x0
quiesce_mask: 0x0
active_mask: 0x0
inherit_mask: 0x0"
run "$CHISOL" -q vmstat_sync -I active -a -- "$CHISOL" -s
show
expect_rc 0
expect_out "configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
inherit_mask: 0x3 conf,active"
end

# start_sleeper CHISOL_OPTIONS...: a "sleep 60" launched under chisol; its
# PID in $spid once it runs sleep (so chisol's setup is done).
start_sleeper() {
	"$CHISOL" "$@" -- sleep 60 >"$TMP/sleeper.out" 2>&1 &
	spid=$!
	pids="$pids $spid"
	i=0
	while [ "$(cat "/proc/$spid/comm" 2>/dev/null)" != sleep ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# status_of_pid NAME EXPECTED CHISOL_OPTIONS...
status_of_pid() {
	begin "$1"
	expected=$2
	shift 2
	start_sleeper "$@"
	if [ "$(cat "/proc/$spid/comm" 2>/dev/null)" != sleep ]; then
		fail "chisol $* -- sleep 60 did not start sleep: $(cat "$TMP/sleeper.out")"
	elif [ ! -e "/proc/$spid/task_isolation" ]; then
		skip "$name" "kernel has no /proc/PID/task_isolation"
		kill "$spid" 2>/dev/null
		return
	else
		run "$CHISOL" -s "$spid"
		show
		expect_rc 0
		expect_out "$expected"
		[ "$out" = "$(cat "/proc/$spid/task_isolation")" ] ||
			fail "chisol -s PID differs from /proc/PID/task_isolation"
	fi
	kill "$spid" 2>/dev/null
	end
}

status_of_pid "chisol -s PID of a task under chisol -I active -a" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x0
inherit_mask: 0x3 conf,active" -q vmstat_sync -I active -a

status_of_pid "chisol -s PID of a task under chisol -o vmstat_sync -a" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x1 vmstat_sync
inherit_mask: 0x0" -q vmstat_sync -o vmstat_sync -a

status_of_pid "chisol -s PID of a task under chisol -q only" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x0" -q vmstat_sync

begin "chisol -s PID of a missing process"
run "$CHISOL" -s 4000000
expect_rc 1
expect_err "chisol: no process with PID 4000000"
end

# ---- chisol: usage and exec errors change nothing and run nothing ----

begin "chisol -q with an unknown name: exit 1, lists vmstat_sync"
run "$CHISOL" -q vmstat_sync,nosuch -a -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "unknown quiesce activity 'nosuch' (known: vmstat_sync)"
end

begin "chisol usage errors: exit 1 with the reason"
run "$CHISOL" -q vmstat_sync -o vmstat_sync -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "--activate"
run "$CHISOL" -I everything -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "[possible values: conf, active]"
run "$CHISOL" -q vmstat_sync -a
expect_rc 1
expect_err "<COMMAND>"
run "$CHISOL" -i -a
expect_rc 1
expect_err "cannot be used with"
end

begin "chisol exec errors: 127 not found, 126 not executable"
run "$CHISOL" -q vmstat_sync -a -- /nonexistent
expect_rc 127
expect_err "chisol: failed to execute /nonexistent: No such file or directory"
run "$CHISOL" -- "$HERE"
expect_rc 126
expect_err "Permission denied"
end

begin "the command's exit code and arguments pass through"
run "$CHISOL" -q vmstat_sync -a -- sh -c 'echo "$1"; exit 7' sh "a b"
expect_rc 7
expect_out "a b"
end

# ---- the quiescing effect on an unmodified program ----

# nr_mlock NAME EXPECTED_DELTA [CHISOL_OPTIONS...]: isol_nr_mlock pinned to
# the isolated CPU, mlocking 4 pages; with chisol options it runs under
# chisol.
nr_mlock() {
	begin "$1"
	delta=$2
	shift 2
	if [ $# -gt 0 ]; then
		run "$CHISOL" "$@" -- "$NR_MLOCK"
	else
		run "$NR_MLOCK"
	fi
	show
	if grep -q sched_setaffinity "$TMP/err"; then
		skip "$name" "cannot run on CPU 1: boot with isolcpus=nohz,domain,1"
		return
	fi
	expect_rc 0
	expect_match "nr_mlock before=[0-9]+ after=[0-9]+ delta=$delta"
	end
}

# Quiescing first: it leaves CPU 1's differentials folded, so the runs
# without it start from a known state.
nr_mlock "chisol -q vmstat_sync -a: mlock of 4 pages shows at once" 4 \
	-q vmstat_sync -a
nr_mlock "without chisol: mlock on the isolated CPU stays per-CPU" 0
nr_mlock "chisol -o vmstat_sync: one-shot does not quiesce later calls" 0 \
	-q vmstat_sync -o vmstat_sync -a
nr_mlock "chisol -q vmstat_sync without -a: configured only, no effect" 0 \
	-q vmstat_sync

# ---- samples/task_isolation ----

begin "sample task_isol_userloop"
run "$SAMPLES/task_isol_userloop" 1 1
show
expect_rc 0
expect_match "task_isol_userloop: ok cpu=1 seconds=1 iterations=[1-9][0-9]* max_gap_ns=[0-9]+"
end

begin "sample task_isol_computation"
run "$SAMPLES/task_isol_computation" "$TMP/primes" 200000
show
expect_rc 0
expect_out "task_isol_computation: ok primes_below=200000 count=17984 output=$TMP/primes"
[ "$(cat "$TMP/primes" 2>/dev/null)" = "primes_below=200000 count=17984" ] ||
	fail "output file: '$(cat "$TMP/primes" 2>/dev/null)'"
end

begin "sample task_isol_oneshot"
run "$SAMPLES/task_isol_oneshot" 3 100
show
expect_rc 0
for e in 1 2 3; do
	expect_match "event $e: handled after [0-9]+ loops"
done
expect_match "task_isol_oneshot: ok events=3 rearmed=3 loops=[0-9]+"
end

begin "sample task_isol_activate_chisol without chisol: nothing to activate"
run "$SAMPLES/task_isol_activate_chisol"
expect_rc 0
expect_line "task_isol_activate_chisol: nothing configured, not isolated"
expect_line "task_isol_activate_chisol: ok configured=0x0 active=0x0"
end

begin "sample task_isol_activate_chisol under chisol -q: activates it"
run "$CHISOL" -q vmstat_sync -- "$SAMPLES/task_isol_activate_chisol"
show
expect_rc 0
expect_line "task_isol_activate_chisol: activated the configured features 0x1"
expect_line "task_isol_activate_chisol: ok configured=0x1 active=0x1"
end

begin "samples fail cleanly on bad arguments"
run "$SAMPLES/task_isol_userloop" 1 0
expect_rc 2
expect_err "bad SECONDS '0'"
run "$SAMPLES/task_isol_computation"
expect_rc 2
expect_err "usage:"
run "$SAMPLES/task_isol_computation" /nonexistent/dir/file
expect_rc 1
expect_err "cannot open /nonexistent/dir/file"
end

if [ "$n" != "$PLAN" ]; then
	echo "# ran $n tests, planned $PLAN"
	exit 1
fi
exit $failed
