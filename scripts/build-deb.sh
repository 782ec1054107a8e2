#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian packages: the patched kernel, built by the kernel's own bindeb-pkg
# from Debian's config, and chisol. Then proves them: both install, the
# installed config has the feature, and the packaged image boots in QEMU
# and passes the whole kselftest suite.
#
#   scripts/build-deb.sh
#
# DEB_MODULES=1 (default) builds Debian's config as it is: about 4000
#   modules, many hours on 2 cores.
# DEB_MODULES=0 turns every module off (make mod2noconfig) and keeps all
#   that Debian builds in: the same kernel image choices, an hour or less.
#
# The kernel source is what a packager gets: the exported series
# (out/series) applied with git am to Debian's linux-source-6.12
# (scripts/check-tree.sh --apply-only debian, .cache/tree-debian). The
# config is that of Debian's own kernel of the same version, the .config
# of linux-headers-VERSION-amd64, with configs/deb.config merged on top
# and checked option by option. Objects go to .cache/obj-deb, LLVM=1 like
# every other build of ours; packages to out/deb, the verdict to
# out/deb/result.txt (which the cover letter quotes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MODULES=${DEB_MODULES:-1}
case $MODULES in 0|1) ;; *) die "DEB_MODULES must be 0 or 1, not '$MODULES'" ;; esac
FRAG=$TOP/configs/deb.config
TREE=$CACHE/tree-debian
OBJ=$CACHE/obj-deb
DEST=$OUT/deb
DL=$CACHE/dl/deb
MAKE_ARGS="O=/cache/obj-deb LLVM=1 -j$(nproc)"
need_root
[ -f "$OUT/series/series" ] || die "no exported series in $OUT/series: run make series"

# debian_config: the .config of Debian's kernel for linux-source-6.12's
# version, as $OBJ/debian.config; its package and version go to the log.
debian_config() {
	local src_ver pkg deb ver
	src_ver=$(cat "$TREE/.ti-version")
	rm -rf --one-file-system "$DL"
	mkdir -p "$DL" "$OBJ"
	pkg=$(in_root apt-cache depends linux-headers-amd64 |
		sed -n 's/.*Depends: \(linux-headers-6\.12\.[^ ]*-amd64\)$/\1/p' | head -1)
	[ -n "$pkg" ] || die "no linux-headers-6.12.*-amd64 in the build root's archive (apt-cache depends linux-headers-amd64)"
	in_root /bin/sh -ec "cd /cache/dl/deb && apt-get download -q $pkg" >"$DL/apt.log" 2>&1 ||
		{ tail -3 "$DL/apt.log" >&2; die "apt-get download $pkg failed"; }
	deb=$(ls "$DL/${pkg}"_*.deb)
	ver=$(dpkg-deb -f "$deb" Version)
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg/.config" >"$OBJ/debian.config"
	log "Debian's config: $pkg $ver ($(grep -c '=m$' "$OBJ/debian.config") modules)"
	case $src_ver in *" $ver") ;;
	*) log "warning: the source is $src_ver, the config is Debian's $ver" ;;
	esac
	echo "$pkg $ver" >"$OBJ/debian.config.version"
	rm -rf --one-file-system "$DL"
}

# configure: Debian's config, DEB_MODULES=0's mod2noconfig, the fragment.
configure() {
	local missing
	cp "$OBJ/debian.config" "$OBJ/.config"
	in_root /bin/sh -ec "
		cd /cache/tree-debian
		make $MAKE_ARGS -s rustavailable
		make $MAKE_ARGS -s olddefconfig
		[ $MODULES = 1 ] || make $MAKE_ARGS -s mod2noconfig
		scripts/kconfig/merge_config.sh -m -O /cache/obj-deb \
			/cache/obj-deb/.config /src/configs/deb.config >/dev/null
		make $MAKE_ARGS -s olddefconfig" >"$OBJ/configure.log" 2>&1 ||
		{ tail -20 "$OBJ/configure.log" >&2; die "configuration failed, log: $OBJ/configure.log"; }
	missing=$(grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$FRAG" |
		while IFS= read -r l; do grep -qxF "$l" "$OBJ/.config" || echo "$l"; done)
	[ -z "$missing" ] || die "options of configs/deb.config not set after olddefconfig (unmet dependencies?): $missing"
	log "configured: Debian's config$([ "$MODULES" = 1 ] || echo ', modules off') + configs/deb.config," \
		"$(grep -c '=y$' "$OBJ/.config") built in, $(grep -c '=m$' "$OBJ/.config") modules"
}

