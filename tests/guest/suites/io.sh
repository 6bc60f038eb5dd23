# SPDX-License-Identifier: GPL-2.0
# Channel programs through the I/O region: SENSE ID (vfio-senseid) and the
# vfio-io sub-tests (chaining, TIC, IDALs, page-crossing buffers, virtio
# feature/config commands, transport mode, unmapped addresses, bad region
# accesses, concurrent writers), each through the legacy container and
# through the iommufd cdev.  One row per program run; a failing run does
# not stop the others, and the mdev, binding and module are always undone.
SUITE=io
SCH=0.0.0000
IO_TESTS="chain tic ida ida_fmt1 ida_2k pagecross readfeat writefeat tm unmapped badlen twowriters
	unmap_on_irq remap"
# A hung program must not hang the suite.
IO_TIMEOUT=60

# io_row NAME COMMAND...: like check, but a PASS row also carries the
# program's last line (what it observed: errnos, counts).
io_row() {
	local name=$1 out
	shift
	if out=$(timeout $IO_TIMEOUT "$@" 2>&1); then
		result "$name" PASS "$(echo "$out" | tail -n 1)"
	else
		result "$name" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
}

io_tests() {
	local t

	io_row senseid_container vfio-senseid --group "$GRP" --uuid "$UUID"
	io_row senseid_cdev vfio-senseid --cdev "$CDEV"
	for t in $IO_TESTS; do
		io_row ${t}_container vfio-io --group "$GRP" --uuid "$UUID" $t
		io_row ${t}_cdev vfio-io --cdev "$CDEV" $t
	done
}

io_once() {
	with_mdev io_tests
}

for_each_driver io_once
