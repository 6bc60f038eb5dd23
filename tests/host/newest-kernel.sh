#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The newest kernel source Debian ships (the highest linux-source-X.Y in
# forky), fetched with the same private apt state as fetch-source.sh,
# configured with tests/guest/kconfig/newest.config and built (vmlinux and
# modules: modpost needs its Module.symvers) into the cache, keyed by
# version and fragment like the bench kernels.  Prints the build
# directory; progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

APTDIR=$VFIO_CCW_CACHE/apt-newest
private_apt "$APTDIR" amd64
mkdir -p "$VFIO_CCW_CACHE/src"
echo "deb [arch=amd64 signed-by=$KEYRING] $MIRROR forky main" >"$APTDIR/sources.list"

if [ ! -f "$APTDIR/newest" ] || [ "${1:-}" = --refresh ]; then
	log "looking for Debian's newest kernel source (forky)"
	apt-get "${APT_OPTS[@]}" -q update >&2
	pkg=$(apt-cache "${APT_OPTS[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
		awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$pkg" ] || die "no linux-source-X.Y in forky"
	ver=$(apt-cache "${APT_OPTS[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
	echo "$pkg $ver" >"$APTDIR/newest"
fi
read -r pkg ver <"$APTDIR/newest"

tree=$VFIO_CCW_CACHE/src/linux-$ver
if [ ! -f "$tree/Makefile" ]; then
	deb=$VFIO_CCW_CACHE/src/${pkg}_${ver}_all.deb
	if [ ! -f "$deb" ]; then
		log "downloading $pkg $ver (about 150 MB)"
		dl=$(mktemp -d "$VFIO_CCW_CACHE/src/dl.XXXXXX")
		(cd "$dl" && apt-get "${APT_OPTS[@]}" -o quiet=0 download "$pkg=$ver" >&2)
		mv "$dl"/*.deb "$deb"
		rmdir "$dl"
	fi
	log "unpacking $pkg $ver"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
	rm -f "$deb"
fi

frag=$REPO_DIR/tests/guest/kconfig/newest.config
key=$(build_key "$0" "$frag")
out=$VFIO_CCW_CACHE/build/newest-$ver-$key
if [ -f "$out/.complete" ]; then
	log "newest kernel ($pkg $ver) is cached: $out"
	echo "$out"
	exit 0
fi
for old in "$VFIO_CCW_CACHE/build/newest-"*; do
	[ -d "$old" ] && [ "$old" != "$out" ] && rm -rf "$old"
done
log "building the newest kernel ($pkg $ver) into $out"
rm -rf "$out"
mkdir -p "$out"
(cd "$tree" && scripts/kconfig/merge_config.sh -n -O "$out" "$frag") >"$out/config.log" 2>&1 ||
	{ cat "$out/config.log" >&2; die "merge_config.sh failed"; }
grep -q '^CONFIG_VFIO_CCW=m' "$out/.config" ||
	die "CONFIG_VFIO_CCW=m did not take in $pkg $ver (see $out/config.log)"
start=$SECONDS
make -C "$tree" O="$out" -j"$JOBS" vmlinux modules >"$out/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20 &
	wait $! || true
	kill -0 "$pid" 2>/dev/null || break
	log "  newest: $((SECONDS - start)) s, $(find "$out" -name '*.o' | wc -l) objects"
done
wait "$pid" || { tail -n 30 "$out/build.log" >&2; die "build of $pkg $ver failed (see $out/build.log)"; }
touch "$out/.complete"
log "newest kernel ready in $((SECONDS - start)) s"
echo "$out"
