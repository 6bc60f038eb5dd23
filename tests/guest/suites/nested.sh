# SPDX-License-Identifier: GPL-2.0
# The real clients, in a bench guest built with initramfs.sh --nested:
#
# mdevctl (Debian's s390x package): define --auto, start, list, stop and
# undefine an mdev of the driver's parent and type, each step checked
# in sysfs and in mdevctl's own listing.
#
# libvirt's view: the sysfs shape its node-device code reads for a css
# parent and its mdev type.
#
# QEMU (Debian's s390x qemu-system-s390x, TCG) with
# -device vfio-ccw,sysfsdev=<the mdev> runs a bare-metal inner guest
# (tests/guest/inner/inner.c): it must find the passed-through
# subchannel, enable it and run a channel program of two segments joined
# by a TIC, SENSE ID then virtio READ_CONF, through QEMU's vfio-ccw into
# the driver.  Its SENSE ID must be this guest's through the driver, and
# the capacity it reads that of the 16 MiB null disk behind the device.
SCH=0.0.0000
T=/sys/kernel/tracing
# the null-co disk of vm.py: 16 MiB
DISK_SECTORS=32768

# --- mdevctl ----------------------------------------------------------------

mdevctl_listed() {
	mdevctl list "$@" 2>/dev/null | grep -q "^$U "
}

mdevctl_tests() {
	local t=$CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io
	U=$(new_uuid)
	check mdevctl_types eval "mdevctl types 2>&1 | grep -q vfio_ccw-io ||
		{ fail \"mdevctl types: \$(mdevctl types 2>&1 | tr '\\n' ' ')\"; exit 1; }"
	check mdevctl_define eval "mdevctl define --uuid $U --parent $SCH --type vfio_ccw-io --auto &&
		mdevctl_listed --defined && ! [ -e /sys/bus/mdev/devices/$U ] &&
		grep -q '\"start\": *\"auto\"' /etc/mdevctl.d/$SCH/$U"
	check mdevctl_start eval "mdevctl start --uuid $U &&
		[ -d /sys/bus/mdev/devices/$U ] &&
		[ \"\$(basename \"\$(readlink /sys/bus/mdev/devices/$U/mdev_type)\")\" = vfio_ccw-io ] &&
		expect_file $t/available_instances 0 && mdevctl_listed"
	check mdevctl_stop eval "mdevctl stop --uuid $U && expect_absent /sys/bus/mdev/devices/$U &&
		expect_file $t/available_instances 1 && ! mdevctl_listed && mdevctl_listed --defined"
	check mdevctl_undefine eval "mdevctl undefine --uuid $U && ! mdevctl_listed --defined &&
		expect_absent /etc/mdevctl.d/$SCH/$U"
}

# --- libvirt's view -----------------------------------------------------------

# What virNodeDeviceGetMdevTypesCaps() and the css/mdev parent code read,
# with the mdev of with_mdev created.
libvirt_view() {
	local p=$CSS/devices/$SCH t
	t=$p/mdev_supported_types/vfio_ccw-io
	[ "$(driver_of $SCH)" = vfio_ccw ] || { fail "parent bound to '$(driver_of $SCH)'"; return 1; }
	[ "$(readlink -f /sys/class/mdev_bus/$SCH)" = "$(readlink -f $p)" ] ||
		{ fail "/sys/class/mdev_bus/$SCH is not the parent"; return 1; }
	expect_file $t/name "I/O subchannel (Non-QDIO)" &&
	expect_file $t/device_api vfio-ccw &&
	expect_file $t/available_instances 0 &&
	expect_exists $t/create && expect_exists $t/devices/$UUID &&
	expect_exists $p/pimpampom && expect_exists $p/chpids &&
	[ "$(readlink -f /sys/bus/mdev/devices/$UUID/..)" = "$(readlink -f $p)" ] ||
		{ fail "mdev $UUID is not a child of $SCH"; return 1; }
}

# --- QEMU ----------------------------------------------------------------------

# Full-system emulation inside full-system emulation is not dependable:
# with either driver, an inner run now and then stalled or died of a
# fault the emulation made up (seen with a Linux inner guest in 1 of 3
# runs on a loaded host).  A run that does not end with the inner
# guest's report within INNER_TIMEOUT is retried, up to INNER_ATTEMPTS
# runs; every attempt is said in the log.
INNER_ATTEMPTS=2
INNER_TIMEOUT=180

# inner_run OUT: one run of QEMU with the inner guest; 0 if it reported.
# It reports by a disabled wait, which -d guest_errors logs as
# "PSW: 0x<mask> 0x<address>"; the panic action then ends QEMU.
inner_run() {
	local out=$1
	timeout $INNER_TIMEOUT qemu-system-s390x -L /usr/share/qemu -M s390-ccw-virtio \
		-accel tcg -cpu qemu -m 64 -display none -nodefaults \
		-d guest_errors -action panic=shutdown -kernel /nested/inner.elf \
		-device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/$UUID >$out 2>&1
	echo $? >$out.rc
	sed 's/@@/@-@/g; s/^/inner: /' $out | cut -c1-200
	grep -q '^PSW: 0x[0-9a-f]\{16\} 0x[0-9a-f]\{16\}$' $out
}

# inner_step KEY: the name of the step the inner guest stopped at
inner_step() {
	case $1 in
	0) echo ok ;; 1) echo "no subchannel" ;; 2) echo "MSCH failed" ;;
	3) echo "not enabled" ;; 4) echo "SSCH failed" ;; 5) echo "subchannel gone" ;;
	6) echo "no status in 60 s" ;; 7) echo "ended abnormally" ;;
	8) echo "SENSE ID without 0xff" ;; 9) echo "no capacity" ;;
	f) echo "program check" ;; *) echo "step $1" ;;
	esac
}

