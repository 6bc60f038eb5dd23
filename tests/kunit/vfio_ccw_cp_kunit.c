// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of channel-program translation, against fake guest
 * memory.  The translated program is checked the way a channel would
 * see it: from the host ORB's CPA, through host CCWs, TICs and IDALs
 * down to the physical addresses of the (fake) pinned guest pages.
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <asm/idals.h>

#include "vfio_ccw_cp.h"
#include "vfio_ccw_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define G(off)		(FAKE_MEM_BASE + (off))	/* guest address */
#define SLI		CCW_FLAG_SLI
#define CC		CCW_FLAG_CC
#define IDA		CCW_FLAG_IDA

static struct ccw1 ccw(u8 cmd, u8 flags, u16 count, u32 cda)
{
	return (struct ccw1){ .cmd_code = cmd, .flags = flags, .count = count,
			      .cda = u32_to_dma32(cda) };
}

/* Format-1 ORB with prefetch, all paths, format-1 (31-bit) 2K IDAWs. */
static union orb orb_at(u64 cpa)
{
	union orb o = {};

	o.cmd.fmt = 1;
	o.cmd.pfch = 1;
	o.cmd.lpm = 0xff;
	o.cmd.cpa = u32_to_dma32(cpa);
	return o;
}

/**
 * struct cp_fixture - one test's guest memory and program
 * @mem: fake guest memory
 * @cp: the program under test
 */
struct cp_fixture {
	struct fake_mem *mem;
	struct vfio_ccw_cp cp;
};

static void cp_fixture_free(void *data)
{
	vfio_ccw_cp_free(&((struct cp_fixture *)data)->cp);
}

static struct cp_fixture *cp_fixture_new(struct kunit *test)
{
	struct cp_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mem = fake_mem_new(test);
	/* Runs before fake_mem's release: unpin before the pages go. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cp_fixture_free, f), 0);
	return f;
}

static int cp_build(struct cp_fixture *f, union orb orb)
{
	return vfio_ccw_cp_build(&f->cp, &orb, &fake_mem_ops, f->mem);
}

/* The n-th host CCW of the first segment, as the channel finds it. */
static struct ccw1 *host_ccw(struct cp_fixture *f, int n)
{
	union orb *orb = vfio_ccw_cp_orb(&f->cp, 0);

	return (struct ccw1 *)dma32_to_virt(orb->cmd.cpa) + n;
}

static u64 host_idaw(struct ccw1 *c, int n)
{
	return dma64_to_u64(((dma64_t *)dma32_to_virt(c->cda))[n]);
}

/* --- translation of single data CCWs ----------------------------------- */

static void vfio_ccw_cp_test_direct(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x800)) };
	union orb *orb;
	struct ccw1 *c;

	fake_mem_ccws(f->mem, G(0), prog, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	orb = vfio_ccw_cp_orb(&f->cp, 0x1234);
	KUNIT_EXPECT_EQ(test, (int)orb->cmd.fmt, 1);
	KUNIT_EXPECT_EQ(test, (int)orb->cmd.c64, 1);
	KUNIT_EXPECT_EQ(test, (int)orb->cmd.i2k, 1);	/* guest asked for 2K IDAWs */
	KUNIT_EXPECT_EQ(test, (int)orb->cmd.lpm, 0xff);
	KUNIT_EXPECT_EQ(test, (int)orb->cmd.intparm, 0x1234);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, c->cmd_code, CCW_CMD_SENSE_ID);
	KUNIT_EXPECT_EQ(test, c->flags, SLI | IDA);
	KUNIT_EXPECT_EQ(test, c->count, 256);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x800)));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 1);
	KUNIT_EXPECT_EQ(test, f->cp.pinned, 1);

	vfio_ccw_cp_free(&f->cp);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
	KUNIT_EXPECT_FALSE(test, f->cp.active);
}

static void vfio_ccw_cp_test_format0(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw0 c0 = { .cmd_code = CCW_CMD_SENSE_ID, .cda = G(0x800),
			   .flags = SLI, .count = 256 };
	union orb o = orb_at(G(0));
	struct ccw1 *c;

	o.cmd.fmt = 0;
	fake_mem_write(f->mem, G(0), &c0, sizeof(c0));
	KUNIT_ASSERT_EQ(test, cp_build(f, o), 0);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, (int)vfio_ccw_cp_orb(&f->cp, 0)->cmd.fmt, 1);
	KUNIT_EXPECT_EQ(test, c->cmd_code, CCW_CMD_SENSE_ID);
	KUNIT_EXPECT_EQ(test, c->flags, SLI | IDA);
	KUNIT_EXPECT_EQ(test, c->count, 256);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x800)));
}

/* A direct buffer across a page boundary, 4K IDAWs: one run of 2 pages. */
static void vfio_ccw_cp_test_page_cross(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x1f80)) };
	union orb o = orb_at(G(0));
	struct ccw1 *c;

	o.cmd.c64 = 1;
	fake_mem_ccws(f->mem, G(0), prog, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, o), 0);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, (int)vfio_ccw_cp_orb(&f->cp, 0)->cmd.i2k, 0);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x1f80)));
	KUNIT_EXPECT_EQ(test, host_idaw(c, 1), fake_mem_phys(f->mem, G(0x2000)));
	KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 1);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 2);
}

