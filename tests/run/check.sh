#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test: static checks, then the guest suites (KUnit and end to end,
# ours and upstream's in the same boot) on the "test" kernel and again on
# the "sanitize" kernel.  Prints one line per test and ends with
# "Summary: N passed, N failed".  Logs stay in tests/out/latest/.
#
# VFIO_CCW_FLAVOURS limits the kernels ("test sanitize" by default).
set -uo pipefail
. "$(dirname "$0")/../host/lib.sh"

FLAVOURS=${VFIO_CCW_FLAVOURS:-test sanitize perf}
# Boots: name|kernel flavour|suites|extra vm.py arguments|timeout (s).
# Each driver gets boots of its own for the suites: under QEMU 7.2 TCG a
# module loaded where the other vfio_ccw.ko (or the KUnit module) had
# just been unloaded now and then ran code or read data of the one
# before (an "illegal operation" in module text, a lock released that
# lockdep never saw taken, then a hung kworker: the failure of the CI
# run that had both drivers in one boot).  Rows of both boots share
# their names, so the report still shows upstream's verdict beside
# ours.  "bench" runs both drivers in one boot, on one CPU with -icount,
# where guest time counts instructions: its figures repeat from run to
# run; "scale" too, with 32 devices (throughput of 8 at once, memory per
# mdev).  The unmap suite gets a boot per driver (see
# tests/guest/suites/unmap.sh).  The sanitize boots also fuzz
# (tests/guest/suites/fuzz.sh, 10000 requests by default, half as many
# again through the cdev; make fuzz runs 200000) and inject
# faults (tests/guest/suites/faults.sh, four devices, three of which
# are unplugged).  "dasd" boots the test kernel under Hercules with a
# 3390 DASD (tests/guest/suites/dasd.sh).  The "nested" boots run
# Debian's s390x QEMU and mdevctl in the guest against each driver
# (tests/guest/suites/nested.sh, Documentation/clients.rst).
SUITES_TEST=${VFIO_CCW_SUITES_TEST:-lifecycle,kunit,io,async,stress,errno,trace}
SUITES_SANITIZE=${VFIO_CCW_SUITES_SANITIZE:-lifecycle,kunit,io,async,errno,fuzz}
FUZZ=${VFIO_CCW_FUZZ_CHECK:-10000}
# QEMU, mdevctl and an inner guest in the guest (initramfs.sh --nested):
# -cpu qemu, one CPU, 3 GiB, as tests/guest/suites/nested.sh needs.
NESTED="--cpu qemu --smp 1 --mem 3072"
OURS="--append vccw.drivers=ours"
PEER="--append vccw.drivers=peer --log-driver peer"
BOOTS=(
	"test-ours|test|$SUITES_TEST|$OURS|900"
	"test-peer|test|${SUITES_TEST/kunit,/}|$PEER|900"
	"unmap-ours|test|unmap|$OURS|300"
	"unmap-peer|test|unmap|$PEER|300"
	"bench|perf|${VFIO_CCW_SUITES_BENCH:-bench}|--icount|2400"
	"scale|perf|scale|--devices 32|1200"
	"dasd|test|dasd|--machine hercules|900"
	"sanitize|sanitize|$SUITES_SANITIZE|$OURS --append vccw.fuzz_requests=$FUZZ|2400"
	"sanitize-peer|sanitize|${SUITES_SANITIZE/kunit,/}|$PEER --append vccw.fuzz_requests=$FUZZ|2400"
	"faults-ours|sanitize|faults|$OURS --devices 4|900"
	"faults-peer|sanitize|faults|$PEER --devices 4|900"
	"nested-ours|test|nested|$OURS $NESTED|600"
	"nested-peer|test|nested|$PEER $NESTED|600"
)

start=$SECONDS
# shellcheck disable=SC2086
"$HOST_DIR/setup.sh" $FLAVOURS || die "set-up failed"

out=$REPO_DIR/tests/out/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
ln -sfn "$out" "$REPO_DIR/tests/out/latest"
rows=()

