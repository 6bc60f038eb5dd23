// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the mdev driver and the VFIO device it creates.
 *
 * One mdev type, vfio_ccw-io, with one instance per subchannel.  The
 * mdev's VFIO device is what user space opens; opening and closing it
 * are INIT and CLOSE events of the subchannel's state machine.
 */

#define KMSG_COMPONENT "vfio_ccw"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/eventfd.h>
#include <linux/mdev.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_tracing.h"

static struct vfio_ccw_private *to_private(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ccw_private, vdev);
}

/* --- guest memory through VFIO ------------------------------------------- */

static int vfio_ccw_mem_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_dma_rw(&private->vdev, iova, buf, len, false);
}

/* What the pin cache pins through: VFIO, counted in vfio_ccw_totals. */
static int vfio_ccw_vfio_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;
	int ret;

	ret = vfio_pin_pages(&private->vdev, iova, npage,
			     IOMMU_READ | IOMMU_WRITE, pages);
	if (ret > 0)
		atomic_long_add(ret, &vfio_ccw_totals.vfio_pinned_pages);
	return ret;
}

static void vfio_ccw_vfio_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_unpin_pages(&private->vdev, iova, npage);
	atomic_long_sub(npage, &vfio_ccw_totals.vfio_pinned_pages);
}

static const struct vfio_ccw_pin_backend vfio_ccw_vfio_pin_backend = {
	.pin = vfio_ccw_vfio_pin,
	.unpin = vfio_ccw_vfio_unpin,
};

static bool pin_cache_enabled;
module_param_named(pin_cache, pin_cache_enabled, bool, 0644);
MODULE_PARM_DESC(pin_cache,
		 "keep guest pages pinned between the channel programs of devices bound through iommufd; unsafe with guest RAM discard (balloon, free page reporting): see Documentation/admin-guide.rst (default: off; read at bind)");

static void vfio_ccw_pinned_add(struct vfio_ccw_private *private, long npage)
{
	atomic_long_add(npage, &private->parent->pinned_pages);
	atomic_long_add(npage, &vfio_ccw_totals.pinned_pages);
}

/* Programs of a device without the pin cache pin through VFIO directly. */
static int vfio_ccw_mem_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;
	int ret;

	ret = vfio_pin_pages(&private->vdev, iova, npage, IOMMU_READ | IOMMU_WRITE, pages);
	if (ret > 0)
		vfio_ccw_pinned_add(private, ret);
	return ret;
}

static void vfio_ccw_mem_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_unpin_pages(&private->vdev, iova, npage);
	vfio_ccw_pinned_add(private, -npage);
}

/* ... and with it (bound through iommufd, pin_cache=1), through the cache. */
static int vfio_ccw_mem_pin_cached(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;
	int ret;

	ret = vfio_ccw_pin_get(&private->pins, iova, npage, pages);
	if (ret > 0)
		vfio_ccw_pinned_add(private, ret);
	return ret;
}

static void vfio_ccw_mem_unpin_cached(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_ccw_pin_put(&private->pins, iova, npage);
	vfio_ccw_pinned_add(private, -npage);
}

/*
 * A program keeps the ops it was built with (vfio_ccw_cp.mem): it is
 * unpinned the way it was pinned, whatever the device does meanwhile.
 */
static const struct vfio_ccw_mem_ops vfio_ccw_vfio_mem_ops = {
	.read = vfio_ccw_mem_read,
	.pin = vfio_ccw_mem_pin,
	.unpin = vfio_ccw_mem_unpin,
};

static const struct vfio_ccw_mem_ops vfio_ccw_cached_mem_ops = {
	.read = vfio_ccw_mem_read,
	.pin = vfio_ccw_mem_pin_cached,
	.unpin = vfio_ccw_mem_unpin_cached,
};

/* --- open, close, reset --------------------------------------------------- */

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	memset(&private->io_region, 0, sizeof(private->io_region));
	memset(&private->cmd_region, 0, sizeof(private->cmd_region));
	memset(&private->crws, 0, sizeof(private->crws));
	return vfio_ccw_fsm_event(private->parent, VFIO_CCW_EVENT_INIT, private);
}