nested_qemu() {
	local t0 t1 out=/tmp/inner.$DRIVER outer mask addr cap key got n=0 runs=
	# What this guest sees through the driver: its SENSE ID answer.
	outer=$(vfio-senseid --group "$GRP" --uuid "$UUID" 2>&1 |
		sed -n 's/^control unit \([^ ]*\) device \([^ ]*\)$/\1 \2/p')
	check outer_senseid eval "[ -n \"$outer\" ] || { fail 'no SENSE ID through the driver'; exit 1; }"
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	while [ $n -lt $INNER_ATTEMPTS ]; do
		n=$((n + 1))
		echo >$T/trace
		echo 1 >$T/events/vfio_ccw/enable
		t0=$(date +%s)
		inner_run $out
		rc=$?
		t1=$(date +%s)
		echo 0 >$T/events/vfio_ccw/enable
		cat $T/trace >$out.trace
		runs="$runs${runs:+, }$((t1 - t0)) s"
		echo "@@SAY nested $DRIVER attempt $n: qemu+inner guest $((t1 - t0)) s, exit $(cat $out.rc)"
		[ $rc = 0 ] && break
	done
	check qemu_ran eval "[ $rc = 0 ] ||
		{ fail \"$n runs ($runs), last exit \$(cat $out.rc): \$(grep -v '^\$' $out | tail -n 3 | tr '\\n' ' ')\"; exit 1; }"
	# QEMU's own complaints (a vfio-ccw warning, a failed ioctl)
	check qemu_quiet eval "! grep '^qemu-system-s390x:' $out ||
		{ fail 'QEMU said the above'; exit 1; }"
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^PSW: 0x\([0-9a-f]*\) 0x\([0-9a-f]*\)$/\1 \2/p' $out | tail -n 1)
	mask=${1:-} addr=${2:-} cap=$(echo "${2:-}" | cut -c13-16)
	key=$(echo "$mask" | cut -c3)
	check inner_program eval "[ \"$key\" = 0 ] ||
		{ fail \"inner guest stopped at '\$(inner_step '$key')' (PSW $mask $addr)\"; exit 1; }"
	# "cutype/model devtype/model", as vfio-senseid prints them
	got=$(echo "$addr" | sed -n 's#^\(....\)\(..\)\(....\)\(..\)....$#\1/\2 \3/\4#p')
	check inner_sensed eval "[ \"\${got%% *}\" = 3832/02 ] ||
		{ fail \"inner guest saw '$got', not control unit 3832/02\"; exit 1; }"
	check inner_same_as_outer eval "[ \"$got\" = \"$outer\" ] ||
		{ fail \"inner guest '$got', this guest through the driver '$outer'\"; exit 1; }"
	# the low 16 bits: the capacity READ_CONF read, in sectors
	check inner_virtio_conf eval "[ \$((0x${cap:-0})) = $DISK_SECTORS ] ||
		{ fail \"capacity 0x$cap sectors, not $DISK_SECTORS\"; exit 1; }"
	# The start went through this driver, as its tracepoints tell: ours
	# traces the translation (2 segments, 3 CCWs); upstream's traces an
	# IO_REQ dispatched in IDLE (2), an INTERRUPT in CP_PENDING (4) and
	# traces fsm_io_request only when a start fails.
	if [ "$DRIVER" = ours ]; then
		check inner_through_driver eval "grep -q -E 'vfio_ccw_start: sch $SCH: guest cpa 0x[0-9a-f]+, 2 segment\\(s\\), 3 ccw\\(s\\), [0-9]+ page\\(s\\) pinned: 0\$' $out.trace ||
			{ fail \"no start of 2 segments traced: \$(grep -m 3 vfio_ccw_start $out.trace | tr -s ' ' | tr '\\n' '|')\"; exit 1; }"
	else
		check inner_through_driver eval "grep -q 'vfio_ccw_fsm_event: schid=$SCH state=2 event=1\$' $out.trace &&
			grep -q 'vfio_ccw_fsm_event: schid=$SCH state=4 event=2\$' $out.trace &&
			! grep -q vfio_ccw_fsm_io_request $out.trace ||
			{ fail \"\$(grep -m 6 vfio_ccw_ $out.trace | tr -s ' ' | tr '\\n' '|')\"; exit 1; }"
	fi
	# a figure, not a test: it cannot fail (qemu_ran judges the runs)
	echo "@@SAY nested $DRIVER qemu and the inner guest: $((t1 - t0)) s; runs: $n ($runs)"
}

# --- per driver -------------------------------------------------------------------

nested_tests() {
	check libvirt_view libvirt_view
	nested_qemu
}

# One load of the module for all of it: this boot runs on -cpu qemu
# (under -cpu max the inner QEMU crashed in its own code generator),
# where reloading modules now and then ran stale code (see vm.py).
nested_once() {
	check load load_driver || return
	if check bind bind_vfio $SCH; then
		mdevctl_tests
		UUID=$(new_uuid)
		if check create_mdev create_mdev $SCH "$UUID"; then
			GRP=$(vfio_group_of "$UUID")
			nested_tests
			check remove_mdev remove_mdev "$UUID"
		fi
		check unbind unbind_vfio $SCH
	fi
	check unload unload_driver
}

for_each_driver nested_once
