// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the pin cache (vfio_ccw_pin.c) over a fake backend that
 * records every pin and unpin call and can be told to fail: what is
 * pinned through the backend, when, in how many calls, and that every
 * backend pin is matched by an unpin once the cache is flushed.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include "vfio_ccw_pin.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define FAKE_PAGES	64

/* A guest of FAKE_PAGES pages at IOVA 0; each may be pinned once. */
struct fake_backend {
	struct page *host[FAKE_PAGES];
	bool pinned[FAKE_PAGES];
	int pin_calls;
	int unpin_calls;
	int pinned_now;
	int fail_skip;		/* pin calls that succeed before failures */
	int fail_pin;		/* errno of the failing pin calls */
	int fail_pin_count;	/* how many of them fail */
	struct kunit *test;
};

static int fake_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct fake_backend *f = ctx;
	unsigned long first = iova >> PAGE_SHIFT;
	int i;

	f->pin_calls++;
	if (f->fail_skip) {
		f->fail_skip--;
	} else if (f->fail_pin_count) {
		f->fail_pin_count--;
		return f->fail_pin;
	}
	if (first + npage > FAKE_PAGES)
		return -EFAULT;
	for (i = 0; i < npage; i++) {
		/* pinning a page twice would be a leak of the cache's */
		KUNIT_EXPECT_FALSE(f->test, f->pinned[first + i]);
		f->pinned[first + i] = true;
		pages[i] = f->host[first + i];
	}
	f->pinned_now += npage;
	return npage;
}

static void fake_unpin(void *ctx, u64 iova, int npage)
{
	struct fake_backend *f = ctx;
	unsigned long first = iova >> PAGE_SHIFT;
	int i;

	f->unpin_calls++;
	for (i = 0; i < npage; i++) {
		KUNIT_EXPECT_TRUE(f->test, f->pinned[first + i]);
		f->pinned[first + i] = false;
	}
	f->pinned_now -= npage;
}

static const struct vfio_ccw_pin_backend fake_ops = {
	.pin = fake_pin,
	.unpin = fake_unpin,
};

struct pin_fixture {
	struct fake_backend f;
	struct vfio_ccw_pin_cache c;
};

static void pin_fixture_exit(void *data)
{
	struct pin_fixture *x = data;

	vfio_ccw_pin_flush(&x->c);
	KUNIT_EXPECT_EQ(x->f.test, x->f.pinned_now, 0);
	vfio_ccw_pin_cache_destroy(&x->c);
}

static struct pin_fixture *pin_fixture(struct kunit *test, unsigned long max_idle)
{
	struct pin_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->f.test = test;
	/* distinct, recognisable "host pages"; never dereferenced */
	for (i = 0; i < FAKE_PAGES; i++)
		x->f.host[i] = (struct page *)(0x1000UL * (i + 1));
	vfio_ccw_pin_cache_init(&x->c, &fake_ops, &x->f, max_idle);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pin_fixture_exit, x), 0);
	return x;
}

static u64 iova_of(int page)
{
	return (u64)page << PAGE_SHIFT;
}

/* A second program on the same pages pins nothing more. */
static void vfio_ccw_pin_test_hit_after_put(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 16);
	struct page *pages[4];
	int round, i;

	for (round = 0; round < 3; round++) {
		KUNIT_EXPECT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(2), 4, pages), 4);
		for (i = 0; i < 4; i++)
			KUNIT_EXPECT_PTR_EQ(test, pages[i], x->f.host[2 + i]);
		vfio_ccw_pin_put(&x->c, iova_of(2), 4);
	}
	KUNIT_EXPECT_EQ(test, x->f.pin_calls, 4);
	KUNIT_EXPECT_EQ(test, x->f.unpin_calls, 0);
	KUNIT_EXPECT_EQ(test, x->c.nr, 4UL);
	KUNIT_EXPECT_EQ(test, x->c.in_use, 0UL);
}

