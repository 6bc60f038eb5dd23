// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the life of a channel program around the state table.
 *
 * A guest's start is translated with the FSM mutex released and enters
 * the table as IO_REQ; the programs the table retires are unpinned and
 * freed after the mutex is dropped, and only then is the I/O eventfd
 * signalled.  dma_unmap waits for that unpinning and resets the
 * subchannel when the installed program holds pages of the range;
 * close and reset step the table through QUIESCING.  The reasons (VFIO
 * takes our mutex in dma_unmap with its own locks held) are in
 * Documentation/locking.rst.
 */

#include <linux/eventfd.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_tracing.h"

/* A channel program to translate into, counted in vfio_ccw_totals. */
static struct vfio_ccw_cp *fsm_cp_alloc(void)
{
	struct vfio_ccw_cp *cp = kmalloc(sizeof(*cp), GFP_KERNEL);

	if (cp)
		atomic_long_inc(&vfio_ccw_totals.programs);
	return cp;
}

/* Unpin and free a program; it may be inactive or partly built. */
static void fsm_cp_release(struct vfio_ccw_cp *cp)
{
	vfio_ccw_cp_free(cp);
	kfree(cp);
	atomic_long_dec(&vfio_ccw_totals.programs);
}

/* Signal the I/O eventfd if an IRB is waiting to be announced. */
static void fsm_signal_io_locked(struct vfio_ccw_parent *parent)
{
	struct vfio_ccw_private *private = parent->private;

	lockdep_assert_held(&parent->fsm_lock);
	if (!parent->io_signal)
		return;
	parent->io_signal = false;
	if (private && private->trigger[VFIO_CCW_IO_IRQ_INDEX])
		eventfd_signal(private->trigger[VFIO_CCW_IO_IRQ_INDEX]);
}

/*
 * Unpin and free @retired, taken off @parent->retired by a thread counted
 * in @parent->unpinning, then announce the IRB that ended them.
 */
static void fsm_release_retired(struct vfio_ccw_parent *parent, struct list_head *retired)
{
	struct vfio_ccw_cp *cp, *next;

	list_for_each_entry_safe(cp, next, retired, retired) {
		list_del(&cp->retired);
		fsm_cp_release(cp);
	}
	if (atomic_dec_and_test(&parent->unpinning))
		vfio_ccw_fsm_wake(parent);

	mutex_lock(&parent->fsm_lock);
	fsm_signal_io_locked(parent);
	mutex_unlock(&parent->fsm_lock);
}

/**
 * vfio_ccw_fsm_unlock() - release the FSM mutex, then free retired programs
 * @parent: the subchannel
 *
 * Programs retired by the table are unpinned with the mutex released
 * (VFIO takes it in dma_unmap with its own locks held); meanwhile
 * @parent->unpinning counts this thread.  An IRB delivered under the
 * mutex is announced on the I/O eventfd only after that, so that a user
 * who unmaps its buffers on the interrupt finds none of them pinned.
 * During an unmap's reset (@parent->defer_unpin) the unpinning and the
 * announcement are left to &vfio_ccw_parent.unpin_work instead.
 *
 * Context: process context; @parent->fsm_lock held on entry, released
 * on return.  May sleep (unpinning).
 */
void vfio_ccw_fsm_unlock(struct vfio_ccw_parent *parent)
{
	LIST_HEAD(retired);

	lockdep_assert_held(&parent->fsm_lock);
	if (list_empty(&parent->retired)) {
		fsm_signal_io_locked(parent);
		mutex_unlock(&parent->fsm_lock);
		return;
	}
	if (parent->defer_unpin) {
		/* counted until the work has run; it announces the IRB */
		atomic_inc(&parent->unpinning);
		if (!vfio_ccw_queue_unpin_work(parent))
			atomic_dec(&parent->unpinning);
		mutex_unlock(&parent->fsm_lock);
		return;
	}
	list_splice_init(&parent->retired, &retired);
	atomic_inc(&parent->unpinning);
	mutex_unlock(&parent->fsm_lock);
	fsm_release_retired(parent, &retired);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_unlock);

/**
 * vfio_ccw_fsm_unpin_work() - unpin programs retired during an unmap's reset
 * @work: &vfio_ccw_parent.unpin_work
 *
 * Context: process context (vfio_ccw workqueue); takes the FSM mutex and,
 * to unpin, VFIO's IOMMU locks.
 */
void vfio_ccw_fsm_unpin_work(struct work_struct *work)
{
	struct vfio_ccw_parent *parent =
		container_of(work, struct vfio_ccw_parent, unpin_work);
	LIST_HEAD(retired);

	mutex_lock(&parent->fsm_lock);
	list_splice_init(&parent->retired, &retired);
	mutex_unlock(&parent->fsm_lock);
	fsm_release_retired(parent, &retired);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_unpin_work);

