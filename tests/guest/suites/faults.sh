# SPDX-License-Identifier: GPL-2.0
# Fault injection, against one driver per boot (vccw.drivers=, the boots
# "faults-ours" and "faults-peer" of the sanitize kernel, with four
# devices): the device goes away under its user (QMP device_del, idle,
# open, with a program outstanding), the mdev is removed or the
# subchannel unbound under its user, rmmod while mdevs exist, a channel
# path is varied off under a running program, and every allocation of
# opening, starting, binding and creating fails in turn (fail-nth).
# After each: the user got an answer (the request IRQ, an errno), the
# device works again or is cleanly gone, and for ours the module-wide
# counts of pinned pages and programs are back to 0.  kmemleak and the
# kernel log are checked by the boot.
SCH=0.0.0000
TOTALS=/sys/kernel/debug/vfio_ccw/totals

# qmp JSON: a request for the host's QMP socket, on the console (fd 3,
# see /init) even when the caller's output is captured.
qmp() {
	echo "@@QMP $1" >&3
}

# wait_until SECONDS COMMAND...: poll every 100 ms.
wait_until() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		usleep 100000
		n=$((n - 1))
	done
	return 1
}

gone() {
	[ ! -e "$1" ]
}

# totals_zero: ours only; nothing pinned (for a program or in a pin
# cache: every device is closed by now), no program allocated.
totals_zero() {
	[ "$DRIVER" = ours ] || return 0
	grep -q "^pinned_pages: 0$" $TOTALS && grep -q "^vfio_pinned_pages: 0$" $TOTALS &&
		grep -q "^programs: 0$" $TOTALS ||
		{ fail "$(tr '\n' ' ' <$TOTALS)"; return 1; }
}

# setup SCH: load the module if needed, bind SCH, create an mdev:
# sets UUID, GRP, CDEV; fault_row undoes it afterwards.
setup() {
	CUR_SCH=$1
	[ -d /sys/module/vfio_ccw ] || load_driver || return 1
	[ "$(driver_of "$1")" = vfio_ccw ] || bind_vfio "$1" || return 1
	UUID=$(new_uuid)
	create_mdev "$1" "$UUID" || return 1
	GRP=$(vfio_group_of "$UUID")
	CDEV=$(vfio_cdev_of "$UUID")
}

# teardown: whatever a scenario left, passed or failed: its holder, its
# mdev, its binding; the subchannel goes back to io_subchannel.
teardown() {
	if [ -n "$HOLDER" ] && kill -0 "$HOLDER" 2>/dev/null; then
		kill -USR1 "$HOLDER"
		wait "$HOLDER"
	fi
	HOLDER=
	[ -n "$UUID" ] && [ -d "/sys/bus/mdev/devices/$UUID" ] &&
		echo 1 >"/sys/bus/mdev/devices/$UUID/remove"
	UUID=
	if [ -n "$CUR_SCH" ] && [ -d "$CSS/devices/$CUR_SCH" ] &&
	   [ "$(driver_of "$CUR_SCH")" != io_subchannel ]; then
		unbind_vfio "$CUR_SCH" >/dev/null 2>&1
	fi
	CUR_SCH=
}

# holder_start NAME [--busy]: a vfio-fault hold on the cdev in the
# background, ready when it says so.
holder_start() {
	local name=$1
	shift
	rm -f /tmp/ready.$name
	vfio-fault --cdev "$CDEV" hold "$@" --ready /tmp/ready.$name --timeout 60 \
		>/tmp/hold.$name 2>&1 &
	HOLDER=$!
	wait_until 20 test -e /tmp/ready.$name ||
		{ fail "holder not ready: $(cat /tmp/hold.$name)"; return 1; }
}

# holder_end NAME: wait for the holder; its last line is the reason.
holder_end() {
	wait $HOLDER
	local rc=$?
	HOLDER_SAID=$(tail -n 1 /tmp/hold.$1)
	[ $rc = 0 ] || { fail "holder exit $rc: $(tail -n 3 /tmp/hold.$1 | tr '\n' ' ')"; return 1; }
}

