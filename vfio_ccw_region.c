// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the regions of the VFIO device.
 *
 * Four regions, at offsets VFIO_CCW_INDEX_TO_OFFSET(index): the I/O
 * region (a write starts a channel program, the IRB comes back in it),
 * the async command region (halt, clear), the SCHIB region and the CRW
 * region.  The extra three are found by their type capability, as QEMU
 * looks for them.  What the regions hold is owned by the FSM mutex.
 */

#include <linux/eventfd.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"

#define VFIO_CCW_OFFSET_SHIFT	40
#define VFIO_CCW_OFFSET_TO_INDEX(off)	((off) >> VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_OFFSET_MASK	((1ULL << VFIO_CCW_OFFSET_SHIFT) - 1)

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

/*
 * Store the user's bytes [pos, pos + count) in @area, a region the FSM
 * mutex owns, and return with the mutex held: 0, or -EFAULT, or -EAGAIN
 * while another thread holds it (a start being translated, an IRB being
 * delivered: QEMU retries).  The bytes are copied from user space before
 * the mutex is taken.  The caller has checked the range against the
 * region's size.
 */
static int vfio_ccw_region_update_lock(struct vfio_ccw_parent *parent, void *area,
				       const char __user *buf, size_t count, loff_t pos)
{
	u8 update[sizeof(struct ccw_io_region)];

	if (WARN_ON_ONCE(count > sizeof(update)))
		return -EINVAL;
	if (copy_from_user(update, buf, count))
		return -EFAULT;
	if (!mutex_trylock(&parent->fsm_lock))
		return -EAGAIN;
	memcpy(area + pos, update, count);
	return 0;
}

/*
 * The end of a region write: the request's errno in the region's
 * ret_code (0 when it was issued), the mutex released, and what write()
 * returns.
 */
static ssize_t vfio_ccw_region_answer_unlock(struct vfio_ccw_parent *parent, u32 *ret_code,
					     int ret, size_t count)
{
	*ret_code = ret;
	vfio_ccw_fsm_unlock(parent);
	return ret ? ret : count;
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
	union scsw scsw;
	union orb orb;
	int ret;

	ret = vfio_ccw_region_update_lock(parent, &private->io_region, buf, count, pos);
	if (ret)
		return ret;
	memcpy(&scsw, private->io_region.scsw_area, sizeof(scsw));
	memset(&orb, 0, sizeof(orb));
	memcpy(&orb, private->io_region.orb_area, sizeof(private->io_region.orb_area));

	/* Halt and clear have a region of their own (async). */
	if (scsw.cmd.fctl & SCSW_FCTL_START_FUNC)
		ret = vfio_ccw_fsm_translate_and_start(parent, &orb);
	else
		ret = -EOPNOTSUPP;
	return vfio_ccw_region_answer_unlock(parent, &private->io_region.ret_code, ret, count);
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
	int ret;

	ret = vfio_ccw_region_update_lock(parent, &private->cmd_region, buf, count, pos);
	if (ret)
		return ret;
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
	return vfio_ccw_region_answer_unlock(parent, &private->cmd_region.ret_code, ret, count);
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

/**
 * vfio_ccw_region_read() - &vfio_device_ops.read: read a region
 * @vdev: the VFIO device
 * @buf: user buffer
 * @count: bytes to read
 * @ppos: offset: region index and position inside it
 *
 * Context: process context, may sleep; takes the FSM mutex.
 * Return: @count, or -EINVAL for a range outside every region, or the
 * region's errno.
 */
ssize_t vfio_ccw_region_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	const struct vfio_ccw_region *region;
	loff_t pos;

	region = vfio_ccw_region_at(*ppos, count, &pos);
	if (!region)
		return -EINVAL;
	return region->read(to_private(vdev), buf, count, pos);
}

/**
 * vfio_ccw_region_write() - &vfio_device_ops.write: write a region
 * @vdev: the VFIO device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: offset: region index and position inside it
 *
 * A write of the I/O region starts a channel program, one of the async
 * region a halt or clear.
 *
 * Context: process context, may sleep; takes the FSM mutex (-EAGAIN
 * while another thread holds it).
 * Return: @count, or -EINVAL for a range outside every writable region,
 * or the errno of the request (Documentation/errno-catalogue.rst).
 */
ssize_t vfio_ccw_region_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	const struct vfio_ccw_region *region;
	loff_t pos;

	region = vfio_ccw_region_at(*ppos, count, &pos);
	if (!region || !region->write)
		return -EINVAL;
	return region->write(to_private(vdev), buf, count, pos);
}

/**
 * vfio_ccw_region_info() - VFIO_DEVICE_GET_REGION_INFO
 * @arg: the user's struct vfio_region_info
 *
 * Context: process context.
 * Return: 0, -EFAULT, -EINVAL for a short argsz or a bad index, or
 * -ENOMEM when the capability cannot be built.
 */
long vfio_ccw_region_info(void __user *arg)
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

	ret = vfio_ccw_info_from_user(&info, arg, minsz);
	if (ret)
		return ret;
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
