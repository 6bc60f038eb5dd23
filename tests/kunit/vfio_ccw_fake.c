// SPDX-License-Identifier: GPL-2.0
/*
 * Fake guest memory and subchannels for the vfio_ccw KUnit suites.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include "vfio_ccw_fake.h"

static int fake_page_index(u64 iova)
{
	if (iova < FAKE_MEM_BASE || iova >= FAKE_MEM_BASE + FAKE_MEM_PAGES * PAGE_SIZE)
		return -1;
	return (iova - FAKE_MEM_BASE) >> PAGE_SHIFT;
}

static void fake_mem_release(void *data)
{
	struct fake_mem *m = data;
	int i;

	for (i = 0; i < FAKE_MEM_PAGES; i++)
		if (m->pages[i])
			__free_page(m->pages[i]);
}

struct fake_mem *fake_mem_new(struct kunit *test)
{
	struct fake_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	for (i = 0; i < FAKE_MEM_PAGES; i++) {
		m->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, m->pages[i]);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_mem_release, m), 0);
	return m;
}

void fake_mem_write(struct fake_mem *m, u64 iova, const void *buf, size_t len)
{
	while (len) {
		int idx = fake_page_index(iova);
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(iova));

		if (WARN_ON(idx < 0))
			return;
		memcpy(page_address(m->pages[idx]) + offset_in_page(iova), buf, n);
		iova += n;
		buf += n;
		len -= n;
	}
}

void fake_mem_ccws(struct fake_mem *m, u64 iova, const struct ccw1 *ccws, int n)
{
	fake_mem_write(m, iova, ccws, n * sizeof(*ccws));
}

int fake_mem_pinned(struct fake_mem *m)
{
	int i, sum = 0;

	for (i = 0; i < FAKE_MEM_PAGES; i++)
		sum += m->pins[i];
	return sum;
}

phys_addr_t fake_mem_phys(struct fake_mem *m, u64 iova)
{
	return page_to_phys(m->pages[fake_page_index(iova)]) + offset_in_page(iova);
}

static int fake_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct fake_mem *m = ctx;
	u64 pos = iova;
	size_t left = len;

	if (fake_page_index(iova) < 0 || fake_page_index(iova + len - 1) < 0)
		return -EFAULT;
	while (left) {
		size_t n = min_t(size_t, left, PAGE_SIZE - offset_in_page(pos));

		memcpy(buf, page_address(m->pages[fake_page_index(pos)]) +
		       offset_in_page(pos), n);
		pos += n;
		buf += n;
		left -= n;
	}
	if (m->flip_addr >= iova && m->flip_addr < iova + len &&
	    m->flip_reads++ == 0)
		fake_mem_write(m, m->flip_addr, &m->flip_val, sizeof(m->flip_val));
	return 0;
}

static int fake_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct fake_mem *m = ctx;
	int first = fake_page_index(iova), i;

	m->pin_calls++;
	if (m->fail_pin_call && m->pin_calls == m->fail_pin_call)
		return -EFAULT;
	if (offset_in_page(iova) || npage <= 0)
		return -EINVAL;
	if (first < 0 || fake_page_index(iova + (u64)npage * PAGE_SIZE - 1) < 0)
		return -EFAULT;
	for (i = 0; i < npage; i++) {
		pages[i] = m->pages[first + i];
		m->pins[first + i]++;
	}
	return npage;
}

static void fake_unpin(void *ctx, u64 iova, int npage)
{
	struct fake_mem *m = ctx;
	int first = fake_page_index(iova), i;

	if (m->on_unpin)
		m->on_unpin(m->on_unpin_arg);
	for (i = 0; i < npage; i++)
		if (!WARN_ON(first < 0 || m->pins[first + i] <= 0))
			m->pins[first + i]--;
}

const struct vfio_ccw_mem_ops fake_mem_ops = {
	.read = fake_read,
	.pin = fake_pin,
	.unpin = fake_unpin,
};

static void fake_subchannel_release(void *data)
{
	struct subchannel *sch = data;

	kfree_const(sch->dev.kobj.name);
}

struct subchannel *fake_subchannel_new(struct kunit *test)
{
	struct subchannel *sch = kunit_kzalloc(test, sizeof(*sch), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sch);
	spin_lock_init(&sch->lock);
	KUNIT_ASSERT_EQ(test, dev_set_name(&sch->dev, "0.0.0000"), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_subchannel_release, sch), 0);
	return sch;
}