# --- the device goes away -------------------------------------------------

# unplug_idle SCH DEV: an mdev nobody opened; QMP device_del.
unplug_idle() {
	setup "$1" || return 1
	qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$2\"}}"
	wait_until 30 gone "$CSS/devices/$1" || { fail "$1 still there"; return 1; }
	wait_until 10 gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	totals_zero
}

# unplug_open SCH DEV [--busy]: the device goes away while a user holds
# it (idle and probing, or with a program outstanding).
unplug_open() {
	setup "$1" || return 1
	holder_start unplug $3 || return 1
	qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$2\"}}"
	holder_end unplug || return 1
	case "$HOLDER_SAID" in
	"hold: request"*) ;;
	*) fail "the user was not asked to let go: $HOLDER_SAID"; return 1 ;;
	esac
	wait_until 30 gone "$CSS/devices/$1" || { fail "$1 still there"; return 1; }
	wait_until 10 gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	totals_zero || return 1
	echo "$HOLDER_SAID"
}

# --- removal under the user -----------------------------------------------

# remove_open [--busy]: echo 1 > remove while the holder has it open.
remove_open() {
	local rc
	setup $SCH || return 1
	holder_start remove $1 || return 1
	( echo 1 >"/sys/bus/mdev/devices/$UUID/remove" ) &
	rm_pid=$!
	holder_end remove || return 1
	wait $rm_pid
	rc=$?
	[ $rc = 0 ] || { fail "remove failed ($rc)"; return 1; }
	gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	totals_zero || return 1
	echo "$HOLDER_SAID"
}

# unbind_open: unbind the subchannel from vfio_ccw while the mdev is open.
unbind_open() {
	local rc
	setup $SCH || return 1
	holder_start unbind || return 1
	( echo $SCH >$CSS/drivers/vfio_ccw/unbind ) &
	rm_pid=$!
	holder_end unbind || return 1
	wait $rm_pid
	rc=$?
	[ $rc = 0 ] || { fail "unbind failed ($rc)"; return 1; }
	[ -z "$(driver_of $SCH)" ] || { fail "$SCH still bound to $(driver_of $SCH)"; return 1; }
	gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	totals_zero || return 1
	echo "$HOLDER_SAID"
}

# rmmod_open: refused while a user holds an mdev; works after it closed.
rmmod_open() {
	setup $SCH || return 1
	holder_start rmmod || return 1
	if rmmod vfio_ccw 2>/tmp/rmmod.err; then
		fail "rmmod succeeded with the device open"
		return 1
	fi
	kill -USR1 $HOLDER
	holder_end rmmod || return 1
	rmmod vfio_ccw || { fail "rmmod after close failed"; return 1; }
	gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	[ -z "$(driver_of $SCH)" ] || { fail "$SCH still bound"; return 1; }
	echo "rmmod refused while open ($(tr '\n' ' ' </tmp/rmmod.err)); after close: unloaded"
}

# rmmod_idle: an mdev exists, nobody holds it: rmmod removes it.
rmmod_idle() {
	setup $SCH || return 1
	rmmod vfio_ccw || { fail "rmmod with an idle mdev failed"; return 1; }
	gone "/sys/bus/mdev/devices/$UUID" || { fail "mdev still there"; return 1; }
	[ -z "$(driver_of $SCH)" ] || { fail "$SCH still bound"; return 1; }
}

# path_busy: vary the channel path off and on under a suspended program.
path_busy() {
	local chp=/sys/devices/css0/chp0.00/status
	setup $SCH || return 1
	holder_start path --busy || return 1
	echo offline >$chp || { fail "vary off failed"; return 1; }
	sleep 1
	echo online >$chp || { fail "vary on failed"; return 1; }
	sleep 1
	kill -USR1 $HOLDER
	holder_end path || return 1
	# Ours halts a program that has no path left; its status ends it.
	if [ "$DRIVER" = ours ]; then
		case "$HOLDER_SAID" in
		*"program ended"*) ;;
		*) fail "the program outlived its only path: $HOLDER_SAID"; return 1 ;;
		esac
	fi
	totals_zero || return 1
	echo "$HOLDER_SAID"
}