/* Guest format-2 IDAL, 4K blocks, in two pages apart: two runs. */
static void vfio_ccw_cp_test_ida_fmt2(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI | IDA, 512, G(0x1000)) };
	u64 idal[] = { G(0x2f00), G(0x5000) };
	union orb o = orb_at(G(0));
	struct ccw1 *c;

	o.cmd.c64 = 1;
	fake_mem_ccws(f->mem, G(0), prog, 1);
	fake_mem_write(f->mem, G(0x1000), idal, sizeof(idal));
	KUNIT_ASSERT_EQ(test, cp_build(f, o), 0);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, c->flags, SLI | IDA);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x2f00)));
	KUNIT_EXPECT_EQ(test, host_idaw(c, 1), fake_mem_phys(f->mem, G(0x5000)));
	KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 2);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 2);
}

/* Guest format-1 IDAL (31-bit, 2K blocks): two blocks of one page. */
static void vfio_ccw_cp_test_ida_fmt1(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI | IDA, 512, G(0x1000)) };
	u32 idal[] = { G(0x2700), G(0x2800) };
	struct ccw1 *c;

	fake_mem_ccws(f->mem, G(0), prog, 1);
	fake_mem_write(f->mem, G(0x1000), idal, sizeof(idal));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, (int)vfio_ccw_cp_orb(&f->cp, 0)->cmd.i2k, 1);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x2700)));
	KUNIT_EXPECT_EQ(test, host_idaw(c, 1), fake_mem_phys(f->mem, G(0x2800)));
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 1);
}

/* The guest rewrites its IDAL after we read it: we must not notice. */
static void vfio_ccw_cp_test_idal_read_once(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI | IDA, 512, G(0x1000)) };
	u64 idal[] = { G(0x2f00), G(0x3000) };
	union orb o = orb_at(G(0));
	struct ccw1 *c;

	o.cmd.c64 = 1;
	fake_mem_ccws(f->mem, G(0), prog, 1);
	fake_mem_write(f->mem, G(0x1000), idal, sizeof(idal));
	f->mem->flip_addr = G(0x1000);
	f->mem->flip_val = G(0x7000);
	KUNIT_ASSERT_EQ(test, cp_build(f, o), 0);
	c = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, f->mem->flip_reads, 1);
	KUNIT_EXPECT_EQ(test, host_idaw(c, 0), fake_mem_phys(f->mem, G(0x2f00)));
	KUNIT_EXPECT_EQ(test, host_idaw(c, 1), fake_mem_phys(f->mem, G(0x3000)));
}

/* Zero count, NOP and skipped input pin nothing; skipped output does. */
static void vfio_ccw_cp_test_no_data(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(CCW_CMD_NOOP, CC, 16, 0x7ff00000),		/* unmapped */
		ccw(CCW_CMD_SENSE_ID, CC | SLI, 0, 0x7ff00000),
		ccw(0x02, CC | CCW_FLAG_SKIP, 100, 0x7ff00000),	/* read */
		ccw(0x01, CCW_FLAG_SKIP, 100, G(0x3000)),	/* write */
	};
	int i;

	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, dma32_to_u32(host_ccw(f, i)->cda), 0);
		KUNIT_EXPECT_FALSE(test, host_ccw(f, i)->flags & IDA);
	}
	KUNIT_EXPECT_TRUE(test, host_ccw(f, 3)->flags & IDA);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 1);
}

/*
 * A page an earlier CCW of the program pinned is not pinned again; a
 * run with a page not held yet is pinned whole; a page that lost its
 * slot to another (16 pages apart) is pinned anew.  Every IDAW still
 * addresses the right page, and freeing the program releases it all.
 */
static void vfio_ccw_cp_test_held_pages(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	static const u32 at[] = { 0x2000, 0x2100, 0x2f80, 0x3100, 0x12000, 0x2200 };
	struct ccw1 prog[ARRAY_SIZE(at)];
	int i;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		prog[i] = ccw(CCW_CMD_SENSE_ID, SLI | (i + 1 < ARRAY_SIZE(at) ? CC : 0),
			      256, G(at[i]));
	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	/* 0x2000; 0x2f80 with 0x3000 (2K blocks); 0x12000; 0x2200 again */
	KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 4);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 5);
	KUNIT_EXPECT_EQ(test, f->cp.pinned, 5);
	for (i = 0; i < ARRAY_SIZE(at); i++)
		KUNIT_EXPECT_EQ(test, host_idaw(host_ccw(f, i), 0),
				fake_mem_phys(f->mem, G(at[i])));
	KUNIT_EXPECT_EQ(test, host_idaw(host_ccw(f, 2), 1), fake_mem_phys(f->mem, G(0x3000)));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0x3000), PAGE_SIZE));

	vfio_ccw_cp_free(&f->cp);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
}

/* --- TICs and segments ---------------------------------------------------- */

