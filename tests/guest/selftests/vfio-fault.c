// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-fault: the user's side of the fault scenarios
 * (tests/guest/suites/faults.sh).
 *
 *   vfio-fault <open args> hold [--busy] [--ready FILE] [--timeout S]
 *	Open the device, map memory, install the request, I/O and CRW
 *	eventfds, optionally leave a suspended program outstanding
 *	(--busy), touch FILE, and then wait.  Meanwhile, every 100 ms when
 *	nothing is outstanding, run a SENSE ID and remember its answer.
 *	It ends when the request eventfd fires (the device is being
 *	removed: close and exit 0), on SIGUSR1 (end any program with CSCH,
 *	check that a SENSE ID still works, exit 0) or after S seconds
 *	(exit 1).  The last line says what it saw: interrupts, CRWs, the
 *	answers of its starts.
 *
 *   vfio-fault [<open args>] failnth open|start [--status FILE] [--max N]
 *   vfio-fault failnth bind|create --sch SCH [--max N]
 *	Fail the 1st, 2nd, ... allocation (slab or page, whichever the
 *	kernel's fault injection sees next in this task: /proc/thread-self/
 *	fail-nth) of one operation, until the operation runs through
 *	without meeting the injected failure: opening the device, a
 *	translated start (TIC, IDAL, data chaining over several pages),
 *	binding the subchannel to vfio_ccw, creating its mdev.  After every
 *	attempt the device (or binding) must work again, and with --status
 *	nothing may stay pinned.  The last line counts the attempts and the
 *	errnos seen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"

#define GUEST_IOVA	0x10000000u
#define MEM_SIZE	(64 * 1024)
#define PAGE		4096u
#define PROG		0x0000
#define IDAL		0x0800
#define DATA		0x2000		/* data pages: 0x2000-0xdfff */
#define REF_CCW		0xe000
#define REF_BUF		0xe100

