// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-tape: a 3490 tape client (under Hercules, on an AWS file) that
 * drives the drive through the vfio-ccw uAPI only, with the commands
 * Linux's tape driver issues; a kselftest-harness program (selftest.h).
 * Fixture "tape", through the container and the cdev, each on a tape
 * file of its own (VFIO_CCW_TAPE_FILE, the cdev variant the next one):
 *
 *   ident          SENSE ID (a 3490), SENSE, MODE SET
 *   write          REWIND, FORWARD SPACE FILE to its file, three blocks
 *                  (a direct area across a page, a format-2 IDAL from
 *                  mid-page, a direct area over three pages), WRITE TAPE
 *                  MARK
 *   read           the blocks forward: exact count, a longer count with
 *                  SLI (residual), FORWARD SPACE BLOCK, the tape mark's
 *                  unit exception (residual = count)
 *   read_backward  BACKSPACE FILE to before the tape mark, then the three
 *                  blocks with READ BACKWARD: a direct area over four
 *                  pages, a format-2 (4K) and a format-1 (2K) IDAL whose
 *                  IDAWs count downwards, each area across a page
 *   load_point     BACKSPACE BLOCK at load point: unit check, and SENSE
 *                  returns the drive's own sense bytes; the drive then
 *                  answers SENSE ID as before
 *
 * Fixture "mount" (-f mount), on a drive of its own without a tape: not
 * ready (unit check, intervention required); the host mounts an empty
 * tape when asked (@@TAPEMOUNT): its device end arrives while idle, as
 * unsolicited status; REWIND UNLOAD leaves the drive not ready; mounted
 * again, a read past the end of the recorded data ends in a unit check,
 * nothing stored.
 *
 * Block i of a file is a pattern fixed by (seed, i), the seed from
 * VFIO_CCW_TAPE_SEED (the cdev variant the next one).  The write test
 * prints one line
 *   tape VARIANT FILE SEED
 * for the host, which checks the file's blocks and its tape mark in the
 * AWS file after Hercules has shut down (tests/vm/tapeimage.py).  A read
 * compares every byte and checks that nothing around the area changed;
 * a READ BACKWARD fills its area from the top down, which leaves the
 * block in its own order.  For our driver no page may stay pinned once
 * the device is closed.
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
#define MEM_SIZE	(256u << 10)

#define PROG		0x00000
#define IDAL		0x01000
#define SENSEBUF	0x02000
#define DATA		0x04000		/* data areas: DATA + n * AREA */
#define AREA		0x8000

/* 3480/3490 channel commands. */
#define TAPE_WRITE		0x01
#define TAPE_READ		0x02
#define TAPE_SENSE		0x04
#define TAPE_REWIND		0x07
#define TAPE_REWIND_UNLOAD	0x0f
#define TAPE_READ_BACKWARD	0x0c
#define TAPE_WTM		0x1f
#define TAPE_BSB		0x27
#define TAPE_BSF		0x2f
#define TAPE_FSB		0x37
#define TAPE_FSF		0x3f
#define TAPE_MODE_SET		0xdb

#define SENSE0_INTERVENTION	0x40	/* sense byte 0: intervention required */

#define NR_BLOCKS	3
static const unsigned int block_len[NR_BLOCKS] = { 4000, 2048, 12000 };

static struct ccw_io io;
static struct vfio_dev d;
static unsigned int file_no;
static uint32_t seed = 1;

static uint32_t addr(size_t off)
{
	return ccw_io_addr(&io, off);
}

static uint8_t *ptr(size_t off)
{
	return ccw_io_ptr(&io, off);
}

/* Block i of this file: xorshift32 from (seed, i), tests/vm/tapeimage.py's too. */
static void pattern(uint8_t *buf, unsigned int i)
{
	uint32_t x = seed * 2654435761u + (i << 16) + 0x7a9e;
	unsigned int k;

	if (!x)
		x = 1;
	for (k = 0; k < block_len[i]; k++) {
		if (!(k & 3)) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
		}
		buf[k] = x >> (24 - 8 * (k & 3));
	}
}

/* One CCW at PROG, run; 0 and the SCSW, or dies when the start is refused. */
static void run1(uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda,
		 uint32_t orb, struct scsw_info *s, const char *what)
{
	int ret;

	ccw_put(&io, PROG, cmd, flags, count, cda);
	ret = ccw_run(&io, addr(PROG), orb, s, what);
	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
}

static void run1_ok(uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda,
		    uint32_t orb, uint16_t residual, const char *what)
{
	struct scsw_info s;

	run1(cmd, flags, count, cda, orb, &s, what);
	ccw_expect_done(&s, addr(PROG + 8), residual, what);
}

