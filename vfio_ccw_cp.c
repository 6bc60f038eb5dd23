// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: channel program translation.
 *
 * Two passes, both bounded and neither recursive:
 *
 * 1. Fetch.  Starting at the ORB's CPA, read guest CCWs into segments:
 *    a segment is a run of consecutive CCWs that ends with a CCW that
 *    does not chain, or with a TIC - unless the TIC branches back into
 *    the segment and the CCW before it is command chained: a search
 *    loop, where a search that matches ends with status modifier and
 *    the channel skips the TIC and fetches the CCW after it.  A TIC's
 *    target that lies in no segment yet starts the next one.  At most VFIO_CCW_CP_MAX_SEGS
 *    segments of VFIO_CCW_CP_MAX_CCWS CCWs each; format-0 CCWs are
 *    converted to format 1 as they are read.  Every segment is followed
 *    by a fence: a CCW with command code 0, which the channel refuses
 *    with a program check should a status modifier skip past the end.
 *
 * 2. Translate.  Every TIC gets the host address of its target.  Every
 *    CCW that moves data gets a host IDAL of format-2 IDAWs that address
 *    guest pages pinned for it, in the order the channel uses them
 *    (downwards for a read backward); guest IDALs are read exactly
 *    once.  CCWs that move no data (count zero, NOP, skipped input) pin
 *    nothing, and pages an earlier CCW of the program pinned are not
 *    pinned again.
 *
 * The guest is not trusted: every address, count and flag is checked
 * before use, every failure unwinds what was pinned and allocated, and
 * the guest's memory is never read twice for one decision.
 */

#define KMSG_COMPONENT "vfio_ccw"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>
#include <asm/idals.h>

#include "vfio_ccw_cp.h"

#define CCW_FLAG_MIDA		0x01
#define CCW_SIZE		sizeof(struct ccw1)
#define GUEST_ADDR_LIMIT	BIT_ULL(31)	/* 31-bit channel addresses */

/**
 * struct cp_run - guest pages pinned in one call
 * @iova: page-aligned guest address of the first page
 * @npage: pages pinned
 */
struct cp_run {
	u64 iova;
	int npage;
};

/* Blocks of a CCW whose IDAL and runs need no allocation of their own. */
#define CP_INLINE_BLOCKS	2

/**
 * struct cp_ccw - host resources of one translated CCW
 * @idal: host IDAL the CCW addresses (31-bit memory), or NULL
 * @runs: pinned runs, @nr_runs of them
 * @nr_runs: entries of @runs holding pins
 * @idal_inline: @idal of a CCW of up to CP_INLINE_BLOCKS blocks (the
 *	array of cp_ccw is in 31-bit memory)
 * @runs_inline: @runs of such a CCW
 *
 * Most CCWs move data within one block or across one block boundary:
 * those cost a start no allocation of their own.
 */
struct cp_ccw {
	dma64_t *idal;
	struct cp_run *runs;
	int nr_runs;
	dma64_t idal_inline[CP_INLINE_BLOCKS];
	struct cp_run runs_inline[CP_INLINE_BLOCKS];
};

/*
 * Programs that can suspend (a CCW with the suspend flag under an ORB
 * with suspend control) are refused: vfio-ccw offers no resume, so such
 * a program would stay outstanding until halted or cleared.  Test
 * benches set this (debugfs "allow_suspend") to keep a program
 * outstanding on purpose.
 */
bool vfio_ccw_cp_allow_suspend;
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_allow_suspend);

/* --- small helpers ------------------------------------------------------ */

static bool ccw_is_tic(const struct ccw1 *ccw)
{
	return ccw->cmd_code == CCW_CMD_TIC;
}

static bool ccw_chains(const struct ccw1 *ccw)
{
	return ccw->flags & (CCW_FLAG_CC | CCW_FLAG_DC);
}

/*
 * Read backward: the data address designates the last byte of the area
 * and the device stores into descending addresses.
 */
static bool ccw_is_read_backward(const struct ccw1 *ccw)
{
	return (ccw->cmd_code & 0x0f) == 0x0c;
}

/* Input commands, for which the skip flag suppresses the transfer. */
static bool ccw_is_input(const struct ccw1 *ccw)
{
	return (ccw->cmd_code & 0x03) == 0x02 ||	/* read */
	       ccw_is_read_backward(ccw) ||
	       (ccw->cmd_code & 0x0f) == 0x04;		/* sense */
}

