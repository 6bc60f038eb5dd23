/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: the pin cache.
 *
 * A guest reuses its I/O buffers all the time, and pinning a page
 * through VFIO (and unpinning it after the interrupt) is most of what a
 * start costs per page.  The cache keeps the pages it pinned for one
 * program pinned after it, so the next program that uses them finds
 * them; VFIO's dma_unmap drops them exactly for the range unmapped, and
 * closing the device drops them all.
 *
 * The driver uses it for devices bound through iommufd only: the legacy
 * type1 container calls dma_unmap with its device_list_lock held, which
 * it takes inside iommu->lock elsewhere, so unpinning there - which a
 * cache does on every unmap of a cached range - inverts type1's lock
 * order (see Documentation/locking.rst).
 */
#ifndef _VFIO_CCW_PIN_H_
#define _VFIO_CCW_PIN_H_

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct page;

/* Idle pages kept pinned per device, at most (16 MiB of guest memory). */
#define VFIO_CCW_PIN_CACHE_PAGES	4096

/**
 * struct vfio_ccw_pin_backend - the pinning the cache stands in front of
 * @pin: pin @npage guest pages from page-aligned @iova for read and
 *	write into @pages; returns @npage or -errno (vfio_pin_pages()).
 * @unpin: release @npage pages from @iova (vfio_unpin_pages()).
 *
 * VFIO in the driver; a fake in KUnit.
 */
struct vfio_ccw_pin_backend {
	int (*pin)(void *ctx, u64 iova, int npage, struct page **pages);
	void (*unpin)(void *ctx, u64 iova, int npage);
};

/**
 * struct vfio_ccw_pin_cache - pinned guest pages of one device
 * @lock: protects @pages, every entry in it, @nr and @in_use.  A leaf:
 *	the backend is called without it (dma_unmap takes it under VFIO's
 *	device_list_lock, and VFIO takes that inside iommu->lock, which
 *	pinning takes).
 * @pages: guest page frame number (IOVA >> PAGE_SHIFT) -> entry
 * @nr: entries, i.e. pages pinned through the backend
 * @in_use: entries that a program holds
 * @max_idle: idle entries kept at most
 * @be: the backend
 * @ctx: its argument
 */
struct vfio_ccw_pin_cache {
	struct mutex lock;		/* pages, nr, in_use, every entry */
	struct xarray pages;
	unsigned long nr;
	unsigned long in_use;
	unsigned long max_idle;
	const struct vfio_ccw_pin_backend *be;
	void *ctx;
};

void vfio_ccw_pin_cache_init(struct vfio_ccw_pin_cache *c,
			     const struct vfio_ccw_pin_backend *be, void *ctx,
			     unsigned long max_idle);
void vfio_ccw_pin_cache_destroy(struct vfio_ccw_pin_cache *c);
int vfio_ccw_pin_get(struct vfio_ccw_pin_cache *c, u64 iova, int npage,
		     struct page **pages);
void vfio_ccw_pin_put(struct vfio_ccw_pin_cache *c, u64 iova, int npage);
unsigned long vfio_ccw_pin_invalidate(struct vfio_ccw_pin_cache *c, u64 iova,
				      u64 length);
unsigned long vfio_ccw_pin_flush(struct vfio_ccw_pin_cache *c);

#endif /* _VFIO_CCW_PIN_H_ */
