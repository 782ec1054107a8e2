#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download Debian's linux-source-6.12 inside the build root and unpack it
# into the cache as the pristine tree. Its exact version is recorded in
# $CACHE/linux-version and printed in every build log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKG=${TI_KERNEL_PKG:-linux-source-6.12}
dl=$CACHE/dl
mkdir -p "$dl"

if [ -f "$CACHE/pristine/.ti-version" ]; then
	log "kernel source: $PKG $(cat "$CACHE/pristine/.ti-version") (cached)"
	exit 0
fi

log "downloading $PKG with apt-get inside the build root"
in_root /bin/sh -ec "
	apt-get update -qq
	cd /cache/dl && rm -f ${PKG}_*.deb && apt-get download -q $PKG" >&2 ||
	die "apt-get download $PKG failed"
deb=$(ls "$dl"/${PKG}_*.deb | head -1)
ver=$(dpkg-deb -f "$deb" Version)
log "unpacking $PKG $ver"
rm -rf --one-file-system "$dl/x" "$CACHE/pristine.tmp"
dpkg-deb -x "$deb" "$dl/x"
tarball=$(ls "$dl"/x/usr/src/linux-source-*.tar.* | head -1)
mkdir -p "$CACHE/pristine.tmp"
tar -xf "$tarball" -C "$CACHE/pristine.tmp" --strip-components=1
rm -rf --one-file-system "$dl/x"
echo "$ver" >"$CACHE/pristine.tmp/.ti-version"
rm -rf --one-file-system "$CACHE/pristine"
mv "$CACHE/pristine.tmp" "$CACHE/pristine"
log "kernel source: $PKG $ver in $CACHE/pristine"
