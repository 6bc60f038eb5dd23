# SPDX-License-Identifier: GPL-2.0
# The regions and IRQs beyond the I/O region: async HSCH/CSCH, the SCHIB
# region against sysfs, the CRW region, RESET and HSCH with a program
# outstanding (where the emulator can keep one), and removing an mdev
# that a client holds (request IRQ).  Container and cdev paths.
SUITE=async
SCH=0.0.0000
# unmap_busy has a suite (and boots) of its own: see unmap.sh.
ASYNC_TESTS="regions schib hsch_idle csch_idle bad_async crw hsch_busy csch_busy reset_busy
	close_busy"

# async_row NAME COMMAND...: PASS with what the program saw, SKIP when
# it exits 77 (the emulator cannot do it), FAIL otherwise.
async_row() {
	local name=$1 out rc
	shift
	out=$(timeout 60 "$@" 2>&1)
	rc=$?
	case $rc in
	0) result "$name" PASS "$(echo "$out" | tail -n 1)" ;;
	77) result "$name" SKIP "$(echo "$out" | tail -n 1)" ;;
	*) result "$name" FAIL "$(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	esac
}

# after_close_busy PATH GROUP UUID: the closed program left nothing
# pinned (ours: debugfs) and the next user can run a SENSE ID.
after_close_busy() {
	if [ "$DRIVER" = ours ]; then
		check "close_busy_${1}_state" eval '
			st=/sys/kernel/debug/vfio_ccw/$SCH/status
			grep -q "^state: STANDBY" $st && grep -q "^pinned_pages: 0" $st ||
				{ fail "$(tr "\n" " " <$st)"; return 1; }'
	fi
	check "close_busy_${1}_reopen" vfio-senseid --group "$2" --uuid "$3"
}

async_tests() {
	local t ppp devno

	ppp=$(cat $CSS/devices/$SCH/pimpampom)
	devno=$(cut -d. -f3 $CSS/devices/$SCH/dev_busid 2>/dev/null)
	for t in $ASYNC_TESTS; do
		async_row "${t}_container" vfio-async --group "$GRP" --uuid "$UUID" \
			"$t" --pimpampom "$ppp" --devno "${devno:-0100}"
		[ "$t" = close_busy ] && after_close_busy container "$GRP" "$UUID"
		async_row "${t}_cdev" vfio-async --cdev "$CDEV" \
			"$t" --pimpampom "$ppp" --devno "${devno:-0100}"
		[ "$t" = close_busy ] && after_close_busy cdev "$GRP" "$UUID"
	done
	# Last: the client closes when asked, the removal completes.
	async_row request vfio-async --cdev "$CDEV" request \
		--remove "/sys/bus/mdev/devices/$UUID/remove"
}

async_once() {
	with_mdev async_tests
}

for_each_driver async_once
