#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test: static checks, then the guest suites (KUnit and end to end,
# ours and upstream's in the same boot) on the "test" kernel and again on
# the "sanitize" kernel.  Prints one line per test and ends with
# "Summary: N passed, N failed".  Logs stay in tests/out/latest/.
#
# VFIO_CCW_FLAVOURS limits the kernels ("test sanitize" by default).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

FLAVOURS=${VFIO_CCW_FLAVOURS:-test sanitize}
# Boots: name|kernel flavour|suites|extra vm.py arguments|timeout (s).
# "bench" runs on one CPU with -icount, where guest time counts
# instructions: its figures repeat from run to run.  The unmap suite
# gets a boot per driver (see tests/guest/suites/unmap.sh), and so does
# the sanitize kernel: upstream's module can take the whole boot down
# (KASAN: slab-out-of-bounds in its cp_get_orb(), seen on a first SENSE
# ID), which must not fail our rows.  The sanitize boots also fuzz
# (tests/guest/suites/fuzz.sh): 20000 requests by default.  "dasd" boots the test kernel under
# Hercules with a 3390 DASD (tests/guest/suites/dasd.sh).
BOOTS=(
	"test|test|${VFIO_CCW_SUITES_TEST:-lifecycle,kunit,io,async,stress}||1200"
	"unmap-ours|test|unmap|--append vccw.drivers=ours|300"
	"unmap-peer|test|unmap|--append vccw.drivers=peer --log-driver peer|300"
	"bench|test|${VFIO_CCW_SUITES_BENCH:-bench}|--icount|900"
	"dasd|test|dasd|--machine hercules|900"
	"sanitize|sanitize|${VFIO_CCW_SUITES_SANITIZE:-lifecycle,kunit,io,async,fuzz}|--append vccw.drivers=ours --append vccw.fuzz_requests=${VFIO_CCW_FUZZ_CHECK:-20000}|2400"
	"sanitize-peer|sanitize|${VFIO_CCW_SUITES_SANITIZE_PEER:-lifecycle,io,async,fuzz}|--append vccw.drivers=peer --append vccw.fuzz_requests=${VFIO_CCW_FUZZ_CHECK:-20000} --log-driver peer|2400"
)

start=$SECONDS
# shellcheck disable=SC2086
"$BENCH_DIR/setup.sh" $FLAVOURS || die "set-up failed"

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
for t in sparse checkpatch kerneldoc w1; do
	log "static: $t"
	if make -s -C "$REPO_DIR" "$t" >"$out/static-$t.log" 2>&1; then
		row "static.$t" PASS
	else
		row "static.$t" FAIL "$(grep -m1 -E 'warning|error|ERROR|WARNING|CHECK' "$out/static-$t.log" | cut -c1-150)"
	fi
done

# --- the guest suites, one boot each ----------------------------------------
kunit_py=$(ksrc_dir)/tools/testing/kunit/kunit.py
for boot in "${BOOTS[@]}"; do
	IFS='|' read -r name f suites extra timeout <<<"$boot"
	case " $FLAVOURS " in *" $f "*) ;; *) continue ;; esac
	kb=$("$BENCH_DIR/kdir.sh" "$f") || die "kernel '$f' missing after set-up"
	vm=$out/vm-$name
	mkdir -p "$vm"
	if ! "$BENCH_DIR/initramfs.sh" "$f" "$vm/initrd.gz" 2>"$vm/initramfs.log"; then
		row "vm.$name.initramfs" FAIL "$(tail -n1 "$vm/initramfs.log")"
		continue
	fi
	log "booting '$name' ('$f' kernel${extra:+, $extra}): suites $suites"
	# shellcheck disable=SC2086
	python3 "$BENCH_DIR/vm.py" --flavour "$f" --name "$name" $extra \
		--kernel "$kb/arch/s390/boot/bzImage" --initrd "$vm/initrd.gz" \
		--suites "$suites" --out "$vm" --timeout "$timeout"
	if [ -f "$vm/results.tsv" ]; then
		# Guest rows are named suite.test; prefix the kernel flavour
		# (boots of one flavour run different suites).
		sed -i -E "/^vm\./! s/^/$f./" "$vm/results.tsv"
		rows+=("$vm/results.tsv")
	fi
	if [ -s "$vm/ktap.txt" ]; then
		python3 "$kunit_py" parse --json="$vm/kunit.json" "$vm/ktap.txt" \
			>"$vm/kunit-parse.log" 2>&1
		if [ -s "$vm/kunit.json" ]; then
			python3 "$BENCH_DIR/report.py" kunit-rows "$vm/kunit.json" "$vm/kunit.tsv"
			sed -i "s/^kunit\./kunit.$name./" "$vm/kunit.tsv"
			rows+=("$vm/kunit.tsv")
		else
			row "kunit.$name.parse" FAIL "kunit.py parse produced no JSON (see $vm/kunit-parse.log)"
		fi
	fi
done

log "all done in $((SECONDS - start)) s; logs in $out"
# Figures of the bench and dasd boots (make bench runs bigger ones).
python3 "$BENCH_DIR/report.py" bench-table "$out"/vm-bench/said.txt "$out"/vm-dasd/said.txt
python3 "$BENCH_DIR/report.py" summary "${rows[@]}"
