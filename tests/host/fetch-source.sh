#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-source-6.12 and the s390x user-space packages the
# guest needs, without touching the system's apt configuration: apt runs
# with a private source list, state and cache under $VFIO_CCW_CACHE/apt.
#
# Idempotent: once a source tree is unpacked it is reused; pass --refresh
# to look for a newer Debian revision.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

refresh=0
[ "${1:-}" = --refresh ] && refresh=1

APTDIR=$VFIO_CCW_CACHE/apt
private_apt "$APTDIR" amd64 s390x
mkdir -p "$VFIO_CCW_CACHE/src" "$VFIO_CCW_CACHE/debs"

# Same mirror as the host uses; trixie carries linux-source-6.12 (arch all,
# so only the amd64 index is read), bookworm the s390x busybox that matches
# the host's Debian release.
cat >"$APTDIR/sources.list" <<EOF
deb [arch=amd64 signed-by=$KEYRING] $MIRROR trixie main
deb [arch=amd64 signed-by=$KEYRING] $SECMIRROR trixie-security main
deb [arch=s390x signed-by=$KEYRING] $MIRROR bookworm main
EOF

need_update=$refresh
ksrc_dir >/dev/null 2>&1 || need_update=1
[ -n "$(ls "$VFIO_CCW_CACHE/debs/"busybox-static_*_s390x.deb 2>/dev/null)" ] || need_update=1

if [ "$need_update" = 1 ]; then
	log "updating private apt lists (trixie, trixie-security, bookworm)"
	apt-get "${APT_OPTS[@]}" -q update >&2
fi

# --- s390x busybox for the initramfs --------------------------------------
if [ -z "$(ls "$VFIO_CCW_CACHE/debs/"busybox-static_*_s390x.deb 2>/dev/null)" ]; then
	log "downloading busybox-static:s390x"
	(cd "$VFIO_CCW_CACHE/debs" &&
		apt-get "${APT_OPTS[@]}" -q download busybox-static:s390x/bookworm >&2)
fi
bb_deb=$(ls "$VFIO_CCW_CACHE/debs/"busybox-static_*_s390x.deb | tail -n1)
if [ ! -x "$VFIO_CCW_CACHE/busybox/bin/busybox" ]; then
	rm -rf "$VFIO_CCW_CACHE/busybox"
	dpkg -x "$bb_deb" "$VFIO_CCW_CACHE/busybox"
fi

# --- kernel source ---------------------------------------------------------
if [ "$refresh" = 0 ] && d=$(ksrc_dir 2>/dev/null) && [ -f "$d/Makefile" ]; then
	log "kernel source present: $d ($(ksrc_version))"
	exit 0
fi

ver=$(apt-cache "${APT_OPTS[@]}" policy "$KSRC_PKG" |
	awk '/Candidate:/ { print $2 }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "$KSRC_PKG not found in the private lists"
deb=$VFIO_CCW_CACHE/src/${KSRC_PKG}_${ver}_all.deb
if [ ! -f "$deb" ]; then
	log "downloading $KSRC_PKG $ver (about 150 MB)"
	tmp=$(mktemp -d "$VFIO_CCW_CACHE/src/dl.XXXXXX")
	(cd "$tmp" && apt-get "${APT_OPTS[@]}" -o quiet=0 download "$KSRC_PKG=$ver" >&2)
	mv "$tmp"/*.deb "$deb"
	rmdir "$tmp"
fi

tree=$VFIO_CCW_CACHE/src/linux-$ver
if [ ! -f "$tree/Makefile" ]; then
	log "unpacking $KSRC_PKG $ver"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
fi
echo "$tree" >"$VFIO_CCW_CACHE/src/current"
log "kernel source ready: $tree ($(ksrc_version))"