# row NAME VERDICT [REASON]: one result of ours in $out/host.tsv
row() {
	printf '%s\tours\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$out/host.tsv"
}
: >"$out/host.tsv"
rows+=("$out/host.tsv")

# --- static checks, against the test kernel ---------------------------------
if python3 "$RUN_DIR/catalogue.py" check >"$out/static-catalogue.log" 2>&1; then
	row static.errno_catalogue PASS "$(tail -n 1 "$out/static-catalogue.log")"
else
	row static.errno_catalogue FAIL "$(tail -n 1 "$out/static-catalogue.log")"
fi
for t in sparse checkpatch kerneldoc w1; do
	log "static: $t"
	if make -s -C "$REPO_DIR" "$t" >"$out/static-$t.log" 2>&1; then
		row "static.$t" PASS
	else
		row "static.$t" FAIL "$(grep -m1 -E 'warning|error|ERROR|WARNING|CHECK' "$out/static-$t.log" | cut -c1-150)"
	fi
done

# --- packaging, on the host: install, DKMS, in tree, the newest kernel -----
log "packaging: make install, DKMS, in-tree build, newest kernel"
"$RUN_DIR/packaging.sh" "$out/packaging" >>"$out/host.tsv" ||
	row pkg.run FAIL "packaging.sh failed (see $out/packaging)"

# --- the guest suites, one boot each ----------------------------------------
kunit_py=$(ksrc_dir)/tools/testing/kunit/kunit.py
for boot in "${BOOTS[@]}"; do
	IFS='|' read -r name f suites extra timeout <<<"$boot"
	case " $FLAVOURS " in *" $f "*) ;; *) continue ;; esac
	kb=$("$HOST_DIR/kdir.sh" "$f") || die "kernel '$f' missing after set-up"
	vm=$out/vm-$name
	mkdir -p "$vm"
	irx=
	case ",$suites," in *,nested,*) irx=--nested ;; esac
	# shellcheck disable=SC2086
	if ! "$VM_DIR/initramfs.sh" "$f" "$vm/initrd.gz" $irx 2>"$vm/initramfs.log"; then
		row "vm.$name.initramfs" FAIL "$(tail -n1 "$vm/initramfs.log")"
		continue
	fi
	log "booting '$name' ('$f' kernel${extra:+, $extra}): suites $suites"
	# shellcheck disable=SC2086
	python3 "$VM_DIR/vm.py" --flavour "$f" --name "$name" $extra \
		--kernel "$kb/arch/s390/boot/bzImage" --initrd "$vm/initrd.gz" \
		--suites "$suites" --out "$vm" --timeout "$timeout"
	if [ -f "$vm/results.tsv" ]; then
		# Guest rows are named suite.test; prefix the kernel flavour
		# (boots of one flavour run different suites).
		sed -i -E "/^vm\./! s/^/$f./" "$vm/results.tsv"
		rows+=("$vm/results.tsv")
	fi
	[ -f "$vm/excerpt.txt" ] && rows+=("$vm/excerpt.txt")
	if [ -s "$vm/ktap.txt" ]; then
		python3 "$kunit_py" parse --json="$vm/kunit.json" "$vm/ktap.txt" \
			>"$vm/kunit-parse.log" 2>&1
		if [ -s "$vm/kunit.json" ]; then
			python3 "$RUN_DIR/report.py" kunit-rows "$vm/kunit.json" "$vm/kunit.tsv"
			sed -i "s/^kunit\./kunit.$name./" "$vm/kunit.tsv"
			rows+=("$vm/kunit.tsv")
		else
			row "kunit.$name.parse" FAIL "kunit.py parse produced no JSON (see $vm/kunit-parse.log)"
		fi
	fi
done

log "all done in $((SECONDS - start)) s; logs in $out"
# Figures of the bench, scale and dasd boots (make bench runs a bigger
# DASD one and draws the plot).
python3 "$RUN_DIR/perf.py" table "$out"/vm-bench/said.txt "$out"/vm-scale/said.txt
python3 "$RUN_DIR/report.py" bench-table "$out"/vm-bench/said.txt "$out"/vm-dasd/said.txt
python3 "$RUN_DIR/report.py" summary "${rows[@]}"
