// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the state x event table.
 *
 * Every transition of a subchannel bound to vfio_ccw happens here: one
 * named action per cell of vfio_ccw_jumptable, each returning the next
 * state.  Only the dispatcher writes parent->state, and only with
 * parent->fsm_lock held, so an action always sees the state it was
 * chosen for.  Nothing here runs in IRQ context: interrupts reach the
 * table through the IRB queue and its worker (vfio_ccw_drv.c).
 *
 * An event that makes no sense in a state is answered by a named
 * action too; it returns an errno and leaves the state alone.  The
 * meaning of each cell is documented in Documentation/design.rst.
 */

#define KMSG_COMPONENT "vfio_ccw"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <kunit/visibility.h>

#include "vfio_ccw_private.h"

/**
 * struct vfio_ccw_fsm_call - one dispatch of an event
 * @arg: event-specific input (the IRB for INTERRUPT).
 * @ret: what the dispatcher returns to its caller; 0 unless an action
 *	sets it.
 */
struct vfio_ccw_fsm_call {
	void *arg;
	int ret;
};

typedef enum vfio_ccw_state (*vfio_ccw_fsm_action_t)(struct vfio_ccw_parent *parent,
						      struct vfio_ccw_fsm_call *call);

static const char *const state_names[VFIO_CCW_NR_STATES] = {
	[VFIO_CCW_STATE_NOT_OPER] = "NOT_OPER",
	[VFIO_CCW_STATE_STANDBY] = "STANDBY",
	[VFIO_CCW_STATE_IDLE] = "IDLE",
	[VFIO_CCW_STATE_BUSY] = "BUSY",
	[VFIO_CCW_STATE_QUIESCING] = "QUIESCING",
};

static const char *const event_names[VFIO_CCW_NR_EVENTS] = {
	[VFIO_CCW_EVENT_INIT] = "INIT",
	[VFIO_CCW_EVENT_NOT_OPER] = "NOT_OPER",
	[VFIO_CCW_EVENT_IO_REQ] = "IO_REQ",
	[VFIO_CCW_EVENT_INTERRUPT] = "INTERRUPT",
	[VFIO_CCW_EVENT_SCHIB_CHANGED] = "SCHIB_CHANGED",
	[VFIO_CCW_EVENT_CLOSE] = "CLOSE",
};

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

/**
 * vfio_ccw_event_name() - printable name of an event
 * @event: the event
 *
 * Context: any.
 * Return: a static string; "?" for an out-of-range value.
 */
const char *vfio_ccw_event_name(enum vfio_ccw_event event)
{
	return (unsigned int)event < VFIO_CCW_NR_EVENTS ? event_names[event] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_event_name);

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
	 * the subchannel is about to be unregistered.  The user keeps the
	 * device open until it closes; every request is refused meanwhile.
	 */
	parent->ops->disable(parent);
	return VFIO_CCW_STATE_NOT_OPER;
}

