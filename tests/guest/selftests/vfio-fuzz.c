// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-fuzz: structured-random channel programs and region accesses
 * against a vfio-ccw mdev on a virtio-ccw device, deterministic from a
 * seed, with invariants checked as it goes.
 *
 *   vfio-fuzz <open args> [--seed S] [--requests N] [--seconds T]
 *             [--status FILE]
 *
 * It stops after N requests (default 1000, or no limit with --seconds)
 * or once T seconds have passed, whichever comes first.
 *
 * Each request is one of: a random channel program (format 0 or 1 CCWs,
 * chains of 1 to 300, TICs within the program, to far segments, to
 * TICs, to themselves; IDALs of both formats pointing anywhere,
 * including at themselves; counts from 0 to 65535; addresses mapped,
 * unaligned, unmapped, beyond 2G; random ORB flags and keys) written to
 * the I/O region; a region access at a random offset and size; a random
 * async command; or an unmap and remap of part of the guest memory while
 * a program may be running.  Programs that loop are made to suspend at
 * the loop (see break_loops()); our driver refuses programs that can
 * suspend unless its test switch allows them, which odd seeds do.
 *
 * Command codes are limited to what is safe to send to a virtio device:
 * SENSE ID, NOOP, BASIC SENSE, the read-only virtio probes and codes the
 * device rejects.  A passed-through device that writes where its data
 * tells it to (virtio's indicator addresses) is beyond what any vfio-ccw
 * driver can police, so such commands are never issued.
 *
 * Invariants, any violation ends the run with exit status 1 and a line
 * naming the seed and the request, which reproduces it:
 *   - a refused write returns an errno of the catalogue
 *     (Documentation/uapi.rst);
 *   - an accepted start ends in an interrupt, or in the status of the
 *     CSCH that follows a timeout (a suspended program);
 *   - the IRB's CPA is a guest address: 0 or within the mapped memory;
 *   - every 64 requests, and at the end, a SENSE ID still works;
 *   - with --status (our driver's debugfs status file), no page is
 *     pinned whenever the device is idle.
 * The last line of a run without violation is a summary with the counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ccw_io.h"

#define GUEST_IOVA	0x10000000u
#define MEM_SIZE	(1u << 20)
#define PAGE		4096u
#define PROG		0x00000u	/* programs: 64K */
#define IDALS		0x10000u	/* IDALs: 64K */
#define DATA		0x20000u	/* data: the rest */
#define UNMAPPED	0x20000000u
#define PROBE_CCW	0xff000u	/* SENSE ID probe: last page */
#define PROBE_BUF	0xff100u

static struct vfio_dev d;
static struct ccw_io io;
static uint64_t rng;
static unsigned long seed = 1;
static const char *status_file;

static struct {
	unsigned long requests, programs, started, refused[140], irqs, intermediate;
	unsigned long timeouts, region_rw, async, unmaps, probes, pin_checks, loops;
} st;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int pct)
{
	return below(100) < pct;
}

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void violation(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "VIOLATION at request %lu of seed %lu (again: --seed %lu --requests %lu): ",
		st.requests, seed, seed, st.requests + 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A data address: mostly good, sometimes anything but. */
static uint32_t any_addr(void)
{
	uint32_t r = below(100);

	if (r < 60)
		return GUEST_IOVA + DATA + below(MEM_SIZE - DATA - PAGE);
	if (r < 68)
		return GUEST_IOVA + PROG + below(0x10000);
	if (r < 76)
		return GUEST_IOVA + IDALS + below(0x10000);
	if (r < 84)
		return UNMAPPED + below(0x100000);
	if (r < 90)
		return GUEST_IOVA + MEM_SIZE - below(64);	/* runs off the end */
	if (r < 96)
		return 0x80000000u | rnd();			/* beyond 2G */
	return below(2) ? 0 : rnd();
}

/* Commands safe for a virtio device (see the header). */
static uint8_t any_cmd(void)
{
	static const uint8_t safe[] = {
		0xe4, 0xe4, 0xe4, 0x03, 0x03, 0x04, 0x12, 0x22, 0x32,	/* known */
		0x00, 0x10, 0x20, 0x01, 0x02, 0x05, 0x06, 0x07, 0x09,	/* rejected */
		0x0c, 0x14, 0x24, 0x44, 0x64, 0x94, 0xa4, 0xff, 0x80,
	};

	return safe[below(sizeof(safe))];
}

static uint8_t any_flags(void)
{
	uint8_t f = 0;

	if (chance(65))
		f |= CCW_FLAG_CC;
	if (chance(8))
		f |= CCW_FLAG_CD;
	if (chance(50))
		f |= CCW_FLAG_SLI;
	if (chance(8))
		f |= CCW_FLAG_SKIP;
	if (chance(4))
		f |= CCW_FLAG_PCI;
	if (chance(25))
		f |= CCW_FLAG_IDA;
	if (chance(2))
		f |= CCW_FLAG_SUSPEND;
	if (chance(1))
		f |= CCW_FLAG_MIDA;
	return f;
}

static uint16_t any_count(void)
{
	uint32_t r = below(100);

	if (r < 10)
		return 0;
	if (r < 50)
		return 1 + below(256);
	if (r < 90)
		return 1 + below(4096);
	return rnd();
}

/* An IDAL at a random place of the IDAL area; returns its address. */
static uint32_t any_idal(int fmt2, uint16_t count)
{
	uint32_t at = IDALS + (below(0x10000 - 512) & ~7u);
	unsigned int n = 1 + (count >> 11) + below(3), i;

	if (chance(3))
		at |= 1 + below(7);			/* misaligned IDAL */
	for (i = 0; i < n && (at & ~7u) + 8 * (i + 1) <= IDALS + 0x10000; i++) {
		uint32_t a;

		if (chance(85))
			a = GUEST_IOVA + DATA + (i ? below(MEM_SIZE - DATA - PAGE) & ~(PAGE - 1) :
						  below(MEM_SIZE - DATA - PAGE));
		else if (chance(30))
			a = GUEST_IOVA + (at & ~7u);	/* points at itself */
		else
			a = any_addr();
		if (fmt2) {
			uint64_t v = chance(2) ? (uint64_t)rnd() << 32 | a : a;

			memcpy(ccw_io_ptr(&io, (at & ~7u) + 8 * i), &v, 8);
		} else {
			memcpy(ccw_io_ptr(&io, (at & ~3u) + 4 * i), &a, 4);
		}
	}
	return GUEST_IOVA + at;
}

static void put_ccw(uint32_t off, int fmt1, uint8_t cmd, uint8_t flags, uint16_t count,
		    uint32_t cda)
{
	uint8_t *p = ccw_io_ptr(&io, off);

	if (fmt1) {
		struct ccw1 c = { cmd, flags, count, cda };

		memcpy(p, &c, 8);
	} else {
		p[0] = cmd;
		p[1] = cda >> 16;
		p[2] = cda >> 8;
		p[3] = cda;
		p[4] = flags;
		p[5] = chance(2) ? rnd() : 0;
		p[6] = count >> 8;
		p[7] = count;
	}
}

/*
 * QEMU runs a virtual device's channel program to its end inside the
 * guest's SSCH, and a loop whose CCWs move data never ends: the vCPU,
 * the bench's only one, never returns from the instruction.  (Real
 * channels run such a loop asynchronously until the program is halted
 * or cleared, which the guest can do.)  Loops are still generated and
 * translated; before the start, the path the channel would take through
 * the program area is walked, counting every CCW as chaining on if its
 * flags say so, and the first CCW reached a second time gets the suspend
 * flag: the channel suspends there (ORB with suspend control) or
 * program-checks (without), either way at its first fetch.
 */
static void break_loops(uint32_t cpa, int fmt1)
{
	static uint8_t seen[0x10000 / 8];
	uint32_t off = cpa - GUEST_IOVA - PROG;

	memset(seen, 0, sizeof(seen));
	while (cpa >= GUEST_IOVA + PROG && off < 0x10000 && !(off & 7)) {
		uint8_t *p = ccw_io_ptr(&io, PROG + off);
		uint8_t cmd = p[0], flags = fmt1 ? p[1] : p[4];
		uint32_t cda;

		if (seen[off / 8]) {
			p[fmt1 ? 1 : 4] |= CCW_FLAG_SUSPEND;
			st.loops++;
			return;
		}
		seen[off / 8] = 1;
		if ((cmd & 0x0f) == CCW_CMD_TIC) {
			cda = fmt1 ? (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7] :
				     (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
			cpa = cda;
			off = cda - GUEST_IOVA - PROG;
		} else if (flags & (CCW_FLAG_CC | CCW_FLAG_CD)) {
			cpa += 8;
			off += 8;
		} else {
			return;
		}
	}
}

/* A random chain of n CCWs at off; far TIC targets get chains too. */
static void any_chain(uint32_t off, unsigned int n, int fmt1, int fmt2idal, int depth)
{
	unsigned int i;

	for (i = 0; i < n && off + 8 * (i + 1) <= PROG + 0x10000; i++) {
		uint8_t flags = any_flags(), cmd;
		uint16_t count = any_count();
		uint32_t cda;

		if (i + 1 == n && chance(75))
			flags &= ~(CCW_FLAG_CC | CCW_FLAG_CD);
		if (i && chance(12)) {
			cmd = CCW_CMD_TIC;
			if (chance(50))
				cda = GUEST_IOVA + off + 8 * below(n);		/* within */
			else if (chance(70) && depth < 20) {
				uint32_t far = (PROG + 0x100 * below(0x100)) & ~7u;

				cda = GUEST_IOVA + far;
				if (far != off)
					any_chain(far, 1 + below(6), fmt1, fmt2idal, depth + 1);
			} else {
				cda = any_addr();
			}
		} else {
			cmd = any_cmd();
			cda = (flags & CCW_FLAG_IDA) && chance(90) ? any_idal(fmt2idal, count) :
								       any_addr();
		}
		put_ccw(off + 8 * i, fmt1, cmd, flags, count, cda);
	}
}

static uint32_t any_orb(void)
{
	uint32_t f = 0;

	if (chance(90))
		f |= ORB_FMT1;
	if (chance(90))
		f |= ORB_PFCH;
	if (chance(50))
		f |= ORB_C64;
	if (chance(20))
		f |= ORB_I2K;
	if (chance(10))
		f |= ORB_KEY(below(16));
	if (chance(5))
		f |= ORB_SPND;
	f |= ORB_LPM(chance(85) ? 0xff : below(256));
	if (chance(1))
		f |= ORB_TM;
	if (chance(1))
		f |= ORB_MIDAW;
	if (chance(2))
		f |= ORB_ILS;
	if (chance(1))
		f |= 1u << below(32);
	return f;
}

static int in_catalogue(int err)
{
	switch (err) {
	case EINVAL: case EFAULT: case EOPNOTSUPP: case EAGAIN: case EBUSY:
	case EACCES: case EIO: case ENOMEM:
	case ENOENT:	/* unmapped guest memory, through iommufd */
		return 1;
	}
	return 0;
}

static void check_cpa(const struct scsw_info *s)
{
	if (s->cpa && (s->cpa < GUEST_IOVA || s->cpa > GUEST_IOVA + MEM_SIZE + 8))
		violation("IRB CPA 0x%08x is no guest address (scsw %08x)", s->cpa, s->word0);
}

static void pins_idle(void)
{
	char line[128];
	FILE *f;

	if (!status_file)
		return;
	f = fopen(status_file, "r");
	if (!f)
		violation("cannot read %s", status_file);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "pinned_pages:", 13) && strtoul(line + 13, NULL, 10))
			violation("idle, yet %s", line);
	fclose(f);
	st.pin_checks++;
}

/*
 * The IRB after an interrupt.  Unlike ccw_fetch_result() this does not
 * insist on ret_code 0: ret_code is the outcome of the last write, and
 * here a refused write may come between.
 */
static void fetch(struct scsw_info *s)
{
	struct ccw_io_region r;
	ssize_t n = ccw_region_pread(&io, &r, sizeof(r), 0);

	if (n != sizeof(r))
		violation("read of the I/O region after an interrupt: %zd", n);
	ccw_decode_scsw(r.irb_area, s);
}

/* Wait for the end of a started program; CSCH it on a timeout. */
static void finish(int timeout_ms)
{
	struct scsw_info s;
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		uint64_t n = ccw_wait_irq(&io, timeout_ms);

		if (!n) {
			int ret = ccw_async_cmd(&d, VFIO_CCW_ASYNC_CMD_CSCH);

			st.timeouts++;
			if (!ccw_wait_irq(&io, 5000))
				violation("no interrupt %s CSCH after a timeout (%s)",
					  ret ? "after a refused" : "for the", errno_name(-ret));
			fetch(&s);
			check_cpa(&s);
			return;
		}
		st.irqs += n;
		fetch(&s);
		check_cpa(&s);
		/* Primary status (or a halt/clear function) ends it. */
		if ((s.stctl & SCSW_STCTL_PRIMARY) || (s.fctl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)) ||
		    !(s.stctl & SCSW_STCTL_INTER))
			return;
		st.intermediate++;
	}
	violation("64 intermediate interrupts without an end");
}

