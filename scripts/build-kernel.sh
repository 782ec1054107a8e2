#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the patched kernel tree and build it.
#
#   scripts/build-kernel.sh [FLAVOR]
#
# FLAVOR names a config fragment in configs/ (default: task_isolation) and
# an object directory, .cache/obj-FLAVOR. The source tree .cache/linux is
# shared: the pristine Debian source, plus the project's files installed
# from rust/, include/ and Kbuild, plus the quilt series in patches/.
# Only what changed is redone: files are copied only when their content
# differs, the series is re-applied only when patches/ changed, the config
# is regenerated only when the fragment or the series changed.
#
# FLAVOR baseline is `make bench`'s unpatched kernel: the pristine source
# in a tree of its own, .cache/linux-base, with no project file and no
# series, configured like task_isolation minus the series' options.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOR=${1:-task_isolation}
FRAG=$TOP/configs/$FLAVOR.config
TREE=$CACHE/linux
OBJ=$CACHE/obj-$FLAVOR
if [ "$FLAVOR" = baseline ]; then
	# The fragment is derived, not written by hand, so the two cannot drift:
	# every option the series adds (CONFIG_*TASK_ISOLATION*) is left out.
	TREE=$CACHE/linux-base FRAG=$OBJ/baseline.config
	mkdir -p "$OBJ"
	grep -v '^[# ]*CONFIG_[A-Z0-9_]*TASK_ISOLATION' "$TOP/configs/task_isolation.config" >"$FRAG.new"
	if cmp -s "$FRAG.new" "$FRAG"; then rm "$FRAG.new"; else mv "$FRAG.new" "$FRAG"; fi
fi
case $FLAVOR in *_debug|*_vng)
	# A debug flavor's fragment lists only the checkers, a vng flavor's only
	# what vng needs to boot: it goes on top of its base flavor's fragment
	# (task_isolation_debug, task_isolation_vng: task_isolation).
	# The merged fragment is derived, the last setting of an option wins.
	base=$TOP/configs/${FLAVOR%_*}.config
	[ -f "$FRAG" ] && [ -f "$base" ] || die "no config fragment $FRAG or $base"
	mkdir -p "$OBJ"
	cat "$base" "$FRAG" | awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { k = substr($0, 1, index($0, "=") - 1) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set/ { k = $2 }
		k != "" { if (!(k in v)) o[n++] = k; v[k] = $0; k = "" }
		END { for (i = 0; i < n; i++) print v[o[i]] }' >"$OBJ/merged.config.new"
	FRAG=$OBJ/merged.config
	if cmp -s "$FRAG.new" "$FRAG"; then rm "$FRAG.new"; else mv "$FRAG.new" "$FRAG"; fi
	;;
esac
[ -f "$FRAG" ] || die "no config fragment $FRAG"
# The same paths as seen from inside the build root (see in_root).
SRC_IN=/cache/${TREE#"$CACHE"/}
case $FRAG in "$CACHE"/*) FRAG_IN=/cache/${FRAG#"$CACHE"/} ;; *) FRAG_IN=/src/${FRAG#"$TOP"/} ;; esac

"$TOP/scripts/fetch-kernel.sh"

if [ ! -f "$TREE/.ti-version" ]; then
	log "creating the work tree $TREE from the pristine source"
	rm -rf --one-file-system "$TREE" "$TREE.tmp"
	cp -a "$CACHE/pristine" "$TREE.tmp"
	mv "$TREE.tmp" "$TREE"
fi

# install_file SRC DST: copy only on change, so that mtimes (and thus the
# incremental build) only move when the content does.
install_file() {
	cmp -s "$1" "$2" 2>/dev/null && return 0
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
	log "installed ${2#"$TREE"/}"
}

# install_tree: every project file where FOLD_MAP puts it (the series'
# TARGETS line aside: build-tests.sh names its target itself).
install_tree() {
	local src dst f d files
	while read -r _ src dst; do
		case $src in TARGETS+=*) continue ;; esac
		# shellcheck disable=SC2206 # the glob is meant to expand
		files=("$TOP"/$src)
		[ -f "${files[0]}" ] || die "FOLD_MAP: nothing matches $src"
		for f in "${files[@]}"; do
			d=$dst
			case $d in */) d=$d$(basename "$f") ;; esac
			install_file "$f" "$TREE/$d"
		done
	done < <(fold_map)
}

