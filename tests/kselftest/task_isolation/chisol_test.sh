#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# chisol(1) and the samples/task_isolation programs, in the guest (busybox
# sh). Prints TAP: "ok N name", "not ok N name" (with the output as
# "# " lines), "ok N name # SKIP why"; exits 1 if any test failed, and
# with the kselftest skip code 4 (plan "1..0 # SKIP why") when chisol is
# not installed.
#
# chisol is $CHISOL, else /ti/bin/chisol, else chisol on PATH; the samples
# are in $SAMPLES (default /ti/samples); isol_report and isol_nr_mlock are
# beside this script. The isolated CPU comes from
# /sys/devices/system/cpu/isolated and nohz_full (CPU 1 on the QEMU
# runner, booted with isolcpus=nohz,domain,1 nohz_full=1); the tests that
# need one skip without it.

KSFT_SKIP=4

why=
if [ -n "$CHISOL" ]; then
	[ -f "$CHISOL" ] && [ -x "$CHISOL" ] ||
		why="CHISOL=$CHISOL is not an executable file"
elif [ -x /ti/bin/chisol ]; then
	CHISOL=/ti/bin/chisol
else
	CHISOL=$(command -v chisol 2>/dev/null)
	[ -n "$CHISOL" ] || why="neither /ti/bin/chisol nor chisol on PATH"
fi
if [ -n "$why" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP chisol not installed ($why)"
	exit $KSFT_SKIP
fi
SAMPLES=${SAMPLES:-/ti/samples}
HERE=$(cd "$(dirname "$0")" && pwd)
REPORT=$HERE/isol_report
NR_MLOCK=$HERE/isol_nr_mlock
PLAN=45

# cpulist LIST: the CPUs of a sysfs cpu list ("1", "1-3,5", "", "(null)"),
# one per line.
cpulist() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		case "$a$b" in "" | *[!0-9]*) continue ;; esac
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do
			echo "$i"
			i=$((i + 1))
		done
	done
}

# The isolated CPU: the first one that is isolated and nohz_full, else the
# first isolated one (as isol_isolated_cpu() in isol_common.h); empty when
# there is none.
CPUS=/sys/devices/system/cpu
isolated=$(cpulist "$(cat $CPUS/isolated 2>/dev/null)")
nohz_full=$(cpulist "$(cat $CPUS/nohz_full 2>/dev/null)")
ISO_CPU=
for c in $isolated; do
	for h in $nohz_full; do
		if [ "$c" = "$h" ] && [ -z "$ISO_CPU" ]; then
			ISO_CPU=$c
		fi
	done
done
for c in $isolated; do
	[ -n "$ISO_CPU" ] || ISO_CPU=$c
done
NO_ISO_CPU="no isolated CPU ($CPUS/isolated is empty: boot with isolcpus=nohz,domain,N nohz_full=N)"

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

expect_lines() { # each line of $1 is a whole line of stdout
	while IFS= read -r l; do
		expect_line "$l"
	done <<EOF
$1
EOF
}

expect_no_out() {
	[ -z "$out" ] || fail "unexpected stdout (the command ran?)"
}

# prefix TID TEXT: TEXT with "TID " before each line, as --all-tasks
# prints a thread's state.
prefix() {
	echo "$2" | sed "s/^/$1 /"
}

# The states the tests set, as /proc/<tid>/task_isolation (and so chisol
# -p) shows them: each test knows what it set on its target.
ST_EMPTY="configured: 0x0
quiesce_mask: 0x0
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x0
notify_mask: 0x0
notify_signo: 0
breaks_syscall: 0
breaks_exception: 0
breaks_interrupt: 0
last_break: none"

# ---- chisol: what the kernel supports ----

begin "chisol -i names both features, both quiesce bits and the notify events"
run "$CHISOL" -i
show
expect_rc 0
expect_line "features: 0x3 quiesce,notify"
expect_line "notify_events: 0x7 syscall,exception,interrupt"
# Both bits by name, on one line (the kernel's mask format) or one line each.
if ! grep -qxF "quiesce_bits: 0x3 vmstat_sync,lru_drain" "$TMP/out"; then
	grep -qxE "quiesce_bits: 0x1 vmstat_sync|[[:space:]]*0x1 vmstat_sync" "$TMP/out" &&
		grep -qxE "quiesce_bits: 0x2 lru_drain|[[:space:]]*0x2 lru_drain" "$TMP/out" ||
		fail "no 'quiesce_bits: 0x3 vmstat_sync,lru_drain' (nor a line per bit, 0x1 vmstat_sync and 0x2 lru_drain)"
