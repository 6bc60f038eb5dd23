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

#include <linux/mdev.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"

static struct vfio_ccw_private *to_private(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ccw_private, vdev);
}

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	return vfio_ccw_fsm_event(private->parent, VFIO_CCW_EVENT_INIT, private);
}

static void vfio_ccw_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	vfio_ccw_fsm_close(private->parent);
}

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
	info.num_regions = 0;
	info.num_irqs = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_ccw_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_ccw_private *private = to_private(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_ccw_ioctl_get_info(private, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.open_device = vfio_ccw_open_device,
	.close_device = vfio_ccw_close_device,
	.ioctl = vfio_ccw_ioctl,
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
