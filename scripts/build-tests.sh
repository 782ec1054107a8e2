#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kselftests against the patched kernel's exported headers with
# the kernel's own kselftest machinery, install them, build chisol and the
# samples (all static), and pack them with a static busybox into the
# initramfs out/FLAVOR/initramfs.cpio (/ti/kselftest, /ti/bin/chisol,
# /ti/samples).
#
#   scripts/build-tests.sh [FLAVOR [KTREE]]
#
# KTREE is the kernel tree, as seen in the build root, whose kselftest
# machinery builds the tests (default /cache/linux; scripts/check-tree.sh
# passes its own trees).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOR=${1:-task_isolation}
KTREE=${2:-/cache/linux}
OBJ=/cache/obj-$FLAVOR
DEST=$OUT/$FLAVOR
mkdir -p "$DEST"
rel=${DEST#"$TOP"/}

t0=$(date +%s)
log "building and installing kselftests (TARGETS=task_isolation, static)"
in_root /bin/sh -ec "
	cd $KTREE/tools/testing/selftests
	make -s O=$OBJ TARGETS=task_isolation CC='gcc -static' >/dev/null
	rm -rf /src/$rel/kselftest
	make -s O=$OBJ TARGETS=task_isolation CC='gcc -static' \
		INSTALL_PATH=/src/$rel/kselftest install >/dev/null" ||
	die "kselftest build failed"

# chisol (tools/chisol) and samples/task_isolation, static like the rest.
log "building chisol (cargo build --release --locked, static)"
# shellcheck disable=SC2046 # cargo_env prints separate VAR=value words
in_root /usr/bin/env $(cargo_env) RUSTFLAGS='-C target-feature=+crt-static' \
	cargo build -q --release --locked --target x86_64-unknown-linux-gnu \
	--manifest-path /src/tools/chisol/Cargo.toml || die "chisol build failed"
log "building samples/task_isolation"
in_root /bin/sh -ec "
	rm -rf /src/$rel/samples && mkdir -p /src/$rel/samples
	for c in /src/samples/task_isolation/*.c; do
		gcc -static -Wall -Werror -O2 -pthread -I $OBJ/usr/include \
			-o /src/$rel/samples/\$(basename \$c .c) \$c
	done" || die "samples build failed"

log "packing the initramfs"
in_root /bin/sh -ec "
	root=/src/$rel/initramfs
	rm -rf \$root && mkdir -p \$root/bin \$root/ti \$root/etc
	cp /bin/busybox \$root/bin/busybox && ln -s busybox \$root/bin/sh
	cp /src/scripts/guest/init \$root/init
	cp /src/scripts/guest/run-tests.sh /src/scripts/guest/demo.sh \$root/ti/
	cp -a /src/$rel/kselftest \$root/ti/kselftest
	mkdir -p \$root/ti/bin
	cp /cache/chisol-target/x86_64-unknown-linux-gnu/release/chisol \$root/ti/bin/chisol
	cp -a /src/$rel/samples \$root/ti/samples
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >\$root/etc/passwd
	printf 'root:x:0:\nnogroup:x:65534:\n' >\$root/etc/group
	cd \$root && find . | cpio -o -H newc --quiet >/src/$rel/initramfs.cpio
	rm -rf \$root"
log "tests and initramfs ready in $(( $(date +%s) - t0 ))s: $DEST/initramfs.cpio"