static int vfio_ccw_release_trigger_locked(struct vfio_ccw_private *private,
					   unsigned int index)
{
	struct eventfd_ctx **trigger;

	lockdep_assert_held(&private->parent->fsm_lock);
	trigger = &private->trigger[array_index_nospec(index, VFIO_CCW_NUM_IRQS)];
	if (*trigger)
		eventfd_ctx_put(*trigger);
	*trigger = NULL;
	return 0;
}

static void vfio_ccw_release_eventfds(struct vfio_ccw_private *private)
{
	struct vfio_ccw_parent *parent = private->parent;
	int i;

	mutex_lock(&parent->fsm_lock);
	for (i = 0; i < VFIO_CCW_NUM_IRQS; i++)
		vfio_ccw_release_trigger_locked(private, i);
	mutex_unlock(&parent->fsm_lock);
}

static void vfio_ccw_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	vfio_ccw_fsm_close(private->parent);
	/* No program is left: the next user starts with nothing pinned. */
	vfio_ccw_pin_flush(&private->pins);
	vfio_ccw_release_eventfds(private);
}

/*
 * Quiesce, drop the channel program, and enable again for the same user:
 * what RESET and an unmap under a running program need.  One table
 * event (RESET), so that a close meanwhile cannot be undone by it.
 */
static int vfio_ccw_reset(struct vfio_ccw_private *private)
{
	return vfio_ccw_fsm_reset(private->parent);
}

static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vfio_ccw_private *private = to_private(vdev);
	bool pinned;

	/* The program must stop before its pages go: VFIO requires it. */
	pinned = vfio_ccw_fsm_unmap_hits_cp(private->parent, iova, length);
	trace_vfio_ccw_unmap(private->parent->sch->schid, iova, length, pinned);
	if (pinned)
		vfio_ccw_fsm_unmap_reset(private->parent);
	/* The worker may have ended it meanwhile and be unpinning it. */
	vfio_ccw_fsm_wait_unpinned(private->parent);
	/* What is left pinned in the range is idle in the pin cache. */
	vfio_ccw_pin_invalidate(&private->pins, iova, length);
}

/* --- regions ----------------------------------------------------------------- */

#define VFIO_CCW_OFFSET_SHIFT	40
#define VFIO_CCW_OFFSET_TO_INDEX(off)	((off) >> VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_OFFSET_MASK	((1ULL << VFIO_CCW_OFFSET_SHIFT) - 1)

/* Region indexes after the I/O region, in the order QEMU finds them. */
enum {
	VFIO_CCW_ASYNC_REGION_INDEX = VFIO_CCW_NUM_REGIONS,
	VFIO_CCW_SCHIB_REGION_INDEX,
	VFIO_CCW_CRW_REGION_INDEX,
	VFIO_CCW_ALL_REGIONS
};

/*
 * Copy [pos, pos + count) of a region the FSM mutex owns to user space:
 * snapshot under the mutex, copy_to_user() after it.  The caller has
 * checked the range against the region's size.
 */
static ssize_t vfio_ccw_read_snapshot(struct vfio_ccw_private *private,
				      const void *area, char __user *buf,
				      size_t count, loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	u8 snapshot[sizeof(struct ccw_io_region)];

	if (WARN_ON_ONCE(count > sizeof(snapshot)))
		return -EINVAL;
	mutex_lock(&parent->fsm_lock);
	memcpy(snapshot, area + pos, count);
	mutex_unlock(&parent->fsm_lock);
	if (copy_to_user(buf, snapshot, count))
		return -EFAULT;
	return count;
}

static ssize_t vfio_ccw_io_region_read(struct vfio_ccw_private *private,
				       char __user *buf, size_t count, loff_t pos)
{
	return vfio_ccw_read_snapshot(private, &private->io_region, buf, count, pos);
}

