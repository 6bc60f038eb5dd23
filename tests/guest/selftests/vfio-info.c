// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-info: open a vfio-ccw mdev and check what VFIO_DEVICE_GET_INFO
 * says about it: a CCW device that can be reset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vfio.h>

#include "vfio_util.h"

int main(int argc, char **argv)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_dev d;

	vfio_open_from_args(&d, &argc, argv);
	if (ioctl(d.fd, VFIO_DEVICE_GET_INFO, &info))
		die("VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	printf("flags 0x%x regions %u irqs %u\n", info.flags, info.num_regions,
	       info.num_irqs);
	if (!(info.flags & VFIO_DEVICE_FLAGS_CCW))
		die("VFIO_DEVICE_FLAGS_CCW not set (flags 0x%x)", info.flags);
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET))
		die("VFIO_DEVICE_FLAGS_RESET not set (flags 0x%x)", info.flags);
	vfio_close(&d);
	return 0;
}