fi
[ "$(grep -c . "$TMP/out")" -le 4 ] ||
	fail "more lines than the features, the quiesce bits and the notify events"
end

begin "chisol --help and --version"
run "$CHISOL" --help
expect_rc 0
expect_match "Usage: chisol \[options\] \[--\] <command> .*"
expect_match " *-q, --quiesce <LIST>"
grep -q "vmstat_sync" "$TMP/out" || fail "--help does not name vmstat_sync"
grep -q "lru_drain" "$TMP/out" || fail "--help does not name lru_drain"
expect_match " *-n, --notify <EVENTS>"
expect_match " *--notify-signal <SIG>"
for e in syscall exception interrupt; do
	grep -q "^  $e " "$TMP/out" || fail "--help does not describe the event $e"
done
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

begin "chisol -q vmstat_sync,lru_drain, -q all, -q lru_drain: the quiesce bits"
run "$CHISOL" -q vmstat_sync,lru_drain -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=3 inherit=0 active=0"
run "$CHISOL" -q all -a -- "$REPORT"
expect_rc 0
expect_out "configured=1 quiesce=3 inherit=0 active=1"
run "$CHISOL" -q lru_drain -o lru_drain -a -- "$CHISOL" -s
show
expect_rc 0
expect_lines "configured: 0x1 quiesce
quiesce_mask: 0x2 lru_drain
active_mask: 0x1 quiesce
oneshot_mask: 0x2 lru_drain"
run "$CHISOL" -q all -o lru_drain -a -- "$CHISOL" -s
expect_rc 0
expect_lines "quiesce_mask: 0x3 vmstat_sync,lru_drain
oneshot_mask: 0x2 lru_drain"
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
expect_err "chisol: --activate: no feature is configured: use --quiesce or --notify"
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

# ---- chisol --notify: notification of isolation breaks ----

# value KEY: the value of the line "KEY: value" of the last stdout (the
# first such line).
value() {
	sed -n "s/^$1: //p" "$TMP/out" | head -n 1
}

# at_least KEY N: the decimal value of KEY is N or more.
at_least() {
	v=$(value "$1")
	case "$v" in
	"" | *[!0-9]*) fail "$1: '$v' is not a number" ;;
	*) [ "$v" -ge "$2" ] || fail "$1: $v, expected at least $2" ;;
	esac
}

begin "chisol -n syscall -a: notification alone, configured and active"
run "$CHISOL" -n syscall -a -- "$CHISOL" -s
show
expect_rc 0
expect_lines "configured: 0x2 notify
quiesce_mask: 0x0
active_mask: 0x2 notify
oneshot_mask: 0x0
inherit_mask: 0x0
notify_mask: 0x1 syscall
notify_signo: 0
breaks_exception: 0
breaks_interrupt: 0
last_break: syscall"
# The execve of chisol -s at least, and its reads.
at_least breaks_syscall 1
run "$CHISOL" --notify=syscall --activate -- "$REPORT"
expect_rc 0
expect_match "configured=2 quiesce=0 inherit=0 active=2( .*)?"
end

begin "chisol -q, -n, --notify-signal: both features configured, then both active"
# Configured only: nothing counts, nothing is signalled until activation.
run "$CHISOL" -q vmstat_sync -n all --notify-signal USR1 -- "$CHISOL" -s
show
expect_rc 0
expect_lines "configured: 0x3 quiesce,notify
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x0
oneshot_mask: 0x0
notify_mask: 0x7 syscall,exception,interrupt
notify_signo: 10
breaks_syscall: 0
breaks_exception: 0
breaks_interrupt: 0
last_break: none"
run "$CHISOL" -q all -n syscall,exception -I conf -a -- "$CHISOL" -s
show
expect_rc 0
expect_lines "configured: 0x3 quiesce,notify
quiesce_mask: 0x3 vmstat_sync,lru_drain
active_mask: 0x3 quiesce,notify
inherit_mask: 0x1 conf
notify_mask: 0x3 syscall,exception
notify_signo: 0
breaks_interrupt: 0"
# The execve, and the page faults of a program that starts.
at_least breaks_syscall 1
at_least breaks_exception 1
end

