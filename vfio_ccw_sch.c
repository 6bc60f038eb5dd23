// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the real subchannel backend of the state machine.
 *
 * Each operation takes the subchannel lock (owned by the common I/O
 * layer, also taken by it in IRQ context) around one call into cio and
 * never sleeps while holding it.  The state machine calls these with
 * its own mutex held; the lock order is fsm_lock -> sch->lock.
 */

#include <linux/lockdep.h>
#include <linux/spinlock.h>

#include "cio.h"
#include "ioasm.h"
#include "vfio_ccw_private.h"

static int vfio_ccw_sch_enable(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	/* intparm: lets the IRQ path tell our interrupts from stray ones */
	ret = cio_enable_subchannel(sch, (u32)virt_to_phys(sch));
	spin_unlock_irq(&sch->lock);
	return ret;
}

static int vfio_ccw_sch_disable(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	ret = cio_disable_subchannel(sch);
	spin_unlock_irq(&sch->lock);
	return ret;
}

static int vfio_ccw_sch_update_schib(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	ret = cio_update_schib(sch);
	if (!ret) {
		sch->lpm = sch->schib.pmcw.pam & sch->opm;
		ret = css_sch_is_valid(&sch->schib) ? 0 : -ENODEV;
	}
	spin_unlock_irq(&sch->lock);
	return ret ? -ENODEV : 0;
}

static int vfio_ccw_sch_cancel_halt_clear(struct vfio_ccw_parent *parent,
					  int *iretry)
{
	struct subchannel *sch = parent->sch;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	ret = cio_cancel_halt_clear(sch, iretry);
	spin_unlock_irq(&sch->lock);
	return ret;
}

static int vfio_ccw_sch_start(struct vfio_ccw_parent *parent, union orb *orb)
{
	struct subchannel *sch = parent->sch;
	int cc;

	lockdep_assert_held(&parent->fsm_lock);
	/* cio's interrupt handler finds the subchannel by this parameter. */
	orb->cmd.intparm = (u32)virt_to_phys(sch);
	spin_lock_irq(&sch->lock);
	/* Under the lock our IRQ callback queues under: atomic with it. */
	if (vfio_ccw_irb_pending(&parent->irbs))
		cc = 1;
	else
		cc = ssch(sch->schid, orb);
	/* cio_cancel_halt_clear() reads the cached activity control. */
	if (cc == 0)
		sch->schib.scsw.cmd.actl |= SCSW_ACTL_START_PEND;
	spin_unlock_irq(&sch->lock);
	return cc;
}

/*
 * HSCH or CSCH (@insn); once accepted, @pending in the cached activity
 * control, which cio_cancel_halt_clear() reads.
 */
static int vfio_ccw_sch_function(struct vfio_ccw_parent *parent,
				 int (*insn)(struct subchannel_id schid), u32 pending)
{
	struct subchannel *sch = parent->sch;
	int cc;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	cc = insn(sch->schid);
	if (cc == 0)
		sch->schib.scsw.cmd.actl |= pending;
	spin_unlock_irq(&sch->lock);
	return cc;
}

static int vfio_ccw_sch_halt(struct vfio_ccw_parent *parent)
{
	return vfio_ccw_sch_function(parent, hsch, SCSW_ACTL_HALT_PEND);
}

static int vfio_ccw_sch_clear(struct vfio_ccw_parent *parent)
{
	return vfio_ccw_sch_function(parent, csch, SCSW_ACTL_CLEAR_PEND);
}

static int vfio_ccw_sch_read_schib(struct vfio_ccw_parent *parent,
				   struct schib *schib)
{
	struct subchannel *sch = parent->sch;
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	ret = cio_update_schib(sch);
	if (!ret)
		*schib = sch->schib;
	spin_unlock_irq(&sch->lock);
	return ret ? -ENODEV : 0;
}

static bool vfio_ccw_sch_path_lost(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;
	bool lost;

	lockdep_assert_held(&parent->fsm_lock);
	spin_lock_irq(&sch->lock);
	/*
	 * lpum: the path last used by the running function; it is 0 while
	 * a program is suspended.  With no usable path left at all the
	 * program cannot go on either.
	 */
	lost = !sch->lpm ||
	       (sch->schib.pmcw.lpum && !(sch->schib.pmcw.lpum & sch->lpm));
	spin_unlock_irq(&sch->lock);
	return lost;
}

static void vfio_ccw_sch_gone(struct vfio_ccw_parent *parent)
{
	struct subchannel *sch = parent->sch;

	lockdep_assert_held(&parent->fsm_lock);
	if (test_and_set_bit(VFIO_CCW_PENDING_UNREG, &parent->pending))
		return;
	spin_lock_irq(&sch->lock);
	css_sched_sch_todo(sch, SCH_TODO_UNREG);
	spin_unlock_irq(&sch->lock);
}

const struct vfio_ccw_sch_ops vfio_ccw_sch_hw_ops = {
	.enable = vfio_ccw_sch_enable,
	.disable = vfio_ccw_sch_disable,
	.update_schib = vfio_ccw_sch_update_schib,
	.cancel_halt_clear = vfio_ccw_sch_cancel_halt_clear,
	.start = vfio_ccw_sch_start,
	.halt = vfio_ccw_sch_halt,
	.clear = vfio_ccw_sch_clear,
	.read_schib = vfio_ccw_sch_read_schib,
	.path_lost = vfio_ccw_sch_path_lost,
	.gone = vfio_ccw_sch_gone,
};
