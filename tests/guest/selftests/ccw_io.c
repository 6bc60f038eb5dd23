// SPDX-License-Identifier: GPL-2.0
/*
 * Test-side helpers: run channel programs through the vfio-ccw I/O region
 * (see ccw_io.h).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "ccw_io.h"

static_assert(sizeof(struct ccw_io_region) == 124, "ccw_io_region is 124 bytes");
static_assert(sizeof(struct ccw1) == 8, "format-1 CCW is 8 bytes");

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

static void set_io_eventfd(struct ccw_io *io, int32_t fd)
{
	union {
		struct vfio_irq_set set;
		uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u.buf);
	u.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	u.set.index = VFIO_CCW_IO_IRQ_INDEX;
	u.set.start = 0;
	u.set.count = 1;
	memcpy(u.set.data, &fd, sizeof(fd));
	if (ioctl(io->dev->fd, VFIO_DEVICE_SET_IRQS, &u.set))
		die("VFIO_DEVICE_SET_IRQS(io irq, eventfd %d): %s", fd, strerror(errno));
}

void ccw_io_init(struct ccw_io *io, struct vfio_dev *d, uint32_t iova, size_t size)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_CCW_CONFIG_REGION_INDEX,
	};
	struct vfio_irq_info ii = {
		.argsz = sizeof(ii),
		.index = VFIO_CCW_IO_IRQ_INDEX,
	};
	int ret;

	memset(io, 0, sizeof(*io));
	io->dev = d;
	io->efd = -1;

	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		die("VFIO_DEVICE_GET_REGION_INFO(%d): %s", ri.index, strerror(errno));
	if (ri.size != sizeof(struct ccw_io_region))
		die("I/O region size %llu, expected %zu", (unsigned long long)ri.size,
		    sizeof(struct ccw_io_region));
	if ((ri.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)) !=
	    (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE))
		die("I/O region flags 0x%x: not read/write", ri.flags);
	io->region_off = ri.offset;

	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii))
		die("VFIO_DEVICE_GET_IRQ_INFO(%d): %s", ii.index, strerror(errno));
	if (ii.count != 1 || !(ii.flags & VFIO_IRQ_INFO_EVENTFD))
		die("I/O IRQ: count %u flags 0x%x, expected count 1 with EVENTFD",
		    ii.count, ii.flags);
	io->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (io->efd < 0)
		die("eventfd: %s", strerror(errno));
	set_io_eventfd(io, io->efd);

	io->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (io->mem == MAP_FAILED)
		die("mmap %zu: %s", size, strerror(errno));
	memset(io->mem, 0, size);
	ret = vfio_map(d, io->mem, iova, size);
	if (ret)
		die("vfio_map(iova 0x%x, %zu): %s", iova, size, strerror(-ret));
	io->iova = iova;
	io->size = size;
}

void ccw_io_fini(struct ccw_io *io)
{
	int ret;

	set_io_eventfd(io, -1);
	close(io->efd);
	io->efd = -1;
	ret = vfio_unmap(io->dev, io->iova, io->size);
	if (ret)
		die("vfio_unmap(iova 0x%x, %zu): %s", io->iova, io->size, strerror(-ret));
	munmap(io->mem, io->size);
	io->mem = NULL;
}

void ccw_put(struct ccw_io *io, size_t off, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda)
{
	struct ccw1 *ccw = ccw_io_ptr(io, off);

	if (off & 7)
		die("CCW at offset 0x%zx is not doubleword aligned", off);
	ccw->cmd = cmd;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = cda;
}

void ccw_region_start(struct ccw_io_region *r, uint32_t cpa, uint32_t orb_flags)
{
	uint32_t orb[3] = { 0x0badcafe, orb_flags, cpa };
	uint32_t scsw0 = SCSW_FCTL_START << 12;

	memset(r, 0, sizeof(*r));
	memcpy(r->orb_area, orb, sizeof(orb));
	memcpy(r->scsw_area, &scsw0, sizeof(scsw0));
}

ssize_t ccw_region_pwrite(struct ccw_io *io, const void *buf, size_t len, off_t pos)
{
	ssize_t n = pwrite(io->dev->fd, buf, len, io->region_off + pos);

	return n < 0 ? -errno : n;
}

ssize_t ccw_region_pread(struct ccw_io *io, void *buf, size_t len, off_t pos)
{
	ssize_t n = pread(io->dev->fd, buf, len, io->region_off + pos);

	return n < 0 ? -errno : n;
}

int ccw_start(struct ccw_io *io, const struct ccw_io_region *r)
{
	ssize_t n = ccw_region_pwrite(io, r, sizeof(*r), 0);

	if (n < 0)
		return n;
	if (n != sizeof(*r))
		die("short write to the I/O region: %zd of %zu", n, sizeof(*r));
	return 0;
}

uint64_t ccw_wait_irq(struct ccw_io *io, int timeout_ms)
{
	struct pollfd p = { .fd = io->efd, .events = POLLIN };
	uint64_t cnt;
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("poll eventfd: %s", strerror(errno));
	if (!n)
		return 0;
	if (read(io->efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		die("read eventfd: %s", strerror(errno));
	return cnt;
}

void ccw_expect_no_irq(struct ccw_io *io, int ms, const char *what)
{
	uint64_t n = ccw_wait_irq(io, ms);

	if (n)
		die("%s: %llu unexpected interrupt(s)", what, (unsigned long long)n);
}

void ccw_decode_scsw(const uint8_t *area, struct scsw_info *s)
{
	uint32_t w[3];

	memcpy(w, area, sizeof(w));
	s->word0 = w[0];
	s->cc = (w[0] >> 24) & 3;
	s->fctl = (w[0] >> 12) & 7;
	s->actl = (w[0] >> 5) & 0x7f;
	s->stctl = w[0] & 0x1f;
	s->cpa = w[1];
	s->dstat = w[2] >> 24;
	s->cstat = (w[2] >> 16) & 0xff;
	s->count = w[2] & 0xffff;
}

void ccw_fetch_result(struct ccw_io *io, struct scsw_info *s, const char *what)
{
	struct ccw_io_region r;
	ssize_t n;

	n = ccw_region_pread(io, &r, sizeof(r), 0);
	if (n < 0)
		die("%s: read of the I/O region: %s", what, strerror(-n));
	if (n != sizeof(r))
		die("%s: short read of the I/O region: %zd", what, n);
	if (r.ret_code)
		die("%s: ret_code %d after the interrupt", what, (int32_t)r.ret_code);
	ccw_decode_scsw(r.irb_area, s);
}

int ccw_run(struct ccw_io *io, uint32_t cpa, uint32_t orb_flags,
	    struct scsw_info *s, const char *what)
{
	struct ccw_io_region r;
	uint64_t n;
	int ret;

	ccw_region_start(&r, cpa, orb_flags);
	ret = ccw_start(io, &r);
	if (ret)
		return ret;
	n = ccw_wait_irq(io, 5000);
	if (!n)
		die("%s: no interrupt within 5 s", what);
	if (n != 1)
		die("%s: eventfd counted %llu interrupts for one start", what,
		    (unsigned long long)n);
	ccw_fetch_result(io, s, what);
	return 0;
}

void ccw_expect_done(const struct scsw_info *s, uint32_t cpa, uint16_t residual,
		     const char *what)
{
	const uint8_t want_st = SCSW_STCTL_PRIMARY | SCSW_STCTL_PENDING;

	if (s->dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || s->cstat)
		die("%s: status 0x%02x/0x%02x, not 0x0c/0 (scsw %08x cpa %08x count %u)",
		    what, s->dstat, s->cstat, s->word0, s->cpa, s->count);
	if ((s->stctl & want_st) != want_st || (s->stctl & SCSW_STCTL_ALERT))
		die("%s: status control 0x%02x, expected primary + status pending",
		    what, s->stctl);
	if (!(s->fctl & SCSW_FCTL_START))
		die("%s: function control 0x%x lacks start", what, s->fctl);
	if (s->cc)
		die("%s: deferred condition code %u", what, s->cc);
	if (s->cpa != cpa)
		die("%s: SCSW CPA 0x%08x, expected 0x%08x", what, s->cpa, cpa);
	if (s->count != residual)
		die("%s: residual count %u, expected %u", what, s->count, residual);
}

void ccw_fill(struct ccw_io *io, size_t off, size_t len)
{
	memset(ccw_io_ptr(io, off), CCW_PATTERN, len);
}

void ccw_expect_untouched(struct ccw_io *io, size_t off, size_t len, const char *what)
{
	const uint8_t *p = ccw_io_ptr(io, off);
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != CCW_PATTERN)
			die("%s: byte at iova 0x%x changed to 0x%02x", what,
			    ccw_io_addr(io, off + i), p[i]);
}

void ccw_sense_id_min(struct ccw_io *io, size_t ccw_off, size_t buf_off, size_t min,
		      uint8_t *id, const char *what)
{
	const size_t guard = 16;
	struct scsw_info s;
	size_t i, left, stored;
	uint8_t *buf;
	int ret;

	if (buf_off < guard || buf_off + SENSE_ID_LEN + guard > io->size)
		die("%s: SENSE ID buffer at 0x%zx leaves no room for guards", what, buf_off);
	ccw_fill(io, buf_off - guard, SENSE_ID_LEN + 2 * guard);
	ccw_put(io, ccw_off, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSE_ID_LEN,
		ccw_io_addr(io, buf_off));
	ret = ccw_run(io, ccw_io_addr(io, ccw_off), ORB_DEFAULT, &s, what);
	if (ret)
		die("%s: write of the I/O region: %s (%s)", what, strerror(-ret),
		    errno_name(-ret));
	if (min == SENSE_ID_LEN) {
		ccw_expect_done(&s, ccw_io_addr(io, ccw_off) + 8, 0, what);
	} else {
		if (s.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || s.cstat)
			die("%s: status 0x%02x/0x%02x, not 0x0c/0", what, s.dstat, s.cstat);
		if (s.count > SENSE_ID_LEN - min)
			die("%s: %u sense id bytes, fewer than %zu", what,
			    SENSE_ID_LEN - s.count, min);
	}
	stored = SENSE_ID_LEN - s.count;
	buf = ccw_io_ptr(io, buf_off);
	if (buf[0] != 0xff)
		die("%s: sense id byte 0 is 0x%02x, expected 0xff", what, buf[0]);
	if (min == SENSE_ID_LEN) {
		/* Residual 0 claims all 256 bytes were stored: not much pattern left. */
		for (i = 0, left = 0; i < SENSE_ID_LEN; i++)
			left += buf[i] == CCW_PATTERN;
		if (left > 32)
			die("%s: %zu of 256 sense id bytes not stored", what, left);
	}
	ccw_expect_untouched(io, buf_off - guard, guard, what);
	ccw_expect_untouched(io, buf_off + stored, SENSE_ID_LEN - stored + guard, what);
	if (id)
		memcpy(id, buf, 7);
}

