// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the vfio-ccw state x event table, against a scripted
 * fake subchannel (struct fake_sch) instead of the common I/O layer.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/**
 * enum fake_call - an op of &struct vfio_ccw_sch_ops the driver called
 * @FAKE_ENABLE: enable()
 * @FAKE_DISABLE: disable()
 * @FAKE_UPDATE_SCHIB: update_schib()
 * @FAKE_CANCEL_HALT_CLEAR: cancel_halt_clear()
 * @FAKE_START: start()
 * @FAKE_HALT: halt()
 * @FAKE_CLEAR: clear()
 * @FAKE_READ_SCHIB: read_schib()
 * @FAKE_PATH_LOST: path_lost()
 * @FAKE_GONE: gone()
 * @FAKE_NR_CALLS: number of ops
 */
enum fake_call {
	FAKE_ENABLE,
	FAKE_DISABLE,
	FAKE_UPDATE_SCHIB,
	FAKE_CANCEL_HALT_CLEAR,
	FAKE_START,
	FAKE_HALT,
	FAKE_CLEAR,
	FAKE_READ_SCHIB,
	FAKE_PATH_LOST,
	FAKE_GONE,
	FAKE_NR_CALLS
};

static const char * const fake_call_names[FAKE_NR_CALLS] = {
	[FAKE_ENABLE] = "enable",
	[FAKE_DISABLE] = "disable",
	[FAKE_UPDATE_SCHIB] = "update_schib",
	[FAKE_CANCEL_HALT_CLEAR] = "cancel_halt_clear",
	[FAKE_START] = "start",
	[FAKE_HALT] = "halt",
	[FAKE_CLEAR] = "clear",
	[FAKE_READ_SCHIB] = "read_schib",
	[FAKE_PATH_LOST] = "path_lost",
	[FAKE_GONE] = "gone",
};

static const char *fake_call_name(enum fake_call op)
{
	return (unsigned int)op < FAKE_NR_CALLS ? fake_call_names[op] : "?";
}

/**
 * struct fake_call_entry - one call the fake subchannel saw
 * @op: the op called
 * @iretry: for FAKE_CANCEL_HALT_CLEAR, *iretry as the driver passed it
 *	(before the fake spent a retry of it)
 * @orb: for FAKE_START, a copy of the host ORB the driver passed
 */
struct fake_call_entry {
	enum fake_call op;
	int iretry;
	union orb orb;
};

/* Calls one test may make: vfio_ccw_fsm_test_close_gives_up() makes 259. */
#define FAKE_LOG_LEN	320

/**
 * struct fake_sch - a subchannel whose answers the test scripts
 * @parent: what the driver sees
 * @test: the test; a call that finds @log full fails it
 * @enable_ret: returned by enable()
 * @disable_ret: returned by disable(), one entry per call; the last one
 *	repeats
 * @nr_disable_ret: entries in @disable_ret
 * @schib_ret: returned by update_schib()
 * @chc_ret: returned by cancel_halt_clear() while *iretry > 0; with the
 *	budget spent it answers -EIO as cio does
 * @start_cc: condition code start() answers
 * @halt_cc: condition code halt() answers
 * @clear_cc: condition code clear() answers
 * @path_lost: what path_lost() answers
 * @log: every call of an op, in order, with its arguments; read it
 *	with fake_calls(), fake_call(), fake_count() and fake_expect_calls()
 * @nr_log: entries used in @log
 * @log_overflow: a call found @log full and was not recorded
 */
struct fake_sch {
	struct vfio_ccw_parent parent;
	struct kunit *test;
	int enable_ret;
	int disable_ret[4];
	int nr_disable_ret;
	int schib_ret;
	int chc_ret;
	int start_cc;
	int halt_cc;
	int clear_cc;
	bool path_lost;
	struct fake_call_entry log[FAKE_LOG_LEN];
	int nr_log;
	bool log_overflow;
};

static struct fake_sch *to_fake(struct vfio_ccw_parent *parent)
{
	return container_of(parent, struct fake_sch, parent);
}

/* Calls recorded so far. */
static int fake_calls(const struct fake_sch *f)
{
	return f->nr_log;
}

/* The @i-th call (from 0), or NULL when fewer were made. */
static const struct fake_call_entry *fake_call(const struct fake_sch *f, int i)
{
	return i >= 0 && i < f->nr_log ? &f->log[i] : NULL;
}

/* Calls of @op recorded so far. */
static int fake_count(const struct fake_sch *f, enum fake_call op)
{
	int i, n = 0;

	for (i = 0; i < f->nr_log; i++)
		n += f->log[i].op == op;
	return n;
}

/*
 * A new entry for a call of @op, zeroed but for its op; NULL when the log
 * is full, which fails the test: a test that needs more calls raises
 * FAKE_LOG_LEN.  Every op is called with the FSM mutex held, which
 * serializes the log's writers.
 */
static struct fake_call_entry *fake_record(struct fake_sch *f, enum fake_call op)
{
	struct fake_call_entry *e;

	lockdep_assert_held(&f->parent.fsm_lock);
	if (f->nr_log == ARRAY_SIZE(f->log)) {
		if (!f->log_overflow)
			KUNIT_FAIL(f->test, "fake subchannel: more than %zu calls, %s not recorded",
				   ARRAY_SIZE(f->log), fake_call_name(op));
		f->log_overflow = true;
		return NULL;
	}
	e = &f->log[f->nr_log++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	return e;
}

/* "op, op, ..." for a message, allocated for the test; cut at 1K. */
static const char *fake_calls_str(struct kunit *test, const enum fake_call *ops, int n)
{
	size_t size = 1024, len = 0;
	char *buf;
	int i;

	if (!n)
		return "(none)";
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	if (!buf)
		return "(no memory)";
	for (i = 0; i < n; i++) {
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				fake_call_name(ops[i]));
		if (len >= size) {
			strscpy(buf + size - 5, " ...", 5);
			break;
		}
	}
	return buf;
}

/*
 * Expect the ops called, in order, to be exactly @want[0..@n-1]; on a
 * mismatch fail the test naming both sequences and where they part.
 * Return: true if they matched (fake_call() then has entries 0..@n-1).
 */
static bool fake_expect_calls(struct kunit *test, const struct fake_sch *f,
			      const enum fake_call *want, int n)
{
	enum fake_call *got;
	int first = 0, i;

	while (first < n && first < f->nr_log && f->log[first].op == want[first])
		first++;
	if (first == n && n == f->nr_log && !f->log_overflow)
		return true;

	got = kunit_kmalloc_array(test, max(f->nr_log, 1), sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	for (i = 0; i < f->nr_log; i++)
		got[i] = f->log[i].op;
	KUNIT_FAIL(test, "calls differ from call %d on%s\n\texpected: %s\n\tgot:      %s",
		   first, f->log_overflow ? " (log overflowed)" : "",
		   fake_calls_str(test, want, n), fake_calls_str(test, got, f->nr_log));
	return false;
}

static int fake_enable(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_ENABLE);
	return to_fake(parent)->enable_ret;
}

static int fake_disable(struct vfio_ccw_parent *parent)
{
	struct fake_sch *f = to_fake(parent);
	int i = min(fake_count(f, FAKE_DISABLE), max(f->nr_disable_ret - 1, 0));

	fake_record(f, FAKE_DISABLE);
	return f->nr_disable_ret ? f->disable_ret[i] : 0;
}

static int fake_update_schib(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_UPDATE_SCHIB);
	return to_fake(parent)->schib_ret;
}

static int fake_cancel_halt_clear(struct vfio_ccw_parent *parent, int *iretry)
{
	struct fake_sch *f = to_fake(parent);
	struct fake_call_entry *e = fake_record(f, FAKE_CANCEL_HALT_CLEAR);

	if (e)
		e->iretry = *iretry;
	if (*iretry <= 0)
		return -EIO;
	(*iretry)--;
	return f->chc_ret;
}

static int fake_start(struct vfio_ccw_parent *parent, union orb *orb)
{
	struct fake_call_entry *e = fake_record(to_fake(parent), FAKE_START);

	if (e)
		e->orb = *orb;
	/* the seam's contract: a queued IRB is status pending */
	if (vfio_ccw_irb_pending(&parent->irbs))
		return 1;
	return to_fake(parent)->start_cc;
}

static int fake_halt(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_HALT);
	return to_fake(parent)->halt_cc;
}

static int fake_clear(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_CLEAR);
	return to_fake(parent)->clear_cc;
}

