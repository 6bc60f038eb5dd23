// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-errno: the errno catalogue (errno_catalogue.def) against a
 * vfio-ccw mdev on a virtio-ccw device, a kselftest-harness program
 * (selftest.h): one test per case, through the container and through
 * the cdev.
 *
 * Each test makes the request, compares the answer with the catalogue's
 * column for the driver under test (upstream's when VFIO_CCW_DRIVER is
 * "peer") and the way the device was opened, and then checks that the
 * device still works: no interrupt after a refused start, a SENSE ID
 * with the right answer and, for our driver (VFIO_CCW_STATUS, its
 * debugfs status file), no page left pinned.  It prints "got <errno>
 * want <errno>" either way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x10000000u
#define UNMAPPED	0x20000000u
#define MEM_SIZE	(64 * 1024)
#define PROG		0x0000		/* programs: 16K */
#define IDAL		0x4000
#define DATA		0x5000		/* data: 0x5000-0xdfff */
#define REF_CCW		0xe000		/* the usability SENSE ID */
#define REF_BUF		0xe100
#define OK		0

#define SKIP_CASE	1000		/* a case's answer: cannot be run here */

static struct vfio_dev d;
static struct ccw_io io;
static int is_cdev;

struct expect {
	int container, cdev;
};

#define E(x)		{ x, x }
#define E2(c, f)	{ c, f }

static uint32_t addr(size_t off)
{
	return ccw_io_addr(&io, off);
}

/* --- helpers ---------------------------------------------------------- */

static uint64_t subtype_offset(uint32_t subtype)
{
	struct vfio_region_info ri;

	if (ccw_find_region(&d, subtype, &ri))
		die("no region of subtype %u", subtype);
	return ri.offset;
}

static int rw(int write, uint64_t off, void *buf, size_t len)
{
	ssize_t n = write ? pwrite(d.fd, buf, len, off) : pread(d.fd, buf, len, off);

	return n < 0 ? -errno : 0;
}

/* Write a whole I/O region image: ORB word 1, CPA and SCSW fctl. */
static int start_fctl(uint32_t orb_flags, uint32_t cpa, uint8_t fctl)
{
	struct ccw_io_region r;
	uint32_t scsw0 = (uint32_t)fctl << 12;

	ccw_region_start(&r, cpa, orb_flags);
	memcpy(r.scsw_area, &scsw0, sizeof(scsw0));
	return rw(1, io.region_off, &r, sizeof(r));
}

/* A start: accepted ones must end in an interrupt, refused ones not. */
static int start(uint32_t orb_flags, size_t prog)
{
	int ret = start_fctl(orb_flags, addr(prog), SCSW_FCTL_START);

	if (!ret && !ccw_wait_irq(&io, 5000))
		die("accepted start without an interrupt within 5 s");
	return ret;
}

static int start_at(uint32_t orb_flags, uint32_t cpa)
{
	int ret = start_fctl(orb_flags, cpa, SCSW_FCTL_START);

	if (!ret && !ccw_wait_irq(&io, 5000))
		die("accepted start without an interrupt within 5 s");
	return ret;
}

static int ioctl_ret(unsigned long req, void *arg)
{
	return ioctl(d.fd, req, arg) ? -errno : 0;
}

static int set_irqs(uint32_t flags, uint32_t index, uint32_t start_, uint32_t count,
		    int32_t fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd[2];
	} s = {
		.set = {
			.argsz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t),
			.flags = flags,
			.index = index,
			.start = start_,
			.count = count,
		},
		.fd = { fd, fd },
	};

	return ioctl_ret(VFIO_DEVICE_SET_IRQS, &s);
}

/*
 * Start a SENSE ID that suspends before it runs (suspend flag, ORB
 * suspend control).  Returns 0 with it outstanding, or SKIP_CASE when the
 * device runs it to the end anyway.
 */