begin "chisol --notify-signal: signal names and numbers"
# RTMIN is the C library's SIGRTMIN: 34 with glibc, which chisol uses.
for pair in "KILL 9" "SIGKILL 9" "kill 9" "USR1 10" "SIGUSR1 10" "usr2 12" \
	"TERM 15" "HUP 1" "0 0" "10 10" "64 64" "RTMIN 34" "RTMIN+3 37" \
	"SIGRTMIN+3 37" "RTMAX 64" "RTMAX-1 63" "sigrtmax-30 34"; do
	# shellcheck disable=SC2086 # the name and the number, two words
	set -- $pair
	run "$CHISOL" -n interrupt --notify-signal "$1" -- "$CHISOL" -s
	expect_rc 0
	grep -qxF "notify_signo: $2" "$TMP/out" ||
		fail "--notify-signal $1: no 'notify_signo: $2' (got '$(value notify_signo)')"
done
end

begin "chisol -n syscall --notify-signal KILL -a: the command is killed at once"
# The command's execve is a syscall break: SIGKILL before it runs.
run "$CHISOL" -n syscall --notify-signal KILL -a -- "$REPORT"
expect_rc 137
expect_no_out
run "$CHISOL" -n syscall --notify-signal 9 -a -- sh -c 'echo ran'
expect_rc 137
expect_no_out
run "$CHISOL" -n syscall --notify-signal USR1 -a -- "$REPORT"
expect_rc 138
expect_no_out
# Controls: signal 0 counts only, the command runs; without -a the signal
# waits for the program's own activation.
run "$CHISOL" -n syscall --notify-signal 0 -a -- "$REPORT"
expect_rc 0
expect_match "configured=2 quiesce=0 inherit=0 active=2( .*)?"
run "$CHISOL" -n syscall --notify-signal KILL -- "$REPORT"
expect_rc 0
expect_match "configured=2 quiesce=0 inherit=0 active=0( .*)?"
end

begin "chisol -n syscall,exception -a, no signal: the command runs, its counters grow"
# The shell reads /proc/self/task_isolation twice with its builtins (the
# redirection of a loop does not fork): its own counters, which grow by
# the system calls of the first read. Interrupts are not in the mask.
# One line: the command shows in the log as TAP comments.
r='r() { while read -r k v; do case $k in breaks_* | last_break:) echo "$k $v" ;; esac; done </proc/self/task_isolation; }; r; r'
run "$CHISOL" -n syscall,exception -a -- sh -c "$r"
show
expect_rc 0
s1=$(grep '^breaks_syscall: ' "$TMP/out" | sed -n '1s/.* //p')
s2=$(grep '^breaks_syscall: ' "$TMP/out" | sed -n '2s/.* //p')
e1=$(grep '^breaks_exception: ' "$TMP/out" | sed -n '1s/.* //p')
e2=$(grep '^breaks_exception: ' "$TMP/out" | sed -n '2s/.* //p')
case "$s1$s2$e1$e2" in
"" | *[!0-9]*) fail "not two readings of each counter: '$s1' '$s2' '$e1' '$e2'" ;;
*)
	[ "$s1" -ge 1 ] || fail "breaks_syscall $s1 at the first reading: the execve is one"
	[ "$s2" -gt "$s1" ] || fail "breaks_syscall did not grow: $s1 then $s2"
	[ "$e1" -ge 1 ] || fail "breaks_exception $e1: a program that starts faults"
	[ "$e2" -ge "$e1" ] || fail "breaks_exception went down: $e1 then $e2"
	;;
esac
[ "$(grep -cxF 'breaks_interrupt: 0' "$TMP/out")" = 2 ] ||
	fail "breaks_interrupt is not 0 twice (interrupt is not in the mask)"
[ "$(grep -cxF 'last_break: syscall' "$TMP/out")" = 2 ] ||
	fail "last_break is not syscall twice (the read of the file is one)"
end

begin "chisol -I with -n: what the command's children inherit"
# "; true" makes the shell fork for the command instead of exec'ing it.
run "$CHISOL" -n syscall -a -- sh -c "$CHISOL -s; true"
expect_rc 0
expect_lines "$ST_EMPTY"
run "$CHISOL" -n syscall --notify-signal USR1 -I conf -- sh -c "$CHISOL -s; true"
show
expect_rc 0
expect_lines "configured: 0x2 notify
active_mask: 0x0
inherit_mask: 0x1 conf
notify_mask: 0x1 syscall
notify_signo: 10
breaks_syscall: 0
last_break: none"
run "$CHISOL" -n syscall,exception -I active -a -- sh -c "$CHISOL -s; true"
show
expect_rc 0
expect_lines "configured: 0x2 notify
active_mask: 0x2 notify
inherit_mask: 0x3 conf,active
notify_mask: 0x3 syscall,exception
notify_signo: 0
breaks_interrupt: 0"
at_least breaks_syscall 1
end

