# SPDX-License-Identifier: GPL-2.0
# Helpers for guest suites (busybox sh).  A suite is a file in
# /tests/suites/ sourced in a subshell; it calls `for_each_driver fn` to
# run fn against the module the boot names (vccw.drivers=: "ours", or
# upstream's, "peer").

CSS=/sys/bus/css
KVER=$(uname -r)
PEER_KO=/lib/modules/$KVER/kernel/drivers/s390/cio/vfio_ccw.ko
OURS_KO=/tests/modules/vfio_ccw.ko
DRIVER=ours

# --- KTAP ------------------------------------------------------------------
# Results are KTAP (Documentation/dev-tools/ktap.rst) on the console,
# fd 3 (see /init): /init is the top-level test, each suite one of its
# subtests, each row of a suite a test of the suite, and a selftest
# program's own KTAP is nested below the row that ran it (ktap_run).
# Rows are reported from subshells too, so the open groups live in
# files: $KTAP_DIR/depth, and per depth D the group's name (D.name), its
# tests so far (D.n) and whether one failed (D.bad).
KTAP_DIR=/tmp/ktap

ktap_depth() {
	cat $KTAP_DIR/depth 2>/dev/null || echo 0
}

# ktap_line DEPTH TEXT: TEXT indented for DEPTH, on the console
ktap_line() {
	local i=0 ind=
	while [ $i -lt "$1" ]; do
		ind="$ind    "
		i=$((i + 1))
	done
	echo "$ind$2" >&3
}

# ktap_begin NAME: open a group of tests below the current one
ktap_begin() {
	local d
	d=$(($(ktap_depth) + 1))
	mkdir -p $KTAP_DIR
	echo $d >$KTAP_DIR/depth
	echo "$1" >$KTAP_DIR/$d.name
	rm -f $KTAP_DIR/$d.n $KTAP_DIR/$d.bad
	ktap_line $d "KTAP version 1"
	ktap_line $d "# Subtest: $1"
}

# ktap_end NAME: close group NAME (and first, as failed, any group it
# left open): FAIL if one of its tests failed, else PASS
ktap_end() {
	local d v
	d=$(ktap_depth)
	while [ "$d" -gt 0 ]; do
		v=PASS
		[ -e $KTAP_DIR/$d.bad ] && v=FAIL
		if [ "$(cat $KTAP_DIR/$d.name)" = "$1" ]; then
			echo $((d - 1)) >$KTAP_DIR/depth
			result "$1" $v
			return
		fi
		echo $((d - 1)) >$KTAP_DIR/depth
		result "$(cat $KTAP_DIR/$d.name)" FAIL "left open by $1"
		d=$((d - 1))
	done
}

# result NAME PASS|FAIL|SKIP [reason...]: one test of the current group.
# The reason goes on a diagnostic line before the result ("# NAME: ..."),
# and after "# SKIP" for a skip.
result() {
	local name=$1 verdict=$2 d n why
	shift 2
	why=$(echo "$*" | tr '\n' ' ' | sed 's/ *$//')
	d=$(ktap_depth)
	n=$(($(cat $KTAP_DIR/$d.n 2>/dev/null || echo 0) + 1))
	echo $n >$KTAP_DIR/$d.n
	[ -n "$why" ] && ktap_line $d "# $name: $why"
	case $verdict in
	PASS) ktap_line $d "ok $n $name" ;;
	SKIP) ktap_line $d "ok $n $name # SKIP ${why:-no reason given}" ;;
	*)
		touch $KTAP_DIR/$d.bad
		ktap_line $d "not ok $n $name"
		;;
	esac
}

