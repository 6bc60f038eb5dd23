// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-stress: a device's users and its admin at once.  Per round the
 * device is opened (container and cdev in turn) and several client
 * threads drive it at once - starts of one page, of many pages and of a
 * program that stays outstanding (suspended), HSCH, CSCH, RESET, reads
 * of the SCHIB and CRW regions, unmap and remap of their own memory -
 * while a drainer takes the interrupts and the admin side does one of
 * the actions below.  Each round ends with the clients stopped: HSCH and
 * at once a start that must stay outstanding, then a start of many
 * pages and the close at once while another thread unmaps all memory.
 *
 *   none     nothing: the clients close the device at the end
 *   vary     vary the subchannel's channel path off and on, repeatedly
 *   remove   remove the mdev (the clients get the request and close),
 *            then create it again
 *   unbind   unbind the subchannel from vfio_ccw, bind it back, create
 *            the mdev again
 *   rescan   the same as unbind while another thread asks the css to
 *            evaluate every subchannel (/sys/devices/css0/rescan): the
 *            driver's sch_event against its remove
 *   unplug   (with --unplug) QMP device_del of the device, requested on
 *            the console (fd 3, "@@QMP", answered by tests/vm/vm.py);
 *            when the subchannel is gone, device_add it again, bind it
 *            to vfio_ccw and create the mdev again
 *
 *   vfio-stress --sch SCH --uuid UUID --seconds T [--threads N]
 *               [--unplug ID:DEVNO:DRIVE]
 *
 * Every answer must be one a client can expect (0, or an errno of the
 * catalogue that the moment explains); after each close nothing may be
 * pinned and, while the mdev exists, the device must be closed (our
 * driver's debugfs status, VFIO_CCW_STATUS); at the end a SENSE ID must
 * work.  A broken rule is counted (the first five of each kind printed)
 * and the run goes on, so that one run shows every kind; any makes it
 * fail.  A device that no longer opens ends it at once.  A round that
 * makes no progress for 100 s (beyond the kernel's 60 s hung-task
 * report) dumps the blocked tasks (sysrq w) and fails naming the round.  The last line sums up what was done.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x40000000u
#define PAGE		4096u
#define PIECE		0x10000u	/* one client's memory: 16 pages */
#define MAX_THREADS	8
#define ROUND_MS	300
#define STUCK_S		100

enum action { A_NONE, A_VARY, A_REMOVE, A_UNBIND, A_RESCAN, A_UNPLUG, NR_ACTIONS };
static const char *const action_names[] = {
	"none", "vary", "remove", "unbind", "rescan", "unplug",
};

enum op { OP_START, OP_MULTI, OP_SUSPEND, OP_HSCH, OP_CSCH, OP_RESET, OP_READ, OP_UNMAP, NR_OPS };
static const char *const op_names[] = {
	"start", "multipage", "suspended", "hsch", "csch", "reset", "read", "unmap",
};

static const char *sch, *uuid;
/* --unplug ID:DEVNO:DRIVE: the device as QEMU knows it (QMP id, devno, drive) */
static char unplug_id[32], unplug_devno[32], unplug_drive[32];
static int nthreads = 4;
static struct vfio_dev d;
static struct ccw_io io;
static uint64_t schib_off, crw_off;
static int req_fd = -1;

static atomic_int stop, requested;
/* what broke a rule: counted, the first few printed, the run goes on */
static atomic_ulong bad_answers, pinned_after_close, open_after_close, stale_ends, bad_unmaps,
	held_after_round;
static unsigned long finales_busy, finales_unmapped;
static atomic_ulong ops[NR_OPS], accepted[NR_OPS], errnos[256], irqs, requests;
static atomic_long progress;		/* ms of the last finished round step */
static unsigned long rounds[NR_ACTIONS], round_ms[NR_ACTIONS];
/* written by the main thread, read by all */
static atomic_int cur_round, cur_action, going;
static _Atomic(const char *) cur_what = "starting";
static int devnull = -1;

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static void step(const char *what)
{
	atomic_store(&cur_what, what);
	atomic_store(&progress, now_ms());
}

static void must_write(const char *path, const char *s)
{
	int ret = vfio_sysfs_write(path, s);

	if (ret)
		die("round %d: write '%s' to %s: %s", cur_round, s, path, strerror(-ret));
}

static int exists(const char *path)
{
	return !access(path, F_OK);
}

static const char *driver_of_sch(void)
{
	static char buf[PATH_MAX];
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver", sch);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return "";
	buf[n] = 0;
	return strrchr(buf, '/') + 1;
}

static void create_mdev(void)
{
	char path[256];

	snprintf(path, sizeof(path),
		 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create", sch);
	must_write(path, uuid);
}

/* Open the mdev by the way @cdev says, from what sysfs says now. */
static void open_mdev(int cdev)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *e;
	ssize_t n;
	DIR *dir;
	int ret;

	if (cdev) {
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
		dir = opendir(path);
		if (!dir)
			die("round %d: %s: %s", cur_round, path, strerror(errno));
		while ((e = readdir(dir)) && strncmp(e->d_name, "vfio", 4))
			;
		if (!e)
			die("round %d: no cdev in %s", cur_round, path);
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
		closedir(dir);
		ret = vfio_open_cdev(&d, path);
	} else {
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			die("round %d: %s: %s", cur_round, path, strerror(errno));
		link[n] = 0;
		ret = vfio_open_container(&d, strrchr(link, '/') + 1, uuid);
	}
	if (ret)
		die("round %d: open through the %s: %s", cur_round, cdev ? "cdev" : "container",
		    strerror(-ret));
}

static void open_round(int cdev)
{
	struct vfio_region_info r;
	uint32_t i;

	open_mdev(cdev);
	ccw_io_init(&io, &d, GUEST_IOVA, (size_t)nthreads * PIECE);
	/* In pieces: a type1v2 container unmaps no part of a mapping. */
	if (vfio_unmap(&d, GUEST_IOVA, io.size))
		die("unmap of the whole memory failed");
	for (i = 0; i < (uint32_t)nthreads; i++)
		if (vfio_map(&d, ccw_io_ptr(&io, i * PIECE), GUEST_IOVA + i * PIECE, PIECE))
			die("map of piece %u failed", i);
	if (ccw_find_region(&d, VFIO_REGION_SUBTYPE_CCW_SCHIB, &r))
		die("no SCHIB region");
	schib_off = r.offset;
	if (ccw_find_region(&d, VFIO_REGION_SUBTYPE_CCW_CRW, &r))
		die("no CRW region");
	crw_off = r.offset;
	req_fd = vfio_add_eventfd(&d, VFIO_CCW_REQ_IRQ_INDEX);
}

static void count(enum op op, int ret)
{
	atomic_fetch_add(&ops[op], 1);
	if (!ret) {
		atomic_fetch_add(&accepted[op], 1);
		return;
	}
	ret = -ret;
	if (ret == EBUSY ||		/* outstanding program, or cc 1 or 2 */
	    ret == EAGAIN ||		/* the driver is delivering status */
	    (ret == EACCES && atomic_load(&cur_action) == A_VARY) ||	/* no path */
	    /* the device is going, and with it the container's IOMMU */
	    ((ret == ENODEV || ret == EINVAL || ret == ENOENT) && atomic_load(&going))) {
		atomic_fetch_add(&errnos[ret], 1);
		return;
	}
	if (atomic_fetch_add(&bad_answers, 1) < 5)
		fprintf(stderr, "round %d: %s: unexpected %s\n", cur_round, op_names[op],
			errno_name(ret));
}

static void put_start(struct ccw_io_region *r, uint32_t base, int pages, int suspend)
{
	int i;

	for (i = 0; i < pages; i++)
		ccw_put(&io, base + i * 8, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | (i + 1 < pages ? CCW_FLAG_CC : 0) |
			(suspend ? CCW_FLAG_SUSPEND : 0),
			SENSE_ID_LEN, ccw_io_addr(&io, base + (i + 1) * PAGE));
	ccw_region_start(r, ccw_io_addr(&io, base), ORB_DEFAULT | (suspend ? ORB_SPND : 0));
}

struct unmapper {
	pthread_barrier_t go;
	int delay_us;
	int ret;
};

static void *unmap_all(void *arg)
{
	struct unmapper *u = arg;

	pthread_barrier_wait(&u->go);
	usleep(u->delay_us);
	u->ret = vfio_unmap(&d, GUEST_IOVA, io.size);
	return NULL;
}

static int start_retrying(const struct ccw_io_region *r)
{
	int ret;

	while ((ret = ccw_start(&io, r)) == -EAGAIN)
		usleep(100);
	return ret;
}

/*
 * How a round ends, with the clients stopped: a halt's status against
 * the next start (which must stay outstanding: our debugfs state BUSY),
 * then a start of many pages, and the close at once while another
 * thread unmaps all memory.
 */
static void finale(enum action a)
{
	unsigned int seed = (unsigned int)now_ms();
	struct unmapper u = { .delay_us = rand_r(&seed) % 300 };
	struct ccw_io_region r;
	char state[32] = "";
	int ret, started;
	pthread_t t;

	count(OP_HSCH, ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH));
	put_start(&r, 0, 1, 1);
	ret = start_retrying(&r);
	count(OP_SUSPEND, ret);
	if (!ret) {
		finales_busy++;
		usleep(20000);
		/* (the status goes with the subchannel's remove: unbind rounds) */
		if (vfio_ccw_status_file() && exists(vfio_ccw_status_file()))
			vfio_ccw_status_field("open", state, sizeof(state));
		if (!strcmp(state, "IDLE") && atomic_fetch_add(&stale_ends, 1) < 5)
			fprintf(stderr, "round %d: a start after HSCH is IDLE 20 ms later: the "
				"halt's status ended it\n", cur_round);
	}
	count(OP_CSCH, ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH));
	while (ccw_wait_irq(&io, 50))
		;
	put_start(&r, 0, 15, 0);
	started = start_retrying(&r);
	count(OP_MULTI, started);
	pthread_barrier_init(&u.go, NULL, 2);
	if (pthread_create(&t, NULL, unmap_all, &u))
		die("pthread_create");
	pthread_barrier_wait(&u.go);
	close(d.fd);
	d.fd = -1;
	pthread_join(t, NULL);
	pthread_barrier_destroy(&u.go);
	/*
	 * With the mdev going, its group leaves the container as the device
	 * closes, and the container has no IOMMU left to unmap with.
	 */
	if (u.ret == -EINVAL && a != A_NONE && a != A_VARY && d.container >= 0)
		u.ret = 0;
	if (u.ret && atomic_fetch_add(&bad_unmaps, 1) < 5)
		fprintf(stderr, "round %d: unmap against close: %s\n", cur_round,
			errno_name(-u.ret));
	finales_unmapped += !started;
}

