#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kselftests through the kernel's own runner, `run_kselftest.sh -c
# task_isolation`, in a normal Debian 13 user space instead of our busybox
# initramfs: the suite is an ordinary kselftest collection. Not part of
# make check (make kselftest-debian).
#
#   scripts/kselftest-debian.sh [-f FLAVOR] [-t SECONDS] [qemu|vng]
#
# qemu (default): FLAVOR's bzImage boots under QEMU (TCG, 3 vCPUs, 2 GiB,
#   the command line of scripts/qemu-run.sh) with an initramfs made of
#   * a `debootstrap --variant=minbase trixie` root (bash, coreutils with
#     timeout --foreground, perl-base...), made once in
#     .cache/kselftest-debian/root and packed as base.cpio;
#   * the kselftest install, built in the build root from the patched tree
#     with the selftests' own `make TARGETS=task_isolation install` (what
#     the kernel's `make kselftest-install` runs), dynamically linked
#     against Debian's glibc, in /usr/lib/kselftest; chisol (from
#     scripts/build-tests.sh) in /usr/bin, the samples in
#     /usr/lib/task_isolation/samples;
#   * /init (scripts/guest/kselftest-debian-init), which runs the runner
#     and prints its exit code on a sentinel line.
# vng: the same suite through Debian 13's virtme-ng, run inside the build
#   root: `vng --run bzImage --exec ...` boots FLAVOR (default
#   task_isolation_vng: configs/task_isolation_vng.config adds virtio PCI,
#   9p, overlayfs, virtio serial ports and what udev needs) with the build
#   root's own user space as / over 9p, and runs the runner from the
#   install under /cache/kselftest-debian. udev and
#   systemd-standalone-sysusers go into the build root with virtme-ng
#   (virtme-init finds --exec's ports through udev's links). A FLAVOR
#   without those options is refused, saying which are missing.
#   Measured on 2 cores, TCG (2026-12-02): plan 1..10, 10 ok, 0 not ok,
#   0 skipped; subtests 174 ok, 4 skipped (the same as qemu); vng ran
#   112 s, 122 s in all, once the task_isolation_vng kernel was built.
#
# The serial console goes to the terminal and out/kselftest-debian/console.log
# (vng: vng.log), the runner's output to out/kselftest-debian/run.log. The
# end is the runner's exit code and the TAP totals. Exit status 0 only if
# the runner ran every test of its plan, none failed, and the kernel log
# shows no BUG/WARNING/Oops. (run_kselftest.sh itself exits 0 even when
# a test fails: the verdict comes from its TAP lines.)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOR= TIMEOUT=3600
while getopts f:t:h opt; do
	case $opt in
	f) FLAVOR=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	*) sed -n '3,41p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
MODE=${1:-qemu}
case $MODE in qemu|vng) ;; *) die "the mode is qemu or vng, not '$MODE'" ;; esac
[ "$MODE" = vng ] && FLAVOR=${FLAVOR:-task_isolation_vng}
FLAVOR=${FLAVOR:-task_isolation}
case $TIMEOUT in ''|*[!0-9]*) die "-t takes a number of seconds, not '$TIMEOUT'" ;; esac

W=$CACHE/kselftest-debian	# the Debian root, objects, install, initramfs
DEST=$OUT/kselftest-debian
OBJ=/cache/obj-$FLAVOR		# as seen in the build root
KERNEL=$CACHE/obj-$FLAVOR/arch/x86/boot/bzImage
CHISOL=/cache/chisol-target/x86_64-unknown-linux-gnu/release/chisol
CMDLINE_ISOL="isolcpus=nohz,domain,1 nohz_full=1 irqaffinity=0"
CMDLINE="console=ttyS0 loglevel=5 $CMDLINE_ISOL panic=-1 oops=panic panic_on_warn=1"