static int start_suspended(void)
{
	struct scsw_info s;

	vfio_ccw_allow_suspend(1);
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, SENSE_ID_LEN,
		addr(DATA));
	if (start_fctl(ORB_DEFAULT | ORB_SPND, addr(PROG), SCSW_FCTL_START))
		die("start of a suspending program refused");
	if (!ccw_wait_irq(&io, 500))
		return 0;
	ccw_fetch_result(&io, &s, "suspending program");
	return s.actl & 0x1 ? 0 : SKIP_CASE;
}

/* End whatever runs and eat its interrupts. */
static void clear_and_drain(void)
{
	if (ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH))
		die("CSCH failed");
	while (ccw_wait_irq(&io, 200))
		;
}

/* --- the cases -------------------------------------------------------- */

static int case_io_read_past_end(void)
{
	uint8_t b[8];

	return rw(0, io.region_off + 120, b, sizeof(b));
}

static int case_io_write_past_end(void)
{
	uint8_t b[4] = {};

	return rw(1, io.region_off + 124, b, sizeof(b));
}

static int case_io_write_no_start(void)
{
	ccw_put(&io, PROG, CCW_CMD_NOOP, 0, 0, 0);
	return start_fctl(ORB_DEFAULT, addr(PROG), 0);
}

static int case_io_write_halt(void)
{
	ccw_put(&io, PROG, CCW_CMD_NOOP, 0, 0, 0);
	return start_fctl(ORB_DEFAULT, addr(PROG), SCSW_FCTL_HALT);
}

/*
 * Region n starts at n times region 1's offset, in both drivers (ours
 * spaces them 1 << 40 apart, upstream's 1 << 10).
 */
static uint64_t region_stride(void)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = 1 };

	if (ioctl(d.fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		die("GET_REGION_INFO(1): %s", strerror(errno));
	return ri.offset;
}

static int case_region_index_past_crw(void)
{
	uint8_t b[4];

	return rw(0, 4 * region_stride(), b, sizeof(b));
}

static int case_region_index_huge(void)
{
	uint8_t b[4];

	return rw(0, 0xffffff * region_stride(), b, sizeof(b));
}

static int case_async_write_past_end(void)
{
	uint8_t b[8] = {};

	return rw(1, subtype_offset(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD) + 4, b, sizeof(b));
}

static int case_schib_write(void)
{
	uint8_t b[52] = {};

	return rw(1, subtype_offset(VFIO_REGION_SUBTYPE_CCW_SCHIB), b, sizeof(b));
}

static int case_schib_read_past_end(void)
{
	uint8_t b[8];

	return rw(0, subtype_offset(VFIO_REGION_SUBTYPE_CCW_SCHIB) + 48, b, sizeof(b));
}

static int case_crw_write(void)
{
	uint8_t b[8] = {};

	return rw(1, subtype_offset(VFIO_REGION_SUBTYPE_CCW_CRW), b, sizeof(b));
}

static int sense_id_prog(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN, addr(DATA));
	return PROG;
}

static int case_orb_transport_mode(void)
{
	return start(ORB_DEFAULT | ORB_TM, sense_id_prog());
}

static int case_orb_midaw(void)
{
	return start(ORB_DEFAULT | ORB_MIDAW, sense_id_prog());
}

static int case_orb_reserved_bit(void)
{
	/* bit 28 of ORB word 1: reserved, must be zero */
	return start(ORB_DEFAULT | (1u << 3), sense_id_prog());
}

static int case_orb_cpa_misaligned(void)
{
	sense_id_prog();
	return start_at(ORB_DEFAULT, addr(PROG + 4));
}

static int case_orb_cpa_unmapped(void)
{
	return start_at(ORB_DEFAULT, UNMAPPED);
}

static int case_orb_cpa_2g(void)
{
	return start_at(ORB_DEFAULT, 0x80000000u);
}

static int case_orb_no_prefetch(void)
{
	return start(ORB_DEFAULT & ~ORB_PFCH, sense_id_prog());
}