/*
 * Only the missing pages are pinned, a page a call (iommufd unpins only
 * exactly what one call pinned, and entries go one by one).
 */
static void vfio_ccw_pin_test_missing_runs(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[10];
	int i;

	/* pages 3 and 6 are there; 0-2, 4-5, 7-9 are missing */
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(3), 1, pages), 1);
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(6), 1, pages), 1);
	x->f.pin_calls = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(0), 10, pages), 10);
	KUNIT_EXPECT_EQ(test, x->f.pin_calls, 8);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], x->f.host[i]);
	KUNIT_EXPECT_EQ(test, x->c.in_use, 10UL);
	vfio_ccw_pin_put(&x->c, iova_of(0), 10);
	/* 3 and 6 are still held by their first gets */
	KUNIT_EXPECT_EQ(test, x->c.in_use, 2UL);
	vfio_ccw_pin_put(&x->c, iova_of(3), 1);
	vfio_ccw_pin_put(&x->c, iova_of(6), 1);
	KUNIT_EXPECT_EQ(test, x->c.in_use, 0UL);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 10);
}

/* dma_unmap: exactly the idle pages of the range go. */
static void vfio_ccw_pin_test_invalidate_range(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[16];

	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(0), 16, pages), 16);
	vfio_ccw_pin_put(&x->c, iova_of(0), 16);
	/* bytes of pages 4..7, not page-aligned at either end */
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_invalidate(&x->c, iova_of(4) + 100,
						      iova_of(3) + 10), 4UL);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 12);
	KUNIT_EXPECT_FALSE(test, x->f.pinned[4]);
	KUNIT_EXPECT_FALSE(test, x->f.pinned[7]);
	KUNIT_EXPECT_TRUE(test, x->f.pinned[3]);
	KUNIT_EXPECT_TRUE(test, x->f.pinned[8]);
	/* the next get pins 4..7 again, and only them */
	x->f.pin_calls = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(0), 16, pages), 16);
	KUNIT_EXPECT_EQ(test, x->f.pin_calls, 4);
	vfio_ccw_pin_put(&x->c, iova_of(0), 16);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_invalidate(&x->c, 0, 0), 0UL);
}

/* A page a program holds survives an invalidation; it goes on the next. */
static void vfio_ccw_pin_test_invalidate_keeps_held(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[2];

	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(5), 2, pages), 2);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_invalidate(&x->c, 0, iova_of(64)), 0UL);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 2);
	vfio_ccw_pin_put(&x->c, iova_of(5), 2);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_invalidate(&x->c, 0, iova_of(64)), 2UL);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 0);
	KUNIT_EXPECT_EQ(test, x->c.nr, 0UL);
}

/* More than max_idle idle pages: all idle pages are unpinned. */
static void vfio_ccw_pin_test_max_idle(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 8);
	struct page *pages[8];

	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(0), 8, pages), 8);
	vfio_ccw_pin_put(&x->c, iova_of(0), 8);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 8);
	/* held pages never count against the limit */
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(8), 8, pages), 8);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 16);
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(16), 1, pages), 1);
	vfio_ccw_pin_put(&x->c, iova_of(8), 8);
	/* 17 pinned, 1 held: 16 idle > 8, so the idle ones went */
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 1);
	KUNIT_EXPECT_EQ(test, x->c.nr, 1UL);
	vfio_ccw_pin_put(&x->c, iova_of(16), 1);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 1);
}

struct pin_fail_case {
	const char *name;
	int skip;		/* backend pins that succeed first */
	int err;		/* what the backend answers then */
	int count;		/* to how many calls */
	int want;		/* the get's answer */
	int want_calls;		/* pin calls of the get */
};

static const struct pin_fail_case pin_fail_cases[] = {
	/* an unmapped page: no retry, the idle pages stay */
	{ "efault", 0, -EFAULT, 1, -EFAULT, 1 },
	/* the first missing page is pinned and entered, the second fails */
	{ "efault_second", 1, -EFAULT, 1, -EFAULT, 2 },
	/* out of locked memory: retried once after dropping idle pages */
	{ "enomem_once", 0, -ENOMEM, 1, 3, 3 },
	{ "enomem_twice", 0, -ENOMEM, 2, -ENOMEM, 2 },
};

