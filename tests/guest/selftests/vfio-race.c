// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-race: paths of the driver that run at once, driven at once from
 * user space, as a hostile client would; a kselftest-harness program
 * (selftest.h), each test through the container and through the cdev,
 * each looped to hit its window.
 *
 *   close_after_start  start a program of many pages and close at once:
 *                      when close returns nothing may be pinned any more
 *                      (VFIO unbinds the device next; a late unpin uses
 *                      it after that)
 *   halt_then_start    HSCH on the idle subchannel, then at once a start
 *                      that stays outstanding: the halt's status must not
 *                      end the new start (refused with EBUSY while the
 *                      status is pending, else the program stays
 *                      outstanding)
 *   unmap_vs_close     (fixture unmap_race, last) a program outstanding;
 *                      one thread closes the device while another unmaps
 *                      its buffer: the device must end closed (STANDBY,
 *                      not open, no pins) and open again
 *
 * The driver's own view is its debugfs status (VFIO_CCW_STATUS, ours
 * only); upstream's driver is held to what user space sees.
 * VFIO_CCW_RACE_LOOPS sets the iterations (default 100; unmap_vs_close
 * runs a quarter of them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x30000000u
#define PAGE		4096
#define PAGES		17		/* a program, then 16 data pages */
#define MEM_SIZE	(PAGES * PAGE)

static struct vfio_dev d;
static struct ccw_io io;

static int loops(void)
{
	const char *v = getenv("VFIO_CCW_RACE_LOOPS");

	return v && *v ? atoi(v) : 100;
}

/* Command-chained SENSE IDs, one into each data page. */
static void put_multipage_program(void)
{
	int i;

	for (i = 0; i < PAGES - 1; i++)
		ccw_put(&io, i * 8, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | (i + 2 < PAGES ? CCW_FLAG_CC : 0), SENSE_ID_LEN,
			ccw_io_addr(&io, (i + 1) * PAGE));
}

/* A start, retried while the driver is busy delivering (-EAGAIN), as QEMU does. */
static int start_retrying(const struct ccw_io_region *r)
{
	int ret;

	while ((ret = ccw_start(&io, r)) == -EAGAIN)
		usleep(100);
	return ret;
}

/* A SENSE ID that suspends before it runs: outstanding until ended. */
static int start_suspended(void)
{
	struct ccw_io_region r;

	vfio_ccw_allow_suspend(1);
	ccw_put(&io, 0, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, SENSE_ID_LEN,
		ccw_io_addr(&io, PAGE));
	ccw_region_start(&r, ccw_io_addr(&io, 0), ORB_DEFAULT | ORB_SPND);
	return start_retrying(&r);
}

static void open_device(const char *path)
{
	vfio_open_env(&d, path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

/* The device fd is closed already: drop the rest of what open_device() made. */
static void drop_after_close(int unmapped)
{
	int ret;

	close(io.efd);
	io.efd = -1;
	if (!unmapped) {
		ret = vfio_unmap(&d, io.iova, io.size);
		if (ret)
			die("unmap after close: %s", strerror(-ret));
	}
	munmap(io.mem, io.size);
	io.mem = NULL;
	vfio_close(&d);
}

/* After a close: nothing pinned, the device closed, and it opens again. */
static void expect_closed(const char *path, int i, const char *what)
{
	char state[32] = "";
	long pinned = vfio_ccw_status_field("pinned_pages", NULL, 0);
	long open = vfio_ccw_status_field("open", state, sizeof(state));

	if (pinned > 0)
		die("%s %d: %ld page(s) still pinned when close had returned", what, i, pinned);
	if (open > 0 || (open == 0 && strcmp(state, "STANDBY")))
		die("%s %d: after close the device is %s, open %ld", what, i, state, open);
	open_device(path);
	ccw_sense_id(&io, 0, PAGE, NULL, what);
}

FIXTURE(race) {
	int unused;
};

VFIO_CCW_PATHS(race);

FIXTURE_SETUP(race)
{
	open_device(variant->path);
}

FIXTURE_TEARDOWN(race)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("the race", 1);
}

TEST_F_TIMEOUT(race, close_after_start, 300)
{
	struct ccw_io_region r;
	int i, n = loops(), started = 0;

	for (i = 0; i < n; i++) {
		put_multipage_program();
		ccw_region_start(&r, ccw_io_addr(&io, 0), ORB_DEFAULT);
		if (!start_retrying(&r))
			started++;
		/* the device first: the container and its mappings stay */
		close(d.fd);
		d.fd = -1;
		drop_after_close(0);
		expect_closed(variant->path, i, "close_after_start");
	}
	printf("close_after_start: %d closes right after a start of %d pages (%d started), "
	       "nothing pinned after any\n", n, PAGES - 1, started);
}

TEST_F_TIMEOUT(race, halt_then_start, 600)
{
	struct scsw_info s;
	int i, n = loops(), refused = 0, accepted = 0, ret;

	for (i = 0; i < n; i++) {
		char state[32] = "";

		ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH);
		if (ret)
			die("halt_then_start %d: HSCH: %s", i, errno_name(-ret));
		ret = start_suspended();
		if (ret == -EBUSY) {
			/* the halt's status was pending: it comes, then the start runs */
			refused++;
			if (!ccw_wait_irq(&io, 5000))
				die("halt_then_start %d: start refused, no halt status", i);
			ret = start_suspended();
		} else {
			/* the halt's interrupt may have been delivered already */
			while (ccw_wait_irq(&io, 20))
				;
		}
		if (ret)
			die("halt_then_start %d: start: %s", i, errno_name(-ret));
		accepted++;
		/* suspended: outstanding; the driver must still hold it */
		usleep(20000);
		if (vfio_ccw_status_field("program_pages", state, sizeof(state)) == 0 ||
		    (state[0] && strcmp(state, "BUSY")))
			die("halt_then_start %d: the start is outstanding, the driver says %s "
			    "with no program: a stale status ended it", i, state);
		ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH);
		if (ret)
			die("halt_then_start %d: CSCH: %s", i, errno_name(-ret));
		if (!ccw_wait_irq(&io, 5000))
			die("halt_then_start %d: no status after CSCH", i);
		ccw_fetch_result(&io, &s, "clear");
		while (ccw_wait_irq(&io, 20))
			;
	}
	ccw_sense_id(&io, 0, PAGE, NULL, "sense id after the races");
	printf("halt_then_start: %d halts each followed at once by a start: %d refused while "
	       "the halt's status was pending, every start held until cleared\n", n, refused);
	(void)accepted;
}

