#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The static checks, as KTAP on stdout (one test each, its log in
# LOG_DIR/<check>.log):
#
#   static.sh [--module DIR] [--logs LOG_DIR] [CHECK...]
#
#   errno_catalogue  Documentation/errno-catalogue.rst is what
#                    tests/run/catalogue.py renders from its definition
#   locking          Documentation/locking.rst's ownership table is what
#                    tests/run/locking.py makes from vfio_ccw_private.h
#   fsm_doc          the state table's grid (design.rst) and graph
#                    (fsm.dot) are what tests/run/fsm_doc.py makes of it
#   sparse           C=2 build of the module and the KUnit module
#   checkpatch       scripts/checkpatch.pl with the options and ignore
#                    list of .checkpatch.conf (checkpatch reads it itself)
#   kerneldoc        scripts/kernel-doc -none -Wall
#   w1               a W=1 build from clean
#
# A build check fails when make fails (a failed link, modpost's ERROR)
# or when its log has a warning or an error in any case (gcc's
# "warning:", modpost's "WARNING:" and "ERROR:").  --module DIR checks
# the kbuild module in DIR instead of this driver (the harness's own
# tests use it).  KDIR: the configured kernel tree (default: the
# cached test kernel).  Exit status 1 if a check failed.
set -uo pipefail
. "$(dirname "$0")/../host/lib.sh"

moddir=$REPO_DIR
logs=$REPO_DIR/tests/out/static
while [ $# -gt 0 ]; do
	case $1 in
	--module) moddir=$(cd "$2" && pwd); shift 2 ;;
	--logs) logs=$2; shift 2 ;;
	*) break ;;
	esac
done
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(errno_catalogue locking fsm_doc sparse checkpatch kerneldoc w1)
mkdir -p "$logs"
KDIR=${KDIR:-$("$HOST_DIR/kdir.sh" test)} || die "no test kernel: run make setup"
src=$(ksrc_dir) || die "no kernel source: run make setup"

sources() {
	find "$moddir" -maxdepth 1 -name '*.[ch]' ! -name '*.mod.c' | sort
	find "$moddir/tests/kunit" -maxdepth 1 -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort
}

# build_clean LOG MAKE-ARGS...: the module built from clean; fails when
# make does or when the log says "warning" or "error" anywhere
build_clean() {
	local log=$1
	shift
	make -C "$KDIR" M="$moddir" CONFIG_VFIO_CCW_KUNIT_TEST=m clean >/dev/null 2>&1
	make -C "$KDIR" M="$moddir" CONFIG_VFIO_CCW_KUNIT_TEST=m "$@" modules 2>&1 | tee "$log" >/dev/null ||
		{ echo "make failed: $(tail -n 1 "$log")"; return 1; }
	! grep -m 1 -i -E '(^|[^[:alnum:]_])(warning|error)[: ]' "$log"
}

check_errno_catalogue() {
	python3 "$RUN_DIR/catalogue.py" check
}

check_locking() {
	python3 "$RUN_DIR/locking.py" check
}

check_fsm_doc() {
	python3 "$RUN_DIR/fsm_doc.py" check
}

check_sparse() {
	build_clean "$1" C=2 CF="-D__CHECK_ENDIAN__"
}

check_w1() {
	build_clean "$1" W=1
}

# checkpatch reads .checkpatch.conf from the directory it runs in.
check_checkpatch() {
	# shellcheck disable=SC2046
	(cd "$moddir" && "$src/scripts/checkpatch.pl" -f $(sources))
}

check_kerneldoc() {
	local out
	# shellcheck disable=SC2046
	out=$("$src/scripts/kernel-doc" -none -Wall $(sources) 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

echo "KTAP version 1"
echo "1..${#checks[@]}"
n=0
bad=0
for c in "${checks[@]}"; do
	n=$((n + 1))
	log "static: $c"
	if "check_$c" "$logs/$c.log.tmp" >"$logs/$c.log" 2>&1; then
		echo "ok $n $c"
	else
		echo "# $c: $(grep -m 1 -v '^$' "$logs/$c.log" | cut -c1-160) (see $logs/$c.log)"
		echo "not ok $n $c"
		bad=1
	fi
	[ -f "$logs/$c.log.tmp" ] && cat "$logs/$c.log.tmp" >>"$logs/$c.log" && rm -f "$logs/$c.log.tmp"
done
exit $bad
