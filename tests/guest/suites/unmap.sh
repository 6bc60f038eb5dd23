# SPDX-License-Identifier: GPL-2.0
# Unmapping guest memory under a running (suspended) program, through the
# container (type1) and the iommufd cdev: VFIO makes the driver stop the
# program and unpin before the unmap completes; the device stays usable.
# Runs in boots of its own, one per driver: in 6.12 VFIO type1 itself
# has a lock-order inversion on this path (device_list_lock held while a
# driver's dma_unmap unpins, which takes iommu->lock; device registration
# takes them the other way round).  Lockdep reports it once per boot and
# then stops checking, so nothing else runs in these boots.
SUITE=unmap
SCH=0.0.0000

unmap_tests() {
	check unmap_busy_container vfio-async --group "$GRP" --uuid "$UUID" unmap_busy
	check unmap_busy_cdev vfio-async --cdev "$CDEV" unmap_busy
	if [ "$DRIVER" = ours ]; then
		check no_pins_left eval '
			grep -q "^pinned_pages: 0" /sys/kernel/debug/vfio_ccw/$SCH/status ||
				{ fail "$(cat /sys/kernel/debug/vfio_ccw/$SCH/status)"; return 1; }'
	fi
	check senseid_after vfio-senseid --cdev "$CDEV"
}

unmap_once() {
	with_mdev unmap_tests
}

for_each_driver unmap_once