static struct vfio_dev d;
static struct ccw_io io;
static const char *status_file;

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static uint64_t drain(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* Pages pinned by the subchannel (our debugfs status file), or 0. */
static long pinned(void)
{
	char line[128];
	long n = 0;
	FILE *f;

	if (!status_file)
		return 0;
	f = fopen(status_file, "r");
	if (!f)
		die("%s: %s", status_file, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pinned_pages: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* --- hold -------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_usr1(int sig)
{
	(void)sig;
	stop = 1;
}

/* A SENSE ID that suspends before it runs; 1 if it stays outstanding. */
static int start_suspended(void)
{
	struct scsw_info s;
	struct ccw_io_region r;

	vfio_ccw_allow_suspend(1);
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, SENSE_ID_LEN,
		ccw_io_addr(&io, DATA));
	ccw_region_start(&r, ccw_io_addr(&io, PROG), ORB_DEFAULT | ORB_SPND);
	if (ccw_start(&io, &r))
		die("start of a suspending program refused");
	if (!ccw_wait_irq(&io, 500))
		return 1;
	ccw_fetch_result(&io, &s, "suspending program");
	return s.actl & 0x1;
}

static int hold(int argc, char **argv)
{
	const char *ready = NULL;
	int busy = 0, timeout = 30, req, crw, i, fd, outstanding = 0;
	long t0, next_probe = 0;
	unsigned long irqs = 0, crws = 0, probes = 0, probe_ok = 0;
	int last_errno = 0, requested = 0;
	char last_fctl[16] = "-";

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--busy"))
			busy = 1;
		else if (!strcmp(argv[i], "--ready") && i + 1 < argc)
			ready = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else
			die("hold: unknown argument '%s'", argv[i]);
	}
	signal(SIGUSR1, on_usr1);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	req = vfio_add_eventfd(&d, VFIO_CCW_REQ_IRQ_INDEX);
	crw = vfio_add_eventfd(&d, VFIO_CCW_CRW_IRQ_INDEX);
	ccw_sense_id(&io, REF_CCW, REF_BUF, NULL, "sense id before the fault");
	if (busy) {
		if (!start_suspended()) {
			printf("SKIP: the emulated device runs suspending programs to the end\n");
			return 77;
		}
		outstanding = 1;
	}
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			die("%s: %s", ready, strerror(errno));
		close(fd);
	}

	t0 = now_ms();
	while (!stop && now_ms() - t0 < timeout * 1000L) {
		struct pollfd p[3] = {
			{ .fd = req, .events = POLLIN },
			{ .fd = io.efd, .events = POLLIN },
			{ .fd = crw, .events = POLLIN },
		};

		if (poll(p, 3, 100) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (p[0].revents & POLLIN) {
			requested = 1;
			break;
		}
		if (p[1].revents & POLLIN) {
			struct ccw_io_region r;
			struct scsw_info s;

			irqs += drain(io.efd);
			if (ccw_region_pread(&io, &r, sizeof(r), 0) == sizeof(r)) {
				ccw_decode_scsw(r.irb_area, &s);
				snprintf(last_fctl, sizeof(last_fctl), "0x%x", s.fctl);
				/* halt and clear status may still say suspended */
				if (!(s.actl & 0x1) || (s.fctl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)))
					outstanding = 0;
			}
		}
		if (p[2].revents & POLLIN)
			crws += drain(crw);
		if (!outstanding && now_ms() >= next_probe) {
			struct scsw_info s;
			int ret;

			ccw_put(&io, REF_CCW, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN,
				ccw_io_addr(&io, REF_BUF));
			probes++;
			ret = ccw_run(&io, ccw_io_addr(&io, REF_CCW), ORB_DEFAULT, &s, "probe");
			last_errno = -ret;
			probe_ok += !ret;
			next_probe = now_ms() + 100;
		}
	}
	if (requested) {
		ccw_io_fini(&io);
		vfio_close(&d);
		printf("hold: request after %ld ms; %lu interrupts (last fctl %s), %lu CRWs, "
		       "%lu of %lu probes ok, last answer %s\n", now_ms() - t0, irqs, last_fctl,
		       crws, probe_ok, probes, last_errno ? errno_name(last_errno) : "OK");
		return 0;
	}
	if (!stop)
		die("hold: neither a request nor SIGUSR1 within %d s", timeout);
	if (outstanding) {
		if (ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH))
			die("hold: CSCH of the outstanding program failed");
		if (!ccw_wait_irq(&io, 5000))
			die("hold: no interrupt after CSCH");
	}
	while (ccw_wait_irq(&io, 100))
		;
	ccw_sense_id(&io, REF_CCW, REF_BUF, NULL, "sense id after the fault");
	printf("hold: stopped after %ld ms; %lu interrupts (last fctl %s), %lu CRWs, "
	       "program %s; SENSE ID ok\n", now_ms() - t0, irqs, last_fctl, crws,
	       busy ? (outstanding ? "still outstanding (cleared)" : "ended") : "none");
	ccw_io_fini(&io);
	vfio_close(&d);
	return 0;
}

/* --- failnth ----------------------------------------------------------- */

static int nth_fd = -1;

static void nth_set(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, len, 0) != len)
		die("fail-nth: %s", strerror(errno));
}

/* True if the injected failure was met (the kernel counted down to 0). */
static int nth_met(void)
{
	char b[16] = {};
	int met;

	if (pread(nth_fd, b, sizeof(b) - 1, 0) < 0)
		die("fail-nth: %s", strerror(errno));
	met = atoi(b) == 0;
	nth_set(0);
	return met;
}

struct histogram {
	int err[140];
};

static void hist_add(struct histogram *h, int err)
{
	if (err >= 0 && err < 140)
		h->err[err]++;
}

static void hist_print(const struct histogram *h)
{
	int e;

	for (e = 0; e < 140; e++)
		if (h->err[e])
			printf(" %s x%d", e ? errno_name(e) : "OK", h->err[e]);
}

