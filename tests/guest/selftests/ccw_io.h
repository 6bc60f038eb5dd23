/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side helpers for driving channel programs through the vfio-ccw
 * I/O region: find the region and the I/O IRQ, map a block of "guest"
 * memory at a fixed IOVA, build format-1 CCWs and command-mode ORBs,
 * start, wait for the eventfd, and decode the SCSW of the IRB.
 *
 * The programs run in an s390x guest: the CCW, ORB and IRB layouts below
 * are the architected big-endian ones, used in native byte order.
 */
#ifndef CCW_IO_H
#define CCW_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vfio_ccw.h>

#include "vfio_util.h"

#if __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
#error "the CCW/ORB/IRB layouts here assume a big-endian (s390x) target"
#endif

#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((aligned(x)))
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Channel command words: format 1, doubleword aligned. */
struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
} __packed __aligned(8);

#define CCW_FLAG_CD		0x80	/* chain data */
#define CCW_FLAG_CC		0x40	/* chain command */
#define CCW_FLAG_SLI		0x20	/* suppress incorrect length */
#define CCW_FLAG_SKIP		0x10
#define CCW_FLAG_PCI		0x08
#define CCW_FLAG_IDA		0x04	/* cda points to an IDAL */
#define CCW_FLAG_SUSPEND	0x02
#define CCW_FLAG_MIDA		0x01

#define CCW_CMD_WRITE_FEAT	0x11	/* virtio-ccw */
#define CCW_CMD_READ_FEAT	0x12	/* virtio-ccw */
#define CCW_CMD_NOOP		0x03
#define CCW_CMD_BASIC_SENSE	0x04
#define CCW_CMD_TIC		0x08
#define CCW_CMD_READ_BACKWARD	0x0c
#define CCW_CMD_WRITE_CONF	0x21	/* virtio-ccw */
#define CCW_CMD_READ_CONF	0x22	/* virtio-ccw */
#define CCW_CMD_SENSE_ID	0xe4

#define SENSE_ID_LEN		256
#define BASIC_SENSE_LEN		32
#define VIRTIO_CCW_CU_TYPE	0x3832

/* Command-mode ORB, word 1 (bit 0 is the most significant). */
#define ORB_KEY(k)		((uint32_t)(k) << 28)
#define ORB_SPND		(1u << 27)	/* S: suspend control */
#define ORB_FMT1		(1u << 23)	/* F: format-1 CCWs */
#define ORB_PFCH		(1u << 22)	/* P: prefetch allowed */
#define ORB_ISIC		(1u << 21)
#define ORB_TM			(1u << 18)	/* B: transport mode */
#define ORB_C64			(1u << 17)	/* H: format-2 (64-bit) IDAWs */
#define ORB_I2K			(1u << 16)	/* T: 2K IDAW blocks */
#define ORB_LPM(m)		((uint32_t)(m) << 8)
#define ORB_ILS			(1u << 7)
#define ORB_MIDAW		(1u << 6)	/* D: modified IDAWs */

/* What every test ORB carries unless it says otherwise. */
#define ORB_DEFAULT		(ORB_KEY(0) | ORB_FMT1 | ORB_PFCH | ORB_LPM(0xff))

/* SCSW word 0: function and status control. */
#define SCSW_FCTL_START		0x4
#define SCSW_FCTL_HALT		0x2
#define SCSW_FCTL_CLEAR		0x1
#define SCSW_STCTL_ALERT	0x10
#define SCSW_STCTL_INTER	0x08
#define SCSW_STCTL_PRIMARY	0x04
#define SCSW_STCTL_SECONDARY	0x02
#define SCSW_STCTL_PENDING	0x01

/* Device and subchannel status in SCSW word 2. */
#define DEV_STAT_ATTENTION	0x80
#define DEV_STAT_BUSY		0x10
#define DEV_STAT_CHN_END	0x08
#define DEV_STAT_DEV_END	0x04
#define DEV_STAT_UNIT_CHECK	0x02
#define DEV_STAT_UNIT_EXCEP	0x01

/* Decoded command-mode SCSW. */
struct scsw_info {
	uint32_t word0;
	uint32_t cpa;
	uint8_t cc;
	uint8_t fctl;
	uint8_t actl;
	uint8_t stctl;
	uint8_t dstat;
	uint8_t cstat;
	uint16_t count;		/* residual count of the last CCW */
};

struct ccw_io {
	struct vfio_dev *dev;
	uint64_t region_off;	/* file offset of the I/O region */
	int efd;		/* eventfd of the I/O IRQ */
	uint8_t *mem;		/* "guest memory", mapped at iova */
	uint32_t iova;
	size_t size;
};

/*
 * Check the I/O region (index 0, 124 bytes, read/write) and the I/O IRQ,
 * install an eventfd on it, mmap size bytes and map them at iova.  Dies
 * on any failure.
 */
void ccw_io_init(struct ccw_io *io, struct vfio_dev *d, uint32_t iova, size_t size);
/* Undo ccw_io_init (eventfd off, unmap, munmap); dies on failure. */
void ccw_io_fini(struct ccw_io *io);

static inline uint32_t ccw_io_addr(const struct ccw_io *io, size_t off)
{
	return io->iova + (uint32_t)off;
}

