/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: pass an s390 I/O subchannel to user space through VFIO.
 *
 * Internal interfaces shared by the driver's files.  The locking rules
 * are written out in Documentation/locking.rst; who owns each field of
 * the two main structures is said by the heading of its group.
 */
#ifndef _VFIO_CCW_PRIVATE_H_
#define _VFIO_CCW_PRIVATE_H_

#include <linux/atomic.h>
#include <linux/kfifo.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/cio.h>
#include <asm/crw.h>

#include "css.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_pin.h"

/*
 * The states and the events of the state machine, each in one list from
 * which the enums, their printable names (vfio_ccw_state_name()) and the
 * symbols of the trace output (vfio_ccw_tracing.h) are made: EM(value,
 * name) for every entry, EMe() for the last.  What each state and event
 * means is Documentation/design.rst's to say.
 */
#define VFIO_CCW_STATES					\
	EM(VFIO_CCW_STATE_NOT_OPER,	"NOT_OPER")	\
	EM(VFIO_CCW_STATE_STANDBY,	"STANDBY")	\
	EM(VFIO_CCW_STATE_IDLE,		"IDLE")		\
	EM(VFIO_CCW_STATE_BUSY,		"BUSY")		\
	EMe(VFIO_CCW_STATE_QUIESCING,	"QUIESCING")

#define VFIO_CCW_EVENTS						\
	EM(VFIO_CCW_EVENT_INIT,			"INIT")		\
	EM(VFIO_CCW_EVENT_NOT_OPER,		"NOT_OPER")	\
	EM(VFIO_CCW_EVENT_IO_REQ,		"IO_REQ")	\
	EM(VFIO_CCW_EVENT_INTERRUPT,		"INTERRUPT")	\
	EM(VFIO_CCW_EVENT_SCHIB_CHANGED,	"SCHIB_CHANGED") \
	EM(VFIO_CCW_EVENT_CLOSE,		"CLOSE")	\
	EM(VFIO_CCW_EVENT_HALT,			"HALT")		\
	EM(VFIO_CCW_EVENT_CLEAR,		"CLEAR")	\
	EMe(VFIO_CCW_EVENT_RESET,		"RESET")

#undef EM
#undef EMe
#define EM(a, b) a,
#define EMe(a, b) a,

enum vfio_ccw_state {
	VFIO_CCW_STATES
	VFIO_CCW_NR_STATES
};

enum vfio_ccw_event {
	VFIO_CCW_EVENTS
	VFIO_CCW_NR_EVENTS
};

#undef EM
#undef EMe

struct vfio_ccw_parent;

/**
 * struct vfio_ccw_sch_ops - what the state machine does to a subchannel
 * @enable: enable the subchannel for I/O interruptions.
 * @disable: disable it; -EBUSY while a function is still pending.
 * @update_schib: re-read the SCHIB; -ENODEV when the device is gone.
 * @cancel_halt_clear: one step of the quiesce sequence (see
 *	cio_cancel_halt_clear()); *@iretry counts the attempts.
 * @start: START SUBCHANNEL with @orb; returns the condition code (0-3)
 *	or -EIO when the instruction was refused (program check).  An IRB
 *	still queued for the table (vfio_ccw_irb_pending()) is status
 *	pending as the hardware's would be: condition code 1, no start.
 * @halt: HALT SUBCHANNEL; returns the condition code.
 * @clear: CLEAR SUBCHANNEL; returns the condition code.
 * @read_schib: re-read the SCHIB into @schib; -ENODEV when gone.
 * @path_lost: after update_schib(): true if the path the outstanding
 *	function uses is no longer available, or no path is left at all.
 * @gone: the table has just made the subchannel NOT_OPER: ask the css
 *	layer to unregister it.
 *
 * The real implementation (vfio_ccw_sch.c) takes the subchannel lock
 * around each call into the common I/O layer; the KUnit tests replace it
 * with a scripted fake.  Every operation is called with the FSM mutex
 * held and must not sleep while holding the subchannel lock.
 */