static int fake_read_schib(struct vfio_ccw_parent *parent, struct schib *schib)
{
	fake_record(to_fake(parent), FAKE_READ_SCHIB);
	memset(schib, 0, sizeof(*schib));
	return to_fake(parent)->schib_ret;
}

static bool fake_path_lost(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_PATH_LOST);
	return to_fake(parent)->path_lost;
}

static void fake_gone(struct vfio_ccw_parent *parent)
{
	fake_record(to_fake(parent), FAKE_GONE);
}

static const struct vfio_ccw_sch_ops fake_ops = {
	.enable = fake_enable,
	.disable = fake_disable,
	.update_schib = fake_update_schib,
	.cancel_halt_clear = fake_cancel_halt_clear,
	.start = fake_start,
	.halt = fake_halt,
	.clear = fake_clear,
	.read_schib = fake_read_schib,
	.path_lost = fake_path_lost,
	.gone = fake_gone,
};

/* A test-owned stand-in for the VFIO device that opens the subchannel. */
static struct vfio_ccw_private fake_private;

static struct fake_sch *fake_sch_new(struct kunit *test,
				     enum vfio_ccw_state state)
{
	struct fake_sch *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	vfio_ccw_parent_init(&f->parent, fake_subchannel_new(test), &fake_ops);
	vfio_ccw_crw_queue_init(&fake_private.crws);
	f->parent.quiesce_wait = 1;
	f->parent.state = state;
	if (state == VFIO_CCW_STATE_IDLE || state == VFIO_CCW_STATE_BUSY ||
	    state == VFIO_CCW_STATE_QUIESCING)
		f->parent.private = &fake_private;
	if (state == VFIO_CCW_STATE_QUIESCING)
		f->parent.quiesce_retries = 255;
	return f;
}

/**
 * struct fsm_cell_case - one cell of the table, with scripted answers
 * @name: case description
 * @from: state before the event
 * @event: the event
 * @enable_ret: fake enable() answer
 * @disable_ret: fake disable() answer
 * @schib_ret: fake update_schib() answer
 * @chc_ret: fake cancel_halt_clear() answer
 * @halt_cc: fake halt() condition code
 * @clear_cc: fake clear() condition code
 * @path_lost: fake path_lost() answer
 * @chc_calls: expected cancel_halt_clear() calls
 * @halts: expected halt() calls
 * @clears: expected clear() calls
 * @to: expected state after
 * @ret: expected return of the dispatcher
 * @enables: expected enable() calls
 * @disables: expected disable() calls
 * @user_after: whether a user is attached afterwards
 */
struct fsm_cell_case {
	const char *name;
	enum vfio_ccw_state from;
	enum vfio_ccw_event event;
	int enable_ret, disable_ret, schib_ret, chc_ret;
	int halt_cc, clear_cc;
	bool path_lost;
	int chc_calls;
	int halts, clears;
	enum vfio_ccw_state to;
	int ret;
	int enables, disables;
	bool user_after;
};

#define S(x) VFIO_CCW_STATE_##x
#define E(x) VFIO_CCW_EVENT_##x

