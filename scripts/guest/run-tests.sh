#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every installed kselftest binary directly (the kselftest runner needs
# coreutils' timeout --foreground, which busybox lacks). Each binary's TAP
# output is framed by TI-BEGIN/TI-END lines carrying its exit code, which
# the host parses (scripts/results.py).
cd /ti/kselftest || exit 2
timeout=$(sed -n 's/^timeout=//p' task_isolation/settings 2>/dev/null)
rc=0
while IFS=: read -r dir test; do
	[ -n "$test" ] || continue
	echo "TI-BEGIN: $dir:$test"
	(cd "$dir" && timeout -s KILL "${timeout:-600}" "./$test")
	code=$?
	echo "TI-END: $dir:$test rc=$code"
	[ $code = 0 ] || rc=1
done < kselftest-list.txt
exit $rc