struct vfio_ccw_sch_ops {
	int (*enable)(struct vfio_ccw_parent *parent);
	int (*disable)(struct vfio_ccw_parent *parent);
	int (*update_schib)(struct vfio_ccw_parent *parent);
	int (*cancel_halt_clear)(struct vfio_ccw_parent *parent, int *iretry);
	int (*start)(struct vfio_ccw_parent *parent, union orb *orb);
	int (*halt)(struct vfio_ccw_parent *parent);
	int (*clear)(struct vfio_ccw_parent *parent);
	int (*read_schib)(struct vfio_ccw_parent *parent, struct schib *schib);
	bool (*path_lost)(struct vfio_ccw_parent *parent);
	void (*gone)(struct vfio_ccw_parent *parent);
};

/* Channel-path events kept between chp_event and the worker. */
#define VFIO_CCW_PATH_EVENTS_LEN 16

/**
 * struct vfio_ccw_path_events - path events for the worker to report
 * @lock: the ring's lock
 * @ev: chpid << 8 | CHP_* event, oldest first
 * @lost: events dropped because @ev was full
 */
struct vfio_ccw_path_events {
	spinlock_t lock;	/* ev, lost; IRQ-safe, nests in sch->lock */
	DECLARE_KFIFO(ev, u16, VFIO_CCW_PATH_EVENTS_LEN);
	bool lost;
};

/* Channel reports one VFIO device may hold before reporting overflow. */
#define VFIO_CCW_CRW_QUEUE_LEN 16

/**
 * struct vfio_ccw_crw_queue - channel reports waiting for the user
 * @crw: the reports, oldest first
 * @overflow: a report was lost; the next one stored carries the
 *	architecture's overflow bit
 */
struct vfio_ccw_crw_queue {
	DECLARE_KFIFO(crw, struct crw, VFIO_CCW_CRW_QUEUE_LEN);
	bool overflow;
};

/* Bits of vfio_ccw_parent.pending */
#define VFIO_CCW_PENDING_SCHIB_CHANGED	0	/* sch_event/chp_event seen */
#define VFIO_CCW_PENDING_UNREG		1	/* unregistration requested */

/* How long the closing thread waits for each quiesce step to finish. */
#define VFIO_CCW_QUIESCE_WAIT		(HZ / 4)

/* Interruption response blocks captured in IRQ context, not yet handled. */
#define VFIO_CCW_IRB_QUEUE_LEN 8

/**
 * struct vfio_ccw_irb_queue - bounded FIFO between IRQ context and worker
 * @lock: the queue's lock.
 * @irb: the ring.
 * @head: index of the oldest entry.
 * @count: number of entries.
 * @overflows: IRBs dropped because the ring was full.
 *
 * Not a kfifo: when it is full, the entry dropped is the oldest that
 * does not end a start, which may sit in the middle (vfio_ccw_irb_push()).
 */
struct vfio_ccw_irb_queue {
	spinlock_t lock;	/* all below; IRQ-safe, nests in sch->lock */
	struct irb irb[VFIO_CCW_IRB_QUEUE_LEN];
	unsigned int head;
	unsigned int count;
	unsigned long overflows;
};

/*
 * Who may write a field of the two structures below is said once, by the
 * comment heading its group; Documentation/locking.rst's ownership table
 * is made from those headings (tests/run/locking.py).
 */