static const struct fsm_cell_case fsm_cell_cases[] = {
	/* NOT_OPER: terminal; everything refused or ignored */
	{ "NOT_OPER+INIT refused", S(NOT_OPER), E(INIT), .to = S(NOT_OPER), .ret = -ENODEV },
	{ "NOT_OPER+NOT_OPER ignored", S(NOT_OPER), E(NOT_OPER), .to = S(NOT_OPER) },
	{ "NOT_OPER+IO_REQ refused", S(NOT_OPER), E(IO_REQ), .to = S(NOT_OPER), .ret = -ENODEV },
	{ "NOT_OPER+INTERRUPT dropped", S(NOT_OPER), E(INTERRUPT), .to = S(NOT_OPER) },
	{ "NOT_OPER+SCHIB_CHANGED ignored", S(NOT_OPER), E(SCHIB_CHANGED), .to = S(NOT_OPER) },
	{ "NOT_OPER+CLOSE detaches", S(NOT_OPER), E(CLOSE), .to = S(NOT_OPER) },
	/* STANDBY */
	{ "STANDBY+INIT enables", S(STANDBY), E(INIT), .to = S(IDLE), .enables = 1,
	  .user_after = true },
	{ "STANDBY+INIT device gone", S(STANDBY), E(INIT), .enable_ret = -ENODEV,
	  .to = S(NOT_OPER), .ret = -ENODEV, .enables = 1 },
	{ "STANDBY+INIT enable busy", S(STANDBY), E(INIT), .enable_ret = -EBUSY,
	  .to = S(STANDBY), .ret = -EBUSY, .enables = 1 },
	{ "STANDBY+NOT_OPER", S(STANDBY), E(NOT_OPER), .to = S(NOT_OPER), .disables = 1 },
	{ "STANDBY+IO_REQ not open", S(STANDBY), E(IO_REQ), .to = S(STANDBY), .ret = -EBADF },
	{ "STANDBY+INTERRUPT dropped", S(STANDBY), E(INTERRUPT), .to = S(STANDBY) },
	{ "STANDBY+SCHIB_CHANGED still there", S(STANDBY), E(SCHIB_CHANGED), .to = S(STANDBY) },
	{ "STANDBY+SCHIB_CHANGED gone", S(STANDBY), E(SCHIB_CHANGED), .schib_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1 },
	{ "STANDBY+CLOSE not open", S(STANDBY), E(CLOSE), .to = S(STANDBY), .ret = -EBADF },
	/* IDLE */
	{ "IDLE+INIT double open", S(IDLE), E(INIT), .to = S(IDLE), .ret = -EBUSY,
	  .user_after = true },
	{ "IDLE+NOT_OPER", S(IDLE), E(NOT_OPER), .to = S(NOT_OPER), .disables = 1,
	  .user_after = true },
	{ "IDLE+INTERRUPT unsolicited", S(IDLE), E(INTERRUPT), .to = S(IDLE), .user_after = true },
	{ "IDLE+SCHIB_CHANGED still there", S(IDLE), E(SCHIB_CHANGED), .to = S(IDLE),
	  .user_after = true },
	{ "IDLE+SCHIB_CHANGED gone", S(IDLE), E(SCHIB_CHANGED), .schib_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1, .user_after = true },
	{ "IDLE+CLOSE disables", S(IDLE), E(CLOSE), .to = S(STANDBY), .disables = 1 },
	{ "IDLE+CLOSE status pending", S(IDLE), E(CLOSE), .disable_ret = -EBUSY,
	  .to = S(QUIESCING), .disables = 1 },
	{ "IDLE+CLOSE device gone", S(IDLE), E(CLOSE), .disable_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1 },
	/* BUSY */
	{ "BUSY+INIT double open", S(BUSY), E(INIT), .to = S(BUSY), .ret = -EBUSY,
	  .user_after = true },
	{ "BUSY+NOT_OPER", S(BUSY), E(NOT_OPER), .to = S(NOT_OPER), .disables = 1,
	  .user_after = true },
	{ "BUSY+IO_REQ outstanding", S(BUSY), E(IO_REQ), .to = S(BUSY), .ret = -EBUSY,
	  .user_after = true },
	{ "BUSY+SCHIB_CHANGED gone", S(BUSY), E(SCHIB_CHANGED), .schib_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1, .user_after = true },
	{ "BUSY+CLOSE quiesces", S(BUSY), E(CLOSE), .disable_ret = -EBUSY,
	  .to = S(QUIESCING), .disables = 1 },
	/* QUIESCING */
	{ "QUIESCING+INIT refused", S(QUIESCING), E(INIT), .to = S(QUIESCING), .ret = -EBUSY,
	  .user_after = true },
	{ "QUIESCING+NOT_OPER", S(QUIESCING), E(NOT_OPER), .to = S(NOT_OPER), .disables = 1,
	  .user_after = true },
	{ "QUIESCING+IO_REQ refused", S(QUIESCING), E(IO_REQ), .to = S(QUIESCING),
	  .ret = -EBUSY, .user_after = true },
	{ "QUIESCING+INTERRUPT final", S(QUIESCING), E(INTERRUPT), .to = S(STANDBY),
	  .disables = 1, .user_after = true },
	{ "QUIESCING+INTERRUPT still pending", S(QUIESCING), E(INTERRUPT),
	  .disable_ret = -EBUSY, .to = S(QUIESCING), .disables = 1, .user_after = true },
	{ "QUIESCING+SCHIB_CHANGED gone", S(QUIESCING), E(SCHIB_CHANGED), .schib_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1, .user_after = true },
	/* a close during a reset's quiesce: the user leaves at once */
	{ "QUIESCING+CLOSE step issued", S(QUIESCING), E(CLOSE), .chc_ret = -EBUSY, .chc_calls = 1,
	  .to = S(QUIESCING) },
	{ "QUIESCING+CLOSE step done", S(QUIESCING), E(CLOSE), .chc_ret = 0, .chc_calls = 1,
	  .to = S(STANDBY), .disables = 1 },
	{ "QUIESCING+CLOSE device gone", S(QUIESCING), E(CLOSE), .chc_ret = -ENODEV,
	  .to = S(NOT_OPER), .chc_calls = 1 },
	/* HALT and CLEAR from the async region */
	{ "NOT_OPER+HALT refused", S(NOT_OPER), E(HALT), .to = S(NOT_OPER), .ret = -ENODEV },
	{ "NOT_OPER+CLEAR refused", S(NOT_OPER), E(CLEAR), .to = S(NOT_OPER), .ret = -ENODEV },
	{ "STANDBY+HALT not open", S(STANDBY), E(HALT), .to = S(STANDBY), .ret = -EBADF },
	{ "STANDBY+CLEAR not open", S(STANDBY), E(CLEAR), .to = S(STANDBY), .ret = -EBADF },
	{ "IDLE+HALT cc 0", S(IDLE), E(HALT), .halts = 1, .to = S(IDLE), .user_after = true },
	{ "IDLE+HALT cc 1", S(IDLE), E(HALT), .halt_cc = 1, .halts = 1, .to = S(IDLE),
	  .ret = -EBUSY, .user_after = true },
	{ "IDLE+HALT cc 2", S(IDLE), E(HALT), .halt_cc = 2, .halts = 1, .to = S(IDLE),
	  .ret = -EBUSY, .user_after = true },
	{ "IDLE+HALT cc 3 path", S(IDLE), E(HALT), .halt_cc = 3, .halts = 1, .to = S(IDLE),
	  .ret = -ENODEV, .user_after = true },
	{ "IDLE+HALT cc 3 gone", S(IDLE), E(HALT), .halt_cc = 3, .schib_ret = -ENODEV,
	  .halts = 1, .to = S(NOT_OPER), .ret = -ENODEV, .disables = 1, .user_after = true },
	{ "IDLE+CLEAR cc 0", S(IDLE), E(CLEAR), .clears = 1, .to = S(IDLE), .user_after = true },
	{ "IDLE+CLEAR cc 3", S(IDLE), E(CLEAR), .clear_cc = 3, .clears = 1, .to = S(IDLE),
	  .ret = -ENODEV, .user_after = true },
	/* answers the architecture does not give: an errno, not a state change */
	{ "IDLE+HALT error", S(IDLE), E(HALT), .halt_cc = -EIO, .halts = 1, .to = S(IDLE),
	  .ret = -EIO, .user_after = true },
	{ "IDLE+CLEAR cc 1", S(IDLE), E(CLEAR), .clear_cc = 1, .clears = 1, .to = S(IDLE),
	  .ret = -EIO, .user_after = true },
	{ "BUSY+HALT keeps the program", S(BUSY), E(HALT), .halts = 1, .to = S(BUSY),
	  .user_after = true },
	{ "BUSY+HALT cc 2", S(BUSY), E(HALT), .halt_cc = 2, .halts = 1, .to = S(BUSY),
	  .ret = -EBUSY, .user_after = true },
	{ "BUSY+CLEAR keeps the program", S(BUSY), E(CLEAR), .clears = 1, .to = S(BUSY),
	  .user_after = true },
	{ "BUSY+CLEAR cc 3 gone", S(BUSY), E(CLEAR), .clear_cc = 3, .schib_ret = -ENODEV,
	  .clears = 1, .to = S(NOT_OPER), .ret = -ENODEV, .disables = 1, .user_after = true },
	{ "QUIESCING+HALT refused", S(QUIESCING), E(HALT), .to = S(QUIESCING), .ret = -EBUSY,
	  .user_after = true },
	{ "QUIESCING+CLEAR refused", S(QUIESCING), E(CLEAR), .to = S(QUIESCING), .ret = -EBUSY,
	  .user_after = true },
	/* RESET: quiesce, drop the program, enable again for the same user */
	{ "NOT_OPER+RESET refused", S(NOT_OPER), E(RESET), .to = S(NOT_OPER), .ret = -ENODEV },
	{ "STANDBY+RESET not open", S(STANDBY), E(RESET), .to = S(STANDBY), .ret = -EBADF },
	{ "IDLE+RESET re-enables", S(IDLE), E(RESET), .to = S(IDLE), .disables = 1,
	  .enables = 1, .user_after = true },
	{ "IDLE+RESET enable fails", S(IDLE), E(RESET), .enable_ret = -EIO, .to = S(STANDBY),
	  .ret = -EIO, .disables = 1, .enables = 1 },
	{ "IDLE+RESET device gone", S(IDLE), E(RESET), .disable_ret = -ENODEV,
	  .to = S(NOT_OPER), .disables = 1, .user_after = true },
	{ "BUSY+RESET quiesces, user kept", S(BUSY), E(RESET), .disable_ret = -EBUSY,
	  .to = S(QUIESCING), .disables = 1, .user_after = true },
	{ "QUIESCING+RESET step issued", S(QUIESCING), E(RESET), .chc_ret = -EBUSY,
	  .chc_calls = 1, .to = S(QUIESCING), .user_after = true },
	/* path events while a program runs */
	{ "BUSY+SCHIB_CHANGED path kept", S(BUSY), E(SCHIB_CHANGED), .to = S(BUSY),
	  .user_after = true },
	/* a lost path halts the program: its status ends it, for the guest to see */
	{ "BUSY+SCHIB_CHANGED path lost", S(BUSY), E(SCHIB_CHANGED), .path_lost = true,
	  .halts = 1, .to = S(BUSY), .user_after = true },
	{ "BUSY+SCHIB_CHANGED path lost, halt pending", S(BUSY), E(SCHIB_CHANGED),
	  .path_lost = true, .halt_cc = 2, .halts = 1, .to = S(BUSY), .user_after = true },
	{ "BUSY+SCHIB_CHANGED path lost, none to halt on", S(BUSY), E(SCHIB_CHANGED),
	  .path_lost = true, .halt_cc = 3, .halts = 1, .clears = 1, .to = S(BUSY),
	  .user_after = true },
	{ "BUSY+SCHIB_CHANGED path lost, clear cc 3", S(BUSY), E(SCHIB_CHANGED),
	  .path_lost = true, .halt_cc = 3, .clear_cc = 3, .halts = 1, .clears = 1,
	  .to = S(BUSY), .ret = -ENODEV, .user_after = true },
};

KUNIT_ARRAY_PARAM_DESC(fsm_cell, fsm_cell_cases, name);

static void vfio_ccw_fsm_test_cell(struct kunit *test)
{
	const struct fsm_cell_case *c = test->param_value;
	struct fake_sch *f = fake_sch_new(test, c->from);
	int ret;

	f->enable_ret = c->enable_ret;
	f->disable_ret[0] = c->disable_ret;
	f->nr_disable_ret = 1;
	f->schib_ret = c->schib_ret;
	f->chc_ret = c->chc_ret;
	f->halt_cc = c->halt_cc;
	f->clear_cc = c->clear_cc;
	f->path_lost = c->path_lost;

	ret = vfio_ccw_fsm_event(&f->parent, c->event,
				 c->event == E(INIT) ? &fake_private : NULL);

	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_STREQ(test, vfio_ccw_state_name(f->parent.state),
			   vfio_ccw_state_name(c->to));
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_ENABLE), c->enables);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_DISABLE), c->disables);
	KUNIT_EXPECT_EQ(test, !!f->parent.private, c->user_after);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_CANCEL_HALT_CLEAR), c->chc_calls);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_HALT), c->halts);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_CLEAR), c->clears);
	/* every way into NOT_OPER asks for the unregistration, once */
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_GONE),
			c->to == S(NOT_OPER) && c->from != S(NOT_OPER));
}

/* Cells with a suite of their own below (they need guest memory). */
static bool io_cell_tested(int s, int e)
{
	return (s == S(IDLE) && e == E(IO_REQ)) || (s == S(BUSY) && e == E(INTERRUPT));
}