/* Everything goes with the fds: the mappings with the container or IOAS. */
static void close_round(void)
{
	close(io.efd);
	close(req_fd);
	munmap(io.mem, io.size);
	vfio_close(&d);
}

static void *client(void *arg)
{
	uint32_t base = (uint32_t)(uintptr_t)arg * PIECE;
	unsigned int seed = base ^ (unsigned int)now_ms();
	struct ccw_io_region r;
	uint8_t buf[64];
	int ret;

	while (!atomic_load(&stop)) {
		enum op op = rand_r(&seed) % NR_OPS;

		switch (op) {
		case OP_START:
		case OP_MULTI:
		case OP_SUSPEND:
			put_start(&r, base, op == OP_MULTI ? 15 : 1, op == OP_SUSPEND);
			ret = ccw_start(&io, &r);
			break;
		case OP_HSCH:
			ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH);
			break;
		case OP_CSCH:
			ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH);
			break;
		case OP_RESET:
			ret = ioctl(d.fd, VFIO_DEVICE_RESET) ? -errno : 0;
			break;
		case OP_READ:
			ret = pread(d.fd, buf, 52, schib_off) < 0 ? -errno : 0;
			if (!ret)
				ret = pread(d.fd, buf, 4, crw_off) < 0 ? -errno : 0;
			break;
		default:
			ret = vfio_unmap(&d, GUEST_IOVA + base, PIECE);
			usleep(rand_r(&seed) % 2000);
			if (!ret && vfio_map(&d, ccw_io_ptr(&io, base), GUEST_IOVA + base, PIECE))
				die("round %d: remap of piece %u failed", cur_round, base / PIECE);
			break;
		}
		count(op, ret);
		usleep(rand_r(&seed) % 500);
	}
	return NULL;
}

