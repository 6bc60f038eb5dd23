// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the state x event table.
 *
 * Every transition of a subchannel bound to vfio_ccw happens here: one
 * named action per cell of vfio_ccw_jumptable, each returning the next
 * state.  Only the dispatcher writes parent->state, and only with
 * parent->fsm_lock held, so an action always sees the state it was
 * chosen for.  Nothing here runs in IRQ context: interrupts reach the
 * table through the IRB queue (vfio_ccw_irbq.c) and its worker
 * (vfio_ccw_drv.c).
 *
 * How to read the table is said above it (DOC: The state table).
 */

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <kunit/visibility.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_tracing.h"

/**
 * struct vfio_ccw_fsm_call - one dispatch of an event
 * @arg: event-specific input (the IRB for INTERRUPT).
 * @ret: what the dispatcher returns to its caller; 0 unless an action
 *	sets it.
 * @signal_io: an IRB was put into the user's I/O region: the I/O
 *	eventfd is signalled once the new state is published and the
 *	program the IRB ended is unpinned (vfio_ccw_fsm_unlock()), so that
 *	user space never sees the interrupt before the state allows the
 *	next start or while the program's pages are still pinned.
 * @cp_taken: IO_REQ only: the action installed the program passed as
 *	@arg; otherwise the dispatcher retires it.
 */
struct vfio_ccw_fsm_call {
	void *arg;
	int ret;
	bool signal_io;
	bool cp_taken;
};

/**
 * vfio_ccw_fsm_wake() - wake whoever waits on &vfio_ccw_parent.state_wq
 * @parent: the subchannel
 *
 * For the condition just stored (a state, the end of a translation or
 * of an unpinning).  Every I/O passes here three times, nearly always
 * with nobody waiting: the barrier of wq_has_sleeper() orders the store
 * against the check of a waiter that queued itself (wait_event_timeout()
 * checks after queuing), which the waitqueue's lock would otherwise do.
 *
 * Context: any.
 */
void vfio_ccw_fsm_wake(struct vfio_ccw_parent *parent)
{
	if (wq_has_sleeper(&parent->state_wq))
		wake_up_all(&parent->state_wq);
}

/*
 * Take the installed program off the subchannel.  It is unpinned and
 * freed by vfio_ccw_fsm_unlock(), after the mutex is released: unpinning
 * takes VFIO's IOMMU locks, and VFIO takes our mutex (dma_unmap) with
 * those held.
 */
static void fsm_retire(struct vfio_ccw_parent *parent, struct vfio_ccw_cp *cp)
{
	lockdep_assert_held(&parent->fsm_lock);
	if (cp)
		list_add_tail(&cp->retired, &parent->retired);
}

static void fsm_retire_cp(struct vfio_ccw_parent *parent)
{
	lockdep_assert_held(&parent->fsm_lock);
	fsm_retire(parent, parent->cp);
	parent->cp = NULL;
}

typedef enum vfio_ccw_state (*vfio_ccw_fsm_action_t)(struct vfio_ccw_parent *parent,
						      struct vfio_ccw_fsm_call *call);

#undef EM
#undef EMe
#define EM(a, b) \
	[a] = b,
#define EMe(a, b) \
	[a] = b,
static const char *const state_names[VFIO_CCW_NR_STATES] = { VFIO_CCW_STATES };
#undef EM
#undef EMe

/**
 * vfio_ccw_state_name() - printable name of a state
 * @state: the state
 *
 * Context: any.
 * Return: a static string; "?" for an out-of-range value.
 */
const char *vfio_ccw_state_name(enum vfio_ccw_state state)
{
	return (unsigned int)state < VFIO_CCW_NR_STATES ? state_names[state] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_state_name);

/* --- refusals: defined answers to events that do not fit the state --- */

static enum vfio_ccw_state fsm_refuse_enodev(struct vfio_ccw_parent *parent,
					     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	call->ret = -ENODEV;
	return parent->state;
}

static enum vfio_ccw_state fsm_refuse_ebusy(struct vfio_ccw_parent *parent,
					    struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	call->ret = -EBUSY;
	return parent->state;
}

/* The user-side request arrived with no user: only a driver bug does that. */
static enum vfio_ccw_state fsm_refuse_not_open(struct vfio_ccw_parent *parent,
					       struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	call->ret = -EBADF;
	return parent->state;
}

static enum vfio_ccw_state fsm_nop(struct vfio_ccw_parent *parent,
				   struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	return parent->state;
}

/* --- device gone ------------------------------------------------------ */