/* Every cell of the table must be reachable by some case above. */
static void vfio_ccw_fsm_test_every_cell_named(struct kunit *test)
{
	bool seen[VFIO_CCW_NR_STATES][VFIO_CCW_NR_EVENTS] = {};
	int s, e, i;

	for (i = 0; i < ARRAY_SIZE(fsm_cell_cases); i++)
		seen[fsm_cell_cases[i].from][fsm_cell_cases[i].event] = true;
	for (s = 0; s < VFIO_CCW_NR_STATES; s++)
		for (e = 0; e < VFIO_CCW_NR_EVENTS; e++)
			if (!seen[s][e] && !io_cell_tested(s, e))
				KUNIT_FAIL(test, "no case for %s + event %d",
					   vfio_ccw_state_name(s), e);
}

/* Every state has its name (debugfs); others are "?". */
static void vfio_ccw_fsm_test_names(struct kunit *test)
{
	int i;

	for (i = 0; i < VFIO_CCW_NR_STATES; i++)
		KUNIT_EXPECT_STRNEQ(test, vfio_ccw_state_name(i), "?");
	KUNIT_EXPECT_STREQ(test, vfio_ccw_state_name(VFIO_CCW_NR_STATES), "?");
	KUNIT_EXPECT_STREQ(test, vfio_ccw_state_name(VFIO_CCW_STATE_QUIESCING), "QUIESCING");
}

/* Out-of-range events are refused without touching the state. */
static void vfio_ccw_fsm_test_bad_event(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(IDLE));

	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, VFIO_CCW_NR_EVENTS, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
}

/*
 * Closing with I/O outstanding: the closing thread steps through
 * cancel/halt/clear until disabling succeeds.
 */
static void vfio_ccw_fsm_test_close_quiesces(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(BUSY));

	/* busy at CLOSE, busy after the first step, idle after the second */
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = -EBUSY;
	f->disable_ret[2] = 0;
	f->nr_disable_ret = 3;
	f->chc_ret = 0;

	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_close(&f->parent), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_CANCEL_HALT_CLEAR), 2);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_DISABLE), 3);
	KUNIT_EXPECT_NULL(test, f->parent.private);
}

/*
 * A device that never quiesces: the budget of cancel/halt/clear runs
 * out, the close still returns and the subchannel is given up.
 */
static void vfio_ccw_fsm_test_close_gives_up(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(BUSY));
	int i, step;

	f->disable_ret[0] = -EBUSY;
	f->nr_disable_ret = 1;
	f->chc_ret = -EBUSY;

	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_close(&f->parent), -EIO);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(NOT_OPER));
	/* 255 steps allowed, the 256th call reports the budget spent */
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_CANCEL_HALT_CLEAR), 256);
	/* each step spends one retry of the same budget */
	for (i = 0, step = 0; i < fake_calls(f); i++) {
		if (fake_call(f, i)->op != FAKE_CANCEL_HALT_CLEAR)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, fake_call(f, i)->iretry, 255 - step, "step %d", step);
		step++;
	}
}

/**
 * struct fsm_path_lost_case - a path event while a program runs
 * @name: description
 * @path_lost: fake path_lost() answer
 * @halt_cc: fake halt() condition code
 * @clear_cc: fake clear() condition code
 * @ret: expected return of the dispatcher
 * @calls: the ops expected to be called, in order
 * @nr_calls: entries in @calls
 */
struct fsm_path_lost_case {
	const char *name;
	bool path_lost;
	int halt_cc, clear_cc, ret;
	enum fake_call calls[5];
	int nr_calls;
};

static const struct fsm_path_lost_case fsm_path_lost_cases[] = {
	{ "path kept", false, 0, 0, 0,
	  { FAKE_UPDATE_SCHIB, FAKE_PATH_LOST }, 2 },
	{ "halt cc 0", true, 0, 0, 0,
	  { FAKE_UPDATE_SCHIB, FAKE_PATH_LOST, FAKE_HALT }, 3 },
	{ "halt cc 2", true, 2, 0, 0,
	  { FAKE_UPDATE_SCHIB, FAKE_PATH_LOST, FAKE_HALT }, 3 },
	{ "halt cc 3 then clear", true, 3, 0, 0,
	  { FAKE_UPDATE_SCHIB, FAKE_PATH_LOST, FAKE_HALT, FAKE_CLEAR }, 4 },
	{ "halt cc 3, clear cc 3", true, 3, 3, -ENODEV,
	  { FAKE_UPDATE_SCHIB, FAKE_PATH_LOST, FAKE_HALT, FAKE_CLEAR, FAKE_UPDATE_SCHIB }, 5 },
};

KUNIT_ARRAY_PARAM_DESC(fsm_path_lost, fsm_path_lost_cases, name);

/*
 * BUSY + SCHIB_CHANGED, in the order the subchannel sees it: the SCHIB
 * is read before the path is asked about, the halt comes first and the
 * clear only when the halt found no path (cc 3); a cc 3 of the clear
 * asks the SCHIB whether the device is gone.  No cancel, no disable: the
 * halt's or clear's status ends the program, which stays until then.
 */
static void vfio_ccw_fsm_test_path_lost_order(struct kunit *test)
{
	const struct fsm_path_lost_case *c = test->param_value;
	struct fake_sch *f = fake_sch_new(test, S(BUSY));

	f->path_lost = c->path_lost;
	f->halt_cc = c->halt_cc;
	f->clear_cc = c->clear_cc;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(SCHIB_CHANGED), NULL), c->ret);
	fake_expect_calls(test, f, c->calls, c->nr_calls);
	KUNIT_EXPECT_STREQ(test, vfio_ccw_state_name(f->parent.state),
			   vfio_ccw_state_name(S(BUSY)));
	KUNIT_EXPECT_TRUE(test, f->parent.private == &fake_private);
}

/*
 * A close that quiesces, call by call: the disable comes first and finds
 * a function pending; then each cancel/halt/clear step is followed by a
 * disable, and the steps spend one budget of 255 retries, not a fresh
 * one each (a device that never quiesces could then hold the close
 * forever).
 */
static void vfio_ccw_fsm_test_close_quiesce_order(struct kunit *test)
{
	static const enum fake_call want[] = {
		FAKE_DISABLE,
		FAKE_CANCEL_HALT_CLEAR, FAKE_DISABLE,
		FAKE_CANCEL_HALT_CLEAR, FAKE_DISABLE,
		FAKE_CANCEL_HALT_CLEAR, FAKE_DISABLE,
	};
	struct fake_sch *f = fake_sch_new(test, S(BUSY));

	/* busy at CLOSE and after two steps, quiet after the third */
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = -EBUSY;
	f->disable_ret[2] = -EBUSY;
	f->disable_ret[3] = 0;
	f->nr_disable_ret = 4;
	f->chc_ret = 0;

	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_close(&f->parent), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_NULL(test, f->parent.private);
	KUNIT_ASSERT_TRUE(test, fake_expect_calls(test, f, want, ARRAY_SIZE(want)));
	KUNIT_EXPECT_EQ(test, fake_call(f, 1)->iretry, 255);
	KUNIT_EXPECT_EQ(test, fake_call(f, 3)->iretry, 254);
	KUNIT_EXPECT_EQ(test, fake_call(f, 5)->iretry, 253);
}

static struct kunit_case vfio_ccw_fsm_test_cases[] = {
	KUNIT_CASE_PARAM(vfio_ccw_fsm_test_cell, fsm_cell_gen_params),
	KUNIT_CASE(vfio_ccw_fsm_test_every_cell_named),
	KUNIT_CASE(vfio_ccw_fsm_test_names),
	KUNIT_CASE(vfio_ccw_fsm_test_bad_event),
	KUNIT_CASE(vfio_ccw_fsm_test_close_quiesces),
	KUNIT_CASE_SLOW(vfio_ccw_fsm_test_close_gives_up),
	KUNIT_CASE_PARAM(vfio_ccw_fsm_test_path_lost_order, fsm_path_lost_gen_params),
	KUNIT_CASE(vfio_ccw_fsm_test_close_quiesce_order),
	{}
};

static struct kunit_suite vfio_ccw_fsm_test_suite = {
	.name = "vfio_ccw_fsm",
	.test_cases = vfio_ccw_fsm_test_cases,
};

/* --- IO_REQ and INTERRUPT with a real channel program ----------------------- */

#define GUEST_CPA	(FAKE_MEM_BASE)
#define GUEST_DATA	(FAKE_MEM_BASE + 0x2000)

/* An IDLE subchannel whose user has a SENSE ID program in guest memory. */
static struct fake_sch *fake_sch_io(struct kunit *test, struct fake_mem **mem,
				    struct vfio_ccw_private **private, union orb *orb)
{
	struct fake_sch *f = fake_sch_new(test, S(IDLE));
	struct ccw1 c = { .cmd_code = CCW_CMD_SENSE_ID, .flags = CCW_FLAG_SLI,
			  .count = 256, .cda = u32_to_dma32(GUEST_DATA) };