static bool ccw_moves_no_data(const struct ccw1 *ccw)
{
	return !ccw->count || ccw->cmd_code == CCW_CMD_NOOP ||
	       ((ccw->flags & CCW_FLAG_SKIP) && ccw_is_input(ccw));
}

/* Block size of the guest's IDAWs, which the host program keeps. */
static unsigned int cp_block_size(const struct vfio_ccw_cp *cp)
{
	return cp->guest_orb.cmd.c64 && !cp->guest_orb.cmd.i2k ? SZ_4K : SZ_2K;
}

/* Convert one CCW read from the guest to format 1, in place. */
static void ccw_to_fmt1(struct ccw1 *ccw, bool fmt1)
{
	struct ccw0 c0;

	if (fmt1)
		return;
	memcpy(&c0, ccw, sizeof(c0));
	ccw->cmd_code = (c0.cmd_code & 0x0f) == CCW_CMD_TIC ? CCW_CMD_TIC : c0.cmd_code;
	ccw->flags = c0.flags;
	ccw->count = c0.count;
	ccw->cda = u32_to_dma32(c0.cda);
}

/* --- pass 1: fetch --------------------------------------------------------- */

static struct vfio_ccw_cp_seg *cp_find_seg(struct vfio_ccw_cp *cp, u32 guest,
					   int *index)
{
	int i;

	for (i = 0; i < cp->nr_segs; i++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[i];
		u64 off = (u64)guest - seg->guest;

		if (guest >= seg->guest && off < (u64)seg->nr * CCW_SIZE) {
			*index = off / CCW_SIZE;
			return seg;
		}
	}
	return NULL;
}

/*
 * Whether the CCW after ccw[i] of the segment starting at guest address
 * @guest belongs to it: after a CCW that chains; and after a TIC back
 * into the segment (a search loop: "Search (CC); TIC to the search;
 * Read") when the CCW before it is command chained - a search that
 * matches ends with status modifier and the channel skips the TIC.  A
 * TIC elsewhere ends the segment: what follows it may be data (Linux's
 * DASD error recovery puts its parameters there), and should a status
 * modifier skip it anyway, the channel finds the fence.
 */
static bool cp_seg_goes_on(const struct ccw1 *ccw, int i, u32 guest)
{
	u64 target;

	if (!ccw_is_tic(&ccw[i]))
		return ccw_chains(&ccw[i]);
	if (!i || ccw_is_tic(&ccw[i - 1]) || !(ccw[i - 1].flags & CCW_FLAG_CC))
		return false;
	target = dma32_to_u32(ccw[i].cda);
	return target >= guest && target < (u64)guest + i * CCW_SIZE;
}

/*
 * End a segment after nr CCWs.  The guest's next CCW may have been read
 * too, untranslated: a channel that got there would use its guest
 * addresses as host addresses.  Fence it off.
 */
static int cp_seg_end(struct vfio_ccw_cp_seg *seg, int nr)
{
	seg->nr = nr;
	memset(&seg->ccw[nr], 0, CCW_SIZE);
	return 0;
}

