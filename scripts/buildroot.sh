#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create (or reuse) the Debian 13 build root that holds the whole kernel
# toolchain. It is recreated only when ROOT_PKGS in lib.sh changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_root
host_need debootstrap qemu-system-x86 util-linux

stamp=$ROOT/.ti-pkgs
want=$(echo $ROOT_PKGS | tr ' ' '\n' | sort | tr '\n' ' ')

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	log "build root up to date: $ROOT"
else
	if [ -e "$ROOT" ]; then
		log "package list changed: recreating the build root"
		rm -rf --one-file-system "$ROOT"
	fi
	mkdir -p "$CACHE"
	tmp=$CACHE/root.tmp
	rm -rf --one-file-system "$tmp"
	log "debootstrap $SUITE into $tmp (about 1 minute)"
	debootstrap --variant=minbase "$SUITE" "$tmp" >"$CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $CACHE/debootstrap.log"
	mv "$tmp" "$ROOT"
	log "installing the toolchain into the build root"
	in_root /bin/sh -ec "
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(echo $ROOT_PKGS)
		apt-get clean" >"$CACHE/root-install.log" 2>&1 ||
		die "package installation failed, see $CACHE/root-install.log"
	echo "$want" >"$stamp"
fi

in_root /bin/sh -c '
	echo "build root: Debian $(cat /etc/debian_version)"
	rustc --version; bindgen --version 2>&1 | head -1
	clang --version | head -1; gcc --version | head -1' >&2