/**
 * vfio_ccw_fsm_translate_and_start() - translate a guest start and feed it as IO_REQ
 * @parent: the subchannel
 * @orb: the guest's ORB
 *
 * The channel program is fetched and its pages pinned with the FSM
 * mutex released (VFIO's locks are taken meanwhile); @parent->translating
 * keeps a second start out (-EAGAIN) while it runs.  The result enters
 * the table as IO_REQ, which starts it or refuses it.  A dma_unmap that
 * overlapped the translation may have unmapped pages it pinned: the
 * program is discarded and the user asked to retry.
 *
 * Context: process context, may sleep; @parent->fsm_lock held on entry
 * and on return, released in between.
 * Return: 0 when the start was issued; -EAGAIN while another start is
 * translated or after an overlapping unmap; the translation's errno
 * (see vfio_ccw_cp_build()); or the table's answer to IO_REQ.
 */
int vfio_ccw_fsm_translate_and_start(struct vfio_ccw_parent *parent, const union orb *orb)
	__must_hold(&parent->fsm_lock)
{
	const struct vfio_ccw_mem_ops *mem = parent->mem;
	void *mem_ctx = parent->mem_ctx;
	unsigned long seq = parent->unmap_seq;
	struct vfio_ccw_cp *cp;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	if (parent->translating)
		return -EAGAIN;
	/* BUSY, NOT_OPER, ...: the table has the answer. */
	if (parent->state != VFIO_CCW_STATE_IDLE)
		return vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_IO_REQ, NULL);

	WRITE_ONCE(parent->translating, true);
	mutex_unlock(&parent->fsm_lock);

	cp = fsm_cp_alloc();
	ret = cp ? vfio_ccw_cp_build(cp, orb, mem, mem_ctx) : -ENOMEM;

	mutex_lock(&parent->fsm_lock);
	if (!ret && parent->unmap_seq != seq) {
		/* Unpin before dma_unmap, waiting for us, may go on. */
		mutex_unlock(&parent->fsm_lock);
		vfio_ccw_cp_free(cp);
		ret = -EAGAIN;
		mutex_lock(&parent->fsm_lock);
	}
	WRITE_ONCE(parent->translating, false);
	vfio_ccw_fsm_wake(parent);
	if (ret) {
		trace_vfio_ccw_start(parent->sch->schid, dma32_to_u32(orb->cmd.cpa),
				     0, 0, 0, ret);
		if (cp)
			fsm_cp_release(cp);
		return ret;
	}
	if (trace_vfio_ccw_start_enabled()) {
		int segs = cp->nr_segs, ccws = 0, s;
		unsigned long pinned = cp->pinned;

		for (s = 0; s < segs; s++)
			ccws += cp->segs[s].nr;
		ret = vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_IO_REQ, cp);
		trace_vfio_ccw_start(parent->sch->schid, dma32_to_u32(orb->cmd.cpa),
				     segs, ccws, pinned, ret);
		return ret;
	}
	return vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_IO_REQ, cp);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_translate_and_start);

/* Nobody pins or unpins for this subchannel outside the FSM mutex. */
static bool fsm_pins_settled(struct vfio_ccw_parent *parent)
{
	return !READ_ONCE(parent->translating) && !atomic_read(&parent->unpinning);
}

/**
 * vfio_ccw_fsm_wait_unpinned() - wait for unpinning outside the FSM mutex
 * @parent: the subchannel
 *
 * For dma_unmap, which must not return while pages of the range are
 * pinned.  A start being translated and programs retired by the table
 * pin and unpin with the FSM mutex released; wait until neither runs.
 *
 * The wait is bounded (a second): the thread we wait for may need
 * VFIO's iommu->lock, which a second, concurrent unmap can hold while it
 * waits for the device_list_lock our caller holds.  VFIO retries the
 * unmap while pages stay pinned, so a timeout costs a retry, not a
 * deadlock.
 *
 * Context: process context, may sleep; FSM mutex not held.
 * Return: true if nothing was pinning or unpinning when it returned.
 */
bool vfio_ccw_fsm_wait_unpinned(struct vfio_ccw_parent *parent)
{
	return wait_event_timeout(parent->state_wq, fsm_pins_settled(parent), HZ) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_wait_unpinned);

/**
 * vfio_ccw_fsm_unmap_hits_cp() - does the subchannel hold pages of a range?
 * @parent: the subchannel
 * @iova: start of the range
 * @length: its length
 *
 * For dma_unmap, which VFIO calls with its IOMMU locks held.  A start
 * being translated may be pinning pages right now: its translation is
 * marked stale (it will unpin and answer -EAGAIN); it and any retired
 * program still being unpinned are waited for
 * (vfio_ccw_fsm_wait_unpinned()) before the installed program is checked.
 *
 * Context: process context; takes the FSM mutex.
 * Return: true if the installed program pins a page of the range.
 */
