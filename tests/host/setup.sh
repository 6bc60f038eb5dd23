#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-time (and idempotent) set-up of the bench on Debian 12 x86_64, as
# root: Debian packages, Debian's linux-source-6.12, the s390x busybox,
# and the bench kernels (test, sanitize, perf).  A warm run
# checks and skips.
#
#   setup.sh [FLAVOUR...]      default: test sanitize perf
#   setup.sh --base            packages and sources only
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# cross compiler; qemu-system-s390x; sparse; kernel build; initramfs,
# headers and depmod; vm.py, kunit.py and checkpatch; dpkg-deb; the
# Hercules bench (hercules, dasdinit; s3270, the 3270 terminal); the packaging tests (dkms); the
# benchmark plot (gnuplot)
PACKAGES=(
	gcc-s390x-linux-gnu libc6-dev-s390x-cross
	qemu-system-misc
	sparse
	make gcc bc bison flex libssl-dev libelf-dev
	cpio rsync kmod xz-utils gzip
	python3 perl
	dpkg-dev
	hercules s3270
	dkms
	gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	log "installing Debian packages: ${missing[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >&2
else
	log "Debian packages present"
fi

"$HOST_DIR/fetch-source.sh"
if [ "${1:-}" = --base ]; then
	exit 0
fi

flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(test sanitize perf)
for f in "${flavours[@]}"; do
	keep=$("$HOST_DIR/build-kernel.sh" "$f")
	# Builds of this flavour for an older fragment or kernel: 1-2 GB each.
	for old in "$VFIO_CCW_CACHE/build/$f"-*; do
		if [ -d "$old" ] && [ "$old" != "$keep" ]; then
			log "removing stale build $old"
			rm -rf "$old"
		fi
	done
done
log "bench ready (cache: $VFIO_CCW_CACHE)"
