# SPDX-License-Identifier: GPL-2.0
# A channel-to-channel link under Hercules (tests/vm/vm.py --machine
# hercules): two 3088s at 0.0.0e40 and 0.0.0e41, Hercules' CTCE devices
# connected to each other over the loopback.  The vfio-ctc selftests
# drive both ends through each driver, container and cdev: one mdev on
# each end, opened by one process; the second end's mdev is named to it
# by VFIO_CCW_PEER_*.  For our module no page may stay pinned on either
# end once the program is done.
DEVNO_A=0.0.0e40
DEVNO_B=0.0.0e41

ctc_env() {
	export "$1_CUTYPE=$(cat /sys/bus/ccw/devices/$2/cutype)"
	export "$1_DEVTYPE=$(cat /sys/bus/ccw/devices/$2/devtype)"
}

# unpinned SCHID: our debugfs status of the subchannel says no page is
# pinned (upstream's driver has none)
unpinned() {
	[ "$DRIVER" = ours ] || return 0
	grep -q '^pinned_pages: 0$' /sys/kernel/debug/vfio_ccw/$1/status ||
		{ fail "$(cat /sys/kernel/debug/vfio_ccw/$1/status)"; return 1; }
}

ctc_tests() {
	local uuid_b
	check bind_b bind_vfio $SCH_B || return
	uuid_b=$(new_uuid)
	if check create_mdev_b create_mdev $SCH_B "$uuid_b"; then
		VFIO_CCW_PEER_GROUP=$(vfio_group_of "$uuid_b")
		VFIO_CCW_PEER_CDEV=$(vfio_cdev_of "$uuid_b")
		export VFIO_CCW_PEER_GROUP VFIO_CCW_PEER_UUID=$uuid_b VFIO_CCW_PEER_CDEV
		ktap_run vfio_ctc 900 vfio-ctc
		check unpinned_b unpinned $SCH_B
		check remove_mdev_b remove_mdev "$uuid_b"
	fi
	check unbind_b unbind_vfio $SCH_B
}

ctc_once() {
	SCH=$(sch_of_devno $DEVNO_A)
	SCH_B=$(sch_of_devno $DEVNO_B)
	if [ -z "$SCH" ] || [ -z "$SCH_B" ]; then
		result found FAIL "no ccw devices $DEVNO_A and $DEVNO_B (is this the Hercules bench?)"
		return
	fi
	# what SENSE ID must say; the ccw devices are gone once bound to vfio_ccw
	ctc_env VFIO_CCW $DEVNO_A
	ctc_env VFIO_CCW_PEER $DEVNO_B
	result found PASS "$DEVNO_A on $SCH, $DEVNO_B on $SCH_B: $VFIO_CCW_CUTYPE $VFIO_CCW_DEVTYPE"
	with_mdev ctc_tests
}

for_each_driver ctc_once
