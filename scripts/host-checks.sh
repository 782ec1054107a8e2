#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side checks, run in the build root, one TAP-style line each into
# out/host-results.txt:
#  - checkpatch.pl --strict on every patch of the series and on the new
#    kernel headers;
#  - rustfmt --check on the Rust component (kernel .rustfmt.toml);
#  - the uapi header compiles alone in user space, with the ABI sizes;
#  - unit tests of the Rust state machine (tests/host/state_test.rs);
#  - chisol: cargo test (one line per test), rustfmt, clippy, mandoc -Tlint
#    of its man page; checkpatch on samples/task_isolation.
# The kernel component needs no clippy step of its own: the kernel is built
# with CLIPPY=1 and CONFIG_WERROR=y, so any lint fails the build.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RES=$OUT/host-results.txt
mkdir -p "$OUT"
: >"$RES"
n=0
. "$(dirname "$0")/host-lib.sh"

check() { # check NAME CMD...: run CMD in the build root, record the result
	local name=$1 outp rc
	shift
	outp=$(in_root /bin/sh -c "$*" 2>&1)
	rc=$?
	result "$name" $rc "$outp"
	[ $rc = 0 ] || printf 'FAILED %s:\n%s\n' "$name" "$outp" >&2
}

for p in "$TOP"/patches/*.patch; do
	check "checkpatch --strict $(basename "$p")" \
		"cd /cache/linux && scripts/checkpatch.pl --strict -q --no-summary /src/patches/$(basename "$p")"
done
for f in include/linux/task_isolation.h include/uapi/linux/task_isolation.h; do
	check "checkpatch --strict -f $f" \
		"cd /cache/linux && scripts/checkpatch.pl --strict -q --no-summary -f --no-tree /src/$f"
done

# The expected set of scripts/results.py names what the kselftest Makefile
# builds and runs, no more, no less.
mk=$(sed -n 's/^TEST_\(GEN_\)\{0,1\}PROGS *+\{0,1\}:\{0,1\}= *//p' \
	"$TOP/tests/kselftest/task_isolation/Makefile" | tr ' \t' '\n\n' | sed '/^$/d' | sort)
ex=$(sed -n 's/^task_isolation:\([^[:space:]]*\).*/\1/p' "$TOP/tests/kselftest/expected.txt" | sort)
[ -n "$mk" ] && [ "$mk" = "$ex" ]
result "tests/kselftest/expected.txt lists the Makefile's TEST_GEN_PROGS and TEST_PROGS" $? \
	"$(diff <(echo "$mk") <(echo "$ex"))"

