# SPDX-License-Identifier: GPL-2.0
# A real tape drive (3490 on an AWS file, under Hercules: tests/vm/vm.py
# --machine hercules): the channel programs of the vfio-tape selftests
# through each driver, container and cdev, on the drive at device number
# 0.0.0580.  Each variant writes a tape file of its own (ours files 0
# and 1, upstream's 2 and 3) with a seed of its own, announced as
#
#   @@TAPECHECK <devno> <driver> <variant> <file> <seed>
#
# for the host, which checks the file's blocks and tape mark in the AWS
# file after Hercules has shut down; @@TAPESENT counts them, so that a
# lost line cannot make a check vanish.  For our module every test also
# checks that no page stays pinned once the device is closed.
DEVNO=0.0.0580
SCH=$(basename "$(readlink -f /sys/bus/ccw/devices/$DEVNO/..)" 2>/dev/null)

tape_tests() {
	local n
	case $DRIVER in
	ours) export VFIO_CCW_TAPE_FILE=0 VFIO_CCW_TAPE_SEED=3001 ;;
	*) export VFIO_CCW_TAPE_FILE=2 VFIO_CCW_TAPE_SEED=4002 ;;
	esac
	ktap_run vfio_tape 900 vfio-tape
	grep '^tape ' $KTAP_DIR/run.out | while read -r _ v f s; do
		echo "@@TAPECHECK ${DEVNO#0.0.} $DRIVER $v $f $s"
	done
	n=$(grep -c '^tape ' $KTAP_DIR/run.out)
	echo "@@TAPESENT $DRIVER $n"
}

tape_once() {
	with_mdev tape_tests
}

if [ -z "$SCH" ] || [ ! -d "$CSS/devices/$SCH" ]; then
	result found FAIL "no ccw device $DEVNO (is this the Hercules bench?)"
else
	result found PASS "$DEVNO on subchannel $SCH: $(cat /sys/bus/ccw/devices/$DEVNO/cutype) $(cat /sys/bus/ccw/devices/$DEVNO/devtype)"
	for_each_driver tape_once
fi
