# SPDX-License-Identifier: GPL-2.0
# The regions and IRQs beyond the I/O region (the vfio-async selftests):
# async HSCH/CSCH, the SCHIB region against sysfs, the CRW region, RESET,
# HSCH and close with a program outstanding (where the emulator can keep
# one), through the container and the cdev; then removing an mdev that a
# client holds (request IRQ), which ends the mdev and so runs last.
# unmap_busy has a suite (and boots) of its own: see unmap.sh.
SCH=0.0.0000

async_tests() {
	ktap_run vfio_async 600 vfio-async -f async
	ktap_run request 120 vfio-async -f request
}

async_once() {
	with_mdev async_tests
}

for_each_driver async_once