need_root
host_need debootstrap qemu-system-x86
[ -x "$ROOT/bin/sh" ] || die "no build root at $ROOT: run make setup"
[ -f "$KERNEL" ] || die "no kernel at $KERNEL: run make kernel (scripts/build-kernel.sh $FLAVOR)"
[ -x "$CACHE/${CHISOL#/cache/}" ] || die "chisol not built: run make tests (scripts/build-tests.sh $FLAVOR)"
mkdir -p "$W" "$DEST"
t_start=$(date +%s)

# debian_root: .cache/kselftest-debian/root and its base.cpio, made once.
debian_root() {
	local want="debootstrap --variant=minbase $SUITE" stamp=$W/root/.ksd-stamp
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		log "Debian user space up to date: $W/root ($want)"
	else
		rm -rf --one-file-system "$W/root" "$W/root.tmp" "$W/base.cpio"
		phase "$want into $W/root.tmp (about 1 minute, log $W/debootstrap.log)" \
			debootstrap_root || die "debootstrap failed, see $W/debootstrap.log"
		# What a test run never reads: documentation, locales, apt's lists.
		rm -rf "$W/root.tmp"/usr/share/{doc,man,info,locale} \
			"$W/root.tmp"/var/cache/apt/* "$W/root.tmp"/var/lib/apt/lists/*
		mv "$W/root.tmp" "$W/root"
		echo "$want" >"$stamp"
	fi
	if [ ! -f "$W/base.cpio" ] || [ "$stamp" -nt "$W/base.cpio" ]; then
		phase "packing the Debian user space ($(du -sh "$W/root" | cut -f1)) as $W/base.cpio" \
			in_root /bin/sh -ec 'cd /cache/kselftest-debian/root
				find . | cpio -o -H newc --quiet >../base.cpio.tmp
				mv ../base.cpio.tmp ../base.cpio' ||
			die "packing the Debian root failed"
	fi
}
debootstrap_root() {
	debootstrap --variant=minbase "$SUITE" "$W/root.tmp" >"$W/debootstrap.log" 2>&1
}

# kselftest_install: the selftests built and installed by the kernel's own
# kselftest machinery, from the patched tree, against FLAVOR's exported
# headers (KHDR_INCLUDES), with objects of their own (O=) so that the
# static build of scripts/build-tests.sh is left alone. Dynamic: this user
# space has a libc.
kselftest_install() {
	in_root /bin/sh -ec "
		rm -rf /cache/kselftest-debian/obj /cache/kselftest-debian/install
		cd /cache/linux/tools/testing/selftests
		set -- O=/cache/kselftest-debian/obj TARGETS=task_isolation CC=gcc \
			KHDR_INCLUDES='-isystem $OBJ/usr/include' \
			INSTALL_PATH=/cache/kselftest-debian/install
		make \"\$@\"
		make \"\$@\" install
		mkdir -p /cache/kselftest-debian/samples
		rm -f /cache/kselftest-debian/samples/*
		for c in /src/samples/task_isolation/*.c; do
			gcc -Wall -Werror -O2 -pthread -I $OBJ/usr/include \
				-o /cache/kselftest-debian/samples/\$(basename \$c .c) \$c
		done" >"$DEST/build.log" 2>&1 || {
		tail -20 "$DEST/build.log" >&2
		die "kselftest build or install failed, log: $DEST/build.log"
	}
	in_root /bin/sh -ec 'cd /cache/kselftest-debian/install
		echo "    kselftest-list.txt: $(tr "\n" " " <kselftest-list.txt)"
		file -b task_isolation/isol_api | cut -d, -f1-4 | sed "s/^/    isol_api: /"' >&2
}

# initramfs: base.cpio, then an overlay archive with /init and the tests
# (the kernel unpacks concatenated archives in order).
initramfs() {
	in_root /bin/sh -ec "
		o=/cache/kselftest-debian/overlay
		rm -rf \$o && mkdir -p \$o/usr/bin \$o/usr/lib/task_isolation
		chmod -R 755 \$o
		install -m 755 /src/scripts/guest/kselftest-debian-init \$o/init
		cp -a /cache/kselftest-debian/install \$o/usr/lib/kselftest
		cp $CHISOL \$o/usr/bin/chisol
		cp -a /cache/kselftest-debian/samples \$o/usr/lib/task_isolation/samples
		cd \$o && find . | cpio -o -H newc --quiet >../overlay.cpio
		cat ../base.cpio ../overlay.cpio >../initramfs.cpio" ||
		die "packing the initramfs failed"
}

# kernel_problems LOG: the kernel splats in LOG, found by the one judge of
# the project (scripts/results.py --kernel-log), with the same rules as
# for make check.
kernel_problems() {
	python3 "$TOP/scripts/results.py" --kernel-log "$1" | sed -n 's/^FAIL //p' | head -5
}

# verdict CONSOLE_LOG RUNNER_RC: run.log, the totals, the exit status.
verdict() {
	local con=$1 rc=$2 counts plan pass fail skip spass sfail sskip bad missing status=0
	counts=$(awk '
		/^1\.\.[0-9]+$/ && !plan { plan = substr($0, 4) }
		/^ok [0-9]+ selftests: / { if (/# SKIP/) skip++; else pass++ }
		/^not ok [0-9]+ selftests: / { fail++ }
		/^# ok [0-9]+ / { if (/# SKIP/) sskip++; else spass++ }
		/^# not ok [0-9]+ / { sfail++ }
		END { printf "%d %d %d %d %d %d %d\n", plan, pass, fail, skip, spass, sfail, sskip }' "$DEST/run.log")
	read -r plan pass fail skip spass sfail sskip <<<"$counts"
	log "run_kselftest.sh -c task_isolation: exit ${rc:-none}; plan 1..$plan;" \
		"$pass ok, $fail not ok, $skip skipped; their subtests: $spass ok, $sfail not ok, $sskip skipped"
	grep -E '^(not )?ok [0-9]+ selftests: ' "$DEST/run.log" | sed 's/^/    /' >&2
	bad=$(kernel_problems "$con")
	if [ -n "$bad" ]; then
		printf 'error: the kernel log shows a problem:\n%s\n' "$bad" >&2
		status=1
	fi
	if [ -z "$rc" ]; then
		log "error: no exit line from the guest (panic, hang or time-out after ${TIMEOUT}s), see $con"
		status=1
	elif [ "$rc" != 0 ]; then
		log "error: the runner exited $rc"
		status=1
	fi
	[ "$fail" = 0 ] || status=1
	missing=$((plan - pass - fail - skip))
	if [ "$plan" = 0 ]; then
		log "error: no TAP plan from the runner: it did not run (counted as 1 failed)"
		missing=1 status=1
	elif [ "$missing" != 0 ]; then
		log "error: $((pass + fail + skip)) results for a plan of $plan tests (a missing one counts as failed)"
		[ "$missing" -gt 0 ] || missing=0
		status=1
	fi
	log "logs: $con, $DEST/run.log; $(( $(date +%s) - t_start ))s in all"
	echo "kselftest-debian: $pass passed, $((fail + missing)) failed, $skip skipped"
	return $status
}

run_qemu() {
	local con=$DEST/console.log t0 qrc rc
	debian_root
	phase "building and installing the kselftests (make TARGETS=task_isolation install, dynamic; log $DEST/build.log)" \
		kselftest_install
	phase "packing the initramfs (Debian root + /init, /usr/lib/kselftest, /usr/bin/chisol)" initramfs
	log "booting the $FLAVOR kernel in QEMU (${TI_QEMU_ACCEL:-tcg}, 3 vCPUs, 2 GiB)" \
		"with the Debian user space ($(du -h "$W/initramfs.cpio" | cut -f1) initramfs), log $con"
	t0=$(date +%s)
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel "${TI_QEMU_ACCEL:-tcg}" -smp 3 -m 2G \
		-kernel "$KERNEL" -initrd "$W/initramfs.cpio" -append "$CMDLINE" -no-reboot \
		-display none -serial stdio -monitor none </dev/null 2>&1 |
		sed -u 's/\r//g' | tee "$con"
	qrc=${PIPESTATUS[0]}
	log "QEMU ended after $(( $(date +%s) - t0 ))s (exit $qrc)"
	sed -n '/^KSD-RUN-BEGIN/,/^KSD-RUN-END/{/^KSD-RUN-/d;p}' "$con" >"$DEST/run.log"
	rc=$(sed -n 's/^KSD-EXIT: \([0-9]*\)$/\1/p' "$con" | tail -1)
	verdict "$con" "$rc"
}

# vng_script: --exec's script, run by virtme-init (bash) as root with the
# build root as / (read-only 9p, /etc /usr /var /tmp... writable overlays)
# and /cache, /src as the build root sees them. It goes base64-encoded on
# the kernel command line (2048 bytes in all): keep it short.
# virtme-init ends with `poweroff -f`, which a root without an init system
# lacks (its PID 1 would then exit and panic the kernel): busybox's, linked
# into the guest's /usr overlay.
vng_script() {
	cat <<EOF
command -v poweroff >/dev/null || ln -s /usr/bin/busybox /usr/local/bin/poweroff
c=/sys/devices/system/cpu
echo "KSD-GUEST: kernel \$(uname -r), Debian \$(cat /etc/debian_version), CPUs online \$(cat \$c/online), nohz_full=\$(cat \$c/nohz_full), isolated=\$(cat \$c/isolated)"
cd /cache/kselftest-debian/install || exit 1
CHISOL=$CHISOL SAMPLES=/cache/kselftest-debian/samples ./run_kselftest.sh -c task_isolation
echo "KSD-EXIT: \$?"
EOF
}

run_vng() {
	local con=$DEST/vng.log frag=$TOP/configs/task_isolation_vng.config missing= o accel=() t0 rc
	phase "installing virtme-ng, QEMU and udev into the build root" \
		root_need virtme-ng qemu-system-x86 udev systemd-standalone-sysusers
	# What vng needs, as configs/task_isolation_vng.config lists it.
	for o in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$frag"); do
		grep -qx "$o=y" "$CACHE/obj-$FLAVOR/.config" || missing="$missing $o"
	done
	[ -z "$missing" ] || die "vng cannot boot the $FLAVOR kernel: its config lacks$missing" \
		"(vng mounts the build root as / over virtio 9p, carries --exec's" \
		"input and output over virtio serial ports found through udev, lays" \
		"overlayfs over /etc, /usr...; see configs/task_isolation_vng.config)." \
		"Build the flavor that has them: scripts/build-kernel.sh task_isolation_vng"
	phase "building and installing the kselftests (make TARGETS=task_isolation install, dynamic; log $DEST/build.log)" \
		kselftest_install
	[ "${TI_QEMU_ACCEL:-tcg}" = kvm ] || accel=(--disable-kvm)
	# root=/dev/root: vng's 9p mount tag for /, which a kernel without
	# CONFIG_BLOCK (like ours) only tries when root= names it.
	log "vng --run $OBJ/arch/x86/boot/bzImage in the build root (${TI_QEMU_ACCEL:-tcg}, 3 vCPUs, 2 GiB; log $con)"
	t0=$(date +%s)
	in_root timeout -k 10 "$TIMEOUT" vng --run "$OBJ/arch/x86/boot/bzImage" --verbose \
		--force-9p --disable-microvm "${accel[@]}" --cpus 3 --memory 2G \
		-a "root=/dev/root loglevel=5 $CMDLINE_ISOL oops=panic panic_on_warn=1" \
		--exec "$(vng_script)" </dev/null 2>&1 | sed -u 's/\r//g' | tee "$con"
	log "vng ended after $(( $(date +%s) - t0 ))s (exit ${PIPESTATUS[0]})"
	# The script's output (the runner's, over the virtio ports) and the
	# kernel's console are one stream: the verdict counts TAP lines only.
	grep -v '^KSD-EXIT: ' "$con" >"$DEST/run.log"
	rc=$(sed -n 's/^KSD-EXIT: \([0-9]*\)$/\1/p' "$con" | tail -1)
	verdict "$con" "$rc"
}

run_"$MODE"
