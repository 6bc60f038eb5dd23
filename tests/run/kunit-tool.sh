#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our KUnit suites run the kernel's way: the driver put into a copy of
# the bench's kernel source (install-in-tree.sh, a tree of hard links),
# then
#
#   tools/testing/kunit/kunit.py run --arch=s390 \
#       --cross_compile=s390x-linux-gnu- \
#       --kunitconfig=drivers/s390/cio/vfio_ccw_kunit
#
# which configures a kernel from the suites' .kunitconfig, builds it and
# boots it under qemu-system-s390x.  The KTAP the suites printed goes to
# stdout (for make check-long's report); kunit.py's own output and the
# build's go to OUT_DIR.
#
#   kunit-tool.sh OUT_DIR
set -euo pipefail
. "$(dirname "$0")/../host/lib.sh"

out=${1:?usage: kunit-tool.sh OUT_DIR}
mkdir -p "$out"
src=$(ksrc_dir) || die "no kernel source yet: run make setup"
tree=$VFIO_CCW_CACHE/kunit-tree
build=$VFIO_CCW_CACHE/build/kunit-tool

log "kunit-tool: the driver into a copy of $src"
rm -rf "$tree"
cp -al "$src" "$tree"
"$REPO_DIR/install-in-tree.sh" "$tree" >"$out/install.log"

# kunit.py prints its progress (configuring, building, the results) to
# stdout; the KTAP is kept apart with --raw_output=kunit into a file.
log "kunit-tool: kunit.py run --arch=s390 (a kernel build, then a boot; a few minutes)"
rc=0
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=s390 \
	--cross_compile="$CROSS_COMPILE" --build_dir="$build" --jobs="$JOBS" \
	--kunitconfig=drivers/s390/cio/vfio_ccw_kunit --timeout=600 \
	--raw_output=kunit) >"$out/kunit.out" 2>"$out/kunit.err" || rc=$?
log "kunit-tool: kunit.py exited with $rc"
# With --raw_output the KTAP is what kunit.py printed; a run that never
# got to the suites printed none, which the report counts as a failure.
sed -n '/^KTAP version\|^TAP version/,$p' "$out/kunit.out"
exit 0