static int case_ccw_tic_first(void)
{
	ccw_put(&io, PROG, CCW_CMD_TIC, 0, 0, addr(PROG + 0x100));
	ccw_put(&io, PROG + 0x100, CCW_CMD_NOOP, 0, 0, 0);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_tic_to_tic(void)
{
	ccw_put(&io, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	ccw_put(&io, PROG + 8, CCW_CMD_TIC, 0, 0, addr(PROG + 0x100));
	ccw_put(&io, PROG + 0x100, CCW_CMD_TIC, 0, 0, addr(PROG + 0x200));
	ccw_put(&io, PROG + 0x200, CCW_CMD_NOOP, 0, 0, 0);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_tic_misaligned(void)
{
	ccw_put(&io, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	ccw_put(&io, PROG + 8, CCW_CMD_TIC, 0, 0, addr(PROG + 0x104));
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_tic_unmapped(void)
{
	ccw_put(&io, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	ccw_put(&io, PROG + 8, CCW_CMD_TIC, 0, 0, UNMAPPED);
	return start(ORB_DEFAULT, PROG);
}

static int noop_chain(int n)
{
	int i;

	for (i = 0; i < n; i++)
		ccw_put(&io, PROG + 8 * i, CCW_CMD_NOOP, i < n - 1 ? CCW_FLAG_CC : 0, 0, 0);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_257_chained(void)
{
	return noop_chain(257);
}

static int case_ccw_256_chained(void)
{
	return noop_chain(256);
}

static int case_ccw_17_segments(void)
{
	int i;

	/* segment i: NOOP (CC), TIC to segment i + 1, 0x100 apart */
	for (i = 0; i < 17; i++) {
		ccw_put(&io, PROG + 0x100 * i, CCW_CMD_NOOP, i < 16 ? CCW_FLAG_CC : 0, 0, 0);
		if (i < 16)
			ccw_put(&io, PROG + 0x100 * i + 8, CCW_CMD_TIC, 0, 0,
				addr(PROG + 0x100 * (i + 1)));
	}
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_data_past_2g(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN, 0x7fffff80u);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_data_unmapped(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN, UNMAPPED);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_mida_flag(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_MIDA, SENSE_ID_LEN,
		addr(DATA));
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_suspend(void)
{
	int ret;

	vfio_ccw_allow_suspend(0);
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, SENSE_ID_LEN,
		addr(DATA));
	ret = start_fctl(ORB_DEFAULT | ORB_SPND, addr(PROG), SCSW_FCTL_START);
	if (!ret)
		clear_and_drain();
	return ret;
}

static int case_ccw_backward_below_zero(void)
{
	ccw_put(&io, PROG, CCW_CMD_READ_BACKWARD, CCW_FLAG_SLI, 0x20, 0x10);
	return start(ORB_DEFAULT, PROG);
}

static int case_ccw_fmt0_tic_first(void)
{
	/* format 0: command, 24-bit address, flags, zero, count */
	uint8_t *c = ccw_io_ptr(&io, PROG);
	uint32_t target = addr(PROG + 0x100);

	memset(c, 0, 16);
	c[0] = CCW_CMD_TIC;
	c[1] = target >> 16;
	c[2] = target >> 8;
	c[3] = target;
	return start(ORB_DEFAULT & ~ORB_FMT1, PROG);
}

static int case_ida_misaligned(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, SENSE_ID_LEN,
		addr(IDAL + 4));
	return start(ORB_DEFAULT | ORB_C64, PROG);
}

static int case_ida_not_block_start(void)
{
	/* 256 bytes from 0x80 before a 4K boundary: two IDAWs */
	ccw_put_idaw64(&io, IDAL, addr(DATA + 0x1000 - 0x80));
	ccw_put_idaw64(&io, IDAL + 8, addr(DATA + 0x2000 + 0x10));
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, SENSE_ID_LEN,
		addr(IDAL));
	return start(ORB_DEFAULT | ORB_C64, PROG);
}

static int case_ida_backward_not_block_end(void)
{
	/* 256 bytes down from 0x80 past a 4K boundary: two IDAWs */
	ccw_put_idaw64(&io, IDAL, addr(DATA + 0x2000 + 0x7f));
	ccw_put_idaw64(&io, IDAL + 8, addr(DATA + 0x1000));
	ccw_put(&io, PROG, CCW_CMD_READ_BACKWARD, CCW_FLAG_SLI | CCW_FLAG_IDA, 0x100,
		addr(IDAL));
	return start(ORB_DEFAULT | ORB_C64, PROG);
}

static int case_ida_fmt1_past_2g(void)
{
	ccw_put_idaw32(&io, IDAL, 0x80000000u | addr(DATA));
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, SENSE_ID_LEN,
		addr(IDAL));
	return start(ORB_DEFAULT, PROG);
}

static int case_ida_idaw_unmapped(void)
{
	ccw_put_idaw64(&io, IDAL, UNMAPPED);
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, SENSE_ID_LEN,
		addr(IDAL));
	return start(ORB_DEFAULT | ORB_C64, PROG);
}

static int case_ida_idal_unmapped(void)
{
	ccw_put(&io, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, SENSE_ID_LEN,
		UNMAPPED);
	return start(ORB_DEFAULT | ORB_C64, PROG);
}

static int case_start_while_busy(void)
{
	int ret = start_suspended();

	if (ret)
		return ret;
	ccw_put(&io, PROG + 0x100, CCW_CMD_NOOP, 0, 0, 0);
	ret = start_fctl(ORB_DEFAULT, addr(PROG + 0x100), SCSW_FCTL_START);
	clear_and_drain();
	return ret;
}

static int case_hsch_while_busy(void)
{
	int ret = start_suspended();

	if (ret)
		return ret;
	ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH);
	if (!ret && !ccw_wait_irq(&io, 5000))
		die("HSCH accepted but no interrupt within 5 s");
	if (ret)
		clear_and_drain();
	return ret;
}

static int case_async_cmd_zero(void)
{
	return ccw_async_cmd(&d, 0);
}

static int case_async_cmd_both(void)
{
	return ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH);
}

static int case_async_hsch_idle(void)
{
	int ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_HSCH);

	if (!ret && !ccw_wait_irq(&io, 5000))
		die("HSCH accepted but no interrupt within 5 s");
	return ret;
}

