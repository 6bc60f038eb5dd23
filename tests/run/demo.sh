#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: set up the bench (packages, kernel source, the "test"
# kernel), build our vfio_ccw.ko, boot the s390x guest and pass
# subchannel 0.0.0000 through our driver as an admin would: bind,
# create an mdev through sysfs, open it through VFIO, run a channel
# program where the driver supports it, remove, unbind, unload.
set -euo pipefail
. "$(dirname "$0")/../host/lib.sh"

start=$SECONDS
"$HOST_DIR/setup.sh" test
log "building vfio_ccw.ko"
make -s -C "$REPO_DIR" modules
out=$REPO_DIR/tests/out/demo
rm -rf "$out"
mkdir -p "$out"
"$VM_DIR/initramfs.sh" test "$out/initrd.gz"
kb=$("$HOST_DIR/kdir.sh" test)
log "booting the s390x guest (qemu-system-s390x, TCG)"
python3 "$VM_DIR/vm.py" --flavour test --kernel "$kb/arch/s390/boot/bzImage" \
	--initrd "$out/initrd.gz" --suites demo --out "$out" --timeout 600
if ! python3 "$RUN_DIR/results.py" boot "$out"; then
	log "demo failed after $((SECONDS - start)) s; console log: $out/console.log"
	exit 1
fi
log "demo passed in $((SECONDS - start)) s; console log: $out/console.log"