/* Interrupts and the request: the only reader of the eventfds. */
static void *drainer(void *arg __attribute__((unused)))
{
	struct ccw_io_region r;
	uint64_t n;

	while (!atomic_load(&stop)) {
		struct pollfd p[2] = {
			{ .fd = io.efd, .events = POLLIN },
			{ .fd = req_fd, .events = POLLIN },
		};

		if (poll(p, 2, 50) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if ((p[0].revents & POLLIN) && read(io.efd, &n, sizeof(n)) == sizeof(n)) {
			atomic_fetch_add(&irqs, n);
			ccw_region_pread(&io, &r, sizeof(r), 0);
		}
		if ((p[1].revents & POLLIN) && read(req_fd, &n, sizeof(n)) == sizeof(n)) {
			atomic_fetch_add(&requests, 1);
			atomic_store(&requested, 1);
			atomic_store(&stop, 1);
		}
	}
	return NULL;
}

/*
 * A run that dies while a remove or unbind waits for it to close would
 * never end: the dying process keeps the device open until its last
 * thread is gone, and that thread waits, unkillable, for the release.
 * exit() runs this first.
 */
static void release_on_exit(void)
{
	/* dup2, not close: the number stays taken while other threads run */
	if (d.fd >= 0 && devnull >= 0)
		dup2(devnull, d.fd);
}

static void on_sigterm(int sig)
{
	(void)sig;
	release_on_exit();
	_exit(143);
}

static void *watchdog(void *arg __attribute__((unused)))
{
	for (;;) {
		sleep(5);
		if (now_ms() - atomic_load(&progress) < STUCK_S * 1000L)
			continue;
		vfio_sysfs_write("/proc/sysrq-trigger", "w");
		printf("stress: round %d stuck in '%s' for %d s: the blocked tasks are in the "
		       "kernel log (sysrq w)\n", cur_round, cur_what, STUCK_S);
		fflush(stdout);
		release_on_exit();
		_exit(2);
	}
	return NULL;
}

struct admin_write {
	pthread_t thread;
	const char *path, *value;
	int ret;
};

/* Writes that block until the device's users let go (remove, unbind). */
static void *admin_write_fn(void *arg)
{
	struct admin_write *w = arg;

	w->ret = vfio_sysfs_write(w->path, w->value);
	if (w->ret)	/* no request will come: let the clients go */
		atomic_store(&stop, 1);
	return NULL;
}

static void *rescanner(void *arg)
{
	atomic_int *done = arg;

	while (!atomic_load(done))
		vfio_sysfs_write("/sys/devices/css0/rescan", "1");
	return NULL;
}

/* The subchannel's first channel path, as the css names it (chp0.xx). */
static int chp_status_path(char *out, size_t len)
{
	char path[128];
	unsigned int chpid;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/chpids", sch);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%x", &chpid);
	fclose(f);
	if (n != 1)
		return -1;
	snprintf(out, len, "/sys/devices/css0/chp0.%02x/status", chpid);
	return exists(out) ? 0 : -1;
}

