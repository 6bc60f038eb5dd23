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

unmap_once() {
	local uuid grp cdev

	check load load_driver || return
	if ! check bind bind_vfio $SCH; then
		unload_driver
		return
	fi
	uuid=$(new_uuid)
	if check create_mdev create_mdev $SCH "$uuid"; then
		grp=$(vfio_group_of "$uuid")
		cdev=$(vfio_cdev_of "$uuid")
		check unmap_busy_container vfio-async --group "$grp" --uuid "$uuid" unmap_busy
		check unmap_busy_cdev vfio-async --cdev "$cdev" unmap_busy
		if [ "$DRIVER" = ours ]; then
			check no_pins_left eval '
				grep -q "^pinned_pages: 0" /sys/kernel/debug/vfio_ccw/$SCH/status ||
					{ fail "$(cat /sys/kernel/debug/vfio_ccw/$SCH/status)"; return 1; }'
		fi
		check senseid_after vfio-senseid --cdev "$cdev"
		check remove_mdev remove_mdev "$uuid"
	fi
	check unbind unbind_vfio $SCH
	check unload unload_driver
}

for_each_driver unmap_once