# --- every allocation fails in turn ---------------------------------------

failnth_setup() {
	local d=/sys/kernel/debug
	[ -e /proc/self/fail-nth ] || return 1
	# Count sleeping allocations too, and order-0 pages; no stack dumps.
	for f in $d/failslab $d/fail_page_alloc; do
		[ -d $f ] || continue
		echo N >$f/ignore-gfp-wait
		echo 0 >$f/verbose
	done
	if [ -d $d/fail_page_alloc ]; then
		echo N >$d/fail_page_alloc/ignore-gfp-highmem
		echo 0 >$d/fail_page_alloc/min-order
	fi
}

# failnth_dev: on the mdev that setup made (fault_row would undo it).
failnth_dev() {
	local status=
	[ "$DRIVER" = ours ] && status="--status /sys/kernel/debug/vfio_ccw/$SCH/status"
	step_row failnth_open_container vfio-fault --group "$GRP" --uuid "$UUID" failnth open
	step_row failnth_open_cdev vfio-fault --cdev "$CDEV" failnth open
	step_row failnth_start_container vfio-fault --group "$GRP" --uuid "$UUID" \
		failnth start $status
	step_row failnth_start_cdev vfio-fault --cdev "$CDEV" failnth start $status
	check failnth_totals totals_zero
	# creating needs the subchannel without its mdev
	remove_mdev "$UUID" >/dev/null 2>&1
	step_row failnth_create vfio-fault failnth create --sch $SCH
}

failnth_bind() {
	CUR_SCH=$SCH
	[ -d /sys/module/vfio_ccw ] || load_driver || return 1
	[ "$(driver_of $SCH)" = io_subchannel ] && ccw_settle $SCH
	echo $SCH >$CSS/drivers/io_subchannel/unbind || return 1
	echo vfio_ccw >$CSS/devices/$SCH/driver_override
	vfio-fault failnth bind --sch $SCH
}

# fault_row NAME FN ARGS...: like check, the last line of a pass is
# kept; then the scenario's leftovers are undone (teardown), pass or
# fail, so that one failure does not cascade.
# The scenario runs in this shell, not in a command substitution, so
# that teardown sees what it set up.
fault_row() {
	step_row "$@"
	teardown
}

# step_row NAME COMMAND...: one row, nothing undone afterwards.
step_row() {
	local name=$1
	shift
	if "$@" >/tmp/fault.out 2>&1; then
		result "$name" PASS "$(tail -n 1 /tmp/fault.out)"
	else
		result "$name" FAIL "$(tail -n 3 /tmp/fault.out | tr '\n' ' ')"
	fi
}

faults_run() {
	check load load_driver || return
	fault_row remove_open remove_open
	fault_row remove_busy remove_open --busy
	fault_row unbind_open unbind_open
	fault_row path_busy path_busy
	fault_row rmmod_open rmmod_open
	fault_row rmmod_idle rmmod_idle
	if failnth_setup; then
		if setup $SCH >/tmp/fault.out 2>&1; then
			failnth_dev
		else
			result failnth_setup FAIL "$(tail -n 3 /tmp/fault.out | tr '\n' ' ')"
		fi
		teardown
		fault_row failnth_bind failnth_bind
	else
		result failnth SKIP "no /proc/self/fail-nth: this kernel has no fault injection"
	fi
	fault_row unplug_idle unplug_idle 0.0.0001 vblk1
	fault_row unplug_open unplug_open 0.0.0002 vblk2
	fault_row unplug_busy unplug_open 0.0.0003 vblk3 --busy
	check totals_after totals_zero
	[ -d /sys/module/vfio_ccw ] || load_driver
	check unload unload_driver
}

for_each_driver faults_run