static enum vfio_ccw_state fsm_not_oper(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	/*
	 * Best effort: a device that is gone cannot be disabled either, and
	 * the subchannel is about to be unregistered.  Nothing will run the
	 * program any more.  The user keeps the device open until it
	 * closes; every request is refused meanwhile.
	 */
	parent->ops->disable(parent);
	fsm_retire_cp(parent);
	return VFIO_CCW_STATE_NOT_OPER;
}

static enum vfio_ccw_state fsm_close_not_oper(struct vfio_ccw_parent *parent,
					      struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->private = NULL;
	return VFIO_CCW_STATE_NOT_OPER;
}

/* --- INIT: a user opened the device ----------------------------------- */

static enum vfio_ccw_state fsm_init(struct vfio_ccw_parent *parent,
				    struct vfio_ccw_fsm_call *call)
{
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	ret = parent->ops->enable(parent);
	if (ret) {
		call->ret = ret;
		return ret == -ENODEV ? VFIO_CCW_STATE_NOT_OPER :
					VFIO_CCW_STATE_STANDBY;
	}
	parent->private = call->arg;
	parent->mem = parent->private->mem;
	parent->mem_ctx = call->arg;
	return VFIO_CCW_STATE_IDLE;
}

/* --- SCHIB_CHANGED ---------------------------------------------------- */

static enum vfio_ccw_state fsm_schib_changed(struct vfio_ccw_parent *parent,
					     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	if (parent->ops->update_schib(parent) == -ENODEV)
		return fsm_not_oper(parent, call);
	return parent->state;
}

/* cc 3 on an instruction: the path or the whole device? */
static enum vfio_ccw_state fsm_cc3(struct vfio_ccw_parent *parent,
				   struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	call->ret = -ENODEV;
	if (parent->ops->update_schib(parent) == -ENODEV)
		return fsm_not_oper(parent, call);
	return parent->state;
}

/*
 * A path changed while a program runs.  When the path it uses went away
 * the program cannot finish normally: halt it.  The halt's status ends
 * the start (fsm_irq_busy()) and tells the guest, which may retry on the
 * paths left; when no path is left for the halt, clear it.  Not cancel:
 * XSCH ends a program without any status, and the guest would wait for
 * an interrupt that never comes while the program's pages stay pinned.
 */
static enum vfio_ccw_state fsm_schib_changed_busy(struct vfio_ccw_parent *parent,
						  struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	if (parent->ops->update_schib(parent) == -ENODEV)
		return fsm_not_oper(parent, call);
	if (!parent->ops->path_lost(parent))
		return VFIO_CCW_STATE_BUSY;
	/* cc 1 and 2: status pending, or a halt/clear under way: it ends. */
	if (parent->ops->halt(parent) != 3)
		return VFIO_CCW_STATE_BUSY;
	/* No path left to halt on: clear needs none and always ends it. */
	if (parent->ops->clear(parent) == 3)
		return fsm_cc3(parent, call);
	return VFIO_CCW_STATE_BUSY;
}

/* --- INTERRUPT -------------------------------------------------------- */

/* An interruption for a subchannel nobody uses: left over from an
 * earlier user or unsolicited status while disabled.  Nothing to
 * deliver it to.
 */
static enum vfio_ccw_state fsm_irq_drop(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	return parent->state;
}

/* --- CLOSE ------------------------------------------------------------ */

/*
 * The end of a RESET: the subchannel is disabled and its program gone;
 * enable it again for the user, who never left.  An enable that fails
 * leaves the device closed to that user (STANDBY, or NOT_OPER when the
 * device is gone), with the reason as the RESET's answer.
 */
static enum vfio_ccw_state fsm_reenable(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	ret = parent->ops->enable(parent);
	if (!ret)
		return VFIO_CCW_STATE_IDLE;
	parent->private = NULL;
	call->ret = ret;
	return ret == -ENODEV ? VFIO_CCW_STATE_NOT_OPER : VFIO_CCW_STATE_STANDBY;
}

static enum vfio_ccw_state fsm_disable_or_quiesce(struct vfio_ccw_parent *parent,
						  struct vfio_ccw_fsm_call *call)
{
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	ret = parent->ops->disable(parent);
	if (!ret) {
		/*
		 * Disabled: no function can touch the program's pages now, and
		 * no status comes any more; what is queued ended before.
		 */
		fsm_retire_cp(parent);
		vfio_ccw_irb_flush(&parent->irbs);
		if (parent->resetting)
			return fsm_reenable(parent, call);
		return VFIO_CCW_STATE_STANDBY;
	}
	if (ret == -ENODEV) {
		fsm_retire_cp(parent);
		return VFIO_CCW_STATE_NOT_OPER;
	}
	/* A function is still pending: quiesce before disabling. */
	if (parent->state != VFIO_CCW_STATE_QUIESCING)
		parent->quiesce_retries = 255;
	return VFIO_CCW_STATE_QUIESCING;
}