static void vary(void)
{
	char path[128];
	long end = now_ms() + ROUND_MS;

	if (chp_status_path(path, sizeof(path)))
		die("round %d: no channel path to vary for %s", cur_round, sch);
	while (now_ms() < end && !atomic_load(&stop)) {
		must_write(path, "off");
		usleep(20000);
		must_write(path, "on");
		usleep(20000);
	}
}

static void qmp(const char *json)
{
	if (dprintf(3, "@@QMP %s\n", json) < 0)
		die("round %d: no console on fd 3 for QMP: %s", cur_round, strerror(errno));
}

/* Wait up to @secs for @path to exist (@want 1) or to be gone (0). */
static int wait_path(const char *path, int want, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (exists(path) == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

static void unplug(void)
{
	char json[256];

	usleep(ROUND_MS * 1000 / 3);
	snprintf(json, sizeof(json), "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"%s\"}}",
		 unplug_id);
	qmp(json);
}

/*
 * The subchannel went with the device: plug it in again, and when the
 * common I/O layer has set it online, move it to vfio_ccw as the suite
 * had it.
 */
static void plug_back(void)
{
	char path[256], json[256], devno[48], on = 0;
	const char *tail = strrchr(unplug_devno, '.');
	int i, fd;

	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s", sch);
	step("waiting for the subchannel to go");
	if (wait_path(path, 0, 30))
		die("round %d: %s still there 30 s after device_del", cur_round, sch);
	snprintf(json, sizeof(json), "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
		 "\"virtio-blk-ccw\",\"id\":\"%s\",\"devno\":\"%s\",\"drive\":\"%s\"}}",
		 unplug_id, unplug_devno, unplug_drive);
	qmp(json);
	/* the ccw device of devno fe.0.0100 is 0.0.0100 in the guest */
	snprintf(devno, sizeof(devno), "0.0.%s", tail ? tail + 1 : unplug_devno);
	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/%s/online", sch, devno);
	step("waiting for the device to come back online");
	if (wait_path(path, 1, 30))
		die("round %d: %s did not come back as %s/%s", cur_round, unplug_id, sch, devno);
	for (i = 0; i < 100 && on != '1'; i++) {
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			if (pread(fd, &on, 1, 0) != 1)
				on = 0;
			close(fd);
		}
		if (on != '1')
			usleep(100000);
	}
	/* io_subchannel's late work would write over the next driver's data */
	if (on != '1')
		die("round %d: %s/%s not online 10 s after it came back", cur_round, sch, devno);
	vfio_sysfs_write("/proc/cio_settle", "1");
	must_write("/sys/bus/css/drivers/io_subchannel/unbind", sch);
	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver_override", sch);
	must_write(path, "vfio_ccw");
	must_write("/sys/bus/css/drivers/vfio_ccw/bind", sch);
}

/* Remove the mdev or unbind the subchannel under its users, and back. */
static void take_away(enum action a, struct admin_write *w, char *path, size_t len)
{
	if (a == A_REMOVE) {
		snprintf(path, len, "/sys/bus/mdev/devices/%s/remove", uuid);
		w->value = "1";
	} else {
		snprintf(path, len, "/sys/bus/css/drivers/vfio_ccw/unbind");
		w->value = sch;
	}
	w->path = path;
	usleep(ROUND_MS * 1000 / 3);
	atomic_store(&going, 1);
	if (pthread_create(&w->thread, NULL, admin_write_fn, w))
		die("pthread_create");
}

static void give_back(enum action a, struct admin_write *w)
{
	char path[128];

	step("waiting for the remove or unbind to return");
	if (a != A_UNPLUG)
		pthread_join(w->thread, NULL);
	if (w->ret)
		die("round %d: %s: write to %s: %s", cur_round, action_names[a], w->path,
		    strerror(-w->ret));
	if (!atomic_load(&requested))
		die("round %d: %s returned without asking the user to let go", cur_round,
		    action_names[a]);
	if (a == A_UNPLUG) {
		plug_back();
	} else if (a != A_REMOVE && strcmp(driver_of_sch(), "vfio_ccw")) {
		snprintf(path, sizeof(path), "/sys/bus/css/drivers/vfio_ccw/bind");
		must_write(path, sch);
	}
	step("creating the mdev again");
	create_mdev();
}

static void expect_idle(enum action a)
{
	long pinned = vfio_ccw_status_field("pinned_pages", NULL, 0);
	char state[32] = "";

	if (pinned > 0 && atomic_fetch_add(&pinned_after_close, 1) < 5)
		fprintf(stderr, "round %d (%s): %ld page(s) pinned after close\n", cur_round,
			action_names[a], pinned);
	if ((vfio_ccw_status_field("open", state, sizeof(state)) > 0 ||
	     (state[0] && strcmp(state, "STANDBY"))) &&
	    atomic_fetch_add(&open_after_close, 1) < 5)
		fprintf(stderr, "round %d (%s): after close the device is %s\n", cur_round,
			action_names[a], state);
}

/*
 * Our driver's module-wide counts (debugfs totals), which outlive a
 * removed mdev or subchannel: after a round nothing is pinned or
 * allocated for a program.
 */
static void expect_totals_zero(enum action a)
{
	const char *path = "/sys/kernel/debug/vfio_ccw/totals";
	long pinned = -1, programs = -1;
	char line[128];
	FILE *f;

	if (!vfio_ccw_status_file() || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "pinned_pages: %ld", &pinned);
		sscanf(line, "programs: %ld", &programs);
	}
	fclose(f);
	if ((pinned || programs) && atomic_fetch_add(&held_after_round, 1) < 5)
		fprintf(stderr, "round %d (%s): totals after it: %ld pages pinned, %ld programs\n",
			cur_round, action_names[a], pinned, programs);
}

