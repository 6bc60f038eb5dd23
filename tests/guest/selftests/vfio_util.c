// SPDX-License-Identifier: GPL-2.0
/*
 * Test-side helpers for the in-guest end-to-end programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio_util.h"

void vfio_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int vfio_open_container(struct vfio_dev *d, const char *group, const char *uuid)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[64];

	memset(d, 0, sizeof(*d));
	d->iommufd = d->group = d->fd = -1;
	d->container = open("/dev/vfio/vfio", O_RDWR);
	if (d->container < 0)
		return -errno;
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EPROTO;
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	d->group = open(path, O_RDWR);
	if (d->group < 0)
		return -errno;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &st))
		return -errno;
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return -errno;
	/* vfio_pin_pages() needs v2 (type1 answers -EACCES). */
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	return d->fd < 0 ? -errno : 0;
}

int vfio_open_cdev(struct vfio_dev *d, const char *cdev)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->fd = -1;
	d->iommufd = open("/dev/iommu", O_RDWR);
	if (d->iommufd < 0)
		return -errno;
	d->fd = open(cdev, O_RDWR);
	if (d->fd < 0)
		return -errno;
	bind.iommufd = d->iommufd;
	if (ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return -errno;
	d->ioas = alloc.out_ioas_id;
	attach.pt_id = d->ioas;
	if (ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;
	return 0;
}

void vfio_open_from_args(struct vfio_dev *d, int *argc, char **argv)
{
	const char *group = NULL, *uuid = NULL, *cdev = NULL;
	int i, out = 1, ret;

	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--group") && i + 1 < *argc)
			group = argv[++i];
		else if (!strcmp(argv[i], "--uuid") && i + 1 < *argc)
			uuid = argv[++i];
		else if (!strcmp(argv[i], "--cdev") && i + 1 < *argc)
			cdev = argv[++i];
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	if (cdev)
		ret = vfio_open_cdev(d, cdev);
	else if (group && uuid)
		ret = vfio_open_container(d, group, uuid);
	else
		die("usage: %s --group N --uuid UUID | --cdev /dev/vfio/devices/vfioN ...", argv[0]);
	if (ret)
		die("open %s: %s", cdev ? cdev : uuid, strerror(-ret));
}

unsigned long vfio_env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 0);
	if (*end)
		die("%s='%s' is not a number", name, v);
	return n;
}

static const char *need_env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v)
		die("%s is not set (the guest suite names the device there)", name);
	return v;
}

void vfio_open_env_as(struct vfio_dev *d, const char *path, const char *prefix)
{
	char group[64], uuid[64], cdev[64];
	const char *what;
	int ret;

	snprintf(group, sizeof(group), "%s_GROUP", prefix);
	snprintf(uuid, sizeof(uuid), "%s_UUID", prefix);
	snprintf(cdev, sizeof(cdev), "%s_CDEV", prefix);
	if (!strcmp(path, "container")) {
		what = need_env(uuid);
		ret = vfio_open_container(d, need_env(group), what);
	} else if (!strcmp(path, "cdev")) {
		what = need_env(cdev);
		ret = vfio_open_cdev(d, what);
	} else {
		die("no way to open a device called '%s'", path);
	}
	if (ret)
		die("open %s through the %s: %s", what, path, strerror(-ret));
}

void vfio_open_env(struct vfio_dev *d, const char *path)
{
	vfio_open_env_as(d, path, "VFIO_CCW");
}

void vfio_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	if (d->iommufd >= 0)
		close(d->iommufd);
	d->fd = d->group = d->container = d->iommufd = -1;
}

int vfio_map(struct vfio_dev *d, void *vaddr, uint64_t iova, uint64_t size)
{
	if (d->iommufd >= 0) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = d->ioas,
			.user_va = (uintptr_t)vaddr,
			.length = size,
			.iova = iova,
		};

		return ioctl(d->iommufd, IOMMU_IOAS_MAP, &map) ? -errno : 0;
	} else {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)vaddr,
			.iova = iova,
			.size = size,
		};

		return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
	}
}

int vfio_unmap(struct vfio_dev *d, uint64_t iova, uint64_t size)
{
	if (d->iommufd >= 0) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = d->ioas,
			.iova = iova,
			.length = size,
		};

		return ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &unmap) ? -errno : 0;
	} else {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = iova,
			.size = size,
		};

		return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
	}
}

int vfio_add_eventfd(struct vfio_dev *d, uint32_t index)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = {
		.set = {
			.argsz = sizeof(s),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.count = 1,
		},
	};

	s.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s.fd < 0)
		die("eventfd: %s", strerror(errno));
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s))
		die("SET_IRQS(%u): %s", index, strerror(errno));
	return s.fd;
}

int vfio_sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

#define VFIO_CCW_ALLOW_SUSPEND "/sys/kernel/debug/vfio_ccw/allow_suspend"

int vfio_ccw_allow_suspend(int on)
{
	char was = 0;
	int fd = open(VFIO_CCW_ALLOW_SUSPEND, O_RDWR);

	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		die("open %s: %s", VFIO_CCW_ALLOW_SUSPEND, strerror(errno));
	}
	if (read(fd, &was, 1) != 1 || pwrite(fd, on ? "Y" : "N", 1, 0) != 1)
		die("%s: %s", VFIO_CCW_ALLOW_SUSPEND, strerror(errno));
	close(fd);
	return was == 'Y';
}
