# SPDX-License-Identifier: GPL-2.0
# Per-I/O cost through each driver, in the same boot (boot with --icount:
# guest time counts instructions, figures repeat to 0.1%):
#
#   senseid   1000 SENSE ID round trips of vfio-senseid
#   perf      vfio-perf's scenarios P1-P5 and the two sweeps (chain
#             length 1..256, buffer size 4 KiB..1 MiB), 1000 round trips
#             each (vccw.perf_loops=), each one a result row, through the
#             iommufd cdev; P1 again through the legacy container
#
# Every figure also goes to the console as "@@SAY bench <driver> ...",
# from which tests/bench/perf.py makes the table, the fit and the plot.
SUITE=bench
SCH=0.0.0000
BENCH_LOOPS=1000
PERF_LOOPS=$(sed -n 's/.*vccw\.perf_loops=\([0-9]*\).*/\1/p' /proc/cmdline)
PERF_LOOPS=${PERF_LOOPS:-1000}
PERF_SCENARIOS=${PERF_SCENARIOS:-"p1 p2 p3 p4 p5
	chain1 chain2 chain4 chain8 chain16 chain32 chain64 chain128 chain256
	buf4 buf8 buf16 buf32 buf64 buf128 buf256 buf512 buf1024"}

bench_senseid() {
	local out line

	if out=$(timeout 600 vfio-senseid --group "$GRP" --uuid "$UUID" \
			--loops $BENCH_LOOPS 2>&1); then
		line=$(echo "$out" | grep 'round trip' | tail -n 1)
		echo "@@SAY bench $DRIVER $line"
		if [ -n "$line" ]; then
			result senseid_rtt PASS "$line"
		else
			result senseid_rtt FAIL "no round-trip figure in: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
		fi
	else
		result senseid_rtt FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# perf_row NAME SCENARIO OPEN-ARGS...: one scenario, one process (a
# failed one is a row, the rest still run), reported as NAME
perf_row() {
	local name=$1 s=$2 line
	shift 2

	if line=$(timeout 900 vfio-perf "$@" --loops "$PERF_LOOPS" "$s" 2>&1) &&
	   echo "$line" | grep -q "^perf $s "; then
		line=$(echo "$line" | grep "^perf $s " | sed "s/^perf $s /perf $name /")
		echo "@@SAY bench $DRIVER $line"
		result "perf_$name" PASS "${line#perf $name }"
	else
		result "perf_$name" FAIL "$(echo "$line" | tail -n 2 | tr '\n' ' ')"
	fi
}

# Through the iommufd cdev, the path QEMU takes with iommufd, where ours
# keeps guest pages pinned between programs (its pin cache, see
# vfio_ccw_pin.h); P1 also through the legacy container, without it, and
# for ours P1-P5 once more with the cache switched off.
bench_perf() {
	local s

	for s in $PERF_SCENARIOS; do
		perf_row "$s" "$s" --cdev "$CDEV"
	done
	perf_row p1_container p1 --group "$GRP" --uuid "$UUID"
	# what the pin cache is worth: P1-P5 again with it off (read at bind)
	if [ "$DRIVER" = ours ] && [ -w /sys/module/vfio_ccw/parameters/pin_cache ]; then
		echo 0 >/sys/module/vfio_ccw/parameters/pin_cache
		for s in p1 p2 p3 p4 p5; do
			perf_row "${s}_nocache" "$s" --cdev "$CDEV"
		done
		echo 1 >/sys/module/vfio_ccw/parameters/pin_cache
	fi
}

bench_run() {
	bench_senseid
	bench_perf
	# nothing stays pinned once the benchmarks closed the device, not
	# even in the pin cache (ours says so in debugfs)
	if [ "$DRIVER" = ours ] && [ -f /sys/kernel/debug/vfio_ccw/totals ]; then
		check totals_zero eval "grep -q '^pinned_pages: 0\$' /sys/kernel/debug/vfio_ccw/totals &&
			grep -q '^cached_pages: 0\$' /sys/kernel/debug/vfio_ccw/totals ||
			{ fail \"\$(cat /sys/kernel/debug/vfio_ccw/totals | tr '\\n' ' ')\"; exit 1; }"
	fi
}

bench_once() {
	with_mdev bench_run
}

for_each_driver bench_once