static uint32_t last_orb;
static const char *last_kind = "none";

/* The device still answers: SENSE ID with a known-good ORB. */
static void probe(void)
{
	struct scsw_info s;
	uint8_t *b = ccw_io_ptr(&io, PROBE_BUF);
	int ret;

	memset(b, 0, 8);
	ccw_put(&io, PROBE_CCW, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN,
		ccw_io_addr(&io, PROBE_BUF));
	ret = ccw_run(&io, ccw_io_addr(&io, PROBE_CCW), ORB_DEFAULT, &s, "probe");
	if (ret)
		violation("probe refused: %s (last request: %s, ORB flags 0x%08x)",
			  errno_name(-ret), last_kind, last_orb);
	/*
	 * QEMU 7.2 keeps the deferred condition code 3 of an earlier start
	 * whose LPM had no available path in the SCSW of later ones: the
	 * data and the status tell whether the device answered.
	 */
	if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || s.cstat || b[0] != 0xff)
		violation("probe: scsw %08x cpa %08x status %02x/%02x byte0 %02x "
			  "(last request: %s, ORB flags 0x%08x)", s.word0, s.cpa, s.dstat,
			  s.cstat, b[0], last_kind, last_orb);
	st.probes++;
	pins_idle();
}

static void fuzz_program(void)
{
	uint32_t orb = any_orb(), base = (below(0x8000) & ~7u), cpa;
	int fmt1 = !!(orb & ORB_FMT1), ret;
	unsigned int n = chance(4) ? 200 + below(100) : 1 + below(12);
	struct ccw_io_region r;

	any_chain(base, n, fmt1, !!(orb & ORB_C64), 0);
	last_kind = "program";
	last_orb = orb;
	cpa = GUEST_IOVA + base;
	if (chance(3))
		cpa = any_addr();
	break_loops(cpa, fmt1);
	ccw_region_start(&r, cpa, orb);
	if (chance(3))
		memset(r.scsw_area, 0, sizeof(r.scsw_area));	/* no start function */
	st.programs++;
	ret = ccw_start(&io, &r);
	if (ret) {
		if (!in_catalogue(-ret))
			violation("write of the I/O region: errno %d (%s) is not in the catalogue",
				  -ret, strerror(-ret));
		st.refused[-ret < 140 ? -ret : 0]++;
		return;
	}
	st.started++;
	/* Sometimes pull memory out from under the running program. */
	if (chance(2)) {
		uint32_t off = DATA + (below(MEM_SIZE - DATA - 0x10000) & ~0xffffu);

		if (vfio_unmap(&d, GUEST_IOVA + off, 0x10000))
			violation("unmap of a mapped range failed");
		if (vfio_map(&d, ccw_io_ptr(&io, off), GUEST_IOVA + off, 0x10000))
			violation("remap failed");
		st.unmaps++;
	}
	finish(3000);
}