void ccw_sense_id(struct ccw_io *io, size_t ccw_off, size_t buf_off, uint8_t *id,
		  const char *what)
{
	ccw_sense_id_min(io, ccw_off, buf_off, SENSE_ID_LEN, id, what);
}

void ccw_expect_sense_id(struct ccw_io *io, size_t ccw_off, size_t buf_off,
			 const char *cutype, const char *devtype, const char *what)
{
	char got_cu[16], got_dt[16];
	uint8_t id[7];

	ccw_sense_id_min(io, ccw_off, buf_off, 7, id, what);
	snprintf(got_cu, sizeof(got_cu), "%02x%02x/%02x", id[1], id[2], id[3]);
	snprintf(got_dt, sizeof(got_dt), "%02x%02x/%02x", id[4], id[5], id[6]);
	if ((cutype && strcmp(cutype, got_cu)) || (devtype && strcmp(devtype, got_dt)))
		die("%s: SENSE ID %s %s, sysfs says %s %s", what, got_cu, got_dt,
		    cutype ? cutype : "?", devtype ? devtype : "?");
	printf("%s: SENSE ID %s %s\n", what, got_cu, got_dt);
}

void ccw_expect_unsolicited(struct ccw_io *io, uint8_t dstat, int ms, const char *what)
{
	struct scsw_info s;
	uint64_t n = ccw_wait_irq(io, ms);

	if (!n)
		die("%s: no interrupt within %d ms", what, ms);
	if (n != 1)
		die("%s: eventfd counted %llu interrupts", what, (unsigned long long)n);
	ccw_fetch_result(io, &s, what);
	if (s.fctl)
		die("%s: function control 0x%x: not unsolicited (scsw %08x)", what, s.fctl,
		    s.word0);
	if (!(s.stctl & SCSW_STCTL_PENDING) || !(s.stctl & SCSW_STCTL_ALERT))
		die("%s: status control 0x%02x, expected alert + status pending", what,
		    s.stctl);
	if (s.dstat != dstat || s.cstat)
		die("%s: status 0x%02x/0x%02x, expected 0x%02x/0", what, s.dstat, s.cstat,
		    dstat);
	printf("%s: unsolicited status 0x%02x (scsw %08x)\n", what, s.dstat, s.word0);
}