/**
 * struct vfio_ccw_parent - one I/O subchannel bound to vfio_ccw
 * @sch: the subchannel.
 * @ops: subchannel operations (the hardware's, or a KUnit fake).
 * @quiesce_wait: how long vfio_ccw_fsm_close() waits for each quiesce
 *	step (VFIO_CCW_QUIESCE_WAIT; a KUnit parent sets its own).
 * @state_wq: woken by vfio_ccw_fsm_wake() after each change of @state,
 *	@translating and @unpinning.
 * @event_work: feeds @pending and @irbs to the state machine.
 * @unpin_work: unpins what @retired holds during an unmap's reset.
 * @mdev_parent: mdev core's view of this subchannel.
 * @mdev_type: the single type, vfio_ccw-io.
 * @mdev_type_list: the type list for mdev_register_parent(): @mdev_type.
 * @debugfs: vfio_ccw/<subchannel>/ in debugfs.
 * @fsm_lock: the FSM mutex.  Never held while calling into VFIO's IOMMU
 *	backends (pinning, unpinning, reading guest memory): VFIO calls
 *	dma_unmap, which takes it, with its own locks held.
 * @state: current state; written only by the dispatcher.  Read without
 *	the mutex (READ_ONCE) only to wait on @state_wq.
 * @private: the VFIO device that opened the subchannel (INIT) until it
 *	closes (CLOSE), else NULL.
 * @mem: how programs reach guest memory: @private's, set by INIT.
 * @mem_ctx: argument of @mem's functions: @private, set by INIT.
 * @cp: the channel program of the outstanding start, installed by
 *	IO_REQ (BUSY, and QUIESCING until the subchannel is quiet), else
 *	NULL.
 * @retired: programs taken off @cp, freed by vfio_ccw_fsm_unlock().
 * @defer_unpin: dma_unmap resets the subchannel (count of such resets):
 *	programs retired meanwhile are unpinned by @unpin_work, not by the
 *	thread that retires them (see vfio_ccw_fsm_unmap_reset()).
 * @io_signal: an IRB was put into the I/O region; the I/O eventfd is
 *	signalled by vfio_ccw_fsm_unlock() once every retired program is
 *	unpinned, so that a user who unmaps after the interrupt finds
 *	nothing pinned.
 * @translating: a start is being translated, outside the mutex.  Read
 *	without it (READ_ONCE) only to wait on @state_wq.
 * @unmap_seq: bumped by every dma_unmap; a translation that saw it
 *	change may hold pages of an unmapped range and is discarded.
 * @quiesce_retries: cancel/halt/clear attempts of the current quiesce.
 * @resetting: the current quiesce is a RESET's: once the subchannel is
 *	disabled it is enabled again for @private, which stays open.  A
 *	CLOSE meanwhile cancels that.
 * @irq_overflows_reported: value of @irbs.overflows last reported.
 * @irbs: IRBs captured by the IRQ callback.
 * @path_events: channel-path events captured by chp_event.
 * @pending: VFIO_CCW_PENDING_* bits set by css callbacks for the worker.
 * @unpinning: threads unpinning retired programs outside @fsm_lock right
 *	now, @unpin_work counted once per queueing; dma_unmap and close
 *	wait for it to drop to 0.
 * @mdevs: mdevs of this subchannel, 0 or 1; counted by our mdev probe and
 *	remove rather than by the mdev core, whose count of available
 *	instances (6.12) is not given back when creating fails early.
 * @pinned_pages: guest pages held by programs of any open device (being
 *	translated, outstanding or retired); 0 whenever the subchannel is
 *	idle.  Pages a pin cache keeps for the next program are not counted
 *	(vfio_ccw_totals.vfio_pinned_pages).
 */
struct vfio_ccw_parent {
	/*
	 * Set up by css probe and not reassigned until remove (the objects
	 * change only through their own subsystems' calls; KUnit shortens
	 * quiesce_wait).
	 */
	struct mutex fsm_lock;
	struct subchannel *sch;
	const struct vfio_ccw_sch_ops *ops;
	unsigned long quiesce_wait;
	wait_queue_head_t state_wq;
	struct work_struct event_work;
	struct work_struct unpin_work;
	struct mdev_parent mdev_parent;
	struct mdev_type mdev_type;
	struct mdev_type *mdev_type_list;
	struct dentry *debugfs;

	/* Protected by fsm_lock. */
	enum vfio_ccw_state state;
	struct vfio_ccw_private *private;
	const struct vfio_ccw_mem_ops *mem;
	void *mem_ctx;
	struct vfio_ccw_cp *cp;
	struct list_head retired;
	int defer_unpin;
	bool io_signal;
	bool translating;
	unsigned long unmap_seq;
	int quiesce_retries;
	bool resetting;

	/* Written by the event worker only (one at a time). */
	unsigned long irq_overflows_reported;

	/* Protected by their own IRQ-safe spinlocks: written in IRQ context. */
	struct vfio_ccw_irb_queue irbs;
	struct vfio_ccw_path_events path_events;

	/* Atomic: no lock. */
	unsigned long pending;
	atomic_t unpinning;
	atomic_t mdevs;
	atomic_long_t pinned_pages;
};

