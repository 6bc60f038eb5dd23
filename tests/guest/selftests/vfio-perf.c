// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-perf: per-I/O cost of channel program shapes through the I/O
 * region of a vfio-ccw mdev, for make bench (tests/guest/suites/bench.sh).
 *
 *   vfio-perf <open args> [--loops N] SCENARIO...
 *   vfio-perf <open args> --seconds S p1
 *
 * Every program is made of SENSE ID CCWs (the one command the emulated
 * devices answer with data for any count: 256 bytes, the rest suppressed
 * by SLI), so the device does the same for every shape and the figures
 * differ by what the driver does: read the CCWs, pin, build IDALs,
 * translate back, unpin.  Scenarios:
 *
 *   p1        one SENSE ID, 256-byte buffer
 *   p2        64 command-chained SENSE IDs, each with its own buffer page
 *   p3        one SENSE ID with SLI, count 65535 over 16 format-2 IDAWs
 *   p4        256 command-chained SENSE IDs (the segment limit), 16 to a
 *             buffer page
 *   p5        16 segments of one SENSE ID each, joined by TICs (the
 *             segment limit), each with its own buffer page
 *   chainK    K command-chained SENSE IDs, each with one format-2 IDAW
 *             to its own page (the chain-length sweep)
 *   bufK      a K KiB buffer (K a multiple of 4, at most 1024) read by
 *             command-chained SENSE IDs of up to 64 KiB each (16 format-2
 *             IDAWs a CCW: the buffer-size sweep)
 *
 * Each scenario runs 10 times unmeasured, then N times (default 1000) in
 * a steady-state loop: write the I/O region, wait on the I/O eventfd,
 * read the IRB.  Every run is checked (channel end + device end, the
 * CPA after the last CCW, every buffer written).  One line each:
 *
 *   perf NAME ccws=C pages=P segments=S us=T n=N
 *
 * T is the mean round trip in microseconds of CLOCK_MONOTONIC: guest
 * instructions under -icount shift=0.
 *
 * With --seconds S, p1 runs for S seconds of wall clock and prints
 * "perf-throughput ios=N seconds=S" (the multi-device benchmark runs one
 * of these per device at once).
 *
 *   vfio-perf hold READY HELD GROUP:UUID...
 *
 * For the memory benchmark: touch READY, wait for SIGUSR1, open every
 * device (a container each), touch HELD, wait for SIGTERM, close them
 * all and exit.  One process holds them all, so what it costs itself is
 * the same before and after the opens.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccw_io.h"

#define GUEST_IOVA	0x10000000u
#define PAGE		4096u
/* CCWs and IDALs in the first 16 pages, buffers after them */
#define CCW_AREA	(16 * PAGE)
#define IDAL_OFF	(8 * PAGE)
#define BUF_PAGES	260
#define MEM_SIZE	(CCW_AREA + BUF_PAGES * PAGE)
#define WARMUP		10
#define MAX_BUFS	256

