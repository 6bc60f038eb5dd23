// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: how channel programs reach guest memory.
 *
 * A program reads the guest's CCWs and IDALs and pins its data pages
 * through the mem ops it was built with (struct vfio_ccw_mem_ops): VFIO
 * directly, or the device's pin cache in front of VFIO.  A program keeps
 * its ops until it is freed, so it is unpinned the way it was pinned
 * whatever the device does meanwhile.  Every page is counted: those
 * programs hold in the subchannel's and the module's pinned_pages,
 * those pinned through VFIO in vfio_ccw_totals.vfio_pinned_pages.
 */

#include <linux/moduleparam.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"

static int vfio_ccw_mem_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_dma_rw(&private->vdev, iova, buf, len, false);
}

/* What the pin cache pins through: VFIO, counted in vfio_ccw_totals. */
static int vfio_ccw_vfio_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;
	int ret;

	ret = vfio_pin_pages(&private->vdev, iova, npage,
			     IOMMU_READ | IOMMU_WRITE, pages);
	if (ret > 0)
		atomic_long_add(ret, &vfio_ccw_totals.vfio_pinned_pages);
	return ret;
}

static void vfio_ccw_vfio_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_unpin_pages(&private->vdev, iova, npage);
	atomic_long_sub(npage, &vfio_ccw_totals.vfio_pinned_pages);
}

const struct vfio_ccw_pin_backend vfio_ccw_vfio_pin_backend = {
	.pin = vfio_ccw_vfio_pin,
	.unpin = vfio_ccw_vfio_unpin,
};

static bool pin_cache_enabled;
module_param_named(pin_cache, pin_cache_enabled, bool, 0644);
MODULE_PARM_DESC(pin_cache,
		 "keep guest pages pinned between the channel programs of devices bound through iommufd; unsafe with guest RAM discard (balloon, free page reporting): see Documentation/admin-guide.rst (default: off; read at bind)");

static void vfio_ccw_pinned_add(struct vfio_ccw_private *private, long npage)
{
	atomic_long_add(npage, &private->parent->pinned_pages);
	atomic_long_add(npage, &vfio_ccw_totals.pinned_pages);
}

/* Count what a program's pin call took: @ret pages, or an errno. */
static int vfio_ccw_pinned_took(struct vfio_ccw_private *private, int ret)
{
	if (ret > 0)
		vfio_ccw_pinned_add(private, ret);
	return ret;
}

/* Programs of a device without the pin cache pin through VFIO directly. */
static int vfio_ccw_mem_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_ccw_pinned_took(private, vfio_pin_pages(&private->vdev, iova, npage,
							    IOMMU_READ | IOMMU_WRITE, pages));
}

static void vfio_ccw_mem_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_unpin_pages(&private->vdev, iova, npage);
	vfio_ccw_pinned_add(private, -npage);
}

/* ... and with it (bound through iommufd, pin_cache=1), through the cache. */
static int vfio_ccw_mem_pin_cached(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_ccw_pinned_took(private, vfio_ccw_pin_get(&private->pins, iova, npage, pages));
}

static void vfio_ccw_mem_unpin_cached(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_ccw_pin_put(&private->pins, iova, npage);
	vfio_ccw_pinned_add(private, -npage);
}

/*
 * A program keeps the ops it was built with (vfio_ccw_cp.mem): it is
 * unpinned the way it was pinned, whatever the device does meanwhile.
 */
const struct vfio_ccw_mem_ops vfio_ccw_vfio_mem_ops = {
	.read = vfio_ccw_mem_read,
	.pin = vfio_ccw_mem_pin,
	.unpin = vfio_ccw_mem_unpin,
};

static const struct vfio_ccw_mem_ops vfio_ccw_cached_mem_ops = {
	.read = vfio_ccw_mem_read,
	.pin = vfio_ccw_mem_pin_cached,
	.unpin = vfio_ccw_mem_unpin_cached,
};

/**
 * vfio_ccw_mem_ops_for_iommufd() - how programs of a device bound through
 *	iommufd reach guest memory
 *
 * Through the device's pin cache when the pin_cache parameter is on
 * (read at bind), else through VFIO directly.
 *
 * Context: any.
 * Return: the mem ops for the device's programs.
 */
const struct vfio_ccw_mem_ops *vfio_ccw_mem_ops_for_iommufd(void)
{
	return READ_ONCE(pin_cache_enabled) ? &vfio_ccw_cached_mem_ops : &vfio_ccw_vfio_mem_ops;
}