static void round_of(enum action a, int cdev)
{
	pthread_t clients[MAX_THREADS], drain;
	struct admin_write w = { 0 };
	atomic_int rescan_done = 0;
	pthread_t rescan;
	long t0 = now_ms();
	char path[128];
	int i;

	step("opening");
	open_round(cdev);
	atomic_store(&stop, 0);
	atomic_store(&requested, 0);
	atomic_store(&going, 0);
	atomic_store(&cur_action, a);
	if (pthread_create(&drain, NULL, drainer, NULL))
		die("pthread_create");
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&clients[i], NULL, client, (void *)(uintptr_t)i))
			die("pthread_create");
	if (a == A_RESCAN && pthread_create(&rescan, NULL, rescanner, &rescan_done))
		die("pthread_create");
	step(action_names[a]);
	switch (a) {
	case A_VARY:
		vary();
		break;
	case A_REMOVE:
	case A_UNBIND:
	case A_RESCAN:
		take_away(a, &w, path, sizeof(path));
		break;
	case A_UNPLUG:
		atomic_store(&going, 1);
		unplug();
		break;
	default:
		usleep(ROUND_MS * 1000);
		break;
	}
	if (a == A_NONE || a == A_VARY)
		atomic_store(&stop, 1);
	step("waiting for the clients");
	for (i = 0; i < nthreads; i++)
		pthread_join(clients[i], NULL);
	pthread_join(drain, NULL);
	step("closing, against an unmap");
	finale(a);
	close_round();
	if (a == A_NONE || a == A_VARY)
		expect_idle(a);
	else
		give_back(a, &w);
	if (a == A_RESCAN) {
		atomic_store(&rescan_done, 1);
		pthread_join(rescan, NULL);
	}
	expect_totals_zero(a);
	step("round done");
	rounds[a]++;
	round_ms[a] += now_ms() - t0;
}

