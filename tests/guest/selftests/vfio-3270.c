// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-3270: a client of a local non-SNA 3270 display (Hercules' 3270
 * device: a 3278 behind a 3274) driven through the vfio-ccw uAPI only; a
 * kselftest-harness program (selftest.h).  Fixture "display", through
 * the container and the cdev:
 *
 *   not_ready  no terminal is connected: ERASE/WRITE and NOP end in a
 *              unit check whose sense says intervention required, and
 *              the device still answers SENSE ID as sysfs says it does
 *   session    the host connects a tn3270 client (s3270): the device end
 *              it causes reaches us while the device is idle, as
 *              unsolicited status; an invalid command (a read, 0x32, with
 *              a data area) ends in a unit check, command reject, nothing
 *              stored; we ERASE/WRITE a screen with an input field; the
 *              host checks the screen, types into the field and presses
 *              Enter: unsolicited attention; READ MODIFIED returns the
 *              Enter AID, the cursor and the field as typed; our reply
 *              (a WRITE that unlocks the keyboard) is on the screen when
 *              the host disconnects; then the device is not ready again
 *
 * The host acts on lines this program prints (tests/vm/tn3270.py):
 *   @@TN3270 CONNECT|TYPE|DISCONNECT <devno> <tag> <variant>
 * types "TYPED <TAG> <VARIANT>" and checks the screens.  No status the
 * device did not ask for may arrive: a start's interrupt is the start's
 * only one.  For our driver no page may stay pinned once the device is
 * closed.
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
#define MEM_SIZE	(64u << 10)

#define PROG		0x0000
#define SENSEBUF	0x1000
#define SCREEN		(0x4000 - 40)	/* the data stream, across a page */
#define INBOUND		(0x6000 - 3)	/* READ MODIFIED's area, across a page */

/* Local 3270 channel commands. */
#define L3270_WRITE		0x01
#define L3270_NOP		0x03
#define L3270_SENSE		0x04
#define L3270_ERASE_WRITE	0x05
#define L3270_READ_MODIFIED	0x06
#define L3270_INVALID		0x32

#define SENSE_CMD_REJECT	0x80
#define SENSE_INTERVENTION	0x40

/* Outbound data stream: write control character and orders. */
#define WCC_RESET_KBD_MDT	0xc3	/* reset, restore keyboard, reset MDTs */
#define ORDER_SF		0x1d	/* start field + attribute byte */
#define ORDER_SBA		0x11	/* set buffer address + 2 bytes */
#define ORDER_IC		0x13	/* insert cursor */
#define ATTR_PROTECTED		0x60
#define ATTR_UNPROTECTED	0x40
#define AID_ENTER		0x7d

#define COLS		80
#define LABEL_ADDR	(2 * COLS)	/* "TYPE HERE:" */
#define FIELD_ATTR	(LABEL_ADDR + 11)
#define FIELD_ADDR	(FIELD_ATTR + 1)
#define FIELD_LEN	30
#define REPLY_ADDR	(4 * COLS)	/* "RECEIVED ..." */
#define INBOUND_LEN	256

static struct ccw_io io;
static struct vfio_dev d;
static const char *tag = "ours";
static const char *devno = "0.0.0700";

static uint32_t addr(size_t off)
{
	return ccw_io_addr(&io, off);
}

static uint8_t *ptr(size_t off)
{
	return ccw_io_ptr(&io, off);
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
}

/* What the host types into the field: "TYPED <TAG> <VARIANT>". */
static void typed_text(char *out, size_t sz, const char *variant)
{
	snprintf(out, sz, "TYPED %s %s", tag, variant);
	upper(out);
}

static void host(const char *what, const char *variant)
{
	printf("@@TN3270 %s %s %s %s\n", what, devno, tag, variant);
}

/* Start the one-CCW program at PROG; its interrupt's SCSW. */
static void run1(uint8_t cmd, uint8_t flags, uint16_t count, size_t data,
		 struct scsw_info *s, const char *what)
{
	ccw_put(&io, PROG, cmd, flags, count, count ? addr(data) : 0);
	if (ccw_run(&io, addr(PROG), ORB_DEFAULT, s, what))
		die("%s: start refused", what);
}

/* SENSE: the 3270's one sense byte. */
static uint8_t sense_byte(const char *what)
{
	struct scsw_info s;

	ccw_fill(&io, SENSEBUF, 64);
	run1(L3270_SENSE, CCW_FLAG_SLI, 32, SENSEBUF, &s, what);
	ccw_expect_done(&s, addr(PROG + 8), s.count, what);
	if (s.count >= 32)
		die("%s: SENSE stored nothing", what);
	ccw_expect_untouched(&io, SENSEBUF + 32 - s.count, 32 + s.count, what);
	return *ptr(SENSEBUF);
}

