/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fakes shared by the vfio_ccw KUnit suites: guest memory behind the
 * channel-program translator's mem ops, and a subchannel for a parent.
 */
#ifndef _VFIO_CCW_FAKE_H_
#define _VFIO_CCW_FAKE_H_

#include <kunit/test.h>

#include "vfio_ccw_private.h"

#define FAKE_MEM_BASE	0x100000ULL	/* guest IOVA of the first page */
#define FAKE_MEM_PAGES	32	/* twice VFIO_CCW_CP_HELD: slots collide */

/**
 * struct fake_mem - guest memory the test controls
 * @pages: backing pages, FAKE_MEM_PAGES of them from FAKE_MEM_BASE
 * @pins: pin count of each page
 * @pin_calls: calls of pin()
 * @fail_pin_call: make the pin() call with this number (from 1) fail
 * @flip_addr: after the first read that covers this address, write
 *	@flip_val there: a guest changing its IDAL behind our back
 * @flip_val: see @flip_addr
 * @flip_reads: reads that covered @flip_addr
 * @on_unpin: called by unpin() before it drops the pins, with
 *	@on_unpin_arg: lets a test look at the driver from inside an unpin
 * @on_unpin_arg: see @on_unpin
 */
struct fake_mem {
	struct page *pages[FAKE_MEM_PAGES];
	int pins[FAKE_MEM_PAGES];
	int pin_calls;
	int fail_pin_call;
	u64 flip_addr;
	u64 flip_val;
	int flip_reads;
	void (*on_unpin)(void *arg);
	void *on_unpin_arg;
};

struct fake_mem *fake_mem_new(struct kunit *test);
void fake_mem_write(struct fake_mem *m, u64 iova, const void *buf, size_t len);
/* Put format-1 CCWs at @iova. */
void fake_mem_ccws(struct fake_mem *m, u64 iova, const struct ccw1 *ccws, int n);
int fake_mem_pinned(struct fake_mem *m);
phys_addr_t fake_mem_phys(struct fake_mem *m, u64 iova);

extern const struct vfio_ccw_mem_ops fake_mem_ops;

/* A subchannel that is never registered: named, locked, and nothing else. */
struct subchannel *fake_subchannel_new(struct kunit *test);

#endif