static int cp_fetch_seg(struct vfio_ccw_cp *cp, u32 guest)
{
	struct vfio_ccw_cp_seg *seg;
	bool fmt1 = cp->guest_orb.cmd.fmt;
	int n = 0, ret;

	if (guest & (CCW_SIZE - 1))
		return -EINVAL;
	if (cp->nr_segs == VFIO_CCW_CP_MAX_SEGS)
		return -EINVAL;

	seg = &cp->segs[cp->nr_segs];
	seg->guest = guest;
	seg->nr = 0;
	seg->res = NULL;
	/*
	 * Not zeroed: the channel can reach only the CCWs read from the
	 * guest and the fence after them.  One more slot for the fence.
	 */
	seg->ccw = kmalloc_array(VFIO_CCW_CP_MAX_CCWS + 1, CCW_SIZE, GFP_KERNEL | GFP_DMA);
	if (!seg->ccw)
		return -ENOMEM;
	cp->nr_segs++;

	/* Read the rest of the page at a time; stop at the end of chain. */
	while (n < VFIO_CCW_CP_MAX_CCWS) {
		u64 addr = (u64)guest + n * CCW_SIZE;
		int chunk = min_t(int, VFIO_CCW_CP_MAX_CCWS - n,
				  (PAGE_SIZE - offset_in_page(addr)) / CCW_SIZE);
		/* Past a TIC, the next CCW is there only for a status modifier. */
		bool maybe = n && ccw_is_tic(&seg->ccw[n - 1]);
		int i;

		/* CCWs live below 2G; stop reading at the limit. */
		if (addr >= GUEST_ADDR_LIMIT)
			return maybe ? cp_seg_end(seg, n) : -EINVAL;
		chunk = min_t(u64, chunk, (GUEST_ADDR_LIMIT - addr) / CCW_SIZE);
		ret = cp->mem->read(cp->mem_ctx, addr, &seg->ccw[n], chunk * CCW_SIZE);
		if (ret)
			/* Unreadable: a channel that got there would program-check. */
			return maybe ? cp_seg_end(seg, n) : ret;
		for (i = n; i < n + chunk; i++) {
			ccw_to_fmt1(&seg->ccw[i], fmt1);
			if (!cp_seg_goes_on(seg->ccw, i, guest))
				return cp_seg_end(seg, i + 1);
		}
		n += chunk;
	}
	/* The chain goes on past the 256th CCW. */
	if (ccw_is_tic(&seg->ccw[n - 1]))
		return cp_seg_end(seg, n);
	return -EINVAL;
}