static int case_get_info_short(void)
{
	struct vfio_device_info di = { .argsz = 8 };

	return ioctl_ret(VFIO_DEVICE_GET_INFO, &di);
}

static int case_region_info_bad_index(void)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = 11 };

	return ioctl_ret(VFIO_DEVICE_GET_REGION_INFO, &ri);
}

static int case_region_info_short(void)
{
	struct vfio_region_info ri = { .argsz = 8, .index = 0 };

	return ioctl_ret(VFIO_DEVICE_GET_REGION_INFO, &ri);
}

static int case_irq_info_bad_index(void)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = 3 };

	return ioctl_ret(VFIO_DEVICE_GET_IRQ_INFO, &ii);
}

#define TRIGGER_EVENTFD	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)

static int case_set_irqs_bad_index(void)
{
	return set_irqs(TRIGGER_EVENTFD, 3, 0, 1, -1);
}

static int case_set_irqs_count_2(void)
{
	return set_irqs(TRIGGER_EVENTFD, VFIO_CCW_CRW_IRQ_INDEX, 0, 2, -1);
}

static int case_set_irqs_start_1(void)
{
	return set_irqs(TRIGGER_EVENTFD, VFIO_CCW_CRW_IRQ_INDEX, 1, 1, -1);
}

static int case_set_irqs_mask(void)
{
	return set_irqs(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
			VFIO_CCW_CRW_IRQ_INDEX, 0, 1, -1);
}