	*mem = fake_mem_new(test);
	*private = kunit_kzalloc(test, sizeof(**private), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *private);
	f->parent.private = *private;
	f->parent.mem = &fake_mem_ops;
	f->parent.mem_ctx = *mem;
	fake_mem_ccws(*mem, GUEST_CPA, &c, 1);
	memset(orb, 0, sizeof(*orb));
	orb->cmd.fmt = 1;
	orb->cmd.pfch = 1;
	orb->cmd.lpm = 0x80;
	orb->cmd.key = 3;
	orb->cmd.cpa = u32_to_dma32(GUEST_CPA);
	return f;
}

/* What a write of the I/O region does with the mutex it takes. */
static int fsm_io_req(struct fake_sch *f, struct fake_mem *mem, union orb *orb)
{
	int ret;

	mutex_lock(&f->parent.fsm_lock);
	ret = vfio_ccw_fsm_translate_and_start(&f->parent, orb);
	vfio_ccw_fsm_unlock(&f->parent);
	return ret;
}

static bool cp_active(struct fake_sch *f)
{
	return f->parent.cp && f->parent.cp->active;
}

/**
 * struct fsm_start_case - START SUBCHANNEL outcomes
 * @name: description
 * @cc: condition code of the fake ssch (or -EIO)
 * @schib_ret: update_schib() answer after cc 3
 * @ret: expected errno
 * @to: expected state
 * @pinned: pages pinned afterwards
 */
struct fsm_start_case {
	const char *name;
	int cc, schib_ret, ret;
	enum vfio_ccw_state to;
	int pinned;
};

static const struct fsm_start_case fsm_start_cases[] = {
	{ "cc 0 starts", 0, 0, 0, S(BUSY), 1 },
	{ "cc 1 status pending", 1, 0, -EBUSY, S(IDLE), 0 },
	{ "cc 2 busy", 2, 0, -EBUSY, S(IDLE), 0 },
	{ "cc 3 path not operational", 3, 0, -EACCES, S(IDLE), 0 },
	{ "cc 3 device gone", 3, -ENODEV, -ENODEV, S(NOT_OPER), 0 },
	{ "program check", -EIO, 0, -EIO, S(IDLE), 0 },
};

KUNIT_ARRAY_PARAM_DESC(fsm_start, fsm_start_cases, name);

static void vfio_ccw_fsm_io_test_start(struct kunit *test)
{
	const struct fsm_start_case *c = test->param_value;
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);

	f->start_cc = c->cc;
	f->schib_ret = c->schib_ret;
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), c->ret);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_START), 1);
	KUNIT_EXPECT_STREQ(test, vfio_ccw_state_name(f->parent.state),
			   vfio_ccw_state_name(c->to));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), c->pinned);
	KUNIT_EXPECT_EQ(test, cp_active(f), c->pinned > 0);
	KUNIT_EXPECT_FALSE(test, f->parent.translating);
	if (c->pinned) {
		/* key and LPM reach the subchannel unchanged */
		KUNIT_EXPECT_EQ(test, (int)f->parent.cp->orb.cmd.key, 3);
		KUNIT_EXPECT_EQ(test, (int)f->parent.cp->orb.cmd.lpm, 0x80);
	}
	/* closing releases whatever is left */
	vfio_ccw_fsm_close(&f->parent);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/**
 * struct fsm_orb_case - a guest ORB and the host ORB start() must get
 * @name: description
 * @guest: the guest's ORB; the test sets its CPA
 * @fmt0: the guest's program is format 0
 * @i2k: the host ORB's IDAW block size control: the guest's block size
 *	(2K unless 64-bit IDAWs with i2k clear), in 64-bit IDAWs
 */
struct fsm_orb_case {
	const char *name;
	union orb guest;
	bool fmt0, i2k;
};

static const struct fsm_orb_case fsm_orb_cases[] = {
	{ "format 0, 31-bit IDAWs, every flag",
	  { .cmd = { .intparm = 0x12345678, .key = 5, .spnd = 1, .mod = 1, .sync = 1,
		     .fmt = 0, .pfch = 1, .isic = 1, .alcc = 1, .ssic = 1, .c64 = 0,
		     .i2k = 0, .lpm = 0x40, .ils = 1, .orbx = 1 } },
	  true, true },
	{ "format 1, 64-bit 4K IDAWs, no flag",
	  { .cmd = { .intparm = 0xffffffff, .key = 0, .fmt = 1, .pfch = 1, .c64 = 1,
		     .i2k = 0, .lpm = 0xff } },
	  false, false },
	{ "format 1, 64-bit 2K IDAWs",
	  { .cmd = { .intparm = 1, .key = 15, .fmt = 1, .pfch = 1, .c64 = 1,
		     .i2k = 1, .lpm = 0x01 } },
	  false, true },
};

KUNIT_ARRAY_PARAM_DESC(fsm_orb, fsm_orb_cases, name);

/*
 * The ORB start() is given (vfio_ccw_cp_orb()): the guest's key, LPM
 * and controls as the guest set them; the host's intparm (0: the
 * subchannel backend puts its own), format 1 and 64-bit IDAWs of the
 * guest's block size, no ORB extension; and as CPA not the guest's but
 * the address of the first translated CCW, the host copy of the guest's
 * first CCW.  Nothing else is called for the start.
 */
static void vfio_ccw_fsm_io_test_start_orb(struct kunit *test)
{
	static const enum fake_call want[] = { FAKE_START };
	const struct fsm_orb_case *c = test->param_value;
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb, host;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct ccw1 *first;
	u32 host_cpa;

	if (c->fmt0) {
		struct ccw0 c0 = { .cmd_code = CCW_CMD_SENSE_ID, .flags = CCW_FLAG_SLI,
				   .count = 256, .cda = GUEST_DATA };

		fake_mem_write(mem, GUEST_CPA, &c0, sizeof(c0));
	}
	orb = c->guest;
	orb.cmd.cpa = u32_to_dma32(GUEST_CPA);
	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_ASSERT_TRUE(test, fake_expect_calls(test, f, want, ARRAY_SIZE(want)));
	KUNIT_ASSERT_TRUE(test, cp_active(f));
	host = fake_call(f, 0)->orb;

	/* the guest's */
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.key, (u32)c->guest.cmd.key);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.spnd, (u32)c->guest.cmd.spnd);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.mod, (u32)c->guest.cmd.mod);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.sync, (u32)c->guest.cmd.sync);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.pfch, (u32)c->guest.cmd.pfch);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.isic, (u32)c->guest.cmd.isic);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.alcc, (u32)c->guest.cmd.alcc);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.ssic, (u32)c->guest.cmd.ssic);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.lpm, (u32)c->guest.cmd.lpm);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.ils, (u32)c->guest.cmd.ils);
	/* the host's */
	KUNIT_EXPECT_EQ(test, host.cmd.intparm, 0);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.fmt, 1);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.c64, 1);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.i2k, (u32)c->i2k);
	KUNIT_EXPECT_EQ(test, (u32)host.cmd.orbx, 0);

	/* the CPA: the program's first host CCW, a copy of the guest's first */
	host_cpa = dma32_to_u32(host.cmd.cpa);
	KUNIT_EXPECT_NE(test, host_cpa, (u32)GUEST_CPA);
	KUNIT_EXPECT_EQ(test, host_cpa, dma32_to_u32(virt_to_dma32(f->parent.cp->segs[0].ccw)));
	first = dma32_to_virt(host.cmd.cpa);
	KUNIT_EXPECT_EQ(test, (int)first->cmd_code, CCW_CMD_SENSE_ID);
	KUNIT_EXPECT_EQ(test, (int)first->count, 256);

	/* and nothing else differs, reserved bits and the rest of the union */
	orb.cmd.intparm = 0;
	orb.cmd.fmt = 1;
	orb.cmd.c64 = 1;
	orb.cmd.i2k = c->i2k;
	orb.cmd.orbx = 0;
	orb.cmd.cpa = host.cmd.cpa;
	KUNIT_EXPECT_MEMEQ(test, &host, &orb, sizeof(orb));

	vfio_ccw_fsm_close(&f->parent);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/* A start while another is being translated is told to retry. */
static void vfio_ccw_fsm_io_test_translating(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);

	f->parent.translating = true;
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), -EAGAIN);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_START), 0);
	f->parent.translating = false;
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	/* and a start while one is outstanding is refused by the table */
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), -EBUSY);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_START), 1);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 1);
	vfio_ccw_fsm_close(&f->parent);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/* dma_unmap asks about a range: only the installed program's pages count. */
