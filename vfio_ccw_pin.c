// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the pin cache (see vfio_ccw_pin.h).
 *
 * Every guest page a program uses is an entry: the page, pinned once
 * through the backend, and the number of programs that hold it.  A
 * program's get finds its pages or pins the missing ones, a run of
 * consecutive missing pages in one backend call; its put only drops the
 * count.  Pages nobody holds stay pinned ("idle") until dma_unmap drops
 * their range, the device is closed, or more than max_idle of them pile
 * up, when all idle pages are unpinned at once (a guest whose buffers
 * keep changing pays about what it paid without the cache).
 *
 * VFIO requires that dma_unmap returns with no page of the range pinned.
 * The driver stops a program that holds pages of the range first
 * (vfio_ccw_fsm_unmap_hits_cp()); what is left in the range is idle and goes
 * here.  A page a program still held would be one pinned by a start
 * translated concurrently with the unmap, which the driver discards, and
 * VFIO calls dma_unmap again while pages stay pinned.
 */

#define KMSG_COMPONENT "vfio_ccw"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfio_ccw_pin.h"

struct vfio_ccw_pin_entry {
	struct page *page;
	unsigned int users;
	unsigned long pfn;
	struct list_head drop;
};

static unsigned long pfn_of(u64 iova)
{
	return iova >> PAGE_SHIFT;
}

/**
 * vfio_ccw_pin_cache_init() - an empty cache
 * @c: the cache
 * @be: the pinning behind it
 * @ctx: argument of @be's functions
 * @max_idle: idle pages kept at most
 *
 * Context: any.
 */
void vfio_ccw_pin_cache_init(struct vfio_ccw_pin_cache *c,
			     const struct vfio_ccw_pin_backend *be, void *ctx,
			     unsigned long max_idle)
{
	mutex_init(&c->lock);
	xa_init(&c->pages);
	c->nr = 0;
	c->in_use = 0;
	c->max_idle = max_idle;
	c->be = be;
	c->ctx = ctx;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_cache_init);

/*
 * Take the idle entries of [first, last] out of the cache, onto @drop,
 * for pin_drop_unlocked() to unpin once the lock is released.
 */
static unsigned long pin_take_idle_locked(struct vfio_ccw_pin_cache *c,
					  unsigned long first, unsigned long last,
					  struct list_head *drop)
{
	struct vfio_ccw_pin_entry *e;
	unsigned long pfn, n = 0;

	lockdep_assert_held(&c->lock);
	xa_for_each_range(&c->pages, pfn, e, first, last) {
		if (e->users)
			continue;
		xa_erase(&c->pages, pfn);
		list_add_tail(&e->drop, drop);
		c->nr--;
		n++;
	}
	return n;
}

/* Unpin and free what pin_take_idle_locked() took; no lock held. */
static void pin_drop_unlocked(struct vfio_ccw_pin_cache *c, struct list_head *drop)
{
	struct vfio_ccw_pin_entry *e, *next;

	list_for_each_entry_safe(e, next, drop, drop) {
		c->be->unpin(c->ctx, (u64)e->pfn << PAGE_SHIFT, 1);
		kfree(e);
	}
}

/*
 * Drop one hold of [first, first + n); idle pages stay pinned unless
 * more than max_idle are idle now, when all idle ones go onto @drop.
 */
static void pin_release_locked(struct vfio_ccw_pin_cache *c, unsigned long first,
			       int n, struct list_head *drop)
{
	XA_STATE(xas, &c->pages, first);
	struct vfio_ccw_pin_entry *e;
	int i;

	lockdep_assert_held(&c->lock);
	rcu_read_lock();
	for (i = 0, e = xas_load(&xas); i < n; i++, e = xas_next(&xas)) {
		if (WARN_ON_ONCE(!e || !e->users))
			continue;
		if (!--e->users)
			c->in_use--;
	}
	rcu_read_unlock();
	if (c->nr - c->in_use > c->max_idle)
		pin_take_idle_locked(c, 0, ULONG_MAX, drop);
}

