# SPDX-License-Identifier: GPL-2.0
#
# vfio_ccw: out-of-tree build, static checks and the emulated bench.
#
#   make               build ./vfio_ccw.ko against KDIR
#   make demo          set up the bench, boot it, pass a subchannel through
#   make check         the gate: static checks, packaging, KUnit, VM suites
#   make compare       the gate's boots with upstream's driver beside ours
#   make check-long    the gate, the comparison, long fuzzing, kunit.py,
#                      coverage
#   make coverage      line coverage of the driver (a gcov kernel's boot)
#   make bench         benchmarks, ours beside upstream's (QEMU -icount,
#                      Hercules DASD throughput)
#   make fuzz          a long fuzzing run (VFIO_CCW_FUZZ_REQUESTS, _SEED)
#   make static        errno catalogue, sparse, checkpatch, kernel-doc, W=1
#   make setup         install packages, fetch and build the test kernels
#   make install       into /lib/modules/<release>/updates (INSTALL_MOD_PATH)
#   make intree KSRC=  replace upstream's vfio_ccw in a kernel source tree
#
# KDIR defaults to the cached "test" bench kernel (tests/host/); on a
# real s390 host point it at the configured source tree of the running
# kernel (the driver needs drivers/s390/cio/*.h, which no headers
# package ships).

# Kbuild reads this file for "make -C KDIR M=$PWD" with KBUILD_EXTMOD
# set.  (Not KERNELRELEASE: DKMS puts that on the command line of the
# user-facing part too.)  In a kernel tree the driver is built by
# drivers/s390/cio/Makefile instead: see install-in-tree.sh, which
# copies the object list from here.
ifneq ($(KBUILD_EXTMOD),)
# --- kbuild part ---------------------------------------------------------

vfio_ccw-y := vfio_ccw_drv.o vfio_ccw_fsm.o vfio_ccw_ops.o vfio_ccw_sch.o \
	      vfio_ccw_cp.o vfio_ccw_crw.o vfio_ccw_pin.o vfio_ccw_mem.o \
	      vfio_ccw_region.o vfio_ccw_mdev.o vfio_ccw_irbq.o \
	      vfio_ccw_debugfs.o vfio_ccw_io.o

# define_trace.h includes "./vfio_ccw_tracing.h" relative to the include path.
CFLAGS_vfio_ccw_drv.o := -I$(src)

obj-m += vfio_ccw.o
ccflags-y += -I$(srctree)/drivers/s390/cio
# The KUnit suites, only when asked for (make kunit).
obj-$(CONFIG_VFIO_CCW_KUNIT_TEST) += tests/kunit/

else
# --- user-facing part ----------------------------------------------------

SHELL := /bin/bash
PWD := $(shell pwd)
HOST := $(PWD)/tests/host
RUN := $(PWD)/tests/run

ifeq ($(origin KDIR),undefined)
KDIR := $(shell $(HOST)/kdir.sh test 2>/dev/null)
KDIR_FROM_BENCH := 1
endif

# Cross-compile unless we are on s390x already.
ifneq ($(shell uname -m),s390x)
export ARCH ?= s390
export CROSS_COMPILE ?= s390x-linux-gnu-
endif

KMAKE = $(MAKE) -C $(KDIR) M=$(PWD)

.PHONY: all modules kunit clean demo bench fuzz check static sparse checkpatch \
	kerneldoc w1 setup kdir-check install modules_install intree compare check-long coverage

all: modules

# The build needs a configured tree (.config), the common I/O layer's
# private headers (drivers/s390/cio/*.h: a source tree, not a headers
# package) and a kernel with VFIO and the mdev core.
kdir-check:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		if [ -n "$(KDIR_FROM_BENCH)" ]; then \
			echo "No bench kernel built yet: run 'make setup' (or pass KDIR=<configured kernel tree>)." >&2; \
		else \
			echo "KDIR=$(KDIR) is not a configured kernel tree." >&2; \
		fi; \
		exit 1; \
	fi
	@src=$$(sed -n 's/^include \(.*\)\/Makefile$$/\1/p' $(KDIR)/Makefile | head -n 1); \
	src=$${src:-$(KDIR)}; \
	if [ ! -f "$$src/drivers/s390/cio/css.h" ]; then \
		echo "$(KDIR): no drivers/s390/cio/css.h; vfio_ccw needs the configured source tree of the kernel, not its headers package." >&2; \
		exit 1; \
	fi
	@for c in CONFIG_CCW CONFIG_VFIO CONFIG_VFIO_MDEV; do \
		grep -qE "^$$c=(y|m)" $(KDIR)/.config || \
			{ echo "$(KDIR): $$c is not set; vfio_ccw needs it (an s390 kernel with VFIO and VFIO_MDEV)." >&2; exit 1; }; \
	done

modules: kdir-check
	$(KMAKE) modules

# Driver plus the KUnit module (tests/kunit/vfio_ccw_kunit.ko).
kunit: kdir-check
	$(KMAKE) CONFIG_VFIO_CCW_KUNIT_TEST=m modules

# Into /lib/modules/<release>/updates (modprobe prefers it to the
# in-tree vfio_ccw.ko), under INSTALL_MOD_PATH if given; runs depmod.
install modules_install: modules
	$(KMAKE) INSTALL_MOD_DIR=updates modules_install

# Drop the driver into a kernel source tree as drivers/s390/cio/vfio_ccw
# (Kconfig entry, Makefile lines and all): make intree KSRC=<tree>.
intree:
	@[ -n "$(KSRC)" ] || { echo "usage: make intree KSRC=<kernel source tree>" >&2; exit 1; }
	$(PWD)/install-in-tree.sh $(KSRC)

clean:
	@if [ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ]; then \
		$(KMAKE) CONFIG_VFIO_CCW_KUNIT_TEST=m clean; \
	fi
	rm -rf tests/guest/selftests/build

# --- static checks -------------------------------------------------------
# One script runs them (tests/run/static.sh), for make check as here.

static sparse checkpatch kerneldoc w1: kdir-check
	@KDIR=$(KDIR) $(RUN)/static.sh --logs $(PWD)/tests/out/static \
		$(if $(filter static,$@),,$@)

# --- the bench -----------------------------------------------------------

setup:
	$(HOST)/setup.sh

demo:
	$(RUN)/demo.sh

bench:
	$(RUN)/bench.sh

fuzz:
	$(RUN)/fuzz.sh

check:
	$(RUN)/check.py

compare:
	$(RUN)/check.py --compare

check-long:
	$(RUN)/check.py --long

coverage:
	$(RUN)/check.py --coverage

endif