static enum vfio_ccw_state fsm_close_not_oper(struct vfio_ccw_parent *parent,
					      struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->user = NULL;
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
	parent->user = call->arg;
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

static enum vfio_ccw_state fsm_disable_or_quiesce(struct vfio_ccw_parent *parent,
						  struct vfio_ccw_fsm_call *call)
{
	int ret;

	lockdep_assert_held(&parent->fsm_lock);
	ret = parent->ops->disable(parent);
	if (!ret)
		return VFIO_CCW_STATE_STANDBY;
	if (ret == -ENODEV)
		return VFIO_CCW_STATE_NOT_OPER;
	/* A function is still pending: quiesce before disabling. */
	if (parent->state != VFIO_CCW_STATE_QUIESCING)
		parent->quiesce_retries = 255;
	return VFIO_CCW_STATE_QUIESCING;
}

static enum vfio_ccw_state fsm_close(struct vfio_ccw_parent *parent,
				     struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	parent->user = NULL;
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
		return VFIO_CCW_STATE_NOT_OPER;
	default:
		/* Out of retries: the device does not respond to clear. */
		pr_warn("%x.%x.%04x: cannot quiesce (%d); subchannel left not operational\n",
			parent->sch ? parent->sch->schid.cssid : 0,
			parent->sch ? parent->sch->schid.ssid : 0,
			parent->sch ? parent->sch->schid.sch_no : 0, ret);
		call->ret = -EIO;
		return fsm_not_oper(parent, call);
	}
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

/* --- IO_REQ ----------------------------------------------------------- */

static enum vfio_ccw_state fsm_io_unsupported(struct vfio_ccw_parent *parent,
					      struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	call->ret = -EOPNOTSUPP;
	return parent->state;
}

/* IRQ delivered to the user: not yet wired to a region. */
static enum vfio_ccw_state fsm_irq_user(struct vfio_ccw_parent *parent,
					struct vfio_ccw_fsm_call *call)
{
	lockdep_assert_held(&parent->fsm_lock);
	return parent->state;
}

/*
 * The table.  Read a row as "in this state, this event does that".
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
	},
	[VFIO_CCW_STATE_STANDBY] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_init,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_not_open,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_drop,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_refuse_not_open,
	},
	[VFIO_CCW_STATE_IDLE] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_io_unsupported,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_user,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close,
	},
	[VFIO_CCW_STATE_BUSY] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_user,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_close,
	},
	[VFIO_CCW_STATE_QUIESCING] = {
		[VFIO_CCW_EVENT_INIT]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_NOT_OPER]	= fsm_not_oper,
		[VFIO_CCW_EVENT_IO_REQ]		= fsm_refuse_ebusy,
		[VFIO_CCW_EVENT_INTERRUPT]	= fsm_irq_quiescing,
		[VFIO_CCW_EVENT_SCHIB_CHANGED]	= fsm_schib_changed,
		[VFIO_CCW_EVENT_CLOSE]		= fsm_quiesce_step,
	},
};

/**
 * vfio_ccw_fsm_event() - feed one event to the state machine
 * @parent: the subchannel
 * @event: what happened
 * @arg: event-specific input: the opening VFIO device for INIT, the IRB
 *	for INTERRUPT, NULL otherwise
 *
 * Runs the action of the cell [current state][@event] with the FSM mutex
 * held and publishes the state it returns before waking waiters.
 *
 * Context: process context; takes and releases @parent->fsm_lock.
 * Return: 0, or the errno the action chose (e.g. -EBUSY, -ENODEV).
 */
int vfio_ccw_fsm_event(struct vfio_ccw_parent *parent,
		       enum vfio_ccw_event event, void *arg)
{
	struct vfio_ccw_fsm_call call = { .arg = arg };
	enum vfio_ccw_state old, new;

	if (WARN_ON_ONCE((unsigned int)event >= VFIO_CCW_NR_EVENTS))
		return -EINVAL;

	mutex_lock(&parent->fsm_lock);
	old = parent->state;
	new = vfio_ccw_jumptable[old][event](parent, &call);
	if (new != old) {
		WRITE_ONCE(parent->state, new);
		wake_up_all(&parent->state_wq);
	}
	mutex_unlock(&parent->fsm_lock);
	pr_debug("%s + %s -> %s (%d)\n", vfio_ccw_state_name(old),
		 vfio_ccw_event_name(event), vfio_ccw_state_name(new), call.ret);
	return call.ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_event);

/**
 * vfio_ccw_fsm_close() - detach the user and bring the subchannel to rest
 * @parent: the subchannel
 *
 * Dispatches CLOSE; when I/O is still outstanding the table answers
 * QUIESCING, and this function waits a bounded time for the final
 * interrupt (delivered by the worker, which needs the FSM mutex, so the
 * wait happens without it) before dispatching the next cancel/halt/clear
 * step.  cio_cancel_halt_clear()'s retry budget bounds the loop.
 *
 * Context: process context, may sleep; FSM mutex not held.
 * Return: 0 once the subchannel is in STANDBY or NOT_OPER, or the errno
 * of the last step (-EIO when it could not be quiesced).
 */
int vfio_ccw_fsm_close(struct vfio_ccw_parent *parent)
{
	int ret;

	ret = vfio_ccw_fsm_event(parent, VFIO_CCW_EVENT_CLOSE, NULL);
	while (READ_ONCE(parent->state) == VFIO_CCW_STATE_QUIESCING) {
		if (wait_event_timeout(parent->state_wq,
				       READ_ONCE(parent->state) != VFIO_CCW_STATE_QUIESCING,
				       parent->quiesce_wait))
			break;
		ret = vfio_ccw_fsm_event(parent, VFIO_CCW_EVENT_CLOSE, NULL);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_close);
