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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
 * A test runs in a child that leaves with _exit(): what it printed must
 * be out by then, line by line, as in the harness's own messages.
 */
static void __attribute__((constructor)) vfio_ccw_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
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

/*
 * One field of our debugfs status (VFIO_CCW_STATUS), or -1 without the
 * file (upstream's driver) or without the field; the state, if @state,
 * is copied there (at most @len bytes with the NUL).
 */
static inline long vfio_ccw_status_field(const char *name, char *state, size_t len)
{
	const char *file = vfio_ccw_status_file();
	char line[128], key[64];
	long v = -1;
	FILE *f;

	if (!file)
		return -1;
	f = fopen(file, "r");
	if (!f)
		die("open %s: %s", file, strerror(errno));
	snprintf(key, sizeof(key), "%s: %%ld", name);
	while (fgets(line, sizeof(line), f)) {
		if (state && !strncmp(line, "state: ", 7)) {
			size_t n = strcspn(line + 7, "\n");

			n = n < len ? n : len - 1;
			memcpy(state, line + 7, n);
			state[n] = 0;
		}
		if (sscanf(line, key, &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

/*
 * For our driver (VFIO_CCW_STATUS set): the status says no page is
 * pinned and, once the device is closed, that it is back in STANDBY;
 * dies with the status otherwise.  The worker may still be retiring a
 * program for a moment after the call that ended it returned (as it was
 * when the suites checked after a program exited): look for up to 100 ms.
 */
static inline void vfio_ccw_expect_unpinned(const char *after, int closed)
{
	const char *file = vfio_ccw_status_file();
	char buf[1024];
	int tries;

	if (!file)
		return;
	for (tries = 0; tries < 10; tries++) {
		FILE *f = fopen(file, "r");
		size_t n;

		if (!f)
			die("open %s: %s", file, strerror(errno));
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		if (strstr(buf, "\npinned_pages: 0\n") &&
		    (!closed || !strncmp(buf, "state: STANDBY\n", 15)))
			return;
		usleep(10000);
	}
	die("after %s: %s", after, buf);
}

#endif