int main(int argc, char **argv)
{
	unsigned long total = 0, e;
	char errs[256] = "";
	long end, seconds = 60;
	pthread_t dog;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sch") && i + 1 < argc)
			sch = argv[++i];
		else if (!strcmp(argv[i], "--uuid") && i + 1 < argc)
			uuid = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--unplug") && i + 1 < argc) {
			if (sscanf(argv[++i], "%31[^:]:%31[^:]:%31s", unplug_id, unplug_devno,
				   unplug_drive) != 3)
				die("--unplug wants ID:DEVNO:DRIVE, not '%s'", argv[i]);
		} else
			die("unknown argument '%s'", argv[i]);
	}
	if (!sch || !uuid || nthreads < 1 || nthreads > MAX_THREADS)
		die("usage: vfio-stress --sch SCH --uuid UUID [--seconds T] [--threads 1-%d] "
		    "[--unplug ID:DEVNO:DRIVE]", MAX_THREADS);
	d.fd = -1;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	atexit(release_on_exit);
	signal(SIGTERM, on_sigterm);
	vfio_ccw_allow_suspend(1);
	step("starting");
	if (pthread_create(&dog, NULL, watchdog, NULL))
		die("pthread_create");
	end = now_ms() + seconds * 1000;
	for (cur_round = 0; now_ms() < end; cur_round++) {
		int nr = unplug_id[0] ? NR_ACTIONS : A_UNPLUG;
		enum action a = cur_round % nr;

		round_of(a, (cur_round / nr) & 1);
		if (cur_round % 10 == 9)
			printf("stress: %d rounds, %lu requests, %lu interrupts\n", cur_round + 1,
			       atomic_load(&requests), atomic_load(&irqs));
	}

	step("the last SENSE ID");
	open_round(1);
	ccw_sense_id(&io, 0, PAGE, NULL, "SENSE ID after the stress");
	close_round();
	expect_idle(A_NONE);

	for (i = 0; i < NR_OPS; i++)
		total += ops[i];
	for (i = 1; i < 256; i++) {
		e = atomic_load(&errnos[i]);
		if (e)
			snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), " %s=%lu",
				 errno_name(i), e);
	}
	printf("stress: ms per round:");
	for (i = 0; i < NR_ACTIONS; i++)
		if (rounds[i])
			printf(" %s %lu", action_names[i], round_ms[i] / rounds[i]);
	printf("\n");
	printf("stress: %d rounds (none %lu, vary %lu, remove %lu, unbind %lu, rescan %lu, "
	       "unplug %lu), "
	       "%d threads, %lu requests: %lu starts (%lu accepted), %lu multipage (%lu), "
	       "%lu suspended (%lu), %lu hsch, %lu csch, %lu resets, %lu reads, %lu unmaps; "
	       "%lu interrupts, %lu requests to let go; %lu starts after HSCH held, %lu "
	       "closes against an unmap; refused:%s\n",
	       cur_round, rounds[A_NONE], rounds[A_VARY], rounds[A_REMOVE], rounds[A_UNBIND],
	       rounds[A_RESCAN], rounds[A_UNPLUG], nthreads, total, ops[OP_START], accepted[OP_START],
	       ops[OP_MULTI], accepted[OP_MULTI], ops[OP_SUSPEND], accepted[OP_SUSPEND],
	       ops[OP_HSCH], ops[OP_CSCH], ops[OP_RESET], ops[OP_READ], ops[OP_UNMAP],
	       atomic_load(&irqs), atomic_load(&requests), finales_busy, finales_unmapped,
	       errs[0] ? errs : " none");
	if (bad_answers || pinned_after_close || open_after_close || stale_ends || bad_unmaps ||
	    held_after_round) {
		printf("stress: FAILED: %lu unexpected answers, %lu closes that left pages "
		       "pinned, %lu that left the device open or not in STANDBY, %lu starts "
		       "ended by a halt's status, %lu unmaps against close refused, %lu rounds "
		       "after which pages or programs were still held\n",
		       atomic_load(&bad_answers), atomic_load(&pinned_after_close),
		       atomic_load(&open_after_close), atomic_load(&stale_ends),
		       atomic_load(&bad_unmaps), atomic_load(&held_after_round));
		return 1;
	}
	return 0;
}
