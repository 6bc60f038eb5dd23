#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the benchmarks, ours and upstream's vfio_ccw.ko in the same
# boot each (each driver loaded, measured and unloaded in turn), printed
# as one table, with a plot of the sweeps:
#   - per-I/O cost under QEMU with -smp 1 -icount shift=0 (guest time
#     counts instructions: figures repeat between boots): SENSE ID round
#     trips, scenarios P1-P5 and the chain-length and buffer-size sweeps
#     (tests/guest/suites/bench.sh, tests/guest/selftests/vfio-perf.c);
#   - 8 devices driven at once for real-time throughput, and memory per
#     mdev with 32 mdevs, under QEMU with -smp 2 and 32 devices
#     (tests/guest/suites/scale.sh);
#   - sequential DASD tracks written and read under Hercules (wall
#     clock; VFIO_CCW_ECKD_CYLS cylinders, default 4, per driver).
# The table comes from tests/run/perf.py; the plot is
# tests/out/bench-latest/sweeps.png.
set -uo pipefail
. "$(dirname "$0")/../host/lib.sh"

start=$SECONDS
"$HOST_DIR/setup.sh" perf || die "set-up failed"
kb=$("$HOST_DIR/kdir.sh" perf) || die "kernel 'perf' missing after set-up"
out=$REPO_DIR/tests/out/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
ln -sfn "$out" "$REPO_DIR/tests/out/bench-latest"
"$VM_DIR/initramfs.sh" perf "$out/initrd.gz" || die "initramfs failed"

log "booting QEMU with -icount: per-I/O cost, P1-P5 and sweeps (about 5 min)"
python3 "$VM_DIR/vm.py" --flavour perf --name bench --icount \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites bench --out "$out/qemu" --timeout 2400 --append vccw.drivers=ours,peer
log "booting QEMU with 32 devices: throughput and memory per mdev"
python3 "$VM_DIR/vm.py" --flavour perf --name scale --devices 32 \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites scale --out "$out/scale" --timeout 1200 --append vccw.drivers=ours,peer
log "booting Hercules: DASD throughput"
python3 "$VM_DIR/vm.py" --machine hercules --flavour perf --name dasd-bench \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites dasd --out "$out/hercules" --timeout 1800 \
	--append "vccw.eckd_tests=none vccw.eckd_cyls=${VFIO_CCW_ECKD_CYLS:-4} vccw.drivers=ours,peer"

log "benchmarks done in $((SECONDS - start)) s; logs in $out"
rc=0
# Failed rows are shown; only ours fail the target.
for d in "$out"/qemu "$out"/scale "$out"/hercules; do
	python3 "$RUN_DIR/results.py" boot "$d" || rc=1
done
python3 "$RUN_DIR/perf.py" plot "$out" "$out/qemu/said.txt" "$out/scale/said.txt" \
	"$out/hercules/said.txt" || rc=1
exit $rc
