#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: a long fuzzing run (tests/guest/selftests/vfio-fuzz.c) of our module on
# one kernel flavour, as long as one likes:
#   VFIO_CCW_FUZZ_REQUESTS  requests (default 200000)
#   VFIO_CCW_FUZZ_SEED      seed (default: the date, printed)
#   VFIO_CCW_FUZZ_FLAVOUR   sanitize (default; KASAN, kmemleak) or test
#   VFIO_CCW_FUZZ_DRIVERS   ours (default), peer, or "ours,peer"
# The kernel-log and kmemleak rules of make check apply.
set -uo pipefail
. "$(dirname "$0")/../host/lib.sh"

requests=${VFIO_CCW_FUZZ_REQUESTS:-200000}
seed=${VFIO_CCW_FUZZ_SEED:-$(date +%Y%m%d)}
flavour=${VFIO_CCW_FUZZ_FLAVOUR:-sanitize}
drivers=${VFIO_CCW_FUZZ_DRIVERS:-ours}
start=$SECONDS
"$HOST_DIR/setup.sh" "$flavour" || die "set-up failed"
kb=$("$HOST_DIR/kdir.sh" "$flavour") || die "kernel '$flavour' missing"
out=$REPO_DIR/tests/out/fuzz-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
"$VM_DIR/initramfs.sh" "$flavour" "$out/initrd.gz" || die "initramfs failed"
log "fuzzing: $requests requests, seed $seed, '$flavour' kernel, drivers $drivers"
python3 "$VM_DIR/vm.py" --flavour "$flavour" --name fuzz \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites fuzz --out "$out" --timeout $((600 + requests / 5)) \
	--append "vccw.fuzz_requests=$requests vccw.fuzz_seed=$seed vccw.drivers=$drivers"
log "fuzzing done in $((SECONDS - start)) s; logs in $out"
python3 "$RUN_DIR/results.py" boot "$out"
