#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packaging tests, on the host, against the cached bench kernels: a KTAP
# document on stdout, one test each.
#
#   packaging.sh OUT_DIR
#
#   install        make install INSTALL_MOD_PATH=...: the module lands
#                  in lib/modules/<release>/updates and depmod knows it
#   kdir_refused   KDIR without the cio headers, and without
#                  CONFIG_VFIO_MDEV: the build refuses and says why
#   dkms           dkms add/build/install of this tree (private dkms,
#                  source and install trees) for the test kernel
#   dkms_refused   dkms refuses a kernel without CONFIG_VFIO_MDEV
#   intree         install-in-tree.sh into a copy of the kernel source
#                  (twice: the second run changes nothing), then the
#                  module built there, as an in-tree module, warning-free
#   newest         the module against the newest kernel Debian ships
#                  (tests/host/newest-kernel.sh), compile- and
#                  modpost-clean
set -uo pipefail
. "$(dirname "$0")/../host/lib.sh"

out=${1:?usage: packaging.sh OUT_DIR}
mkdir -p "$out"
kb=$("$HOST_DIR/kdir.sh" test) || die "test kernel missing"
krel=$(cat "$kb/include/config/kernel.release")
tmp=$(mktemp -d "$VFIO_CCW_CACHE/pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# row NAME PASS|FAIL [reason]: one KTAP test
N=0
row() {
	N=$((N + 1))
	[ -n "${3:-}" ] && echo "# $1: $3"
	if [ "$2" = PASS ]; then
		echo "ok $N $1"
	else
		echo "not ok $N $1"
	fi
}
echo "KTAP version 1"

# warnings LOG: compiler or modpost warnings in a build log.
warnings() {
	grep -iE '(warning|error)[: ]' "$1" | grep -v '^make' | head -n 1
}

# A copy of the repository's sources, as a tarball of them would be.
src=$tmp/src/vfio-ccw-1.0
mkdir -p "$src"
(cd "$REPO_DIR" && git ls-files -z 2>/dev/null || find . -type f -not -path './.git/*' -print0) |
	(cd "$REPO_DIR" && xargs -0 cp --parents -t "$src")

# --- make install -----------------------------------------------------------
log "packaging: make install"
if make -C "$src" KDIR="$kb" install INSTALL_MOD_PATH="$tmp/root" >"$out/install.log" 2>&1 &&
   [ -f "$tmp/root/lib/modules/$krel/updates/vfio_ccw.ko" ] &&
   grep -q '^updates/vfio_ccw.ko:' "$tmp/root/lib/modules/$krel/modules.dep"; then
	row install PASS "lib/modules/$krel/updates/vfio_ccw.ko, in modules.dep"
else
	row install FAIL "$(tail -n 2 "$out/install.log" | tr '\n' ' ')"
fi

# --- a KDIR the module cannot be built against ------------------------------
log "packaging: refusals"
mkdir -p "$tmp/headers-only" "$tmp/no-mdev"
printf 'include %s/Makefile\n' "$(ksrc_dir)" >"$tmp/no-mdev/Makefile"
grep -v '^CONFIG_VFIO_MDEV=' "$kb/.config" >"$tmp/no-mdev/.config"
cp "$kb/.config" "$tmp/headers-only/.config"
echo 'all:' >"$tmp/headers-only/Makefile"
a=$(make -C "$src" KDIR="$tmp/headers-only" modules 2>&1 | grep -m1 'not its headers package')
b=$(make -C "$src" KDIR="$tmp/no-mdev" modules 2>&1 | grep -m1 'CONFIG_VFIO_MDEV is not set')
if [ -n "$a" ] && [ -n "$b" ]; then
	row kdir_refused PASS "headers only and no VFIO_MDEV: both refused by name"
else
	row kdir_refused FAIL "headers only: '${a:-built}'; no VFIO_MDEV: '${b:-built}'"
fi

# --- DKMS --------------------------------------------------------------------
log "packaging: dkms"
dkms_() {
	dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/inst" "$@"
}
if ! command -v dkms >/dev/null; then
	row dkms FAIL "dkms is not installed (tests/host/setup.sh installs it)"
else
	mkdir -p "$tmp/dkms" "$tmp/inst/$krel"
	if dkms_ add -m vfio-ccw -v 1.0 >"$out/dkms.log" 2>&1 &&
	   dkms_ build -m vfio-ccw -v 1.0 -k "$krel" --kernelsourcedir "$kb" >>"$out/dkms.log" 2>&1 &&
	   dkms_ install -m vfio-ccw -v 1.0 -k "$krel" --kernelsourcedir "$kb" --no-depmod \
		>>"$out/dkms.log" 2>&1 &&
	   ko=$(find "$tmp/inst" -name 'vfio_ccw.ko*' | head -n 1) && [ -n "$ko" ]; then
		row dkms PASS "built and installed: ${ko#"$tmp/inst/"}"
	else
		row dkms FAIL "$(grep -m2 -iE 'error|fail' "$out/dkms.log" | tr '\n' ' ')"
	fi
	# another release name: dkms skips a build it has done for a release
	if dkms_ build -m vfio-ccw -v 1.0 -k "$krel-no-mdev" --kernelsourcedir "$tmp/no-mdev" \
		>"$out/dkms-refused.log" 2>&1; then
		row dkms_refused FAIL "dkms built for a kernel without CONFIG_VFIO_MDEV"
	elif grep -q 'BUILD_EXCLUSIVE' "$out/dkms-refused.log"; then
		row dkms_refused PASS "$(grep -m1 'BUILD_EXCLUSIVE' "$out/dkms-refused.log" |
			sed 's#.*/dkms.conf#dkms.conf#' | cut -c1-140)"
	else
		row dkms_refused FAIL "refused, but not by BUILD_EXCLUSIVE: $(tail -n 1 "$out/dkms-refused.log")"
	fi
