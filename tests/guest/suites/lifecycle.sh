# SPDX-License-Identifier: GPL-2.0
# Load, bind, create an mdev, open it both ways, remove, unbind, unload:
# every step checks sysfs, not just an exit code.
SCH=0.0.0000

lifecycle_once() {
	local uuid grp

	check load load_driver || return
	check bind bind_vfio $SCH || { unload_driver; return; }
	check type_attrs eval '
		t=$CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io &&
		expect_file $t/device_api vfio-ccw &&
		expect_file $t/available_instances 1 &&
		expect_file $t/name "I/O subchannel (Non-QDIO)" &&
		expect_exists /sys/class/mdev_bus/$SCH'

	uuid=$(new_uuid)
	if check create_mdev eval '
		create_mdev $SCH $uuid &&
		expect_file $CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io/available_instances 0 &&
		[ "$(basename "$(readlink /sys/bus/mdev/devices/$uuid/mdev_type)")" = vfio_ccw-io ] &&
		[ "$(basename "$(readlink -f /sys/bus/mdev/devices/$uuid/..)")" = $SCH ] &&
		expect_exists /dev/vfio/$(vfio_group_of $uuid) &&
		expect_exists $(vfio_cdev_of $uuid)'; then
		grp=$(vfio_group_of "$uuid")
		check open_container vfio-info --group "$grp" --uuid "$uuid"
		check open_cdev vfio-info --cdev "$(vfio_cdev_of "$uuid")"
		check remove_mdev eval '
			remove_mdev $uuid &&
			expect_absent /dev/vfio/$grp &&
			expect_file $CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io/available_instances 1'
	fi

	check unbind eval 'unbind_vfio $SCH && expect_absent $CSS/devices/$SCH/mdev_supported_types'
	check unload unload_driver
}

for_each_driver lifecycle_once
