// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-async: the regions and interrupts beyond the I/O region.
 *
 *   vfio-async <open args> regions
 *   vfio-async <open args> schib --pimpampom "80 80 ff" --devno 0100
 *   vfio-async <open args> hsch_idle | csch_idle | bad_async | crw
 *   vfio-async <open args> hsch_busy | csch_busy | reset_busy | unmap_busy
 *   vfio-async <open args> close_busy
 *   vfio-async <open args> request --remove /sys/bus/mdev/devices/UUID/remove
 *
 * Each prints one line saying what it observed and exits 0, or dies
 * with the mismatch.  The *_busy tests keep a program outstanding with
 * the suspend flag (QEMU honours it when the ORB allows suspension);
 * where a device runs it to the end anyway they print "SKIP: ..." and
 * exit 77.
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

#define GUEST_IOVA	0x20000000u
#define MEM_SIZE	(64 * 1024)
#define EXIT_SKIP	77

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

static void test_schib(const char *pimpampom, const char *devno)
{
	struct ccw_schib_region r;
	unsigned int pim, pam, pom, dev;
	uint8_t *pmcw = r.schib_area;
	char got[16];
	ssize_t n;

	if (!pimpampom || !devno)
		die("schib needs --pimpampom and --devno");
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

	if (start_suspended()) {
		printf("SKIP: the emulated device runs suspending programs to the end\n");
		exit(EXIT_SKIP);
	}
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
	if (start_suspended()) {
		printf("SKIP: the emulated device runs suspending programs to the end\n");
		exit(EXIT_SKIP);
	}
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
	if (start_suspended()) {
		printf("SKIP: the emulated device runs suspending programs to the end\n");
		exit(EXIT_SKIP);
	}
	ccw_io_fini(&io);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	ccw_sense_id(&io, 0x200, 0x1000, NULL, "sense id after unmap");
	printf("unmap_busy: unmapped under a running program, remapped, device usable\n");
}

/*
 * Close with a program outstanding: the driver must quiesce before it
 * disables.  The suite checks afterwards that nothing stayed pinned and
 * that a new user can run I/O.
 */
static void test_close_busy(void)
{
	if (start_suspended()) {
		printf("SKIP: the emulated device runs suspending programs to the end\n");
		exit(EXIT_SKIP);
	}
	vfio_close(&d);
	printf("close_busy: closed with a program outstanding\n");
	exit(0);
}

/* Remove the mdev while we hold it; close when asked through the eventfd. */
static void test_request(const char *remove)
{
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

	if (!remove)
		die("request needs --remove PATH");
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
	exit(0);
}

int main(int argc, char **argv)
{
	const char *test, *pimpampom = NULL, *devno = NULL, *remove = NULL;
	int i;

	vfio_open_from_args(&d, &argc, argv);
	if (argc < 2)
		die("which test?");
	test = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--pimpampom") && i + 1 < argc)
			pimpampom = argv[++i];
		else if (!strcmp(argv[i], "--devno") && i + 1 < argc)
			devno = argv[++i];
		else if (!strcmp(argv[i], "--remove") && i + 1 < argc)
			remove = argv[++i];
		else
			die("unknown argument '%s'", argv[i]);
	}
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	if (!strcmp(test, "regions"))
		test_regions();
	else if (!strcmp(test, "schib"))
		test_schib(pimpampom, devno);
	else if (!strcmp(test, "hsch_idle"))
		test_async_idle(VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT, "hsch");
	else if (!strcmp(test, "csch_idle"))
		test_async_idle(VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR, "csch");
	else if (!strcmp(test, "bad_async"))
		test_bad_async();
	else if (!strcmp(test, "crw"))
		test_crw();
	else if (!strcmp(test, "hsch_busy"))
		test_suspend(VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT, "hsch");
	else if (!strcmp(test, "csch_busy"))
		test_suspend(VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR, "csch");
	else if (!strcmp(test, "reset_busy"))
		test_reset_busy();
	else if (!strcmp(test, "unmap_busy"))
		test_unmap_busy();
	else if (!strcmp(test, "close_busy"))
		test_close_busy();
	else if (!strcmp(test, "request"))
		test_request(remove);
	else
		die("unknown test '%s'", test);
	ccw_io_fini(&io);
	vfio_close(&d);
	return 0;
}
