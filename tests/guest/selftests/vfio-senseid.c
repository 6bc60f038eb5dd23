// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-senseid: run one SENSE ID channel program through the I/O region
 * of a vfio-ccw mdev (format-1 ORB with prefetch and LPM 0xff, the CCW and
 * its 256-byte buffer in memory mapped at IOVA 0x10000000), wait for the
 * I/O interrupt's eventfd and check the IRB: channel end + device end, the
 * CPA translated back to the CCW's IOVA + 8, residual 0, sense-id data
 * starting with 0xff.  Prints the control unit and device type.
 *
 *   vfio-senseid --group N --uuid UUID | --cdev PATH [--loops N]
 *
 * With --loops N, repeats the program N times and prints the mean round
 * trip (region write to region read after the interrupt).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccw_io.h"

#define GUEST_IOVA	0x10000000u
#define MEM_SIZE	(4 * 4096)
#define CCW_OFF		0x0
#define BUF_OFF		0x1040

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void timed_loops(struct ccw_io *io, long loops)
{
	uint32_t cpa = ccw_io_addr(io, CCW_OFF);
	struct ccw_io_region r;
	struct scsw_info s;
	double total = 0, t0;
	uint8_t *buf = ccw_io_ptr(io, BUF_OFF);
	long i;
	int ret;

	ccw_region_start(&r, cpa, ORB_DEFAULT);
	for (i = 0; i < loops; i++) {
		buf[0] = 0;
		t0 = now_us();
		ret = ccw_start(io, &r);
		if (ret)
			die("loop %ld: write of the I/O region: %s", i, strerror(-ret));
		if (ccw_wait_irq(io, 5000) != 1)
			die("loop %ld: not exactly one interrupt within 5 s", i);
		ccw_fetch_result(io, &s, "timed sense id");
		total += now_us() - t0;
		ccw_expect_done(&s, cpa + 8, 0, "timed sense id");
		if (buf[0] != 0xff)
			die("loop %ld: sense id byte 0 is 0x%02x", i, buf[0]);
	}
	printf("senseid round trip: %.1f us (N=%ld)\n", total / loops, loops);
}

int main(int argc, char **argv)
{
	struct vfio_dev d;
	struct ccw_io io;
	uint8_t id[7];
	long loops = 0;
	char *end;
	int i;

	vfio_open_from_args(&d, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--loops") && i + 1 < argc) {
			loops = strtol(argv[++i], &end, 0);
			if (*end || loops <= 0)
				die("--loops wants a positive number, not '%s'", argv[i]);
		} else {
			die("unknown argument '%s'", argv[i]);
		}
	}

	ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
	ccw_sense_id(&io, CCW_OFF, BUF_OFF, id, "sense id");
	printf("control unit %02x%02x/%02x device %02x%02x/%02x\n",
	       id[1], id[2], id[3], id[4], id[5], id[6]);
	if (loops)
		timed_loops(&io, loops);
	ccw_io_fini(&io);
	vfio_close(&d);
	return 0;
}