begin "chisol -a activates a notify configuration inherited across execve"
run "$CHISOL" -n syscall -- "$CHISOL" -a -- "$REPORT"
expect_rc 0
expect_match "configured=2 quiesce=0 inherit=0 active=2( .*)?"
run "$CHISOL" -n exception -- "$CHISOL" -q vmstat_sync -a -- "$REPORT"
expect_rc 0
expect_match "configured=3 quiesce=1 inherit=0 active=3( .*)?"
run "$CHISOL" -n syscall -- "$CHISOL" -o vmstat_sync -a -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "chisol: --oneshot: quiescing is not configured: use --quiesce"
end

begin "sample task_isol_activate_chisol under chisol -n: the program activates"
run "$CHISOL" -n syscall -- "$SAMPLES/task_isol_activate_chisol"
show
expect_rc 0
expect_line "task_isol_activate_chisol: activated the configured features 0x2"
expect_line "task_isol_activate_chisol: ok configured=0x2 active=0x2"
# With SIGKILL it dies at its first system call after activating (its
# first printf, before it writes anything).
run "$CHISOL" -n syscall --notify-signal KILL -- "$SAMPLES/task_isol_activate_chisol"
expect_rc 137
expect_no_out
end

begin "chisol -n, --notify-signal errors: exit 1, change nothing, run nothing"
# check_error MESSAGE CHISOL_ARGS...: chisol ARGS -- isol_report fails with
# MESSAGE on stderr, and the report never runs.
check_error() {
	msg=$1
	shift
	run "$CHISOL" "$@" -- "$REPORT"
	expect_rc 1
	expect_no_out
	expect_err "$msg"
}
check_error "unknown notify event 'nosuch' (known: syscall, exception, interrupt, all)" \
	-n syscall,nosuch -a
check_error "notify event 'syscall' listed twice" -n syscall,exception,syscall -a
check_error "empty list: name at least one notify event" -n "" -a
check_error "empty name in the list" -n syscall, -a
check_error "'all' stands alone: it cannot be listed with other names" -n all,syscall -a
check_error "signal number 65 is out of range: 1 to 64 (SIGRTMAX), or 0 for none" \
	-n syscall --notify-signal 65 -a
check_error "signal number -1 is out of range" -n syscall --notify-signal -1 -a
check_error "unknown signal 'BOGUS'" -n syscall --notify-signal BOGUS -a
check_error "signal RTMIN+31 is out of range" -n syscall --notify-signal RTMIN+31 -a
check_error "--notify-signal needs --notify <EVENTS>: the events whose breaks to signal" \
	--notify-signal KILL -q vmstat_sync -a
check_error "cannot be used with" -p 1 -n syscall
# The command is looked up before anything is activated: not found, it is
# reported (and not a break that kills chisol).
run "$CHISOL" -n syscall --notify-signal KILL -a -- /nonexistent
expect_rc 127
expect_err "chisol: failed to execute /nonexistent: No such file or directory"
run "$CHISOL" -n syscall --notify-signal KILL -a -- nonexistent-command
expect_rc 127
expect_err "chisol: failed to execute nonexistent-command: No such file or directory"
end

# ---- chisol -s, -p, --all-tasks: the state of a task ----

begin "chisol -s: its own state"
run "$CHISOL" -s
expect_rc 0
expect_lines "$ST_EMPTY"
run "$CHISOL" -q vmstat_sync -I active -a -- "$CHISOL" -s
show
expect_rc 0
expect_lines "configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x0
inherit_mask: 0x3 conf,active"
run "$CHISOL" -q vmstat_sync -o vmstat_sync -a -- "$CHISOL" --status
expect_rc 0
expect_lines "configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x1 vmstat_sync
inherit_mask: 0x0"
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

# status_of_pid NAME EXPECTED CHISOL_OPTIONS...: the state that chisol
# CHISOL_OPTIONS set on a sleeper, as chisol -p PID, -s PID and -p PID
# --all-tasks show it.
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
		for opt in -p --pid -s; do
			run "$CHISOL" $opt "$spid"
			[ $opt = -p ] && show
			expect_rc 0
			expect_lines "$expected"
		done
		run "$CHISOL" -p "$spid" --all-tasks
		expect_rc 0
		expect_lines "$(prefix "$spid" "$expected")"
	fi
	kill "$spid" 2>/dev/null
	end
}

