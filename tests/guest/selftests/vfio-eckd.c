// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-eckd: an ECKD client that drives a DASD (3390 on a 3990 control
 * unit, under Hercules) through the vfio-ccw uAPI only, with the channel
 * programs a guest's DASD driver builds; a kselftest-harness program
 * (selftest.h).  Fixture "eckd", through the container and the cdev:
 *
 *   ident       SENSE ID (3990/3390), Read Device Characteristics, SENSE
 *   record      Define Extent + Locate Record + Write Data of one record,
 *               read back with Read Data
 *   track       a whole track: 12 records in one command chain each way
 *   tracks      5 tracks across a cylinder boundary, multi-track CCWs
 *   chain       the longest program the translator takes: DE + LR + 254
 *               Write Data (then Read Data) CCWs over 22 tracks
 *   datachain   one record moved by three data-chained CCWs
 *   ida         records through format-2 (4K) and format-1 (2K) IDALs
 *               whose buffers start mid-page and span pages
 *   fmt0        the record program with format-0 CCWs
 *   count       Seek + Read Home Address + 13 Read Count: the track's
 *               layout as the device reports it
 *   search      Seek + Search ID Equal + TIC back + Read Data
 *   err_extent  Locate Record outside the Define Extent: unit check
 *   err_protect Write Data under a write-inhibiting file mask: unit check
 *   err_norec   Locate Record of a record the track does not have
 *   err_length  Read Data with a short and a long count, no SLI:
 *               incorrect length, data bounded by the count
 *   halt        HSCH of a program still running on the device
 *   clear       CSCH of a program still running on the device
 * and fixture "bench" (container only): MB/s writing then reading
 * VFIO_CCW_ECKD_CYLS cylinders (default 2), one program per track.
 *
 * Data written is a pattern fixed by (seed, cylinder, head, record), the
 * seed and the first cylinder from VFIO_CCW_ECKD_SEED and
 * VFIO_CCW_ECKD_CYL (each driver writes its own; the cdev variant four
 * cylinders further on, with the next seed); every test reads it back
 * and compares, and prints one line per written run
 *   image VARIANT.TEST C H R N SEED
 * for the host, which checks the same pattern in the DASD image file
 * (tests/vm/ckdimage.py).  Cylinder 0 (the volume label) is never
 * written.  A passing test prints what it observed; a failing one dies
 * with the reason.  For our driver (VFIO_CCW_STATUS) no page may stay
 * pinned once the device is closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccw_io.h"
#include "selftest.h"

#define GUEST_IOVA	0x10000000u
#define PAGE		4096
#define MEM_SIZE	(2u << 20)

/* Guest memory: programs, Define Extent/Locate Record data, IDALs, data. */
#define PROG		0x00000
#define PARM		0x08000
#define IDAL		0x0c000
#define SENSEBUF	0x0f000
#define DATA		0x10000

/* ECKD channel commands (3990 in ECKD mode). */
#define ECKD_SENSE		0x04
#define ECKD_SEEK		0x07
#define ECKD_WRITE_DATA		0x05
#define ECKD_READ_DATA		0x06
#define ECKD_READ_COUNT		0x12
#define ECKD_READ_HA		0x1a
#define ECKD_READ_R0		0x16
#define ECKD_SENSE_ID		0xe4
#define ECKD_SEARCH_ID_EQ	0x31
#define ECKD_LOCATE_RECORD	0x47
#define ECKD_DEFINE_EXTENT	0x63
#define ECKD_RDC		0x64
#define ECKD_MT			0x80	/* multi-track variant of a command */

/* Locate Record operations, and the Define Extent file mask. */
#define LR_WRITE_DATA		0x01
#define LR_READ_DATA		0x06
#define DE_INHIBIT_WRITES	0x40	/* file mask bits 0-1 = 01 */
#define DE_PERMIT_UPDATE	0x80	/* file mask bits 0-1 = 10 */
#define DE_ECKD_MODE		0xc0	/* global attributes: ECKD mode */

/* Sense bytes 0 and 1 (3990). */
#define SNS0_CMD_REJECT		0x80
#define SNS1_NO_REC_FOUND	0x08
#define SNS1_FILE_PROTECTED	0x04

#define REC_LEN		4096
#define RECS_PER_TRK	12
#define MAX_CCWS	256

struct geometry {
	unsigned int cyls, heads;
};

static struct ccw_io io;
static struct vfio_dev d;
static struct geometry geo = { 0, 15 };
static unsigned int base_cyl = 1;
static uint32_t seed = 1;
static const char *test_name = "";

static uint32_t addr(size_t off)
{
	return ccw_io_addr(&io, off);
}