static ssize_t vfio_ccw_io_region_write(struct vfio_ccw_private *private,
					const char __user *buf, size_t count,
					loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_io_region update;
	union scsw scsw;
	union orb orb;
	int ret;

	if (copy_from_user((char *)&update + pos, buf, count))
		return -EFAULT;

	/* A request being translated or delivered: QEMU retries on -EAGAIN. */
	if (!mutex_trylock(&parent->fsm_lock))
		return -EAGAIN;
	memcpy((char *)&private->io_region + pos, (char *)&update + pos, count);
	memcpy(&scsw, private->io_region.scsw_area, sizeof(scsw));
	memset(&orb, 0, sizeof(orb));
	memcpy(&orb, private->io_region.orb_area, sizeof(private->io_region.orb_area));

	/* Halt and clear have a region of their own (async). */
	if (scsw.cmd.fctl & SCSW_FCTL_START_FUNC)
		ret = vfio_ccw_fsm_translate_and_start(parent, &orb);
	else
		ret = -EOPNOTSUPP;
	private->io_region.ret_code = ret;
	vfio_ccw_fsm_unlock(parent);
	return ret ? ret : count;
}

static ssize_t vfio_ccw_async_region_read(struct vfio_ccw_private *private,
					  char __user *buf, size_t count,
					  loff_t pos)
{
	return vfio_ccw_read_snapshot(private, &private->cmd_region, buf, count, pos);
}

static ssize_t vfio_ccw_async_region_write(struct vfio_ccw_private *private,
					   const char __user *buf, size_t count,
					   loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_cmd_region update;
	int ret;

	if (copy_from_user((char *)&update + pos, buf, count))
		return -EFAULT;
	if (!mutex_trylock(&parent->fsm_lock))
		return -EAGAIN;
	memcpy((char *)&private->cmd_region + pos, (char *)&update + pos, count);
	switch (private->cmd_region.command) {
	case VFIO_CCW_ASYNC_CMD_HSCH:
		ret = vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_HALT, NULL);
		break;
	case VFIO_CCW_ASYNC_CMD_CSCH:
		ret = vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_CLEAR, NULL);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	private->cmd_region.ret_code = ret;
	vfio_ccw_fsm_unlock(parent);
	return ret ? ret : count;
}

/* Each read refreshes the SCHIB from the subchannel. */
static ssize_t vfio_ccw_schib_region_read(struct vfio_ccw_private *private,
					  char __user *buf, size_t count,
					  loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_schib_region region = {};
	struct schib schib;
	int ret;

	BUILD_BUG_ON(sizeof(schib) != sizeof(region.schib_area));
	mutex_lock(&parent->fsm_lock);
	if (parent->state == VFIO_CCW_STATE_NOT_OPER) {
		ret = -ENODEV;
	} else {
		ret = parent->ops->read_schib(parent, &schib);
		/*
		 * No host addresses for the user: the CPA in guest terms
		 * (or 0), and neither our interruption parameter (the
		 * subchannel's physical address) nor a measurement block.
		 */
		vfio_ccw_cp_update_scsw(parent->cp, &schib.scsw);
		schib.pmcw.intparm = 0;
		schib.mba = 0;
	}
	mutex_unlock(&parent->fsm_lock);
	if (ret)
		return ret;
	memcpy(region.schib_area, &schib, sizeof(schib));
	if (copy_to_user(buf, (char *)&region + pos, count))
		return -EFAULT;
	return count;
}

/* Each read pops one report (zeros when none); more left: signal again. */
static ssize_t vfio_ccw_crw_region_read(struct vfio_ccw_private *private,
					char __user *buf, size_t count,
					loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_crw_region region = {};
	struct crw crw;

	BUILD_BUG_ON(sizeof(crw) != sizeof(region.crw));
	mutex_lock(&parent->fsm_lock);
	if (vfio_ccw_crw_pop(&private->crws, &crw) &&
	    private->trigger[VFIO_CCW_CRW_IRQ_INDEX])
		eventfd_signal(private->trigger[VFIO_CCW_CRW_IRQ_INDEX]);
	mutex_unlock(&parent->fsm_lock);
	memcpy(&region.crw, &crw, sizeof(crw));
	if (copy_to_user(buf, (char *)&region + pos, count))
		return -EFAULT;
	return count;
}

