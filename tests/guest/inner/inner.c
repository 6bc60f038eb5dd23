// SPDX-License-Identifier: GPL-2.0
/*
 * The inner guest of tests/guest/suites/nested.sh: a bare-metal s390x
 * program that the guest's own QEMU starts with -kernel, with the device
 * under test passed through by -device vfio-ccw as its only subchannel.
 * (A Linux inner guest was too slow for the bench: emulation inside
 * emulation took more than 300 s to print its first line.)
 *
 * It finds the subchannel, enables it and starts one channel program of
 * two segments: SENSE ID, command-chained through a TIC in another page
 * to a virtio READ_CONF of the first 8 bytes of the virtio-blk
 * configuration, the capacity in 512-byte sectors.  The start goes
 * through QEMU's vfio-ccw device into the driver under test in the
 * guest outside, which runs it on the device there.
 *
 * It has no console.  It reports by loading a disabled-wait PSW, which
 * QEMU logs when run with -d guest_errors ("PSW: 0x<mask> 0x<address>"):
 *  - the PSW key (mask bits 8-11) is the step that failed, 0 for none;
 *  - the program mask (bits 20-23) holds flags: FLAG_LE when the
 *    capacity was little-endian (a virtio revision 1 configuration);
 *  - the address is, after success, the control unit type (16 bits) and
 *    model (8), the device type (16) and model (8) and the capacity (16);
 *    after a failure, what the step saw (a condition code, SCSW words).
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;

#define __packed		__attribute__((packed))
#define __aligned(n)		__attribute__((aligned(n)))
#define __noreturn		__attribute__((noreturn))

enum step {
	STEP_OK,
	STEP_FIND,		/* no subchannel with a device: last cc */
	STEP_MSCH,		/* MSCH to enable it: cc */
	STEP_ENABLE,		/* still disabled after MSCH: PMCW word 1 */
	STEP_SSCH,		/* SSCH: cc */
	STEP_TSCH,		/* TSCH: cc 3, the subchannel went away */
	STEP_TIMEOUT,		/* no primary status in 60 s: SCSW words 0, 2 */
	STEP_STATUS,		/* not channel end + device end: SCSW words 0, 2 */
	STEP_SENSE_ID,		/* no 0xff in byte 0: the first 8 bytes */
	STEP_CAPACITY,		/* no 16-bit capacity either way: the bytes */
	STEP_PROGRAM = 15,	/* program check: code << 32 | old PSW address */
};

#define FLAG_LE		1

#define SCHID_ONE	0x00010000	/* subchannel id word: the "one" bit */
#define PMCW_ENA	0x00800000	/* PMCW word 1: enabled */
#define PMCW_DNV	0x00010000	/* PMCW word 1: device number valid */
/* ORB word 1: format-1 CCWs, prefetch, format-2 IDAWs, all paths */
#define ORB_FMT1_PFCH_C64_LPM	0x00c2ff00
#define SCSW_STCTL_PRIMARY	0x04
#define DEV_STAT_CE		0x08
#define DEV_STAT_DE		0x04

#define CCW_CMD_SENSE_ID	0xe4
#define CCW_CMD_TIC		0x08
#define CCW_CMD_READ_CONF	0x22	/* virtio-ccw */
#define CCW_FLAG_CC		0x40
#define CCW_FLAG_SLI		0x20

/* TOD clock: bit 51 is one microsecond */
#define TOD_SECOND		(1000000UL << 12)

struct pmcw {
	u32 intparm;
	u32 w1;		/* isc, ena, dnv, devno, ... */
	u32 w2_7[5];
} __packed __aligned(4);

struct scsw {
	u32 w0;		/* key, flags, fctl, actl, stctl */
	u32 cpa;
	u32 w2;		/* dstat, cstat, count */
} __packed __aligned(4);

struct schib {
	struct pmcw pmcw;
	struct scsw scsw;
	u8 mda[12];
} __packed __aligned(4);

struct irb {
	struct scsw scsw;
	u8 esw[20];
	u8 ecw[32];
	u8 emw[32];
} __packed __aligned(4);

struct orb {
	u32 intparm;
	u32 w1;
	u32 cpa;
	u32 w3_7[5];
} __packed __aligned(4);

struct ccw1 {
	u8 cmd;
	u8 flags;
	u16 count;
	u32 cda;
} __packed __aligned(8);

struct psw {
	u64 mask;
	u64 addr;
} __aligned(8);

/* the stacks _start and the program-check entry run on */
u8 boot_stack[16384] __aligned(8);
u8 pgm_stack[4096] __aligned(8);

asm("	.section .text.start,\"ax\"\n"
    "	.globl	_start\n"
    "_start:\n"
    "	larl	%r15,boot_stack+16384-160\n"
    "	brasl	%r14,inner_main\n"
    "0:	j	0b\n"
    "	.globl	pgm_entry\n"
    "pgm_entry:\n"
    "	larl	%r15,pgm_stack+4096-160\n"
    "	brasl	%r14,program_check\n"
    "1:	j	1b\n"
    "	.previous\n");

void pgm_entry(void);
void inner_main(void);
void program_check(void);

/* the channel program: two segments, in pages of their own */
static struct ccw1 seg1[2] __aligned(4096);
static struct ccw1 seg2[1] __aligned(4096);
static u8 senseid[256] __aligned(8);
static u8 conf[8] __aligned(8);
static struct orb orb;
static struct schib schib;
static struct irb irb;
static struct psw done;