# rustfmt follows "mod compat;" to compat.rs, which only exists in a kernel
# tree: check the crate once per tree's compat file, laid out as the
# series folds it (kernel/task_isolation/), then the host tests.
for c in "$TOP"/rust/task_isolation/compat/*.rs; do
	check "rustfmt --check rust/task_isolation with compat/$(basename "$c")" "
		d=\$(mktemp -d) && cp /src/rust/task_isolation/*.rs \$d/ &&
		cp /src/rust/task_isolation/compat/$(basename "$c") \$d/compat.rs &&
		cd \$d && rustfmt --edition 2021 --check --config-path /cache/linux/.rustfmt.toml *.rs"
done
check "rustfmt --check tests/host" \
	"rustfmt --edition 2021 --check --config-path /cache/linux/.rustfmt.toml /src/tests/host/*.rs"

check "uapi header compiles alone with the ABI sizes" "
	printf '%s\n' '#include <linux/task_isolation.h>' \
	'_Static_assert(sizeof(struct task_isol_quiesce_extensions) == 64, \"ext\");' \
	'_Static_assert(sizeof(struct task_isol_quiesce_control) == 64, \"qc\");' \
	'_Static_assert(sizeof(struct task_isol_inherit_control) == 8, \"ic\");' \
	'_Static_assert(sizeof(struct task_isol_activate_control) == 64, \"ac\");' \
	'_Static_assert(sizeof(struct task_isol_notify_extensions) == 64, \"ne\");' \
	'_Static_assert(sizeof(struct task_isol_notify_control) == 64, \"nc\");' \
	'_Static_assert(PR_ISOL_FEAT_GET == 0x49534647 && PR_ISOL_ACTIVATE_SET == 0x49534153, \"nr\");' \
	'int main(void) { return 0; }' >/tmp/uapi_test.c &&
	gcc -std=c11 -Wall -Werror -I/cache/obj-task_isolation/usr/include -o /tmp/uapi_test /tmp/uapi_test.c"

# The state machine's unit tests: one result per test.
out=$(in_root /bin/sh -c "rustc --edition 2021 --test -o /tmp/state_test /src/tests/host/state_test.rs && /tmp/state_test" 2>&1)
rc=$?
tests=$(printf '%s\n' "$out" | sed -n 's/^test \(.*\) \.\.\. \(ok\|FAILED\)$/\1 \2/p')
unit_results "state machine unit tests" state $rc "$out" "$tests"

# chisol (tools/chisol): its cargo tests, one result per test (the uapi
# mirror against the C header, option parsing, the status format, the
# binary's exit codes); formatting, clippy and its man page. The samples:
# checkpatch, as kernel code.
# shellcheck disable=SC2046 # cargo_env prints separate VAR=value words
out=$(in_root /usr/bin/env $(cargo_env) cargo test --locked \
	--manifest-path /src/tools/chisol/Cargo.toml 2>&1)
rc=$?
tests=$(printf '%s\n' "$out" | awk '
	/^ *Running / { bin = ($2 == "unittests") ? $3 : $2
		sub(/^(src|tests)\//, "", bin); sub(/\.rs$/, "", bin) }
	/^test [^ ]+ \.\.\. (ok|FAILED)$/ { print bin "::" $2, $4 }')
unit_results "chisol cargo test" chisol $rc "$out" "$tests"
check "rustfmt --check tools/chisol" \
	"rustfmt --edition 2021 --check /src/tools/chisol/src/*.rs /src/tools/chisol/tests/*.rs"
check "cargo clippy tools/chisol" \
	"env $(cargo_env) cargo clippy -q --locked --all-targets \
		--manifest-path /src/tools/chisol/Cargo.toml -- -D warnings"
check "mandoc -Tlint tools/chisol/chisol.1" \
	'out=$(mandoc -Tlint /src/tools/chisol/chisol.1 2>&1); rc=$?
	printf "%s\n" "$out"; [ $rc = 0 ] && [ -z "$out" ]'
for f in "$TOP"/samples/task_isolation/*.c; do
	check "checkpatch --strict -f samples/task_isolation/$(basename "$f")" \
		"cd /cache/linux && scripts/checkpatch.pl --strict -q --no-summary -f --no-tree /src/samples/task_isolation/$(basename "$f")"
done

# The series for packagers (make series, make series-check): it exports,
# and applies to the pristine tree with git am and with quilt push -a
# --fuzz=0, both giving the same tree, checkpatch-clean outside the
# kselftests. Its patch-by-patch build (make series-bisect) takes an hour
# and is not part of check.
slog=$OUT/series-check.log
log "the exported series: make series, make series-check (log: ${slog#"$TOP"/})"
if bash "$TOP/scripts/export-series.sh" >"$slog" 2>&1; then
	result "make series: exports the whole project as one series" 0
	bash "$TOP/scripts/export-series.sh" --check >>"$slog" 2>&1
	rc=$?
	result "make series-check: git am and quilt push -a, same tree, checkpatch --strict" $rc "$(tail -20 "$slog")"
else
	rc=$?
	result "make series: exports the whole project as one series" $rc "$(tail -20 "$slog")"
fi
[ $rc = 0 ] || { printf 'FAILED: the exported series:\n' >&2; tail -20 "$slog" >&2; }

failed=$(grep -c '^not ok' "$RES")
log "host checks: $(grep -c '^ok' "$RES") passed, $failed failed"
[ "$failed" = 0 ]
