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
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOR=${1:-task_isolation}
FRAG=$TOP/configs/$FLAVOR.config
[ -f "$FRAG" ] || die "no config fragment $FRAG"
TREE=$CACHE/linux
OBJ=$CACHE/obj-$FLAVOR

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

install_tree() {
	local f
	for f in "$TOP"/rust/task_isolation/*.rs; do
		install_file "$f" "$TREE/kernel/task_isolation/$(basename "$f")"
	done
	install_file "$TOP/Kbuild" "$TREE/kernel/task_isolation/Makefile"
	install_file "$TOP/include/uapi/linux/task_isolation.h" \
		"$TREE/include/uapi/linux/task_isolation.h"
	install_file "$TOP/include/linux/task_isolation.h" \
		"$TREE/include/linux/task_isolation.h"
	rm -rf "$TREE/tools/testing/selftests/task_isolation.tmp"
	mkdir -p "$TREE/tools/testing/selftests/task_isolation"
	for f in "$TOP"/tests/kselftest/task_isolation/*; do
		install_file "$f" "$TREE/tools/testing/selftests/task_isolation/$(basename "$f")"
	done
}

apply_series() {
	local want have
	want=$(cat "$TOP"/patches/series "$TOP"/patches/*.patch | sha256sum | cut -c1-16)
	have=$(cat "$TREE/.ti-series" 2>/dev/null || true)
	[ "$want" = "$have" ] && { log "patch series already applied"; return 0; }
	log "applying the quilt series from patches/"
	rm -f "$TREE/.ti-series"
	in_root /bin/sh -ec '
		cd /cache/linux
		export QUILT_PATCHES=/src/patches QUILT_PC=.pc
		if [ -d .pc ]; then quilt pop -a -f -q >/dev/null; fi
		quilt push -a -q' >&2 || die "the series in patches/ does not apply to $(cat "$TREE/.ti-version")"
	echo "$want" >"$TREE/.ti-series"
}

MAKE_ARGS="O=/cache/obj-$FLAVOR LLVM=1 -j$(nproc)"

configure() {
	local want have
	want=$(cat "$FRAG" "$TREE/.ti-series" | sha256sum | cut -c1-16)
	have=$(cat "$OBJ/.ti-config" 2>/dev/null || true)
	[ "$want" = "$have" ] && [ -f "$OBJ/.config" ] && return 0
	log "configuring: tinyconfig + configs/$FLAVOR.config"
	mkdir -p "$OBJ"
	in_root /bin/sh -ec "
		cd /cache/linux
		make $MAKE_ARGS -s rustavailable
		make $MAKE_ARGS -s tinyconfig
		scripts/kconfig/merge_config.sh -m -O /cache/obj-$FLAVOR \
			/cache/obj-$FLAVOR/.config /src/configs/$FLAVOR.config >/dev/null
		make $MAKE_ARGS -s olddefconfig" >&2 || die "configuration failed"
	local missing
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG" | while IFS= read -r l; do
		grep -qxF "$l" "$OBJ/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "options not set after olddefconfig (unmet dependencies?): $(echo $missing)"
	echo "$want" >"$OBJ/.ti-config"
}


phase "install project files into the tree" install_tree
phase "apply patches" apply_series
phase "configure ($FLAVOR)" configure
log "building bzImage and headers ($FLAVOR) with LLVM=1 CLIPPY=1"
t0=$(date +%s)
build_log=$OBJ/build.log
in_root /bin/sh -ec "
	echo \"kernel: Debian linux-source $(cat "$TREE/.ti-version"), flavor $FLAVOR\"
	rustc --version; bindgen --version 2>&1 | head -1; clang --version | head -1
	cd /cache/linux
	make $MAKE_ARGS CLIPPY=1 bzImage headers" >"$build_log" 2>&1 || {
	grep -E 'error|Error|warning:' "$build_log" | head -40 >&2
	die "kernel build failed after $(( $(date +%s) - t0 ))s, full log: $build_log"
}
head -4 "$build_log" >&2
log "kernel built in $(( $(date +%s) - t0 ))s: $OBJ/arch/x86/boot/bzImage"