static uint8_t *ptr(size_t off)
{
	return ccw_io_ptr(&io, off);
}

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* The data pattern of one record: xorshift32 from (seed, c, h, r). */
static void pattern(uint8_t *buf, unsigned int c, unsigned int h, unsigned int r)
{
	uint32_t x = seed * 2654435761u + (c << 20) + (h << 8) + r;
	unsigned int i;

	if (!x)
		x = 1;
	for (i = 0; i < REC_LEN; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x >> 24;
		buf[i + 1] = x >> 16;
		buf[i + 2] = x >> 8;
		buf[i + 3] = x;
	}
}

/* A channel program under construction at PROG. */
struct prog {
	size_t off;	/* next CCW */
	size_t parm;	/* next parameter block */
	unsigned int n;
};

static void prog_init(struct prog *p)
{
	p->off = PROG;
	p->parm = PARM;
	p->n = 0;
}

/* Append a format-1 CCW; chaining is the caller's (flags). */
static void emit(struct prog *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	if (p->n == MAX_CCWS)
		die("program longer than %d CCWs", MAX_CCWS);
	ccw_put(&io, p->off, cmd, flags, count, cda);
	p->off += 8;
	p->n++;
}

static size_t parm_alloc(struct prog *p, size_t len)
{
	size_t off = p->parm;

	p->parm += (len + 7) & ~7ul;
	if (p->parm > IDAL)
		die("parameter area overflow");
	memset(ptr(off), 0, len);
	return off;
}

/* Define Extent data (16 bytes) over tracks [c0:h0, c1:h1]. */
static void fill_de(uint8_t *de, uint8_t mask, unsigned int c0, unsigned int h0,
		    unsigned int c1, unsigned int h1)
{
	memset(de, 0, 16);
	de[0] = mask;
	de[1] = DE_ECKD_MODE;
	put16(de + 2, REC_LEN);
	put16(de + 8, c0);
	put16(de + 10, h0);
	put16(de + 12, c1);
	put16(de + 14, h1);
}

/* Locate Record data (16 bytes): op on count records from c:h:r. */
static void fill_lr(uint8_t *lr, uint8_t op, unsigned int count, unsigned int c,
		    unsigned int h, unsigned int r)
{
	memset(lr, 0, 16);
	lr[0] = op;		/* orientation 00: count */
	lr[1] = 0x80;		/* transfer length factor valid */
	lr[3] = count;
	put16(lr + 4, c);
	put16(lr + 6, h);
	put16(lr + 8, c);
	put16(lr + 10, h);
	lr[12] = r;
	put16(lr + 14, REC_LEN);
}

static void emit_de(struct prog *p, uint8_t mask, unsigned int c0, unsigned int h0,
		    unsigned int c1, unsigned int h1)
{
	size_t o = parm_alloc(p, 16);

	fill_de(ptr(o), mask, c0, h0, c1, h1);
	emit(p, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, addr(o));
}

static void emit_lr(struct prog *p, uint8_t op, unsigned int count, unsigned int c,
		    unsigned int h, unsigned int r)
{
	size_t o = parm_alloc(p, 16);

	fill_lr(ptr(o), op, count, c, h, r);
	emit(p, ECKD_LOCATE_RECORD, CCW_FLAG_CC, 16, addr(o));
}

/* Seek (command chained) to track c:h. */
static void emit_seek(struct prog *p, unsigned int c, unsigned int h)
{
	size_t o = parm_alloc(p, 6);

	put16(ptr(o) + 2, c);
	put16(ptr(o) + 4, h);
	emit(p, ECKD_SEEK, CCW_FLAG_CC, 6, addr(o));
}

/*
 * Search ID Equal for c:h:r and a TIC back to it: the channel loops
 * until the search matches, whose status modifier skips the TIC.
 */
static void emit_search_loop(struct prog *p, unsigned int c, unsigned int h, unsigned int r)
{
	size_t o = parm_alloc(p, 5);
	uint32_t search = addr(p->off);

	put16(ptr(o), c);
	put16(ptr(o) + 2, h);
	ptr(o)[4] = r;
	emit(p, ECKD_SEARCH_ID_EQ, CCW_FLAG_CC, 5, addr(o));
	emit(p, CCW_CMD_TIC, 0, 0, search);
}

/* Track arithmetic: the n-th record after (c, h, r), 12 records a track. */
static void rec_at(unsigned int c, unsigned int h, unsigned int r, unsigned int n,
		   unsigned int *oc, unsigned int *oh, unsigned int *orr)
{
	unsigned int idx = (c * geo.heads + h) * RECS_PER_TRK + (r - 1) + n;

	*orr = idx % RECS_PER_TRK + 1;
	idx /= RECS_PER_TRK;
	*oh = idx % geo.heads;
	*oc = idx / geo.heads;
}