/*
 * A fixture of its own, declared last so that it runs last: through the
 * container this is the path on which VFIO type1 of 6.12 itself reports
 * a lock inversion (see unmap.sh), after which lockdep checks nothing.
 */
FIXTURE(unmap_race) {
	int unused;
};

VFIO_CCW_PATHS(unmap_race);

FIXTURE_SETUP(unmap_race)
{
	open_device(variant->path);
}

FIXTURE_TEARDOWN(unmap_race)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("the race", 1);
}

/**
 * struct unmapper - the thread that unmaps while the device closes
 * @go: both threads wait here, then race
 * @delay_us: how long it waits after @go, to move the window
 * @ret: what the unmap returned
 */
struct unmapper {
	pthread_barrier_t go;
	int delay_us;
	int ret;
};

static void *unmap_fn(void *arg)
{
	struct unmapper *u = arg;

	pthread_barrier_wait(&u->go);
	if (u->delay_us)
		usleep(u->delay_us);
	u->ret = vfio_unmap(&d, GUEST_IOVA, MEM_SIZE);
	return NULL;
}

TEST_F_TIMEOUT(unmap_race, unmap_vs_close, 600)
{
	/*
	 * A quarter of the loops: through the cdev on the two-CPU test
	 * boot an iteration takes seconds (an open question of the races
	 * issue); the bug it looks for showed in the first iteration.
	 */
	int i, n = (loops() + 3) / 4, outstanding = 0;

	srand(n);
	for (i = 0; i < n; i++) {
		struct unmapper u = { .delay_us = rand() % 300 };
		pthread_t t;

		if (!start_suspended())
			outstanding++;
		pthread_barrier_init(&u.go, NULL, 2);
		if (pthread_create(&t, NULL, unmap_fn, &u))
			die("pthread_create: %s", strerror(errno));
		pthread_barrier_wait(&u.go);
		close(d.fd);
		d.fd = -1;
		pthread_join(t, NULL);
		pthread_barrier_destroy(&u.go);
		if (u.ret)
			die("unmap_vs_close %d: unmap: %s", i, strerror(-u.ret));
		drop_after_close(1);
		expect_closed(variant->path, i, "unmap_vs_close");
	}
	printf("unmap_vs_close: %d closes against an unmap (%d with a program outstanding), "
	       "each closed and opened again\n", n, outstanding);
}

TEST_HARNESS_MAIN
