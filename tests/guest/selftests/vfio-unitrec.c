// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-unitrec: clients of the unit-record devices Hercules emulates
 * (a 3505 card reader, a 1403 printer, a 3525 card punch), driven
 * through the vfio-ccw uAPI only; a kselftest-harness program
 * (selftest.h).  One fixture per device, each through the container and
 * the cdev; run one with -f reader|printer|punch on its subchannel:
 *
 *   reader   SENSE ID, then the variant's three cards: one READ of 80
 *            bytes into an area across a page, then two cards in one
 *            command-chained program; the cards must be the EBCDIC of
 *            the lines the host wrote into the reader's file
 *            (tests/vm/unitrec.py); the cdev variant, the last, then
 *            reads again: unit exception with incorrect length,
 *            residual 80, nothing stored
 *   printer  SENSE ID, then skip to channel 1, lines written with one
 *            and with two lines of spacing, write without spacing
 *            followed by an immediate space, all in EBCDIC
 *   punch    SENSE ID, then three cards of 80 bytes, one across a page
 *
 * The lines and cards carry VFIO_CCW_UR_TAG (the driver's name) and the
 * variant, so that the host can find each run's part of the printer and
 * punch files; each run prints one line
 *   unitrec DEVICE TAG VARIANT
 * for the host, which checks that part after Hercules has shut down.
 * For our driver no page may stay pinned once the device is closed.
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

#define UR_READ			0x02
#define UR_WRITE		0x01	/* punch: write a card; printer: no spacing */
#define PRT_WRITE_SPACE1	0x09
#define PRT_WRITE_SPACE2	0x11
#define PRT_SPACE1		0x0b
#define PRT_SKIP_CH1		0x8b
#define CARD		80
#define SCHN_STAT_INCORR_LEN	0x40

static struct ccw_io io;
static struct vfio_dev d;
static const char *tag = "ours";

static uint32_t addr(size_t off)
{
	return ccw_io_addr(&io, off);
}

static uint8_t *ptr(size_t off)
{
	return ccw_io_ptr(&io, off);
}

/* What the host wrote: "<TAG> <VARIANT> <WHAT> <n>", upper case. */
static void line_text(char *out, size_t sz, const char *variant, const char *what, int n)
{
	size_t i;

	snprintf(out, sz, "%s %s %s %d", tag, variant, what, n);
	for (i = 0; out[i]; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] -= 'a' - 'A';
}

static void expect_done(struct scsw_info *s, size_t end, uint16_t residual, const char *what)
{
	ccw_expect_done(s, addr(end), residual, what);
}

static void run(size_t end, uint16_t residual, const char *what)
{
	struct scsw_info s;
	int ret = ccw_run(&io, addr(PROG), ORB_DEFAULT, &s, what);

	if (ret)
		die("%s: start refused: %s", what, errno_name(-ret));
	expect_done(&s, end, residual, what);
}

static void expect_card(size_t off, const char *variant, int n, const char *what)
{
	char text[CARD + 1];
	uint8_t want[CARD];
	size_t i, len;

	line_text(text, sizeof(text), variant, "card", n);
	len = strlen(text);
	for (i = 0; i < CARD; i++)
		want[i] = i < len ? ccw_ebcdic(text[i]) : 0x40;
	if (memcmp(ptr(off), want, CARD))
		die("%s: card %d is not the EBCDIC of '%s'", what, n, text);
	ccw_expect_untouched(&io, off + CARD, 64, what);
}

static void test_reader(const char *variant)
{
	size_t c1 = DATA + PAGE - 40, c2 = DATA + 2 * PAGE, c3 = DATA + 3 * PAGE - 8;
	struct scsw_info s;
	uint8_t id[7];

	ccw_sense_id_min(&io, PROG, SENSEBUF, 4, id, "sense id");
	ccw_fill(&io, DATA, 4 * PAGE);
	ccw_put(&io, PROG, UR_READ, 0, CARD, addr(c1));
	run(PROG + 8, 0, "read card 1 (across a page)");
	expect_card(c1, variant, 1, "read card 1");
	ccw_put(&io, PROG, UR_READ, CCW_FLAG_CC, CARD, addr(c2));
	ccw_put(&io, PROG + 8, UR_READ, 0, CARD, addr(c3));
	run(PROG + 16, 0, "read cards 2 and 3 (command chained)");
	expect_card(c2, variant, 2, "read card 2");
	expect_card(c3, variant, 3, "read card 3");
	if (strcmp(variant, "cdev")) {
		printf("reader: %02x%02x-%02x/%02x%02x-%02x, 3 cards\n",
		       id[1], id[2], id[3], id[4], id[5], id[6]);
		return;
	}
	/* The last variant's file has no more cards: unit exception. */
	ccw_fill(&io, c1, CARD);
	ccw_put(&io, PROG, UR_READ, 0, CARD, addr(c1));
	if (ccw_run(&io, addr(PROG), ORB_DEFAULT, &s, "read past the last card"))
		die("read past the last card: start refused");
	/* No data and no SLI: incorrect length as well. */
	if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_EXCEP) ||
	    s.cstat != SCHN_STAT_INCORR_LEN)
		die("read past the last card: status 0x%02x/0x%02x, not 0x0d/0x40", s.dstat, s.cstat);
	if (s.count != CARD)
		die("read past the last card: residual %u, not %u", s.count, CARD);
	ccw_expect_untouched(&io, c1, CARD, "read past the last card");
	printf("reader: %02x%02x-%02x/%02x%02x-%02x, 3 cards, then unit exception, residual 80\n",
	       id[1], id[2], id[3], id[4], id[5], id[6]);
}

