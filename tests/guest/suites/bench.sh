# SPDX-License-Identifier: GPL-2.0
# SENSE ID round trip through each driver, in the same boot: 1000 runs of
# vfio-senseid through the container.  The figure goes to the console
# (@@SAY bench <driver> ...) and into the result row.  Boot with --icount
# for figures that repeat to 0.1%.
SUITE=bench
SCH=0.0.0000
BENCH_LOOPS=1000

bench_run() {
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

bench_once() {
	with_mdev bench_run
}

for_each_driver bench_once
