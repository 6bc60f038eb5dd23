// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: channel reports for the guest.
 *
 * chp_event runs under the subchannel lock, so it only records the path
 * event in a small kfifo (struct vfio_ccw_path_events).  The worker turns
 * the events of paths going away or coming back into channel report
 * words and queues them for the open VFIO device, whose CRW region pops
 * them one per read.  Neither queue drops silently: a lost path event
 * or CRW sets the architecture's overflow bit on the next CRW stored.
 */

#include <linux/eventfd.h>
#include <linux/kfifo.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "chp.h"
#include "vfio_ccw_private.h"

/**
 * vfio_ccw_crw_queue_init() - empty a device's channel-report queue
 * @q: the queue
 *
 * Context: the FSM mutex held, or @q not visible yet (open).
 */
void vfio_ccw_crw_queue_init(struct vfio_ccw_crw_queue *q)
{
	BUILD_BUG_ON(!is_power_of_2(VFIO_CCW_CRW_QUEUE_LEN));
	INIT_KFIFO(q->crw);
	q->overflow = false;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_crw_queue_init);

/**
 * vfio_ccw_crw_push() - queue a channel report for the user
 * @q: the device's queue
 * @crw: the report
 *
 * If a report was lost before, this one carries the overflow bit.
 *
 * Context: FSM mutex held (it owns @q).
 * Return: true if queued; false if the queue was full (the loss is
 * remembered and reported on the next report stored).
 */
bool vfio_ccw_crw_push(struct vfio_ccw_crw_queue *q, const struct crw *crw)
{
	struct crw slot = *crw;

	if (kfifo_is_full(&q->crw)) {
		q->overflow = true;
		return false;
	}
	if (q->overflow) {
		slot.oflw = 1;
		q->overflow = false;
	}
	return kfifo_put(&q->crw, slot);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_crw_push);

/**
 * vfio_ccw_crw_pop() - take the oldest channel report
 * @q: the device's queue
 * @crw: where to store it; zeroed when the queue is empty
 *
 * Context: FSM mutex held.
 * Return: true if more reports remain after this one.
 */
bool vfio_ccw_crw_pop(struct vfio_ccw_crw_queue *q, struct crw *crw)
{
	memset(crw, 0, sizeof(*crw));
	if (!kfifo_get(&q->crw, crw))
		return false;
	/* A loss after the last stored report must still be seen. */
	if (kfifo_is_empty(&q->crw) && q->overflow) {
		crw->oflw = 1;
		q->overflow = false;
	}
	return !kfifo_is_empty(&q->crw);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_crw_pop);

/**
 * vfio_ccw_path_event_push() - record a channel-path event
 * @pe: the subchannel's ring
 * @chpid: the channel path
 * @event: CHP_ONLINE, CHP_OFFLINE, CHP_VARY_ON or CHP_VARY_OFF
 *
 * Context: any; in chp_event the subchannel lock is held.
 * Return: true if recorded, false if the ring was full.
 */
bool vfio_ccw_path_event_push(struct vfio_ccw_path_events *pe, u8 chpid, int event)
{
	unsigned long flags;
	bool queued;

	spin_lock_irqsave(&pe->lock, flags);
	queued = kfifo_put(&pe->ev, chpid << 8 | (event & 0xff));
	if (!queued)
		pe->lost = true;
	spin_unlock_irqrestore(&pe->lock, flags);
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_path_event_push);

static bool path_event_pop(struct vfio_ccw_path_events *pe, u16 *ev, bool *lost)
{
	unsigned long flags;
	bool popped;

	spin_lock_irqsave(&pe->lock, flags);
	popped = kfifo_get(&pe->ev, ev);
	*lost |= pe->lost;
	pe->lost = false;
	spin_unlock_irqrestore(&pe->lock, flags);
	return popped;
}

/**
 * vfio_ccw_path_events_to_crws() - report recorded path events to the user
 * @parent: the subchannel
 *
 * A path that went offline is reported as "permanent error, facility
 * not initialised", one that came online as "initialised", with the
 * CHPID as reporting-source ID: what a guest's channel-path handling
 * expects from its own channel subsystem.  Logical vary on/off changes
 * only the path masks and is not reported.  Without an open device the
 * events are dropped: nobody could read them.
 *
 * Context: process context; takes the FSM mutex.
 * Return: the number of reports queued.
 */
int vfio_ccw_path_events_to_crws(struct vfio_ccw_parent *parent)
{
	struct vfio_ccw_private *private;
	bool lost = false;
	int queued = 0;
	u16 ev;

	/*
	 * The worker runs for every interrupt: skip the mutex when nothing
	 * was recorded.  A racy look: chp_event queues the worker after it
	 * records, so an event is seen by this run or the next.
	 */
	if (data_race(kfifo_is_empty(&parent->path_events.ev)) &&
	    !READ_ONCE(parent->path_events.lost))
		return 0;

	mutex_lock(&parent->fsm_lock);
	private = parent->private;
	while (path_event_pop(&parent->path_events, &ev, &lost)) {
		struct crw crw = { .rsc = CRW_RSC_CPATH, .rsid = ev >> 8 };

		switch (ev & 0xff) {
		case CHP_OFFLINE:
			crw.erc = CRW_ERC_PERRN;
			break;
		case CHP_ONLINE:
			crw.erc = CRW_ERC_INIT;
			break;
		default:
			continue;
		}
		if (private)
			queued += vfio_ccw_crw_push(&private->crws, &crw);
	}
	/* Events were lost after the last one recorded: flag the next CRW. */
	if (lost && private)
		private->crws.overflow = true;
	if (queued && private && private->trigger[VFIO_CCW_CRW_IRQ_INDEX])
		eventfd_signal(private->trigger[VFIO_CCW_CRW_IRQ_INDEX]);
	mutex_unlock(&parent->fsm_lock);
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_path_events_to_crws);
