#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Does the exported series (out/series, scripts/export-series.sh) apply to
# another kernel tree with git am, build there, and pass the whole
# kselftest suite in QEMU?
#
#   scripts/check-tree.sh [--apply-only] TREE...
#
# TREE is one of:
#   debian    Debian's linux-source-6.12, the tree the series is made on
#   vanilla   upstream 6.12.y: the .orig.tar.xz of the same Debian source
#             package (apt-get source, deb-src of the build root's suite);
#             if the archive no longer serves that revision's tarball,
#             the newest 6.12 one it serves
#   mainline  the newest linux-source-N.M in Debian unstable
#
# --apply-only stops after git am (to work on a variant: see below).
#
# A kernel whose own code differs where a patch touches it gets a variant
# of that patch, with the same file name, in scripts/series/variants/TREE/;
# every other patch is the exported one, unchanged.
#
# Each tree is a fresh git repository in .cache/tree-TREE (its source
# unpacked in .cache/src-TREE), objects in .cache/obj-tree-TREE, tests and
# logs in out/tree-TREE; the kernel is configured and built as
# scripts/build-kernel.sh does (tinyconfig + configs/task_isolation.config,
# LLVM=1 CLIPPY=1, CONFIG_WERROR=y). The verdict of each tree, with its
# exact version, goes to out/trees/TREE.txt (after a "series: HASH" line
# that the cover letter goes by); the exit code is non-zero if any tree
# failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERIES=$OUT/series
FRAG=$TOP/configs/task_isolation.config
VARIANTS=$TOP/scripts/series/variants
RES=$OUT/trees

APPLY_ONLY=
[ "${1:-}" = --apply-only ] && { APPLY_ONLY=1; shift; }
[ $# -gt 0 ] || die "usage: scripts/check-tree.sh [--apply-only] debian|vanilla|mainline..."
for t in "$@"; do
	case $t in debian|vanilla|mainline) ;;
	*) die "unknown tree '$t': debian, vanilla or mainline" ;;
	esac
done
[ -f "$SERIES/series" ] || die "no exported series in $SERIES: run make series"
command -v git >/dev/null || host_need git

# apt_alt SUITE TYPE PROG ARGS...: apt-get or apt-cache (PROG) in the build
# root with a sources list of its own: the root's own entry with SUITE and
# TYPE (deb or deb-src) substituted, so that no mirror name is written
# anywhere. Unstable's Release file may be past its Valid-Until on a
# snapshot mirror. Runs in .cache/dl/tree.
apt_alt() {
	local suite=$1 type=$2
	shift 2
	mkdir -p "$CACHE/dl/tree"
	in_root /bin/sh -ec '
		suite=$1 type=$2 prog=$3; shift 3
		d=/cache/apt-$suite-$type
		mkdir -p $d/lists/partial $d/cache/archives/partial
		sed -n "s/^deb \([^ ]*\) [^ ]* /$type \1 $suite /p" /etc/apt/sources.list >$d/sources.list
		o="-q -o Dir::Etc::SourceList=$d/sources.list
			-o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$d/lists
			-o Dir::Cache=$d/cache -o Acquire::Check-Valid-Until=false
			-o APT::Sandbox::User=root"
		ls $d/lists | grep -q Release || apt-get $o update >/dev/null
		cd /cache/dl/tree && $prog $o "$@"' sh "$suite" "$type" "$@"
}

# vanilla_tarball VERSION: download the upstream tarball (.orig.tar.xz) of
# Debian's source package linux, VERSION (that of linux-source-6.12) if
# the archive serves it, else the newest 6.12 revision of the suite whose
# tarball it serves (a mirror may drop the tarball of a revision it still
# lists); print its path.
vanilla_tarball() {
	local want=$1 v tried=
	for v in "$want" $(apt_alt "$SUITE" deb-src apt-cache showsrc linux |
			sed -n 's/^Version: \(6\.12\.[0-9]*-[0-9.]*\)$/\1/p' | sort -Vru); do
		case " $tried " in *" $v "*) continue ;; esac
		tried="$tried $v"
		log "downloading the upstream tarball of Debian's linux $v (apt-get source --tar-only)"
		if apt_alt "$SUITE" deb-src apt-get source --download-only --tar-only "linux=$v" \
				>"$CACHE/dl/tree.log" 2>&1; then
			[ "$v" = "$want" ] ||
				log "the archive does not serve the tarball of linux $want: vanilla is linux $v's"
			ls "$CACHE"/dl/tree/linux_*.orig.tar.* | head -1
			return 0
		fi
		grep -m1 -A1 -E '^(E|Err):' "$CACHE/dl/tree.log" | paste -sd' ' >&2 || true
	done
	die "no upstream tarball of Debian's linux 6.12 could be downloaded (tried:$tried): the vanilla tree needs deb-src in $SUITE"
}

