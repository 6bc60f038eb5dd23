# SPDX-License-Identifier: GPL-2.0
# Our KUnit suites: load vfio_ccw.ko (ours), insert vfio_ccw_kunit.ko,
# whose suites run at insmod, and hand their KTAP to the host, which
# parses it with the kernel's kunit.py.
SUITE=kunit
DRIVER=ours

if ! check load load_driver; then
	return 0 2>/dev/null || exit 0
fi
check insmod insmod /tests/modules/vfio_ccw_kunit.ko
suites=$(ls /sys/kernel/debug/kunit/ 2>/dev/null | grep '^vfio_ccw')
echo "@@KTAP-BEGIN"
echo "KTAP version 1"
echo "1..$(echo "$suites" | grep -c .)"
# Each results file is a KTAP document of one suite ("KTAP version 1",
# "1..1", the suite, "ok 1 <suite>"): drop its header and number the
# suites of the combined document.
n=0
for s in $suites; do
	n=$((n + 1))
	awk -v n=$n 'NR <= 2 { next }
		/^(not )?ok 1 / { sub(/ok 1 /, "ok " n " ") }
		{ print }' "/sys/kernel/debug/kunit/$s/results"
done
echo "@@KTAP-END"
check rmmod_kunit rmmod vfio_ccw_kunit
check unload unload_driver
