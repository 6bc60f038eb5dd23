// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the css driver.
 *
 * Binds I/O subchannels, registers each as an mdev parent, and turns
 * what the common I/O layer reports (interrupts, subchannel and channel
 * path events) into state machine events.  Those callbacks run in IRQ
 * context or under the subchannel lock, so they only record what
 * happened and queue parent->event_work; the worker feeds the table.
 */

#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>
#include <asm/isc.h>

#include "chp.h"
#include "cio.h"
#include "ioasm.h"
#include "vfio_ccw_private.h"
#define CREATE_TRACE_POINTS
#include "vfio_ccw_tracing.h"

static struct workqueue_struct *vfio_ccw_wq;

struct vfio_ccw_totals vfio_ccw_totals;
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_totals);

static void vfio_ccw_report_overflows(struct vfio_ccw_parent *parent)
{
	unsigned long overflows, flags;

	spin_lock_irqsave(&parent->irbs.lock, flags);
	overflows = parent->irbs.overflows;
	spin_unlock_irqrestore(&parent->irbs.lock, flags);
	if (overflows == parent->irq_overflows_reported)
		return;
	dev_warn_ratelimited(&parent->sch->dev, "%lu interruption(s) lost: IRB queue full\n",
			     overflows - parent->irq_overflows_reported);
	parent->irq_overflows_reported = overflows;
}

/*
 * Feed every queued IRB to the table, in arrival order, each popped with
 * the FSM mutex held: an IRB is either still queued, where a start sees
 * it (vfio_ccw_irb_pending()), or handled, never in between while a
 * start is issued.
 */
static void vfio_ccw_irbs_to_fsm(struct vfio_ccw_parent *parent)
{
	struct irb irb;

	for (;;) {
		mutex_lock(&parent->fsm_lock);
		if (!vfio_ccw_irb_pop(&parent->irbs, &irb)) {
			mutex_unlock(&parent->fsm_lock);
			return;
		}
		vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_INTERRUPT, &irb);
		vfio_ccw_fsm_unlock(parent);
	}
}

/**
 * vfio_ccw_event_work() - feed deferred events to the state machine
 * @work: &vfio_ccw_parent.event_work
 *
 * Handles the queued IRBs first: the status that ended a program came
 * before a path event seen with it, and a program that has ended must
 * not be halted for a path it no longer uses.  Then a pending
 * SCHIB_CHANGED, then the IRBs that came meanwhile (a halt's, say), and
 * reports recorded path events as channel reports.
 *
 * Context: process context (vfio_ccw workqueue); takes the FSM mutex.
 */
void vfio_ccw_event_work(struct work_struct *work)
{
	struct vfio_ccw_parent *parent =
		container_of(work, struct vfio_ccw_parent, event_work);

	vfio_ccw_irbs_to_fsm(parent);
	if (test_and_clear_bit(VFIO_CCW_PENDING_SCHIB_CHANGED, &parent->pending)) {
		vfio_ccw_fsm_event(parent, VFIO_CCW_EVENT_SCHIB_CHANGED, NULL);
		vfio_ccw_irbs_to_fsm(parent);
	}
	vfio_ccw_path_events_to_crws(parent);
	vfio_ccw_report_overflows(parent);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_event_work);

/**
 * vfio_ccw_parent_init() - initialise a parent in STANDBY
 * @parent: zeroed memory
 * @sch: the subchannel
 * @ops: subchannel operations
 *
 * Context: process context.
 */
void vfio_ccw_parent_init(struct vfio_ccw_parent *parent,
			  struct subchannel *sch,
			  const struct vfio_ccw_sch_ops *ops)
{
	parent->sch = sch;
	parent->ops = ops;
	mutex_init(&parent->fsm_lock);
	INIT_LIST_HEAD(&parent->retired);
	init_waitqueue_head(&parent->state_wq);
	parent->quiesce_wait = VFIO_CCW_QUIESCE_WAIT;
	parent->state = VFIO_CCW_STATE_STANDBY;
	spin_lock_init(&parent->irbs.lock);
	spin_lock_init(&parent->path_events.lock);
	BUILD_BUG_ON(!is_power_of_2(VFIO_CCW_PATH_EVENTS_LEN));
	INIT_KFIFO(parent->path_events.ev);
	INIT_WORK(&parent->event_work, vfio_ccw_event_work);
	INIT_WORK(&parent->unpin_work, vfio_ccw_fsm_unpin_work);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_parent_init);

