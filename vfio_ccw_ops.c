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
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"

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

static int vfio_ccw_mem_pin(void *ctx, u64 iova, int npage, struct page **pages)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_pin_pages(&private->vdev, iova, npage,
			      IOMMU_READ | IOMMU_WRITE, pages);
}

static void vfio_ccw_mem_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;

	vfio_unpin_pages(&private->vdev, iova, npage);
}

const struct vfio_ccw_mem_ops vfio_ccw_vfio_mem_ops = {
	.read = vfio_ccw_mem_read,
	.pin = vfio_ccw_mem_pin,
	.unpin = vfio_ccw_mem_unpin,
};

/* --- open, close, reset --------------------------------------------------- */

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	memset(&private->io_region, 0, sizeof(private->io_region));
	return vfio_ccw_fsm_event(private->parent, VFIO_CCW_EVENT_INIT, private);
}

static void vfio_ccw_release_eventfds(struct vfio_ccw_private *private)
{
	struct vfio_ccw_parent *parent = private->parent;

	mutex_lock(&parent->fsm_lock);
	if (private->io_trigger) {
		eventfd_ctx_put(private->io_trigger);
		private->io_trigger = NULL;
	}
	mutex_unlock(&parent->fsm_lock);
}

static void vfio_ccw_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	vfio_ccw_fsm_close(private->parent);
	vfio_ccw_release_eventfds(private);
}

/*
 * Quiesce, drop the channel program, and enable again: what RESET and an
 * unmap under a running program need.
 */
static int vfio_ccw_reset(struct vfio_ccw_private *private)
{
	int ret;

	ret = vfio_ccw_fsm_close(private->parent);
	if (ret && ret != -EBADF)
		return ret;
	return vfio_ccw_fsm_event(private->parent, VFIO_CCW_EVENT_INIT, private);
}

static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct vfio_ccw_parent *parent = private->parent;
	bool pinned;

	mutex_lock(&parent->fsm_lock);
	pinned = vfio_ccw_cp_iova_pinned(&parent->cp, iova, length);
	mutex_unlock(&parent->fsm_lock);
	/* The program must stop before its pages go: VFIO requires it. */
	if (pinned)
		vfio_ccw_reset(private);
}

/* --- the I/O region ---------------------------------------------------------- */

#define VFIO_CCW_OFFSET_SHIFT	40
#define VFIO_CCW_OFFSET_TO_INDEX(off)	((off) >> VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_OFFSET_MASK	((1ULL << VFIO_CCW_OFFSET_SHIFT) - 1)

static ssize_t vfio_ccw_io_region_read(struct vfio_ccw_private *private,
				       char __user *buf, size_t count, loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_io_region snapshot;

	if (pos + count > sizeof(snapshot))
		return -EINVAL;
	mutex_lock(&parent->fsm_lock);
	snapshot = private->io_region;
	mutex_unlock(&parent->fsm_lock);
	if (copy_to_user(buf, (char *)&snapshot + pos, count))
		return -EFAULT;
	return count;
}

static ssize_t vfio_ccw_io_region_write(struct vfio_ccw_private *private,
					const char __user *buf, size_t count,
					loff_t pos)
{
	struct vfio_ccw_parent *parent = private->parent;
	struct ccw_io_region update;
	union orb orb;
	int ret;

	if (pos + count > sizeof(update))
		return -EINVAL;
	if (copy_from_user((char *)&update + pos, buf, count))
		return -EFAULT;

	/* A start being translated or delivered: QEMU retries on -EAGAIN. */
	if (!mutex_trylock(&parent->fsm_lock))
		return -EAGAIN;
	memcpy((char *)&private->io_region + pos, (char *)&update + pos, count);
	memcpy(&orb, private->io_region.orb_area, sizeof(orb));
	ret = vfio_ccw_fsm_event_locked(parent, VFIO_CCW_EVENT_IO_REQ, &orb);
	private->io_region.ret_code = ret;
	mutex_unlock(&parent->fsm_lock);
	return ret ? ret : count;
}

