// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-async: the regions and interrupts beyond the I/O region, a
 * kselftest-harness program (selftest.h).  Fixture "async", through the
 * container and the cdev: regions, schib (against the subchannel's
 * sysfs), hsch_idle, csch_idle, bad_async, crw, hsch_busy, csch_busy,
 * reset_busy, close_busy.  Fixture "unmap_busy" (a suite and boots of its
 * own, see unmap.sh): unmapping under an outstanding program.  Fixture
 * "request": removing the mdev while a client holds it (this one ends
 * the mdev, so it runs last and alone).
 *
 * The *_busy tests keep a program outstanding with the suspend flag
 * (QEMU honours it when the ORB allows suspension; our driver only with
 * its test switch on, see vfio_ccw_allow_suspend()); where a device runs
 * it to the end anyway they are skipped.  For our driver
 * (VFIO_CCW_STATUS), the tests that end a busy program also check in
 * debugfs that nothing stayed pinned.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x20000000u
#define MEM_SIZE	(64 * 1024)

static struct vfio_dev d;
static struct ccw_io io;

static void test_regions(void)
{
	static const struct { uint32_t subtype; uint64_t size; const char *name; } want[] = {
		{ VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD, sizeof(struct ccw_cmd_region), "async" },
		{ VFIO_REGION_SUBTYPE_CCW_SCHIB, sizeof(struct ccw_schib_region), "schib" },
		{ VFIO_REGION_SUBTYPE_CCW_CRW, sizeof(struct ccw_crw_region), "crw" },
	};
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	struct vfio_region_info ri;
	unsigned int i;

	if (ioctl(d.fd, VFIO_DEVICE_GET_INFO, &di))
		die("GET_INFO: %s", strerror(errno));
	if (di.num_regions < 4 || di.num_irqs < 3)
		die("num_regions %u num_irqs %u, want >= 4 and >= 3", di.num_regions, di.num_irqs);
	for (i = 0; i < 3; i++) {
		if (ccw_find_region(&d, want[i].subtype, &ri))
			die("no %s region (subtype %u)", want[i].name, want[i].subtype);
		if (ri.size != want[i].size)
			die("%s region is %llu bytes, QEMU needs %llu", want[i].name,
			    (unsigned long long)ri.size, (unsigned long long)want[i].size);
	}
	for (i = 0; i < 3; i++) {
		ii.index = i;
		if (ioctl(d.fd, VFIO_DEVICE_GET_IRQ_INFO, &ii))
			die("GET_IRQ_INFO(%u): %s", i, strerror(errno));
		if (ii.count != 1 || !(ii.flags & VFIO_IRQ_INFO_EVENTFD))
			die("IRQ %u: count %u flags 0x%x", i, ii.count, ii.flags);
	}
	ri.index = 4 + 7;
	ri.argsz = sizeof(ri);
	if (!ioctl(d.fd, VFIO_DEVICE_GET_REGION_INFO, &ri) || errno != EINVAL)
		die("region index 11 accepted");
	printf("regions: io 124, async 8, schib 52, crw 8; irqs io, crw, req\n");
}

static ssize_t region_rw(int write, uint32_t subtype, void *buf, size_t len, off_t pos)
{
	struct vfio_region_info ri;
	ssize_t n;

	if (ccw_find_region(&d, subtype, &ri))
		die("no region of subtype %u", subtype);
	n = write ? pwrite(d.fd, buf, len, ri.offset + pos) :
		    pread(d.fd, buf, len, ri.offset + pos);
	return n < 0 ? -errno : n;
}

/* An attribute of the subchannel the mdev is on, newline dropped. */
static void sch_attr(const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/../%s",
		 getenv("VFIO_CCW_UUID") ?: "", name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, len, f))
		die("read %s: %s", path, strerror(errno));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static void test_schib(void)
{
	struct ccw_schib_region r;
	unsigned int pim, pam, pom, dev;
	uint8_t *pmcw = r.schib_area;
	char got[16], pimpampom[16], busid[32];
	const char *devno;
	ssize_t n;

	sch_attr("pimpampom", pimpampom, sizeof(pimpampom));
	/* dev_busid is "0.0.0100", or "none" without a device */
	sch_attr("dev_busid", busid, sizeof(busid));
	devno = strrchr(busid, '.') ? strrchr(busid, '.') + 1 : "0100";
	n = region_rw(0, VFIO_REGION_SUBTYPE_CCW_SCHIB, &r, sizeof(r), 0);
	if (n != sizeof(r))
		die("read SCHIB region: %zd", n);
	/* PMCW: bytes 6-7 devno, 8 lpm, 9 pnom, 10 lpum, 11 pim, 14 pom, 15 pam */
	dev = pmcw[6] << 8 | pmcw[7];
	pim = pmcw[11];
	pom = pmcw[14];
	pam = pmcw[15];
	snprintf(got, sizeof(got), "%02x %02x %02x", pim, pam, pom);
	if (strcmp(got, pimpampom))
		die("SCHIB pim/pam/pom '%s', sysfs says '%s'", got, pimpampom);
	if (dev != strtoul(devno, NULL, 16))
		die("SCHIB devno %04x, sysfs says %s", dev, devno);
	if (region_rw(1, VFIO_REGION_SUBTYPE_CCW_SCHIB, &r, sizeof(r), 0) != -EINVAL)
		die("write to the SCHIB region not refused with EINVAL");
	printf("schib: devno %04x pimpampom %s as in sysfs; writes EINVAL\n", dev, got);
}