int ccw_concurrent_sense(struct ccw_io *io, uint8_t sense[32])
{
	struct ccw_io_region r;

	if (ccw_region_pread(io, &r, sizeof(r), 0) != sizeof(r))
		die("re-read of the I/O region failed");
	/* ESW word 1, the extended report word: bit 7, concurrent sense. */
	if (!(r.irb_area[16] & 0x01))
		return 0;
	memcpy(sense, r.irb_area + 32, 32);
	return 1;
}

void ccw_put_idaw64(struct ccw_io *io, size_t off, uint64_t v)
{
	memcpy(ccw_io_ptr(io, off), &v, sizeof(v));
}

void ccw_put_idaw32(struct ccw_io *io, size_t off, uint32_t v)
{
	memcpy(ccw_io_ptr(io, off), &v, sizeof(v));
}

uint8_t ccw_ebcdic(char c)
{
	if (c >= 'A' && c <= 'I')
		return 0xc1 + (c - 'A');
	if (c >= 'J' && c <= 'R')
		return 0xd1 + (c - 'J');
	if (c >= 'S' && c <= 'Z')
		return 0xe2 + (c - 'S');
	if (c >= '0' && c <= '9')
		return 0xf0 + (c - '0');
	switch (c) {
	case ' ':
		return 0x40;
	case '.':
		return 0x4b;
	case '-':
		return 0x60;
	case ':':
		return 0x7a;
	}
	die("no EBCDIC for '%c'", c);
}

