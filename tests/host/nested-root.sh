#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The s390x user space of the nested tests: Debian bookworm's QEMU
# (qemu-system-s390x from qemu-system-misc, s390-ccw.img from
# qemu-system-data) and mdevctl, with everything they load.  The
# packages are fetched with a private apt state for s390x (the system's
# apt configuration is left alone), unpacked, and the programs, the
# libraries they need (NEEDED, followed with s390x-linux-gnu-readelf)
# and the dynamic loader are copied into a tree the initramfs takes
# whole.  Prints that tree; progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

A=$VFIO_CCW_CACHE/apt-s390x
private_apt "$A" s390x
mkdir -p "$VFIO_CCW_CACHE/nested"
cat >"$A/sources.list" <<EOF
deb [arch=s390x signed-by=$KEYRING] $MIRROR bookworm main
deb [arch=s390x signed-by=$KEYRING] $MIRROR bookworm-updates main
deb [arch=s390x signed-by=$KEYRING] $SECMIRROR bookworm-security main
EOF
PACKAGES=(qemu-system-misc qemu-system-data mdevctl)
# What the guest runs, from the unpacked packages.
PROGRAMS=(usr/bin/qemu-system-s390x usr/bin/mdevctl)
DATA=(usr/share/qemu/s390-ccw.img)

if [ ! -s "$A/lists/lock" ] && [ -z "$(ls "$A/lists/"*Packages* 2>/dev/null)" ]; then
	log "updating the private s390x apt lists (bookworm)"
	apt-get "${APT_OPTS[@]}" -q update >&2
fi
log "fetching ${PACKAGES[*]} (s390x) and their dependencies (about 70 MB)"
apt-get "${APT_OPTS[@]}" -qq --no-install-recommends --download-only \
	install "${PACKAGES[@]}" >&2

# The packages apt chose (a simulated install from nothing), as files.
debs=$(apt-get "${APT_OPTS[@]}" -s -qq --no-install-recommends install "${PACKAGES[@]}" |
	awk '$1 == "Inst" { print $2 }' | sort |
	while read -r p; do
		f=$(ls "$A/cache/archives/${p}_"*.deb 2>/dev/null | tail -n 1)
		[ -n "$f" ] || { echo "MISSING:$p"; continue; }
		basename "$f"
	done)
[ -n "$debs" ] || die "apt resolved nothing for ${PACKAGES[*]}"
! grep -q '^MISSING:' <<<"$debs" ||
	die "not downloaded: $(grep '^MISSING:' <<<"$debs" | cut -d: -f2 | tr '\n' ' ')"
key=$( (echo "$debs"; cat "$0") | sha256sum | cut -c1-12)
root=$VFIO_CCW_CACHE/nested/root-$key
if [ -f "$root/.complete" ]; then
	log "nested user space is cached: $root"
	echo "$root"
	exit 0
fi
for old in "$VFIO_CCW_CACHE/nested/root-"*; do
	[ -d "$old" ] && [ "$old" != "$root" ] && rm -rf "$old"
done

all=$(mktemp -d "$VFIO_CCW_CACHE/nested/unpack.XXXXXX")
trap 'rm -rf "$all"' EXIT
log "unpacking $(echo "$debs" | wc -l) packages"
while read -r d; do
	dpkg -x "$A/cache/archives/$d" "$all"
done <<<"$debs"

rm -rf "$root"
mkdir -p "$root/lib/s390x-linux-gnu"
for f in "${PROGRAMS[@]}" "${DATA[@]}"; do
	[ -f "$all/$f" ] || die "$f is not in the packages"
	install -D -m "$( [ -x "$all/$f" ] && echo 755 || echo 644)" "$all/$f" "$root/$f"
done

# find_lib NAME: the library file in the unpacked tree (through links).
find_lib() {
	local d
	for d in lib/s390x-linux-gnu usr/lib/s390x-linux-gnu lib usr/lib; do
		[ -e "$all/$d/$1" ] && { readlink -f "$all/$d/$1"; return 0; }
	done
	return 1
}

# The NEEDED closure of the programs.
todo=("${PROGRAMS[@]/#/$root/}")
declare -A seen
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for lib in $(s390x-linux-gnu-readelf -d "$f" 2>/dev/null |
		     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${seen[$lib]:-}" ] && continue
		seen[$lib]=1
		src=$(find_lib "$lib") || die "$lib (needed by ${f#"$root/"}) is in none of the packages"
		cp "$src" "$root/lib/s390x-linux-gnu/$lib"
		todo+=("$root/lib/s390x-linux-gnu/$lib")
	done
done
ld=$(find_lib ld64.so.1) || die "no ld64.so.1 in libc6"
cp "$ld" "$root/lib/s390x-linux-gnu/ld64.so.1"
ln -sf s390x-linux-gnu/ld64.so.1 "$root/lib/ld64.so.1"
touch "$root/.complete"
log "nested user space: ${#seen[@]} libraries, $(du -sh "$root" | cut -f1) in $root"
echo "$root"