static enum vfio_ccw_state fsm_close(struct vfio_ccw_parent *parent,
				     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->private = NULL;
	return fsm_disable_or_quiesce(parent, call);
}

/*
 * RESET: what CLOSE does, for a user who stays.  Requests meanwhile are
 * answered as in QUIESCING (-EBUSY); the subchannel never passes through
 * STANDBY, where a request would find no user.
 */
static enum vfio_ccw_state fsm_reset(struct vfio_ccw_parent *parent,
				     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->resetting = true;
	return fsm_disable_or_quiesce(parent, call);
}

/*
 * One cancel/halt/clear step.  Called for CLOSE in QUIESCING: the closing
 * thread dispatches it again each time its bounded wait for the final
 * interrupt times out.  cio_cancel_halt_clear() semantics: 0 idle now,
 * -EBUSY interrupt expected, -ENODEV gone, -EIO out of retries.
 */
static enum vfio_ccw_state fsm_quiesce_step(struct vfio_ccw_parent *parent,
					    struct vfio_ccw_fsm_call *call)
{
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	ret = parent->ops->cancel_halt_clear(parent, &parent->quiesce_retries);
	switch (ret) {
	case 0:
		return fsm_disable_or_quiesce(parent, call);
	case -EBUSY:
		return VFIO_CCW_STATE_QUIESCING;
	case -ENODEV:
		fsm_retire_cp(parent);
		return VFIO_CCW_STATE_NOT_OPER;
	default:
		/* Out of retries: the device does not respond to clear. */
		dev_warn(&parent->sch->dev,
			 "cannot quiesce (%d); subchannel left not operational\n", ret);
		call->ret = -EIO;
		return fsm_not_oper(parent, call);
	}
}

/*
 * CLOSE while quiescing: for a close, the next step; for a reset, the
 * user leaves now and the subchannel stays disabled once quiet.
 */
static enum vfio_ccw_state fsm_close_quiescing(struct vfio_ccw_parent *parent,
					       struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->private = NULL;
	parent->resetting = false;
	return fsm_quiesce_step(parent, call);
}

/*
 * An interrupt while quiescing: the final status of the start or of the
 * halt/clear we issued may have arrived.  Disabling succeeds only once
 * no function is pending any more; until then we stay QUIESCING and the
 * closing thread keeps stepping.
 */
static enum vfio_ccw_state fsm_irq_quiescing(struct vfio_ccw_parent *parent,
					     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	return fsm_disable_or_quiesce(parent, call);
}

/* --- IO_REQ: the guest's START SUBCHANNEL --------------------------------- */

static enum vfio_ccw_state fsm_io_request(struct vfio_ccw_parent *parent,
					  struct vfio_ccw_fsm_call *call)
{
	struct vfio_ccw_cp *cp = call->arg;
	int cc, ret;

	lockdep_assert_held(&parent->fsm_lock);
	if (WARN_ON_ONCE(!cp || parent->cp)) {
		call->ret = -EIO;
		return VFIO_CCW_STATE_IDLE;
	}
	parent->cp = cp;
	call->cp_taken = true;

	cc = parent->ops->start(parent, vfio_ccw_cp_orb(cp, 0));
	switch (cc) {
	case 0:
		return VFIO_CCW_STATE_BUSY;
	case 1:		/* status pending */
	case 2:		/* busy */
		ret = -EBUSY;
		break;
	case 3:		/* not operational: path or device? */
		if (parent->ops->update_schib(parent) == -ENODEV) {
			call->ret = -ENODEV;
			return fsm_not_oper(parent, call);
		}
		ret = -EACCES;
		break;
	default:	/* refused, e.g. a program check on a bad ORB */
		ret = cc < 0 ? cc : -EIO;
		break;
	}
	fsm_retire_cp(parent);
	call->ret = ret;
	return VFIO_CCW_STATE_IDLE;
}

/* --- HALT and CLEAR: the guest's async commands --------------------------- */

/*
 * HSCH, idle or with a start outstanding.  The state stays: the halt's
 * own interrupt ends whatever runs and, in BUSY, releases the program.
 */
static enum vfio_ccw_state fsm_halt(struct vfio_ccw_parent *parent,
				    struct vfio_ccw_fsm_call *call)
{
	int cc;

