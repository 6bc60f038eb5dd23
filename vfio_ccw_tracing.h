/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: tracepoints, in tracefs under events/vfio_ccw/.
 *
 * What an admin or a developer follows an I/O by: every transition of
 * the state machine, every start with what it translated, every
 * interruption as it arrives and as the user gets it, channel-path
 * events and DMA unmaps.  Documentation/tracing.rst describes them.
 *
 * The file is not named vfio_ccw_trace.h: the out-of-tree build puts
 * drivers/s390/cio/ on the include path, where upstream's header of
 * that name lives.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio_ccw

#if !defined(_VFIO_CCW_TRACING_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VFIO_CCW_TRACING_H_

#include <linux/tracepoint.h>
#include <asm/schid.h>
#include <asm/scsw.h>

#include "chp.h"

/* Tell user-space tools the values the output is printed with. */
#undef EM
#undef EMe
#define EM(a, b) TRACE_DEFINE_ENUM(a);
#define EMe(a, b) TRACE_DEFINE_ENUM(a);
VFIO_CCW_STATES
VFIO_CCW_EVENTS

/* ... and print them by name. */
#undef EM
#undef EMe
#define EM(a, b) { a, b },
#define EMe(a, b) { a, b }

/*
 * Every event starts with the subchannel id (fields cssid, ssid, sch_no,
 * for filters), printed the way the css names the subchannel; each
 * event's prototype calls it schid.
 */
#define VFIO_CCW_TP_SCHID	__field(u8, cssid)		\
				__field(u8, ssid)		\
				__field(u16, sch_no)
#define VFIO_CCW_TP_SCHID_ASSIGN				\
	do {							\
		__entry->cssid = schid.cssid;			\
		__entry->ssid = schid.ssid;			\
		__entry->sch_no = schid.sch_no;			\
	} while (0)
#define VFIO_CCW_TP_SCHID_FMT	"sch %x.%x.%04x: "
#define VFIO_CCW_TP_SCHID_ARGS	__entry->cssid, __entry->ssid, __entry->sch_no

TRACE_EVENT(vfio_ccw_fsm,
	    TP_PROTO(struct subchannel_id schid, int old, int event, int new, int ret),
	    TP_ARGS(schid, old, event, new, ret),
	    TP_STRUCT__entry(VFIO_CCW_TP_SCHID
			     __field(int, old)
			     __field(int, event)
			     __field(int, new)
			     __field(int, ret)),
	    TP_fast_assign(VFIO_CCW_TP_SCHID_ASSIGN;
			   __entry->old = old;
			   __entry->event = event;
			   __entry->new = new;
			   __entry->ret = ret;),
	    TP_printk(VFIO_CCW_TP_SCHID_FMT "%s + %s -> %s (%d)",
		      VFIO_CCW_TP_SCHID_ARGS,
		      __print_symbolic(__entry->old, VFIO_CCW_STATES),
		      __print_symbolic(__entry->event, VFIO_CCW_EVENTS),
		      __print_symbolic(__entry->new, VFIO_CCW_STATES),
		      __entry->ret)
);

TRACE_EVENT(vfio_ccw_start,
	    TP_PROTO(struct subchannel_id schid, u32 cpa, int segs, int ccws,
		     unsigned long pinned, int ret),
	    TP_ARGS(schid, cpa, segs, ccws, pinned, ret),
	    TP_STRUCT__entry(VFIO_CCW_TP_SCHID
			     __field(u32, cpa)
			     __field(int, segs)
			     __field(int, ccws)
			     __field(unsigned long, pinned)
			     __field(int, ret)),
	    TP_fast_assign(VFIO_CCW_TP_SCHID_ASSIGN;
			   __entry->cpa = cpa;
			   __entry->segs = segs;
			   __entry->ccws = ccws;
			   __entry->pinned = pinned;
			   __entry->ret = ret;),
	    TP_printk(VFIO_CCW_TP_SCHID_FMT
		      "guest cpa 0x%08x, %d segment(s), %d ccw(s), %lu page(s) pinned: %d",
		      VFIO_CCW_TP_SCHID_ARGS, __entry->cpa,
		      __entry->segs, __entry->ccws, __entry->pinned, __entry->ret)
);

