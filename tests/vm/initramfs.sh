#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs for one kernel flavour.
#
#   initramfs.sh FLAVOUR OUT.gz
#
# Contents: static s390x busybox and /init (tests/guest), the kernel's
# own modules (mdev.ko and upstream's vfio_ccw.ko, the peer), our
# vfio_ccw.ko and KUnit module built against that flavour, and the e2e
# programs cross-compiled against the kernel's installed uAPI headers.
set -euo pipefail
. "$(dirname "$0")/../host/lib.sh"

flavour=${1:?usage: initramfs.sh FLAVOUR OUT.gz [--nested]}
out=${2:?usage: initramfs.sh FLAVOUR OUT.gz [--nested]}
nested=0
[ "${3:-}" = --nested ] && nested=1
kb=$("$HOST_DIR/kdir.sh" "$flavour") || die "kernel '$flavour' not built"
kver=$(cat "$kb/include/config/kernel.release")
bb=$VFIO_CCW_CACHE/busybox/bin/busybox
[ -x "$bb" ] || die "s390x busybox missing; run tests/host/fetch-source.sh"

# Our modules, built in a copy of the sources so that ./vfio_ccw.ko (the
# "test" build of `make`) is left alone.  Kbuild goes by time stamps,
# and a source copied from another checkout (a branch switch, a second
# work tree) may be older than the object built before: when the
# sources' hash differs from the last build's, build from clean.
modsrc=$VFIO_CCW_CACHE/modbuild/$flavour
mkdir -p "$modsrc"
# (rsync takes the first rule that matches: the excludes come first)
rsync -a --delete --exclude='/tests/guest/' --exclude='/tests/out/' --exclude='/.git/' \
	--exclude='*.mod.c' --include='*/' --include='*.c' --include='*.h' \
	--include='Makefile' --include='Kbuild' --include='Kconfig' --exclude='*' \
	"$REPO_DIR/" "$modsrc/"
src_hash=$(cd "$modsrc" && find . -type f \( -name '*.[ch]' -o -name Makefile -o -name Kconfig \) \
	! -name '*.mod.c' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
if [ "$(cat "$modsrc/.src-hash" 2>/dev/null)" != "$src_hash" ]; then
	make -s -C "$kb" M="$modsrc" CONFIG_VFIO_CCW_KUNIT_TEST=m clean >&2
fi
# The coverage kernel profiles our module and nothing else (gcov).
profile=()
[ "$flavour" = coverage ] && profile=(GCOV_PROFILE=y)
log "building vfio_ccw.ko and vfio_ccw_kunit.ko for '$flavour'"
make -s -C "$kb" M="$modsrc" CONFIG_VFIO_CCW_KUNIT_TEST=m "${profile[@]}" modules >&2
echo "$src_hash" >"$modsrc/.src-hash"

# Test programs, static, against this kernel's uAPI headers; the build
# directory is named by a hash of their sources, for the same reason.
e2e_hash=$(cat "$REPO_DIR"/tests/guest/selftests/Makefile "$REPO_DIR"/tests/guest/selftests/*.[ch] "$REPO_DIR"/tests/guest/selftests/*.def | sha256sum | cut -c1-12)
e2e=$VFIO_CCW_CACHE/e2e/$flavour-$e2e_hash
for old in "$VFIO_CCW_CACHE/e2e/$flavour" "$VFIO_CCW_CACHE/e2e/$flavour"-*; do
	[ -d "$old" ] && [ "$old" != "$e2e" ] && rm -rf "$old"
done
make -s -C "$REPO_DIR/tests/guest/selftests" O="$e2e" UAPI="$kb/hdr-install/include" \
	KSFT="$(ksrc_dir)/tools/testing/selftests" >&2

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests/bin,tests/modules,tests/suites,lib/modules}
cp "$bb" "$root/bin/busybox"
cp "$REPO_DIR/tests/guest/init" "$root/init"
chmod +x "$root/init"
cp "$REPO_DIR/tests/guest/lib.sh" "$root/tests/"
cp "$REPO_DIR"/tests/guest/suites/*.sh "$root/tests/suites/"
cp "$modsrc/vfio_ccw.ko" "$modsrc/tests/kunit/vfio_ccw_kunit.ko" "$root/tests/modules/"
cp -a "$kb/mod-install/lib/modules/$kver" "$root/lib/modules/"
rm -f "$root/lib/modules/$kver/build" "$root/lib/modules/$kver/source"
find "$e2e" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/tests/bin/" \;
# --nested: QEMU and mdevctl (tests/host/nested-root.sh) and, under
# /nested, the bare-metal inner guest (tests/guest/inner).
if [ "$nested" = 1 ]; then
	nroot=$("$HOST_DIR/nested-root.sh") || die "nested user space missing"
	cp -a "$nroot"/. "$root/"
	rm -f "$root/.complete"
	# mdevctl refuses to run without its callout and notifier directories
	mkdir -p "$root/nested" "$root/etc/mdevctl.d/scripts.d/callouts" \
		"$root/etc/mdevctl.d/scripts.d/notifiers"
	make -s -C "$REPO_DIR/tests/guest/inner" O="$root/nested" >&2
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
log "initramfs for '$flavour': $(du -h "$out" | cut -f1)"