/* A unit check whose sense byte (concurrent, else from SENSE) has @bit set. */
static void expect_unit_check(const struct scsw_info *s, uint8_t bit, const char *what)
{
	uint8_t sns[32], b;
	int cons;

	if (!(s->dstat & DEV_STAT_UNIT_CHECK) || s->cstat)
		die("%s: status 0x%02x/0x%02x, expected a unit check", what, s->dstat, s->cstat);
	if (!(s->fctl & SCSW_FCTL_START))
		die("%s: function control 0x%x lacks start", what, s->fctl);
	cons = ccw_concurrent_sense(&io, sns);
	b = cons ? sns[0] : sense_byte(what);
	if (!(b & bit))
		die("%s: sense byte 0x%02x lacks 0x%02x (%s)", what, b, bit,
		    cons ? "concurrent sense" : "SENSE");
	printf("%s: unit check, status 0x%02x, sense 0x%02x (%s)\n", what, s->dstat, b,
	       cons ? "concurrent sense" : "SENSE");
}

/* SENSE ID: what sysfs says of the device (VFIO_CCW_CUTYPE/DEVTYPE). */
static void ident(const char *what)
{
	ccw_expect_sense_id(&io, PROG, SENSEBUF, getenv("VFIO_CCW_CUTYPE"),
			    getenv("VFIO_CCW_DEVTYPE"), what);
}

/*
 * After the host was told to disconnect: NOPs until one ends in the
 * unit check of a device without a terminal (at most 30 s).  An
 * unsolicited status the disconnect causes is taken on the way.
 */
static void wait_not_ready(const char *what)
{
	struct timespec t = { 0, 200 * 1000 * 1000 };
	struct ccw_io_region r;
	struct scsw_info s;
	int tries;

	for (tries = 0; tries < 150; tries++) {
		ccw_put(&io, PROG, L3270_NOP, 0, 0, 0);
		ccw_region_start(&r, addr(PROG), ORB_DEFAULT);
		if (ccw_start(&io, &r))
			die("%s: NOP refused", what);
		if (!ccw_wait_irq(&io, 5000))
			die("%s: no interrupt for the NOP", what);
		ccw_fetch_result(&io, &s, what);
		if (!s.fctl) {
			/* the disconnect's status, before the NOP's */
			printf("%s: unsolicited status 0x%02x on disconnect\n", what, s.dstat);
			if (!ccw_wait_irq(&io, 5000))
				die("%s: no interrupt for the NOP", what);
			ccw_fetch_result(&io, &s, what);
		}
		if (s.dstat & DEV_STAT_UNIT_CHECK) {
			expect_unit_check(&s, SENSE_INTERVENTION, what);
			return;
		}
		ccw_expect_done(&s, addr(PROG + 8), 0, what);
		nanosleep(&t, NULL);
	}
	die("%s: the terminal is still connected after 30 s", what);
}

static void test_not_ready(void)
{
	struct scsw_info s;

	ident("sense id");
	*ptr(SCREEN) = WCC_RESET_KBD_MDT;
	run1(L3270_ERASE_WRITE, CCW_FLAG_SLI, 1, SCREEN, &s, "erase/write, no terminal");
	expect_unit_check(&s, SENSE_INTERVENTION, "erase/write, no terminal");
	run1(L3270_NOP, 0, 0, 0, &s, "nop, no terminal");
	expect_unit_check(&s, SENSE_INTERVENTION, "nop, no terminal");
	ident("sense id after the unit checks");
}

static void reject(void)
{
	struct scsw_info s;

	ccw_fill(&io, INBOUND, 64);
	run1(L3270_INVALID, CCW_FLAG_SLI, 16, INBOUND, &s, "invalid command 0x32");
	expect_unit_check(&s, SENSE_CMD_REJECT, "invalid command 0x32");
	ccw_expect_untouched(&io, INBOUND, 64, "invalid command 0x32");
}

/* The 14-bit binary form of a buffer address, as an order's operand. */
static size_t put_addr(uint8_t *p, unsigned int a)
{
	p[0] = a >> 8;
	p[1] = a & 0xff;
	return 2;
}

/* An inbound address: 14-bit binary or 12-bit coded. */
static unsigned int get_addr(const uint8_t *p)
{
	if (!(p[0] & 0xc0))
		return (p[0] & 0x3f) << 8 | p[1];
	return (p[0] & 0x3f) << 6 | (p[1] & 0x3f);
}

/* The screen: a protected title, a label and an input field. */
static size_t build_screen(const char *variant)
{
	uint8_t *p = ptr(SCREEN);
	char title[64];
	size_t n = 0;

	snprintf(title, sizeof(title), "VFIO-CCW %s %s 3270", tag, variant);
	upper(title);
	p[n++] = WCC_RESET_KBD_MDT;
	p[n++] = ORDER_SF;
	p[n++] = ATTR_PROTECTED;
	ccw_put_ebcdic(&io, SCREEN + n, title, strlen(title));
	n += strlen(title);
	p[n++] = ORDER_SBA;
	n += put_addr(p + n, LABEL_ADDR);
	p[n++] = ORDER_SF;
	p[n++] = ATTR_PROTECTED;
	ccw_put_ebcdic(&io, SCREEN + n, "TYPE HERE:", 10);
	n += 10;
	p[n++] = ORDER_SF;		/* at FIELD_ATTR */
	p[n++] = ATTR_UNPROTECTED;
	p[n++] = ORDER_IC;
	p[n++] = ORDER_SBA;
	n += put_addr(p + n, FIELD_ADDR + FIELD_LEN);
	p[n++] = ORDER_SF;
	p[n++] = ATTR_PROTECTED;
	return n;
}