# unpack_source TREE: .cache/src-TREE with .ti-version, once.
unpack_source() {
	local t=$1 src=$CACHE/src-$1 dl=$CACHE/dl/tree ver deb tarball pkg
	[ -f "$src/.ti-version" ] && return 0
	mkdir -p "$dl"
	rm -rf --one-file-system "$src.tmp" "$dl"/*
	mkdir -p "$src.tmp"
	case $t in
	debian)
		"$TOP/scripts/fetch-kernel.sh"
		cp -a "$CACHE/pristine/." "$src.tmp/"
		ver="linux-source-6.12 $(cat "$CACHE/pristine/.ti-version")"
		;;
	vanilla)
		"$TOP/scripts/fetch-kernel.sh"
		tarball=$(vanilla_tarball "$(cat "$CACHE/pristine/.ti-version")")
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		ver="upstream $(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p;s/^SUBLEVEL = //p' "$src.tmp/Makefile" | paste -sd.) ($(basename "$tarball"))"
		;;
	mainline)
		log "looking up the newest linux-source in Debian unstable"
		pkg=$(apt_alt sid deb apt-cache depends linux-source |
			sed -n 's/.*Depends: \(linux-source-[0-9][0-9.]*\).*/\1/p' | sort -V | tail -1)
		[ -n "$pkg" ] || die "no linux-source-N.M found in Debian unstable (apt-cache depends linux-source)"
		log "downloading $pkg from unstable"
		apt_alt sid deb apt-get download "$pkg" >&2 || die "apt-get download $pkg (unstable) failed"
		deb=$(ls "$dl/${pkg}"_*.deb | head -1)
		ver="$pkg $(dpkg-deb -f "$deb" Version)"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl" ./usr/src
		tarball=$(ls "$dl"/usr/src/linux-source-*.tar.* | head -1)
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		;;
	esac
	rm -rf --one-file-system "$dl"/*
	echo "$ver" >"$src.tmp/.ti-version"
	rm -rf --one-file-system "$src"
	mv "$src.tmp" "$src"
	log "$t: $ver in $src"
}

# keep_mtimes TREE LIST: a file that the series changed but that holds the
# same content as after the previous apply (LIST: "mtime blob path" lines)
# gets that apply's mtime back, so that the objects built from it stay
# valid: a change in one patch rebuilds only what depends on the files it
# changes. LIST is then rewritten for this apply.
keep_mtimes() {
	local tree=$1 list=$2 mt blob path base
	if [ -f "$list" ]; then
		while read -r mt blob path; do
			[ "$(git -C "$tree" rev-parse -q --verify "HEAD:$path" 2>/dev/null)" = "$blob" ] &&
				touch -m -d "@$mt" "$tree/$path"
		done <"$list"
	fi
	base=$(git -C "$tree" rev-list --max-parents=0 HEAD)
	# --raw: ":MODE MODE OLD NEW STATUS<TAB>PATH", NEW being the blob now.
	git -C "$tree" diff --raw --no-abbrev --no-renames --diff-filter=d "$base" HEAD |
		while read -r _ _ _ blob _ path; do
			printf '%s %s %s\n' "$(stat -c %Y "$tree/$path")" "$blob" "$path"
		done >"$list.tmp"
	mv "$list.tmp" "$list"
}

# apply TREE: a git repository of the source, the series applied with git am.
apply() {
	local t=$1 tree=$CACHE/tree-$1 p list=()
	rm -rf --one-file-system "$tree"
	cp -a "$CACHE/src-$t" "$tree"
	git -C "$tree" init -q
	# No automatic gc: git am's loose objects would start a repack of the
	# whole tree in the background, racing with the build for the CPUs.
	git -C "$tree" config gc.auto 0
	git -C "$tree" config maintenance.auto false
	git -C "$tree" add -A -f >/dev/null	# Debian's .gitignore ignores /*
	git -C "$tree" -c user.name=ti -c user.email=ti@localhost commit -q -m "$(cat "$tree/.ti-version")"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		if [ -f "$VARIANTS/$t/$p" ]; then
			log "$t: using the variant of $p"
			list+=("$VARIANTS/$t/$p")
		else
			list+=("$SERIES/$p")
		fi
	done <"$SERIES/series"
	git -C "$tree" -c user.name=ti -c user.email=ti@localhost am -q "${list[@]}" ||
		die "$t: git am failed (tree $tree, see git -C $tree am --show-current-patch)"
	keep_mtimes "$tree" "$CACHE/tree-$t.files"
	log "$t: ${#list[@]} patches applied with git am"
}

# build TREE: configure and build as scripts/build-kernel.sh does.
build() {
	local t=$1 obj=/cache/obj-tree-$1 log_=$CACHE/obj-tree-$1/build.log missing
	local args="O=/cache/obj-tree-$t LLVM=1 -j$(nproc)"
	rm -rf --one-file-system "$CACHE/obj-tree-$t"
	mkdir -p "$CACHE/obj-tree-$t"
	in_root /bin/sh -ec "
		echo \"kernel: $(cat "$CACHE/tree-$t/.ti-version"), tree $t\"
		rustc --version; bindgen --version 2>&1 | head -1; clang --version | head -1
		cd /cache/tree-$t
		make $args -s rustavailable
		make $args -s tinyconfig
		scripts/kconfig/merge_config.sh -m -O $obj $obj/.config /src/configs/task_isolation.config >/dev/null
		make $args -s olddefconfig" >"$log_" 2>&1 || { tail -20 "$log_" >&2; die "$t: configuration failed"; }
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG" | while IFS= read -r l; do
		grep -qxF "$l" "$CACHE/obj-tree-$t/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "$t: options not set after olddefconfig: $(echo $missing)"
	in_root /bin/sh -ec "cd /cache/tree-$t && make $args CLIPPY=1 bzImage headers" >>"$log_" 2>&1 || {
		grep -E 'error|Error|warning:' "$log_" | head -40 >&2
		die "$t: kernel build failed, full log: $log_"
	}
	head -4 "$log_" >&2
}

rc=0
hash=$(series_hash "$SERIES")
mkdir -p "$RES"
for t in "$@"; do
	rm -f "$RES/$t.txt"
	phase "$t: kernel source" unpack_source "$t"
	phase "$t: apply the series" apply "$t"
	[ -z "$APPLY_ONLY" ] || continue
	phase "$t: configure and build" build "$t"
	phase "$t: kselftests and initramfs" \
		bash "$TOP/scripts/build-tests.sh" "tree-$t" "/cache/tree-$t"
	qrc=0
	phase "$t: kselftests in QEMU" bash "$TOP/scripts/qemu-run.sh" -f "tree-$t" -m check -t 1200 || qrc=$?
	# The judge knows the tree's allowed skips (tests/kselftest/skips.txt).
	if summary=$(python3 "$TOP/scripts/results.py" --flavor "tree-$t" \
		--qemu "$OUT/tree-$t/check.log" --status "qemu=$qrc"); then
		verdict=PASS
	else
		verdict=FAIL rc=1
	fi
	{
		echo "series: $hash"
		printf '%s: %s on %s: %s\n' "$t" "$verdict" "$(cat "$CACHE/tree-$t/.ti-version")" \
			"$(echo "$summary" | tail -1)"
	} >"$RES/$t.txt"
	tail -1 "$RES/$t.txt"
done
[ -n "$APPLY_ONLY" ] || bash "$TOP/scripts/export-series.sh" --cover || log "cover letter not updated"
exit $rc