status_of_pid "chisol -p PID of a task under chisol -I active -a" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x0
inherit_mask: 0x3 conf,active" -q vmstat_sync -I active -a

status_of_pid "chisol -p PID of a task under chisol -o vmstat_sync -a" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x1 quiesce
oneshot_mask: 0x1 vmstat_sync
inherit_mask: 0x0" -q vmstat_sync -o vmstat_sync -a

status_of_pid "chisol -p PID of a task under chisol -q only" \
"configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x0" -q vmstat_sync

status_of_pid "chisol -p PID of a task under chisol -n syscall,interrupt -a" \
"configured: 0x2 notify
quiesce_mask: 0x0
active_mask: 0x2 notify
oneshot_mask: 0x0
inherit_mask: 0x0
notify_mask: 0x5 syscall,interrupt
notify_signo: 0
breaks_exception: 0" -n syscall,interrupt -a

status_of_pid "chisol -p PID of a task under chisol -q -n all --notify-signal RTMAX" \
"configured: 0x3 quiesce,notify
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x0
notify_mask: 0x7 syscall,exception,interrupt
notify_signo: 64
breaks_syscall: 0
breaks_exception: 0
breaks_interrupt: 0
last_break: none" -q vmstat_sync -n all --notify-signal RTMAX

status_of_pid "chisol -p PID of a task under chisol -I conf only" \
"configured: 0x0
quiesce_mask: 0x0
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x1 conf" -I conf

# A process whose two threads are in different states: task_isol_oneshot
# (one event in 60 s: it loops until then) under chisol -q vmstat_sync -I
# conf. Its event thread starts first and gets a copy of the
# configuration and inherit mask chisol set, not activated; then the main
# thread configures and activates with the one-shot vmstat_sync and
# lru_drain (every quiesce bit the kernel supports: both here).
ST_MAIN="configured: 0x1 quiesce
quiesce_mask: 0x3 vmstat_sync,lru_drain
active_mask: 0x1 quiesce
oneshot_mask: 0x3 vmstat_sync,lru_drain
inherit_mask: 0x1 conf"
ST_EVENT="configured: 0x1 quiesce
quiesce_mask: 0x1 vmstat_sync
active_mask: 0x0
oneshot_mask: 0x0
inherit_mask: 0x1 conf"

