# SPDX-License-Identifier: GPL-2.0
# Unit-record devices under Hercules (tests/vm/vm.py --machine hercules):
# vfio-unitrec through each driver, container and cdev, on a 3505 card
# reader of the driver's own (0.0.000d ours, 0.0.000b upstream's: a
# reader at the end of its cards stays there), the 1403 printer at
# 0.0.000e and the 3525 punch at 0.0.000f.  Every printer and punch run
# is announced as
#
#   @@URCHECK <device> <driver> <variant>
#
# for the host, which finds the run's lines in the device's file after
# Hercules has shut down; @@URSENT counts them.  The reader's cards are
# checked by the client: the host wrote them (tests/vm/unitrec.py).
unitrec_tests() {
	local n
	export VFIO_CCW_UR_TAG=$DRIVER
	ktap_run "vfio_unitrec_$UR_DEVICE" 600 vfio-unitrec -f "$UR_DEVICE"
	grep '^unitrec ' $KTAP_DIR/run.out | while read -r _ dev t v; do
		echo "@@URCHECK $dev $t $v"
	done
	n=$(grep -c '^unitrec ' $KTAP_DIR/run.out)
	UR_SENT=$((UR_SENT + n))
}

unitrec_once() {
	local devno
	UR_SENT=0
	for UR_DEVICE in reader printer punch; do
		case $UR_DEVICE.$DRIVER in
		reader.ours) devno=0.0.000d ;;
		reader.*) devno=0.0.000b ;;
		printer.*) devno=0.0.000e ;;
		punch.*) devno=0.0.000f ;;
		esac
		SCH=$(sch_of_devno $devno)
		if [ -z "$SCH" ]; then
			result "found_$UR_DEVICE" FAIL "no ccw device $devno (is this the Hercules bench?)"
			continue
		fi
		result "found_$UR_DEVICE" PASS "$devno on subchannel $SCH: $(cat /sys/bus/ccw/devices/$devno/cutype) $(cat /sys/bus/ccw/devices/$devno/devtype)"
		ktap_begin "$UR_DEVICE"
		with_mdev unitrec_tests
		ktap_end "$UR_DEVICE"
	done
	echo "@@URSENT $DRIVER $UR_SENT"
}

for_each_driver unitrec_once