	lockdep_assert_held(&parent->fsm_lock);
	cc = parent->ops->halt(parent);
	switch (cc) {
	case 0:
		return parent->state;
	case 1:		/* status pending */
	case 2:		/* busy with a halt or clear already */
		call->ret = -EBUSY;
		return parent->state;
	case 3:
		return fsm_cc3(parent, call);
	default:
		call->ret = cc < 0 ? cc : -EIO;
		return parent->state;
	}
}

/* CSCH: condition code 0 or 3 only. */
static enum vfio_ccw_state fsm_clear(struct vfio_ccw_parent *parent,
				     struct vfio_ccw_fsm_call *call)
{
	int cc;

	lockdep_assert_held(&parent->fsm_lock);
	cc = parent->ops->clear(parent);
	switch (cc) {
	case 0:
		return parent->state;
	case 3:
		return fsm_cc3(parent, call);
	default:
		call->ret = cc < 0 ? cc : -EIO;
		return parent->state;
	}
}

/* --- INTERRUPT for the user --------------------------------------------- */

/*
 * Hand an IRB to the user, its CPA translated back to a guest address
 * (or 0) and the ESW's host addresses removed: no IRB may show the
 * guest a host address.
 */
static void fsm_deliver_irb(struct vfio_ccw_parent *parent,
			    struct vfio_ccw_fsm_call *call, const struct irb *irb)
{
	struct vfio_ccw_private *private = parent->private;
	struct irb out;

	lockdep_assert_held(&parent->fsm_lock);
	if (!private)
		return;
	out = *irb;
	vfio_ccw_cp_update_scsw(parent->cp, &out.scsw);
	/*
	 * A format-0 ESW may also hold a failing-storage address (a host
	 * page) and a secondary CCW address (a host CCW): not for the guest.
	 */
	if (!scsw_is_tm(&out.scsw) && out.scsw.cmd.eswf) {
		out.esw.esw0.faddr[0] = 0;
		out.esw.esw0.faddr[1] = 0;
		out.esw.esw0.saddr = 0;
		out.esw.esw0.erw.fsavf = 0;
		out.esw.esw0.erw.scavf = 0;
	}
	trace_vfio_ccw_irb(parent->sch->schid, &out.scsw, true);
	memcpy(private->io_region.irb_area, &out, sizeof(out));
	private->interrupts++;
	call->signal_io = true;
}

/* Unsolicited status while idle: the guest wants to see it. */
static enum vfio_ccw_state fsm_irq_idle(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	fsm_deliver_irb(parent, call, call->arg);
	return VFIO_CCW_STATE_IDLE;
}

/*
 * Status for the outstanding program.  Only the interrupt that ends the
 * start function releases the program: intermediate (PCI) and suspended
 * status leave it running.
 */
static enum vfio_ccw_state fsm_irq_busy(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	struct irb *irb = call->arg;
	bool final = vfio_ccw_irb_ends_start(irb);

	lockdep_assert_held(&parent->fsm_lock);
	fsm_deliver_irb(parent, call, irb);
	if (!final)
		return VFIO_CCW_STATE_BUSY;
	fsm_retire_cp(parent);
	return VFIO_CCW_STATE_IDLE;
}

/**
 * DOC: The state table
 *
 * Read a row as "in this state, this event does that": each cell names
 * the action that handles the event, and the action returns the next
 * state.  Every cell is defined.  An event that makes no sense in a
 * state is answered by a refusal (fsm_refuse_enodev(), fsm_refuse_ebusy(),
 * fsm_refuse_not_open()), which returns an errno and leaves the state
 * alone; fsm_nop() and fsm_irq_drop() ignore an event that needs
 * nothing.  Every change into NOT_OPER asks the css layer to unregister
 * the subchannel (&vfio_ccw_sch_ops.gone), whichever path led there.
 *
 * SCHIB_CHANGED in BUSY (fsm_schib_changed_busy()) also checks whether
 * the path the running program uses is still available; if it is gone,
 * it halts the program (or clears it when no path is left for the halt),
 * and the status of that function ends the program and reaches the
 * guest, which may retry on the paths left.  Not a cancel: XSCH ends a
 * program without any status, and the guest would wait for an interrupt
 * that never comes while the program stays pinned.
 *
 * Documentation/design.rst shows the table as a grid and
 * Documentation/fsm.dot as a graph, both made from the code below by
 * tests/run/fsm_doc.py.
 */