# start_threads: that process in $tpid and its event thread in $ttid,
# once the main thread has activated; $ttid empty if it did not get there.
start_threads() {
	"$CHISOL" -q vmstat_sync -I conf -- "$SAMPLES/task_isol_oneshot" 1 60000 \
		>"$TMP/threads.out" 2>&1 &
	tpid=$!
	pids="$pids $tpid"
	ttid=
	i=0
	while [ $i -lt 300 ]; do
		# Only to wait: the checks compare with what was set, above.
		if [ $(($(ls "/proc/$tpid/task" 2>/dev/null | wc -l))) -eq 2 ] &&
			grep -qx "active_mask: 0x1 quiesce" "/proc/$tpid/task_isolation" 2>/dev/null; then
			ttid=$(ls "/proc/$tpid/task" | grep -vx "$tpid")
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

T_ALL="chisol -p PID --all-tasks: every thread, each with its own state"
T_TID="chisol -p TID: one thread's state, not its process's"
T_GONE="chisol -p PID --all-tasks, -p TID of a process that has exited"
if [ ! -x "$SAMPLES/task_isol_oneshot" ]; then
	for t in "$T_ALL" "$T_TID" "$T_GONE"; do
		skip "$t" "no $SAMPLES/task_isol_oneshot (a two-thread target)"
	done
else
	start_threads
	begin "$T_ALL"
	if [ -z "$ttid" ]; then
		fail "task_isol_oneshot did not start two threads and activate: $(cat "$TMP/threads.out")"
	else
		for opts in "-p $tpid --all-tasks" "--all-tasks --pid=$tpid" "-s $tpid --all-tasks"; do
			# shellcheck disable=SC2086 # the options are separate words
			run "$CHISOL" $opts
			[ "$opts" = "-p $tpid --all-tasks" ] && show
			expect_rc 0
			expect_lines "$(prefix "$tpid" "$ST_MAIN")"
			expect_lines "$(prefix "$ttid" "$ST_EVENT")"
			if grep -vE "^($tpid|$ttid) " "$TMP/out" >"$TMP/other"; then
				fail "lines of no thread of $tpid: $(cat "$TMP/other")"
			fi
			# In increasing order of TID: the main thread's lines first.
			[ "$(head -n 1 "$TMP/out")" = "$tpid configured: 0x1 quiesce" ] ||
				fail "the main thread $tpid is not first"
		done
	fi
	end

	begin "$T_TID"
	if [ -z "$ttid" ]; then
		fail "task_isol_oneshot did not start two threads and activate"
	else
		run "$CHISOL" -p "$ttid"
		show
		expect_rc 0
		expect_lines "$ST_EVENT"
		run "$CHISOL" -p "$tpid"
		expect_rc 0
		expect_lines "$ST_MAIN"
	fi
	end

	begin "$T_GONE"
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	run "$CHISOL" -p "$tpid" --all-tasks
	expect_rc 1
	expect_no_out
	expect_err "chisol: no process with PID $tpid"
	if [ -n "$ttid" ]; then
		run "$CHISOL" -p "$ttid"
		expect_rc 1
		expect_no_out
		expect_err "chisol: no process with PID $ttid"
	fi
	end
fi

begin "chisol -s/-p PID of a missing process"
for args in "-s 4000000" "-p 4000000" "--pid 4000000 --all-tasks"; do
	# shellcheck disable=SC2086 # the options are separate words
	run "$CHISOL" $args
	expect_rc 1
	expect_no_out
	expect_err "chisol: no process with PID 4000000"
done
end

begin "chisol -p, --all-tasks usage errors: exit 1, run nothing"
run "$CHISOL" --all-tasks
expect_rc 1
expect_no_out
expect_err "--all-tasks needs --pid <PID>"
run "$CHISOL" --all-tasks -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "--all-tasks needs --pid <PID>"
run "$CHISOL" -s --all-tasks
expect_rc 1
expect_no_out
expect_err "--all-tasks needs --pid <PID>"
run "$CHISOL" -p 1 -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "the argument '--pid <PID>' cannot be used with"
run "$CHISOL" -p 1 -q vmstat_sync -a
expect_rc 1
expect_no_out
expect_err "cannot be used with"
run "$CHISOL" -p abc
expect_rc 1
expect_no_out
expect_err "invalid value 'abc' for '--pid <PID>'"
run "$CHISOL" -p 0
expect_rc 1
expect_err "0 is not in 1..=2147483647"
run "$CHISOL" -p
expect_rc 1
expect_err "a value is required for '--pid <PID>'"
end

# ---- chisol: usage and exec errors change nothing and run nothing ----

begin "chisol -q with an unknown name: exit 1, lists the known names"
run "$CHISOL" -q vmstat_sync,nosuch -a -- "$REPORT"
expect_rc 1
expect_no_out
expect_err "unknown quiesce activity 'nosuch' (known: vmstat_sync, lru_drain, all)"
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
	if [ -z "$ISO_CPU" ]; then
		skip "$1" "$NO_ISO_CPU"
		return
	fi
	begin "$1"
	delta=$2
	shift 2
	if [ $# -gt 0 ]; then
		run "$CHISOL" "$@" -- "$NR_MLOCK"
	else
		run "$NR_MLOCK"
	fi
	show
	if grep -q "sched_setaffinity\|no isolated CPU" "$TMP/err"; then
		skip "$name" "isol_nr_mlock cannot run on the isolated CPU $ISO_CPU: $(cat "$TMP/err")"
		return
	fi
	expect_rc 0
	expect_match "nr_mlock before=[0-9]+ after=[0-9]+ delta=$delta"
	end
}

# Quiescing first: it leaves the isolated CPU's differentials folded, so the runs
# without it start from a known state.
nr_mlock "chisol -q vmstat_sync -a: mlock of 4 pages shows at once" 4 \
	-q vmstat_sync -a
nr_mlock "without chisol: mlock on the isolated CPU stays per-CPU" 0
nr_mlock "chisol -o vmstat_sync: one-shot does not quiesce later calls" 0 \
	-q vmstat_sync -o vmstat_sync -a
nr_mlock "chisol -q vmstat_sync without -a: configured only, no effect" 0 \
	-q vmstat_sync

# ---- samples/task_isolation ----

if [ -z "$ISO_CPU" ]; then
	skip "sample task_isol_userloop" "$NO_ISO_CPU"
else
	begin "sample task_isol_userloop"
	run "$SAMPLES/task_isol_userloop" "$ISO_CPU" 1
	show
	expect_rc 0
	expect_match "task_isol_userloop: ok cpu=$ISO_CPU seconds=1 iterations=[1-9][0-9]* max_gap_ns=[0-9]+"
	end
fi

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
