#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Is the exported series bisectable? Apply $OUT/series (made by
# scripts/export-series.sh) patch by patch with quilt to a fresh copy of
# the pristine tree, and build after each patch the way
# scripts/build-kernel.sh does: tinyconfig + configs/task_isolation.config,
# LLVM=1 CLIPPY=1, CONFIG_WERROR=y, bzImage and headers, in the build
# root. Once the kselftests are in the tree, they are built too. Stops at
# the first patch that does not apply or build, and names it.
#
#   scripts/check-series-builds.sh [SERIES_DIR]   a run from scratch
#   scripts/check-series-builds.sh --resume       continue an interrupted run
#
# It has a tree and objects of its own, .cache/series-tree and
# .cache/obj-series, both started afresh by every run: the first build is
# a full one, the following ones are incremental. Run it with nice on a
# shared machine; four of the patches touch widely included headers.
# A run that is interrupted (SIGINT, SIGTERM) says where; --resume goes on
# from there with the same copy of the series (.cache/series-tree.patches),
# rebuilding the patch it was building (make removes half-written targets).
#
# An option of the fragment that the tree does not define yet (before the
# patch that adds CONFIG_TASK_ISOLATION, for example) is not required and
# is listed; every option the tree defines must stick, and after the last
# patch every option of the fragment must be defined.
#
# Results: $OUT/series-bisect.txt, also quoted in the cover letter.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RESUME=
[ "${1:-}" = --resume ] && { RESUME=1; shift; }
SERIES=${1:-$OUT/series}
TREE=$CACHE/series-tree
PATCHES=$CACHE/series-tree.patches	# the series as it was when the run began
OBJ=$CACHE/obj-series
STATE=$OBJ/bisect.state			# what the run has done so far
FRAG=$TOP/configs/task_isolation.config
RES=$OUT/series-bisect.txt
MAKE_ARGS="O=/cache/obj-series LLVM=1 -j$(nproc)"

need_root
mkdir -p "$OUT"
exec 9>"$CACHE/series-bisect.lock"
flock -n 9 || die "another check-series-builds.sh is running"
"$TOP/scripts/fetch-kernel.sh"
ver=$(cat "$CACHE/pristine/.ti-version")

if [ -n "$RESUME" ]; then
	[ -f "$STATE" ] && [ -f "$PATCHES/series" ] && [ -d "$TREE/.pc" ] ||
		die "no interrupted run to resume: run scripts/check-series-builds.sh"
	hash=$(series_hash "$PATCHES")
	[ "$(sed -n 's/^hash\t//p' "$STATE")" = "$hash" ] ||
		die "${PATCHES#"$TOP"/} is not the series of the interrupted run: start afresh"
else
	[ -f "$SERIES/series" ] || die "no series file in $SERIES: run make series"
	rm -rf "$PATCHES"
	cp -a "$SERIES" "$PATCHES"
	hash=$(series_hash "$PATCHES")
fi
mapfile -t patches < <(grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series")
total=${#patches[@]}

# prefix_hash N: identifies patches 1 to N, so that a later export whose
# first N patches are the same can quote this run for them.
prefix_hash() {
	(cd "$PATCHES" && cat "${patches[@]:0:$1}") | sha256sum | cut -c1-16
}

subject() { # the Subject of a patch, unfolded, without [PATCH n/m]
	awk '/^Subject: / { s = substr($0, 10); getline
			while (/^[ \t]/) { s = s $0; getline }
			sub(/^\[[^]]*\] */, "", s); print s; exit }' "$1"
}

# Options of the fragment: NAME=VALUE lines, as build-kernel.sh checks them.
mapfile -t want < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG")

