# SPDX-License-Identifier: GPL-2.0
# A real tape drive (3490 on an AWS file, under Hercules: tests/vm/vm.py
# --machine hercules): the channel programs of the vfio-tape selftests
# through each driver, container and cdev, on the driver's own drive
# (0.0.0580 ours, 0.0.0581 upstream's: a driver's failed write cannot
# cost the other its files).  Each variant writes a tape file of its own
# (container file 0, cdev file 1) with a seed of its own, announced as
#
#   @@TAPECHECK <devno> <driver> <variant> <file> <seed>
#
# for the host, which checks the file's blocks and tape mark in the AWS
# file after Hercules has shut down; @@TAPESENT counts them, so that a
# lost line cannot make a check vanish.  Then each driver's drive without
# a tape: not ready, mounted by the host on request (its device end comes
# unsolicited), read past the end, unloaded.  For our module every test
# also checks that no page stays pinned once the device is closed.
tape_tests() {
	local n
	case $DRIVER in
	ours) export VFIO_CCW_TAPE_FILE=0 VFIO_CCW_TAPE_SEED=3001 ;;
	*) export VFIO_CCW_TAPE_FILE=0 VFIO_CCW_TAPE_SEED=4002 ;;
	esac
	ktap_run vfio_tape 900 vfio-tape -f tape
	grep '^tape ' $KTAP_DIR/run.out | while read -r _ v f s; do
		echo "@@TAPECHECK ${DEVNO#0.0.} $DRIVER $v $f $s"
	done
	n=$(grep -c '^tape ' $KTAP_DIR/run.out)
	echo "@@TAPESENT $DRIVER $n"
}

tape_once() {
	case $DRIVER in
	ours) DEVNO=0.0.0580 ;;
	*) DEVNO=0.0.0581 ;;
	esac
	SCH=$(sch_of_devno $DEVNO)
	if [ -z "$SCH" ] || [ ! -d "$CSS/devices/$SCH" ]; then
		result found FAIL "no ccw device $DEVNO (is this the Hercules bench?)"
		return
	fi
	result found PASS "$DEVNO on subchannel $SCH: $(cat /sys/bus/ccw/devices/$DEVNO/cutype) $(cat /sys/bus/ccw/devices/$DEVNO/devtype)"
	with_mdev tape_tests
	mount_once
}

mount_tests() {
	export VFIO_CCW_DEVNO=$DEVNO
	ktap_run vfio_tape_mount 600 vfio-tape -f mount
}

# The drive without a tape (0.0.0582 ours, 0.0.0583 upstream's): vm.py
# mounts an empty tape on it when the program prints @@TAPEMOUNT.
mount_once() {
	case $DRIVER in
	ours) DEVNO=0.0.0582 ;;
	*) DEVNO=0.0.0583 ;;
	esac
	SCH=$(sch_of_devno $DEVNO)
	ktap_begin mount
	if [ -z "$SCH" ]; then
		result found FAIL "no ccw device $DEVNO (is this the Hercules bench?)"
	else
		result found PASS "$DEVNO on subchannel $SCH, no tape"
		with_mdev mount_tests
	fi
	ktap_end mount
}

for_each_driver tape_once