fi

# --- in tree -------------------------------------------------------------------
log "packaging: in-tree build"
# tree_hash TREE: what install-in-tree.sh writes, names and contents
tree_hash() {
	(cd "$1" && find drivers/s390/cio/Makefile arch/s390/Kconfig drivers/s390/cio/vfio_ccw_* \
		-type f | sort | xargs sha256sum | sha256sum)
}

intree() {
	local tree=$tmp/linux o=$tmp/intree-out h1 h2
	cp -al "$(ksrc_dir)" "$tree" || return 1
	"$src/install-in-tree.sh" "$tree" || return 1
	h1=$(tree_hash "$tree")
	"$src/install-in-tree.sh" "$tree" >/dev/null || return 1
	h2=$(tree_hash "$tree")
	[ "$h1" = "$h2" ] || { echo "a second install-in-tree.sh changed the tree"; return 1; }
	mkdir -p "$o"
	cp "$kb/.config" "$o/.config"
	make -s -C "$tree" O="$o" olddefconfig || return 1
	grep -q '^CONFIG_VFIO_CCW=m' "$o/.config" || { echo "CONFIG_VFIO_CCW=m did not take"; return 1; }
	make -s -C "$tree" O="$o" -j"$JOBS" modules_prepare || return 1
	# modpost checks in-tree modules against vmlinux.o: the test
	# kernel's, built from the same source and configuration.
	ln -s "$kb/vmlinux.o" "$o/vmlinux.o"
	make -C "$tree" O="$o" -j"$JOBS" W=1 drivers/vfio/mdev/mdev.ko \
		drivers/s390/cio/vfio_ccw.ko || return 1
	[ "$(modinfo -F intree "$o/drivers/s390/cio/vfio_ccw.ko")" = Y ] ||
		{ echo "not marked as an in-tree module"; return 1; }
}
if intree >"$out/intree.log" 2>&1; then
	w=$(warnings "$out/intree.log")
	if [ -z "$w" ]; then
		row intree PASS "drivers/s390/cio/vfio_ccw.ko built in the tree (intree=Y), W=1 clean"
	else
		row intree FAIL "$w"
	fi
else
	row intree FAIL "$(tail -n 2 "$out/intree.log" | tr '\n' ' ')"
fi

# --- the newest kernel -----------------------------------------------------------
log "packaging: the newest kernel"
if nb=$("$HOST_DIR/newest-kernel.sh" 2>"$out/newest-kernel.log"); then
	nrel=$(cat "$nb/include/config/kernel.release")
	rm -rf "$tmp/newest" && mkdir -p "$tmp/newest"
	cp -r "$src"/. "$tmp/newest/"
	if make -C "$tmp/newest" KDIR="$nb" W=1 modules >"$out/newest.log" 2>&1; then
		w=$(warnings "$out/newest.log")
		if [ -z "$w" ]; then
			row newest PASS "built against $nrel, compile and modpost clean (W=1)"
		else
			row newest FAIL "$nrel: $w"
		fi
	else
		row newest FAIL "$nrel: $(grep -m1 -E 'error' "$out/newest.log")"
	fi
else
	row newest FAIL "no newest kernel: $(tail -n 1 "$out/newest-kernel.log")"
fi