# check_options: every option the tree defines must have its value; prints
# the ones the tree does not define yet.
check_options() {
	local l name bad=() notyet=()
	for l in "${want[@]}"; do
		grep -qxF "$l" "$OBJ/.config" && continue
		name=${l%%=*}
		name=${name#CONFIG_}
		if grep -rqsE --include='Kconfig*' --exclude-dir=.pc \
			"^[[:space:]]*(menu)?config[[:space:]]+$name([[:space:]]|\$)" "$TREE"; then
			bad+=("$l")
		else
			notyet+=("CONFIG_$name")
		fi
	done
	[ ${#bad[@]} = 0 ] || return 1
	echo "${notyet[*]}"
}

configure() {
	in_root /bin/sh -ec "
		cd /cache/series-tree
		make $MAKE_ARGS -s rustavailable
		make $MAKE_ARGS -s tinyconfig
		scripts/kconfig/merge_config.sh -m -O /cache/obj-series \
			/cache/obj-series/.config /src/${FRAG#"$TOP"/} >/dev/null
		make $MAKE_ARGS -s olddefconfig" >"$OBJ/configure.log" 2>&1
}

results=()	# one line per patch, for people
oks=()		# "# ok N PREFIX-HASH" per patch built, for export-series.sh
secs=0		# apply, configure and build time of the patches, in all
resumed=	# patches after which the run was resumed
defined_before=""
i=0
if [ -n "$RESUME" ]; then
	toolchain=$(sed -n 's/^toolchain\t//p' "$STATE")
	resumed=$(sed -n 's/^resumed\t//p' "$STATE" | paste -sd' ')
	while IFS=$'\t' read -r _ n s defined line; do
		i=$n
		secs=$((secs + s))
		defined_before=$(tr ' ' '\n' <<<"$defined")
		results+=("$line")
		oks+=("# ok $n $(prefix_hash "$n")")
	done < <(grep '^done	' "$STATE")
	applied=$(in_root /bin/sh -c 'cd /cache/series-tree &&
		QUILT_PATCHES=/cache/series-tree.patches QUILT_PC=.pc quilt applied 2>/dev/null' | grep -c . || true)
	[ "$applied" = "$i" ] || [ "$applied" = $((i + 1)) ] ||
		die "the tree has $applied patches applied, the run had built $i: start afresh"
	printf 'resumed\t%s\n' "$i" >>"$STATE"
	resumed="${resumed:+$resumed }$i"
	log "resuming after patch $i/$total (patches applied: $applied)"
else
	applied=0
	log "fresh tree ${TREE#"$TOP"/} from the pristine $ver, fresh objects ${OBJ#"$TOP"/}"
	rm -rf --one-file-system "$TREE" "$TREE.tmp" "$OBJ"
	cp -a "$CACHE/pristine" "$TREE.tmp"
	mv "$TREE.tmp" "$TREE"
	mkdir -p "$OBJ"
	toolchain=$(in_root /bin/sh -c 'rustc --version; clang --version | head -1' | paste -sd';' | sed 's/;/, /')
	printf 'hash\t%s\ntoolchain\t%s\n' "$hash" "$toolchain" >"$STATE"
fi

finish() { # finish STATUS: write the results file
	{
		echo "series: $hash"
		[ ${#oks[@]} = 0 ] || printf '%s\n' "${oks[@]}"
		echo "Patch-by-patch build, on $(date -u '+%Y-%m-%d'): each patch applied in"
		echo "turn (quilt push --fuzz=0) to the pristine linux-source-6.12"
		echo "$ver and built: x86_64, tinyconfig plus the project's"
		echo "config fragment (CONFIG_RUST, CONFIG_WERROR, the options of the"
		echo "series once defined), LLVM=1 CLIPPY=1, bzImage and headers; with"
		echo "the kselftests in the tree, these too. $toolchain."
		echo "Seconds to apply and configure / to build:"
		[ ${#results[@]} = 0 ] || printf '  %s\n' "${results[@]}"
		case $1 in
		ok) echo "Every patch built; $(( (secs + 30) / 60 )) minutes of applying, configuring and"
		    echo "building in all${resumed:+ (the run was interrupted, and resumed after patch $resumed)}." ;;
		interrupted) echo "The run was interrupted after patch ${#oks[@]}/$total had built." ;;
		esac
	} >"$RES"
}
# The trap may run inside a command whose output goes to a log (in_root is
# a function): say it on the script's own stderr.
exec {stderr}>&2
trap 'trap - INT TERM; exec 2>&"$stderr"; finish interrupted
	die "interrupted after patch ${#oks[@]}/$total had built: scripts/check-series-builds.sh --resume goes on"' INT TERM

while [ "$i" -lt "$total" ]; do
	i=$((i + 1))
	p=${patches[$((i - 1))]}
	subj=$(subject "$PATCHES/$p")
	tag="$i/$total $subj"
	t0=$(date +%s)
	if [ "$applied" -ge "$i" ]; then
		log "[$tag] applied before the interruption"
	else
		log "[$tag] apply"
		out=$(in_root /bin/sh -ec '
			cd /cache/series-tree
			QUILT_PATCHES=/cache/series-tree.patches QUILT_PC=.pc quilt push --fuzz=0' 2>&1) || {
			echo "$out" | tail -20 >&2
			results+=("$tag: does not apply")
			finish failed
			die "patch $i/$total does not apply: $p"
		}
		if echo "$out" | grep -E '^Hunk #|Reversed'; then
			results+=("$tag: applies only with offsets")
			finish failed
			die "patch $i/$total applies only with offsets (above): $p"
		fi
	fi
	# A new or changed Kconfig means new options: configure again (not
	# otherwise: regenerating the config makes kbuild rebuild the Rust code).
	reconf=
	if [ "$i" = 1 ] || grep -qE '^\+\+\+ b/(.*/)?Kconfig[^/]*$' "$PATCHES/$p"; then
		log "[$tag] configure: tinyconfig + ${FRAG#"$TOP"/}"
		configure || {
			tail -20 "$OBJ/configure.log" >&2
			results+=("$tag: configuration failed")
			finish failed
			die "configuration failed after patch $i/$total: $p"
		}
		reconf=" (configured again)"
	fi
	undef=$(check_options) || {
		results+=("$tag: options of the fragment did not stick")
		finish failed
		die "after patch $i/$total ($p), options the tree defines did not stick: $(for l in "${want[@]}"; do grep -qxF "$l" "$OBJ/.config" || echo "$l"; done | paste -sd' ')"
	}
	# The options defined from this patch on (word lists: split on purpose).
	# shellcheck disable=SC2086
	defined_now=$(printf '%s\n' "${want[@]%%=*}" | grep -vxF -f <(printf '%s\n' $undef) | sort)
	newly=$(comm -23 <(echo "$defined_now") <(echo "$defined_before") | paste -sd' ')
	[ "$i" = 1 ] && newly=""
	t1=$(date +%s)
	log "[$tag] build: bzImage headers, LLVM=1 CLIPPY=1$reconf"
	blog=$OBJ/build-$(printf %02d "$i").log
	if ! in_root /bin/sh -ec "
		cd /cache/series-tree
		make $MAKE_ARGS CLIPPY=1 bzImage headers" >"$blog" 2>&1; then
		grep -E 'error|Error|warning:' "$blog" | head -40 >&2
		results+=("$tag: BUILD FAILED after $(( $(date +%s) - t1 ))s")
		finish failed
		die "patch $i/$total does not build: $p (log: $blog)"
	fi
	extra=
	if [ -f "$TREE/tools/testing/selftests/task_isolation/Makefile" ]; then
		log "[$tag] build: kselftests TARGETS=task_isolation"
		if ! in_root /bin/sh -ec "
			cd /cache/series-tree/tools/testing/selftests
			make O=/cache/obj-series TARGETS=task_isolation" >>"$blog" 2>&1; then
			grep -E 'error|Error|warning:' "$blog" | head -40 >&2
			results+=("$tag: KSELFTEST BUILD FAILED")
			finish failed
			die "the kselftests do not build after patch $i/$total: $p (log: $blog)"
		fi
		extra=" + kselftests"
	fi
	t2=$(date +%s)
	line="$tag: $((t1 - t0)) / $((t2 - t1))$extra"
	[ -n "$newly" ] && line="$line; now set: $newly"
	[ -n "$undef" ] && line="$line; not defined yet: $undef"
	results+=("$line")
	oks+=("# ok $i $(prefix_hash "$i")")
	secs=$((secs + t2 - t0))
	defined_before=$defined_now
	printf 'done\t%s\t%s\t%s\t%s\n' "$i" $((t2 - t0)) "$(paste -sd' ' <<<"$defined_now")" "$line" >>"$STATE"
	log "[$tag] ok: apply+configure $((t1 - t0))s, build $((t2 - t1))s${undef:+; not defined yet: $undef}"
done
trap - INT TERM

[ -z "$undef" ] || { finish failed; die "after the last patch, the tree still does not define: $undef"; }
finish ok
log "every patch of the series builds; $secs s of work, results in ${RES#"$TOP"/}"
cat "$RES" >&2
bash "$TOP/scripts/export-series.sh" --cover || log "cover letter not updated"
