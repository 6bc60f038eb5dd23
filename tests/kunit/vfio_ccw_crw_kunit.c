// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of channel reports: the per-device CRW queue (order,
 * overflow indication, "more remain") and the conversion of recorded
 * channel-path events into CRWs.
 */

#include <kunit/test.h>

#include "chp.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static struct crw crw_of(u16 rsid)
{
	return (struct crw){ .rsc = CRW_RSC_CPATH, .erc = CRW_ERC_INIT, .rsid = rsid };
}

static void vfio_ccw_crw_test_order(struct kunit *test)
{
	struct vfio_ccw_crw_queue q;
	struct crw crw;
	int i;

	vfio_ccw_crw_queue_init(&q);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, vfio_ccw_crw_push(&q, &(struct crw){ .rsid = i + 1 }));
	for (i = 0; i < 3; i++) {
		/* "more remain" is true for all but the last */
		KUNIT_EXPECT_EQ(test, vfio_ccw_crw_pop(&q, &crw), i < 2);
		KUNIT_EXPECT_EQ(test, (int)crw.rsid, i + 1);
		KUNIT_EXPECT_EQ(test, (int)crw.oflw, 0);
	}
	/* empty: zeros */
	crw.rsid = 77;
	KUNIT_EXPECT_FALSE(test, vfio_ccw_crw_pop(&q, &crw));
	KUNIT_EXPECT_EQ(test, *(u32 *)&crw, 0);
}

/* A lost report sets the overflow bit on the next one stored. */
static void vfio_ccw_crw_test_overflow_next(struct kunit *test)
{
	struct vfio_ccw_crw_queue q;
	struct crw crw;
	int i;

	vfio_ccw_crw_queue_init(&q);
	for (i = 0; i < VFIO_CCW_CRW_QUEUE_LEN; i++)
		KUNIT_EXPECT_TRUE(test, vfio_ccw_crw_push(&q, &(struct crw){ .rsid = i }));
	crw = crw_of(0x99);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_crw_push(&q, &crw));
	vfio_ccw_crw_pop(&q, &crw);
	KUNIT_EXPECT_EQ(test, (int)crw.oflw, 0);
	crw = crw_of(0x100);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_crw_push(&q, &crw));
	for (i = 1; i < VFIO_CCW_CRW_QUEUE_LEN; i++) {
		vfio_ccw_crw_pop(&q, &crw);
		KUNIT_EXPECT_EQ(test, (int)crw.oflw, 0);
	}
	vfio_ccw_crw_pop(&q, &crw);
	KUNIT_EXPECT_EQ(test, (int)crw.rsid, 0x100);
	KUNIT_EXPECT_EQ(test, (int)crw.oflw, 1);
	/* reported once only */
	crw = crw_of(1);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_crw_push(&q, &crw));
	vfio_ccw_crw_pop(&q, &crw);
	KUNIT_EXPECT_EQ(test, (int)crw.oflw, 0);
}

/* A loss after the last stored report shows on the last one read. */
static void vfio_ccw_crw_test_overflow_last(struct kunit *test)
{
	struct vfio_ccw_crw_queue q;
	struct crw crw;
	int i;

	vfio_ccw_crw_queue_init(&q);
	for (i = 0; i <= VFIO_CCW_CRW_QUEUE_LEN; i++)
		vfio_ccw_crw_push(&q, &(struct crw){ .rsid = i });
	for (i = 0; i < VFIO_CCW_CRW_QUEUE_LEN; i++) {
		vfio_ccw_crw_pop(&q, &crw);
		KUNIT_EXPECT_EQ(test, (int)crw.rsid, i);
		KUNIT_EXPECT_EQ(test, (int)crw.oflw, i == VFIO_CCW_CRW_QUEUE_LEN - 1);
	}
}

/**
 * struct crw_parent - a parent with an open device, for path events
 * @parent: the subchannel
 * @private: the device that holds the CRW queue
 */
struct crw_parent {
	struct vfio_ccw_parent parent;
	struct vfio_ccw_private private;
};