/**
 * vfio_ccw_queue_event_work() - schedule the event worker
 * @parent: the subchannel
 *
 * Context: any.
 */
void vfio_ccw_queue_event_work(struct vfio_ccw_parent *parent)
{
	queue_work(vfio_ccw_wq, &parent->event_work);
}

/**
 * vfio_ccw_queue_unpin_work() - schedule the unpinning of retired programs
 * @parent: the subchannel
 *
 * Context: any.
 * Return: false if it was queued already.
 */
bool vfio_ccw_queue_unpin_work(struct vfio_ccw_parent *parent)
{
	return queue_work(vfio_ccw_wq, &parent->unpin_work);
}

/* --- css driver callbacks --------------------------------------------- */

static void vfio_ccw_sch_irq(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct irb *irb = this_cpu_ptr(&cio_irb);

	lockdep_assert_held(&sch->lock);
	inc_irq_stat(IRQIO_CIO);
	if (!parent)
		return;
	/* Keep the cached SCSW current: cio_cancel_halt_clear() reads it. */
	sch->schib.scsw = irb->scsw;
	trace_vfio_ccw_irq(sch->schid, &irb->scsw, vfio_ccw_irb_push(&parent->irbs, irb));
	vfio_ccw_queue_event_work(parent);
}

/* Stop the IRQ callback from queueing and wait for the worker. */
static void vfio_ccw_detach_irq(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;

	spin_lock_irq(&sch->lock);
	dev_set_drvdata(&sch->dev, NULL);
	spin_unlock_irq(&sch->lock);
	cancel_work_sync(&parent->event_work);
	flush_work(&parent->unpin_work);
}

static int vfio_ccw_sch_probe(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent;
	int ret;

	if (sch->schib.pmcw.qf) {
		dev_warn(&sch->dev, "vfio_ccw does not drive QDIO subchannels\n");
		return -ENODEV;
	}

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	vfio_ccw_parent_init(parent, sch, &vfio_ccw_sch_hw_ops);
	sch->isc = VFIO_CCW_ISC;
	parent->mdev_type.sysfs_name = "io";
	parent->mdev_type.pretty_name = "I/O subchannel (Non-QDIO)";
	parent->mdev_type_list = &parent->mdev_type;
	dev_set_drvdata(&sch->dev, parent);

	ret = mdev_register_parent(&parent->mdev_parent, &sch->dev,
				   &vfio_ccw_mdev_driver, &parent->mdev_type_list, 1);
	if (ret)
		goto err_clear_drvdata;

	vfio_ccw_debugfs_add(parent);

	/* css keeps the ADD uevent back until a driver has bound. */
	if (dev_get_uevent_suppress(&sch->dev)) {
		dev_set_uevent_suppress(&sch->dev, 0);
		kobject_uevent(&sch->dev.kobj, KOBJ_ADD);
	}
	dev_dbg(&sch->dev, "bound to vfio_ccw (devno %04x, pim %02x)\n",
		sch->schib.pmcw.dev, sch->schib.pmcw.pim);
	return 0;

err_clear_drvdata:
	/* a css event may have queued the worker already */
	vfio_ccw_detach_irq(parent);
	kfree(parent);
	return ret;
}

static void vfio_ccw_sch_remove(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	vfio_ccw_debugfs_remove(parent);
	/* Removes the mdev, waiting for its user to close (request IRQ). */
	mdev_unregister_parent(&parent->mdev_parent);
	/* No user any more: the subchannel is disabled or gone. */
	WARN_ON_ONCE(parent->private);
	vfio_ccw_detach_irq(parent);
	dev_dbg(&sch->dev, "unbound from vfio_ccw\n");
	kfree(parent);
}

static void vfio_ccw_sch_shutdown(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	if (!parent)
		return;
	/* Leave no channel program running into a rebooted system. */
	vfio_ccw_fsm_close(parent);
	vfio_ccw_detach_irq(parent);
}

