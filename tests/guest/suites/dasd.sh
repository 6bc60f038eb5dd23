# SPDX-License-Identifier: GPL-2.0
# A real DASD (3390 on a 3990, under Hercules: tests/vm/vm.py
# --machine hercules): the ECKD channel programs of the vfio-eckd
# selftests through each driver, container and cdev, on the DASD at
# device number 0.0.0120, then its throughput run.  Each driver writes
# its own cylinders with its own seed; every written run is also
# announced as
#
#   @@CKDCHECK <devno> <driver> <test> C H R N SEED
#
# for the host, which checks the pattern in the image file after
# Hercules has shut down.  For our module every test also checks that no
# page stays pinned once the device is closed.
DEVNO=0.0.0120
ECKD_TESTS="ident record track tracks chain datachain ida fmt0 count search
	err_extent err_protect err_norec err_length halt clear"
# On the command line, vccw.eckd_cyls=N sizes the throughput run and
# vccw.eckd_tests=a,b (or "none") replaces the list above (make bench).
ECKD_BENCH_CYLS=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.eckd_cyls=*) ECKD_BENCH_CYLS=${arg#vccw.eckd_cyls=} ;;
	vccw.eckd_tests=none) ECKD_TESTS= ;;
	vccw.eckd_tests=*) ECKD_TESTS=$(echo "${arg#vccw.eckd_tests=}" | tr ',' ' ') ;;
	esac
done

# The subchannel of the DASD: the parent of its ccw device.
SCH=$(sch_of_devno $DEVNO)

# Each driver writes its own cylinders with its own seed.
eckd_env() {
	case $DRIVER in
	ours) export VFIO_CCW_ECKD_CYL=1 VFIO_CCW_ECKD_SEED=1001 ;;
	*) export VFIO_CCW_ECKD_CYL=11 VFIO_CCW_ECKD_SEED=2002 ;;
	esac
}

# eckd_run NAME SECONDS ARGS...: one vfio-eckd run as the row NAME (its
# tests nested below); announce its written runs for the image check.
eckd_run() {
	local name=$1 secs=$2
	shift 2
	ktap_run "$name" "$secs" vfio-eckd "$@"
	grep '^image ' $KTAP_DIR/run.out | while read -r _ t c h r n s; do
		echo "@@CKDCHECK ${DEVNO#0.0.} $DRIVER $t $c $h $r $n $s"
	done
	CKD_SENT=$((CKD_SENT + $(grep -c '^image ' $KTAP_DIR/run.out)))
}

dasd_tests() {
	local t sel=

	eckd_env
	for t in $ECKD_TESTS; do
		sel="$sel -t $t"
	done
	# shellcheck disable=SC2086
	[ -n "$ECKD_TESTS" ] && eckd_run vfio_eckd 1800 $sel
	export VFIO_CCW_ECKD_CYLS=$ECKD_BENCH_CYLS
	eckd_run bench 1800 -f bench
	sed -n 's/^eckd bench: /@@SAY dasd '"$DRIVER"' /p' $KTAP_DIR/run.out
}

# The host counts the @@CKDCHECK lines it got against @@CKDSENT: a
# lost line must not make a check vanish.
dasd_once() {
	CKD_SENT=0
	with_mdev dasd_tests
	echo "@@CKDSENT $DRIVER $CKD_SENT"
}

if [ -z "$SCH" ] || [ ! -d "$CSS/devices/$SCH" ]; then
	result found FAIL "no ccw device $DEVNO (is this the Hercules bench?)"
else
	result found PASS "$DEVNO on subchannel $SCH: $(cat /sys/bus/ccw/devices/$DEVNO/cutype) $(cat /sys/bus/ccw/devices/$DEVNO/devtype)"
	for_each_driver dasd_once
fi