static const char *open_group, *open_uuid, *open_cdev;

static int reopen(void)
{
	return open_cdev ? vfio_open_cdev(&d, open_cdev) :
			   vfio_open_container(&d, open_group, open_uuid);
}

/*
 * A program with something to allocate for every part of translation:
 * two command-chained SENSE IDs whose buffers cross a page, a TIC to a
 * second segment, and there a SENSE ID through a format-2 IDAL over two
 * pages.
 */
static void put_program(void)
{
	uint64_t idaw[2] = { ccw_io_addr(&io, DATA + 4 * PAGE - 0x80),
			     ccw_io_addr(&io, DATA + 4 * PAGE) };

	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_CC, SENSE_ID_LEN,
		ccw_io_addr(&io, DATA + PAGE - 0x80));
	ccw_put(&io, PROG + 8, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_CC, SENSE_ID_LEN,
		ccw_io_addr(&io, DATA + 2 * PAGE - 0x40));
	ccw_put(&io, PROG + 16, CCW_CMD_TIC, 0, 0, ccw_io_addr(&io, PROG + 0x100));
	ccw_put(&io, PROG + 0x100, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA,
		SENSE_ID_LEN, ccw_io_addr(&io, IDAL));
	memcpy(ccw_io_ptr(&io, IDAL), idaw, sizeof(idaw));
}

static int bound_to_vfio(const char *sch)
{
	char path[128], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver", sch);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	return !strcmp(strrchr(link, '/') + 1, "vfio_ccw");
}