static int cp_fetch(struct vfio_ccw_cp *cp)
{
	int i, j, idx, ret;

	ret = cp_fetch_seg(cp, dma32_to_u32(cp->guest_orb.cmd.cpa));
	if (ret)
		return ret;
	/* The first CCW of a program may not be a TIC. */
	if (ccw_is_tic(&cp->segs[0].ccw[0]))
		return -EINVAL;

	/* Follow every TIC to a target not fetched yet, iteratively. */
	for (i = 0; i < cp->nr_segs; i++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[i];

		for (j = 0; j < seg->nr; j++) {
			u32 target;

			if (!ccw_is_tic(&seg->ccw[j]))
				continue;
			target = dma32_to_u32(seg->ccw[j].cda);
			if (cp_find_seg(cp, target, &idx))
				continue;
			ret = cp_fetch_seg(cp, target);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* --- pass 2: translate ----------------------------------------------------- */

static int cp_translate_tic(struct vfio_ccw_cp *cp, struct ccw1 *ccw)
{
	struct vfio_ccw_cp_seg *seg;
	int idx;

	if (dma32_to_u32(ccw->cda) & (CCW_SIZE - 1))
		return -EINVAL;
	seg = cp_find_seg(cp, dma32_to_u32(ccw->cda), &idx);
	/* Fetch resolved every target; a TIC to a TIC is a program check. */
	if (!seg || ccw_is_tic(&seg->ccw[idx]))
		return -EINVAL;
	ccw->cda = virt_to_dma32(&seg->ccw[idx]);
	return 0;
}

/*
 * The blocks of @bs bytes that @count bytes from @first touch, in the
 * direction of the transfer: upwards from @first, or downwards from it
 * for a read backward.
 */
static int cp_nr_blocks(u64 first, unsigned int count, unsigned int bs, bool back)
{
	unsigned int off = first & (bs - 1);

	return DIV_ROUND_UP((back ? bs - 1 - off : off) + count, bs);
}

/*
 * Guest block addresses of one data CCW, in the order the channel uses
 * them: from the guest's IDAL (read once, here) or, for a direct
 * address, computed.  The first designates where the transfer starts;
 * each other one the first byte of its block, or for a read backward
 * its last.  Returns the number of blocks or -errno.
 */
static int cp_guest_blocks(struct vfio_ccw_cp *cp, const struct ccw1 *ccw,
			   u64 *blocks)
{
	unsigned int bs = cp_block_size(cp);
	bool back = ccw_is_read_backward(ccw);
	u32 cda = dma32_to_u32(ccw->cda);
	int nr, i, ret;

	if (!(ccw->flags & CCW_FLAG_IDA)) {
		u64 start = cda;

		if (back ? start >= GUEST_ADDR_LIMIT || ccw->count > start + 1 :
			   start + ccw->count > GUEST_ADDR_LIMIT)
			return -EINVAL;
		nr = cp_nr_blocks(start, ccw->count, bs, back);
		blocks[0] = start;
		for (i = 1; i < nr; i++)
			blocks[i] = back ? ALIGN_DOWN(start, bs) - (u64)(i - 1) * bs - 1 :
					   ALIGN_DOWN(start, bs) + (u64)i * bs;
		return nr;
	}

	/* A guest IDAL: the first IDAW decides how many follow. */
	if (cp->guest_orb.cmd.c64) {
		u64 first;

		if (cda & 7)
			return -EINVAL;
		ret = cp->mem->read(cp->mem_ctx, cda, &first, sizeof(first));
		if (ret)
			return ret;
		nr = cp_nr_blocks(first, ccw->count, bs, back);
		blocks[0] = first;
		if (nr > 1) {
			ret = cp->mem->read(cp->mem_ctx, (u64)cda + 8, &blocks[1],
					    (nr - 1) * sizeof(u64));
			if (ret)
				return ret;
		}
	} else {
		u32 idaw[VFIO_CCW_CP_MAX_IDAWS];

		if (cda & 3)
			return -EINVAL;
		ret = cp->mem->read(cp->mem_ctx, cda, &idaw[0], sizeof(u32));
		if (ret)
			return ret;
		nr = cp_nr_blocks(idaw[0], ccw->count, bs, back);
		if (nr > 1) {
			ret = cp->mem->read(cp->mem_ctx, (u64)cda + 4, &idaw[1],
					    (nr - 1) * sizeof(u32));
			if (ret)
				return ret;
		}
		for (i = 0; i < nr; i++) {
			/* format-1 IDAWs are 31-bit */
			if (idaw[i] & 0x80000000)
				return -EINVAL;
			blocks[i] = idaw[i];
		}
	}
	/* Every IDAW but the first starts a block, or ends it going backward. */
	for (i = 1; i < nr; i++)
		if ((blocks[i] & (bs - 1)) != (back ? bs - 1 : 0))
			return -EINVAL;
	return nr;
}

static void cp_unpin_ccw(struct vfio_ccw_cp *cp, struct cp_ccw *res)
{
	int i;

	for (i = 0; i < res->nr_runs; i++) {
		cp->mem->unpin(cp->mem_ctx, res->runs[i].iova, res->runs[i].npage);
		cp->pinned -= res->runs[i].npage;
	}
	res->nr_runs = 0;
}

#define CP_HELD_NONE	1	/* no page-aligned address */

static struct vfio_ccw_cp_held *cp_held_slot(struct vfio_ccw_cp *cp, u64 iova)
{
	return &cp->held[(iova >> PAGE_SHIFT) % VFIO_CCW_CP_HELD];
}

/*
 * Whether the program holds every page of a run already, pinned for an
 * earlier CCW (a chain's CCWs mostly share pages): if so, @pages gets
 * them and the run costs no pin.
 */
static bool cp_held_run(struct vfio_ccw_cp *cp, const u64 *iova, int n,
			struct page **pages)
{
	int i;

	for (i = 0; i < n; i++) {
		struct vfio_ccw_cp_held *h = cp_held_slot(cp, iova[i]);

		if (h->iova != iova[i])
			return false;
		pages[i] = h->page;
	}
	return true;
}

/*
 * Pin the pages under @blocks, one call per run of consecutive pages
 * not all held by the program already, and point the host IDAWs at
 * them.  A run's pins belong to this CCW and end with the program, as
 * do those of the CCWs that use them through @cp->held.
 */
static int cp_pin_blocks(struct vfio_ccw_cp *cp, struct cp_ccw *res,
			 const u64 *blocks, int nr)
{
	struct page *pages[VFIO_CCW_CP_MAX_IDAWS];
	int page_of[VFIO_CCW_CP_MAX_IDAWS];	/* block -> index in pages */
	u64 iova[VFIO_CCW_CP_MAX_IDAWS];
	int npages = 0, i, r, first, ret;

	/* Distinct pages in block order; 2K blocks may share one. */
	for (i = 0; i < nr; i++) {
		u64 p = blocks[i] & PAGE_MASK;

		if (!npages || iova[npages - 1] != p)
			iova[npages++] = p;
		page_of[i] = npages - 1;
	}

	for (first = 0; first < npages; first = r) {
		for (r = first + 1; r < npages && iova[r] == iova[r - 1] + PAGE_SIZE; r++)
			;
		if (cp_held_run(cp, &iova[first], r - first, &pages[first]))
			continue;
		ret = cp->mem->pin(cp->mem_ctx, iova[first], r - first, &pages[first]);
		if (ret != r - first) {
			if (ret > 0)
				cp->mem->unpin(cp->mem_ctx, iova[first], ret);
			/* The build fails: nobody looks at @cp->held again. */
			cp_unpin_ccw(cp, res);
			return ret < 0 ? ret : -EFAULT;
		}
		res->runs[res->nr_runs].iova = iova[first];
		res->runs[res->nr_runs].npage = r - first;
		res->nr_runs++;
		cp->pinned += r - first;
		for (i = first; i < r; i++) {
			struct vfio_ccw_cp_held *h = cp_held_slot(cp, iova[i]);

			h->iova = iova[i];
			h->page = pages[i];
		}
	}

	for (i = 0; i < nr; i++)
		res->idal[i] = u64_to_dma64(page_to_phys(pages[page_of[i]]) +
					    offset_in_page(blocks[i]));
	return 0;
}

static int cp_translate_data(struct vfio_ccw_cp *cp, struct ccw1 *ccw,
			     struct cp_ccw *res)
{
	u64 blocks[VFIO_CCW_CP_MAX_IDAWS];
	int nr, ret;

	nr = cp_guest_blocks(cp, ccw, blocks);
	if (nr < 0)
		return nr;

	if (nr <= CP_INLINE_BLOCKS) {
		res->idal = res->idal_inline;
		res->runs = res->runs_inline;
	} else {
		res->idal = kcalloc(nr, sizeof(*res->idal), GFP_KERNEL | GFP_DMA);
		res->runs = kcalloc(nr, sizeof(*res->runs), GFP_KERNEL);
		if (!res->idal || !res->runs)
			return -ENOMEM;
	}

	ret = cp_pin_blocks(cp, res, blocks, nr);
	if (ret)
		return ret;
	ccw->flags |= CCW_FLAG_IDA;
	ccw->cda = virt_to_dma32(res->idal);
	return 0;
}

static int cp_translate_ccw(struct vfio_ccw_cp *cp, struct ccw1 *ccw,
			    struct cp_ccw *res)
{
	if (ccw_is_tic(ccw))
		return cp_translate_tic(cp, ccw);
	if (ccw->flags & CCW_FLAG_MIDA)
		return -EOPNOTSUPP;
	if (ccw_moves_no_data(ccw)) {
		/* Nothing is transferred: no guest page behind it. */
		ccw->flags &= ~CCW_FLAG_IDA;
		ccw->cda = 0;
		return 0;
	}
	return cp_translate_data(cp, ccw, res);
}

/*
 * Whether a CCW is translated the same way under the command @cmd: the
 * same direction, and data moved or not.
 */
static bool ccw_translates_as(const struct ccw1 *ccw, u8 cmd)
{
	struct ccw1 as = *ccw;

	as.cmd_code = cmd;
	return ccw_is_read_backward(&as) == ccw_is_read_backward(ccw) &&
	       ccw_moves_no_data(&as) == ccw_moves_no_data(ccw);
}

/*
 * Under data chaining the channel ignores the command code of every CCW
 * after the first: they go on with the chain's operation.  Translation
 * decides by the command code (which way the data goes, whether any
 * moves at all), so a data-chained CCW gets the chain's command code,
 * which changes nothing for the channel; a guest who wrote a NOP there
 * would otherwise get no data area at all, while the channel still
 * moves the count's bytes.  A TIC inside a data chain continues it at
 * its target, which may also be reached otherwise: a target that would
 * be translated differently under the chain's command is refused.
 */
static int cp_data_chains(struct vfio_ccw_cp *cp)
{
	int s, i, idx;

	for (s = 0; s < cp->nr_segs; s++) {
		struct ccw1 *ccw = cp->segs[s].ccw;

		for (i = 1; i < cp->segs[s].nr; i++) {
			struct vfio_ccw_cp_seg *to;

			if (ccw_is_tic(&ccw[i - 1]) || !(ccw[i - 1].flags & CCW_FLAG_DC))
				continue;
			if (!ccw_is_tic(&ccw[i])) {
				ccw[i].cmd_code = ccw[i - 1].cmd_code;
				continue;
			}
			to = cp_find_seg(cp, dma32_to_u32(ccw[i].cda), &idx);
			if (to && !ccw_is_tic(&to->ccw[idx]) &&
			    !ccw_translates_as(&to->ccw[idx], ccw[i - 1].cmd_code))
				return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* A program that can suspend, refused before anything is pinned. */
static int cp_check_suspend(struct vfio_ccw_cp *cp)
{
	int s, i;

	if (!cp->guest_orb.cmd.spnd || READ_ONCE(vfio_ccw_cp_allow_suspend))
		return 0;
	for (s = 0; s < cp->nr_segs; s++)
		for (i = 0; i < cp->segs[s].nr; i++)
			if (!ccw_is_tic(&cp->segs[s].ccw[i]) &&
			    (cp->segs[s].ccw[i].flags & CCW_FLAG_SUSPEND))
				return -EOPNOTSUPP;
	return 0;
}

static int cp_translate(struct vfio_ccw_cp *cp)
{
	int s, i, ret;

	for (s = 0; s < cp->nr_segs; s++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[s];

		/* 31-bit: the inline IDALs are in it */
		seg->res = kcalloc(seg->nr, sizeof(*seg->res), GFP_KERNEL | GFP_DMA);
		if (!seg->res)
			return -ENOMEM;
		for (i = 0; i < seg->nr; i++) {
			ret = cp_translate_ccw(cp, &seg->ccw[i], &seg->res[i]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* --- the interface --------------------------------------------------------- */

/**
 * vfio_ccw_cp_free() - release everything a channel program holds
 * @cp: the program; may be inactive or partly built
 *
 * Context: process context, may sleep (unpinning takes VFIO's IOMMU
 * locks), so never under the FSM mutex; @cp is no other thread's: taken
 * off the table or never installed.  Idempotent.
 */
void vfio_ccw_cp_free(struct vfio_ccw_cp *cp)
{
	int s, i;

	for (s = 0; s < cp->nr_segs; s++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[s];

		for (i = 0; seg->res && i < seg->nr; i++) {
			cp_unpin_ccw(cp, &seg->res[i]);
			if (seg->res[i].idal != seg->res[i].idal_inline)
				kfree(seg->res[i].idal);
			if (seg->res[i].runs != seg->res[i].runs_inline)
				kfree(seg->res[i].runs);
		}
		kfree(seg->res);
		kfree(seg->ccw);
	}
	WARN_ON_ONCE(cp->pinned);
	cp->nr_segs = 0;
	cp->active = false;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_free);

/**
 * vfio_ccw_cp_build() - fetch and translate a guest channel program
 * @cp: the program to fill; any previous content is ignored (a program
 *	that is still active must be freed first)
 * @orb: the guest's ORB
 * @mem: guest memory access
 * @mem_ctx: argument of @mem's functions
 *
 * Context: process context, may sleep (pinning takes VFIO's IOMMU
 * locks), so never under the FSM mutex; @cp is the caller's alone.
 * Return: 0 with the program active and its pages pinned; or
 * -EOPNOTSUPP for transport mode, MIDAWs, reserved ORB bits, a
 * program that can suspend (see vfio_ccw_cp_allow_suspend) or a data
 * chain whose TIC target would be translated otherwise, -EINVAL
 * for a malformed program (misaligned or out-of-range address, over
 * 256 CCWs in a segment or 16 segments, a TIC to a TIC or first, an
 * IDAW that does not start a block or, for a read backward, end one, a
 * direct read backward whose area would start below 0), the
 * errno of guest memory access (-EFAULT, -EINVAL) or -ENOMEM; nothing
 * stays pinned or allocated then.
 */
int vfio_ccw_cp_build(struct vfio_ccw_cp *cp, const union orb *orb,
		      const struct vfio_ccw_mem_ops *mem, void *mem_ctx)
{
	int i, ret;

	cp->active = false;
	cp->nr_segs = 0;
	cp->pinned = 0;
	for (i = 0; i < VFIO_CCW_CP_HELD; i++)
		cp->held[i].iova = CP_HELD_NONE;
	if (orb->tm.b)
		return -EOPNOTSUPP;
	if (orb->cmd.zero)	/* MIDAW control and reserved bits */
		return -EOPNOTSUPP;
	if (!orb->cmd.pfch)
		pr_warn_ratelimited("guest ORB without prefetch: translated anyway\n");

	cp->mem = mem;
	cp->mem_ctx = mem_ctx;
	cp->guest_orb = *orb;

	ret = cp_fetch(cp);
	if (!ret)
		ret = cp_data_chains(cp);
	if (!ret)
		ret = cp_check_suspend(cp);
	if (!ret)
		ret = cp_translate(cp);
	if (ret) {
		vfio_ccw_cp_free(cp);
		return ret;
	}
	cp->active = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_build);

/**
 * vfio_ccw_cp_orb() - the ORB to start the host program with
 * @cp: an active program
 * @intparm: interruption parameter for the host (the subchannel
 *	backend replaces it with the one the common I/O layer needs)
 *
 * The guest's key, suspend control, LPM and the rest are carried over;
 * the program address, CCW format and IDAW controls are the host's.
 *
 * Context: any.
 * Return: the ORB, valid while @cp stays active.
 */
union orb *vfio_ccw_cp_orb(struct vfio_ccw_cp *cp, u32 intparm)
{
	cp->orb = cp->guest_orb;
	cp->orb.cmd.intparm = intparm;
	cp->orb.cmd.fmt = 1;
	cp->orb.cmd.c64 = 1;
	cp->orb.cmd.i2k = cp_block_size(cp) == SZ_2K;
	cp->orb.cmd.orbx = 0;
	cp->orb.cmd.cpa = virt_to_dma32(cp->segs[0].ccw);
	return &cp->orb;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_orb);

/**
 * vfio_ccw_cp_update_scsw() - translate an SCSW's CPA back to the guest
 * @cp: the program the SCSW may report on; NULL or inactive when none
 * @scsw: SCSW from the IRB; its CPA is rewritten in place
 *
 * The CPA designates the CCW after the last one executed: possibly one
 * past the end of a segment, or, after a program check on the fence,
 * two past it.  Any other CPA - the status of a halt or clear while no
 * program runs, unsolicited status, a transport-mode SCSW - would show
 * the guest a host address (of memory that may be freed by now): it
 * becomes 0.
 *
 * Context: any.
 */
void vfio_ccw_cp_update_scsw(struct vfio_ccw_cp *cp, union scsw *scsw)
{
	u32 cpa = dma32_to_u32(scsw->cmd.cpa);
	int s;

	for (s = 0; cp && cp->active && !scsw_is_tm(scsw) && s < cp->nr_segs; s++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[s];
		u32 base = dma32_to_u32(virt_to_dma32(seg->ccw));

		if (cpa >= base && cpa <= base + (seg->nr + 1) * CCW_SIZE &&
		    !((cpa - base) & (CCW_SIZE - 1))) {
			scsw->cmd.cpa = u32_to_dma32(seg->guest + (cpa - base));
			return;
		}
	}
	/* Word 1 is the CPA, or a transport-mode SCSW's TCW address. */
	scsw->cmd.cpa = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_update_scsw);

/**
 * vfio_ccw_cp_iova_pinned() - does the program hold pages in a range?
 * @cp: the program
 * @iova: start of the range
 * @length: its length in bytes
 *
 * Context: any; the driver holds the FSM mutex.
 * Return: true if a page of [@iova, @iova + @length) is pinned by @cp.
 */
bool vfio_ccw_cp_iova_pinned(struct vfio_ccw_cp *cp, u64 iova, u64 length)
{
	int s, i, r;

	if (!cp->active)
		return false;
	for (s = 0; s < cp->nr_segs; s++) {
		struct vfio_ccw_cp_seg *seg = &cp->segs[s];

		for (i = 0; i < seg->nr; i++) {
			struct cp_ccw *res = &seg->res[i];

			for (r = 0; r < res->nr_runs; r++) {
				u64 start = res->runs[r].iova;
				u64 end = start + (u64)res->runs[r].npage * PAGE_SIZE;

				if (iova < end && start < iova + length)
					return true;
			}
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_iova_pinned);