# build: bindeb-pkg (dpkg-buildpackage checks its Build-Depends, and
# debian/rules calls debhelper; it writes the packages to the object tree's parent,
# .cache), and the uapi headers the kselftests build against. Debian
# compresses the image with zstd (CONFIG_KERNEL_ZSTD) and modules with xz.
build() {
	local t0=$SECONDS
	root_need debhelper zstd
	rm -f "$CACHE"/*.deb "$CACHE"/*.buildinfo "$CACHE"/*.changes
	in_root /usr/bin/env DEBFULLNAME="Task Isolation Project" \
		DEBEMAIL=task-isolation@example.org KDEB_CHANGELOG_DIST=$SUITE /bin/sh -ec "
		echo \"kernel: $(cat "$TREE/.ti-version") + out/series, Debian's config $(cat "$OBJ/debian.config.version"), DEB_MODULES=$MODULES\"
		rustc --version; bindgen --version 2>&1 | head -1; clang --version | head -1
		dpkg-buildpackage --version | head -1
		cd /cache/tree-debian
		make $MAKE_ARGS bindeb-pkg
		make $MAKE_ARGS -s headers" >"$OBJ/build.log" 2>&1 || {
		grep -E 'error|Error' "$OBJ/build.log" | head -30 >&2
		die "bindeb-pkg failed after $((SECONDS - t0))s, log: $OBJ/build.log"
	}
	head -5 "$OBJ/build.log" >&2
	rm -rf --one-file-system "$DEST"
	mkdir -p "$DEST"
	mv "$CACHE"/*.deb "$DEST"/
	rm -f "$CACHE"/*.buildinfo "$CACHE"/*.changes
	log "bindeb-pkg built in $((SECONDS - t0))s: $(cd "$DEST" && echo *.deb)"
}

# chisol_deb: the static chisol that build-tests.sh built, its man page,
# copyright; no dependencies.
chisol_deb() {
	local ver pkg=$DEST/chisol-pkg bin=$CACHE/chisol-target/x86_64-unknown-linux-gnu/release/chisol
	ver=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$TOP/tools/chisol/Cargo.toml" | head -1)
	[ -x "$bin" ] || die "no chisol binary at $bin: scripts/build-tests.sh builds it"
	rm -rf "$pkg"
	install -D -m 0755 "$bin" "$pkg/usr/bin/chisol"
	install -d "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/chisol" "$pkg/DEBIAN"
	gzip -9n <"$TOP/tools/chisol/chisol.1" >"$pkg/usr/share/man/man1/chisol.1.gz"
	cat >"$pkg/usr/share/doc/chisol/copyright" <<-EOF
	Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
	Upstream-Name: chisol
	Files: *
	Copyright: Task Isolation Project
	License: GPL-2.0-only
	 On Debian systems, the full text of the GNU General Public License
	 version 2 can be found in the file /usr/share/common-licenses/GPL-2.
	EOF
	cat >"$pkg/DEBIAN/control" <<-EOF
	Package: chisol
	Version: $ver-1
	Architecture: amd64
	Maintainer: Task Isolation Project <task-isolation@example.org>
	Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
	Section: utils
	Priority: optional
	Homepage: https://example.org/task-isolation
	Description: run a program with task isolation configured and activated
	 chisol configures the task isolation prctl interface (PR_ISOL_*) for a
	 program and runs it: which per-CPU background work is quiesced, on
	 which CPU, and whether children inherit it. Statically linked; needs
	 a kernel with CONFIG_TASK_ISOLATION.
	EOF
	find "$pkg" -exec touch -d "@$(git -C "$TOP" log -1 --format=%ct)" {} +
	in_root dpkg-deb --root-owner-group -Zxz --build "/src/${pkg#"$TOP"/}" \
		"/src/${DEST#"$TOP"/}/chisol_${ver}-1_amd64.deb" >/dev/null
	rm -rf "$pkg"
	log "built $DEST/chisol_${ver}-1_amd64.deb"
}

# image_deb: the file name of the linux-image package (not its -dbg).
image_deb() {
	local f
	for f in "$DEST"/linux-image-*.deb; do
		case $f in *-dbg_*) ;; *) [ -f "$f" ] && { basename "$f"; return 0; } ;; esac
	done
	die "no linux-image package in $DEST"
}

# install_check: dpkg -i both packages into the build root, read the
# installed config, run chisol, purge them again.
install_check() {
	local image
	image=$(image_deb)
	in_root /bin/sh -ec "
		cd /src/${DEST#"$TOP"/}
		dpkg -i $image chisol_*.deb >/dev/null
		cfg=\$(dpkg -L ${image%%_*} | grep '^/boot/config-')
		echo \"installed \$cfg\"
		grep -E '^CONFIG_(TASK_ISOLATION|RUST)=' \$cfg
		test \"\$(grep -c -E '^CONFIG_(TASK_ISOLATION|RUST)=y' \$cfg)\" = 2
		chisol --version
		dpkg --purge ${image%%_*} chisol >/dev/null" >"$DEST/install.log" 2>&1 ||
		{ cat "$DEST/install.log" >&2; die "the packages do not install, or lack the feature"; }
	sed 's/^/    /' "$DEST/install.log" >&2
}

# boot_check: the vmlinuz from the image package, with the suite.
boot_check() {
	local image
	image=$(image_deb)
	rm -rf "${DEST:?}/boot"
	dpkg-deb --fsys-tarfile "$DEST/$image" | tar -x -C "$DEST" --wildcards './boot/vmlinuz-*'
	bash "$TOP/scripts/qemu-run.sh" -f deb -k "$(ls "$DEST"/boot/vmlinuz-*)" -m check -t 1800
}

# apply: .cache/tree-debian afresh, unless it already holds this series
# untouched (a fresh git am gives every patched file a new mtime, and so
# would rebuild everything).
apply() {
	local hash
	hash=$(tree_hash debian linux-6.12.rs)
	if [ "$(cat "$TREE/.ti-deb-series" 2>/dev/null)" = "$hash" ] &&
		[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
		log "$TREE already holds this series ($hash)"
		return 0
	fi
	bash "$TOP/scripts/check-tree.sh" --apply-only debian
	echo "$hash" >"$TREE/.ti-deb-series"
}

phase "the series on Debian's tree (git am)" apply
phase "Debian's kernel config" debian_config
phase "configure" configure
phase "bindeb-pkg" build
phase "kselftests, chisol and initramfs" bash "$TOP/scripts/build-tests.sh" deb /cache/tree-debian
phase "chisol package" chisol_deb
phase "install the packages in the build root" install_check
qrc=0
phase "the packaged kernel in QEMU" boot_check || qrc=$?
if summary=$(python3 "$TOP/scripts/results.py" --flavor deb --qemu "$OUT/deb/check.log" \
	--status "qemu=$qrc"); then
	verdict=PASS
else
	verdict=FAIL
fi
{
	echo "series: $(tree_hash debian linux-6.12.rs)"
	echo "compat: linux-6.12.rs"
	printf 'make deb: %s: %s\n' "$verdict" "$(echo "$summary" | tail -1)"
	printf 'kernel: %s + out/series, config of %s%s + configs/deb.config\n' \
		"$(cat "$TREE/.ti-version")" "$(cat "$OBJ/debian.config.version")" \
		"$([ "$MODULES" = 1 ] || echo ' with modules off (DEB_MODULES=0)')"
	(cd "$DEST" && ls -l ./*.deb | awk '{ print "  " $5 "  " $9 }')
} >"$DEST/result.txt"
tail -n +2 "$DEST/result.txt"
bash "$TOP/scripts/export-series.sh" --cover || log "cover letter not updated"
[ $verdict = PASS ]
