# SPDX-License-Identifier: GPL-2.0
# Structured-random requests through the uAPI (tests/e2e/vfio-fuzz.c),
# deterministic from a seed, against each driver.  For our module the
# fuzzer also checks through debugfs that nothing stays pinned while the
# device is idle.  vccw.fuzz_requests=N and vccw.fuzz_seed=S on the
# kernel command line size and seed the run (make fuzz runs a long one).
SUITE=fuzz
SCH=0.0.0000
FUZZ_REQUESTS=2000
FUZZ_SEED=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.fuzz_requests=*) FUZZ_REQUESTS=${arg#vccw.fuzz_requests=} ;;
	vccw.fuzz_seed=*) FUZZ_SEED=${arg#vccw.fuzz_seed=} ;;
	esac
done

fuzz_run() {
	local out status= line t0

	[ "$DRIVER" = ours ] && status="--status /sys/kernel/debug/vfio_ccw/$SCH/status"
	t0=$(date +%s)
	if out=$(vfio-fuzz --group "$GRP" --uuid "$UUID" --seed "$FUZZ_SEED" \
			--requests "$FUZZ_REQUESTS" $status 2>&1); then
		line=$(echo "$out" | tail -n 1)
		result requests PASS "$line"
		echo "@@SAY fuzz $DRIVER $(($(date +%s) - t0)) s: $line"
	else
		result requests FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

fuzz_once() {
	with_mdev fuzz_run
}

for_each_driver fuzz_once