static int case_set_irqs_fd_minus2(void)
{
	return set_irqs(TRIGGER_EVENTFD, VFIO_CCW_CRW_IRQ_INDEX, 0, 1, -2);
}

static int case_set_irqs_fd_closed(void)
{
	int fd = dup(0), ret;

	close(fd);
	ret = set_irqs(TRIGGER_EVENTFD, VFIO_CCW_CRW_IRQ_INDEX, 0, 1, fd);
	return ret;
}

/* The CRW interrupt: the I/O one is needed for the SENSE ID after it. */
static int case_set_irqs_count_0(void)
{
	return set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			VFIO_CCW_CRW_IRQ_INDEX, 0, 0, -1);
}

static int case_set_irqs_fd_pipe(void)
{
	int p[2], ret;

	if (pipe(p))
		die("pipe: %s", strerror(errno));
	ret = set_irqs(TRIGGER_EVENTFD, VFIO_CCW_CRW_IRQ_INDEX, 0, 1, p[0]);
	close(p[0]);
	close(p[1]);
	return ret;
}

static int case_unknown_ioctl(void)
{
	return ioctl_ret(VFIO_BASE + 99 + _IO(VFIO_TYPE, 0), NULL);
}

static int case_reset_idle(void)
{
	return ioctl_ret(VFIO_DEVICE_RESET, NULL);
}

/* --- the tests, from the catalogue ---------------------------------- */

struct errno_case {
	const char *id;
	int (*fn)(void);
	struct expect ours, upstream;
};

static const char *name(int e)
{
	return e ? errno_name(e) : "OK";
}

/*
 * Run one case: the answer, then no interrupt after a refusal, a SENSE
 * ID and no pins.  Returns SKIP_CASE when it cannot run here, else
 * whether it failed (with the reason printed).
 */
static int run_case(const struct errno_case *c)
{
	const struct expect *e = vfio_ccw_is_peer() ? &c->upstream : &c->ours;
	int want = is_cdev ? e->cdev : e->container;
	int got = c->fn(), bad;

	if (got == SKIP_CASE)
		return SKIP_CASE;
	got = -got;
	/* a refused request starts nothing */
	if (got && ccw_wait_irq(&io, 50)) {
		ksft_print_msg("got %s want %s: an interrupt after the refusal\n",
			       name(got), name(want));
		return 1;
	}
	while (ccw_wait_irq(&io, 20))
		;
	ccw_sense_id(&io, REF_CCW, REF_BUF, NULL, c->id);
	/* nothing pinned while idle (our driver: its debugfs status) */
	bad = vfio_ccw_status_file() && vfio_ccw_status_field("pinned_pages", NULL, 0) != 0;
	ksft_print_msg("got %s want %s%s\n", name(got), name(want),
		       bad ? ": pages left pinned" : "");
	return got != want || bad;
}

FIXTURE(catalogue) {
	int unused;
};

VFIO_CCW_PATHS(catalogue);

FIXTURE_SETUP(catalogue)
{
	vfio_open_env(&d, variant->path);
	is_cdev = d.iommufd >= 0;
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	memset(io.mem, 0, MEM_SIZE);
}

FIXTURE_TEARDOWN(catalogue)
{
	ccw_io_fini(&io);
	vfio_close(&d);
}

#define CASE(id_, o, u, what, why)					\
	TEST_F(catalogue, id_)						\
	{								\
		static const struct errno_case c = {			\
			.id = #id_, .fn = case_##id_, .ours = o, .upstream = u, \
		};							\
		int ret = run_case(&c);					\
									\
		if (ret == SKIP_CASE)					\
			SKIP(return, "the emulated device runs suspending programs to the end"); \
		ASSERT_EQ(0, ret);					\
	}
#include "errno_catalogue.def"
#undef CASE

TEST_HARNESS_MAIN
