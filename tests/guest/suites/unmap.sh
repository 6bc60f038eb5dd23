# SPDX-License-Identifier: GPL-2.0
# Unmapping guest memory under a running (suspended) program, through the
# container (type1) and the iommufd cdev (vfio-async's unmap_busy
# fixture): VFIO makes the driver stop the program and unpin before the
# unmap completes; nothing stays pinned and the device stays usable.
# Runs in boots of its own, one per driver: in 6.12 VFIO type1 itself
# has a lock-order inversion on this path (device_list_lock held while a
# driver's dma_unmap unpins, which takes iommu->lock; device registration
# takes them the other way round).  Lockdep reports it once per boot and
# then stops checking, so nothing else runs in these boots.
SCH=0.0.0000

unmap_tests() {
	ktap_run unmap_busy 300 vfio-async -f unmap_busy
	check senseid_after vfio-senseid --cdev "$CDEV"
}

unmap_once() {
	with_mdev unmap_tests
}

for_each_driver unmap_once