/*
 * A read or write at a random offset and size.  A write that fits is
 * merged into the region and issued like a whole one (QEMU always writes
 * the whole region): it may start the program still in the region.
 */
static void fuzz_region(void)
{
	uint8_t buf[256];
	off_t pos = below(200);
	size_t len = 1 + below(200);
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	st.region_rw++;
	last_kind = "region access";
	if (chance(50)) {
		n = ccw_region_pread(&io, buf, len, pos);
		if (n < 0 && n != -EINVAL)
			violation("region read at %ld+%zu: %zd", (long)pos, len, n);
		if (n < 0 && pos + len <= sizeof(struct ccw_io_region))
			violation("region read at %ld+%zu inside the region refused", (long)pos, len);
		return;
	}
	n = ccw_region_pwrite(&io, buf, len, pos);
	if (n < 0) {
		if (!in_catalogue(-n))
			violation("region write: errno %zd", -n);
		if (pos + len > sizeof(struct ccw_io_region) && n != -EINVAL)
			violation("region write past the end: %s, not EINVAL", strerror(-n));
		return;
	}
	if (pos + len > sizeof(struct ccw_io_region))
		violation("region write at %ld+%zu past the end accepted", (long)pos, len);
	st.started++;
	finish(3000);
}

static void fuzz_async(void)
{
	uint32_t cmd = chance(80) ? (chance(50) ? VFIO_CCW_ASYNC_CMD_HSCH : VFIO_CCW_ASYNC_CMD_CSCH) :
				    rnd();
	int ret = ccw_async_cmd(&d, cmd);

	st.async++;
	last_kind = cmd == VFIO_CCW_ASYNC_CMD_HSCH ? "hsch" :
		    cmd == VFIO_CCW_ASYNC_CMD_CSCH ? "csch" : "bad async";
	if (ret) {
		if (ret != -EINVAL && ret != -EBUSY)
			violation("async command 0x%x: %s", cmd, strerror(-ret));
		return;
	}
	finish(3000);
}