static void expect_inbound(const struct scsw_info *s, const char *variant)
{
	const char *what = "read modified";
	char text[FIELD_LEN + 1];
	uint8_t *p = ptr(INBOUND);
	size_t len, i, want;

	typed_text(text, sizeof(text), variant);
	len = strlen(text);
	want = 6 + len;		/* AID, cursor, SBA + address, the field */
	ccw_expect_done(s, addr(PROG + 8), INBOUND_LEN - want, what);
	if (p[0] != AID_ENTER)
		die("%s: AID 0x%02x, not Enter (0x7d)", what, p[0]);
	if (get_addr(p + 1) != FIELD_ADDR + len)
		die("%s: cursor at %u, not %zu", what, get_addr(p + 1), FIELD_ADDR + len);
	if (p[3] != ORDER_SBA || get_addr(p + 4) != FIELD_ADDR)
		die("%s: field at %02x %u, not SBA %u", what, p[3], get_addr(p + 4), FIELD_ADDR);
	for (i = 0; i < len; i++)
		if (p[6 + i] != ccw_ebcdic(text[i]))
			die("%s: byte %zu of the field is 0x%02x, not the EBCDIC of '%c'",
			    what, i, p[6 + i], text[i]);
	ccw_expect_untouched(&io, INBOUND + want, INBOUND_LEN - want + 64, what);
	printf("%s: Enter, cursor %zu, '%s' at %u\n", what, FIELD_ADDR + len, text, FIELD_ADDR);
}

/* Our answer on line 5: "RECEIVED <what was typed>"; unlocks the keyboard. */
static size_t build_reply(const char *variant)
{
	uint8_t *p = ptr(SCREEN);
	char text[64], typed[FIELD_LEN + 1];
	size_t n = 0;

	typed_text(typed, sizeof(typed), variant);
	snprintf(text, sizeof(text), "RECEIVED %s", typed);
	p[n++] = WCC_RESET_KBD_MDT;
	p[n++] = ORDER_SBA;
	n += put_addr(p + n, REPLY_ADDR);
	p[n++] = ORDER_SF;
	p[n++] = ATTR_PROTECTED;
	ccw_put_ebcdic(&io, SCREEN + n, text, strlen(text));
	return n + strlen(text);
}

static void test_session(const char *variant)
{
	struct scsw_info s;
	size_t n;

	ccw_expect_no_irq(&io, 200, "idle, before the terminal connects");
	host("CONNECT", variant);
	ccw_expect_unsolicited(&io, DEV_STAT_DEV_END, 60000, "terminal connected");
	reject();
	n = build_screen(variant);
	run1(L3270_ERASE_WRITE, 0, n, SCREEN, &s, "erase/write the screen");
	ccw_expect_done(&s, addr(PROG + 8), 0, "erase/write the screen");
	ccw_fill(&io, INBOUND, INBOUND_LEN + 64);
	host("TYPE", variant);
	ccw_expect_unsolicited(&io, DEV_STAT_ATTENTION, 60000, "Enter pressed");
	run1(L3270_READ_MODIFIED, CCW_FLAG_SLI, INBOUND_LEN, INBOUND, &s, "read modified");
	expect_inbound(&s, variant);
	n = build_reply(variant);
	run1(L3270_WRITE, 0, n, SCREEN, &s, "write the reply");
	ccw_expect_done(&s, addr(PROG + 8), 0, "write the reply");
	host("DISCONNECT", variant);
	wait_not_ready("terminal disconnected");
}

FIXTURE(display) {
	int unused;
};

VFIO_CCW_PATHS(display);

FIXTURE_SETUP(display)
{
	if (getenv("VFIO_CCW_TAG"))
		tag = getenv("VFIO_CCW_TAG");
	if (getenv("VFIO_CCW_DEVNO"))
		devno = getenv("VFIO_CCW_DEVNO");
	vfio_open_env(&d, variant->path);
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
}

FIXTURE_TEARDOWN(display)
{
	ccw_io_fini(&io);
	vfio_close(&d);
	vfio_ccw_expect_unpinned("closing", 1);
}

TEST_F_TIMEOUT(display, not_ready, 120)
{
	test_not_ready();
}

TEST_F_TIMEOUT(display, session, 300)
{
	test_session(variant->path);
}

TEST_HARNESS_MAIN