static struct crw_parent *crw_parent_new(struct kunit *test, bool open)
{
	struct crw_parent *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	vfio_ccw_parent_init(&p->parent, fake_subchannel_new(test), NULL);
	vfio_ccw_crw_queue_init(&p->private.crws);
	if (open)
		p->parent.private = &p->private;
	return p;
}

static void vfio_ccw_crw_test_path_events(struct kunit *test)
{
	struct crw_parent *p = crw_parent_new(test, true);
	struct crw crw;

	vfio_ccw_path_event_push(&p->parent.path_events, 0x12, CHP_OFFLINE);
	vfio_ccw_path_event_push(&p->parent.path_events, 0x13, CHP_VARY_OFF);
	vfio_ccw_path_event_push(&p->parent.path_events, 0x12, CHP_ONLINE);
	KUNIT_EXPECT_EQ(test, vfio_ccw_path_events_to_crws(&p->parent), 2);

	KUNIT_EXPECT_TRUE(test, vfio_ccw_crw_pop(&p->private.crws, &crw));
	KUNIT_EXPECT_EQ(test, (int)crw.rsc, CRW_RSC_CPATH);
	KUNIT_EXPECT_EQ(test, (int)crw.erc, CRW_ERC_PERRN);
	KUNIT_EXPECT_EQ(test, (int)crw.rsid, 0x12);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_crw_pop(&p->private.crws, &crw));
	KUNIT_EXPECT_EQ(test, (int)crw.erc, CRW_ERC_INIT);
	KUNIT_EXPECT_EQ(test, (int)crw.rsid, 0x12);
	KUNIT_EXPECT_EQ(test, kfifo_len(&p->parent.path_events.ev), 0);
}

/* More path events than the ring holds: the loss reaches the guest. */
static void vfio_ccw_crw_test_path_events_lost(struct kunit *test)
{
	struct crw_parent *p = crw_parent_new(test, true);
	struct crw crw;
	int i, seen = 0, oflw = 0;

	for (i = 0; i < VFIO_CCW_PATH_EVENTS_LEN + 3; i++)
		vfio_ccw_path_event_push(&p->parent.path_events, i, CHP_OFFLINE);
	KUNIT_EXPECT_TRUE(test, p->parent.path_events.lost);
	KUNIT_EXPECT_EQ(test, vfio_ccw_path_events_to_crws(&p->parent),
			min(VFIO_CCW_PATH_EVENTS_LEN, VFIO_CCW_CRW_QUEUE_LEN));
	do {
		bool more = vfio_ccw_crw_pop(&p->private.crws, &crw);

		seen++;
		oflw += crw.oflw;
		if (!more)
			break;
	} while (1);
	KUNIT_EXPECT_EQ(test, seen, min(VFIO_CCW_PATH_EVENTS_LEN, VFIO_CCW_CRW_QUEUE_LEN));
	KUNIT_EXPECT_EQ(test, oflw, 1);
}

static void vfio_ccw_crw_test_no_user(struct kunit *test)
{
	struct crw_parent *p = crw_parent_new(test, false);

	vfio_ccw_path_event_push(&p->parent.path_events, 0x12, CHP_OFFLINE);
	KUNIT_EXPECT_EQ(test, vfio_ccw_path_events_to_crws(&p->parent), 0);
	KUNIT_EXPECT_EQ(test, kfifo_len(&p->parent.path_events.ev), 0);
	KUNIT_EXPECT_EQ(test, kfifo_len(&p->private.crws.crw), 0);
}

static struct kunit_case vfio_ccw_crw_test_cases[] = {
	KUNIT_CASE(vfio_ccw_crw_test_order),
	KUNIT_CASE(vfio_ccw_crw_test_overflow_next),
	KUNIT_CASE(vfio_ccw_crw_test_overflow_last),
	KUNIT_CASE(vfio_ccw_crw_test_path_events),
	KUNIT_CASE(vfio_ccw_crw_test_path_events_lost),
	KUNIT_CASE(vfio_ccw_crw_test_no_user),
	{}
};

static struct kunit_suite vfio_ccw_crw_test_suite = {
	.name = "vfio_ccw_crw",
	.test_cases = vfio_ccw_crw_test_cases,
};

kunit_test_suite(vfio_ccw_crw_test_suite);
