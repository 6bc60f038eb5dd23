# SPDX-License-Identifier: GPL-2.0
# Structured-random requests through the uAPI (tests/guest/selftests/vfio-fuzz.c),
# deterministic from a seed, against each driver.  For our module the
# fuzzer also checks through debugfs that nothing stays pinned while the
# device is idle.  On the kernel command line, vccw.fuzz_seed=S seeds the
# run (make check derives S from the commit), and vccw.fuzz_seconds=T
# sizes it by time (make check) or vccw.fuzz_requests=N by count (make
# fuzz); two thirds go through the container, one third through the
# iommufd cdev.
SCH=0.0.0000
FUZZ_REQUESTS=
FUZZ_SECONDS=
FUZZ_SEED=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.fuzz_requests=*) FUZZ_REQUESTS=${arg#vccw.fuzz_requests=} ;;
	vccw.fuzz_seconds=*) FUZZ_SECONDS=${arg#vccw.fuzz_seconds=} ;;
	vccw.fuzz_seed=*) FUZZ_SEED=${arg#vccw.fuzz_seed=} ;;
	esac
done
[ -n "$FUZZ_REQUESTS$FUZZ_SECONDS" ] || FUZZ_REQUESTS=2000

# fuzz_size SHARE: the vfio-fuzz arguments for SHARE thirds of the run
fuzz_size() {
	if [ -n "$FUZZ_REQUESTS" ]; then
		echo "--requests $((FUZZ_REQUESTS * $1 / 3))"
	else
		echo "--seconds $((FUZZ_SECONDS * $1 / 3))"
	fi
}

# fuzz_row NAME SHARE OPEN-ARGS...
fuzz_row() {
	local name=$1 size out status= line t0
	size=$(fuzz_size "$2")
	shift 2

	[ "$DRIVER" = ours ] && status="--status /sys/kernel/debug/vfio_ccw/$SCH/status"
	t0=$(date +%s)
	if out=$(vfio-fuzz "$@" --seed "$FUZZ_SEED" $size $status 2>&1); then
		line=$(echo "$out" | tail -n 1)
		# the run is the one the seed names, or it reproduces nothing
		case $line in
		"fuzz: seed $FUZZ_SEED, "*) result "$name" PASS "$line" ;;
		*) result "$name" FAIL "the summary does not name seed $FUZZ_SEED: $line" ;;
		esac
		echo "@@SAY fuzz $DRIVER $name $(($(date +%s) - t0)) s: $line"
	else
		result "$name" FAIL "$(echo "$out" | grep -m 1 VIOLATION || echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

fuzz_run() {
	fuzz_row requests 2 --group "$GRP" --uuid "$UUID"
	fuzz_row requests_cdev 1 --cdev "$CDEV"
}

fuzz_once() {
	with_mdev fuzz_run
}

for_each_driver fuzz_once