int main(int argc, char **argv)
{
	unsigned long requests = 0, seconds = 0, i;
	char refused[512] = "";
	time_t end = 0;
	size_t k;

	vfio_open_from_args(&d, &argc, argv);
	for (i = 1; i < (unsigned long)argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned long)argc)
			seed = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--requests") && i + 1 < (unsigned long)argc)
			requests = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < (unsigned long)argc)
			seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--status") && i + 1 < (unsigned long)argc)
			status_file = argv[++i];
		else
			die("unknown argument '%s'", argv[i]);
	}
	if (!requests)
		requests = seconds ? ~0UL : 1000;
	if (seconds)
		end = time(NULL) + seconds;
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	/* odd seeds let our driver run programs that suspend, even ones not */
	if (vfio_ccw_allow_suspend(seed & 1) >= 0)
		printf("fuzz: programs that can suspend %s\n", seed & 1 ? "allowed" : "refused");
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	/*
	 * Map again in 64K pieces: a type1v2 container does not unmap part
	 * of a mapping, and the fuzzer unmaps pieces under running programs.
	 */
	if (vfio_unmap(&d, GUEST_IOVA, MEM_SIZE))
		die("unmap of the whole memory failed");
	for (i = 0; i < MEM_SIZE; i += 0x10000)
		if (vfio_map(&d, ccw_io_ptr(&io, i), GUEST_IOVA + i, 0x10000))
			die("map of a 64K piece failed");
	probe();
	for (st.requests = 0; st.requests < requests; st.requests++) {
		uint32_t what = below(100);

		if (end && time(NULL) >= end)
			break;
		if (what < 85)
			fuzz_program();
		else if (what < 95)
			fuzz_region();
		else
			fuzz_async();
		if (st.requests % 64 == 63)
			probe();
		else
			pins_idle();
	}
	probe();
	/* a run sized by time that made no request has tested nothing */
	if (!st.requests)
		die("no request made before the deadline (seed %lu)", seed);
	for (k = 1; k < ARRAY_SIZE(st.refused); k++)
		if (st.refused[k])
			snprintf(refused + strlen(refused), sizeof(refused) - strlen(refused),
				 " %s=%lu", errno_name(k), st.refused[k]);
	ccw_io_fini(&io);
	vfio_close(&d);
	printf("fuzz: seed %lu, %lu requests: %lu programs (%lu started, refused:%s), "
	       "%lu interrupts (%lu intermediate), %lu cleared after timeout, %lu unmaps, "
	       "%lu region accesses, %lu async, %lu probes, %lu pin checks, %lu loops\n",
	       seed, st.requests, st.programs, st.started, refused[0] ? refused : " none",
	       st.irqs, st.intermediate, st.timeouts, st.unmaps, st.region_rw, st.async,
	       st.probes, st.pin_checks, st.loops);
	return 0;
}
