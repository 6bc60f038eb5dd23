# SPDX-License-Identifier: GPL-2.0
# The errno catalogue (tests/guest/selftests/errno_catalogue.def, rendered
# into Documentation/errno-catalogue.rst): every way a request can be
# refused, one vfio-errno test per case, through the container and
# through the iommufd cdev.  Each driver is held to its own column: ours,
# and upstream's for the peer.  After every case the device must still
# run a SENSE ID, and for ours no page may stay pinned.
SCH=0.0.0000

errno_tests() {
	ktap_run vfio_errno 600 vfio-errno
}

errno_once() {
	with_mdev errno_tests
}

for_each_driver errno_once