# series_state: one "patch hash" line per patch of the series, the hash
# taken over the diff only, so that a changelog edit does not count.
series_state() {
	local p
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		printf '%s %s\n' "$p" "$(awk '/^diff --git /{d=1} d' "$TOP/patches/$p" |
			sha256sum | cut -c1-16)"
	done <"$TOP/patches/series"
}

# Apply the series, popping only from the first patch whose diff changed:
# popping everything would touch include/linux/sched.h and so rebuild the
# whole kernel for a one-line change in a late patch.
apply_series() {
	local want have keep
	want=$(series_state)
	have=$(cat "$TREE/.ti-series" 2>/dev/null || true)
	[ "$want" = "$have" ] && { log "patch series already applied"; return 0; }
	keep=0
	while [ "$(echo "$want" | sed -n "$((keep + 1))p")" = "$(echo "$have" | sed -n "$((keep + 1))p")" ] &&
		[ -n "$(echo "$want" | sed -n "$((keep + 1))p")" ]; do
		keep=$((keep + 1))
	done
	log "applying the quilt series from patches/ (keeping the first $keep patches)"
	rm -f "$TREE/.ti-series"
	in_root /bin/sh -ec '
		cd /cache/linux
		export QUILT_PATCHES=/src/patches QUILT_PC=.pc
		keep=$1
		if [ -f .pc/applied-patches ]; then
			n=$(wc -l <.pc/applied-patches)
			[ "$n" -gt "$keep" ] && quilt pop -f -q $((n - keep)) >/dev/null
		fi
		quilt push -a -q' sh "$keep" >&2 ||
		die "the series in patches/ does not apply to $(cat "$TREE/.ti-version")"
	echo "$want" >"$TREE/.ti-series"
}

MAKE_ARGS="O=/cache/obj-$FLAVOR LLVM=1 -j$(nproc)"

configure() {
	local want have
	want=$(cat "$FRAG" "$TREE/.ti-series" | sha256sum | cut -c1-16)
	have=$(cat "$OBJ/.ti-config" 2>/dev/null || true)
	[ "$want" = "$have" ] && [ -f "$OBJ/.config" ] && return 0
	log "configuring: tinyconfig + ${FRAG#"$TOP"/}"
	mkdir -p "$OBJ"
	in_root /bin/sh -ec "
		cd $SRC_IN
		make $MAKE_ARGS -s rustavailable
		make $MAKE_ARGS -s tinyconfig
		scripts/kconfig/merge_config.sh -m -O /cache/obj-$FLAVOR \
			/cache/obj-$FLAVOR/.config $FRAG_IN >/dev/null
		make $MAKE_ARGS -s olddefconfig" >&2 || die "configuration failed"
	local missing
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG" | while IFS= read -r l; do
		grep -qxF "$l" "$OBJ/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "options not set after olddefconfig (unmet dependencies?): $(echo $missing)"
	echo "$want" >"$OBJ/.ti-config"
}


if [ "$FLAVOR" = baseline ]; then
	echo "baseline: no series" >"$TREE/.ti-series"	# configure() hashes it
else
	phase "install project files into the tree" install_tree
	phase "apply patches" apply_series
fi
phase "configure ($FLAVOR)" configure
log "building bzImage and headers ($FLAVOR) with LLVM=1 CLIPPY=1"
t0=$(date +%s)
build_log=$OBJ/build.log
in_root /bin/sh -ec "
	echo \"kernel: Debian linux-source $(cat "$TREE/.ti-version"), flavor $FLAVOR\"
	rustc --version; bindgen --version 2>&1 | head -1; clang --version | head -1
	cd $SRC_IN
	make $MAKE_ARGS CLIPPY=1 bzImage headers" >"$build_log" 2>&1 || {
	grep -E 'error|Error|warning:' "$build_log" | head -40 >&2
	die "kernel build failed after $(( $(date +%s) - t0 ))s, full log: $build_log"
}
# objtool only warns, also about instrumentable calls from noinstr code
# (the validation of the debug flavor): treat that as the build error it
# is, like CONFIG_WERROR does for the compiler's warnings.
if grep -q 'warning: objtool:' "$build_log"; then
	grep 'warning: objtool:' "$build_log" | head -20 >&2
	die "objtool warned (above), full log: $build_log"
fi
head -4 "$build_log" >&2
log "kernel built in $(( $(date +%s) - t0 ))s: $OBJ/arch/x86/boot/bzImage"