static inline void *ccw_io_ptr(const struct ccw_io *io, size_t off)
{
	return io->mem + off;
}

/* Store a format-1 CCW at offset off of the guest memory. */
void ccw_put(struct ccw_io *io, size_t off, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda);

/* Fill an I/O region image: ORB (word 1 = orb_flags, CPA) + start fctl. */
void ccw_region_start(struct ccw_io_region *r, uint32_t cpa, uint32_t orb_flags);

/* pwrite at region offset + pos; returns bytes written or -errno. */
ssize_t ccw_region_pwrite(struct ccw_io *io, const void *buf, size_t len, off_t pos);
/* pread at region offset + pos; returns bytes read or -errno. */
ssize_t ccw_region_pread(struct ccw_io *io, void *buf, size_t len, off_t pos);

/* Write a whole region image: 0 on success, -errno if the write failed. */
int ccw_start(struct ccw_io *io, const struct ccw_io_region *r);
/* Wait up to timeout_ms for the eventfd: its count, or 0 on timeout. */
uint64_t ccw_wait_irq(struct ccw_io *io, int timeout_ms);
/* Die if an interrupt arrives within ms. */
void ccw_expect_no_irq(struct ccw_io *io, int ms, const char *what);
/* Read the region and decode the IRB's SCSW; dies unless ret_code == 0. */
void ccw_fetch_result(struct ccw_io *io, struct scsw_info *s, const char *what);
void ccw_decode_scsw(const uint8_t *area, struct scsw_info *s);

/*
 * Start the channel program at cpa with orb_flags, wait for exactly one
 * interrupt and fetch the SCSW.  Returns 0, or the -errno of the write
 * (nothing else is done then).  Dies on a timeout.
 */
int ccw_run(struct ccw_io *io, uint32_t cpa, uint32_t orb_flags,
	    struct scsw_info *s, const char *what);

/*
 * Die unless the SCSW shows a clean end of a start function: channel end
 * + device end only, no subchannel status, status pending with primary
 * status, CPA and residual count as given.
 */
void ccw_expect_done(const struct scsw_info *s, uint32_t cpa, uint16_t residual,
		     const char *what);

/*
 * A complete SENSE ID (0xE4, SLI, 256 bytes): the CCW at ccw_off, the data
 * at buf_off (guards around it are checked).  Dies on any mismatch;
 * copies the first 7 bytes of the answer to id if not NULL.
 */
void ccw_sense_id(struct ccw_io *io, size_t ccw_off, size_t buf_off, uint8_t *id,
		  const char *what);
/*
 * The same for a device that sends fewer bytes (a tape, a card reader):
 * at least @min, residual as the device says, the bytes past them
 * untouched.  ccw_sense_id() is @min 256.
 */
void ccw_sense_id_min(struct ccw_io *io, size_t ccw_off, size_t buf_off, size_t min,
		      uint8_t *id, const char *what);

/*
 * ccw_sense_id_min() of at least 7 bytes, and the control unit and device
 * types in sysfs's form ("3274/1d", "3278/02") unless NULL: dies when
 * they differ; prints them.
 */
void ccw_expect_sense_id(struct ccw_io *io, size_t ccw_off, size_t buf_off,
			 const char *cutype, const char *devtype, const char *what);

/*
 * Unsolicited status: one interrupt within @ms while no start is
 * outstanding, with exactly device status @dstat, status pending with
 * alert status and no function; dies otherwise.
 */
void ccw_expect_unsolicited(struct ccw_io *io, uint8_t dstat, int ms, const char *what);

/*
 * After an interrupt with unit check: 1 and the 32 bytes of the IRB's
 * extended control word in @sense if its extended report word says
 * concurrent sense (Hercules' devices give it), else 0 (the client must
 * issue SENSE).  Re-reads the I/O region; dies if that fails.
 */
int ccw_concurrent_sense(struct ccw_io *io, uint8_t sense[32]);

/* Store a format-2 (64-bit) or format-1 (31-bit) IDAW at offset off. */
void ccw_put_idaw64(struct ccw_io *io, size_t off, uint64_t v);
void ccw_put_idaw32(struct ccw_io *io, size_t off, uint32_t v);

/* Fill [off, off + len) with the pattern byte; check it is still there. */
#define CCW_PATTERN 0x5a
void ccw_fill(struct ccw_io *io, size_t off, size_t len);
void ccw_expect_untouched(struct ccw_io *io, size_t off, size_t len, const char *what);

/*
 * EBCDIC (code page 037) of the characters the device clients write:
 * A-Z, 0-9, blank, '-', ':' and '.'; dies on any other.
 */
uint8_t ccw_ebcdic(char c);
/* @text in EBCDIC at offset off, padded with blanks to @len bytes. */
void ccw_put_ebcdic(struct ccw_io *io, size_t off, const char *text, size_t len);

struct vfio_region_info;
/* Find a region by VFIO_REGION_TYPE_CCW subtype: 0 and its info, or -ENOENT. */
int ccw_find_region(struct vfio_dev *d, uint32_t subtype, struct vfio_region_info *out);
/* HSCH/CSCH through the async command region, retried on EAGAIN: 0 or -errno. */
int ccw_async_cmd(struct vfio_dev *d, uint32_t cmd);

/* "EINVAL" for EINVAL, etc. */
const char *errno_name(int err);

#endif