/* Unpin every idle page; returns how many.  Takes and releases the lock. */
static unsigned long pin_drop_all_idle(struct vfio_ccw_pin_cache *c)
{
	LIST_HEAD(drop);
	unsigned long n;

	mutex_lock(&c->lock);
	n = pin_take_idle_locked(c, 0, ULONG_MAX, &drop);
	mutex_unlock(&c->lock);
	pin_drop_unlocked(c, &drop);
	return n;
}

/* Pin one page through the backend. */
static int pin_one(struct vfio_ccw_pin_cache *c, unsigned long pfn, struct page **page)
{
	int ret = c->be->pin(c->ctx, (u64)pfn << PAGE_SHIFT, 1, page);

	return ret == 1 ? 0 : ret < 0 ? ret : -EFAULT;
}

/*
 * Pin the missing run [pfn, pfn + n) through the backend, with the lock
 * released, and enter it held once; *@entered says how much of it was
 * entered, all of it unless the answer is -errno.
 *
 * A page at a time: an entry is unpinned on its own, and iommufd unpins
 * only exactly what one call pinned.  Misses are rare once a guest's
 * buffers are in the cache.
 *
 * Only one get runs per cache at a time (the driver translates one
 * start per subchannel), so nobody else enters these pages meanwhile;
 * an invalidation that ran meanwhile did not see them, and VFIO calls
 * dma_unmap again while they stay pinned.
 */
static int pin_add_run(struct vfio_ccw_pin_cache *c, unsigned long pfn, int n,
		       struct page **pages, int *entered)
{
	struct vfio_ccw_pin_entry *e;
	int ret = 0, i;

	*entered = 0;
	for (i = 0; i < n; i++) {
		ret = pin_one(c, pfn + i, &pages[i]);
		/* idle pages count against the user's locked memory: retry once */
		if (ret == -ENOMEM && pin_drop_all_idle(c))
			ret = pin_one(c, pfn + i, &pages[i]);
		if (ret)
			break;
	}
	n = i;	/* pinned */

	mutex_lock(&c->lock);
	for (i = 0; i < n; i++) {
		e = kmalloc(sizeof(*e), GFP_KERNEL);
		if (!e)
			break;
		e->page = pages[i];
		e->users = 1;
		e->pfn = pfn + i;
		if (xa_insert(&c->pages, pfn + i, e, GFP_KERNEL)) {
			kfree(e);
			break;
		}
		c->nr++;
		c->in_use++;
	}
	mutex_unlock(&c->lock);
	*entered = i;
	if (i < n) {
		/* pages i.. have no entry: unpin them here */
		for (; i < n; i++)
			c->be->unpin(c->ctx, (u64)(pfn + i) << PAGE_SHIFT, 1);
		return -ENOMEM;
	}
	return ret;
}

/*
 * The common case, every page in the cache: hold them all in one walk.
 * Holds nothing and returns false if one is missing.
 */
static bool pin_hold_all_locked(struct vfio_ccw_pin_cache *c, unsigned long first,
				int npage, struct page **pages)
{
	XA_STATE(xas, &c->pages, first);
	struct vfio_ccw_pin_entry *e;
	int i;

	lockdep_assert_held(&c->lock);
	/* entries change only under c->lock: the walk sees them all or none */
	rcu_read_lock();
	for (i = 0, e = xas_load(&xas); i < npage; i++, e = xas_next(&xas)) {
		if (!e)
			break;
		pages[i] = e->page;
	}
	if (i < npage) {
		rcu_read_unlock();
		return false;
	}
	xas_set(&xas, first);
	for (i = 0, e = xas_load(&xas); i < npage; i++, e = xas_next(&xas))
		if (!e->users++)
			c->in_use++;
	rcu_read_unlock();
	return true;
}