/* Programs always start at PROG. */
static int run_prog(uint32_t orb, struct scsw_info *s, const char *what)
{
	return ccw_run(&io, addr(PROG), orb, s, what);
}

static void run_ok(const struct prog *p, uint32_t orb, const char *what)
{
	struct scsw_info s;
	int ret = run_prog(orb, &s, what);

	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
	ccw_expect_done(&s, addr(p->off), 0, what);
}

/*
 * Write n records from (c, h, r) with DE + LR + n Write Data CCWs
 * (multi-track codes), or read them
 * back into zeroed buffers and compare.  Buffers are consecutive 4K
 * pages at DATA.
 */
static void rw_records(int write, unsigned int c, unsigned int h, unsigned int r,
		       unsigned int n, const char *what)
{
	unsigned int ec, eh, er, i, rc, rh, rr;
	uint8_t want[REC_LEN];
	struct prog p;
	uint8_t cmd;

	if (DATA + (size_t)n * REC_LEN > MEM_SIZE)
		die("%s: %u records do not fit", what, n);
	rec_at(c, h, r, n - 1, &ec, &eh, &er);
	/* Multi-track codes, as Linux's DASD driver uses them. */
	cmd = (write ? ECKD_WRITE_DATA : ECKD_READ_DATA) | ECKD_MT;
	prog_init(&p);
	emit_de(&p, write ? DE_PERMIT_UPDATE : DE_INHIBIT_WRITES, c, h, ec, eh);
	emit_lr(&p, write ? LR_WRITE_DATA : LR_READ_DATA, n, c, h, r);
	for (i = 0; i < n; i++) {
		size_t b = DATA + (size_t)i * REC_LEN;

		rec_at(c, h, r, i, &rc, &rh, &rr);
		if (write)
			pattern(ptr(b), rc, rh, rr);
		else
			memset(ptr(b), 0, REC_LEN);
		emit(&p, cmd, i + 1 < n ? CCW_FLAG_CC : 0, REC_LEN, addr(b));
	}
	run_ok(&p, ORB_DEFAULT, what);
	if (write) {
		printf("image %s %u %u %u %u %u\n", test_name, c, h, r, n, seed);
		return;
	}
	for (i = 0; i < n; i++) {
		rec_at(c, h, r, i, &rc, &rh, &rr);
		pattern(want, rc, rh, rr);
		if (memcmp(ptr(DATA + (size_t)i * REC_LEN), want, REC_LEN))
			die("%s: record %u/%u/%u read back differs", what, rc, rh, rr);
	}
}

static void test_rw(unsigned int c, unsigned int h, unsigned int r, unsigned int n,
		    const char *what)
{
	rw_records(1, c, h, r, n, what);
	rw_records(0, c, h, r, n, what);
	printf("%s: %u records (%u bytes) from %u/%u/%u written, read back, equal\n",
	       what, n, n * REC_LEN, c, h, r);
}

/*
 * SENSE ID (SLI, 256 bytes): a 3990/3390 answers 12 bytes, FF 3990 cm
 * 3390 dm ...; dies unless it ends cleanly with that.
 */