struct program {
	const char *name;
	uint32_t cpa;		/* first CCW */
	uint32_t orb;		/* ORB word 1 */
	uint32_t end_cpa;	/* SCSW CPA at the end: last CCW + 8 */
	unsigned int ccws;	/* CCWs that move data */
	unsigned int pages;	/* distinct buffer pages */
	unsigned int segments;
	unsigned int nbufs;	/* buffers the device writes */
	size_t buf[MAX_BUFS];	/* their offsets */
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static size_t buf_page(unsigned int i)
{
	return CCW_AREA + (size_t)i * PAGE;
}

static void add_buf(struct program *p, size_t off)
{
	if (p->nbufs >= MAX_BUFS)
		die("%s: more than %d buffers", p->name, MAX_BUFS);
	p->buf[p->nbufs++] = off;
}

/* k command-chained SENSE IDs, direct addressing, per_page to a page */
static void build_direct_chain(struct ccw_io *io, struct program *p,
			       unsigned int k, unsigned int per_page)
{
	unsigned int i;
	size_t off;

	for (i = 0; i < k; i++) {
		off = buf_page(i / per_page) + (i % per_page) * SENSE_ID_LEN;
		ccw_put(io, i * 8, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | (i + 1 < k ? CCW_FLAG_CC : 0),
			SENSE_ID_LEN, ccw_io_addr(io, off));
		add_buf(p, off);
	}
	p->cpa = ccw_io_addr(io, 0);
	p->orb = ORB_DEFAULT;
	p->end_cpa = ccw_io_addr(io, k * 8);
	p->ccws = k;
	p->pages = (k + per_page - 1) / per_page;
	p->segments = 1;
}

/*
 * IDA-addressed SENSE IDs, command-chained: CCW i reads count[i] bytes
 * into npages[i] consecutive buffer pages through as many format-2 IDAWs.
 */
static void build_ida_chain(struct ccw_io *io, struct program *p, unsigned int k,
			    const uint16_t *count, const unsigned int *npages)
{
	uint64_t *idal = ccw_io_ptr(io, IDAL_OFF);
	unsigned int i, j, page = 0, idaw = 0;

	for (i = 0; i < k; i++) {
		if (idaw + npages[i] > (CCW_AREA - IDAL_OFF) / 8 ||
		    page + npages[i] > BUF_PAGES)
			die("%s: does not fit the mapped memory", p->name);
		ccw_put(io, i * 8, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | CCW_FLAG_IDA | (i + 1 < k ? CCW_FLAG_CC : 0),
			count[i], ccw_io_addr(io, IDAL_OFF + idaw * 8));
		/* SENSE ID data land in the first IDAW's page */
		add_buf(p, buf_page(page));
		for (j = 0; j < npages[i]; j++)
			idal[idaw++] = ccw_io_addr(io, buf_page(page++));
	}
	p->cpa = ccw_io_addr(io, 0);
	p->orb = ORB_DEFAULT | ORB_C64;
	p->end_cpa = ccw_io_addr(io, k * 8);
	p->ccws = k;
	p->pages = page;
	p->segments = 1;
}

/* p5: segments of one SENSE ID, each followed by a TIC to the next */
static void build_tic_segments(struct ccw_io *io, struct program *p, unsigned int segs)
{
	unsigned int i;
	size_t at;

	for (i = 0; i < segs; i++) {
		/* segments 256 bytes apart: each TIC jumps forward */
		at = i * 256;
		ccw_put(io, at, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | (i + 1 < segs ? CCW_FLAG_CC : 0),
			SENSE_ID_LEN, ccw_io_addr(io, buf_page(i)));
		add_buf(p, buf_page(i));
		if (i + 1 < segs)
			ccw_put(io, at + 8, CCW_CMD_TIC, 0, 0, ccw_io_addr(io, at + 256));
	}
	p->cpa = ccw_io_addr(io, 0);
	p->orb = ORB_DEFAULT;
	p->end_cpa = ccw_io_addr(io, (segs - 1) * 256 + 8);
	p->ccws = segs;
	p->pages = segs;
	p->segments = segs;
}

static long parse_suffix(const char *name, const char *prefix, long max)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, n) || !name[n])
		return -1;
	v = strtol(name + n, &end, 10);
	if (*end || v <= 0 || v > max)
		die("%s: the number must be 1..%ld", name, max);
	return v;
}

static void build(struct ccw_io *io, struct program *p, const char *name)
{
	uint16_t count[MAX_BUFS];
	unsigned int npages[MAX_BUFS];
	unsigned int i, k;
	long v;

	memset(p, 0, sizeof(*p));
	p->name = name;
	memset(io->mem, 0, CCW_AREA);
	if (!strcmp(name, "p1")) {
		build_direct_chain(io, p, 1, 1);
	} else if (!strcmp(name, "p2")) {
		build_direct_chain(io, p, 64, 1);
	} else if (!strcmp(name, "p3")) {
		count[0] = 65535;
		npages[0] = 16;
		build_ida_chain(io, p, 1, count, npages);
	} else if (!strcmp(name, "p4")) {
		build_direct_chain(io, p, 256, PAGE / SENSE_ID_LEN);
	} else if (!strcmp(name, "p5")) {
		build_tic_segments(io, p, 16);
	} else if ((v = parse_suffix(name, "chain", 256)) > 0) {
		for (i = 0; i < v; i++) {
			count[i] = SENSE_ID_LEN;
			npages[i] = 1;
		}
		build_ida_chain(io, p, v, count, npages);
	} else if ((v = parse_suffix(name, "buf", 1024)) > 0) {
		if (v % 4)
			die("%s: a multiple of 4 KiB", name);
		/* 16 pages (65535 bytes) to a CCW, the rest in the last */
		for (k = 0, i = v / 4; i; k++) {
			npages[k] = i < 16 ? i : 16;
			count[k] = npages[k] == 16 ? 65535 : npages[k] * PAGE;
			i -= npages[k];
		}
		build_ida_chain(io, p, k, count, npages);
	} else {
		die("unknown scenario '%s'", name);
	}
}