/**
 * struct vfio_ccw_private - the VFIO device of one mdev
 * @vdev: VFIO core's device; must stay first for vfio_alloc_device().
 * @parent: the subchannel this mdev sits on; outlives the mdev.
 * @pins: guest pages pinned for this device's programs, kept pinned
 *	between them (vfio_ccw_pin.h).
 * @mem: how this device's programs reach guest memory: through VFIO
 *	directly, or through @pins when bound through iommufd with the
 *	pin_cache parameter on.  INIT hands it to the parent; each program
 *	keeps its own.
 * @io_region: the I/O region as user space reads it.
 * @cmd_region: the async command region.
 * @crws: channel reports for the CRW region.
 * @trigger: eventfds by VFIO_CCW_*_IRQ_INDEX: I/O (an IRB is in
 *	@io_region), CRW (@crws is not empty), request (the mdev is being
 *	removed).
 * @interrupts: IRBs delivered to @io_region, shown in debugfs.
 */
struct vfio_ccw_private {
	/* Set up by vfio_device_ops.init; not reassigned after. */
	struct vfio_device vdev;
	struct vfio_ccw_parent *parent;

	/* Protected by pins.lock (vfio_ccw_pin.h); debugfs reads its count without it. */
	struct vfio_ccw_pin_cache pins;

	/* Set by .init, bind and unbind: never while the device is open. */
	const struct vfio_ccw_mem_ops *mem;

	/* Protected by parent->fsm_lock. */
	struct ccw_io_region io_region;
	struct ccw_cmd_region cmd_region;
	struct vfio_ccw_crw_queue crws;
	struct eventfd_ctx *trigger[VFIO_CCW_NUM_IRQS];
	unsigned long interrupts;
};

/**
 * struct vfio_ccw_totals - module-wide resource counts
 * @pinned_pages: guest pages held by channel programs
 * @vfio_pinned_pages: guest pages pinned through VFIO and not unpinned
 *	yet: those held by programs and the idle ones pin caches keep; 0
 *	once every device is closed
 * @programs: channel programs allocated and not freed yet
 *
 * Atomics, no lock.  Unlike the per-subchannel counts they outlive every
 * subchannel, so a leak shows after a device went away; debugfs shows
 * them in vfio_ccw/totals.
 */
struct vfio_ccw_totals {
	atomic_long_t pinned_pages;
	atomic_long_t vfio_pinned_pages;
	atomic_long_t programs;
};

extern struct vfio_ccw_totals vfio_ccw_totals;

/**
 * vfio_ccw_irb_ends_start() - does this status end the start function?
 * @irb: the status
 *
 * Status pending with the start function over: a halt or clear function
 * ended it (their status may still show a suspended program's activity
 * bits), or the start function's own status with nothing active or
 * suspended any more.  Status without a function (unsolicited device
 * status, an attention) ends nothing: it is not the program's.
 *
 * Context: any.
 * Return: true if the outstanding program is over.
 */
static inline bool vfio_ccw_irb_ends_start(const struct irb *irb)
{
	union scsw *scsw = (union scsw *)&irb->scsw;

	if (!(scsw_stctl(scsw) & SCSW_STCTL_STATUS_PEND))
		return false;
	if (scsw_fctl(scsw) & (SCSW_FCTL_HALT_FUNC | SCSW_FCTL_CLEAR_FUNC))
		return true;
	if (!(scsw_fctl(scsw) & SCSW_FCTL_START_FUNC))
		return false;
	return !(scsw_actl(scsw) & (SCSW_ACTL_DEVACT | SCSW_ACTL_SCHACT | SCSW_ACTL_SUSPENDED));
}

/* vfio_ccw_fsm.c */
int vfio_ccw_fsm_event(struct vfio_ccw_parent *parent,
		       enum vfio_ccw_event event, void *arg);
int vfio_ccw_fsm_event_locked(struct vfio_ccw_parent *parent,
			      enum vfio_ccw_event event, void *arg);
const char *vfio_ccw_state_name(enum vfio_ccw_state state);
void vfio_ccw_fsm_wake(struct vfio_ccw_parent *parent);

