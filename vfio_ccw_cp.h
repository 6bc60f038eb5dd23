/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: channel program translation.
 *
 * A guest channel program (format-0 or format-1 CCWs at guest IOVAs,
 * with TICs, data chaining and guest IDALs) becomes a host program:
 * format-1 CCWs in 31-bit host memory whose data CCWs all address
 * pinned host pages through format-2 IDALs built here.
 */
#ifndef _VFIO_CCW_CP_H_
#define _VFIO_CCW_CP_H_

#include <linux/list.h>
#include <linux/types.h>
#include <asm/cio.h>
#include <asm/scsw.h>

#include "orb.h"

/* Hard limits on what a guest may ask us to translate. */
#define VFIO_CCW_CP_MAX_CCWS	256	/* CCWs in one segment */
#define VFIO_CCW_CP_MAX_SEGS	16	/* segments (start + TIC targets) */
/* Pages one CCW may transfer: 64K of data in 2K blocks, plus one. */
#define VFIO_CCW_CP_MAX_IDAWS	((SZ_64K >> 11) + 1)

/* Guest pages a program remembers having pinned (direct-mapped). */
#define VFIO_CCW_CP_HELD	16

struct page;
struct cp_ccw;

/**
 * struct vfio_ccw_cp_held - a guest page the program holds a pin on
 * @iova: page-aligned guest address, or 1 for an empty slot
 * @page: the pinned page
 */
struct vfio_ccw_cp_held {
	u64 iova;
	struct page *page;
};

/**
 * struct vfio_ccw_mem_ops - guest memory as the translator sees it
 * @read: copy @len bytes at guest @iova into @buf; 0 or -errno.
 * @pin: pin @npage guest pages from page-aligned @iova for read and
 *	write, storing them in @pages; returns @npage or -errno.
 * @unpin: release what @pin pinned.
 *
 * The driver backs these with vfio_dma_rw()/vfio_pin_pages(); KUnit
 * backs them with fake guest memory.
 */
struct vfio_ccw_mem_ops {
	int (*read)(void *ctx, u64 iova, void *buf, size_t len);
	int (*pin)(void *ctx, u64 iova, int npage, struct page **pages);
	void (*unpin)(void *ctx, u64 iova, int npage);
};

/**
 * struct vfio_ccw_cp_seg - one guest segment and its host copy
 * @guest: guest address of the first CCW
 * @nr: CCWs in the segment
 * @ccw: host CCWs, format 1, in 31-bit memory
 * @res: per-CCW host resources (struct cp_ccw, private to vfio_ccw_cp.c)
 */
struct vfio_ccw_cp_seg {
	u32 guest;
	int nr;
	struct ccw1 *ccw;
	struct cp_ccw *res;
};

/**
 * struct vfio_ccw_cp - one translated channel program
 * @mem: guest memory access
 * @mem_ctx: argument of @mem's functions
 * @guest_orb: the ORB as the guest wrote it
 * @orb: the ORB issued to the subchannel
 * @segs: guest CCW segments and their host copies (embedded: a start
 *	allocates only what its program needs)
 * @nr_segs: entries used in @segs
 * @pinned: pages currently pinned for this program
 * @held: pages pinned by an earlier CCW of this program, by guest page
 *	number modulo VFIO_CCW_CP_HELD: a CCW whose pages are all there
 *	uses them without pinning (the pins last as long as the program)
 * @active: the program holds resources (between a successful
 *	vfio_ccw_cp_build() and vfio_ccw_cp_free())
 * @retired: entry in the parent's list of programs to free once the FSM
 *	mutex is released (unpinning takes VFIO's locks)
 */
struct vfio_ccw_cp {
	const struct vfio_ccw_mem_ops *mem;
	void *mem_ctx;
	union orb guest_orb;
	union orb orb;
	struct vfio_ccw_cp_seg segs[VFIO_CCW_CP_MAX_SEGS];
	int nr_segs;
	unsigned long pinned;
	struct vfio_ccw_cp_held held[VFIO_CCW_CP_HELD];
	bool active;
	struct list_head retired;
};

extern bool vfio_ccw_cp_allow_suspend;

int vfio_ccw_cp_build(struct vfio_ccw_cp *cp, const union orb *orb,
		      const struct vfio_ccw_mem_ops *mem, void *mem_ctx);
union orb *vfio_ccw_cp_orb(struct vfio_ccw_cp *cp, u32 intparm);
void vfio_ccw_cp_update_scsw(struct vfio_ccw_cp *cp, union scsw *scsw);
bool vfio_ccw_cp_iova_pinned(struct vfio_ccw_cp *cp, u64 iova, u64 length);
void vfio_ccw_cp_free(struct vfio_ccw_cp *cp);

#endif /* _VFIO_CCW_CP_H_ */