static void vfio_ccw_fsm_io_test_pinned(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);

	KUNIT_EXPECT_FALSE(test, vfio_ccw_fsm_unmap_hits_cp(&f->parent, GUEST_DATA, PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_fsm_unmap_hits_cp(&f->parent, GUEST_DATA, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_fsm_unmap_hits_cp(&f->parent,
							    GUEST_DATA + PAGE_SIZE, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, f->parent.unmap_seq, 3);
	vfio_ccw_fsm_close(&f->parent);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_fsm_unmap_hits_cp(&f->parent, GUEST_DATA, PAGE_SIZE));
}

/* A program that cannot be translated never reaches the subchannel. */
static void vfio_ccw_fsm_io_test_bad_program(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);

	orb.cmd.cpa = u32_to_dma32(GUEST_CPA + 4);
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_START), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/*
 * Intermediate status keeps the program; the final status releases it
 * exactly once and hands the IRB, CPA in guest terms, to the user.
 */
static void vfio_ccw_fsm_io_test_interrupts(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb = {}, *delivered;

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);

	/* PCI: intermediate status, subchannel still active */
	irb.scsw.cmd.stctl = SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND;
	irb.scsw.cmd.actl = SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
	irb.scsw.cmd.cc = 0;
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	KUNIT_EXPECT_TRUE(test, cp_active(f));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 1);
	KUNIT_EXPECT_EQ(test, private->interrupts, 1);

	/* final: channel end + device end, CPA after the CCW */
	memset(&irb, 0, sizeof(irb));
	irb.scsw.cmd.stctl = SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
			     SCSW_STCTL_STATUS_PEND;
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	irb.scsw.cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	irb.scsw.cmd.cpa = u32_to_dma32(dma32_to_u32(f->parent.cp->orb.cmd.cpa) + 8);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_FALSE(test, cp_active(f));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, private->interrupts, 2);
	delivered = (struct irb *)private->io_region.irb_area;
	KUNIT_EXPECT_EQ(test, dma32_to_u32(delivered->scsw.cmd.cpa), GUEST_CPA + 8);

	/* unsolicited status while idle is delivered, frees nothing */
	memset(&irb, 0, sizeof(irb));
	irb.scsw.cmd.stctl = SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, private->interrupts, 3);
}

/*
 * A suspended program (still outstanding) ended by HSCH: the halt's
 * status releases it even if the activity bits still say suspended.
 */
static void vfio_ccw_fsm_io_test_halt_suspended(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb = {};

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	/* suspended: intermediate, the program stays */
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	irb.scsw.cmd.actl = SCSW_ACTL_SUSPENDED;
	irb.scsw.cmd.stctl = SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 1);

	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(HALT), NULL), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC | SCSW_FCTL_HALT_FUNC;
	irb.scsw.cmd.stctl = SCSW_STCTL_STATUS_PEND;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_FALSE(test, cp_active(f));
	/* a late duplicate status frees nothing twice */
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, private->interrupts, 3);
}

/*
 * No IRB shows the guest a host address.  The status of a HSCH while
 * idle carries the CPA of the program before (freed since), and a
 * format-0 ESW may carry a failing-storage and a secondary CCW address.
 */
static void vfio_ccw_fsm_io_test_no_host_address(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb = {}, *delivered;
	u32 host_cpa;

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	host_cpa = dma32_to_u32(f->parent.cp->orb.cmd.cpa) + 8;
	irb.scsw.cmd.stctl = SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
			     SCSW_STCTL_STATUS_PEND;
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	irb.scsw.cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	irb.scsw.cmd.cpa = u32_to_dma32(host_cpa);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_ASSERT_EQ(test, f->parent.state, S(IDLE));

	/* HSCH while idle: its status still names the old host CPA. */
	memset(&irb, 0, sizeof(irb));
	irb.scsw.cmd.fctl = SCSW_FCTL_HALT_FUNC;
	irb.scsw.cmd.stctl = SCSW_STCTL_STATUS_PEND;
	irb.scsw.cmd.cpa = u32_to_dma32(host_cpa);
	irb.scsw.cmd.eswf = 1;
	irb.esw.esw0.erw.fsavf = 1;
	irb.esw.esw0.erw.scavf = 1;
	irb.esw.esw0.faddr[0] = u32_to_dma32(0x1234000);
	irb.esw.esw0.faddr[1] = u32_to_dma32(0x1234000);
	irb.esw.esw0.saddr = u32_to_dma32(host_cpa - 8);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	delivered = (struct irb *)private->io_region.irb_area;
	KUNIT_EXPECT_EQ(test, dma32_to_u32(delivered->scsw.cmd.cpa), 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(delivered->esw.esw0.faddr[0]), 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(delivered->esw.esw0.faddr[1]), 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(delivered->esw.esw0.saddr), 0);
	KUNIT_EXPECT_EQ(test, (u32)delivered->esw.esw0.erw.fsavf, 0);
	KUNIT_EXPECT_EQ(test, (u32)delivered->esw.esw0.erw.scavf, 0);
	/* What is not an address goes through. */
	KUNIT_EXPECT_EQ(test, (u32)delivered->scsw.cmd.fctl, SCSW_FCTL_HALT_FUNC);
}

/**
 * struct unpin_probe - what an unpin saw of the driver
 * @f: the subchannel
 * @unpins: unpin calls
 * @under_mutex: unpins made with the FSM mutex held
 * @signalled: unpins made after the I/O eventfd was signalled
 * @uncounted: unpins made while dma_unmap would not have waited
 */
struct unpin_probe {
	struct fake_sch *f;
	int unpins, under_mutex, signalled, uncounted;
};

static void unpin_probe_hook(void *arg)
{
	struct unpin_probe *p = arg;

	p->unpins++;
	if (mutex_is_locked(&p->f->parent.fsm_lock))
		p->under_mutex++;
	if (!p->f->parent.io_signal)
		p->signalled++;
	if (!atomic_read(&p->f->parent.unpinning))
		p->uncounted++;
}

/*
 * The final interrupt's program is unpinned before the user hears of the
 * interrupt, outside the mutex, and counted meanwhile so that dma_unmap
 * waits for it: a user that unmaps its buffers on the interrupt must
 * find nothing pinned (VFIO type1 BUG()s after ten unmap attempts with
 * pages still pinned).
 */
static void vfio_ccw_fsm_io_test_signal_after_unpin(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct unpin_probe probe = { .f = f };
	long programs = atomic_long_read(&vfio_ccw_totals.programs);
	struct irb irb = {};

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vfio_ccw_totals.programs), programs + 1);
	mem->on_unpin = unpin_probe_hook;
	mem->on_unpin_arg = &probe;
	irb.scsw.cmd.stctl = SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
			     SCSW_STCTL_STATUS_PEND;
	irb.scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	irb.scsw.cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INTERRUPT), &irb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, probe.unpins, 1);
	KUNIT_EXPECT_EQ(test, probe.under_mutex, 0);
	KUNIT_EXPECT_EQ(test, probe.signalled, 0);
	KUNIT_EXPECT_EQ(test, probe.uncounted, 0);
	/* announced afterwards, and nothing is left for dma_unmap */
	KUNIT_EXPECT_FALSE(test, f->parent.io_signal);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->parent.unpinning), 0);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vfio_ccw_totals.programs), programs);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_fsm_wait_unpinned(&f->parent));
}

/* Closing while a program runs: it is released once quiesced. */
static void vfio_ccw_fsm_io_test_close_busy(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	f->chc_ret = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(CLOSE), NULL), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(QUIESCING));
	/* still running: the pages stay pinned while quiescing */
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_close(&f->parent), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/* --- races: the worker, the closer and a reset, interleaved -------------- */

static void irb_final(struct irb *irb)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.cmd.stctl = SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
			      SCSW_STCTL_STATUS_PEND;
	irb->scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
	irb->scsw.cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
}

/* Intermediate status (PCI): the program goes on. */
static void irb_intermediate(struct irb *irb)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.cmd.stctl = SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND;
	irb->scsw.cmd.actl = SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
	irb->scsw.cmd.fctl = SCSW_FCTL_START_FUNC;
}

/* Unsolicited device status (an attention, a tape's device end). */
static void irb_unsolicited(struct irb *irb)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.cmd.stctl = SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND;
	irb->scsw.cmd.dstat = DEV_STAT_ATTENTION;
}