static void sense_id(uint8_t *id, const char *what)
{
	struct scsw_info s;
	struct prog p;
	uint8_t *b;
	int ret;

	prog_init(&p);
	p.off = PROG + 0x1000;	/* clear of a program under test */
	b = ptr(SENSEBUF + 64);
	memset(b, 0x5a, 256);
	emit(&p, ECKD_SENSE_ID, CCW_FLAG_SLI, 256, addr(SENSEBUF + 64));
	ret = ccw_run(&io, addr(PROG + 0x1000), ORB_DEFAULT, &s, what);
	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
	ccw_expect_done(&s, addr(p.off), 256 - 12, what);
	if (b[0] != 0xff || get16(b + 1) != 0x3990 || get16(b + 4) != 0x3390 ||
	    b[12] != 0x5a)
		die("%s: sense id %02x %02x%02x-%02x %02x%02x-%02x, not a 3990/3390 in 12 bytes",
		    what, b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
	if (id)
		memcpy(id, b, 7);
}

/* SENSE (0x04, 32 bytes) into SENSEBUF; dies unless it ends cleanly. */
static void sense(uint8_t *out, const char *what)
{
	struct prog p;

	prog_init(&p);
	memset(ptr(SENSEBUF), 0xa5, 32);
	emit(&p, ECKD_SENSE, 0, 32, addr(SENSEBUF));
	run_ok(&p, ORB_DEFAULT, what);
	memcpy(out, ptr(SENSEBUF), 32);
}

static void test_ident(void)
{
	uint8_t id[7], s[32];
	struct prog p;
	uint8_t *rdc;

	sense_id(id, "sense id");
	prog_init(&p);
	rdc = ptr(DATA + PAGE);
	memset(rdc, 0, 64);
	emit(&p, ECKD_RDC, 0, 64, addr(DATA + PAGE));
	run_ok(&p, ORB_DEFAULT, "read device characteristics");
	if (rdc[0] != 0x39 || rdc[1] != 0x90 || rdc[3] != 0x33 || rdc[4] != 0x90)
		die("RDC: cu %02x%02x dev %02x%02x", rdc[0], rdc[1], rdc[3], rdc[4]);
	geo.cyls = rdc[12] << 8 | rdc[13];
	geo.heads = rdc[14] << 8 | rdc[15];
	if (geo.heads != 15 || !geo.cyls)
		die("RDC: %u cylinders, %u heads", geo.cyls, geo.heads);
	sense(s, "sense");
	if (s[0] || s[1] || s[2])
		die("sense after power-on: %02x %02x %02x", s[0], s[1], s[2]);
	printf("ident: %02x%02x-%02x/%02x%02x-%02x, %u cylinders x %u heads, sense clean\n",
	       id[1], id[2], id[3], id[4], id[5], id[6], geo.cyls, geo.heads);
}

/* The geometry without printing: RDC only. */
static void probe_geometry(void)
{
	struct prog p;
	uint8_t *rdc = ptr(DATA);

	prog_init(&p);
	emit(&p, ECKD_RDC, 0, 64, addr(DATA));
	run_ok(&p, ORB_DEFAULT, "read device characteristics");
	geo.cyls = rdc[12] << 8 | rdc[13];
	geo.heads = rdc[14] << 8 | rdc[15];
	if (geo.heads != 15 || geo.cyls < base_cyl + 4)
		die("RDC: %u cylinders x %u heads: too small for --cyl %u",
		    geo.cyls, geo.heads, base_cyl);
}

/* One record through three data-chained CCWs, split unevenly. */
static void test_datachain(void)
{
	static const uint16_t split[] = { 1000, 96, 3000 };
	unsigned int c = base_cyl, h = 1, r = 3, i, dir;
	uint8_t want[REC_LEN];
	struct prog p;
	size_t b;

	pattern(want, c, h, r);
	for (dir = 0; dir < 2; dir++) {
		prog_init(&p);
		emit_de(&p, dir ? DE_INHIBIT_WRITES : DE_PERMIT_UPDATE, c, h, c, h);
		emit_lr(&p, dir ? LR_READ_DATA : LR_WRITE_DATA, 1, c, h, r);
		/* Pieces in separate pages, each at an odd offset. */
		for (i = 0, b = 0; i < ARRAY_SIZE(split); i++) {
			size_t buf = DATA + i * 2 * PAGE + 8 * i + 1;

			if (!dir)
				memcpy(ptr(buf), want + b, split[i]);
			else
				memset(ptr(buf), 0, split[i]);
			emit(&p, dir ? ECKD_READ_DATA : ECKD_WRITE_DATA,
			     i + 1 < ARRAY_SIZE(split) ? CCW_FLAG_CD : 0, split[i], addr(buf));
			b += split[i];
		}
		run_ok(&p, ORB_DEFAULT, dir ? "data-chained read" : "data-chained write");
	}
	for (i = 0, b = 0; i < ARRAY_SIZE(split); i++) {
		if (memcmp(ptr(DATA + i * 2 * PAGE + 8 * i + 1), want + b, split[i]))
			die("data-chained read: piece %u differs", i);
		b += split[i];
	}
	printf("image %s %u %u %u 1 %u\n", test_name, c, h, r, seed);
	printf("datachain: record %u/%u/%u as 1000+96+3000 bytes each way, equal\n", c, h, r);
}

/*
 * Records through IDALs: format-2 with 4K blocks (ORB C64) and format-1
 * with 2K blocks (ORB I2K), each buffer starting mid-page so that every
 * record spans two pages.
 */
static void test_ida(void)
{
	unsigned int c = base_cyl, h = 2, r, fmt, dir;
	uint8_t want[REC_LEN];
	struct prog p;

	for (fmt = 0; fmt < 2; fmt++) {
		r = 5 + fmt;
		pattern(want, c, h, r);
		for (dir = 0; dir < 2; dir++) {
			size_t buf = DATA + 3 * PAGE + 0x600 + fmt * 3 * PAGE;
			uint32_t orb = ORB_DEFAULT | (fmt ? ORB_I2K : ORB_C64);
			uint32_t a = addr(buf);
			unsigned int k = 0;

			prog_init(&p);
			emit_de(&p, dir ? DE_INHIBIT_WRITES : DE_PERMIT_UPDATE, c, h, c, h);
			emit_lr(&p, dir ? LR_READ_DATA : LR_WRITE_DATA, 1, c, h, r);
			if (fmt == 0) {
				uint64_t *idal = (uint64_t *)ptr(IDAL);

				idal[k++] = a;
				idal[k++] = (a + PAGE) & ~(uint32_t)(PAGE - 1);
			} else {
				uint32_t *idal = (uint32_t *)ptr(IDAL);
				uint32_t e = a + REC_LEN;

				idal[k++] = a;
				for (a = (a + 2048) & ~2047u; a < e; a += 2048)
					idal[k++] = a;
			}
			if (!dir)
				memcpy(ptr(buf), want, REC_LEN);
			else
				memset(ptr(buf), 0, REC_LEN);
			emit(&p, dir ? ECKD_READ_DATA : ECKD_WRITE_DATA, CCW_FLAG_IDA, REC_LEN,
			     addr(IDAL));
			run_ok(&p, orb, fmt ? "format-1 IDAL" : "format-2 IDAL");
			if (dir && memcmp(ptr(buf), want, REC_LEN))
				die("%s IDAL: record read back differs", fmt ? "format-1" : "format-2");
		}
		printf("image %s %u %u %u 1 %u\n", test_name, c, h, r, seed);
	}
	printf("ida: records %u/%u/5 (format-2, 4K) and %u/%u/6 (format-1, 2K) span pages, equal\n",
	       c, h, c, h);
}

/* A format-0 CCW: command, 24-bit address, flags, count. */
static void put_ccw0(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	if (cda >> 24)
		die("format-0 CCW address 0x%x above 16M", cda);
	p[0] = cmd;
	p[1] = cda >> 16;
	p[2] = cda >> 8;
	p[3] = cda;
	p[4] = flags;
	p[5] = 0;
	p[6] = count >> 8;
	p[7] = count;
}

/*
 * The record program in format 0.  Format-0 addresses are 24 bits, so
 * this test maps a second block of memory at IOVA 1M: the program at
 * +0, Define Extent at +0x100, Locate Record at +0x200, data at +4K.
 */
static void test_fmt0(void)
{
	const uint32_t low = 0x100000;
	unsigned int c = base_cyl, h = 3, r = 7, dir;
	uint8_t want[REC_LEN], *mem, *de, *lr;
	struct ccw_io_region rg;
	struct scsw_info s;
	int ret;

	mem = aligned_alloc(PAGE, 4 * PAGE);
	if (!mem)
		die("no memory");
	memset(mem, 0, 4 * PAGE);
	ret = vfio_map(&d, mem, low, 4 * PAGE);
	if (ret)
		die("map at 0x%x: %s", low, strerror(-ret));
	pattern(want, c, h, r);
	de = mem + 0x100;
	lr = mem + 0x200;
	for (dir = 0; dir < 2; dir++) {
		const char *what = dir ? "format-0 read" : "format-0 write";

		fill_de(de, dir ? DE_INHIBIT_WRITES : DE_PERMIT_UPDATE, c, h, c, h);
		fill_lr(lr, dir ? LR_READ_DATA : LR_WRITE_DATA, 1, c, h, r);
		if (dir)
			memset(mem + PAGE, 0, REC_LEN);
		else
			memcpy(mem + PAGE, want, REC_LEN);
		put_ccw0(mem, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, low + 0x100);
		put_ccw0(mem + 8, ECKD_LOCATE_RECORD, CCW_FLAG_CC, 16, low + 0x200);
		put_ccw0(mem + 16, dir ? ECKD_READ_DATA : ECKD_WRITE_DATA, 0, REC_LEN,
			 low + PAGE);
		ccw_region_start(&rg, low, ORB_DEFAULT & ~ORB_FMT1);
		ret = ccw_start(&io, &rg);
		if (ret)
			die("%s: start refused: %s", what, errno_name(-ret));
		if (ccw_wait_irq(&io, 5000) != 1)
			die("%s: no (or more than one) interrupt", what);
		ccw_fetch_result(&io, &s, what);
		ccw_expect_done(&s, low + 24, 0, what);
	}
	if (memcmp(mem + PAGE, want, REC_LEN))
		die("format-0: record read back differs");
	ret = vfio_unmap(&d, low, 4 * PAGE);
	if (ret)
		die("unmap: %s", strerror(-ret));
	free(mem);
	printf("image %s %u %u %u 1 %u\n", test_name, c, h, r, seed);
	printf("fmt0: record %u/%u/%u written and read with format-0 CCWs, equal\n", c, h, r);
}

/* Seek + Read Home Address + Read R0 + Read Count of R1..R12. */
static void test_count(void)
{
	unsigned int c = base_cyl + 1, h = 4, i;
	struct prog p;
	uint8_t *b;

	prog_init(&p);
	emit_seek(&p, c, h);
	memset(ptr(DATA), 0xee, PAGE);
	emit(&p, ECKD_READ_HA, CCW_FLAG_CC, 5, addr(DATA));
	/* R0: its count and 8 bytes of data; then the counts of R1-R12. */
	emit(&p, ECKD_READ_R0, CCW_FLAG_CC, 16, addr(DATA + 16));
	for (i = 1; i <= RECS_PER_TRK; i++)
		emit(&p, ECKD_READ_COUNT, i < RECS_PER_TRK ? CCW_FLAG_CC : 0, 8,
		     addr(DATA + 16 + 16 + 8 * (i - 1)));
	run_ok(&p, ORB_DEFAULT, "read count");
	b = ptr(DATA);
	if (get16(b + 1) != c || get16(b + 3) != h)
		die("home address %02x %02x%02x %02x%02x, expected cylinder %u head %u",
		    b[0], b[1], b[2], b[3], b[4], c, h);
	for (i = 0; i <= RECS_PER_TRK; i++) {
		uint8_t *cnt = b + 16 + (i ? 16 + 8 * (i - 1) : 0);
		unsigned int dl = get16(cnt + 6);

		if (get16(cnt) != c || get16(cnt + 2) != h ||
		    cnt[4] != i || cnt[5] || dl != (i ? REC_LEN : 8))
			die("count field %u: %02x%02x %02x%02x %02x %02x %04x", i,
			    cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5], dl);
	}
	printf("count: HA %u/%u, R0 (8 bytes) and R1-R12 (4096 bytes) as formatted\n", c, h);
}