/* A control command: no data, count 0, as the tape driver sends it. */
static void control(uint8_t cmd, const char *what)
{
	run1_ok(cmd, 0, 0, 0, ORB_DEFAULT, 0, what);
}

/* Rewind, then forward-space over @files tape marks. */
static void position(unsigned int files, const char *what)
{
	unsigned int i;

	control(TAPE_REWIND, what);
	for (i = 0; i < files; i++)
		control(TAPE_FSF, what);
}

/* SENSE into 32 bytes (SLI: the drive may send fewer). */
static void sense(uint8_t *out, const char *what)
{
	struct scsw_info s;

	memset(ptr(SENSEBUF), 0xa5, 32);
	run1(TAPE_SENSE, CCW_FLAG_SLI, 32, addr(SENSEBUF), ORB_DEFAULT, &s, what);
	if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || s.cstat)
		die("%s: status 0x%02x/0x%02x", what, s.dstat, s.cstat);
	if (s.count > 32 - 24)
		die("%s: %u sense bytes, fewer than 24", what, 32 - s.count);
	memcpy(out, ptr(SENSEBUF), 32);
}

/* Compare an area with block i; the guard bytes around it must be intact. */
static void expect_block(size_t off, unsigned int i, const char *what)
{
	uint8_t want[16384];
	unsigned int k;

	pattern(want, i);
	for (k = 0; k < block_len[i]; k++)
		if (ptr(off)[k] != want[k])
			die("%s: block %u byte %u is 0x%02x, not 0x%02x", what, i, k,
			    ptr(off)[k], want[k]);
	ccw_expect_untouched(&io, off - 64, 64, what);
	ccw_expect_untouched(&io, off + block_len[i], 64, what);
}

/* Fill an area (and 64 guard bytes each side) for a read into [off, off + len). */
static void prepare(size_t off, size_t len)
{
	ccw_fill(&io, off - 64, len + 128);
}

static void test_ident(void)
{
	uint8_t id[7], s[32];

	ccw_sense_id_min(&io, PROG, SENSEBUF, 7, id, "sense id");
	if (id[4] != 0x34 || id[5] != 0x90)
		die("SENSE ID: cu %02x%02x dev %02x%02x, not a 3490", id[1], id[2], id[4], id[5]);
	sense(s, "sense");
	/* Mode set: one byte, 0 (no compaction), as the tape driver sends it. */
	ptr(SENSEBUF)[0] = 0;
	run1_ok(TAPE_MODE_SET, 0, 1, addr(SENSEBUF), ORB_DEFAULT, 0, "mode set");
	printf("ident: %02x%02x-%02x/%02x%02x-%02x, sense %02x %02x %02x %02x, mode set\n",
	       id[1], id[2], id[3], id[4], id[5], id[6], s[0], s[1], s[2], s[3]);
}

static void test_write(const char *variant)
{
	size_t b0 = DATA + PAGE - 0x80;		/* across a page */
	size_t b1 = DATA + AREA + 0xc00;	/* IDAL: 1K, then 1K of the next page */
	size_t b2 = DATA + 2 * AREA + 0x10;	/* three pages */

	position(file_no, "write: position");
	pattern(ptr(b0), 0);
	run1_ok(TAPE_WRITE, 0, block_len[0], addr(b0), ORB_DEFAULT, 0, "write block 0");
	pattern(ptr(b1), 1);
	ccw_put_idaw64(&io, IDAL, addr(b1));
	ccw_put_idaw64(&io, IDAL + 8, addr(DATA + AREA + PAGE));
	run1_ok(TAPE_WRITE, CCW_FLAG_IDA, block_len[1], addr(IDAL), ORB_DEFAULT | ORB_C64, 0,
		"write block 1 (format-2 IDAL)");
	pattern(ptr(b2), 2);
	run1_ok(TAPE_WRITE, 0, block_len[2], addr(b2), ORB_DEFAULT, 0, "write block 2");
	control(TAPE_WTM, "write tape mark");
	printf("tape %s %u %u\n", variant, file_no, seed);
	printf("write: file %u: blocks of %u, %u, %u bytes and a tape mark\n", file_no,
	       block_len[0], block_len[1], block_len[2]);
}

