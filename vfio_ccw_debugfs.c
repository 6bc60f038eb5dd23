// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: debugfs, what an admin (and the bench's tests) can see.
 *
 * vfio_ccw/totals: module-wide counts (struct vfio_ccw_totals);
 * vfio_ccw/<subchannel>/status: the state and counts of one subchannel;
 * vfio_ccw/allow_suspend: lets the bench run channel programs that can
 * suspend (see vfio_ccw_cp_allow_suspend).  Documentation/admin-guide.rst
 * describes each line.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vfio_ccw_private.h"

static struct dentry *vfio_ccw_debugfs_root;

static int vfio_ccw_status_show(struct seq_file *m, void *unused)
{
	struct vfio_ccw_parent *parent = m->private;
	unsigned long overflows, flags;

	mutex_lock(&parent->fsm_lock);
	seq_printf(m, "state: %s\n", vfio_ccw_state_name(parent->state));
	seq_printf(m, "open: %d\n", !!parent->private);
	seq_printf(m, "pinned_pages: %ld\n", atomic_long_read(&parent->pinned_pages));
	seq_printf(m, "program_pages: %lu\n", parent->cp ? parent->cp->pinned : 0);
	seq_printf(m, "pin_cache_pages: %lu\n",
		   parent->private ? READ_ONCE(parent->private->pins.nr) : 0);
	seq_printf(m, "interrupts: %lu\n", parent->private ? parent->private->interrupts : 0);
	mutex_unlock(&parent->fsm_lock);
	spin_lock_irqsave(&parent->irbs.lock, flags);
	overflows = parent->irbs.overflows;
	spin_unlock_irqrestore(&parent->irbs.lock, flags);
	seq_printf(m, "irb_overflows: %lu\n", overflows);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_ccw_status);

static int vfio_ccw_totals_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "pinned_pages: %ld\n", atomic_long_read(&vfio_ccw_totals.pinned_pages));
	seq_printf(m, "vfio_pinned_pages: %ld\n",
		   atomic_long_read(&vfio_ccw_totals.vfio_pinned_pages));
	seq_printf(m, "programs: %ld\n", atomic_long_read(&vfio_ccw_totals.programs));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_ccw_totals);

/**
 * vfio_ccw_debugfs_init() - create vfio_ccw/ and its module-wide files
 *
 * debugfs failures are not errors: the driver works without it.
 *
 * Context: module init.
 */
void vfio_ccw_debugfs_init(void)
{
	vfio_ccw_debugfs_root = debugfs_create_dir("vfio_ccw", NULL);
	debugfs_create_file("totals", 0444, vfio_ccw_debugfs_root, NULL,
			    &vfio_ccw_totals_fops);
	debugfs_create_bool("allow_suspend", 0600, vfio_ccw_debugfs_root,
			    &vfio_ccw_cp_allow_suspend);
}

/**
 * vfio_ccw_debugfs_exit() - remove vfio_ccw/ and all below it
 *
 * Context: module init (its error path) and exit.
 */
void vfio_ccw_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_ccw_debugfs_root);
}

/**
 * vfio_ccw_debugfs_add() - create vfio_ccw/<subchannel>/
 * @parent: the subchannel, bound
 *
 * Context: process context (probe).
 */
void vfio_ccw_debugfs_add(struct vfio_ccw_parent *parent)
{
	parent->debugfs = debugfs_create_dir(dev_name(&parent->sch->dev),
					     vfio_ccw_debugfs_root);
	debugfs_create_file("status", 0444, parent->debugfs, parent,
			    &vfio_ccw_status_fops);
}

/**
 * vfio_ccw_debugfs_remove() - remove vfio_ccw/<subchannel>/
 * @parent: the subchannel
 *
 * Context: process context (remove); once it returns, no status read
 * uses @parent any more.
 */
void vfio_ccw_debugfs_remove(struct vfio_ccw_parent *parent)
{
	debugfs_remove_recursive(parent->debugfs);
}
