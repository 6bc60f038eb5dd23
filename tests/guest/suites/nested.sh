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
# -device vfio-ccw,sysfsdev=<the mdev> boots a small inner guest
# (tests/guest/inner-init on the "inner" kernel): its channel subsystem
# must sense the passed-through device with the control unit and device
# type this guest's own SENSE ID through the driver returns, virtio-ccw
# must bring it online (READ_FEAT, WRITE_FEAT, SET_VQ, WRITE_STATUS
# through the driver) and virtio-blk must read the capacity of the 16 MiB
# null disk behind it from its configuration (READ_CONF).  Nothing reads
# a block: the virtqueue notification of a passed-through virtio device
# is a hypercall to the QEMU in between, which crashes on it
# (tests/kconfig/inner.config).
SUITE=nested
SCH=0.0.0000
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
# with either driver, an inner run now and then stalls in its early
# boot or its busybox dies of a fault the emulation made up (seen in 1
# of 3 runs on a loaded host).  A run that does not reach "@@INNER done"
# within INNER_TIMEOUT is retried, up to INNER_ATTEMPTS runs; every
# attempt is said in the log and counted in the nested_time row.
INNER_ATTEMPTS=4
INNER_TIMEOUT=180

# inner_run OUT: one run of QEMU with the inner guest; 0 if it got done.
inner_run() {
	local out=$1
	timeout $INNER_TIMEOUT qemu-system-s390x -L /usr/share/qemu -M s390-ccw-virtio \
		-accel tcg -cpu qemu -m 256 -display none -nodefaults \
		-serial stdio -kernel /nested/bzImage -initrd /nested/initrd.gz \
		-append "console=ttyS0 rdinit=/init loglevel=5" \
		-device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/$UUID >$out.raw 2>&1
	echo $? >$out.rc
	# a serial console ends its lines with CR LF
	tr -d '\r' <$out.raw >$out && rm -f $out.raw
	# The inner console goes to ours marked and with its markers
	# defanged: vm.py neither parses nor judges it.
	sed 's/@@/@-@/g; s/^/inner: /' $out | cut -c1-200
	grep -q '@@INNER done' $out
}

nested_qemu() {
	local t0 t1 out=/tmp/inner.$DRIVER outer got n=0 runs=
	# What this guest sees through the driver: its SENSE ID answer.
	outer=$(vfio-senseid --group "$GRP" --uuid "$UUID" 2>&1 |
		sed -n 's/^control unit \([^ ]*\) device \([^ ]*\)$/\1 \2/p')
	check outer_senseid eval "[ -n \"$outer\" ] || { fail 'no SENSE ID through the driver'; exit 1; }"
	while [ $n -lt $INNER_ATTEMPTS ]; do
		n=$((n + 1))
		t0=$(date +%s)
		inner_run $out
		rc=$?
		t1=$(date +%s)
		runs="$runs${runs:+, }$((t1 - t0)) s"
		echo "@@SAY nested $DRIVER attempt $n: qemu+inner guest $((t1 - t0)) s, exit $(cat $out.rc)"
		[ $rc = 0 ] && break
	done
	check qemu_ran eval "grep -q '@@INNER done' $out ||
		{ fail \"$n runs ($runs), last exit \$(cat $out.rc): \$(grep -v '^\$' $out | tail -n 3 | tr '\\n' ' ')\"; exit 1; }"
	# The inner kernel's own reports, up to the end of what it reports
	# (its poweroff may crash in the emulation afterwards).
	check inner_kernel_log eval "! sed '/@@INNER done/q' $out |
		grep -E 'WARNING:|BUG:|Oops|Kernel panic|ilc:[0-9] \\[#|Unable to handle' ||
		{ fail 'the inner kernel reported the above'; exit 1; }"
	# "cutype devtype online" of the inner guest's ccw device
	got=$(sed -n 's/.*@@INNER ccw \([^ ]*\) cutype=\([^ ]*\) devtype=\([^ ]*\) online=\([01]\).*/\2 \3 \4/p' $out |
		head -n 1)
	check inner_sensed eval "[ \"\${got%% *}\" = 3832/02 ] ||
		{ fail \"inner guest saw '$got', not control unit 3832/02\"; exit 1; }"
	# cio shows device type 0000/00 (a virtio device's) as n/a
	outer=$(echo "$outer" | sed 's# 0000/00$# n/a#')
	check inner_same_as_outer eval "[ \"\${got% *}\" = \"$outer\" ] ||
		{ fail \"inner guest '\${got% *}', this guest through the driver '$outer'\"; exit 1; }"
	check inner_online eval "[ \"\${got##* }\" = 1 ] || { fail \"not online: $got\"; exit 1; }"
	# virtio status 0x0f: ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK
	check inner_virtio_blk eval "grep -q '@@INNER vda size=$DISK_SECTORS\$' $out &&
		grep -q '@@INNER virtio virtio0 device=0x0002 status=0x0000000f' $out ||
		{ fail \"\$(grep '@@INNER v' $out | tr '\\n' ' ')\"; exit 1; }"
	result nested_time PASS "qemu and the inner guest: $((t1 - t0)) s; runs: $n ($runs)"
}

# --- per driver -------------------------------------------------------------------

nested_tests() {
	check libvirt_view libvirt_view
	nested_qemu
}

# One load of the module for all of it: this boot runs on -cpu qemu
# (under -cpu max the inner QEMU crashes in its own code generator),
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