static const vfio_ccw_fsm_action_t
vfio_ccw_jumptable[VFIO_CCW_NR_STATES][VFIO_CCW_NR_EVENTS] = {
	[VFIO_CCW_STATE_NOT_OPER] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_enodev,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_nop,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_enodev,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_drop,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_nop,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close_not_oper,
		[VFIO_CCW_EVENT_HALT]		= fsm_refuse_enodev,
		[VFIO_CCW_EVENT_CLEAR]		= fsm_refuse_enodev,
		[VFIO_CCW_EVENT_RESET]		= fsm_refuse_enodev,
	},
	[VFIO_CCW_STATE_STANDBY] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_init,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_not_open,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_drop,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_refuse_not_open,
		[VFIO_CCW_EVENT_HALT]		= fsm_refuse_not_open,
		[VFIO_CCW_EVENT_CLEAR]		= fsm_refuse_not_open,
		[VFIO_CCW_EVENT_RESET]		= fsm_refuse_not_open,
	},
	[VFIO_CCW_STATE_IDLE] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_io_request,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_idle,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close,
		[VFIO_CCW_EVENT_HALT]		= fsm_halt,
		[VFIO_CCW_EVENT_CLEAR]		= fsm_clear,
		[VFIO_CCW_EVENT_RESET]		= fsm_reset,
	},
	[VFIO_CCW_STATE_BUSY] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_busy,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed_busy,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close,
		[VFIO_CCW_EVENT_HALT]		= fsm_halt,
		[VFIO_CCW_EVENT_CLEAR]		= fsm_clear,
		[VFIO_CCW_EVENT_RESET]		= fsm_reset,
	},
	[VFIO_CCW_STATE_QUIESCING] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_quiescing,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close_quiescing,
		[VFIO_CCW_EVENT_HALT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_CLEAR]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_RESET]		= fsm_quiesce_step,
	},
};

/**
 * vfio_ccw_fsm_event_locked() - feed one event to the state machine
 * @parent: the subchannel
 * @event: what happened
 * @arg: event-specific input: the opening VFIO device for INIT, the
 *	translated program for IO_REQ (taken over by the table), the IRB
 *	for INTERRUPT, NULL otherwise
 *
 * Runs the action of the cell [current state][@event], publishes the
 * state it returns and wakes waiters.  If the action delivered an IRB,
 * the user's I/O eventfd is signalled by vfio_ccw_fsm_unlock().
 *
 * Context: process context; @parent->fsm_lock held.
 * Return: 0, or the errno the action chose (e.g. -EBUSY, -ENODEV).
 */
int vfio_ccw_fsm_event_locked(struct vfio_ccw_parent *parent,
			      enum vfio_ccw_event event, void *arg)
	__must_hold(&parent->fsm_lock)
{
	struct vfio_ccw_fsm_call call = { .arg = arg };
	enum vfio_ccw_state old, new;

	lockdep_assert_held(&parent->fsm_lock);
	/* Not a cell of the table: refused, state untouched. */
	if ((unsigned int)event >= VFIO_CCW_NR_EVENTS)
		return -EINVAL;

	old = parent->state;
	new = vfio_ccw_jumptable[old][event](parent, &call);
	/* A program refused by the table goes back for unpinning. */
	if (event == VFIO_CCW_EVENT_IO_REQ && arg && !call.cp_taken)
		fsm_retire(parent, arg);
	/* A reset's re-enable is decided on the way out of QUIESCING only. */
	if (new != VFIO_CCW_STATE_QUIESCING)
		parent->resetting = false;
	if (new != old) {
		WRITE_ONCE(parent->state, new);
		vfio_ccw_fsm_wake(parent);
		if (new == VFIO_CCW_STATE_NOT_OPER)
			parent->ops->gone(parent);
	}
	if (call.signal_io)
		parent->io_signal = true;
	trace_vfio_ccw_fsm(parent->sch->schid, old, event, new, call.ret);
	return call.ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_event_locked);

/**
 * vfio_ccw_fsm_event() - take the FSM mutex and feed one event
 * @parent: the subchannel
 * @event: what happened
 * @arg: as for vfio_ccw_fsm_event_locked()
 *
 * Context: process context; takes and releases @parent->fsm_lock.
 * Return: as vfio_ccw_fsm_event_locked().
 */
int vfio_ccw_fsm_event(struct vfio_ccw_parent *parent,
		       enum vfio_ccw_event event, void *arg)
{
	int ret;

	mutex_lock(&parent->fsm_lock);
	ret = vfio_ccw_fsm_event_locked(parent, event, arg);
	vfio_ccw_fsm_unlock(parent);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_event);