/* vfio_ccw_io.c */
int vfio_ccw_fsm_close(struct vfio_ccw_parent *parent);
int vfio_ccw_fsm_reset(struct vfio_ccw_parent *parent);
int vfio_ccw_fsm_unmap_reset(struct vfio_ccw_parent *parent);
void vfio_ccw_fsm_unpin_work(struct work_struct *work);
int vfio_ccw_fsm_translate_and_start(struct vfio_ccw_parent *parent, const union orb *orb);
void vfio_ccw_fsm_unlock(struct vfio_ccw_parent *parent);
bool vfio_ccw_fsm_unmap_hits_cp(struct vfio_ccw_parent *parent, u64 iova, u64 length);
bool vfio_ccw_fsm_wait_unpinned(struct vfio_ccw_parent *parent);

/* vfio_ccw_crw.c */
void vfio_ccw_crw_queue_init(struct vfio_ccw_crw_queue *q);
bool vfio_ccw_crw_push(struct vfio_ccw_crw_queue *q, const struct crw *crw);
bool vfio_ccw_crw_pop(struct vfio_ccw_crw_queue *q, struct crw *crw);
bool vfio_ccw_path_event_push(struct vfio_ccw_path_events *pe, u8 chpid, int event);
int vfio_ccw_path_events_to_crws(struct vfio_ccw_parent *parent);

/* vfio_ccw_irbq.c */
bool vfio_ccw_irb_push(struct vfio_ccw_irb_queue *q, const struct irb *irb);
bool vfio_ccw_irb_pop(struct vfio_ccw_irb_queue *q, struct irb *irb);
bool vfio_ccw_irb_pending(struct vfio_ccw_irb_queue *q);
unsigned int vfio_ccw_irb_flush(struct vfio_ccw_irb_queue *q);

/* vfio_ccw_debugfs.c */
void vfio_ccw_debugfs_init(void);
void vfio_ccw_debugfs_exit(void);
void vfio_ccw_debugfs_add(struct vfio_ccw_parent *parent);
void vfio_ccw_debugfs_remove(struct vfio_ccw_parent *parent);

/* vfio_ccw_drv.c */
void vfio_ccw_parent_init(struct vfio_ccw_parent *parent,
			  struct subchannel *sch,
			  const struct vfio_ccw_sch_ops *ops);
void vfio_ccw_event_work(struct work_struct *work);
void vfio_ccw_queue_event_work(struct vfio_ccw_parent *parent);
bool vfio_ccw_queue_unpin_work(struct vfio_ccw_parent *parent);
#if IS_ENABLED(CONFIG_KUNIT)
int vfio_ccw_sch_event(struct subchannel *sch, int process);
#endif

/* vfio_ccw_sch.c */
extern const struct vfio_ccw_sch_ops vfio_ccw_sch_hw_ops;

/* vfio_ccw_mdev.c */
extern struct mdev_driver vfio_ccw_mdev_driver;

/* vfio_ccw_ops.c */
static inline struct vfio_ccw_private *to_private(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ccw_private, vdev);
}

extern const struct vfio_device_ops vfio_ccw_dev_ops;
int vfio_ccw_info_from_user(void *info, const void __user *arg, unsigned long minsz);

/* vfio_ccw_mem.c */
extern const struct vfio_ccw_mem_ops vfio_ccw_vfio_mem_ops;
extern const struct vfio_ccw_pin_backend vfio_ccw_vfio_pin_backend;
const struct vfio_ccw_mem_ops *vfio_ccw_mem_ops_for_iommufd(void);

/* vfio_ccw_region.c */
/* Region indexes after the I/O region, in the order QEMU finds them. */
enum {
	VFIO_CCW_ASYNC_REGION_INDEX = VFIO_CCW_NUM_REGIONS,
	VFIO_CCW_SCHIB_REGION_INDEX,
	VFIO_CCW_CRW_REGION_INDEX,
	VFIO_CCW_ALL_REGIONS
};

ssize_t vfio_ccw_region_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos);
ssize_t vfio_ccw_region_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos);
long vfio_ccw_region_info(void __user *arg);

#endif /* _VFIO_CCW_PRIVATE_H_ */