/**
 * struct vfio_ccw_region - one region of the VFIO device
 * @subtype: VFIO_REGION_SUBTYPE_CCW_*; 0 for the I/O region (no type cap)
 * @size: exact size; QEMU refuses the device on a mismatch
 * @read: read handler, @pos and @count already checked
 * @write: write handler or NULL (read-only region)
 */
struct vfio_ccw_region {
	u32 subtype;
	size_t size;
	ssize_t (*read)(struct vfio_ccw_private *private, char __user *buf,
			size_t count, loff_t pos);
	ssize_t (*write)(struct vfio_ccw_private *private, const char __user *buf,
			 size_t count, loff_t pos);
};

static const struct vfio_ccw_region vfio_ccw_regions[VFIO_CCW_ALL_REGIONS] = {
	[VFIO_CCW_CONFIG_REGION_INDEX] = {
		.size = sizeof(struct ccw_io_region),
		.read = vfio_ccw_io_region_read,
		.write = vfio_ccw_io_region_write,
	},
	[VFIO_CCW_ASYNC_REGION_INDEX] = {
		.subtype = VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
		.size = sizeof(struct ccw_cmd_region),
		.read = vfio_ccw_async_region_read,
		.write = vfio_ccw_async_region_write,
	},
	[VFIO_CCW_SCHIB_REGION_INDEX] = {
		.subtype = VFIO_REGION_SUBTYPE_CCW_SCHIB,
		.size = sizeof(struct ccw_schib_region),
		.read = vfio_ccw_schib_region_read,
	},
	[VFIO_CCW_CRW_REGION_INDEX] = {
		.subtype = VFIO_REGION_SUBTYPE_CCW_CRW,
		.size = sizeof(struct ccw_crw_region),
		.read = vfio_ccw_crw_region_read,
	},
};

/* The region an offset designates, with @pos/@count inside it; or NULL. */
static const struct vfio_ccw_region *
vfio_ccw_region_at(loff_t off, size_t count, loff_t *pos)
{
	u64 index = VFIO_CCW_OFFSET_TO_INDEX((u64)off);
	const struct vfio_ccw_region *region;

	if (off < 0 || index >= VFIO_CCW_ALL_REGIONS)
		return NULL;
	/* No speculation past the bounds check (the index is the user's). */
	index = array_index_nospec(index, VFIO_CCW_ALL_REGIONS);
	region = &vfio_ccw_regions[index];
	*pos = off & VFIO_CCW_OFFSET_MASK;
	if (*pos >= region->size || count > region->size - *pos)
		return NULL;
	return region;
}

static ssize_t vfio_ccw_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	const struct vfio_ccw_region *region;
	loff_t pos;

	region = vfio_ccw_region_at(*ppos, count, &pos);
	if (!region)
		return -EINVAL;
	return region->read(to_private(vdev), buf, count, pos);
}

static ssize_t vfio_ccw_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	const struct vfio_ccw_region *region;
	loff_t pos;

	region = vfio_ccw_region_at(*ppos, count, &pos);
	if (!region || !region->write)
		return -EINVAL;
	return region->write(to_private(vdev), buf, count, pos);
}

/* --- ioctls ------------------------------------------------------------------- */

