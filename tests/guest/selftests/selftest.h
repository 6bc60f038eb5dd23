/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-guest selftests are kselftest-harness programs (the kernel's
 * tools/testing/selftests/kselftest_harness.h): each prints KTAP, runs
 * every test in a child of its own and takes the harness's options
 * (-l lists the tests, -f/-v/-t pick fixtures, variants, tests).  The
 * guest suite that runs one names the mdev in the environment (see
 * vfio_open_env()) and nests its KTAP into the boot's.
 *
 * A fixture that opens the device both ways declares its variants with
 * VFIO_CCW_PATHS(): "container" (VFIO group + type1v2) and "cdev" (the
 * iommufd device cdev), so every test runs through each.
 */
#ifndef VFIO_CCW_SELFTEST_H
#define VFIO_CCW_SELFTEST_H

#include "kselftest_harness.h"
#include "vfio_util.h"

#define VFIO_CCW_PATHS(fixture)						\
	FIXTURE_VARIANT(fixture) {					\
		const char *path;					\
	};								\
	FIXTURE_VARIANT_ADD(fixture, container) {			\
		.path = "container",					\
	};								\
	FIXTURE_VARIANT_ADD(fixture, cdev) {				\
		.path = "cdev",						\
	}

/*
 * The environment a suite may set besides the device: which driver is
 * under test ("ours" or "peer", VFIO_CCW_DRIVER) and, for ours, the
 * debugfs status file of the subchannel (VFIO_CCW_STATUS), from which a
 * test checks that nothing stays pinned while the device is idle.
 */
static inline int vfio_ccw_is_peer(void)
{
	const char *d = getenv("VFIO_CCW_DRIVER");

	return d && !strcmp(d, "peer");
}

static inline const char *vfio_ccw_status_file(void)
{
	const char *s = getenv("VFIO_CCW_STATUS");

	return s && *s ? s : NULL;
}

#endif
