// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the VFIO device of an mdev.
 *
 * Its set-up and release, opening and closing (the INIT and CLOSE events
 * of the subchannel's state machine), reset and dma_unmap, the ioctls
 * and the eventfds.  The regions are in vfio_ccw_region.c, the memory
 * programs use in vfio_ccw_mem.c.
 */

#include <linux/eventfd.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_tracing.h"

/* --- set-up and release ---------------------------------------------------- */

/* For vfio_alloc_device(): the mdev's parent device is the subchannel. */
static int vfio_ccw_init_dev(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	private->parent = dev_get_drvdata(vdev->dev->parent);
	private->mem = &vfio_ccw_vfio_mem_ops;
	vfio_ccw_pin_cache_init(&private->pins, &vfio_ccw_vfio_pin_backend, private,
				VFIO_CCW_PIN_CACHE_PAGES);
	return 0;
}

static void vfio_ccw_release_dev(struct vfio_device *vdev)
{
	vfio_ccw_pin_cache_destroy(&to_private(vdev)->pins);
}

/* --- open, close, reset --------------------------------------------------- */

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	struct vfio_ccw_parent *parent = private->parent;

	mutex_lock(&parent->fsm_lock);
	memset(&private->io_region, 0, sizeof(private->io_region));
	memset(&private->cmd_region, 0, sizeof(private->cmd_region));
	vfio_ccw_crw_queue_init(&private->crws);
	mutex_unlock(&parent->fsm_lock);
	return vfio_ccw_fsm_event(parent, VFIO_CCW_EVENT_INIT, private);
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

/* --- ioctls ------------------------------------------------------------------- */

/**
 * vfio_ccw_info_from_user() - copy the head of an ioctl's info argument
 * @info: a VFIO info structure, whose first member is its __u32 argsz
 * @arg: the user's copy
 * @minsz: the bytes of it the ioctl reads
 *
 * Context: process context.
 * Return: 0; -EFAULT when @arg cannot be read; -EINVAL when its argsz
 * does not cover @minsz.
 */
int vfio_ccw_info_from_user(void *info, const void __user *arg, unsigned long minsz)
{
	if (copy_from_user(info, arg, minsz))
		return -EFAULT;
	return *(u32 *)info < minsz ? -EINVAL : 0;
}

static long vfio_ccw_ioctl_get_info(struct vfio_ccw_private *private,
				    void __user *arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	int ret;

	ret = vfio_ccw_info_from_user(&info, arg, minsz);
	if (ret)
		return ret;
	info.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_CCW_ALL_REGIONS;
	info.num_irqs = VFIO_CCW_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_ccw_ioctl_get_irq_info(struct vfio_ccw_private *private,
					void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_ccw_info_from_user(&info, arg, minsz);
	if (ret)
		return ret;
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
	if (!ret)
		private->mem = vfio_ccw_mem_ops_for_iommufd();
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
		return vfio_ccw_region_info(uarg);
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

const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.init = vfio_ccw_init_dev,
	.release = vfio_ccw_release_dev,
	.open_device = vfio_ccw_open_device,
	.close_device = vfio_ccw_close_device,
	.read = vfio_ccw_region_read,
	.write = vfio_ccw_region_write,
	.ioctl = vfio_ccw_ioctl,
	.dma_unmap = vfio_ccw_dma_unmap,
	.request = vfio_ccw_request,
	.bind_iommufd = vfio_ccw_bind_iommufd,
	.unbind_iommufd = vfio_ccw_unbind_iommufd,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