static void test_read(void)
{
	size_t b0 = DATA + 0x100, b1 = DATA + AREA + 0x100;
	struct scsw_info s;

	position(file_no, "read: position");
	prepare(b0, block_len[0]);
	run1_ok(TAPE_READ, 0, block_len[0], addr(b0), ORB_DEFAULT, 0, "read block 0");
	expect_block(b0, 0, "read block 0");
	/* A longer count with SLI: the residual is what the block lacked. */
	prepare(b1, 8192);
	run1_ok(TAPE_READ, CCW_FLAG_SLI, 8192, addr(b1), ORB_DEFAULT, 8192 - block_len[1],
		"read block 1 (count 8192, SLI)");
	expect_block(b1, 1, "read block 1");
	control(TAPE_FSB, "forward space block 2");
	/* The tape mark: unit exception, nothing transferred. */
	prepare(b0, 4096);
	run1(TAPE_READ, CCW_FLAG_SLI, 4096, addr(b0), ORB_DEFAULT, &s, "read the tape mark");
	if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_EXCEP) || s.cstat)
		die("read the tape mark: status 0x%02x/0x%02x, not 0x0d/0", s.dstat, s.cstat);
	if (s.count != 4096)
		die("read the tape mark: residual %u, not 4096", s.count);
	ccw_expect_untouched(&io, b0 - 64, 4096 + 128, "read the tape mark");
	printf("read: 3 blocks forward (exact, SLI residual %u, spaced), tape mark: unit exception, residual 4096\n",
	       8192 - block_len[1]);
}

static void test_read_backward(void)
{
	/* Block 2, direct: its last byte 0x7f past a page, over four pages. */
	size_t end2 = DATA + 3 * PAGE + 0x7f;
	size_t b2 = end2 - block_len[2] + 1;
	/* Block 1, format-2 IDAL, 4K: 1K below a page boundary and 1K above. */
	size_t page1 = DATA + AREA + PAGE;
	size_t b1 = page1 - 1024;
	/* Block 0, format-1 IDAL, 2K blocks: 2K, then 1952 bytes below. */
	size_t blk0 = DATA + 2 * AREA + PAGE;	/* a 2K block at a page start */
	size_t b0 = blk0 + 2048 - block_len[0];

	position(file_no + 1, "read backward: position");
	control(TAPE_BSF, "backspace file over the tape mark");

	prepare(b2, block_len[2]);
	run1_ok(TAPE_READ_BACKWARD, 0, block_len[2], addr(end2), ORB_DEFAULT, 0,
		"read backward block 2 (direct, four pages)");
	expect_block(b2, 2, "read backward block 2");

	prepare(b1, block_len[1]);
	ccw_put_idaw64(&io, IDAL, addr(page1 + 1023));
	ccw_put_idaw64(&io, IDAL + 8, addr(page1 - 1));
	run1_ok(TAPE_READ_BACKWARD, CCW_FLAG_IDA, block_len[1], addr(IDAL),
		ORB_DEFAULT | ORB_C64, 0, "read backward block 1 (format-2 IDAL)");
	expect_block(b1, 1, "read backward block 1");

	prepare(b0, block_len[0]);
	ccw_put_idaw32(&io, IDAL, addr(blk0 + 2047));
	ccw_put_idaw32(&io, IDAL + 4, addr(blk0 - 1));
	run1_ok(TAPE_READ_BACKWARD, CCW_FLAG_IDA, block_len[0], addr(IDAL), ORB_DEFAULT, 0,
		"read backward block 0 (format-1 IDAL, 2K)");
	expect_block(b0, 0, "read backward block 0");
	printf("read_backward: 3 blocks, each across a page: direct, format-2 4K and format-1 2K IDALs\n");
}

static void test_load_point(void)
{
	struct scsw_info s;
	uint8_t sns[32], id[7];

	control(TAPE_REWIND, "rewind");
	run1(TAPE_BSB, CCW_FLAG_SLI, 1, addr(SENSEBUF), ORB_DEFAULT, &s,
	     "backspace block at load point");
	if (!(s.dstat & DEV_STAT_UNIT_CHECK))
		die("backspace block at load point: status 0x%02x/0x%02x without unit check",
		    s.dstat, s.cstat);
	if (!ccw_concurrent_sense(&io, sns))
		sense(sns, "sense after the unit check");
	if (!(sns[0] | sns[1] | sns[2] | sns[3]))
		die("sense after the unit check is all zero");
	ccw_sense_id_min(&io, PROG, SENSEBUF, 7, id, "sense id after the unit check");
	printf("load_point: unit check, sense %02x %02x %02x %02x, drive usable\n",
	       sns[0], sns[1], sns[2], sns[3]);
}

/* A one-CCW program that must end in a unit check: its sense bytes. */
static void expect_unit_check(uint8_t cmd, uint8_t flags, uint16_t count, size_t data,
			      uint8_t sns[32], const char *what)
{
	struct scsw_info s;

	run1(cmd, flags, count, count ? addr(data) : 0, ORB_DEFAULT, &s, what);
	if (!(s.dstat & DEV_STAT_UNIT_CHECK))
		die("%s: status 0x%02x/0x%02x without unit check", what, s.dstat, s.cstat);
	if (!ccw_concurrent_sense(&io, sns))
		sense(sns, what);
	printf("%s: unit check, status 0x%02x/0x%02x, sense %02x %02x %02x %02x\n", what,
	       s.dstat, s.cstat, sns[0], sns[1], sns[2], sns[3]);
}