static void vfio_ccw_cp_test_tic_new_segment(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 seg0[] = { ccw(CCW_CMD_NOOP, CC, 0, 0), ccw(CCW_CMD_TIC, 0, 0, G(0x1100)) };
	struct ccw1 seg1[] = { ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x2000)) };
	struct ccw1 *tic, *target;
	union scsw scsw = {};

	fake_mem_ccws(f->mem, G(0), seg0, 2);
	fake_mem_ccws(f->mem, G(0x1100), seg1, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	tic = host_ccw(f, 1);
	KUNIT_EXPECT_EQ(test, tic->cmd_code, CCW_CMD_TIC);
	target = dma32_to_virt(tic->cda);
	KUNIT_EXPECT_EQ(test, target->cmd_code, CCW_CMD_SENSE_ID);
	KUNIT_EXPECT_EQ(test, host_idaw(target, 0), fake_mem_phys(f->mem, G(0x2000)));

	/* The channel reports CPA = last CCW + 8: back in guest terms. */
	scsw.cmd.cpa = virt_to_dma32(target + 1);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), G(0x1108));
	scsw.cmd.cpa = virt_to_dma32(host_ccw(f, 1));
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), G(0x8));
}

/* A TIC back into its own segment (a device loop) is one segment. */
static void vfio_ccw_cp_test_tic_loop(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(CCW_CMD_SENSE_ID, CC | SLI, 256, G(0x2000)),
		ccw(CCW_CMD_TIC, 0, 0, G(0)),
	};

	fake_mem_ccws(f->mem, G(0), prog, 2);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, 1);
	KUNIT_EXPECT_PTR_EQ(test, dma32_to_virt(host_ccw(f, 1)->cda),
			    (void *)host_ccw(f, 0));
}

/*
 * Status modifier: a DASD search that matches makes the channel skip
 * the next CCW.  In "Seek; Search (CC); TIC back to the search; Read"
 * the Read after the TIC is reached that way: it must be translated.
 */
static void vfio_ccw_cp_test_search_tic_read(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(0x07, CC, 6, G(0x2000)),		/* Seek */
		ccw(0x31, CC, 5, G(0x2008)),		/* Search ID Equal */
		ccw(CCW_CMD_TIC, 0, 0, G(0x8)),
		ccw(0x06, 0, 4096, G(0x3000)),		/* Read Data */
	};
	union scsw scsw = {};
	struct ccw1 *read;

	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, 1);
	KUNIT_EXPECT_EQ(test, f->cp.segs[0].nr, 4);
	KUNIT_EXPECT_PTR_EQ(test, dma32_to_virt(host_ccw(f, 2)->cda), (void *)host_ccw(f, 1));
	read = host_ccw(f, 3);
	KUNIT_EXPECT_EQ(test, read->cmd_code, 0x06);
	KUNIT_EXPECT_TRUE(test, read->flags & IDA);
	KUNIT_EXPECT_EQ(test, host_idaw(read, 0), fake_mem_phys(f->mem, G(0x3000)));
	/* The program ends after the Read: CPA one past it. */
	scsw.cmd.cpa = virt_to_dma32(read + 1);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), G(0x20));
}

/*
 * What follows a segment in guest memory is never handed to the channel
 * as the guest wrote it: a status modifier on the next-to-last CCW skips
 * past the end, and the channel must find the fence (command code 0, a
 * program check), not a guest CCW whose data address would be used as a
 * host address.
 */
static void vfio_ccw_cp_test_fence(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(0x31, CC, 5, G(0x2000)),		/* Search ID Equal */
		ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x2100)),
		ccw(0x06, 0, 4096, G(0x5000)),		/* not in the program */
	};
	union scsw scsw = {};
	struct ccw1 *fence;

	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.segs[0].nr, 2);
	fence = host_ccw(f, 2);
	KUNIT_EXPECT_EQ(test, fence->cmd_code, 0);
	KUNIT_EXPECT_EQ(test, fence->flags, 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(fence->cda), 0);
	/* A program check on the fence reports CPA = fence + 8. */
	scsw.cmd.cpa = virt_to_dma32(fence + 1);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), G(0x18));
}

/*
 * An IRB never shows the guest a host address: a CPA that is not in the
 * running program (halt or clear status while idle, unsolicited status,
 * a program freed meanwhile) becomes 0.  Found by vfio-fuzz: the halt
 * status of an idle subchannel carried the last program's host CPA.
 */
static void vfio_ccw_cp_test_cpa_outside(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 c = ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x2000));
	union scsw scsw = {};
	struct ccw1 *host;

	/* No program at all. */
	scsw.cmd.cpa = u32_to_dma32(0x1234568);
	vfio_ccw_cp_update_scsw(NULL, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0);

	fake_mem_ccws(f->mem, G(0), &c, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	host = host_ccw(f, 0);
	/* Not in the program: neither a CCW of it nor one past its fence. */
	scsw.cmd.cpa = virt_to_dma32(host + 3);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0);
	/* Misaligned within it. */
	scsw.cmd.cpa = u32_to_dma32(dma32_to_u32(virt_to_dma32(host)) + 4);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0);
	/* The program's own CPA, once it is freed. */
	scsw.cmd.cpa = virt_to_dma32(host + 1);
	vfio_ccw_cp_free(&f->cp);
	vfio_ccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0);
}

/*
 * A TIC after a command-chained CCW in the last CCW slot of guest
 * memory: what a status modifier would reach cannot be read, and the
 * program is still good - the fence stands where the channel would have
 * found no CCW.
 */
