#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one flavour of the s390x bench kernel into the cache.
#
#   build-kernel.sh FLAVOUR        (test | sanitize | perf | coverage)
#
# The flavours are those of lib.sh's flavour_fragments, which names each
# one's fragments in tests/guest/kconfig/ (there is no test.config; a
# flavour it does not know dies in flavour_key).  The build directory is
# keyed by kernel version and a hash of the options the fragments set and
# of this script's commands (lib.sh: flavour_key, build_key), so a changed
# option or command or a new kernel gets a new build and an unchanged one
# is reused; comments cost none.  Prints the build directory on stdout;
# progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build-kernel.sh FLAVOUR}
src=$(ksrc_dir) || die "kernel source not fetched; run tests/host/fetch-source.sh"
out=$(kbuild_dir "$flavour")

if [ -f "$out/.complete" ]; then
	log "kernel '$flavour' is cached: $out"
	echo "$out"
	exit 0
fi

# shellcheck disable=SC2207
frags=($(flavour_fragments "$flavour"))
log "building kernel '$flavour' ($(ksrc_version)) into $out"
rm -rf "$out"
mkdir -p "$out"
buildlog=$out/build.log

# Merge the fragments onto allnoconfig with the kernel's own tool.
(cd "$src" && ARCH=$ARCH CROSS_COMPILE=$CROSS_COMPILE \
	scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}") >"$out/config.log" 2>&1 ||
	{ cat "$out/config.log" >&2; die "merge_config.sh failed"; }

# Every symbol a fragment asks for must have taken; a silently dropped
# option (a missing dependency) would make the bench test less than it
# claims.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" || {
			log "fragment asks for '$line' but .config has '$(grep "^${line%%=*}=" "$out/.config" || echo unset)'"
			missing=1
		}
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" "$out/.config" || { log "fragment unsets $sym but it is set"; missing=1; }
		;;
	esac
done < <(cat "${frags[@]}")
[ "$missing" = 0 ] || die "config fragments did not apply cleanly (see $out/config.log)"

# Build in the background and report progress every 20 s: a cold build
# takes several minutes and must not look like a hang.
kmake() {
	make -C "$src" O="$out" ARCH=$ARCH CROSS_COMPILE=$CROSS_COMPILE "$@"
}
start=$SECONDS
kmake -j"$JOBS" bzImage modules >"$buildlog" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20 &
	wait $! || true
	kill -0 "$pid" 2>/dev/null || break
	objs=$(find "$out" -name '*.o' | wc -l)
	log "  $flavour: $((SECONDS - start)) s, $objs objects, last: $(tail -n1 "$buildlog" | cut -c1-70)"
done
if ! wait "$pid"; then
	tail -n 40 "$buildlog" >&2
	die "kernel build failed (full log: $buildlog)"
fi
log "  $flavour: compiled in $((SECONDS - start)) s; installing modules and headers"
kmake -s INSTALL_MOD_PATH="$out/mod-install" modules_install >>"$buildlog" 2>&1
kmake -s INSTALL_HDR_PATH="$out/hdr-install" headers_install >>"$buildlog" 2>&1
touch "$out/.complete"
log "kernel '$flavour' ready in $((SECONDS - start)) s"
echo "$out"
