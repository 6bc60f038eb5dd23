// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ctc: a client of a pair of 3088 channel-to-channel adapters
 * (Hercules' CTCE devices, the two ends of one link) driven through the
 * vfio-ccw uAPI only; a kselftest-harness program (selftest.h).  Both
 * ends are mdevs of the driver under test, opened by one process the
 * same way (fixture "link", through the container and the cdev); "A" is
 * named by VFIO_CCW_*, "B" by VFIO_CCW_PEER_*:
 *
 *   ident     SENSE ID of both ends, as sysfs says
 *   basic       A writes; B learns of it by an attention while idle
 *               (unsolicited status), asks SENSE COMMAND BYTE (A's write,
 *               0x01) and reads; both end with channel end and device
 *               end and the residual counts of a transfer of the shorter
 *               count; then the other way round, over three pages, SLI
 *   read_first  after SET EXTENDED MODE on both ends (as Linux's ctcm
 *               starts), B's READ first: A gets the attention and the
 *               command byte 0x02 while B's read stays outstanding, then
 *               A's WRITE ends both
 *
 * Every area crosses a page; the bytes around each are checked.  For our
 * driver no page may stay pinned once the ends are closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x10000000u
#define PAGE		4096
#define MEM_SIZE	(64u << 10)

#define PROG		0x0000
#define SENSEBUF	0x1000
#define DATA		0x4000

#define CTC_WRITE		0x01
#define CTC_READ		0x02
#define CTC_SENSE_CMD_BYTE	0x14
#define CTC_SET_EXTENDED	0xc3

struct end {
	struct ccw_io io;
	struct vfio_dev d;
	const char *name;
	const char *cutype, *devtype;
};

static struct end a = { .name = "A" }, b = { .name = "B" };

static uint32_t addr(struct end *e, size_t off)
{
	return ccw_io_addr(&e->io, off);
}

static uint8_t *ptr(struct end *e, size_t off)
{
	return ccw_io_ptr(&e->io, off);
}

/* Start the one-CCW program at PROG of @e, without waiting. */
static void start1(struct end *e, uint8_t cmd, uint8_t flags, uint16_t count, size_t data,
		   const char *what)
{
	struct ccw_io_region r;
	int ret;

	ccw_put(&e->io, PROG, cmd, flags, count, count ? addr(e, data) : 0);
	ccw_region_start(&r, addr(e, PROG), ORB_DEFAULT);
	ret = ccw_start(&e->io, &r);
	if (ret)
		die("%s on %s: start refused: %s", what, e->name, errno_name(-ret));
}

/* The interrupt of @e's start: a clean end with @residual. */
static void expect_end(struct end *e, uint16_t residual, const char *what)
{
	struct scsw_info s;
	uint64_t n = ccw_wait_irq(&e->io, 20000);
	char w[96];

	snprintf(w, sizeof(w), "%s on %s", what, e->name);
	if (!n)
		die("%s: no interrupt within 20 s", w);
	if (n != 1)
		die("%s: eventfd counted %llu interrupts", w, (unsigned long long)n);
	ccw_fetch_result(&e->io, &s, w);
	ccw_expect_done(&s, addr(e, PROG + 8), residual, w);
}

static void run1(struct end *e, uint8_t cmd, uint8_t flags, uint16_t count, size_t data,
		 uint16_t residual, const char *what)
{
	start1(e, cmd, flags, count, data, what);
	expect_end(e, residual, what);
}

static void pattern(struct end *e, size_t off, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		ptr(e, off)[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* @len bytes moved from @w's area to @r's, nothing else of @r touched. */
static void expect_moved(struct end *w, size_t woff, struct end *r, size_t roff, size_t len,
			 size_t area, const char *what)
{
	if (memcmp(ptr(w, woff), ptr(r, roff), len))
		die("%s: %s read other bytes than %s wrote", what, r->name, w->name);
	ccw_expect_untouched(&r->io, roff - 64, 64, what);
	ccw_expect_untouched(&r->io, roff + len, area - len + 64, what);
}

/*
 * Basic mode: @w writes @len bytes; @r sees the attention, senses the
 * command byte and reads with a count of @rcount (SLI if longer).
 */
static void basic_transfer(struct end *w, size_t woff, struct end *r, size_t roff,
			   uint16_t len, uint16_t rcount, const char *what)
{
	uint16_t moved = len < rcount ? len : rcount;

	pattern(w, woff, len, (uint8_t)(woff + len));
	ccw_fill(&r->io, roff - 64, rcount + 128);
	ccw_expect_no_irq(&r->io, 100, "idle before the write");
	start1(w, CTC_WRITE, 0, len, woff, what);
	ccw_expect_unsolicited(&r->io, DEV_STAT_ATTENTION, 20000, "the other end's write");
	ccw_fill(&r->io, SENSEBUF, 8);
	run1(r, CTC_SENSE_CMD_BYTE, 0, 1, SENSEBUF, 0, "sense command byte");
	if (*ptr(r, SENSEBUF) != CTC_WRITE)
		die("%s: sense command byte 0x%02x, not the write (0x01)", what, *ptr(r, SENSEBUF));
	ccw_expect_untouched(&r->io, SENSEBUF + 1, 7, "sense command byte");
	run1(r, CTC_READ, rcount > len ? CCW_FLAG_SLI : 0, rcount, roff, rcount - moved, what);
	expect_end(w, len - moved, what);
	expect_moved(w, woff, r, roff, moved, rcount, what);
	printf("%s: %u bytes %s -> %s, attention, command byte 0x01\n", what, moved,
	       w->name, r->name);
}

static void test_ident(void)
{
	ccw_expect_sense_id(&a.io, PROG, SENSEBUF, a.cutype, a.devtype, "sense id A");
	ccw_expect_sense_id(&b.io, PROG, SENSEBUF, b.cutype, b.devtype, "sense id B");
}

static void test_basic(void)
{
	basic_transfer(&a, DATA + PAGE - 1000, &b, DATA + 2 * PAGE - 3000, 4000, 4000,
		       "write A, read B");
	basic_transfer(&b, DATA + PAGE - 100, &a, DATA + PAGE - 50, 8292, 10000,
		       "write B, read A (SLI)");
}

static void test_read_first(void)
{
	const uint16_t len = 6000;

	run1(&a, CTC_SET_EXTENDED, 0, 0, 0, 0, "set extended mode");
	run1(&b, CTC_SET_EXTENDED, 0, 0, 0, 0, "set extended mode");
	ccw_fill(&b.io, DATA + PAGE - 64, len + 128);
	pattern(&a, DATA + 3 * PAGE - 10, len, 0x33);
	start1(&b, CTC_READ, 0, len, DATA + PAGE, "read B");
	ccw_expect_unsolicited(&a.io, DEV_STAT_ATTENTION, 20000, "the other end's read");
	ccw_expect_no_irq(&b.io, 200, "read outstanding on B");
	ccw_fill(&a.io, SENSEBUF, 8);
	run1(&a, CTC_SENSE_CMD_BYTE, 0, 1, SENSEBUF, 0, "sense command byte");
	if (*ptr(&a, SENSEBUF) != CTC_READ)
		die("read first: sense command byte 0x%02x, not the read (0x02)", *ptr(&a, SENSEBUF));
	start1(&a, CTC_WRITE, 0, len, DATA + 3 * PAGE - 10, "write A");
	expect_end(&b, 0, "read B");
	expect_end(&a, 0, "write A");
	expect_moved(&a, DATA + 3 * PAGE - 10, &b, DATA + PAGE, len, len, "read first");
	printf("read first (extended mode): %u bytes A -> B, attention, command byte 0x02\n", len);
}

static void end_open(struct end *e, const char *path, const char *prefix)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_CUTYPE", prefix);
	e->cutype = getenv(name);
	snprintf(name, sizeof(name), "%s_DEVTYPE", prefix);
	e->devtype = getenv(name);
	vfio_open_env_as(&e->d, path, prefix);
	ccw_io_init(&e->io, &e->d, GUEST_IOVA, MEM_SIZE);
}

static void end_close(struct end *e)
{
	ccw_io_fini(&e->io);
	vfio_close(&e->d);
}

FIXTURE(link) {
	int unused;
};

VFIO_CCW_PATHS(link);

FIXTURE_SETUP(link)
{
	end_open(&a, variant->path, "VFIO_CCW");
	end_open(&b, variant->path, "VFIO_CCW_PEER");
}

FIXTURE_TEARDOWN(link)
{
	end_close(&b);
	end_close(&a);
	vfio_ccw_expect_unpinned("closing", 1);
}

TEST_F_TIMEOUT(link, ident, 120)
{
	test_ident();
}

TEST_F_TIMEOUT(link, basic, 300)
{
	test_basic();
}

TEST_F_TIMEOUT(link, read_first, 300)
{
	test_read_first();
}

TEST_HARNESS_MAIN
