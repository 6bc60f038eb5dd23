# SPDX-License-Identifier: GPL-2.0
# Paths of the driver that run at once, driven at once (the vfio-race
# selftests): close right after a start, a halt's status against the next
# start, and an unmap against close; each through the container and the
# cdev, looped (vccw.race_loops=N, default 100).  Then the users and the
# admin at once (vfio-stress: client threads against mdev removal,
# unbind, path vary and css rescan, for vccw.stress_seconds=S, default
# 60; and QMP unplug and replug with vccw.stress_unplug=1, which the
# coverage boot sets: the replugged device may come back on another
# subchannel, which the suite's later rows cannot follow).  The unmap race comes last in vfio-race: through the container,
# VFIO type1 of 6.12 reports its own lock inversion there (vm.manifest
# tolerates it in boots that run this suite), after which lockdep checks
# nothing; the stress, which unmaps too, follows it, and this suite runs
# last in the gate's boots.
SCH=0.0.0000
VFIO_CCW_RACE_LOOPS=100
STRESS_SECONDS=60
STRESS_UNPLUG=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.race_loops=*) VFIO_CCW_RACE_LOOPS=${arg#vccw.race_loops=} ;;
	vccw.stress_seconds=*) STRESS_SECONDS=${arg#vccw.stress_seconds=} ;;
	vccw.stress_unplug=*) STRESS_UNPLUG=${arg#vccw.stress_unplug=} ;;
	esac
done
export VFIO_CCW_RACE_LOOPS

# admin_stress: vfio-stress as one row, its progress as diagnostics and
# its summary on the row.
admin_stress() {
	local d rc dev unplug=
	d=$(ktap_depth)
	if [ "$STRESS_UNPLUG" = 1 ]; then
		dev=$(qemu_device_of $SCH) || { result admin_stress FAIL "$dev"; return; }
		unplug="--unplug $dev"
	fi
	{
		# shellcheck disable=SC2086 # unplug: an option and its value
		timeout $((STRESS_SECONDS + 300)) vfio-stress --sch $SCH --uuid "$UUID" \
			--seconds "$STRESS_SECONDS" $unplug 2>&1
		echo $? >/tmp/stress.rc
	} | tee /tmp/stress.out | while IFS= read -r l; do ktap_line "$d" "# $l"; done
	rc=$(cat /tmp/stress.rc)
	case $rc in
	0) result admin_stress PASS "$(tail -n 1 /tmp/stress.out)" ;;
	124 | 143) result admin_stress FAIL "timed out after $((STRESS_SECONDS + 300)) s" ;;
	*) result admin_stress FAIL "exit status $rc: $(tail -n 2 /tmp/stress.out | tr '\n' ' ')" ;;
	esac
}

race_tests() {
	ktap_run vfio_race 1800 vfio-race
	admin_stress
}

race_once() {
	with_mdev race_tests
}

for_each_driver race_once
