# SPDX-License-Identifier: GPL-2.0
# A real DASD (3390 on a 3990, under Hercules: tests/vm/vm.py
# --machine hercules): the ECKD channel programs of vfio-eckd through
# each driver, on the DASD at device number 0.0.0120.  Each driver writes
# its own cylinders with its own seed; every written run is also announced
# as
#
#   @@CKDCHECK <devno> <driver> <test> C H R N SEED
#
# for the host, which checks the pattern in the image file after
# Hercules has shut down.  For our module every test also checks that no
# page stays pinned once the device is idle.
SUITE=dasd
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
SCH=$(basename "$(readlink -f /sys/bus/ccw/devices/$DEVNO/..)" 2>/dev/null)

eckd_args() {
	case $DRIVER in
	ours) echo "--cyl 1 --seed 1001" ;;
	*) echo "--cyl 11 --seed 2002" ;;
	esac
}

# eckd_row NAME OPEN-ARGS... TEST: one vfio-eckd run; announce its
# written runs for the image check; PASS rows carry the last line.
eckd_row() {
	local name=$1 out rc line
	shift
	out=$(timeout 300 vfio-eckd "$@" $(eckd_args) 2>&1)
	rc=$?
	echo "$out" | grep '^image ' | while read -r _ c h r n s; do
		echo "@@CKDCHECK ${DEVNO#0.0.} $DRIVER $name $c $h $r $n $s"
	done
	CKD_SENT=$((CKD_SENT + $(echo "$out" | grep -c '^image ')))
	if [ $rc -ne 0 ]; then
		result "$name" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	line=$(echo "$out" | grep -v '^image ' | tail -n 1)
	if [ "$DRIVER" = ours ] &&
	   ! grep -q "^pinned_pages: 0$" /sys/kernel/debug/vfio_ccw/$SCH/status; then
		result "$name" FAIL "pages still pinned when idle: $(tr '\n' ' ' </sys/kernel/debug/vfio_ccw/$SCH/status)"
		return 1
	fi
	result "$name" PASS "$line"
	case $line in "eckd bench"*) echo "@@SAY dasd $DRIVER ${line#eckd bench: }" ;; esac
}

dasd_tests() {
	local t

	for t in $ECKD_TESTS; do
		eckd_row $t --group "$GRP" --uuid "$UUID" $t
	done
	[ -n "$ECKD_TESTS" ] && eckd_row record_cdev --cdev "$CDEV" record
	eckd_row bench --group "$GRP" --uuid "$UUID" --cyls "$ECKD_BENCH_CYLS" bench
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