# ktap_nest DEPTH: KTAP on stdin as a subtest at DEPTH (its own,
# unindented version line dropped wherever it comes, after stderr noise
# too: ktap_run has printed the subtest's header); a line that is not
# KTAP (a program's stderr) becomes a diagnostic
ktap_nest() {
	local ind= i=0
	while [ $i -lt "$1" ]; do
		ind="$ind    "
		i=$((i + 1))
	done
	awk -v ind="$ind" '
		!seen && /^K?TAP version/ { seen = 1; next }
		/^[ \t]*(ok |not ok |1\.\.[0-9]|#|KTAP version|TAP version)/ { print ind $0; fflush(); next }
		{ print ind "# " $0; fflush() }'
}

# ktap_run NAME SECONDS COMMAND...: run a selftest program (KTAP on its
# stdout, tools/testing/selftests/kselftest_harness.h) as the row NAME,
# its tests nested below; the row's verdict is the program's exit
# status (4, KSFT_SKIP: skipped).  Its output stays in $KTAP_DIR/run.out.
ktap_run() {
	local name=$1 secs=$2 d rc
	shift 2
	d=$(($(ktap_depth) + 1))
	ktap_line $d "KTAP version 1"
	ktap_line $d "# Subtest: $name"
	{
		timeout "$secs" "$@" 2>&1
		echo $? >$KTAP_DIR/run.rc
	} | tee $KTAP_DIR/run.out | ktap_nest $d >&3
	rc=$(cat $KTAP_DIR/run.rc)
	case $rc in
	0) result "$name" PASS ;;
	4) result "$name" SKIP "$(grep -v '^ok\|^not ok' $KTAP_DIR/run.out | tail -n 1)" ;;
	124 | 143) result "$name" FAIL "timed out after $secs s" ;;
	*) result "$name" FAIL "exit status $rc" ;;
	esac
}

# check NAME COMMAND...: PASS if the command succeeds, else FAIL with
# whatever it printed last.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		result "$name" PASS
	else
		result "$name" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
}

fail() {
	echo "$*" >&2
	return 1
}

# expect_file PATH CONTENT: the file exists and reads CONTENT.
expect_file() {
	[ -e "$1" ] || { fail "$1 missing"; return 1; }
	local got
	got=$(cat "$1") || { fail "cannot read $1"; return 1; }
	[ "$got" = "$2" ] || { fail "$1: '$got', expected '$2'"; return 1; }
}

expect_exists() {
	[ -e "$1" ] || { fail "$1 missing"; return 1; }
}

expect_absent() {
	[ ! -e "$1" ] || { fail "$1 still present"; return 1; }
}

# driver_of SCHID: name of the css driver bound to the subchannel, or "".
driver_of() {
	local l
	l=$(readlink "$CSS/devices/$1/driver" 2>/dev/null) || { echo ""; return; }
	basename "$l"
}

# new_uuid: a random version-4 UUID (the kernel has no sysctl here).
new_uuid() {
	local h
	h=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"
}

load_mdev_core() {
	modprobe mdev 2>/dev/null || insmod "/lib/modules/$KVER/kernel/drivers/vfio/mdev/mdev.ko"
}

# load_driver: insert the vfio_ccw module of $DRIVER (ours with the
# module parameters in OURS_ARGS, if set).
load_driver() {
	load_mdev_core || { fail "cannot load mdev.ko"; return 1; }
	if [ "$DRIVER" = ours ]; then
		# shellcheck disable=SC2086 # OURS_ARGS: module parameters, words
		insmod "$OURS_KO" ${OURS_ARGS:-} || { fail "insmod $OURS_KO failed"; return 1; }
	else
		insmod "$PEER_KO" || { fail "insmod $PEER_KO failed"; return 1; }
	fi
	[ -d /sys/module/vfio_ccw ] || { fail "/sys/module/vfio_ccw missing after insmod"; return 1; }
	[ -d $CSS/drivers/vfio_ccw ] || { fail "css driver vfio_ccw not registered"; return 1; }
	# Tell the two apart: ours is out of tree, so it taints with "O".
	case "$DRIVER:$(cat /sys/module/vfio_ccw/taint 2>/dev/null)" in
	ours:*O*|peer:) ;;
	*) { fail "loaded vfio_ccw is not $DRIVER's (taint '$(cat /sys/module/vfio_ccw/taint)')"; return 1; } ;;
	esac
}

unload_driver() {
	rmmod vfio_ccw || { fail "rmmod vfio_ccw failed"; return 1; }
	expect_absent /sys/module/vfio_ccw
	expect_absent $CSS/drivers/vfio_ccw
}