/* HSCH or CSCH on an idle subchannel: cc 0 and the function's status. */
static void test_async_idle(uint32_t cmd, uint8_t fctl, const char *name)
{
	struct scsw_info s;
	int ret;

	ret = ccw_async_cmd(&d, cmd);
	if (ret)
		die("%s on an idle subchannel: %s", name, errno_name(-ret));
	if (!ccw_wait_irq(&io, 5000))
		die("%s: no interrupt", name);
	ccw_fetch_result(&io, &s, name);
	if (!(s.fctl & fctl))
		die("%s: SCSW fctl 0x%x lacks 0x%x", name, s.fctl, fctl);
	ccw_sense_id(&io, 0, 0x1000, NULL, "sense id after it");
	printf("%s idle: cc 0, status fctl 0x%x stctl 0x%x, device usable\n", name, s.fctl,
	       s.stctl);
}

static void test_bad_async(void)
{
	int ret;

	ret = ccw_async_cmd(&d, 0);
	if (ret != -EINVAL)
		die("command 0: %s, want EINVAL", errno_name(-ret));
	ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH);
	if (ret != -EINVAL)
		die("HSCH|CSCH: %s, want EINVAL", errno_name(-ret));
	ccw_sense_id(&io, 0, 0x1000, NULL, "sense id after bad commands");
	printf("bad async commands: EINVAL, device usable\n");
}

static void test_crw(void)
{
	struct ccw_crw_region r = { .crw = 0xdeadbeef };
	ssize_t n;

	n = region_rw(0, VFIO_REGION_SUBTYPE_CCW_CRW, &r, sizeof(r), 0);
	if (n != sizeof(r))
		die("read CRW region: %zd", n);
	if (r.crw)
		die("CRW 0x%08x with no path event", r.crw);
	printf("crw: empty queue reads 0\n");
}

/*
 * Start a SENSE ID with the suspend flag and suspension allowed: the
 * channel suspends before the CCW and the program stays outstanding.
 * Returns 0 if it did, 1 if the device finished it anyway.
 */
static int start_suspended(void)
{
	struct ccw_io_region r;
	struct scsw_info s;

	vfio_ccw_allow_suspend(1);
	ccw_put(&io, 0, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, SENSE_ID_LEN,
		ccw_io_addr(&io, 0x1000));
	ccw_region_start(&r, ccw_io_addr(&io, 0), ORB_DEFAULT | ORB_SPND);
	if (ccw_start(&io, &r))
		die("start of a suspending program refused");
	if (!ccw_wait_irq(&io, 500))
		return 0;
	ccw_fetch_result(&io, &s, "suspending program");
	if (s.actl & 0x1)	/* suspended: reported, still outstanding */
		return 0;
	return 1;
}

static void test_suspend(uint32_t cmd, uint8_t fctl, const char *name)
{
	struct ccw_io_region r;
	struct scsw_info s;
	int ret;

	/* outstanding: a second start is refused */
	ccw_put(&io, 0x100, CCW_CMD_NOOP, 0, 0, 0);
	ccw_region_start(&r, ccw_io_addr(&io, 0x100), ORB_DEFAULT);
	ret = ccw_start(&io, &r);
	if (ret != -EBUSY)
		die("start while one is outstanding: %s, want EBUSY", errno_name(-ret));
	ret = ccw_async_cmd(&d, cmd);
	if (ret)
		die("%s during the program: %s", name, errno_name(-ret));
	if (!ccw_wait_irq(&io, 5000))
		die("no interrupt after %s", name);
	/* ret_code still reports the refused start: decode the IRB only */
	if (ccw_region_pread(&io, &r, sizeof(r), 0) != sizeof(r))
		die("read of the I/O region failed");
	ccw_decode_scsw(r.irb_area, &s);
	if (!(s.fctl & fctl))
		die("status after %s: fctl 0x%x without 0x%x", name, s.fctl, fctl);
	ccw_sense_id(&io, 0x200, 0x1000, NULL, "sense id afterwards");
	printf("%s_busy: program outstanding, 2nd start EBUSY, %s ended it (fctl 0x%x)\n",
	       name, name, s.fctl);
}

