# SPDX-License-Identifier: GPL-2.0
# The driver's tracepoints (Documentation/tracing.rst), read from tracefs
# around one SENSE ID: open (INIT), the start with what it translated,
# the interruption as it arrives and as the user gets it, the state
# changes, the close and iommufd's unmap of everything after it.  Ours only: upstream's
# module has tracepoints of its own, with other names.
SCH=0.0.0000
T=/sys/kernel/tracing

# expect_trace PATTERN...: each pattern matches a line of /tmp/trace.txt,
# each later than the one before.
expect_trace() {
	local from=0 n
	for p in "$@"; do
		n=$(tail -n +$((from + 1)) /tmp/trace.txt | grep -n -m 1 -E "$p" | cut -d: -f1)
		[ -n "$n" ] || {
			fail "no trace line matching '$p' after line $from;" \
				"traced: $(grep -m 3 vfio_ccw_ /tmp/trace.txt | tr -s ' ' | tr '\n' '|')"
			return 1
		}
		from=$((from + n))
	done
}

trace_tests() {
	local sch="sch 0\\.0\\.0000"

	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	[ -d $T/events/vfio_ccw ] || { result events FAIL "no $T/events/vfio_ccw"; return; }
	check events eval "for e in fsm start irq irb path unmap; do
		[ -d $T/events/vfio_ccw/vfio_ccw_\$e ] || { fail \"no event vfio_ccw_\$e\"; exit 1; }
	done"
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 1 >$T/events/vfio_ccw/enable
	echo 1 >$T/tracing_on
	vfio-senseid --cdev "$CDEV" >/tmp/senseid.out 2>&1
	echo $? >/tmp/senseid.rc
	echo 0 >$T/tracing_on
	echo 0 >$T/events/vfio_ccw/enable
	cat $T/trace >/tmp/trace.txt
	check senseid eval '[ "$(cat /tmp/senseid.rc)" = 0 ] || { cat /tmp/senseid.out; exit 1; }'
	# A dispatch is traced when its action returns: the emulated
	# channel's interrupt, pending at once, comes before IO_REQ's line.
	check irq expect_trace \
		"vfio_ccw_fsm: $sch: STANDBY \\+ INIT -> IDLE \\(0\\)" \
		"vfio_ccw_irq: $sch: scsw [0-9a-f]{8} [0-9a-f]{8}$" \
		"vfio_ccw_irb: $sch: to the user"
	check one_io expect_trace \
		"vfio_ccw_fsm: $sch: STANDBY \\+ INIT -> IDLE \\(0\\)" \
		"vfio_ccw_fsm: $sch: IDLE \\+ IO_REQ -> BUSY \\(0\\)" \
		"vfio_ccw_start: $sch: guest cpa 0x[0-9a-f]+, 1 segment\\(s\\), 1 ccw\\(s\\), 1 page\\(s\\) pinned: 0" \
		"vfio_ccw_irb: $sch: to the user: scsw [0-9a-f]+ cpa 0x[0-9a-f]+" \
		"vfio_ccw_fsm: $sch: BUSY \\+ INTERRUPT -> IDLE \\(0\\)" \
		"vfio_ccw_fsm: $sch: IDLE \\+ CLOSE -> STANDBY \\(0\\)" \
		"vfio_ccw_unmap: $sch: dma unmap 0x[0-9a-f]+\\+0x[0-9a-f]+$" ||
		grep vfio_ccw_ /tmp/trace.txt
	# nothing is traced while the events are off
	echo >$T/trace
	echo 1 >$T/tracing_on
	vfio-senseid --cdev "$CDEV" >/dev/null 2>&1
	echo 0 >$T/tracing_on
	check quiet_when_off eval "! grep -q vfio_ccw_ $T/trace || { fail \"traced while off\"; exit 1; }"
}

trace_once() {
	if [ "$DRIVER" != ours ]; then
		return
	fi
	with_mdev trace_tests
}

for_each_driver trace_once