/* Seek, Search ID Equal with a TIC back to it, Read Data. */
static void test_search(void)
{
	unsigned int c = base_cyl, h = 0, r = 9;
	uint8_t want[REC_LEN];
	struct prog p;

	rw_records(1, c, h, r, 1, "search: write");
	prog_init(&p);
	emit_seek(&p, c, h);
	emit_search_loop(&p, c, h, r);
	memset(ptr(DATA), 0, REC_LEN);
	emit(&p, ECKD_READ_DATA, 0, REC_LEN, addr(DATA));
	run_ok(&p, ORB_DEFAULT, "search");
	pattern(want, c, h, r);
	if (memcmp(ptr(DATA), want, REC_LEN))
		die("search: record read differs");
	printf("search: Seek + Search ID Equal + TIC loop found %u/%u/%u, data equal\n",
	       c, h, r);
}

/*
 * Run a program expected to end in unit check; return the sense bytes
 * (from the IRB's ECW under concurrent sense, else from a SENSE) and
 * whether they came concurrently.
 */
static int expect_unit_check(uint8_t *sns, const char *what)
{
	struct scsw_info s;
	int ret, cons;

	ret = run_prog(ORB_DEFAULT, &s, what);
	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
	if (!(s.dstat & DEV_STAT_UNIT_CHECK))
		die("%s: status 0x%02x/0x%02x without unit check", what, s.dstat, s.cstat);
	cons = ccw_concurrent_sense(&io, sns);
	if (!cons)
		sense(sns, what);
	return cons;
}