static void vfio_ccw_cp_test_tic_at_end_of_memory(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	u64 last = FAKE_MEM_PAGES * PAGE_SIZE - 2 * sizeof(struct ccw1);
	struct ccw1 prog[] = {
		ccw(0x31, CC, 5, G(0x2000)),		/* Search ID Equal */
		ccw(CCW_CMD_TIC, 0, 0, G(last)),	/* back to it */
	};

	fake_mem_ccws(f->mem, G(last), prog, ARRAY_SIZE(prog));
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(last))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.segs[0].nr, 2);
	KUNIT_EXPECT_EQ(test, host_ccw(f, 2)->cmd_code, 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, 1);
}

/*
 * Linux's DASD error recovery: "DE (CC); LR (CC); TIC to the failed
 * CCW", its parameter data right after the TIC.  The TIC leaves the
 * segment, so what follows is data, not CCWs: it is neither read as a
 * program nor translated, and the fence stands in its place.
 */
static void vfio_ccw_cp_test_tic_away_then_data(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(0x63, CC, 16, G(0x18)),		/* Define Extent */
		ccw(0x47, CC, 16, G(0x28)),		/* Locate Record */
		ccw(CCW_CMD_TIC, 0, 0, G(0x100)),
		/* DE and LR parameters, which as CCWs would point nowhere */
		ccw(0x80, IDA, 4096, 0x7ff00000),
		ccw(0x80, IDA, 4096, 0x7ff00000),
		ccw(0x01, 0, 4096, 0x7ff00000),
	};
	struct ccw1 failed = ccw(0x86, 0, 4096, G(0x3000));	/* Read MT */

	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	fake_mem_ccws(f->mem, G(0x100), &failed, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, 2);
	KUNIT_EXPECT_EQ(test, f->cp.segs[0].nr, 3);
	KUNIT_EXPECT_EQ(test, host_ccw(f, 3)->cmd_code, 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(host_ccw(f, 3)->cda), 0);
}

/* A TIC after a data-chained (not command-chained) CCW ends the segment. */
static void vfio_ccw_cp_test_tic_after_data_chain(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(CCW_CMD_SENSE_ID, CCW_FLAG_DC, 128, G(0x2000)),
		ccw(CCW_CMD_TIC, 0, 0, G(0x100)),
		ccw(0x06, 0, 4096, G(0x5000)),		/* not in the program */
	};
	struct ccw1 tail = ccw(CCW_CMD_SENSE_ID, SLI, 128, G(0x2080));

	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	fake_mem_ccws(f->mem, G(0x100), &tail, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, 2);
	KUNIT_EXPECT_EQ(test, f->cp.segs[0].nr, 2);
	KUNIT_EXPECT_EQ(test, host_ccw(f, 2)->cmd_code, 0);
	/*
	 * The SENSE IDs share one page, pinned once; the Read after the
	 * TIC pins nothing.
	 */
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 1);
	KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 1);
}

/* n segments chained by TICs, 0x100 apart. */
static int build_tic_chain(struct kunit *test, struct cp_fixture *f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct ccw1 seg[] = {
			ccw(CCW_CMD_NOOP, i < n - 1 ? CC : 0, 0, 0),
			ccw(CCW_CMD_TIC, 0, 0, G(0x100 * (i + 1))),
		};

		fake_mem_ccws(f->mem, G(0x100 * i), seg, i < n - 1 ? 2 : 1);
	}
	return cp_build(f, orb_at(G(0)));
}

static void vfio_ccw_cp_test_max_segments(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);

	KUNIT_EXPECT_EQ(test, build_tic_chain(test, f, VFIO_CCW_CP_MAX_SEGS), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_segs, VFIO_CCW_CP_MAX_SEGS);
}

static void vfio_ccw_cp_test_too_many_segments(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);

	KUNIT_EXPECT_EQ(test, build_tic_chain(test, f, VFIO_CCW_CP_MAX_SEGS + 1), -EINVAL);
	KUNIT_EXPECT_FALSE(test, f->cp.active);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
}

/* n chained CCWs: NOOPs, then a SENSE ID that pins. */
static int build_long_chain(struct cp_fixture *f, int n)
{
	struct ccw1 c = ccw(CCW_CMD_NOOP, CC, 0, 0);
	int i;

	for (i = 0; i < n - 1; i++)
		fake_mem_ccws(f->mem, G(i * 8), &c, 1);
	c = ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x8000));
	fake_mem_ccws(f->mem, G((n - 1) * 8), &c, 1);
	return cp_build(f, orb_at(G(0)));
}

static void vfio_ccw_cp_test_256_ccws(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);

	KUNIT_EXPECT_EQ(test, build_long_chain(f, VFIO_CCW_CP_MAX_CCWS), 0);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 1);
}

