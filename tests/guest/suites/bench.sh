# SPDX-License-Identifier: GPL-2.0
# Per-I/O cost through each driver, in the same boot (boot with --icount:
# guest time counts instructions, figures repeat to 0.1%):
#
#   senseid   1000 SENSE ID round trips of vfio-senseid
#   perf      vfio-perf's scenarios P1-P5 and the two sweeps (chain
#             length 1..256, buffer size 4 KiB..1 MiB), 1000 round trips
#             each (vccw.perf_loops=), each one a result row, through the
#             iommufd cdev; P1 again through the legacy container
#   profile   on the "perf" kernel: P1 and P4 under the function
#             profiler, the functions that cost most per I/O
#
# Every figure also goes to the console as "@@SAY bench <driver> ...",
# from which tests/run/perf.py makes the table, the fit and the plot.
SCH=0.0.0000
BENCH_LOOPS=1000
PERF_LOOPS=$(sed -n 's/.*vccw\.perf_loops=\([0-9]*\).*/\1/p' /proc/cmdline)
PERF_LOOPS=${PERF_LOOPS:-1000}
# vccw.perf_scenarios=p1,p4 on the kernel command line runs only those
PERF_SCENARIOS=$(sed -n 's/.*vccw\.perf_scenarios=\([a-z0-9,]*\).*/\1/p' /proc/cmdline | tr , ' ')
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

# Through the iommufd cdev, the path QEMU takes with iommufd; P1 also
# through the legacy container; and for ours P1-P5 once more with its pin
# cache on (vfio_ccw_pin.h), which keeps guest pages pinned between
# programs.  The cache is off by default: a guest's discarded RAM would
# stay pinned under it (see Documentation/locking.rst).
bench_perf() {
	local s

	for s in $PERF_SCENARIOS; do
		perf_row "$s" "$s" --cdev "$CDEV"
	done
	perf_row p1_container p1 --group "$GRP" --uuid "$UUID"
	# what the pin cache would be worth: P1-P5 again with it on (read at bind)
	if [ "$DRIVER" = ours ] && [ -w /sys/module/vfio_ccw/parameters/pin_cache ]; then
		echo 1 >/sys/module/vfio_ccw/parameters/pin_cache
		for s in $PERF_SCENARIOS; do
			case $s in p[1-5]) perf_row "${s}_cache" "$s" --cdev "$CDEV" ;; esac
		done
		echo 0 >/sys/module/vfio_ccw/parameters/pin_cache
	fi
}

# Where the kernel's instructions of an I/O go, on a kernel with the
# function profiler (the "perf" flavour): P1 and P4 once more with it
# on, self time only (graph-time off; the profiler's own cost is in it).
# The PROFILE_TOP functions that took most go to the console as
# "@@SAY profile <driver> <scenario> <function> calls_per_io=C
# us_per_io=T".
PROFILE_TOP=${PROFILE_TOP:-25}
bench_profile() {
	local t=/sys/kernel/tracing s out

	[ -d $t/events ] || mount -t tracefs nodev $t 2>/dev/null
	[ -f $t/function_profile_enabled ] || return 0
	echo 0 >$t/options/graph-time
	# nor the time a function spent switched out (the other task has it)
	echo 0 >$t/options/sleep-time
	for s in p1 p4; do
		echo 1 >$t/function_profile_enabled
		out=$(timeout 900 vfio-perf --cdev "$CDEV" --loops "$PERF_LOOPS" "$s" 2>&1)
		echo 0 >$t/function_profile_enabled
		# "  Function  Hit  Time  Avg  s^2", sorted by time; time in us
		# shellcheck disable=SC2016
		if echo "$out" | grep -q "^perf $s " &&
		   awk -v d="$DRIVER" -v s="$s" -v n="$PERF_LOOPS" -v top="$PROFILE_TOP" '
			$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9.]+$/ && $4 == "us" && k < top {
				printf "@@SAY profile %s %s %s calls_per_io=%.2f us_per_io=%.3f\n", d, s, $1, $2 / n, $3 / n
				k++
			}
			END { exit k ? 0 : 1 }' $t/trace_stat/function0; then
			result "profile_$s" PASS "top $PROFILE_TOP functions by self time on the console"
		else
			result "profile_$s" FAIL "no profile: $(echo "$out" | tail -n 1)"
		fi
	done
}

bench_run() {
	bench_senseid
	bench_perf
	bench_profile
	# nothing stays pinned once the benchmarks closed the device, not
	# even in the pin cache (ours says so in debugfs)
	if [ "$DRIVER" = ours ] && [ -f /sys/kernel/debug/vfio_ccw/totals ]; then
		check totals_zero eval "grep -q '^pinned_pages: 0\$' /sys/kernel/debug/vfio_ccw/totals &&
			grep -q '^vfio_pinned_pages: 0\$' /sys/kernel/debug/vfio_ccw/totals ||
			{ fail \"\$(cat /sys/kernel/debug/vfio_ccw/totals | tr '\\n' ' ')\"; exit 1; }"
	fi
}

bench_once() {
	with_mdev bench_run
}

for_each_driver bench_once
