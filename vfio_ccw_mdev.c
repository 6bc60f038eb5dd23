// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the mdev driver.
 *
 * One mdev type, vfio_ccw-io, with one instance per subchannel.  The
 * mdev's VFIO device (vfio_ccw_ops.c) is what user space opens.
 */

#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/vfio.h>

#include "vfio_ccw_private.h"

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
	dev_set_drvdata(&mdev->dev, private);

	ret = vfio_register_emulated_iommu_dev(&private->vdev);
	if (ret)
		goto err_put_device;
	return 0;

err_put_device:
	dev_set_drvdata(&mdev->dev, NULL);
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