static void vfio_ccw_cp_test_257_ccws(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);

	KUNIT_EXPECT_EQ(test, build_long_chain(f, VFIO_CCW_CP_MAX_CCWS + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
}

/* --- malformed programs: errno, nothing pinned, nothing active ------------- */

/**
 * struct cp_bad_case - a program the translator must refuse
 * @name: description
 * @prog: CCWs at guest offset 0
 * @nr: CCWs in @prog
 * @cpa: guest offset of the ORB's CPA
 * @orb_tm: set the transport-mode bit
 * @c64: format-2 IDAWs
 * @idal: a guest IDAL at offset 0x1000, two entries, if non-zero
 * @fail_pin_call: make this pin call fail
 * @ret: the expected errno
 */
struct cp_bad_case {
	const char *name;
	struct ccw1 prog[3];
	int nr;
	u32 cpa;
	bool orb_tm;
	bool c64;
	u64 idal[2];
	int fail_pin_call;
	int ret;
};

static const struct cp_bad_case cp_bad_cases[] = {
	{ "transport mode", { { CCW_CMD_NOOP } }, 1, 0, .orb_tm = true, .ret = -EOPNOTSUPP },
	{ "MIDA flag", { { CCW_CMD_SENSE_ID, 0x01, 256, 0 } }, 1, 0, .ret = -EOPNOTSUPP },
	{ "CPA not doubleword aligned", { { CCW_CMD_NOOP } }, 1, 4, .ret = -EINVAL },
	{ "CPA unmapped", { { CCW_CMD_NOOP } }, 1, 0x100000, .ret = -EFAULT },
	{ "first CCW is a TIC", { { CCW_CMD_TIC, 0, 0, 0 } }, 1, 0, .ret = -EINVAL },
	{ "TIC to TIC", { { CCW_CMD_NOOP, CC }, { CCW_CMD_TIC, 0, 0, 0 } }, 2, 0, .ret = -EINVAL },
	{ "TIC target misaligned", { { CCW_CMD_NOOP, CC }, { CCW_CMD_TIC, 0, 0, 0 } }, 2, 0,
	  .ret = -EINVAL },
	{ "data unmapped", { { CCW_CMD_SENSE_ID, SLI, 256, 0 } }, 1, 0, .ret = -EFAULT },
	{ "data beyond 2G", { { CCW_CMD_SENSE_ID, SLI, 256, 0 } }, 1, 0, .ret = -EINVAL },
	{ "second pin fails", { { CCW_CMD_SENSE_ID, CC | SLI, 256, 0 },
				{ CCW_CMD_SENSE_ID, SLI, 256, 0 } }, 2, 0,
	  .fail_pin_call = 2, .ret = -EFAULT },
	{ "IDAW not block aligned", { { CCW_CMD_SENSE_ID, SLI | IDA, 512, 0 } }, 1, 0,
	  .c64 = true, .idal = { 0x2f00, 0x3100 }, .ret = -EINVAL },
	{ "IDAL unmapped", { { CCW_CMD_SENSE_ID, SLI | IDA, 512, 0 } }, 1, 0,
	  .c64 = true, .ret = -EFAULT },
};

KUNIT_ARRAY_PARAM_DESC(cp_bad, cp_bad_cases, name);

static void vfio_ccw_cp_test_bad(struct kunit *test)
{
	const struct cp_bad_case *c = test->param_value;
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[3];
	union orb o;
	int i;

	/* Addresses in the table are guest offsets; fill in the specials. */
	for (i = 0; i < c->nr; i++) {
		u32 cda = dma32_to_u32(c->prog[i].cda);

		prog[i] = c->prog[i];
		if (!strcmp(c->name, "TIC to TIC") && i == 1)
			cda = G(0x8);
		else if (!strcmp(c->name, "TIC target misaligned") && i == 1)
			cda = G(0x4);
		else if (!strcmp(c->name, "data unmapped"))
			cda = 0x7ff00000;
		else if (!strcmp(c->name, "data beyond 2G"))
			cda = 0x7fffff80;
		else if (!strcmp(c->name, "IDAL unmapped"))
			cda = 0x7ff00000;
		else if (c->prog[i].flags & IDA)
			cda = G(0x1000);
		else if (c->prog[i].cmd_code != CCW_CMD_TIC)
			cda = G(0x2000 + i * 0x1000);
		prog[i].cda = u32_to_dma32(cda);
	}
	fake_mem_ccws(f->mem, G(0), prog, c->nr);
	if (c->idal[0]) {
		u64 idal[2] = { G(c->idal[0]), G(c->idal[1]) };

		fake_mem_write(f->mem, G(0x1000), idal, sizeof(idal));
	}
	f->mem->fail_pin_call = c->fail_pin_call;
	o = orb_at(c->cpa >= 0x100000 ? 0x7ff00000 : G(c->cpa));
	o.cmd.c64 = c->c64;
	o.tm.b = c->orb_tm;

	KUNIT_EXPECT_EQ(test, cp_build(f, o), c->ret);
	KUNIT_EXPECT_FALSE(test, f->cp.active);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
	KUNIT_EXPECT_EQ(test, f->cp.pinned, 0);
}

/* --- read backward ----------------------------------------------------------- */

#define CCW_CMD_READ_BACKWARD	0x0c

/* Guest IDAW formats of a read-backward case. */
enum cp_rb_idal { RB_DIRECT, RB_IDAL_FMT1, RB_IDAL_FMT2 };

/**
 * struct cp_rb_case - one READ BACKWARD CCW and what the channel must get
 * @name: description
 * @idal: direct address, or a guest IDAL of format 1 or 2 at offset 0x1000
 * @k4: 4K blocks (format-2 IDAWs only); else 2K
 * @count: the CCW's count
 * @addr: guest offset of the last byte (direct), or the guest IDAWs
 *	(offsets), in the order the channel uses them
 * @want: guest offsets the host IDAWs must designate, in order; the
 *	first is where the transfer starts, the others the last byte of
 *	their block
 * @nr: entries of @want
 * @pages: guest pages pinned
 * @ret: the expected result of the build
 */
struct cp_rb_case {
	const char *name;
	enum cp_rb_idal idal;
	bool k4;
	u16 count;
	u32 addr[3];
	u32 want[3];
	int nr;
	int pages;
	int ret;
};

static const struct cp_rb_case cp_rb_cases[] = {
	{ "direct, one byte at a page start", RB_DIRECT, false, 1, { 0x2000 },
	  { 0x2000 }, 1, 1 },
	{ "direct, 2K, one block", RB_DIRECT, false, 0x100, { 0x20ff }, { 0x20ff }, 1, 1 },
	{ "direct, 2K, two blocks of a page", RB_DIRECT, false, 0x100, { 0x2880 },
	  { 0x2880, 0x27ff }, 2, 1 },
	{ "direct, 2K, across a page", RB_DIRECT, false, 0x100, { 0x207f },
	  { 0x207f, 0x1fff }, 2, 2 },
	{ "direct, 4K, three pages", RB_DIRECT, true, 0x1100, { 0x307f },
	  { 0x307f, 0x2fff, 0x1fff }, 3, 3 },
	{ "direct, one byte at a page end", RB_DIRECT, true, 1, { 0x2fff }, { 0x2fff }, 1, 1 },
	{ "format-1 IDAL, 2K", RB_IDAL_FMT1, false, 0x200, { 0x28ff, 0x57ff },
	  { 0x28ff, 0x57ff }, 2, 2 },
	{ "format-2 IDAL, 4K", RB_IDAL_FMT2, true, 0x200, { 0x30ff, 0x6fff },
	  { 0x30ff, 0x6fff }, 2, 2 },
	{ "format-2 IDAL, 2K", RB_IDAL_FMT2, false, 0x200, { 0x40ff, 0x27ff },
	  { 0x40ff, 0x27ff }, 2, 2 },
	{ "format-2 IDAL, one byte", RB_IDAL_FMT2, true, 1, { 0x5000 }, { 0x5000 }, 1, 1 },
	{ "IDAW not the end of its block", RB_IDAL_FMT2, true, 0x200, { 0x30ff, 0x6000 },
	  .ret = -EINVAL },
	{ "format-1 IDAW not the end of its block", RB_IDAL_FMT1, false, 0x200,
	  { 0x28ff, 0x5000 }, .ret = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(cp_rb, cp_rb_cases, name);

/*
 * READ BACKWARD stores into descending addresses from the one the CCW
 * (or its first IDAW) designates: the pages pinned and the host IDAWs
 * must be those below it, each later IDAW the last byte of its block.
 */
static void vfio_ccw_cp_test_read_backward(struct kunit *test)
{
	const struct cp_rb_case *c = test->param_value;
	struct cp_fixture *f = cp_fixture_new(test);
	union orb o = orb_at(G(0));
	struct ccw1 prog[1];
	struct ccw1 *h;
	int i;

	o.cmd.c64 = c->idal != RB_IDAL_FMT1;
	o.cmd.i2k = o.cmd.c64 && !c->k4;
	if (c->idal == RB_DIRECT) {
		prog[0] = ccw(CCW_CMD_READ_BACKWARD, SLI, c->count, G(c->addr[0]));
	} else {
		prog[0] = ccw(CCW_CMD_READ_BACKWARD, SLI | IDA, c->count, G(0x1000));
		for (i = 0; i < ARRAY_SIZE(c->addr) && c->addr[i]; i++) {
			u64 idaw64 = G(c->addr[i]);
			u32 idaw32 = G(c->addr[i]);

			if (c->idal == RB_IDAL_FMT1)
				fake_mem_write(f->mem, G(0x1000) + i * 4, &idaw32, 4);
			else
				fake_mem_write(f->mem, G(0x1000) + i * 8, &idaw64, 8);
		}
	}
	fake_mem_ccws(f->mem, G(0), prog, 1);

	KUNIT_ASSERT_EQ(test, cp_build(f, o), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_FALSE(test, f->cp.active);
		KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
		return;
	}
	h = host_ccw(f, 0);
	KUNIT_EXPECT_EQ(test, h->cmd_code, CCW_CMD_READ_BACKWARD);
	KUNIT_EXPECT_EQ(test, h->flags, SLI | IDA);
	KUNIT_EXPECT_EQ(test, h->count, c->count);
	KUNIT_EXPECT_EQ(test, (int)vfio_ccw_cp_orb(&f->cp, 0)->cmd.i2k, !c->k4);
	for (i = 0; i < c->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, host_idaw(h, i), fake_mem_phys(f->mem, G(c->want[i])),
				    "IDAW %d", i);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), c->pages);
	KUNIT_EXPECT_EQ(test, f->cp.pinned, c->pages);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(c->want[c->nr - 1]), 1));

	vfio_ccw_cp_free(&f->cp);
	KUNIT_EXPECT_EQ(test, fake_mem_pinned(f->mem), 0);
}

