# SPDX-License-Identifier: GPL-2.0
# The errno catalogue (tests/guest/selftests/errno_catalogue.def, rendered into
# Documentation/errno-catalogue.rst): every way a request can be
# refused, through the container and through the iommufd cdev, one row
# per case and path.  Each driver is held to its own column: ours, and
# upstream's for the peer.  After every case the device must still run a
# SENSE ID, and for ours no page may stay pinned.
SUITE=errno
SCH=0.0.0000

# errno_rows PATH OPEN-ARGS...: run the catalogue, one row per CASE line.
errno_rows() {
	local path=$1 expect=ours status= out id verdict rest
	shift
	if [ "$DRIVER" = peer ]; then
		expect=upstream
	else
		status="--status /sys/kernel/debug/vfio_ccw/$SCH/status"
	fi
	out=$(timeout 300 vfio-errno "$@" --expect $expect $status 2>&1)
	echo "$out" | while read -r tag id verdict rest; do
		[ "$tag" = CASE ] && result "${id}_$path" "$verdict" "$rest"
	done
	# A program that died early leaves cases without a row: say so.
	echo "$out" | grep -q "^catalogue: " ||
		result "run_$path" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
}

errno_tests() {
	errno_rows container --group "$GRP" --uuid "$UUID"
	errno_rows cdev --cdev "$CDEV"
}

errno_once() {
	with_mdev errno_tests
}

for_each_driver errno_once
