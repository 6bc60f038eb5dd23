#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the benchmarks, ours and upstream's vfio_ccw.ko in the same
# boot each, printed as one table:
#   - SENSE ID round trips under QEMU with -smp 1 -icount shift=0 (guest
#     time counts instructions: figures repeat between boots);
#   - sequential DASD tracks written and read under Hercules (wall
#     clock; VFIO_CCW_ECKD_CYLS cylinders, default 4, per driver).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$SECONDS
"$BENCH_DIR/setup.sh" test || die "set-up failed"
kb=$("$BENCH_DIR/kdir.sh" test) || die "kernel 'test' missing after set-up"
out=$REPO_DIR/tests/out/bench-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
"$BENCH_DIR/initramfs.sh" test "$out/initrd.gz" || die "initramfs failed"

log "booting QEMU with -icount: SENSE ID round trips"
python3 "$BENCH_DIR/vm.py" --flavour test --name bench --icount \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites bench --out "$out/qemu" --timeout 900
log "booting Hercules: DASD throughput"
python3 "$BENCH_DIR/vm.py" --machine hercules --flavour test --name dasd-bench \
	--kernel "$kb/arch/s390/boot/bzImage" --initrd "$out/initrd.gz" \
	--suites dasd --out "$out/hercules" --timeout 1800 \
	--append "vccw.eckd_tests=none vccw.eckd_cyls=${VFIO_CCW_ECKD_CYLS:-4}"

log "benchmarks done in $((SECONDS - start)) s; logs in $out"
rc=0
# Failed rows are shown; only ours fail the target.
awk -F'\t' '$3 != "PASS" { print; if ($2 == "ours") bad = 1 } END { exit bad }' \
	"$out"/qemu/results.tsv "$out"/hercules/results.tsv || rc=1
python3 "$BENCH_DIR/report.py" bench-table "$out/qemu/said.txt" "$out/hercules/said.txt" || rc=1
exit $rc