/* Below the start of guest memory: refused, not pinned from address 0. */
static void vfio_ccw_cp_test_read_backward_below_zero(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_READ_BACKWARD, SLI, 0x20, 0x10) };

	fake_mem_ccws(f->mem, G(0), prog, 1);
	KUNIT_EXPECT_EQ(test, cp_build(f, orb_at(G(0))), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 0);
}

/* --- data chaining ------------------------------------------------------------ */

#define CCW_CMD_READ	0x02
#define CCW_CMD_WRITE	0x01
#define DC		CCW_FLAG_DC

/*
 * The channel ignores the command code of a data-chained CCW: the
 * second CCW is translated as the chain's command whatever its own
 * code says.  Before, a NOP or a skipped "read" there got no data area
 * (address 0) while the channel still moved its count's bytes, and a
 * READ after a READ BACKWARD was pinned upwards.
 */
static void vfio_ccw_cp_test_data_chain_command(struct kunit *test)
{
	static const struct {
		u8 first, second, second_flags;
	} rows[] = {
		{ CCW_CMD_READ, CCW_CMD_NOOP, 0 },
		{ CCW_CMD_WRITE, CCW_CMD_READ, CCW_FLAG_SKIP },
		{ CCW_CMD_READ_BACKWARD, CCW_CMD_READ, 0 },
	};
	int r;

	for (r = 0; r < ARRAY_SIZE(rows); r++) {
		struct cp_fixture *f = cp_fixture_new(test);
		bool back = rows[r].first == CCW_CMD_READ_BACKWARD;
		struct ccw1 prog[] = {
			ccw(rows[r].first, DC, 16, G(back ? 0x200f : 0x2000)),
			ccw(rows[r].second, rows[r].second_flags, 0x100,
			    G(back ? 0x307f : 0x3000)),
		};
		struct ccw1 *h;

		fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
		KUNIT_ASSERT_EQ_MSG(test, cp_build(f, orb_at(G(0))), 0, "row %d", r);
		h = host_ccw(f, 1);
		KUNIT_EXPECT_EQ_MSG(test, h->cmd_code, rows[r].first, "row %d", r);
		KUNIT_EXPECT_TRUE_MSG(test, h->flags & IDA, "row %d: no data area", r);
		KUNIT_EXPECT_EQ_MSG(test, host_idaw(h, 0),
				    fake_mem_phys(f->mem, G(back ? 0x307f : 0x3000)), "row %d", r);
		/* downwards: the rest of the area ends the block below */
		if (back)
			KUNIT_EXPECT_EQ(test, host_idaw(h, 1), fake_mem_phys(f->mem, G(0x2fff)));
		KUNIT_EXPECT_EQ_MSG(test, fake_mem_pinned(f->mem), 2, "row %d", r);
	}
}

