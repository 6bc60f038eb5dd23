# SPDX-License-Identifier: GPL-2.0
# A 3270 display under Hercules (tests/vm/vm.py --machine hercules): the
# vfio-3270 selftests through each driver, container and cdev, on the
# 3278 at 0.0.0700.  The host plays the terminal's user: on the lines
#
#   @@TN3270 CONNECT|TYPE|DISCONNECT <devno> <driver> <variant>
#
# the program prints, it connects s3270 to Hercules' console port, checks
# the screens the program wrote and types into one, and disconnects
# (tests/vm/tn3270.py); its screen checks become rows of their own.
# @@TN3270SENT counts the screens each driver wrote, so that a lost line
# cannot make a check vanish.
DEVNO=0.0.0700

tn3270_tests() {
	local n
	export VFIO_CCW_TAG=$DRIVER VFIO_CCW_DEVNO=$DEVNO
	ktap_run vfio_3270 900 vfio-3270
	n=$(grep -c '@@TN3270 TYPE ' $KTAP_DIR/run.out)
	echo "@@TN3270SENT $DRIVER $n"
}

tn3270_once() {
	SCH=$(sch_of_devno $DEVNO)
	if [ -z "$SCH" ]; then
		result found FAIL "no ccw device $DEVNO (is this the Hercules bench?)"
		return
	fi
	# what SENSE ID must say; the ccw device is gone once bound to vfio_ccw
	VFIO_CCW_CUTYPE=$(cat /sys/bus/ccw/devices/$DEVNO/cutype)
	VFIO_CCW_DEVTYPE=$(cat /sys/bus/ccw/devices/$DEVNO/devtype)
	export VFIO_CCW_CUTYPE VFIO_CCW_DEVTYPE
	result found PASS "$DEVNO on subchannel $SCH: $VFIO_CCW_CUTYPE $VFIO_CCW_DEVTYPE"
	with_mdev tn3270_tests
}

for_each_driver tn3270_once
