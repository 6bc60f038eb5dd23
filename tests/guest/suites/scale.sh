# SPDX-License-Identifier: GPL-2.0
# Many devices at once, each driver in turn, in the same boot (vm.py
# --devices 32, -smp 2, real time: no -icount):
#
#   throughput   8 mdevs on 8 subchannels, each driven by its own
#                vfio-perf process (one thread each) doing SENSE ID round
#                trips for SCALE_SECONDS: I/Os per second, all together;
#                once through the legacy container, once through the
#                iommufd cdevs (throughput_cdev, ours with its pin cache)
#   memory       slab and free memory (/proc/meminfo) before and after
#                creating 32 mdevs on 32 subchannels, and after opening
#                all 32 from one process (vfio-perf hold): per mdev;
#                after one unmeasured round of creating and removing
#                them, so that the first driver of the boot does not pay
#                for slab caches the second finds grown
#
# Figures go to the console as "@@SAY scale <driver> ..." for
# tests/run/perf.py, and into the rows.
SCALE_SECONDS=10
NR_THROUGHPUT=8
NR_MEMORY=32
# check and $(...) run functions in subshells: what must outlive them
# goes through files
UUIDF=/tmp/scale.uuids
SAYF=/tmp/scale.say

sch_of() {
	printf '0.0.%04x' "$1"
}

# meminfo_kb FIELD
meminfo_kb() {
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# slab_kb: the Slab line of /proc/meminfo (slab pages; the bench
# kernels have no SLUB_DEBUG, hence no /proc/slabinfo to count objects)
slab_kb() {
	meminfo_kb Slab
}

settle_memory() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

scale_bind_all() {
	local i=0 n=$1
	while [ $i -lt "$n" ]; do
		bind_vfio "$(sch_of $i)" || return 1
		i=$((i + 1))
	done
}

scale_unbind_all() {
	local i=0 n=$1 bad=0
	while [ $i -lt "$n" ]; do
		unbind_vfio "$(sch_of $i)" || bad=1
		i=$((i + 1))
	done
	return $bad
}

# scale_create N: one mdev on each of the first N subchannels, listed
# in $UUIDF
scale_create() {
	local i=0 u
	: >$UUIDF
	while [ $i -lt "$1" ]; do
		u=$(new_uuid)
		create_mdev "$(sch_of $i)" "$u" || return 1
		echo "$u" >>$UUIDF
		i=$((i + 1))
	done
}

scale_remove() {
	local u bad=0
	for u in $(cat $UUIDF); do
		remove_mdev "$u" || bad=1
	done
	: >$UUIDF
	return $bad
}

# scale_throughput container|cdev: the 8 devices opened through the
# legacy container (no pin cache for ours) or their iommufd cdevs
scale_throughput() {
	local how=$1 u p f pids= i=0 total=0 n out=/tmp/scale.$DRIVER tag=throughput
	[ "$how" = cdev ] && tag=throughput_cdev
	for u in $(cat $UUIDF); do
		if [ "$how" = cdev ]; then
			set -- --cdev "$(vfio_cdev_of "$u")"
		else
			set -- --group "$(vfio_group_of "$u")" --uuid "$u"
		fi
		vfio-perf "$@" --seconds $SCALE_SECONDS p1 >$out.$i 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do
		wait "$p" || { fail "a vfio-perf failed: $(cat $out.* | grep -v ^perf | head -n 2)"; return 1; }
	done
	for f in $out.*; do
		n=$(sed -n 's/^perf-throughput ios=\([0-9]*\) seconds=[0-9.]*$/\1/p' "$f")
		[ -n "$n" ] || { fail "no figure in $f: $(cat "$f")"; return 1; }
		total=$((total + n))
	done
	rm -f $out.*
	echo "@@SAY scale $DRIVER $tag devices=$NR_THROUGHPUT ios=$total seconds=$SCALE_SECONDS iops=$((total / SCALE_SECONDS))" >>$SAYF
	echo "$((total / SCALE_SECONDS)) I/Os per second over $NR_THROUGHPUT devices ($how)"
}

scale_memory() {
	local s0 f0 s1 f1 sh fh s2 f2 args= u pid i
	# warm-up round: create and remove them once
	scale_create $NR_MEMORY || return 1
	scale_remove || return 1
	settle_memory
	s0=$(slab_kb); f0=$(meminfo_kb MemFree)
	scale_create $NR_MEMORY || return 1
	settle_memory
	s1=$(slab_kb); f1=$(meminfo_kb MemFree)
	for u in $(cat $UUIDF); do
		args="$args $(vfio_group_of "$u"):$u"
	done
	rm -f /tmp/hold.ready /tmp/hold.held
	# shellcheck disable=SC2086
	vfio-perf hold /tmp/hold.ready /tmp/hold.held $args &
	pid=$!
	i=0
	while [ ! -e /tmp/hold.ready ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	# the holder's own memory is in the baseline of the opens
	settle_memory
	sh=$(slab_kb); fh=$(meminfo_kb MemFree)
	kill -USR1 $pid
	i=0
	while [ ! -e /tmp/hold.held ] && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done
	[ -e /tmp/hold.held ] || { kill $pid; fail "the holder did not open the devices"; return 1; }
	settle_memory
	s2=$(slab_kb); f2=$(meminfo_kb MemFree)
	kill -TERM $pid
	wait $pid || { fail "the holder failed"; return 1; }
	echo "@@SAY scale $DRIVER memory mdevs=$NR_MEMORY create_slab_kb=$((s1 - s0)) create_free_kb=$((f0 - f1)) open_slab_kb=$((s2 - sh)) open_free_kb=$((fh - f2))" >>$SAYF
	echo "per mdev: create slab $(( (s1 - s0) / NR_MEMORY )) kB, free $(( (f0 - f1) / NR_MEMORY )) kB; open slab $(( (s2 - sh) / NR_MEMORY )) kB, free $(( (fh - f2) / NR_MEMORY )) kB"
	scale_remove
}

scale_run() {
	local t
	: >$SAYF
	check load load_driver || return
	if check bind_all scale_bind_all $NR_MEMORY; then
		if check create_8 scale_create $NR_THROUGHPUT; then
			if t=$(scale_throughput container 2>&1); then
				result throughput PASS "$(echo "$t" | tail -n 1)"
			else
				result throughput FAIL "$(echo "$t" | tail -n 2 | tr '\n' ' ')"
			fi
			if t=$(scale_throughput cdev 2>&1); then
				result throughput_cdev PASS "$(echo "$t" | tail -n 1)"
			else
				result throughput_cdev FAIL "$(echo "$t" | tail -n 2 | tr '\n' ' ')"
			fi
			check remove_8 scale_remove
		fi
		if t=$(scale_memory 2>&1); then
			result memory PASS "$(echo "$t" | tail -n 1)"
		else
			result memory FAIL "$(echo "$t" | tail -n 2 | tr '\n' ' ')"
		fi
		[ -s $UUIDF ] && scale_remove
		check unbind_all scale_unbind_all $NR_MEMORY
	fi
	check unload unload_driver
	cat $SAYF
}

for_each_driver scale_run