static void __noreturn report(enum step step, u64 flags, u64 addr)
{
	done.mask = (u64)step << 52 | flags << 40 | 0x0002000180000000UL;
	done.addr = addr;
	asm volatile("	lpswe	%0\n" : : "Q" (done) : "memory");
	__builtin_unreachable();
}

/* The lowcore at absolute 0, through a pointer the compiler cannot see. */
static u8 *lowcore(void)
{
	u8 *p = 0;

	asm("" : "+a" (p));
	return p;
}

void program_check(void)
{
	u8 *lc = lowcore();
	u16 code = *(volatile u16 *)(lc + 0x8e);
	u64 old = *(volatile u64 *)(lc + 0x158);

	report(STEP_PROGRAM, 0, (u64)code << 32 | (old & 0xffffffff));
}

/*
 * The I/O instructions, subchannel id in GPR 1, operand at *p, each
 * returning its condition code; "memory" covers what they read and store.
 */
#define SCH_INSN(insn, type)						\
static int insn(u32 schid, type *p)					\
{									\
	register unsigned long r1 asm("1") = schid;			\
	int cc;								\
									\
	asm volatile("	" #insn "	0(%[p])\n"			\
		     "	ipm	%[cc]\n"				\
		     "	srl	%[cc],28\n"				\
		     : [cc] "=&d" (cc) : "d" (r1), [p] "a" (p)		\
		     : "cc", "memory");					\
	return cc;							\
}

SCH_INSN(stsch, struct schib)
SCH_INSN(msch, struct schib)
SCH_INSN(ssch, struct orb)
SCH_INSN(tsch, struct irb)

static u64 tod(void)
{
	u64 t;

	asm volatile("	stck	%0\n" : "=Q" (t) : : "cc");
	return t;
}

static u64 load_be(const u8 *p, int n)
{
	u64 v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static u64 load_le(const u8 *p, int n)
{
	u64 v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void inner_main(void)
{
	u8 *lc = lowcore();
	u64 t0, be, le;
	u32 schid = 0, n, dstat = 0, cstat = 0;
	int cc = 3;

	/* a program check reports itself: disabled, 64-bit, pgm_entry */
	*(volatile u64 *)(lc + 0x1d0) = 0x0000000180000000UL;
	*(volatile u64 *)(lc + 0x1d8) = (u64)pgm_entry;

	for (n = 0; n <= 0xffff; n++) {
		cc = stsch(SCHID_ONE | n, &schib);
		if (cc == 0 && (schib.pmcw.w1 & PMCW_DNV)) {
			schid = SCHID_ONE | n;
			break;
		}
	}
	if (!schid)
		report(STEP_FIND, 0, cc);

	schib.pmcw.w1 |= PMCW_ENA;
	cc = msch(schid, &schib);
	if (cc)
		report(STEP_MSCH, 0, cc);
	stsch(schid, &schib);
	if (!(schib.pmcw.w1 & PMCW_ENA))
		report(STEP_ENABLE, 0, schib.pmcw.w1);

	senseid[0] = 0;
	seg1[0] = (struct ccw1){ CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI,
				 sizeof(senseid), (u32)(u64)senseid };
	seg1[1] = (struct ccw1){ CCW_CMD_TIC, 0, 0, (u32)(u64)seg2 };
	seg2[0] = (struct ccw1){ CCW_CMD_READ_CONF, CCW_FLAG_SLI,
				 sizeof(conf), (u32)(u64)conf };
	orb = (struct orb){ .intparm = 0x12345678, .w1 = ORB_FMT1_PFCH_C64_LPM,
			    .cpa = (u32)(u64)seg1 };
	cc = ssch(schid, &orb);
	if (cc)
		report(STEP_SSCH, 0, cc);

	/* I/O interruptions stay disabled: poll for the status */
	t0 = tod();
	for (;;) {
		cc = tsch(schid, &irb);
		if (cc == 3)
			report(STEP_TSCH, 0, cc);
		if (cc == 0) {
			dstat |= irb.scsw.w2 >> 24;
			cstat |= (irb.scsw.w2 >> 16) & 0xff;
			if (irb.scsw.w0 & SCSW_STCTL_PRIMARY)
				break;
		}
		if (tod() - t0 > 60 * TOD_SECOND)
			report(STEP_TIMEOUT, 0, (u64)irb.scsw.w0 << 32 | irb.scsw.w2);
	}
	if ((dstat & ~(DEV_STAT_CE | DEV_STAT_DE)) || cstat ||
	    !(dstat & DEV_STAT_DE))
		report(STEP_STATUS, 0, (u64)irb.scsw.w0 << 32 | irb.scsw.w2);
	if (senseid[0] != 0xff)
		report(STEP_SENSE_ID, 0, load_be(senseid, 8));

	be = load_be(conf, 8);
	le = load_le(conf, 8);
	if (be && be <= 0xffff)
		report(STEP_OK, 0, load_be(senseid + 1, 6) << 16 | be);
	if (le && le <= 0xffff)
		report(STEP_OK, FLAG_LE, load_be(senseid + 1, 6) << 16 | le);
	report(STEP_CAPACITY, 0, be);
}
