# SPDX-License-Identifier: GPL-2.0
# Paths of the driver that run at once, driven at once (the vfio-race
# selftests): close right after a start, a halt's status against the next
# start, and an unmap against close; each through the container and the
# cdev, looped (vccw.race_loops=N, default 100).  The last test is the
# unmap race: through the container, VFIO type1 of 6.12 reports its own
# lock inversion there (vm.manifest tolerates it in boots that run this
# suite), after which lockdep checks nothing, so this suite runs last in
# its boots.
SCH=0.0.0000
VFIO_CCW_RACE_LOOPS=100
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.race_loops=*) VFIO_CCW_RACE_LOOPS=${arg#vccw.race_loops=} ;;
	esac
done
export VFIO_CCW_RACE_LOOPS

race_tests() {
	ktap_run vfio_race 1800 vfio-race
}

race_once() {
	with_mdev race_tests
}

for_each_driver race_once