void ccw_put_ebcdic(struct ccw_io *io, size_t off, const char *text, size_t len)
{
	size_t i, n = strlen(text);

	if (n > len)
		die("'%s' is longer than %zu", text, len);
	for (i = 0; i < len; i++)
		io->mem[off + i] = i < n ? ccw_ebcdic(text[i]) : 0x40;
}

int ccw_find_region(struct vfio_dev *d, uint32_t subtype, struct vfio_region_info *out)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	unsigned int i;

	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &di))
		die("GET_INFO: %s", strerror(errno));
	for (i = 0; i < di.num_regions; i++) {
		char buf[256] = {};
		struct vfio_region_info *ri = (void *)buf;
		struct vfio_info_cap_header *h;

		ri->argsz = sizeof(buf);
		ri->index = i;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, ri))
			die("GET_REGION_INFO(%u): %s", i, strerror(errno));
		if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS) || !ri->cap_offset)
			continue;
		for (h = (void *)(buf + ri->cap_offset);;
		     h = (void *)(buf + h->next)) {
			struct vfio_region_info_cap_type *t = (void *)h;

			if (h->id == VFIO_REGION_INFO_CAP_TYPE &&
			    t->type == VFIO_REGION_TYPE_CCW && t->subtype == subtype) {
				*out = *ri;
				return 0;
			}
			if (!h->next)
				break;
		}
	}
	return -ENOENT;
}

int ccw_async_cmd(struct vfio_dev *d, uint32_t cmd)
{
	struct ccw_cmd_region r = { .command = cmd };
	struct vfio_region_info ri;
	ssize_t n;

	if (ccw_find_region(d, VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD, &ri))
		die("no async command region");
	do {
		n = pwrite(d->fd, &r, sizeof(r), ri.offset);
	} while (n < 0 && errno == EAGAIN);
	return n < 0 ? -errno : 0;
}