/*
 * Status queued before a start (here unsolicited; a halt's status while
 * idle is the same case) must not end that start: the start is refused
 * as the hardware refuses one while status is pending (cc 1, -EBUSY),
 * the status reaches the user, and the next start runs until its own
 * final status.  Status without a function that comes while the program
 * runs does not end it either.
 */
static void vfio_ccw_fsm_io_test_stale_irb(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb;

	irb_unsolicited(&irb);
	KUNIT_ASSERT_TRUE(test, vfio_ccw_irb_push(&f->parent.irbs, &irb));
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), -EBUSY);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);

	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, private->interrupts, 1);
	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));

	irb_unsolicited(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	KUNIT_EXPECT_TRUE(test, cp_active(f));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 1);

	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, private->interrupts, 3);
}

/*
 * The worker takes an IRB off the queue only with the FSM mutex held: an
 * IRB popped but not yet handled would be invisible to a start issued
 * meanwhile (which holds the mutex) and would then end it.
 */
static void vfio_ccw_fsm_io_test_worker_pops_under_mutex(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb;

	irb_unsolicited(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	mutex_lock(&f->parent.fsm_lock);
	schedule_work(&f->parent.event_work);
	msleep(100);
	/* still queued, where a start issued now would see it */
	KUNIT_EXPECT_EQ(test, f->parent.irbs.count, 1);
	mutex_unlock(&f->parent.fsm_lock);
	flush_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, f->parent.irbs.count, 0);
	KUNIT_EXPECT_EQ(test, private->interrupts, 1);
}

/*
 * The program ends as a path goes: the worker sees the final status and
 * the path event together.  The status comes first: the program is over
 * and must not be halted for a path it no longer uses (the user would
 * get a halt status it never asked for).
 */
static void vfio_ccw_fsm_io_test_status_before_path_event(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb;

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	f->path_lost = true;
	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	set_bit(VFIO_CCW_PENDING_SCHIB_CHANGED, &f->parent.pending);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_HALT), 0);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_CLEAR), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, private->interrupts, 1);
}

/**
 * struct close_race - a closer and the worker, with an unpin held open
 * @f: the subchannel
 * @in_unpin: completed when the worker's unpin has begun
 * @release: completed by the test to let that unpin finish
 * @closed: completed when vfio_ccw_fsm_close() has returned
 * @unpins: unpins seen
 */
struct close_race {
	struct fake_sch *f;
	struct completion in_unpin, release, closed;
	int unpins;
};

static void close_race_unpin(void *arg)
{
	struct close_race *r = arg;

	if (r->unpins++)
		return;
	complete(&r->in_unpin);
	wait_for_completion(&r->release);
}

static int close_race_closer(void *arg)
{
	struct close_race *r = arg;

	vfio_ccw_fsm_close(&r->f->parent);
	complete(&r->closed);
	return 0;
}

/*
 * Closing with a program outstanding: the final interrupt is handled by
 * the worker, which unpins the program after it has released the mutex.
 * Close must not return before that unpin is done: VFIO unbinds the
 * device next, the mdev may go, and a late unpin then uses both.
 */
static void vfio_ccw_fsm_io_test_close_waits_for_unpin(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct close_race r = { .f = f };
	struct task_struct *closer;
	struct irb irb;

	init_completion(&r.in_unpin);
	init_completion(&r.release);
	init_completion(&r.closed);
	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	/* busy at CLOSE, a halt issued, quiet once the final status has come */
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	f->chc_ret = -EBUSY;
	f->parent.quiesce_wait = 10 * HZ;
	mem->on_unpin = close_race_unpin;
	mem->on_unpin_arg = &r;

	closer = kthread_run(close_race_closer, &r, "vfio_ccw_closer");
	KUNIT_ASSERT_FALSE(test, IS_ERR(closer));
	while (READ_ONCE(f->parent.state) != S(QUIESCING))
		usleep_range(1000, 2000);
	/* the final status: the worker disables and unpins */
	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	schedule_work(&f->parent.event_work);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&r.in_unpin, 10 * HZ));
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->parent.state), S(STANDBY));
	/* the closer has been woken by STANDBY: it must still wait */
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&r.closed, HZ / 5));
	complete(&r.release);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r.closed, 10 * HZ));
	flush_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, r.unpins, 1);
}

/**
 * struct reset_race - a reset waiting in QUIESCING
 * @f: the subchannel
 * @ret: what vfio_ccw_fsm_reset() returned
 * @done: completed when it has
 */
struct reset_race {
	struct fake_sch *f;
	int ret;
	struct completion done;
};

static int reset_race_resetter(void *arg)
{
	struct reset_race *r = arg;

	r->ret = vfio_ccw_fsm_reset(&r->f->parent);
	complete(&r->done);
	return 0;
}

/*
 * A reset (an unmap under a running program) and a close at once.  The
 * reset quiesces for the user; the close comes meanwhile.  The close
 * wins: the subchannel ends disabled with no user, not enabled for a
 * user who has gone (every later open would get -EBUSY, and an
 * interrupt would reach freed memory).  A start meanwhile is told to
 * retry (-EBUSY), not that the device is not open.
 */
static void vfio_ccw_fsm_io_test_reset_vs_close(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb, orb2;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct reset_race r = { .f = f };
	struct task_struct *resetter;
	struct irb irb;

	orb2 = orb;
	init_completion(&r.done);
	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	f->chc_ret = -EBUSY;
	f->parent.quiesce_wait = 10 * HZ;

	resetter = kthread_run(reset_race_resetter, &r, "vfio_ccw_resetter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(resetter));
	while (READ_ONCE(f->parent.state) != S(QUIESCING))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb2), -EBUSY);
	KUNIT_EXPECT_TRUE(test, f->parent.private == private);

	/* the user closes: one CLOSE while the reset quiesces */
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(CLOSE), NULL), 0);
	KUNIT_EXPECT_NULL(test, f->parent.private);
	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_NULL(test, f->parent.private);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_ENABLE), 0);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/*
 * Status the IRQ handler had queued when the subchannel was disabled
 * (the subchannel itself has none pending any more, so the disable
 * succeeds) belongs to the session that closed: the next user must not
 * be given it, nor have its first start refused for it.
 */
static void vfio_ccw_fsm_io_test_close_drops_queued_status(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb;

	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_close(&f->parent), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_event(&f->parent, E(INIT), private), 0);
	f->parent.mem = &fake_mem_ops;
	f->parent.mem_ctx = mem;
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, private->interrupts, 0);
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, private->interrupts, 1);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

/* A reset alone: the program goes, the same user goes on. */
static void vfio_ccw_fsm_io_test_reset_busy(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct irb irb;

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	f->chc_ret = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&f->parent), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_TRUE(test, f->parent.private == private);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_ENABLE), 1);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(BUSY));
	/* the new program ends: nothing is left for the test's end */
	irb_final(&irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
}

static void record_unpin_task(void *arg)
{
	WRITE_ONCE(*(struct task_struct **)arg, current);
}

/*
 * dma_unmap through VFIO's type1 container runs with type1's
 * device_list_lock held; unpinning there takes its iommu->lock, which a
 * second unmap holds while it waits for device_list_lock: a host
 * deadlock (seen by vfio-stress).  The reset of an unmap must leave the
 * unpinning to another thread and wait for it, bounded.
 */
static void vfio_ccw_fsm_io_test_unmap_reset_unpins_elsewhere(struct kunit *test)
{
	struct vfio_ccw_private *private;
	struct fake_mem *mem;
	union orb orb;
	struct fake_sch *f = fake_sch_io(test, &mem, &private, &orb);
	struct task_struct *unpinner = NULL;

	KUNIT_ASSERT_EQ(test, fsm_io_req(f, mem, &orb), 0);
	mem->on_unpin = record_unpin_task;
	mem->on_unpin_arg = &unpinner;
	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	f->chc_ret = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_unmap_reset(&f->parent), 0);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_fsm_wait_unpinned(&f->parent));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(mem), 0);
	KUNIT_EXPECT_NOT_NULL(test, unpinner);
	KUNIT_EXPECT_PTR_NE(test, unpinner, current);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(IDLE));
	KUNIT_EXPECT_EQ(test, f->parent.defer_unpin, 0);
	/* done before the test's memory goes */
	flush_work(&f->parent.unpin_work);
}