static int failnth(int argc, char **argv, int have_dev)
{
	const char *op, *sch = NULL;
	struct histogram h = {};
	unsigned int n, max = 3000, met = 0;
	char path[160];
	int i, ret, ret2;

	if (argc < 1)
		die("failnth: which operation?");
	op = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--max") && i + 1 < argc)
			max = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--status") && i + 1 < argc)
			status_file = argv[++i];
		else if (!strcmp(argv[i], "--sch") && i + 1 < argc)
			sch = argv[++i];
		else
			die("failnth: unknown argument '%s'", argv[i]);
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		die("/proc/thread-self/fail-nth: %s (no CONFIG_FAULT_INJECTION?)",
		    strerror(errno));
	if (!strcmp(op, "open") || !strcmp(op, "start")) {
		if (!have_dev)
			die("failnth %s needs the device", op);
	} else if (!sch) {
		die("failnth %s needs --sch", op);
	}

	if (!strcmp(op, "start"))
		ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	if (!strcmp(op, "open"))
		vfio_close(&d);

	for (n = 1; n <= max; n++) {
		if (!strcmp(op, "open")) {
			nth_set(n);
			ret = reopen();
			if (!ret) {
				/* the first thing a user does with it */
				struct vfio_device_info di = { .argsz = sizeof(di) };

				if (ioctl(d.fd, VFIO_DEVICE_GET_INFO, &di))
					ret = -errno;
			}
			if (!nth_met())
				break;
			vfio_close(&d);
			/* it opens again and works */
			if (reopen())
				die("open %u: the device does not open again", n);
			ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
			ccw_sense_id(&io, REF_CCW, REF_BUF, NULL, "sense id after a failed open");
			ccw_io_fini(&io);
			vfio_close(&d);
		} else if (!strcmp(op, "start")) {
			struct ccw_io_region r;
			struct scsw_info s;

			put_program();
			ccw_region_start(&r, ccw_io_addr(&io, PROG), ORB_DEFAULT | ORB_C64);
			nth_set(n);
			ret = ccw_start(&io, &r);
			if (!nth_met()) {
				if (ret)
					die("start %u: refused without an injected failure: %s", n,
					    errno_name(-ret));
				if (!ccw_wait_irq(&io, 5000))
					die("start %u: no interrupt", n);
				ccw_fetch_result(&io, &s, "the program without failures");
				break;
			}
			if (!ret && !ccw_wait_irq(&io, 5000))
				die("start %u: accepted but no interrupt", n);
			if (pinned())
				die("start %u (%s): %ld pages left pinned", n, errno_name(-ret),
				    pinned());
			ccw_sense_id(&io, REF_CCW, REF_BUF, NULL, "sense id after a failed start");
		} else if (!strcmp(op, "bind")) {
			nth_set(n);
			ret = vfio_sysfs_write("/sys/bus/css/drivers/vfio_ccw/bind", sch);
			if (!nth_met()) {
				if (ret || !bound_to_vfio(sch))
					die("bind %u: failed without an injected failure: %s", n,
					    errno_name(-ret));
				break;
			}
			if (bound_to_vfio(sch) &&
			    vfio_sysfs_write("/sys/bus/css/drivers/vfio_ccw/unbind", sch))
				die("bind %u: cannot unbind again", n);
			if (vfio_sysfs_write("/sys/bus/css/drivers/vfio_ccw/bind", sch) ||
			    !bound_to_vfio(sch))
				die("bind %u: the subchannel does not bind again", n);
			snprintf(path, sizeof(path),
				 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io", sch);
			if (access(path, F_OK))
				die("bind %u: bound again, but %s is missing", n, path);
			if (vfio_sysfs_write("/sys/bus/css/drivers/vfio_ccw/unbind", sch))
				die("bind %u: cannot unbind", n);
		} else if (!strcmp(op, "create")) {
			static const char uuid[] = "8d4b3e5e-9f1e-4f6e-a1c9-0f3e2d1c0b0a";
			char rm[128];

			snprintf(path, sizeof(path),
				 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create",
				 sch);
			snprintf(rm, sizeof(rm), "/sys/bus/mdev/devices/%s/remove", uuid);
			nth_set(n);
			ret = vfio_sysfs_write(path, uuid);
			if (!nth_met()) {
				if (ret)
					die("create %u: failed without an injected failure: %s", n,
					    errno_name(-ret));
				if (vfio_sysfs_write(rm, "1"))
					die("create %u: cannot remove the mdev", n);
				break;
			}
			if (!access(rm, F_OK) && vfio_sysfs_write(rm, "1"))
				die("create %u: cannot remove the mdev", n);
			ret2 = vfio_sysfs_write(path, uuid);
			if (ret2)
				die("create %u (%s): the mdev cannot be created again: %s", n,
				    errno_name(-ret), errno_name(-ret2));
			if (vfio_sysfs_write(rm, "1"))
				die("create %u: the mdev cannot be removed again", n);
		} else {
			die("failnth: unknown operation '%s'", op);
		}
		hist_add(&h, -ret);
		met++;
	}
	if (n > max)
		die("failnth %s: still meeting injected failures after %u attempts", op, max);
	if (!strcmp(op, "start"))
		ccw_io_fini(&io);
	if (have_dev && strcmp(op, "open"))
		vfio_close(&d);
	printf("failnth %s: %u allocations failed in turn, then it ran through; answers:", op,
	       met);
	hist_print(&h);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	int i, have_dev = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--group") && i + 1 < argc)
			open_group = argv[i + 1];
		else if (!strcmp(argv[i], "--uuid") && i + 1 < argc)
			open_uuid = argv[i + 1];
		else if (!strcmp(argv[i], "--cdev") && i + 1 < argc)
			open_cdev = argv[i + 1];
	}
	if (open_cdev || (open_group && open_uuid)) {
		vfio_open_from_args(&d, &argc, argv);
		have_dev = 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "hold")) {
		if (!have_dev)
			die("hold needs the device");
		return hold(argc - 2, argv + 2);
	}
	if (argc >= 2 && !strcmp(argv[1], "failnth"))
		return failnth(argc - 2, argv + 2, have_dev);
	die("usage: vfio-fault <open args> hold|failnth ...");
}
