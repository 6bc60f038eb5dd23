// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the IRB queue.
 *
 * The css driver's IRQ callback copies each interruption response block
 * into this bounded FIFO under the subchannel lock; the event worker
 * takes them out in process context and feeds them to the state
 * machine.  When it is full, what is dropped is chosen so that the
 * status ending the outstanding program is never lost.
 */

#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "vfio_ccw_private.h"

/**
 * vfio_ccw_irb_push() - append an IRB to the queue
 * @q: the queue
 * @irb: the IRB to copy in
 *
 * When the queue is full, an IRB is dropped and counted in
 * @q->overflows, to be reported by the worker: the oldest one that does
 * not end a start (intermediate status, unsolicited status), or, if
 * every queued IRB ends one, the oldest.  The status that ends the
 * outstanding program is never the one lost to a burst of intermediate
 * interrupts: without it the device would stay busy, its pages pinned.
 *
 * Context: any, including hard IRQ; takes @q->lock.
 * Return: true if queued without dropping one, false if one was dropped.
 */
bool vfio_ccw_irb_push(struct vfio_ccw_irb_queue *q, const struct irb *irb)
{
	unsigned int i, victim = 0, slot;
	unsigned long flags;
	bool dropped = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->count == VFIO_CCW_IRB_QUEUE_LEN) {
		for (i = 0; i < q->count; i++) {
			slot = (q->head + i) % VFIO_CCW_IRB_QUEUE_LEN;
			if (!vfio_ccw_irb_ends_start(&q->irb[slot])) {
				victim = i;
				break;
			}
		}
		/* close the gap: entries after the victim move up by one */
		for (i = victim; i + 1 < q->count; i++)
			q->irb[(q->head + i) % VFIO_CCW_IRB_QUEUE_LEN] =
				q->irb[(q->head + i + 1) % VFIO_CCW_IRB_QUEUE_LEN];
		q->count--;
		q->overflows++;
		dropped = true;
	}
	slot = (q->head + q->count) % VFIO_CCW_IRB_QUEUE_LEN;
	q->irb[slot] = *irb;
	q->count++;
	spin_unlock_irqrestore(&q->lock, flags);
	return !dropped;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_irb_push);

/**
 * vfio_ccw_irb_pop() - take the oldest IRB from the queue
 * @q: the queue
 * @irb: where to copy it
 *
 * Context: any; takes @q->lock.
 * Return: true if an IRB was copied to @irb, false if the queue is empty.
 */
bool vfio_ccw_irb_pop(struct vfio_ccw_irb_queue *q, struct irb *irb)
{
	unsigned long flags;
	bool popped = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->count) {
		*irb = q->irb[q->head];
		q->head = (q->head + 1) % VFIO_CCW_IRB_QUEUE_LEN;
		q->count--;
		popped = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return popped;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_irb_pop);

/**
 * vfio_ccw_irb_flush() - drop every queued IRB
 * @q: the queue
 *
 * For the table, when the subchannel has just been disabled: what is
 * still queued is status of functions that ended before, which no later
 * program (of this user after a reset, or of the next one) may be given.
 *
 * Context: any; takes @q->lock.
 * Return: the number of IRBs dropped.
 */
unsigned int vfio_ccw_irb_flush(struct vfio_ccw_irb_queue *q)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&q->lock, flags);
	n = q->count;
	q->count = 0;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_irb_flush);

/**
 * vfio_ccw_irb_pending() - is an IRB queued that the table has not seen?
 * @q: the queue
 *
 * For a start, which must not be issued while one is: the status of a
 * function that ended before it (a halt, a clear, an earlier program,
 * unsolicited status) would be taken for its end.  The hardware answers
 * such a start with condition code 1 while the status is pending in the
 * subchannel; once the IRQ handler has taken it, the queue is where it
 * is pending.  Only a check under the subchannel lock, which the IRQ
 * callback queues under, is atomic with the start.
 *
 * Context: any; takes @q->lock.
 * Return: true if the queue holds an IRB.
 */
bool vfio_ccw_irb_pending(struct vfio_ccw_irb_queue *q)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&q->lock, flags);
	pending = q->count > 0;
	spin_unlock_irqrestore(&q->lock, flags);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_irb_pending);
