// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-cycle: open, run one SENSE ID (pins and unpins a page), close,
 * N times; every cycle must work.  The leak checks around it live in
 * the stress suite (pinned pages, slab).
 *
 *   vfio-cycle <open args> --loops N [--no-io]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccw_io.h"

#define GUEST_IOVA	0x20000000u
#define MEM_SIZE	(16 * 1024)

int main(int argc, char **argv)
{
	long loops = 0, i;
	int io_each = 1, j;
	char **args = argv;
	int nargs = argc;

	for (j = 1; j < argc; j++) {
		if (!strcmp(argv[j], "--loops") && j + 1 < argc)
			loops = strtol(argv[j + 1], NULL, 0);
		else if (!strcmp(argv[j], "--no-io"))
			io_each = 0;
	}
	if (loops <= 0)
		die("usage: vfio-cycle <open args> --loops N [--no-io]");
	for (i = 0; i < loops; i++) {
		struct vfio_dev d;
		struct ccw_io io;
		char *copy[16];

		/* vfio_open_from_args() consumes what it knows: use a copy. */
		if (nargs >= 16)
			die("too many arguments");
		memcpy(copy, args, sizeof(char *) * nargs);
		copy[nargs] = NULL;
		j = nargs;
		vfio_open_from_args(&d, &j, copy);
		if (io_each) {
			ccw_io_init(&io, &d, GUEST_IOVA, MEM_SIZE);
			ccw_sense_id(&io, 0, 0x1000, NULL, "cycle sense id");
			ccw_io_fini(&io);
		}
		vfio_close(&d);
	}
	printf("%ld open/close cycles%s\n", loops, io_each ? " with a SENSE ID each" : "");
	return 0;
}
