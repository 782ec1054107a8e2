#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every installed kselftest binary directly (the kselftest runner needs
# coreutils' timeout --foreground, which busybox lacks). Each binary's TAP
# output is framed by TI-BEGIN/TI-END lines carrying its exit code, which
# the host parses (scripts/results.py).
cd /ti/kselftest || exit 2
timeout=$(sed -n 's/^timeout=//p' task_isolation/settings 2>/dev/null)
scale=1		# ti.timeout_scale=N: a debug kernel's tests take N times longer
only=		# ti.only=A,B: run only these binaries (while developing)
for arg in $(cat /proc/cmdline); do
	case $arg in
	ti.timeout_scale=*) scale=${arg#ti.timeout_scale=} ;;
	ti.only=*) only=",${arg#ti.only=}," ;;
	esac
done
timeout=$(( ${timeout:-600} * scale ))
rc=0
while IFS=: read -r dir test; do
	[ -n "$test" ] || continue
	case $only in ''|*",$test,"*) ;; *) continue ;; esac
	echo "TI-BEGIN: $dir:$test"
	(cd "$dir" && timeout -s KILL "$timeout" "./$test")
	code=$?
	echo "TI-END: $dir:$test rc=$code"
	[ $code = 0 ] || rc=1
done < kselftest-list.txt

# With kmemleak (the debug kernel): a last scan over the whole run, framed
# like a test. Objects younger than 5 s are not reported: wait first.
kl=/sys/kernel/debug/kmemleak
if [ -w $kl ]; then
	echo "TI-BEGIN: kmemleak:final-scan"
	echo "1..1"
	sleep 6
	echo scan >$kl && echo scan >$kl
	n=$(grep -c '^unreferenced object' $kl)
	if [ "$n" = 0 ]; then
		echo "ok 1 kmemleak: no unreferenced object after the run"
		code=0
	else
		echo "kmemleak: $n new suspected memory leaks after the run:"
		cat $kl
		echo "not ok 1 kmemleak: $n unreferenced objects after the run"
		code=1
	fi
	echo "TI-END: kmemleak:final-scan rc=$code"
	[ $code = 0 ] || rc=1
fi
exit $rc
