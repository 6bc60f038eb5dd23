# SPDX-License-Identifier: GPL-2.0
# Our KUnit suites: load vfio_ccw.ko (ours), insert vfio_ccw_kunit.ko,
# whose suites run at insmod and print their KTAP to the kernel log;
# that KTAP, taken from the log, is the row vfio_ccw_kunit with every
# suite and case below it.  (The host's manifest names each suite: one
# that did not register is missing, a FAIL.)
DRIVER=ours

if ! check load load_driver; then
	return 0 2>/dev/null || exit 0
fi
seen=$(dmesg | wc -l)
check insmod insmod /tests/modules/vfio_ccw_kunit.ko
d=$(($(ktap_depth) + 1))
ktap_line $d "KTAP version 1"
ktap_line $d "# Subtest: vfio_ccw_kunit"
# the log since the insmod, without dmesg's time stamps
dmesg | tail -n +$((seen + 1)) | sed 's/^\[ *[0-9.]*\] //' >/tmp/kunit.log
sed -n '/^KTAP version 1$/,$p' /tmp/kunit.log | ktap_nest $d >&3
if grep -q '^KTAP version 1$' /tmp/kunit.log && ! grep -q '^not ok ' /tmp/kunit.log; then
	result vfio_ccw_kunit PASS
else
	result vfio_ccw_kunit FAIL "$(grep -m 1 '^not ok ' /tmp/kunit.log || echo 'no KTAP in the kernel log')"
fi
check rmmod_kunit rmmod vfio_ccw_kunit
check unload unload_driver