KUNIT_ARRAY_PARAM_DESC(pin_fail, pin_fail_cases, name);

/*
 * A get that fails part-way holds nothing: the pages it found and the
 * ones it pinned before the failure are released again.
 */
static void vfio_ccw_pin_test_failure(struct kunit *test)
{
	const struct pin_fail_case *t = test->param_value;
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[8];
	int ret;

	/* idle pages 10, 11; held page 1 */
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(10), 2, pages), 2);
	vfio_ccw_pin_put(&x->c, iova_of(10), 2);
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(1), 1, pages), 1);
	x->f.pin_calls = 0;
	x->f.fail_skip = t->skip;
	x->f.fail_pin = t->err;
	x->f.fail_pin_count = t->count;
	/* page 1 is found, 2..3 must be pinned */
	ret = vfio_ccw_pin_get(&x->c, iova_of(1), 3, pages);
	KUNIT_EXPECT_EQ(test, ret, t->want);
	KUNIT_EXPECT_EQ(test, x->f.pin_calls, t->want_calls);
	if (ret > 0)
		vfio_ccw_pin_put(&x->c, iova_of(1), 3);
	/* only the first get's hold is left */
	KUNIT_EXPECT_EQ(test, x->c.in_use, 1UL);
	if (t->err == -ENOMEM)
		KUNIT_EXPECT_FALSE(test, x->f.pinned[10]);
	else
		KUNIT_EXPECT_TRUE(test, x->f.pinned[10]);
	/* a page entered by the failed get stays, idle, for the next one */
	if (t->skip)
		KUNIT_EXPECT_TRUE(test, x->f.pinned[2]);
	vfio_ccw_pin_put(&x->c, iova_of(1), 1);
}

/* Bad arguments pin nothing. */
static void vfio_ccw_pin_test_bad_args(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[1];

	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(1) + 8, 1, pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(1), 0, pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, x->f.pin_calls, 0);
}

/* Flush: every idle page is unpinned, and the cache is empty. */
static void vfio_ccw_pin_test_flush(struct kunit *test)
{
	struct pin_fixture *x = pin_fixture(test, 64);
	struct page *pages[8];

	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(0), 8, pages), 8);
	KUNIT_ASSERT_EQ(test, vfio_ccw_pin_get(&x->c, iova_of(20), 8, pages), 8);
	vfio_ccw_pin_put(&x->c, iova_of(0), 8);
	vfio_ccw_pin_put(&x->c, iova_of(20), 8);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pin_flush(&x->c), 16UL);
	KUNIT_EXPECT_EQ(test, x->f.pinned_now, 0);
	KUNIT_EXPECT_EQ(test, x->c.nr, 0UL);
}

static struct kunit_case vfio_ccw_pin_cases[] = {
	KUNIT_CASE(vfio_ccw_pin_test_hit_after_put),
	KUNIT_CASE(vfio_ccw_pin_test_missing_runs),
	KUNIT_CASE(vfio_ccw_pin_test_invalidate_range),
	KUNIT_CASE(vfio_ccw_pin_test_invalidate_keeps_held),
	KUNIT_CASE(vfio_ccw_pin_test_max_idle),
	KUNIT_CASE_PARAM(vfio_ccw_pin_test_failure, pin_fail_gen_params),
	KUNIT_CASE(vfio_ccw_pin_test_bad_args),
	KUNIT_CASE(vfio_ccw_pin_test_flush),
	{}
};

static struct kunit_suite vfio_ccw_pin_suite = {
	.name = "vfio_ccw_pin",
	.test_cases = vfio_ccw_pin_cases,
};

kunit_test_suite(vfio_ccw_pin_suite);