bool vfio_ccw_fsm_unmap_hits_cp(struct vfio_ccw_parent *parent, u64 iova, u64 length)
{
	bool pinned;

	mutex_lock(&parent->fsm_lock);
	parent->unmap_seq++;
	mutex_unlock(&parent->fsm_lock);
	vfio_ccw_fsm_wait_unpinned(parent);

	mutex_lock(&parent->fsm_lock);
	pinned = parent->cp && vfio_ccw_cp_iova_pinned(parent->cp, iova, length);
	vfio_ccw_fsm_unlock(parent);
	return pinned;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_unmap_hits_cp);

/*
 * Dispatch @event (CLOSE or RESET); while the table answers QUIESCING,
 * dispatch it again as the next cancel/halt/clear step, then wait a
 * bounded time for that step's interrupt (delivered by the worker, which
 * needs the FSM mutex, so the wait happens without it).  The first step
 * is not put off: a suspended program sends no interrupt until it is
 * cancelled, and a running one is being given up anyway.
 * cio_cancel_halt_clear()'s retry budget bounds the loop.
 */
static int fsm_quiesce(struct vfio_ccw_parent *parent, enum vfio_ccw_event event)
{
	int ret;

	ret = vfio_ccw_fsm_event(parent, event, NULL);
	while (READ_ONCE(parent->state) == VFIO_CCW_STATE_QUIESCING) {
		ret = vfio_ccw_fsm_event(parent, event, NULL);
		if (wait_event_timeout(parent->state_wq,
				       READ_ONCE(parent->state) != VFIO_CCW_STATE_QUIESCING,
				       parent->quiesce_wait))
			break;
	}
	return ret;
}

/**
 * vfio_ccw_fsm_close() - detach the user and bring the subchannel to rest
 * @parent: the subchannel
 *
 * Dispatches CLOSE until the subchannel is quiet (see fsm_quiesce()),
 * then waits until no thread unpins a program of this subchannel any
 * more: the worker that delivered the final interrupt, or a dma_unmap,
 * may still be unpinning the last one.  Once this returns, nothing of
 * the closed user is pinned or used: VFIO may unbind it and the mdev
 * may go.  The wait has no bound: the unpinning threads need VFIO's
 * IOMMU locks, none of which a closing thread holds.
 *
 * Context: process context, may sleep; FSM mutex not held.
 * Return: 0 once the subchannel is in STANDBY or NOT_OPER, or the errno
 * of the last step (-EIO when it could not be quiesced).
 */
int vfio_ccw_fsm_close(struct vfio_ccw_parent *parent)
{
	int ret = fsm_quiesce(parent, VFIO_CCW_EVENT_CLOSE);

	/*
	 * The thread that made the last change counts itself in unpinning
	 * before it releases the mutex: once we have had the mutex, the
	 * count includes it.
	 */
	mutex_lock(&parent->fsm_lock);
	vfio_ccw_fsm_unlock(parent);
	wait_event(parent->state_wq, !atomic_read(&parent->unpinning));
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_close);

/**
 * vfio_ccw_fsm_reset() - stop what runs, drop the program, keep the user
 * @parent: the subchannel
 *
 * Dispatches RESET until the subchannel is quiet and enabled again (see
 * fsm_quiesce()).  A close meanwhile wins: the subchannel ends in
 * STANDBY, never enabled for a user who has gone.
 *
 * Context: process context, may sleep; FSM mutex not held.
 * Return: 0 once the subchannel is IDLE again; -EBADF when the device
 * was not (or is no longer) open; the enable's errno, or the last
 * step's (-EIO when it could not be quiesced).
 */
int vfio_ccw_fsm_reset(struct vfio_ccw_parent *parent)
{
	return fsm_quiesce(parent, VFIO_CCW_EVENT_RESET);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_reset);

/**
 * vfio_ccw_fsm_unmap_reset() - the reset of a dma_unmap
 * @parent: the subchannel
 *
 * As vfio_ccw_fsm_reset(), but what it retires is unpinned by
 * &vfio_ccw_parent.unpin_work, not by the calling thread: VFIO's type1
 * backend calls dma_unmap holding its device_list_lock, unpinning takes
 * its iommu->lock, and a second unmap, or the open or close of a device
 * in the same container, holds iommu->lock while it waits for
 * device_list_lock.  The caller waits for the unpinning a bounded time
 * (vfio_ccw_fsm_wait_unpinned()); type1 calls dma_unmap again while
 * pages of the range stay pinned.
 *
 * Context: process context, may sleep; FSM mutex not held.
 * Return: as vfio_ccw_fsm_reset().
 */
int vfio_ccw_fsm_unmap_reset(struct vfio_ccw_parent *parent)
{
	int ret;

	mutex_lock(&parent->fsm_lock);
	parent->defer_unpin++;
	mutex_unlock(&parent->fsm_lock);
	ret = fsm_quiesce(parent, VFIO_CCW_EVENT_RESET);
	/* not vfio_ccw_fsm_unlock(): what is retired stays with the work */
	mutex_lock(&parent->fsm_lock);
	parent->defer_unpin--;
	mutex_unlock(&parent->fsm_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_unmap_reset);
