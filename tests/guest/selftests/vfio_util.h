/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side helpers: open a vfio-ccw mdev through the legacy container
 * (group + type1v2) or through the iommufd device cdev, map guest memory,
 * and fail loudly.
 */
#ifndef VFIO_UTIL_H
#define VFIO_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct vfio_dev {
	int container;		/* /dev/vfio/vfio, or -1 */
	int group;		/* /dev/vfio/N, or -1 */
	int iommufd;		/* /dev/iommu, or -1 */
	unsigned int ioas;	/* iommufd IOAS id */
	int fd;			/* the device */
};

#define die(...) vfio_die(__FILE__, __LINE__, __VA_ARGS__)
void vfio_die(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/* Open by group number + mdev UUID (container) or by cdev path. */
int vfio_open_container(struct vfio_dev *d, const char *group, const char *uuid);
int vfio_open_cdev(struct vfio_dev *d, const char *cdev);
/* Parse --group N --uuid U | --cdev PATH from argv; dies on misuse. */
void vfio_open_from_args(struct vfio_dev *d, int *argc, char **argv);
/*
 * Open the way a selftest variant names ("container" or "cdev") from the
 * environment the guest suite sets: VFIO_CCW_GROUP and VFIO_CCW_UUID, or
 * VFIO_CCW_CDEV.  Dies when they are missing or the open fails.
 */
void vfio_open_env(struct vfio_dev *d, const char *path);
/* The same from PREFIX_GROUP, PREFIX_UUID, PREFIX_CDEV (a second device). */
void vfio_open_env_as(struct vfio_dev *d, const char *path, const char *prefix);
void vfio_close(struct vfio_dev *d);

/* A number from the environment (strtoul, base 0), or @dflt; dies on junk. */
unsigned long vfio_env_ul(const char *name, unsigned long dflt);

/* Map [vaddr, vaddr + size) at iova for the device's DMA. */
int vfio_map(struct vfio_dev *d, void *vaddr, uint64_t iova, uint64_t size);
int vfio_unmap(struct vfio_dev *d, uint64_t iova, uint64_t size);

/*
 * A non-blocking eventfd installed as the trigger of IRQ @index of the
 * device; dies when it cannot be.
 */
int vfio_add_eventfd(struct vfio_dev *d, uint32_t index);

/* Write @s to a sysfs (or procfs, debugfs) file: 0 or -errno. */
int vfio_sysfs_write(const char *path, const char *s);

/*
 * Our driver refuses programs that can suspend unless its test-only
 * debugfs switch says otherwise; the tests that keep a program
 * outstanding with the suspend flag turn it on (@on 1) or off.  Returns
 * 0 or 1, the switch before, or -1 without it (upstream's driver, which
 * accepts such programs anyway).
 */
int vfio_ccw_allow_suspend(int on);

#endif