/*
 * A TIC inside a data chain continues it at its target: a target that
 * would be translated otherwise under the chain's command is refused,
 * one that would not is taken.
 */
static void vfio_ccw_cp_test_data_chain_tic(struct kunit *test)
{
	static const struct {
		u8 target;
		int ret;
	} rows[] = {
		{ CCW_CMD_READ_BACKWARD, -EOPNOTSUPP },
		{ CCW_CMD_NOOP, -EOPNOTSUPP },
		{ CCW_CMD_READ, 0 },
		{ CCW_CMD_SENSE_ID, 0 },
	};
	int r;

	for (r = 0; r < ARRAY_SIZE(rows); r++) {
		struct cp_fixture *f = cp_fixture_new(test);
		struct ccw1 prog[] = {
			ccw(CCW_CMD_READ, DC, 16, G(0x2000)),
			ccw(CCW_CMD_TIC, 0, 0, G(0x100)),
		};
		struct ccw1 target = ccw(rows[r].target, 0, 0x100, G(0x30ff));

		fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
		fake_mem_ccws(f->mem, G(0x100), &target, 1);
		KUNIT_EXPECT_EQ_MSG(test, cp_build(f, orb_at(G(0))), rows[r].ret, "row %d", r);
		if (rows[r].ret)
			KUNIT_EXPECT_EQ_MSG(test, fake_mem_pinned(f->mem), 0, "row %d", r);
	}
}

/* --- programs that can suspend ------------------------------------------- */

/**
 * struct cp_suspend_case - the suspend flag against the ORB's control
 * @name: description
 * @spnd: the ORB's suspend control
 * @flag_ccw: index of the CCW with the suspend flag, or -1 for none
 * @allow: the test benches' vfio_ccw_cp_allow_suspend
 * @ret: the expected result of the build
 */
struct cp_suspend_case {
	const char *name;
	bool spnd;
	int flag_ccw;
	bool allow;
	int ret;
};

static const struct cp_suspend_case cp_suspend_cases[] = {
	{ "suspend flag, suspend control", true, 0, false, -EOPNOTSUPP },
	{ "suspend flag behind a TIC", true, 2, false, -EOPNOTSUPP },
	{ "suspend flag, no suspend control (the channel's program check)",
	  false, 0, false, 0 },
	{ "suspend control, no flag", true, -1, false, 0 },
	{ "suspend flag, suspend control, allowed", true, 0, true, 0 },
};

KUNIT_ARRAY_PARAM_DESC(cp_suspend, cp_suspend_cases, name);