/*
 * A SCSW as the subchannel stored it (vfio_ccw_irq, in IRQ context,
 * @queued: the IRB queue took it) and as the user gets it (vfio_ccw_irb,
 * its CPA in guest terms; @queued is true).
 */
DECLARE_EVENT_CLASS(vfio_ccw_scsw,
		    TP_PROTO(struct subchannel_id schid, const union scsw *scsw,
			     bool queued),
		    TP_ARGS(schid, scsw, queued),
		    TP_STRUCT__entry(VFIO_CCW_TP_SCHID
				     __field(u32, word0)
				     __field(u32, cpa)
				     __field(u32, word2)
				     __field(bool, queued)),
		    TP_fast_assign(VFIO_CCW_TP_SCHID_ASSIGN;
				   __entry->word0 = ((const u32 *)scsw)[0];
				   __entry->cpa = ((const u32 *)scsw)[1];
				   __entry->word2 = ((const u32 *)scsw)[2];
				   __entry->queued = queued;),
		    TP_printk(VFIO_CCW_TP_SCHID_FMT "scsw %08x %08x%s",
			      VFIO_CCW_TP_SCHID_ARGS, __entry->word0, __entry->word2,
			      __entry->queued ? "" : " (dropped: IRB queue full)")
);

DEFINE_EVENT(vfio_ccw_scsw, vfio_ccw_irq,
	     TP_PROTO(struct subchannel_id schid, const union scsw *scsw, bool queued),
	     TP_ARGS(schid, scsw, queued)
);

DEFINE_EVENT_PRINT(vfio_ccw_scsw, vfio_ccw_irb,
		   TP_PROTO(struct subchannel_id schid, const union scsw *scsw, bool queued),
		   TP_ARGS(schid, scsw, queued),
		   TP_printk(VFIO_CCW_TP_SCHID_FMT "to the user: scsw %08x cpa 0x%08x %08x",
			     VFIO_CCW_TP_SCHID_ARGS, __entry->word0, __entry->cpa,
			     __entry->word2)
);

TRACE_EVENT(vfio_ccw_path,
	    TP_PROTO(struct subchannel_id schid, u8 chpid, int event, int mask),
	    TP_ARGS(schid, chpid, event, mask),
	    TP_STRUCT__entry(VFIO_CCW_TP_SCHID
			     __field(u8, chpid)
			     __field(int, event)
			     __field(int, mask)),
	    TP_fast_assign(VFIO_CCW_TP_SCHID_ASSIGN;
			   __entry->chpid = chpid;
			   __entry->event = event;
			   __entry->mask = mask;),
	    TP_printk(VFIO_CCW_TP_SCHID_FMT "chpid %02x %s, path mask %02x",
		      VFIO_CCW_TP_SCHID_ARGS, __entry->chpid,
		      __print_symbolic(__entry->event,
				       { CHP_ONLINE, "online" },
				       { CHP_OFFLINE, "offline" },
				       { CHP_VARY_ON, "vary on" },
				       { CHP_VARY_OFF, "vary off" }),
		      __entry->mask)
);

TRACE_EVENT(vfio_ccw_unmap,
	    TP_PROTO(struct subchannel_id schid, u64 iova, u64 length, bool reset),
	    TP_ARGS(schid, iova, length, reset),
	    TP_STRUCT__entry(VFIO_CCW_TP_SCHID
			     __field(u64, iova)
			     __field(u64, length)
			     __field(bool, reset)),
	    TP_fast_assign(VFIO_CCW_TP_SCHID_ASSIGN;
			   __entry->iova = iova;
			   __entry->length = length;
			   __entry->reset = reset;),
	    TP_printk(VFIO_CCW_TP_SCHID_FMT "dma unmap 0x%llx+0x%llx%s",
		      VFIO_CCW_TP_SCHID_ARGS, __entry->iova, __entry->length,
		      __entry->reset ? ": the running program held pages of it, reset" : "")
);

#undef EM
#undef EMe

#endif /* _VFIO_CCW_TRACING_H_ */

/* This part must be outside the header guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfio_ccw_tracing

#include <trace/define_trace.h>