/* One round trip; the checks after it are not timed. */
static double run_once(struct ccw_io *io, const struct ccw_io_region *r,
		       const struct program *p, long i)
{
	struct scsw_info s;
	unsigned int b;
	double t0, t;
	int ret;

	for (b = 0; b < p->nbufs; b++)
		*(uint8_t *)ccw_io_ptr(io, p->buf[b]) = 0;
	t0 = now_us();
	ret = ccw_start(io, r);
	if (ret)
		die("%s run %ld: write of the I/O region: %s", p->name, i, strerror(-ret));
	if (ccw_wait_irq(io, 10000) != 1)
		die("%s run %ld: not exactly one interrupt within 10 s", p->name, i);
	ccw_fetch_result(io, &s, p->name);
	t = now_us() - t0;
	if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || s.cstat ||
	    s.cpa != p->end_cpa)
		die("%s run %ld: dstat 0x%02x cstat 0x%02x cpa 0x%x (want 0x0c 0x00 0x%x)",
		    p->name, i, s.dstat, s.cstat, s.cpa, p->end_cpa);
	for (b = 0; b < p->nbufs; b++)
		if (*(uint8_t *)ccw_io_ptr(io, p->buf[b]) != 0xff)
			die("%s run %ld: buffer %u not written", p->name, i, b);
	return t;
}

static void scenario(struct ccw_io *io, const char *name, long loops)
{
	struct ccw_io_region r;
	struct program p;
	double total = 0;
	long i;

	build(io, &p, name);
	ccw_region_start(&r, p.cpa, p.orb);
	for (i = 0; i < WARMUP; i++)
		run_once(io, &r, &p, -1 - i);
	for (i = 0; i < loops; i++)
		total += run_once(io, &r, &p, i);
	printf("perf %s ccws=%u pages=%u segments=%u us=%.2f n=%ld\n",
	       name, p.ccws, p.pages, p.segments, total / loops, loops);
	fflush(stdout);
}

static void throughput(struct ccw_io *io, double seconds)
{
	struct ccw_io_region r;
	struct program p;
	double t0, t;
	long n = 0;

	build(io, &p, "p1");
	ccw_region_start(&r, p.cpa, p.orb);
	t0 = now_us();
	do {
		run_once(io, &r, &p, n++);
		t = now_us() - t0;
	} while (t < seconds * 1e6);
	printf("perf-throughput ios=%ld seconds=%.3f\n", n, t / 1e6);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("cannot create %s: %s", path, strerror(errno));
	close(fd);
}

static void wait_signal(int want)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, want);
	do {
		if (sigwait(&set, &sig))
			die("sigwait failed");
	} while (sig != want);
}

static int hold(int argc, char **argv)
{
	struct vfio_dev *devs;
	char group[32];
	const char *uuid;
	sigset_t set;
	int i, n = argc - 4, ret;

	if (n < 1)
		die("usage: vfio-perf hold READY HELD GROUP:UUID...");
	devs = calloc(n, sizeof(*devs));
	if (!devs)
		die("out of memory");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	touch(argv[2]);
	wait_signal(SIGUSR1);
	for (i = 0; i < n; i++) {
		uuid = strchr(argv[4 + i], ':');
		if (!uuid || uuid - argv[4 + i] >= (long)sizeof(group))
			die("'%s' is not GROUP:UUID", argv[4 + i]);
		snprintf(group, sizeof(group), "%.*s", (int)(uuid - argv[4 + i]), argv[4 + i]);
		ret = vfio_open_container(&devs[i], group, uuid + 1);
		if (ret)
			die("open %s: %s", argv[4 + i], strerror(-ret));
	}
	touch(argv[3]);
	wait_signal(SIGTERM);
	for (i = 0; i < n; i++)
		vfio_close(&devs[i]);
	free(devs);
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = 0;
	struct vfio_dev d;
	struct ccw_io io;
	long loops = 1000;
	int i, first = 0;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold(argc, argv);
	vfio_open_from_args(&d, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--loops") && i + 1 < argc) {
			loops = strtol(argv[++i], &end, 0);
			if (*end || loops <= 0)
				die("--loops wants a positive number, not '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = strtod(argv[++i], &end);
			if (*end || seconds <= 0)
				die("--seconds wants a positive number, not '%s'", argv[i]);
		} else if (argv[i][0] == '-') {
			die("unknown argument '%s'", argv[i]);
		} else {
			first = i;
			break;
		}
	}
	if (!first)
		die("no scenario given");
	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	if (seconds) {
		if (first != argc - 1 || strcmp(argv[first], "p1"))
			die("--seconds runs p1 only");
		throughput(&io, seconds);
	} else {
		for (i = first; i < argc; i++)
			scenario(&io, argv[i], loops);
	}
	ccw_io_fini(&io);
	vfio_close(&d);
	return 0;
}