static void hex(char *out, const uint8_t *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02x ", b[i]);
	out[3 * n - 1] = 0;
}

static void after_error_usable(const char *what)
{
	sense_id(NULL, what);
	rw_records(0, base_cyl, 0, 9, 1, what);
}

static void test_err(const char *name)
{
	unsigned int c = base_cyl, want_byte, want_bit;
	uint8_t sns[32];
	char shex[100];
	struct prog p;
	int cons;

	/* A record to read back afterwards. */
	rw_records(1, c, 0, 9, 1, "error test: setup");
	prog_init(&p);
	if (!strcmp(name, "err_extent")) {
		/* Extent is track c:0 only; locate on c:1. */
		emit_de(&p, DE_INHIBIT_WRITES, c, 0, c, 0);
		emit_lr(&p, LR_READ_DATA, 1, c, 1, 1);
		emit(&p, ECKD_READ_DATA, 0, REC_LEN, addr(DATA));
		want_byte = 1;
		want_bit = SNS1_FILE_PROTECTED;
	} else if (!strcmp(name, "err_protect")) {
		/* Write Data 0x05: Hercules 3.13 ignores the mask for 0x85. */
		emit_de(&p, DE_INHIBIT_WRITES, c, 0, c, 0);
		emit_lr(&p, LR_WRITE_DATA, 1, c, 0, 9);
		memset(ptr(DATA), 0x77, REC_LEN);
		emit(&p, ECKD_WRITE_DATA, 0, REC_LEN, addr(DATA));
		want_byte = 0;
		want_bit = SNS0_CMD_REJECT;
	} else {
		emit_de(&p, DE_INHIBIT_WRITES, c, 0, c, 0);
		emit_lr(&p, LR_READ_DATA, 1, c, 0, 20);
		emit(&p, ECKD_READ_DATA, 0, REC_LEN, addr(DATA));
		want_byte = 1;
		want_bit = SNS1_NO_REC_FOUND;
	}
	cons = expect_unit_check(sns, name);
	hex(shex, sns, 8);
	if (!(sns[want_byte] & want_bit))
		die("%s: sense %s lacks byte %u bit 0x%02x", name, shex, want_byte, want_bit);
	after_error_usable(name);
	printf("%s: unit check, sense %s (%s), device usable, record intact\n", name, shex,
	       cons ? "concurrent, in the IRB" : "from SENSE");
}