static void print_line(uint8_t cmd, const char *variant, int n, size_t off, const char *what)
{
	char text[64];

	line_text(text, sizeof(text), variant, "line", n);
	ccw_put_ebcdic(&io, off, text, 60);
	ccw_put(&io, PROG, cmd, 0, 60, addr(off));
	run(PROG + 8, 0, what);
}

static void test_printer(const char *variant)
{
	uint8_t id[7];

	ccw_sense_id_min(&io, PROG, SENSEBUF, 4, id, "sense id");
	ccw_put(&io, PROG, PRT_SKIP_CH1, 0, 0, 0);
	run(PROG + 8, 0, "skip to channel 1");
	print_line(PRT_WRITE_SPACE1, variant, 1, DATA + PAGE - 30, "line 1, space 1 (across a page)");
	print_line(PRT_WRITE_SPACE2, variant, 2, DATA + PAGE, "line 2, space 2");
	print_line(UR_WRITE, variant, 3, DATA + 2 * PAGE, "line 3, no spacing");
	ccw_put(&io, PROG, PRT_SPACE1, 0, 0, 0);
	run(PROG + 8, 0, "space 1 immediate");
	printf("unitrec printer %s %s\n", tag, variant);
	printf("printer: %02x%02x-%02x/%02x%02x-%02x, 3 lines\n",
	       id[1], id[2], id[3], id[4], id[5], id[6]);
}

static void test_punch(const char *variant)
{
	size_t off[3] = { DATA + PAGE - 20, DATA + 2 * PAGE, DATA + 3 * PAGE };
	char text[CARD + 1];
	uint8_t id[7];
	int i;

	ccw_sense_id_min(&io, PROG, SENSEBUF, 4, id, "sense id");
	for (i = 0; i < 3; i++) {
		line_text(text, sizeof(text), variant, "punch", i + 1);
		ccw_put_ebcdic(&io, off[i], text, CARD);
		ccw_put(&io, PROG, UR_WRITE, 0, CARD, addr(off[i]));
		run(PROG + 8, 0, "punch a card");
	}
	printf("unitrec punch %s %s\n", tag, variant);
	printf("punch: %02x%02x-%02x/%02x%02x-%02x, 3 cards\n",
	       id[1], id[2], id[3], id[4], id[5], id[6]);
}

static void ur_open(const char *path)
{
	if (getenv("VFIO_CCW_UR_TAG"))
		tag = getenv("VFIO_CCW_UR_TAG");
	vfio_open_env(&d, path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

static void ur_close(void)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("closing", 1);
}

#define UR_FIXTURE(name_)						\
	FIXTURE(name_) {						\
		int unused;						\
	};								\
	VFIO_CCW_PATHS(name_);						\
	FIXTURE_SETUP(name_)						\
	{								\
		ur_open(variant->path);					\
	}								\
	FIXTURE_TEARDOWN(name_)						\
	{								\
		ur_close();						\
	}								\
	TEST_F_TIMEOUT(name_, name_, 300)				\
	{								\
		test_##name_(variant->path);				\
	}

UR_FIXTURE(reader)
UR_FIXTURE(printer)
UR_FIXTURE(punch)

TEST_HARNESS_MAIN