/**
 * vfio_ccw_sch_event() - the css reports that the subchannel changed
 * @sch: the subchannel
 * @process: whether the css may sleep here (unused: the worker does it)
 *
 * The css calls this without sch->lock, possibly while remove runs: the
 * lock orders it against vfio_ccw_detach_irq(), whose cancel_work_sync()
 * then waits for what was queued here.
 *
 * Context: process context; takes sch->lock.
 * Return: 0.
 */
VISIBLE_IF_KUNIT int vfio_ccw_sch_event(struct subchannel *sch, int process)
{
	struct vfio_ccw_parent *parent;
	unsigned long flags;

	spin_lock_irqsave(&sch->lock, flags);
	parent = dev_get_drvdata(&sch->dev);
	if (parent) {
		set_bit(VFIO_CCW_PENDING_SCHIB_CHANGED, &parent->pending);
		vfio_ccw_queue_event_work(parent);
	}
	spin_unlock_irqrestore(&sch->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_sch_event);

static int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link,
			      int event)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	int mask = chp_ssd_get_mask(&sch->ssd_info, link);

	lockdep_assert_held(&sch->lock);
	if (!parent || !mask)
		return 0;

	switch (event) {
	case CHP_VARY_OFF:
		sch->opm &= ~mask;
		sch->lpm &= ~mask;
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		break;
	case CHP_OFFLINE:
		sch->lpm &= ~mask;
		break;
	case CHP_ONLINE:
		sch->lpm |= mask & sch->opm;
		break;
	default:
		return 0;
	}
	trace_vfio_ccw_path(sch->schid, link->chpid.id, event, mask);
	vfio_ccw_path_event_push(&parent->path_events, link->chpid.id, event);
	/* The table decides what a changed path means for running I/O. */
	set_bit(VFIO_CCW_PENDING_SCHIB_CHANGED, &parent->pending);
	vfio_ccw_queue_event_work(parent);
	return 0;
}

static struct css_device_id vfio_ccw_sch_ids[] = {
	{ .match_flags = 0x1, .type = SUBCHANNEL_TYPE_IO, },
	{ /* end of list */ },
};
MODULE_DEVICE_TABLE(css, vfio_ccw_sch_ids);

static struct css_driver vfio_ccw_sch_driver = {
	.drv = {
		.name = "vfio_ccw",
		.owner = THIS_MODULE,
	},
	.subchannel_type = vfio_ccw_sch_ids,
	.irq = vfio_ccw_sch_irq,
	.probe = vfio_ccw_sch_probe,
	.remove = vfio_ccw_sch_remove,
	.shutdown = vfio_ccw_sch_shutdown,
	.sch_event = vfio_ccw_sch_event,
	.chp_event = vfio_ccw_chp_event,
};

static int __init vfio_ccw_init(void)
{
	int ret;

	vfio_ccw_wq = alloc_workqueue("vfio_ccw", WQ_UNBOUND, 0);
	if (!vfio_ccw_wq)
		return -ENOMEM;
	vfio_ccw_debugfs_init();

	ret = mdev_register_driver(&vfio_ccw_mdev_driver);
	if (ret)
		goto err_destroy_wq;

	isc_register(VFIO_CCW_ISC);
	ret = css_driver_register(&vfio_ccw_sch_driver);
	if (ret)
		goto err_unregister_isc;
	return 0;

err_unregister_isc:
	isc_unregister(VFIO_CCW_ISC);
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
err_destroy_wq:
	vfio_ccw_debugfs_exit();
	destroy_workqueue(vfio_ccw_wq);
	return ret;
}

static void __exit vfio_ccw_exit(void)
{
	css_driver_unregister(&vfio_ccw_sch_driver);
	isc_unregister(VFIO_CCW_ISC);
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
	vfio_ccw_debugfs_exit();
	destroy_workqueue(vfio_ccw_wq);
}

module_init(vfio_ccw_init);
module_exit(vfio_ccw_exit);

MODULE_DESCRIPTION("VFIO mediated device driver for s390 I/O subchannels");
MODULE_LICENSE("GPL");