static void expect_not_ready(const char *what)
{
	uint8_t sns[32];

	expect_unit_check(TAPE_REWIND, 0, 0, 0, sns, what);
	if (!(sns[0] & SENSE0_INTERVENTION))
		die("%s: sense byte 0 0x%02x: no intervention required", what, sns[0]);
}

/* The host mounts the empty tape on request; its device end comes unsolicited. */
static void mount(const char *devno)
{
	ccw_expect_no_irq(&io, 200, "idle, no tape");
	/* tests/vm/vm.py's automatic-operator rule mounts an empty tape */
	printf("@@TAPEMOUNT %s\n", devno);
	ccw_expect_unsolicited(&io, DEV_STAT_DEV_END, 60000, "tape mounted");
	control(TAPE_REWIND, "rewind the mounted tape");
}

/*
 * REWIND UNLOAD: channel end and device end, clean or (as Hercules ends
 * it, and after a read past the end) with a unit check that says the
 * drive is not ready now; then it is not ready.
 */
static void unload(const char *what)
{
	struct scsw_info s;
	uint8_t sns[32];

	run1(TAPE_REWIND_UNLOAD, 0, 0, 0, ORB_DEFAULT, &s, what);
	if (s.dstat & DEV_STAT_UNIT_CHECK) {
		if (!(s.dstat & DEV_STAT_CHN_END) || s.cstat)
			die("%s: status 0x%02x/0x%02x", what, s.dstat, s.cstat);
		if (!ccw_concurrent_sense(&io, sns))
			sense(sns, what);
		if (!(sns[0] & SENSE0_INTERVENTION))
			die("%s: unit check, sense %02x %02x %02x %02x", what, sns[0], sns[1],
			    sns[2], sns[3]);
		printf("%s: unit check, sense %02x %02x %02x %02x: unloaded\n", what, sns[0],
		       sns[1], sns[2], sns[3]);
	} else {
		ccw_expect_done(&s, addr(PROG + 8), 0, what);
	}
	expect_not_ready("rewind after the unload");
}

static void test_mount(const char *devno)
{
	size_t area = DATA + PAGE - 100;
	uint8_t sns[32], id[7];

	ccw_sense_id_min(&io, PROG, SENSEBUF, 7, id, "sense id, no tape");
	expect_not_ready("rewind, no tape");
	mount(devno);
	unload("rewind unload");
	mount(devno);
	prepare(area, 4096);
	expect_unit_check(TAPE_READ, CCW_FLAG_SLI, 4096, area, sns, "read past the end of the tape");
	ccw_expect_untouched(&io, area - 64, 4096 + 128, "read past the end of the tape");
	unload("rewind unload after the end");
	ccw_sense_id_min(&io, PROG, SENSEBUF, 7, id, "sense id after the unload");
}

FIXTURE(tape) {
	int unused;
};

VFIO_CCW_PATHS(tape);

FIXTURE_SETUP(tape)
{
	file_no = vfio_env_ul("VFIO_CCW_TAPE_FILE", 0);
	seed = vfio_env_ul("VFIO_CCW_TAPE_SEED", 1);
	if (!strcmp(variant->path, "cdev")) {
		file_no += 1;
		seed += 1;
	}
	vfio_open_env(&d, variant->path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(tape)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("closing", 1);
}

/* Hercules is slow: a test may take a minute on a TCG host. */
TEST_F_TIMEOUT(tape, ident, 300)
{
	test_ident();
}

TEST_F_TIMEOUT(tape, write, 300)
{
	test_write(variant->path);
}

TEST_F_TIMEOUT(tape, read, 300)
{
	test_read();
}

TEST_F_TIMEOUT(tape, read_backward, 300)
{
	test_read_backward();
}

TEST_F_TIMEOUT(tape, load_point, 300)
{
	test_load_point();
}

/*
 * A drive without a tape (VFIO_CCW_DEVNO, its last four digits are
 * Hercules' device number): not ready; its device end when the host
 * mounts an empty tape comes while idle; a read past the end of the
 * recorded data and a rewind after REWIND UNLOAD end in unit checks.
 */
FIXTURE(mount) {
	int unused;
};

VFIO_CCW_PATHS(mount);

FIXTURE_SETUP(mount)
{
	vfio_open_env(&d, variant->path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(mount)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("closing", 1);
}

TEST_F_TIMEOUT(mount, mount, 300)
{
	const char *devno = getenv("VFIO_CCW_DEVNO");

	if (!devno || strlen(devno) < 4)
		die("VFIO_CCW_DEVNO is not set (the drive's device number)");
	test_mount(devno + strlen(devno) - 4);
}

TEST_HARNESS_MAIN