static ssize_t vfio_ccw_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	unsigned int index = VFIO_CCW_OFFSET_TO_INDEX(*ppos);

	if (index != VFIO_CCW_CONFIG_REGION_INDEX)
		return -EINVAL;
	return vfio_ccw_io_region_read(to_private(vdev), buf, count,
				       *ppos & VFIO_CCW_OFFSET_MASK);
}

static ssize_t vfio_ccw_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	unsigned int index = VFIO_CCW_OFFSET_TO_INDEX(*ppos);

	if (index != VFIO_CCW_CONFIG_REGION_INDEX)
		return -EINVAL;
	return vfio_ccw_io_region_write(to_private(vdev), buf, count,
					*ppos & VFIO_CCW_OFFSET_MASK);
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
	info.num_regions = VFIO_CCW_NUM_REGIONS;
	info.num_irqs = VFIO_CCW_IO_IRQ_INDEX + 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_ccw_ioctl_get_region_info(struct vfio_ccw_private *private,
					   void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index != VFIO_CCW_CONFIG_REGION_INDEX)
		return -EINVAL;
	info.offset = VFIO_CCW_INDEX_TO_OFFSET(info.index);
	info.size = sizeof(struct ccw_io_region);
	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info.cap_offset = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
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
	if (info.index != VFIO_CCW_IO_IRQ_INDEX)
		return -EINVAL;
	info.count = 1;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* Replace (fd >= 0), release (fd == -1) or fire the I/O eventfd. */
static int vfio_ccw_set_io_trigger_locked(struct vfio_ccw_private *private,
					  struct vfio_irq_set *hdr,
					  void __user *data)
{
	struct eventfd_ctx *ctx;
	s32 fd;
	u8 fire;

	lockdep_assert_held(&private->parent->fsm_lock);
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (private->io_trigger)
			eventfd_signal(private->io_trigger);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (get_user(fire, (u8 __user *)data))
			return -EFAULT;
		if (fire && private->io_trigger)
			eventfd_signal(private->io_trigger);
		return 0;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (get_user(fd, (s32 __user *)data))
			return -EFAULT;
		if (fd < -1)
			return -EINVAL;
		ctx = NULL;
		if (fd >= 0) {
			ctx = eventfd_ctx_fdget(fd);
			if (IS_ERR(ctx))
				return PTR_ERR(ctx);
		}
		if (private->io_trigger)
			eventfd_ctx_put(private->io_trigger);
		private->io_trigger = ctx;
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
	ret = vfio_set_irqs_validate_and_prepare(&hdr, VFIO_CCW_IO_IRQ_INDEX + 1,
						 VFIO_CCW_IO_IRQ_INDEX + 1,
						 &data_size);
	if (ret)
		return ret;
	if (!(hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER) || hdr.start || hdr.count != 1)
		return -EINVAL;

	mutex_lock(&private->parent->fsm_lock);
	ret = vfio_ccw_set_io_trigger_locked(private, &hdr,
					     (u8 __user *)arg + minsz);
	mutex_unlock(&private->parent->fsm_lock);
	return ret;
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
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

static int vfio_ccw_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(mdev->dev.parent);
	struct vfio_ccw_private *private;
	int ret;

	private = vfio_alloc_device(vfio_ccw_private, vdev, &mdev->dev,
				    &vfio_ccw_dev_ops);
	if (IS_ERR(private))
		return PTR_ERR(private);
	private->parent = parent;
	dev_set_drvdata(&mdev->dev, private);

	ret = vfio_register_emulated_iommu_dev(&private->vdev);
	if (ret)
		goto err_put_device;
	return 0;

err_put_device:
	dev_set_drvdata(&mdev->dev, NULL);
	vfio_put_device(&private->vdev);
	return ret;
}

static void vfio_ccw_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private = dev_get_drvdata(&mdev->dev);

	/* Returns once the user has closed the device. */
	vfio_unregister_group_dev(&private->vdev);
	dev_set_drvdata(&mdev->dev, NULL);
	vfio_put_device(&private->vdev);
}

struct mdev_driver vfio_ccw_mdev_driver = {
	.device_api = VFIO_DEVICE_API_CCW_STRING,
	.max_instances = 1,
	.driver = {
		.name = "vfio_ccw_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfio_ccw_mdev_probe,
	.remove = vfio_ccw_mdev_remove,
};
