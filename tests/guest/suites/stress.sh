# SPDX-License-Identifier: GPL-2.0
# Repetition without leaks: 1000 open/close cycles (each with a SENSE ID,
# alternating container and cdev) and 100 mdev create/remove cycles.
# Before and after: slab in use (/proc/meminfo) and, for our driver, the
# pages the subchannel holds pinned (debugfs vfio_ccw/<sch>/status).
SCH=0.0.0000
OPEN_CYCLES=${OPEN_CYCLES:-500}
CREATE_CYCLES=${CREATE_CYCLES:-100}
# Slab may grow a little for reasons of its own (caches warming up);
# a leak per cycle would be far above this.
SLAB_SLACK_KB=512

slab_kb() {
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

pinned_pages() {
	awk '/^pinned_pages:/ { print $2 }' /sys/kernel/debug/vfio_ccw/$SCH/status
}

# slab_ok BEFORE: slab did not grow by more than the slack since BEFORE.
slab_ok() {
	local now
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	now=$(slab_kb)
	[ $((now - $1)) -le $SLAB_SLACK_KB ] ||
		{ fail "slab grew by $((now - $1)) kB (from $1 to $now)"; return 1; }
	echo "slab delta $((now - $1)) kB"
}

stress_once() {
	local uuid grp cdev slab0 i

	check load load_driver || return
	if ! check bind bind_vfio $SCH; then
		unload_driver
		return
	fi
	uuid=$(new_uuid)
	if check create_mdev create_mdev $SCH "$uuid"; then
		grp=$(vfio_group_of "$uuid")
		cdev=$(vfio_cdev_of "$uuid")
		# warm up, then measure
		vfio-cycle --cdev "$cdev" --loops 5 >/dev/null 2>&1
		slab0=$(slab_kb)
		check open_close_container vfio-cycle --group "$grp" --uuid "$uuid" --loops $OPEN_CYCLES
		check open_close_cdev vfio-cycle --cdev "$cdev" --loops $OPEN_CYCLES
		if [ "$DRIVER" = ours ]; then
			check no_pins_left eval '[ "$(pinned_pages)" = 0 ] || fail "$(pinned_pages) pages still pinned"'
			check no_cached_pins_left eval 'grep -q "^vfio_pinned_pages: 0\$" /sys/kernel/debug/vfio_ccw/totals ||
				fail "$(tr "\n" " " </sys/kernel/debug/vfio_ccw/totals)"'
		fi
		check open_close_slab slab_ok "$slab0"
		remove_mdev "$uuid"
	fi

	slab0=$(slab_kb)
	check create_remove eval '
		i=0
		while [ $i -lt $CREATE_CYCLES ]; do
			u=$(new_uuid)
			create_mdev $SCH $u || exit 1
			remove_mdev $u || exit 1
			i=$((i + 1))
		done'
	check create_remove_slab slab_ok "$slab0"
	check available_after expect_file \
		$CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io/available_instances 1
	check unbind unbind_vfio $SCH
	check unload unload_driver
}

for_each_driver stress_once
