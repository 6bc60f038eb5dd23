# SPDX-License-Identifier: GPL-2.0
# Structured-random requests through the uAPI (tests/guest/selftests/vfio-fuzz.c),
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

# fuzz_row NAME REQUESTS OPEN-ARGS...
fuzz_row() {
	local name=$1 n=$2 out status= line t0
	shift 2

	[ "$DRIVER" = ours ] && status="--status /sys/kernel/debug/vfio_ccw/$SCH/status"
	t0=$(date +%s)
	if out=$(vfio-fuzz "$@" --seed "$FUZZ_SEED" --requests "$n" $status 2>&1); then
		line=$(echo "$out" | tail -n 1)
		result "$name" PASS "$line"
		echo "@@SAY fuzz $DRIVER $name $(($(date +%s) - t0)) s: $line"
	else
		result "$name" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# Through the container, and half as many through the iommufd cdev
# (whose errnos for unmapped memory differ, and where ours pins through
# its pin cache, which the fuzzer's unmaps of memory in use invalidate).
fuzz_run() {
	fuzz_row requests "$FUZZ_REQUESTS" --group "$GRP" --uuid "$UUID"
	fuzz_row requests_cdev $((FUZZ_REQUESTS / 2)) --cdev "$CDEV"
}

fuzz_once() {
	with_mdev fuzz_run
}

for_each_driver fuzz_once