# ccw_settle SCHID: wait (at most 10 s) until the subchannel's ccw device
# is online and the common I/O layer's work is done.  Unbinding
# io_subchannel while its ccw device is still being recognised or set
# online (virtio-ccw does that asynchronously) lets that late work issue
# I/O with the next driver's data as io_subchannel's private area: it
# wrote an ORB over our parent structure, and over upstream's.  The
# bench kernels have no ccw driver but virtio-ccw's: a device of another
# control unit (Hercules' DASD, tapes, unit-record devices, CTCs and
# 3270s) never goes online, and nothing is left to wait for once the
# ccw device is there.
ccw_settle() {
	local i=0 d
	echo 1 >/proc/cio_settle 2>/dev/null
	while [ $i -lt 100 ]; do
		d=$(ls -d "$CSS/devices/$1"/0.* 2>/dev/null | head -n 1)
		[ -n "$d" ] && [ "$(cat "$d/online" 2>/dev/null)" = 1 ] && break
		case "$(cat "$d/cutype" 2>/dev/null)" in
		3832/* | "") ;;
		*) break ;;
		esac
		usleep 100000
		i=$((i + 1))
	done
	echo 1 >/proc/cio_settle 2>/dev/null
}

# sch_of_devno DEVNO: the subchannel of ccw device DEVNO (0.0.xxxx), or
# nothing when there is no such device.
sch_of_devno() {
	[ -e "/sys/bus/ccw/devices/$1" ] || return 0
	basename "$(readlink -f "/sys/bus/ccw/devices/$1/..")"
}

# bind_vfio SCHID: move the subchannel from io_subchannel to vfio_ccw.
bind_vfio() {
	local s=$1
	[ "$(driver_of "$s")" = io_subchannel ] && ccw_settle "$s"
	if [ "$(driver_of "$s")" = io_subchannel ]; then
		echo "$s" >$CSS/drivers/io_subchannel/unbind || { fail "unbind from io_subchannel"; return 1; }
	fi
	[ -z "$(driver_of "$s")" ] || { fail "$s still bound to $(driver_of "$s")"; return 1; }
	echo vfio_ccw >"$CSS/devices/$s/driver_override" || { fail "driver_override"; return 1; }
	echo "$s" >$CSS/drivers/vfio_ccw/bind || { fail "bind to vfio_ccw"; return 1; }
	[ "$(driver_of "$s")" = vfio_ccw ] || { fail "$s bound to '$(driver_of "$s")', not vfio_ccw"; return 1; }
}

# unbind_vfio SCHID: give the subchannel back to io_subchannel.
unbind_vfio() {
	local s=$1
	if [ "$(driver_of "$s")" = vfio_ccw ]; then
		echo "$s" >$CSS/drivers/vfio_ccw/unbind || { fail "unbind from vfio_ccw"; return 1; }
	fi
	[ -z "$(driver_of "$s")" ] || { fail "$s still bound to $(driver_of "$s")"; return 1; }
	echo >"$CSS/devices/$s/driver_override"
	echo "$s" >$CSS/drivers/io_subchannel/bind || { fail "bind back to io_subchannel"; return 1; }
	[ "$(driver_of "$s")" = io_subchannel ] || { fail "$s not back on io_subchannel"; return 1; }
	ccw_settle "$s"
}

# qemu_device_of SCHID: the subchannel's device as QEMU knows it, for QMP:
# ID:DEVNO:DRIVE (tests/vm/vm.py names them vblkN, fe.0.01NN, nullN).
qemu_device_of() {
	local bus n
	bus=$(cat "$CSS/devices/$1/dev_busid" 2>/dev/null)
	case "$bus" in
	0.0.01[0-9a-f][0-9a-f]) ;;
	*) echo "$1 has no device of the bench's (dev_busid '$bus')"; return 1 ;;
	esac
	n=$((0x${bus##*.} - 0x100))
	echo "vblk$n:fe.0.${bus##*.}:null$n"
}

# create_mdev SCHID UUID
create_mdev() {
	echo "$2" >"$CSS/devices/$1/mdev_supported_types/vfio_ccw-io/create" ||
		{ fail "create mdev $2 on $1"; return 1; }
	[ -d "/sys/bus/mdev/devices/$2" ] || { fail "mdev $2 missing after create"; return 1; }
}

remove_mdev() {
	echo 1 >"/sys/bus/mdev/devices/$1/remove" || { fail "remove mdev $1"; return 1; }
	expect_absent "/sys/bus/mdev/devices/$1"
}

# vfio_group_of UUID: the IOMMU group number of an mdev.
vfio_group_of() {
	basename "$(readlink "/sys/bus/mdev/devices/$1/iommu_group")"
}

# vfio_cdev_of UUID: /dev/vfio/devices/vfioN of an mdev.
vfio_cdev_of() {
	echo "/dev/vfio/devices/$(ls "/sys/bus/mdev/devices/$1/vfio-dev/")"
}

# with_mdev FN: load $DRIVER's module, bind $SCH, create an mdev and run
# FN with UUID, GRP (IOMMU group) and CDEV (device cdev) set; then remove
# the mdev (unless FN did), unbind and unload.  Each step is a row.
with_mdev() {
	check load load_driver || return
	if ! check bind bind_vfio $SCH; then
		check unload unload_driver
		return
	fi
	UUID=$(new_uuid)
	if check create_mdev create_mdev $SCH "$UUID"; then
		GRP=$(vfio_group_of "$UUID")
		CDEV=$(vfio_cdev_of "$UUID")
		# for the selftests (vfio_open_env(), selftest.h)
		export VFIO_CCW_GROUP=$GRP VFIO_CCW_UUID=$UUID VFIO_CCW_CDEV=$CDEV
		VFIO_CCW_STATUS=
		[ "$DRIVER" = ours ] && VFIO_CCW_STATUS=/sys/kernel/debug/vfio_ccw/$SCH/status
		export VFIO_CCW_STATUS
		"$1"
		if [ -d "/sys/bus/mdev/devices/$UUID" ]; then
			check remove_mdev remove_mdev "$UUID"
		fi
	fi
	check unbind unbind_vfio $SCH
	check unload unload_driver
}

# leak_check: with kmemleak (sanitize kernel), report what the last
# driver's run leaked as a row of that driver, then forget it, so that a
# leak of upstream's module lands in the peer column, not in ours.
leak_check() {
	local f=/sys/kernel/debug/kmemleak n
	[ -f $f ] || return 0
	# kmemleak reports only objects older than 5 s; a file released by
	# an exiting test program is freed a moment later (delayed fput),
	# so scan twice.
	sleep 6
	echo scan >$f
	sleep 2
	echo scan >$f
	cat $f >/tmp/leaks.$DRIVER
	n=$(grep -c "unreferenced object" /tmp/leaks.$DRIVER)
	if [ "$n" -gt 0 ]; then
		echo "@@LEAKS-BEGIN $DRIVER $SUITE"
		cat /tmp/leaks.$DRIVER
		echo "@@LEAKS-END"
		result kmemleak FAIL "$n unreferenced object(s), first allocated in: $(sed -n '/backtrace/,$p' /tmp/leaks.$DRIVER | grep -v -m1 -E 'backtrace|kmemleak|kmalloc|kmem_cache|slab' | tr -s ' ')"
	else
		result kmemleak PASS
	fi
	echo clear >$f
}

# for_each_driver FN: run FN for each driver the boot names (vccw.drivers=
# on the kernel command line: ours, peer or both, in a group of rows
# each when both).  Each run starts from a subchannel bound to
# io_subchannel and no vfio_ccw module.
for_each_driver() {
	local both=
	case "${DRIVERS:-ours}" in *" "*) both=1 ;; esac
	for DRIVER in ${DRIVERS:-ours}; do
		export VFIO_CCW_DRIVER=$DRIVER
		if [ -d /sys/module/vfio_ccw ]; then
			rmmod vfio_ccw 2>/dev/null
		fi
		# two drivers in one boot (make bench): a group of rows each
		[ -n "$both" ] && ktap_begin $DRIVER
		"$1"
		leak_check
		[ -n "$both" ] && ktap_end $DRIVER
	done
	DRIVER=ours
}
