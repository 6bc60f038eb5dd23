# SPDX-License-Identifier: GPL-2.0
# Channel programs through the I/O region: the vfio-io selftests
# (SENSE ID, chaining, TIC, IDALs, page-crossing buffers, virtio
# feature/config commands, transport mode, unmapped addresses, bad region
# accesses, concurrent writers, unmapping under interrupts), each through
# the legacy container and through the iommufd cdev; their KTAP is nested
# below the row vfio_io.  The mdev, binding and module are always undone.
SCH=0.0.0000

io_tests() {
	ktap_run vfio_io 900 vfio-io
}

io_once() {
	with_mdev io_tests
}

for_each_driver io_once
