# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the build scripts. Sourced, not executed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TI_CACHE:-$TOP/.cache}
ROOT=$CACHE/root		# Debian 13 build root
OUT=${TI_OUT:-$TOP/out}
SUITE=trixie

# Packages the build root must contain. Changing this list recreates the root.
ROOT_PKGS="build-essential flex bison bc libelf-dev libssl-dev cpio rustc
rust-src bindgen libclang-dev clang lld llvm rustfmt rust-clippy python3 kmod
xz-utils busybox-static quilt rsync coreutils perl python3-matplotlib
cargo ca-certificates mandoc"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# phase NAME CMD...: run a step, say what it is and how long it took.
phase() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	log "$name"
	"$@"
	rc=$?
	log "$name: done in $(( $(date +%s) - t0 ))s (exit $rc)"
	return $rc
}

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot need it): sudo make ..."
}

# Install host packages that are missing, saying so.
host_need() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root
	mkdir -p "$CACHE"
	log "installing missing host packages: ${missing[*]} (apt-get install ${missing[*]}; log: $CACHE/host-apt.log)"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"; } >"$CACHE/host-apt.log" 2>&1 || {
		tail -5 "$CACHE/host-apt.log" >&2
		die "could not install ${missing[*]}: run 'apt-get update && apt-get install ${missing[*]}' by hand"
	}
}

# fold_map: the lines of scripts/series/fold-map (PATCH SOURCE DESTINATION),
# the one map of project files into the kernel tree, without comments.
fold_map() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/scripts/series/fold-map"
}

# series_hash DIR: identifies the patches of an exported series (DIR/series
# in order); results files start with "series: HASH" to say what they
# checked, and the cover letter quotes only those of its own series.
series_hash() {
	(cd "$1" && grep -v '^#' series | xargs cat) | sha256sum | cut -c1-16
}

# tree_hash TREE COMPAT: identifies exactly what scripts/check-tree.sh
# applies to TREE: the exported series ($OUT/series), the tree's variants
# (scripts/series/variants/TREE/) and its compat module (COMPAT, a file of
# rust/task_isolation/compat/). A tree's verdict is keyed to it.
tree_hash() {
	{
		series_hash "$OUT/series"
		cat "$TOP/scripts/series/variants/$1"/* 2>/dev/null || true
		cat "$TOP/rust/task_isolation/compat/$2"
	} | sha256sum | cut -c1-16
}

# root_need PKG...: install packages into the build root that only one
# optional target needs (make deb), without recreating the root as a
# change of ROOT_PKGS would; print their versions for the log.
root_need() {
	in_root /bin/sh -c '
		missing=
		for p; do
			dpkg-query -W -f="\${Status}" "$p" 2>/dev/null | grep -q "ok installed" ||
				missing="$missing $p"
		done
		[ -z "$missing" ] && exit 0
		echo "==> installing into the build root:$missing" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >/dev/null' sh "$@" ||
		die "could not install $* into the build root (apt-get install inside $ROOT)"
	in_root dpkg-query -W -f='    ${Package} ${Version}\n' "$@" >&2
}

# cargo_env: the VAR=value words for cargo in the build root (in_root
# clears the environment). Downloads are cached in .cache/cargo, objects in
# .cache/chisol-target. The host's CA bundle goes along, copied into the
# cache: it has any certificate the host trusts for its way out (a
# TLS-inspecting proxy), which the root's ca-certificates lacks.
cargo_env() {
	local ca=/etc/ssl/certs/ca-certificates.crt
	mkdir -p "$CACHE/cargo"
	printf '%s ' CARGO_HOME=/cache/cargo CARGO_TARGET_DIR=/cache/chisol-target
	if [ -f "$ca" ]; then
		cmp -s "$ca" "$CACHE/cargo/host-ca.crt" || cp "$ca" "$CACHE/cargo/host-ca.crt"
		printf '%s ' CARGO_HTTP_CAINFO=/cache/cargo/host-ca.crt
	fi
}

# in_root CMD...: run CMD inside the build root, with the repository at /src
# and the cache at /cache. The mounts live in a private mount namespace
# (unshare -m), so they vanish with the command whether it succeeds, fails
# or is interrupted: nothing is ever left mounted on the host.
in_root() {
	[ -x "$ROOT/bin/sh" ] || die "no build root at $ROOT: run scripts/buildroot.sh"
	unshare --mount --propagation private -- /bin/sh -euc '
		root=$1; top=$2; cache=$3; shift 3
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root/src" "$root/cache"
		mount --bind "$top" "$root/src"
		mount --bind "$cache" "$root/cache"
		exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@"
	' in_root "$ROOT" "$TOP" "$CACHE" "$@"
}