/**
 * vfio_ccw_pin_get() - hold guest pages, pinning those not pinned yet
 * @c: the cache
 * @iova: page-aligned guest address of the first page
 * @npage: consecutive pages
 * @pages: their host pages, on success
 *
 * Context: process context, may sleep; takes @c->lock, and calls the
 * backend without it.
 * Return: @npage, with every page held once more; or the backend's
 * -errno (or -ENOMEM), with nothing held.
 */
int vfio_ccw_pin_get(struct vfio_ccw_pin_cache *c, u64 iova, int npage,
		     struct page **pages)
{
	unsigned long first = pfn_of(iova);
	struct vfio_ccw_pin_entry *e;
	int i = 0, run, entered, ret = 0;
	LIST_HEAD(drop);

	if (npage <= 0 || offset_in_page(iova))
		return -EINVAL;
	mutex_lock(&c->lock);
	if (pin_hold_all_locked(c, first, npage, pages)) {
		mutex_unlock(&c->lock);
		return npage;
	}
	while (i < npage) {
		e = xa_load(&c->pages, first + i);
		if (e) {
			if (!e->users++)
				c->in_use++;
			pages[i++] = e->page;
			continue;
		}
		for (run = 1; i + run < npage && !xa_load(&c->pages, first + i + run); run++)
			;
		mutex_unlock(&c->lock);
		ret = pin_add_run(c, first + i, run, &pages[i], &entered);
		mutex_lock(&c->lock);
		/* what was entered is held, also when the rest failed */
		i += entered;
		if (!ret)
			continue;
		pin_release_locked(c, first, i, &drop);
		break;
	}
	mutex_unlock(&c->lock);
	pin_drop_unlocked(c, &drop);
	return ret ? ret : npage;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_get);

/**
 * vfio_ccw_pin_put() - release what vfio_ccw_pin_get() held
 * @c: the cache
 * @iova: as given to the get
 * @npage: as given to the get
 *
 * The pages stay pinned, idle, unless more than max_idle pages are idle
 * now: then every idle page is unpinned.
 *
 * Context: process context, may sleep; takes @c->lock, and unpins
 * without it.
 */
void vfio_ccw_pin_put(struct vfio_ccw_pin_cache *c, u64 iova, int npage)
{
	LIST_HEAD(drop);

	mutex_lock(&c->lock);
	pin_release_locked(c, pfn_of(iova), npage, &drop);
	mutex_unlock(&c->lock);
	pin_drop_unlocked(c, &drop);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_put);

/**
 * vfio_ccw_pin_invalidate() - unpin the idle pages of a guest range
 * @c: the cache
 * @iova: start of the range
 * @length: its length in bytes
 *
 * For dma_unmap.  Pages a program holds are left alone (see above).
 *
 * Context: process context, may sleep; takes @c->lock, and unpins
 * without it.
 * Return: the pages unpinned.
 */
unsigned long vfio_ccw_pin_invalidate(struct vfio_ccw_pin_cache *c, u64 iova,
				      u64 length)
{
	LIST_HEAD(drop);
	unsigned long n;

	if (!length)
		return 0;
	mutex_lock(&c->lock);
	n = pin_take_idle_locked(c, pfn_of(iova), pfn_of(iova + length - 1), &drop);
	mutex_unlock(&c->lock);
	pin_drop_unlocked(c, &drop);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_invalidate);

/**
 * vfio_ccw_pin_flush() - unpin every idle page
 * @c: the cache
 *
 * For close, when no program is left.
 *
 * Context: process context, may sleep; takes @c->lock, and unpins
 * without it.
 * Return: the pages unpinned.
 */
unsigned long vfio_ccw_pin_flush(struct vfio_ccw_pin_cache *c)
{
	return pin_drop_all_idle(c);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_flush);

/**
 * vfio_ccw_pin_cache_destroy() - free an empty cache
 * @c: the cache, flushed, with nothing held
 *
 * Context: process context.
 */
void vfio_ccw_pin_cache_destroy(struct vfio_ccw_pin_cache *c)
{
	WARN_ON_ONCE(c->nr || !xa_empty(&c->pages));
	xa_destroy(&c->pages);
	mutex_destroy(&c->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_cache_destroy);