static void cp_allow_suspend_restore(void *old)
{
	WRITE_ONCE(vfio_ccw_cp_allow_suspend, (bool)(uintptr_t)old);
}

/* SENSE ID, TIC to a second segment, SENSE ID there. */
static void vfio_ccw_cp_test_suspend(struct kunit *test)
{
	const struct cp_suspend_case *c = test->param_value;
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = {
		ccw(CCW_CMD_SENSE_ID, CC | SLI, 256, G(0x2000)),
		ccw(CCW_CMD_TIC, 0, 0, G(0x100)),
	};
	struct ccw1 second = ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x3000));
	union orb o = orb_at(G(0));
	void *was = (void *)(uintptr_t)vfio_ccw_cp_allow_suspend;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cp_allow_suspend_restore, was), 0);
	WRITE_ONCE(vfio_ccw_cp_allow_suspend, c->allow);
	if (c->flag_ccw == 0)
		prog[0].flags |= CCW_FLAG_SUSPEND;
	else if (c->flag_ccw == 2)
		second.flags |= CCW_FLAG_SUSPEND;
	fake_mem_ccws(f->mem, G(0), prog, ARRAY_SIZE(prog));
	fake_mem_ccws(f->mem, G(0x100), &second, 1);
	o.cmd.spnd = c->spnd;

	KUNIT_ASSERT_EQ(test, cp_build(f, o), c->ret);
	if (c->ret) {
		/* refused before the first pin, whatever comes before the flag */
		KUNIT_EXPECT_FALSE(test, f->cp.active);
		KUNIT_EXPECT_EQ(test, f->mem->pin_calls, 0);
		return;
	}
	/* Accepted: the flag and the control reach the channel unchanged. */
	KUNIT_EXPECT_EQ(test, (bool)vfio_ccw_cp_orb(&f->cp, 0)->cmd.spnd, c->spnd);
	KUNIT_EXPECT_EQ(test, !!(host_ccw(f, 0)->flags & CCW_FLAG_SUSPEND), c->flag_ccw == 0);
}

static void vfio_ccw_cp_test_iova_pinned(struct kunit *test)
{
	struct cp_fixture *f = cp_fixture_new(test);
	struct ccw1 prog[] = { ccw(CCW_CMD_SENSE_ID, SLI, 256, G(0x3800)) };

	fake_mem_ccws(f->mem, G(0), prog, 1);
	KUNIT_ASSERT_EQ(test, cp_build(f, orb_at(G(0))), 0);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0x3000), PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0), SZ_64K));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0x4000), PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0), PAGE_SIZE));
	vfio_ccw_cp_free(&f->cp);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_iova_pinned(&f->cp, G(0x3000), PAGE_SIZE));
}

static struct kunit_case vfio_ccw_cp_test_cases[] = {
	KUNIT_CASE(vfio_ccw_cp_test_direct),
	KUNIT_CASE(vfio_ccw_cp_test_format0),
	KUNIT_CASE(vfio_ccw_cp_test_page_cross),
	KUNIT_CASE(vfio_ccw_cp_test_ida_fmt2),
	KUNIT_CASE(vfio_ccw_cp_test_ida_fmt1),
	KUNIT_CASE(vfio_ccw_cp_test_idal_read_once),
	KUNIT_CASE(vfio_ccw_cp_test_no_data),
	KUNIT_CASE(vfio_ccw_cp_test_held_pages),
	KUNIT_CASE(vfio_ccw_cp_test_tic_new_segment),
	KUNIT_CASE(vfio_ccw_cp_test_tic_loop),
	KUNIT_CASE(vfio_ccw_cp_test_search_tic_read),
	KUNIT_CASE(vfio_ccw_cp_test_fence),
	KUNIT_CASE(vfio_ccw_cp_test_cpa_outside),
	KUNIT_CASE(vfio_ccw_cp_test_tic_at_end_of_memory),
	KUNIT_CASE(vfio_ccw_cp_test_tic_away_then_data),
	KUNIT_CASE(vfio_ccw_cp_test_tic_after_data_chain),
	KUNIT_CASE(vfio_ccw_cp_test_max_segments),
	KUNIT_CASE(vfio_ccw_cp_test_too_many_segments),
	KUNIT_CASE(vfio_ccw_cp_test_256_ccws),
	KUNIT_CASE(vfio_ccw_cp_test_257_ccws),
	KUNIT_CASE_PARAM(vfio_ccw_cp_test_bad, cp_bad_gen_params),
	KUNIT_CASE_PARAM(vfio_ccw_cp_test_read_backward, cp_rb_gen_params),
	KUNIT_CASE(vfio_ccw_cp_test_read_backward_below_zero),
	KUNIT_CASE(vfio_ccw_cp_test_data_chain_command),
	KUNIT_CASE(vfio_ccw_cp_test_data_chain_tic),
	KUNIT_CASE_PARAM(vfio_ccw_cp_test_suspend, cp_suspend_gen_params),
	KUNIT_CASE(vfio_ccw_cp_test_iova_pinned),
	{}
};

static struct kunit_suite vfio_ccw_cp_test_suite = {
	.name = "vfio_ccw_cp",
	.test_cases = vfio_ccw_cp_test_cases,
};

kunit_test_suite(vfio_ccw_cp_test_suite);