/* Read Data with the wrong count and no SLI: incorrect length. */
static void test_err_length(void)
{
	unsigned int c = base_cyl, h = 0, r = 9, k;
	static const uint16_t counts[] = { 4000, 5000 };
	uint8_t want[REC_LEN];
	struct scsw_info s;
	char seen[64] = "";
	struct prog p;
	int ret;

	rw_records(1, c, h, r, 1, "length: setup");
	pattern(want, c, h, r);
	for (k = 0; k < ARRAY_SIZE(counts); k++) {
		prog_init(&p);
		emit_de(&p, DE_INHIBIT_WRITES, c, h, c, h);
		emit_lr(&p, LR_READ_DATA, 1, c, h, r);
		memset(ptr(DATA), 0x5a, 2 * PAGE);
		emit(&p, ECKD_READ_DATA, 0, counts[k], addr(DATA));
		ret = run_prog(ORB_DEFAULT, &s, "wrong length");
		if (ret)
			die("wrong length: start refused: %s", errno_name(-ret));
		if (!(s.cstat & 0x40))
			die("count %u: subchannel status 0x%02x lacks incorrect length",
			    counts[k], s.cstat);
		if (s.dstat & DEV_STAT_UNIT_CHECK)
			die("count %u: unexpected unit check", counts[k]);
		if (counts[k] < REC_LEN) {
			if (memcmp(ptr(DATA), want, counts[k]) || ptr(DATA)[counts[k]] != 0x5a)
				die("count %u: data not bounded by the count", counts[k]);
		} else {
			if (memcmp(ptr(DATA), want, REC_LEN) || ptr(DATA)[REC_LEN] != 0x5a)
				die("count %u: record not delivered whole", counts[k]);
			if (s.count != counts[k] - REC_LEN)
				die("count %u: residual %u, expected %u", counts[k], s.count,
				    counts[k] - REC_LEN);
		}
		snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%u: IL resid %u",
			 k ? ", " : "", counts[k], s.count);
	}
	after_error_usable("length");
	printf("err_length: %s; data bounded; device usable\n", seen);
}

/*
 * HSCH or CSCH of a program that runs until stopped: Seek, then a loop
 * of Search ID Equal (+ TIC back until found) and Read Data.
 */
