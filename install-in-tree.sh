#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Put this driver into a kernel source tree in place of the in-tree
# vfio_ccw: its files into drivers/s390/cio/ (upstream's vfio_ccw_*
# files there are removed), its object list into that directory's
# Makefile and its Kconfig entry into arch/s390/Kconfig.  Then configure
# with CONFIG_VFIO_CCW=m and build as usual.  Running it again changes
# nothing.
#
#   install-in-tree.sh KSRC      (or: make intree KSRC=...)
#
# Files are replaced, never written through: a tree of hard links to a
# pristine source (cp -al) stays pristine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ksrc=${1:?usage: install-in-tree.sh KERNEL_SOURCE_TREE}
cio=$ksrc/drivers/s390/cio
kconfig=$ksrc/arch/s390/Kconfig
[ -f "$cio/Makefile" ] && [ -f "$kconfig" ] ||
	{ echo "$ksrc: not an s390-capable kernel source tree" >&2; exit 1; }

# replace FILE: write stdin to FILE.new, then rename it over FILE.
replace() {
	cat >"$1.new"
	mv "$1.new" "$1"
}

# The objects, from our Makefile (the one list there is).
objs=$(awk '/^vfio_ccw-y :=/,/[^\\]$/' "$here/Makefile" | sed 's/^vfio_ccw-y :=//; s/\\$//' |
	tr -s ' \t\n' ' ')
[ -n "$objs" ] || { echo "no vfio_ccw-y list in $here/Makefile" >&2; exit 1; }

# 1. the sources
rm -f "$cio"/vfio_ccw_*.[ch]
for f in "$here"/vfio_ccw_*.[ch]; do
	case "$f" in *.mod.c) continue ;; esac
	replace "$cio/$(basename "$f")" <"$f"
done

# 2. drivers/s390/cio/Makefile: upstream's vfio_ccw lines out, ours in.
awk -v objs="$objs" '
	/^# vfio_ccw, from install-in-tree.sh/ { skip = 1 }
	skip && /^# end of vfio_ccw/ { skip = 0; next }
	skip { next }
	/^vfio_ccw-(objs|y)[[:space:]]*[+:]?=/ { cont = 1 }
	cont { if ($0 !~ /\\$/) cont = 0; next }
	/^obj-\$\(CONFIG_VFIO_CCW(_KUNIT_TEST)?\)/ { next }
	/^CFLAGS_vfio_ccw_[a-z]*\.o/ { next }
	{ print }
	END {
		print "# vfio_ccw, from install-in-tree.sh"
		print "CFLAGS_vfio_ccw_drv.o := -I$(src)"
		print "vfio_ccw-y := " objs
		print "obj-$(CONFIG_VFIO_CCW) += vfio_ccw.o"
		print "obj-$(CONFIG_VFIO_CCW_KUNIT_TEST) += vfio_ccw_kunit/"
		print "# end of vfio_ccw"
	}' "$cio/Makefile" | replace "$cio/Makefile"

# 3. the KUnit suites, as drivers/s390/cio/vfio_ccw_kunit/
rm -rf "$cio/vfio_ccw_kunit"
mkdir "$cio/vfio_ccw_kunit"
for f in "$here"/tests/kunit/Makefile "$here"/tests/kunit/.kunitconfig "$here"/tests/kunit/*.[ch]; do
	case "$f" in *.mod.c) continue ;; esac
	replace "$cio/vfio_ccw_kunit/$(basename "$f")" <"$f"
done

# 4. arch/s390/Kconfig: our entries (VFIO_CCW and its KUnit symbol) in
# place of upstream's VFIO_CCW entry (or of ours, from a previous run).
entry=$(sed -n '/^config VFIO_CCW$/,$p' "$here/Kconfig")
awk -v entry="$entry" '
	/^config VFIO_CCW$/ { print entry; print ""; skip = 1; next }
	/^config VFIO_CCW_KUNIT_TEST$/ { skip = 1; next }
	skip && /^(config|menuconfig|endmenu|menu|if|endif|source|comment) / { skip = 0 }
	skip && /^endmenu$/ { skip = 0 }
	skip { next }
	{ print }' "$kconfig" | replace "$kconfig"

echo "vfio_ccw placed into $cio (objects:$objs)"
