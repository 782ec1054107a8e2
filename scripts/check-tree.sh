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
# --compile-only (make check, for the newest mainline tree) applies the
# series and compiles what it touches: prepare, the Rust crates, the
# component (kernel/task_isolation/) and every C file the series changes,
# with CLIPPY=1 and CONFIG_WERROR=y; no boot, no verdict file.
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

APPLY_ONLY= COMPILE_ONLY=
case ${1:-} in
--apply-only) APPLY_ONLY=1; shift ;;
--compile-only) COMPILE_ONLY=1; shift ;;
esac
[ $# -gt 0 ] || die "usage: scripts/check-tree.sh [--apply-only|--compile-only] debian|vanilla|mainline..."
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

# seed_preimages TREE: the blobs that each exported patch was made
# against, from the series repository (.cache/series-git), written into
# TREE's repository, so that git am -3 can merge a patch whose context
# this kernel changed instead of failing: context-only differences need no
# variant.
seed_preimages() {
	local tree=$1 sg=$CACHE/series-git c path
	[ -d "$sg" ] || die "no $sg: run make series"
	for c in $(GIT_DIR=$sg git rev-list --reverse refs/tags/pristine..refs/heads/series); do
		GIT_DIR=$sg git diff-tree -r --no-commit-id --diff-filter=MD --name-only "$c^" "$c" |
			while read -r path; do
				GIT_DIR=$sg git cat-file blob "$c^:$path" |
					git -C "$tree" hash-object -w --no-filters --stdin >/dev/null
			done
	done
}

# tree_compat TREE: the compat module of the tree's kernel version
# (rust/task_isolation/compat/linux-VERSION.PATCHLEVEL.rs).
tree_compat() {
	local v
	v=$(awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		END { print v "." p }' "$CACHE/src-$1/Makefile")
	[ -f "$TOP/rust/task_isolation/compat/linux-$v.rs" ] ||
		die "$1: no compat module for Linux $v: add rust/task_isolation/compat/linux-$v.rs (see the others)"
	echo "$TOP/rust/task_isolation/compat/linux-$v.rs"
}

COMPAT_PATH=kernel/task_isolation/compat.rs

# apply TREE: a git repository of the source, the series applied with git
# am -3. Where the kernel's own code changed where a patch applies, the
# tree has a variant of that patch in scripts/series/variants/TREE/, same
# file name, holding only the diffs of the files that changed: those files
# (and those its "Drop: PATH" lines name) are left out of the exported
# patch and the variant's diff applied in their place, in the same commit.
# The compat module is the tree's own (tree_compat).
# Writes the applied patches (git format-patch) to out/tree-TREE/applied/.
apply() {
	local t=$1 tree=$CACHE/tree-$1 p v f compat ex n=0 amend
	local gt=(git -C "$tree" -c user.name=ti -c user.email=ti@localhost)
	compat=$(tree_compat "$t")
	if [ -d "$tree/.git" ] &&
		[ "$(git -C "$tree" log -1 --format=%s --max-parents=0 HEAD 2>/dev/null)" = "$(cat "$CACHE/src-$t/.ti-version")" ]; then
		# The repository of this very source exists: back to its first
		# commit (only the files the series changed are rewritten).
		log "$t: resetting $tree to the pristine source"
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		git -C "$tree" reset -q --hard "$(git -C "$tree" rev-list --max-parents=0 HEAD)"
		git -C "$tree" clean -q -f -d -x
	else
		rm -rf --one-file-system "$tree"
		cp -a "$CACHE/src-$t" "$tree"
		git -C "$tree" init -q
		# No automatic gc: git am's loose objects would start a repack of
		# the whole tree in the background, racing with the build.
		git -C "$tree" config gc.auto 0
		git -C "$tree" config maintenance.auto false
		git -C "$tree" add -A -f >/dev/null	# Debian's .gitignore ignores /*
		"${gt[@]}" commit -q -m "$(cat "$tree/.ti-version")"
	fi
	seed_preimages "$tree"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		n=$((n + 1)) ex=() amend=
		v=$VARIANTS/$t/$p
		if [ -f "$v" ]; then
			log "$t: $p with the variant of $(grep -c '^+++ b/' "$v") file(s)"
			while read -r f; do ex+=("--exclude=$f"); done < <(sed -n 's|^+++ b/||p; s|^Drop: ||p' "$v")
		fi
		if grep -qxF "+++ b/$COMPAT_PATH" "$SERIES/$p"; then
			ex+=("--exclude=$COMPAT_PATH")
		fi
		"${gt[@]}" am -q -3 "${ex[@]}" "$SERIES/$p" ||
			die "$t: git am -3 of $p failed (tree $tree, see git -C $tree am --show-current-patch=diff): its kernel code changed there, make a variant in ${VARIANTS#"$TOP"/}/$t/"
		if [ -f "$v" ]; then
			"${gt[@]}" apply --index "$v" || die "$t: the variant $v does not apply"
			amend=1
		fi
		if grep -qxF "+++ b/$COMPAT_PATH" "$SERIES/$p"; then
			cp "$compat" "$tree/$COMPAT_PATH"
			git -C "$tree" add -f "$COMPAT_PATH"	# .gitignore: /*
			amend=1
		fi
		[ -z "$amend" ] || "${gt[@]}" commit -q --amend --no-edit
	done <"$SERIES/series"
	keep_mtimes "$tree" "$CACHE/tree-$t.files"
	rm -rf "$OUT/tree-$t/applied"
	mkdir -p "$OUT/tree-$t/applied"
	git -C "$tree" format-patch -q --no-signature -o "$OUT/tree-$t/applied" HEAD~"$n"
	log "$t: $n patches applied with git am -3 (compat: $(basename "$compat")), as applied: out/tree-$t/applied/"
}

# applied_hash TREE: identifies exactly what was applied to TREE (every
# patch's message and diff, variants and compat module included); the
# tree's verdict is keyed to it.
applied_hash() {
	git -C "$CACHE/tree-$1" log --reverse -p --format='%s%n%n%b' HEAD~"$(grep -vc '^#' "$SERIES/series")"..HEAD |
		sha256sum | cut -c1-16
}

# configure TREE: tinyconfig + the fragment, as scripts/build-kernel.sh
# does; every option of the fragment must stick.
configure() {
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
	head -4 "$log_" >&2
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAG" | while IFS= read -r l; do
		grep -qxF "$l" "$CACHE/obj-tree-$t/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "$t: options not set after olddefconfig: $(echo $missing)"
}

# compile_check TREE: configure, then build prepare, the Rust crates
# (rust/), the component, the generic entry code (where the return hook
# sits) and the objects of every C file the series changes (samples and
# tools aside), with CLIPPY=1 and CONFIG_WERROR=y.
compile_check() {
	local t=$1 log_=$CACHE/obj-tree-$1/build.log objs t0=$SECONDS
	local args="O=/cache/obj-tree-$t LLVM=1 -j$(nproc)"
	configure "$t"
	objs=$(git -C "$CACHE/tree-$t" diff --name-only HEAD~"$(grep -vc '^#' "$SERIES/series")" HEAD -- '*.c' |
		grep -v -e '^samples/' -e '^tools/' -e '^rust/' | sed 's/\.c$/.o/' | tr '\n' ' ')
	log "$t: make prepare rust/ kernel/task_isolation/ kernel/entry/ $objs(CLIPPY=1)"
	in_root /bin/sh -ec "cd /cache/tree-$t && make $args CLIPPY=1 prepare &&
		make $args CLIPPY=1 rust/ kernel/task_isolation/ kernel/entry/ $objs" >>"$log_" 2>&1 || {
		grep -E -A3 'error|Error|warning:' "$log_" | head -40 >&2
		die "$t: the series does not compile, full log: $log_"
	}
	log "$t: the series applies and compiles ($((SECONDS - t0))s; compat $(basename "$(tree_compat "$t")"))"
}

# build TREE: configure and build as scripts/build-kernel.sh does.
build() {
	local t=$1 log_=$CACHE/obj-tree-$1/build.log
	local args="O=/cache/obj-tree-$t LLVM=1 -j$(nproc)"
	configure "$t"
	in_root /bin/sh -ec "cd /cache/tree-$t && make $args CLIPPY=1 bzImage headers" >>"$log_" 2>&1 || {
		grep -E 'error|Error|warning:' "$log_" | head -40 >&2
		die "$t: kernel build failed, full log: $log_"
	}
}

rc=0
mkdir -p "$RES"
for t in "$@"; do
	rm -f "$RES/$t.txt"
	phase "$t: kernel source" unpack_source "$t"
	phase "$t: apply the series" apply "$t"
	[ -z "$APPLY_ONLY" ] || continue
	compat=$(basename "$(tree_compat "$t")")
	hash=$(tree_hash "$t" "$compat")
	if [ -n "$COMPILE_ONLY" ]; then
		phase "$t: compile what the series touches" compile_check "$t" || rc=1
		continue
	fi
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
		echo "compat: $compat"
		printf '%s: %s on %s: %s (applied: %s, out/tree-%s/applied/)\n' "$t" "$verdict" \
			"$(cat "$CACHE/tree-$t/.ti-version")" "$(echo "$summary" | tail -1)" "$hash" "$t"
	} >"$RES/$t.txt"
	tail -1 "$RES/$t.txt"
done
[ -n "$APPLY_ONLY$COMPILE_ONLY" ] || bash "$TOP/scripts/export-series.sh" --cover || log "cover letter not updated"
exit $rc