static void test_stop(int clear)
{
	unsigned int c = base_cyl, h = 0, r = 9;
	const char *what = clear ? "clear" : "halt";
	struct scsw_info s;
	struct ccw_io_region rg;
	struct prog p;
	uint64_t n;
	int ret;

	rw_records(1, c, h, r, 1, "stop: setup");
	prog_init(&p);
	emit_seek(&p, c, h);						/* 0 */
	emit_search_loop(&p, c, h, r);					/* 8, 16 */
	emit(&p, ECKD_READ_DATA, CCW_FLAG_CC, REC_LEN, addr(DATA));	/* 24 */
	emit(&p, CCW_CMD_TIC, 0, 0, addr(PROG + 8));			/* 32 */
	ccw_region_start(&rg, addr(PROG), ORB_DEFAULT);
	ret = ccw_start(&io, &rg);
	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
	ccw_expect_no_irq(&io, 200, "endless program");
	ret = ccw_async_cmd(&d, clear ? VFIO_CCW_ASYNC_CMD_CSCH : VFIO_CCW_ASYNC_CMD_HSCH);
	if (ret)
		die("%s: async command: %s", what, errno_name(-ret));
	n = ccw_wait_irq(&io, 5000);
	if (!n)
		die("%s: no interrupt within 5 s", what);
	ccw_fetch_result(&io, &s, what);
	if (!(s.fctl & (clear ? SCSW_FCTL_CLEAR : SCSW_FCTL_HALT)))
		die("%s: function control 0x%x lacks the %s function", what, s.fctl, what);
	if (!(s.stctl & SCSW_STCTL_PENDING))
		die("%s: status control 0x%02x not pending", what, s.stctl);
	/* A guest address of the loop (CCWs at +0..+32), or none. */
	if (s.cpa && (s.cpa < addr(PROG) || s.cpa > addr(PROG) + 48))
		die("%s: CPA 0x%08x is not in the program", what, s.cpa);
	after_error_usable(what);
	printf("%s: running program stopped (scsw %08x, cpa %08x, %llu interrupt%s), "
	       "device usable\n", what, s.word0, s.cpa, (unsigned long long)n,
	       n == 1 ? "" : "s");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Sequential tracks, one program per track, written then read. */
static void test_bench(unsigned int cyls)
{
	unsigned int c, h, tracks = cyls * geo.heads;
	double t0, tw, tr;
	double mb = tracks * (double)RECS_PER_TRK * REC_LEN / 1e6;

	if (base_cyl + cyls > geo.cyls)
		die("bench: cylinders %u-%u beyond the volume's %u", base_cyl,
		    base_cyl + cyls - 1, geo.cyls);

	t0 = now();
	for (c = base_cyl; c < base_cyl + cyls; c++)
		for (h = 0; h < geo.heads; h++)
			rw_records(1, c, h, 1, RECS_PER_TRK, "bench write");
	tw = now() - t0;
	t0 = now();
	for (c = base_cyl; c < base_cyl + cyls; c++)
		for (h = 0; h < geo.heads; h++)
			rw_records(0, c, h, 1, RECS_PER_TRK, "bench read");
	tr = now() - t0;
	printf("eckd bench: %u tracks (%.1f MB): write %.2f MB/s, read %.2f MB/s\n",
	       tracks, mb, mb / tw, mb / tr);
}

static void eckd_open(const char *path)
{
	base_cyl = vfio_env_ul("VFIO_CCW_ECKD_CYL", 1);
	seed = vfio_env_ul("VFIO_CCW_ECKD_SEED", 1);
	if (!base_cyl)
		die("VFIO_CCW_ECKD_CYL=0 would overwrite the volume label");
	/*
	 * The cdev variant writes cylinders and a pattern of its own: data
	 * it failed to write is not there from the container's run.
	 */
	if (!strcmp(path, "cdev")) {
		base_cyl += 4;
		seed += 1;
	}
	vfio_open_env(&d, path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

static void eckd_close(void)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("closing", 1);
}

FIXTURE(eckd) {
	int unused;
};

VFIO_CCW_PATHS(eckd);

FIXTURE_SETUP(eckd)
{
	eckd_open(variant->path);
}

FIXTURE_TEARDOWN(eckd)
{
	eckd_close();
}

/* Hercules is slow: a test may take minutes on a TCG host. */
static char test_label[64];

#define ECKD_TEST(name_, probe, ...)					\
	TEST_F_TIMEOUT(eckd, name_, 300)				\
	{								\
		snprintf(test_label, sizeof(test_label), "%s.%s",	\
			 variant->path, #name_);			\
		test_name = test_label;					\
		if (probe)						\
			probe_geometry();				\
		__VA_ARGS__;						\
	}

ECKD_TEST(ident, 0, test_ident())
ECKD_TEST(record, 1, test_rw(base_cyl, 0, 1, 1, "record"))
ECKD_TEST(track, 1, test_rw(base_cyl, 5, 1, RECS_PER_TRK, "track"))
ECKD_TEST(tracks, 1, test_rw(base_cyl + 1, geo.heads - 2, 1, 5 * RECS_PER_TRK, "tracks"))
ECKD_TEST(chain, 1, test_rw(base_cyl + 2, 3, 7, MAX_CCWS - 2, "chain"))
ECKD_TEST(datachain, 1, test_datachain())
ECKD_TEST(ida, 1, test_ida())
ECKD_TEST(fmt0, 1, test_fmt0())
ECKD_TEST(count, 1, test_count())
ECKD_TEST(search, 1, test_search())
ECKD_TEST(err_extent, 1, test_err("err_extent"))
ECKD_TEST(err_protect, 1, test_err("err_protect"))
ECKD_TEST(err_norec, 1, test_err("err_norec"))
ECKD_TEST(err_length, 1, test_err_length())
ECKD_TEST(halt, 1, test_stop(0))
ECKD_TEST(clear, 1, test_stop(1))

FIXTURE(bench) {
	int unused;
};

FIXTURE_SETUP(bench)
{
	eckd_open("container");
}

FIXTURE_TEARDOWN(bench)
{
	eckd_close();
}

TEST_F_TIMEOUT(bench, bench, 1800)
{
	test_name = "bench";
	probe_geometry();
	test_bench(vfio_env_ul("VFIO_CCW_ECKD_CYLS", 2));
}

TEST_HARNESS_MAIN