static long vfio_ccw_ioctl_get_info(struct vfio_ccw_private *private,
				    void __user *arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_CCW_ALL_REGIONS;
	info.num_irqs = VFIO_CCW_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_ccw_ioctl_get_region_info(struct vfio_ccw_private *private,
					   void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_CCW,
	};
	struct vfio_info_cap caps = {};
	const struct vfio_ccw_region *region;
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_CCW_ALL_REGIONS)
		return -EINVAL;
	region = &vfio_ccw_regions[array_index_nospec(info.index, VFIO_CCW_ALL_REGIONS)];

	info.offset = VFIO_CCW_INDEX_TO_OFFSET(info.index);
	info.size = region->size;
	info.flags = VFIO_REGION_INFO_FLAG_READ;
	if (region->write)
		info.flags |= VFIO_REGION_INFO_FLAG_WRITE;
	info.cap_offset = 0;
	if (!region->subtype)
		return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;

	/* The extra regions are found by type: QEMU looks for this cap. */
	cap_type.subtype = region->subtype;
	ret = vfio_info_add_capability(&caps, &cap_type.header, sizeof(cap_type));
	if (ret)
		return ret;
	info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (info.argsz < sizeof(info) + caps.size) {
		info.argsz = sizeof(info) + caps.size;
	} else {
		vfio_info_cap_shift(&caps, sizeof(info));
		if (copy_to_user((u8 __user *)arg + sizeof(info), caps.buf, caps.size))
			ret = -EFAULT;
		info.cap_offset = sizeof(info);
	}
	kfree(caps.buf);
	if (ret)
		return ret;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vfio_ccw_ioctl_get_irq_info(struct vfio_ccw_private *private,
					void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_CCW_NUM_IRQS)
		return -EINVAL;
	info.count = 1;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* Replace (fd >= 0), release (fd == -1) or fire one eventfd. */
static int vfio_ccw_set_trigger_locked(struct vfio_ccw_private *private,
				       struct vfio_irq_set *hdr,
				       void __user *data)
{
	struct eventfd_ctx **trigger;
	struct eventfd_ctx *ctx;
	s32 fd;
	u8 fire;

	lockdep_assert_held(&private->parent->fsm_lock);
	trigger = &private->trigger[array_index_nospec(hdr->index, VFIO_CCW_NUM_IRQS)];
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (*trigger)
			eventfd_signal(*trigger);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (get_user(fire, (u8 __user *)data))
			return -EFAULT;
		if (fire && *trigger)
			eventfd_signal(*trigger);
		return 0;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (get_user(fd, (s32 __user *)data))
			return -EFAULT;
		if (fd < -1)
			return -EINVAL;
		if (fd == -1)
			return vfio_ccw_release_trigger_locked(private, hdr->index);
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
		if (*trigger)
			eventfd_ctx_put(*trigger);
		*trigger = ctx;
		return 0;
	default:
		return -EINVAL;
	}
}

static long vfio_ccw_ioctl_set_irqs(struct vfio_ccw_private *private,
				    void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, VFIO_CCW_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (!(hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER) || hdr.start || hdr.count > 1)
		return -EINVAL;
	/* count 0, no data: VFIO's way to switch an interrupt off */
	if (!hdr.count && (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != VFIO_IRQ_SET_DATA_NONE)
		return -EINVAL;

	mutex_lock(&private->parent->fsm_lock);
	if (hdr.count)
		ret = vfio_ccw_set_trigger_locked(private, &hdr, (u8 __user *)arg + minsz);
	else
		ret = vfio_ccw_release_trigger_locked(private, hdr.index);
	mutex_unlock(&private->parent->fsm_lock);
	return ret;
}

/*
 * VFIO core asks us, repeatedly, to make user space let go of a device
 * that is being removed: signal the request eventfd.
 */
static void vfio_ccw_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct vfio_ccw_parent *parent = private->parent;

	mutex_lock(&parent->fsm_lock);
	if (private->trigger[VFIO_CCW_REQ_IRQ_INDEX])
		eventfd_signal(private->trigger[VFIO_CCW_REQ_IRQ_INDEX]);
	else if (count == 0)
		dev_notice(vdev->dev,
			   "no request eventfd: removal waits for the user to close\n");
	mutex_unlock(&parent->fsm_lock);
}