static void test_reset_busy(void)
{
	if (ioctl(d.fd, VFIO_DEVICE_RESET))
		die("RESET with a program outstanding: %s", strerror(errno));
	ccw_sense_id(&io, 0x200, 0x1000, NULL, "sense id after reset");
	printf("reset_busy: RESET with a program outstanding, device usable\n");
}

/*
 * Unmap the guest memory under an outstanding program: VFIO makes the
 * driver give the pages back, which means stopping the program first.
 * Then map again and run a SENSE ID.
 */
static void test_unmap_busy(void)
{
	ccw_io_fini(&io);
	vfio_ccw_expect_unpinned("unmap", 0);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	ccw_sense_id(&io, 0x200, 0x1000, NULL, "sense id after unmap");
	printf("unmap_busy: unmapped under a running program, remapped, device usable\n");
}

/*
 * Close with a program outstanding: the driver must quiesce before it
 * disables.  Afterwards nothing stays pinned and a new user (the same
 * path, opened again) can run I/O.
 */
static void test_close_busy(const char *path)
{
	vfio_close(&d);
	vfio_ccw_expect_unpinned("close", 1);
	vfio_open_env(&d, path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	ccw_sense_id(&io, 0x200, 0x1000, NULL, "sense id after reopening");
	printf("close_busy: closed with a program outstanding, nothing pinned, reopened, "
	       "device usable\n");
}

/* Remove the mdev while we hold it; close when asked through the eventfd. */
static void test_request(void)
{
	char remove[128];
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} irq = {
		.set = {
			.argsz = sizeof(irq),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_CCW_REQ_IRQ_INDEX,
			.count = 1,
		},
	};
	struct pollfd p;
	int efd, status;
	pid_t child;

	snprintf(remove, sizeof(remove), "/sys/bus/mdev/devices/%s/remove",
		 getenv("VFIO_CCW_UUID") ?: "");
	efd = eventfd(0, 0);
	irq.fd = efd;
	if (ioctl(d.fd, VFIO_DEVICE_SET_IRQS, &irq))
		die("SET_IRQS(req): %s", strerror(errno));
	child = fork();
	if (child == 0) {
		int fd;

		/*
		 * The device must have one user only, us: a child holding
		 * inherited VFIO fds would wait for itself to close.
		 */
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		fd = open(remove, O_WRONLY);
		_exit(fd < 0 || write(fd, "1", 1) != 1 ? 1 : 0);
	}
	p.fd = efd;
	p.events = POLLIN;
	if (poll(&p, 1, 20000) != 1)
		die("no request signalled within 20 s");
	ccw_io_fini(&io);
	vfio_close(&d);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("mdev removal failed after close");
	if (!access(remove, F_OK))
		die("%s still there", remove);
	printf("request: signalled, closed, mdev removed\n");
}

FIXTURE(async) {
	int unused;
};

VFIO_CCW_PATHS(async);

FIXTURE_SETUP(async)
{
	vfio_open_env(&d, variant->path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(async)
{
	ccw_io_fini(&io);
	vfio_close(&d);
}

#define NEED_SUSPENDED()						\
	do {								\
		if (start_suspended())					\
			SKIP(return, "the emulated device runs suspending programs to the end"); \
	} while (0)

TEST_F(async, regions) { test_regions(); }
TEST_F(async, schib) { test_schib(); }
TEST_F(async, hsch_idle) { test_async_idle(VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT, "hsch"); }
TEST_F(async, csch_idle) { test_async_idle(VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR, "csch"); }
TEST_F(async, bad_async) { test_bad_async(); }
TEST_F(async, crw) { test_crw(); }

TEST_F(async, hsch_busy)
{
	NEED_SUSPENDED();
	test_suspend(VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT, "hsch");
}

TEST_F(async, csch_busy)
{
	NEED_SUSPENDED();
	test_suspend(VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR, "csch");
}

TEST_F(async, reset_busy)
{
	NEED_SUSPENDED();
	test_reset_busy();
}

TEST_F(async, close_busy)
{
	NEED_SUSPENDED();
	test_close_busy(variant->path);
}

/* The same set-up, in a fixture of its own so that unmap.sh runs it alone. */
FIXTURE(unmap_busy) {
	int unused;
};

VFIO_CCW_PATHS(unmap_busy);

FIXTURE_SETUP(unmap_busy)
{
	vfio_open_env(&d, variant->path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(unmap_busy)
{
	ccw_io_fini(&io);
	vfio_close(&d);
}

TEST_F_TIMEOUT(unmap_busy, unmap_busy, 120)
{
	NEED_SUSPENDED();
	test_unmap_busy();
}

/* Through the cdev; the test closes the device and the mdev goes. */
FIXTURE(request) {
	int unused;
};

FIXTURE_SETUP(request)
{
	vfio_open_env(&d, "cdev");
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(request)
{
}

TEST_F(request, request) { test_request(); }

TEST_HARNESS_MAIN