static struct kunit_case vfio_ccw_fsm_io_test_cases[] = {
	KUNIT_CASE_PARAM(vfio_ccw_fsm_io_test_start, fsm_start_gen_params),
	KUNIT_CASE_PARAM(vfio_ccw_fsm_io_test_start_orb, fsm_orb_gen_params),
	KUNIT_CASE(vfio_ccw_fsm_io_test_bad_program),
	KUNIT_CASE(vfio_ccw_fsm_io_test_translating),
	KUNIT_CASE(vfio_ccw_fsm_io_test_pinned),
	KUNIT_CASE(vfio_ccw_fsm_io_test_interrupts),
	KUNIT_CASE(vfio_ccw_fsm_io_test_signal_after_unpin),
	KUNIT_CASE(vfio_ccw_fsm_io_test_halt_suspended),
	KUNIT_CASE(vfio_ccw_fsm_io_test_no_host_address),
	KUNIT_CASE(vfio_ccw_fsm_io_test_close_busy),
	KUNIT_CASE(vfio_ccw_fsm_io_test_stale_irb),
	KUNIT_CASE(vfio_ccw_fsm_io_test_worker_pops_under_mutex),
	KUNIT_CASE(vfio_ccw_fsm_io_test_status_before_path_event),
	KUNIT_CASE(vfio_ccw_fsm_io_test_close_waits_for_unpin),
	KUNIT_CASE(vfio_ccw_fsm_io_test_reset_vs_close),
	KUNIT_CASE(vfio_ccw_fsm_io_test_reset_busy),
	KUNIT_CASE(vfio_ccw_fsm_io_test_unmap_reset_unpins_elsewhere),
	KUNIT_CASE(vfio_ccw_fsm_io_test_close_drops_queued_status),
	{}
};

static struct kunit_suite vfio_ccw_fsm_io_test_suite = {
	.name = "vfio_ccw_fsm_io",
	.test_cases = vfio_ccw_fsm_io_test_cases,
};

/* --- the IRB queue ------------------------------------------------------ */

static void vfio_ccw_irbq_test_fifo(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(IDLE));
	struct irb irb = {};
	int i;

	for (i = 0; i < 3; i++) {
		irb.scsw.cmd.count = 0x1000 + i;
		KUNIT_EXPECT_TRUE(test, vfio_ccw_irb_push(&f->parent.irbs, &irb));
	}
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_TRUE(test, vfio_ccw_irb_pop(&f->parent.irbs, &irb));
		KUNIT_EXPECT_EQ(test, (int)irb.scsw.cmd.count, 0x1000 + i);
	}
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irb_pop(&f->parent.irbs, &irb));
}

/*
 * A full queue never loses the status that ends the program: a burst of
 * intermediate (PCI) status gives up its oldest entry instead; only a
 * queue of nothing but final status loses its oldest.
 */
static void vfio_ccw_irbq_test_overflow(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(IDLE));
	struct vfio_ccw_irb_queue *q = &f->parent.irbs;
	struct irb irb;
	int i;

	for (i = 0; i < VFIO_CCW_IRB_QUEUE_LEN; i++) {
		irb_intermediate(&irb);
		irb.scsw.cmd.count = i;
		KUNIT_EXPECT_TRUE(test, vfio_ccw_irb_push(q, &irb));
	}
	irb_final(&irb);
	irb.scsw.cmd.count = 99;
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irb_push(q, &irb));
	KUNIT_EXPECT_EQ(test, q->overflows, 1);
	for (i = 1; i < VFIO_CCW_IRB_QUEUE_LEN; i++) {
		KUNIT_ASSERT_TRUE(test, vfio_ccw_irb_pop(q, &irb));
		KUNIT_EXPECT_EQ(test, (int)irb.scsw.cmd.count, i);
	}
	KUNIT_ASSERT_TRUE(test, vfio_ccw_irb_pop(q, &irb));
	KUNIT_EXPECT_EQ(test, (int)irb.scsw.cmd.count, 99);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_irb_ends_start(&irb));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irb_pop(q, &irb));

	/* final status only: the oldest goes, the order stays */
	for (i = 0; i <= VFIO_CCW_IRB_QUEUE_LEN; i++) {
		irb_final(&irb);
		irb.scsw.cmd.count = i;
		KUNIT_EXPECT_EQ(test, vfio_ccw_irb_push(q, &irb), i < VFIO_CCW_IRB_QUEUE_LEN);
	}
	KUNIT_EXPECT_EQ(test, q->overflows, 2);
	for (i = 1; i <= VFIO_CCW_IRB_QUEUE_LEN; i++) {
		KUNIT_ASSERT_TRUE(test, vfio_ccw_irb_pop(q, &irb));
		KUNIT_EXPECT_EQ(test, (int)irb.scsw.cmd.count, i);
	}
}

/*
 * Two interrupts before the worker runs: the worker feeds both to the
 * table; a final status while QUIESCING lets the subchannel disable.
 */
static void vfio_ccw_irbq_test_worker_drains(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(QUIESCING));
	struct irb irb = {};

	f->disable_ret[0] = -EBUSY;
	f->disable_ret[1] = 0;
	f->nr_disable_ret = 2;
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_irb_push(&f->parent.irbs, &irb);
	vfio_ccw_event_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_DISABLE), 2);
	KUNIT_EXPECT_EQ(test, f->parent.state, S(STANDBY));
	KUNIT_EXPECT_EQ(test, f->parent.irbs.count, 0);
}

/**
 * struct sch_lock_holder - a thread that holds sch->lock for a while
 * @sch: the subchannel
 * @held: completed once the lock is taken
 * @released: set just before the lock is dropped
 * @done: completed as the thread exits
 */
struct sch_lock_holder {
	struct subchannel *sch;
	struct completion held;
	atomic_t released;
	struct completion done;
};

static int sch_lock_hold(void *data)
{
	struct sch_lock_holder *h = data;

	spin_lock_irq(&h->sch->lock);
	complete(&h->held);
	mdelay(20);
	atomic_set(&h->released, 1);
	spin_unlock_irq(&h->sch->lock);
	kthread_complete_and_exit(&h->done, 0);
}

/*
 * The css reports a subchannel event while remove detaches the parent
 * (which clears drvdata under sch->lock, then waits for the worker):
 * the event must look at drvdata under that lock too, or it can queue
 * work on a parent remove has freed.  A thread holds the lock; the
 * event must wait for it (with two CPUs; on one, the holder runs to the
 * end first).  A detached parent gets no work at all.
 */
static void vfio_ccw_irbq_test_sch_event_vs_detach(struct kunit *test)
{
	struct fake_sch *f = fake_sch_new(test, S(IDLE));
	struct subchannel *sch = f->parent.sch;
	struct sch_lock_holder *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, h);
	dev_set_drvdata(&sch->dev, &f->parent);
	h->sch = sch;
	init_completion(&h->held);
	init_completion(&h->done);
	t = kthread_run(sch_lock_hold, h, "vfio_ccw_kunit_lock");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&h->held);

	KUNIT_EXPECT_EQ(test, vfio_ccw_sch_event(sch, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&h->released), 1);
	wait_for_completion(&h->done);
	/* the worker fed the event to the table: IDLE reads the SCHIB */
	flush_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_UPDATE_SCHIB), 1);

	/* what remove leaves: no parent, nothing queued */
	spin_lock_irq(&sch->lock);
	dev_set_drvdata(&sch->dev, NULL);
	spin_unlock_irq(&sch->lock);
	KUNIT_EXPECT_EQ(test, vfio_ccw_sch_event(sch, 0), 0);
	KUNIT_EXPECT_FALSE(test, work_pending(&f->parent.event_work));
	KUNIT_EXPECT_FALSE(test, test_bit(VFIO_CCW_PENDING_SCHIB_CHANGED, &f->parent.pending));
	flush_work(&f->parent.event_work);
	KUNIT_EXPECT_EQ(test, fake_count(f, FAKE_UPDATE_SCHIB), 1);
}

static struct kunit_case vfio_ccw_irbq_test_cases[] = {
	KUNIT_CASE(vfio_ccw_irbq_test_fifo),
	KUNIT_CASE(vfio_ccw_irbq_test_overflow),
	KUNIT_CASE(vfio_ccw_irbq_test_worker_drains),
	KUNIT_CASE(vfio_ccw_irbq_test_sch_event_vs_detach),
	{}
};

static struct kunit_suite vfio_ccw_irbq_test_suite = {
	.name = "vfio_ccw_irbq",
	.test_cases = vfio_ccw_irbq_test_cases,
};

kunit_test_suites(&vfio_ccw_fsm_test_suite, &vfio_ccw_fsm_io_test_suite,
		  &vfio_ccw_irbq_test_suite);

MODULE_DESCRIPTION("KUnit tests for vfio_ccw");
MODULE_LICENSE("GPL");