/* Bound through iommufd: the pin cache may be used (see vfio_ccw_pin.h). */
static int vfio_ccw_bind_iommufd(struct vfio_device *vdev, struct iommufd_ctx *ictx,
				 u32 *out_device_id)
{
	struct vfio_ccw_private *private = to_private(vdev);
	int ret;

	ret = vfio_iommufd_emulated_bind(vdev, ictx, out_device_id);
	if (!ret && READ_ONCE(pin_cache_enabled))
		private->mem = &vfio_ccw_cached_mem_ops;
	return ret;
}

static void vfio_ccw_unbind_iommufd(struct vfio_device *vdev)
{
	to_private(vdev)->mem = &vfio_ccw_vfio_mem_ops;
	vfio_iommufd_emulated_unbind(vdev);
}

static long vfio_ccw_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_ccw_private *private = to_private(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_ccw_ioctl_get_info(private, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_ccw_ioctl_get_region_info(private, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_ccw_ioctl_get_irq_info(private, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_ccw_ioctl_set_irqs(private, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_ccw_reset(private);
	default:
		return -ENOTTY;
	}
}

static const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.open_device = vfio_ccw_open_device,
	.close_device = vfio_ccw_close_device,
	.read = vfio_ccw_read,
	.write = vfio_ccw_write,
	.ioctl = vfio_ccw_ioctl,
	.dma_unmap = vfio_ccw_dma_unmap,
	.request = vfio_ccw_request,
	.bind_iommufd = vfio_ccw_bind_iommufd,
	.unbind_iommufd = vfio_ccw_unbind_iommufd,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

/*
 * One mdev per subchannel.  The count is ours (get_available): the mdev
 * core of 6.12 takes an instance before it allocates the mdev and does
 * not give it back when that allocation fails, after which the
 * subchannel could never have an mdev again.
 */
static unsigned int vfio_ccw_mdev_get_available(struct mdev_type *mtype)
{
	struct vfio_ccw_parent *parent =
		container_of(mtype, struct vfio_ccw_parent, mdev_type);

	return atomic_read(&parent->mdevs) ? 0 : 1;
}

static int vfio_ccw_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(mdev->dev.parent);
	struct vfio_ccw_private *private;
	int ret;

	/* The mdev core's answer when no instance is left. */
	if (atomic_cmpxchg(&parent->mdevs, 0, 1))
		return -EUSERS;

	private = vfio_alloc_device(vfio_ccw_private, vdev, &mdev->dev,
				    &vfio_ccw_dev_ops);
	if (IS_ERR(private)) {
		ret = PTR_ERR(private);
		goto err_put_instance;
	}
	private->parent = parent;
	private->mem = &vfio_ccw_vfio_mem_ops;
	vfio_ccw_pin_cache_init(&private->pins, &vfio_ccw_vfio_pin_backend, private,
				VFIO_CCW_PIN_CACHE_PAGES);
	dev_set_drvdata(&mdev->dev, private);

	ret = vfio_register_emulated_iommu_dev(&private->vdev);
	if (ret)
		goto err_put_device;
	return 0;

err_put_device:
	dev_set_drvdata(&mdev->dev, NULL);
	vfio_ccw_pin_cache_destroy(&private->pins);
	vfio_put_device(&private->vdev);
err_put_instance:
	atomic_set(&parent->mdevs, 0);
	return ret;
}

static void vfio_ccw_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private = dev_get_drvdata(&mdev->dev);
	struct vfio_ccw_parent *parent = private->parent;

	/* Returns once the user has closed the device. */
	vfio_unregister_group_dev(&private->vdev);
	dev_set_drvdata(&mdev->dev, NULL);
	vfio_ccw_pin_cache_destroy(&private->pins);
	vfio_put_device(&private->vdev);
	atomic_set(&parent->mdevs, 0);
}

struct mdev_driver vfio_ccw_mdev_driver = {
	.device_api = VFIO_DEVICE_API_CCW_STRING,
	.max_instances = 1,
	.get_available = vfio_ccw_mdev_get_available,
	.driver = {
		.name = "vfio_ccw_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfio_ccw_mdev_probe,
	.remove = vfio_ccw_mdev_remove,
};
