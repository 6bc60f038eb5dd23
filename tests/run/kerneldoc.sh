#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel-doc -none -Wall on our sources: any warning fails.
#
#   kerneldoc.sh KDIR FILE...
set -euo pipefail
. "$(dirname "$0")/../host/lib.sh"
kdir=${1:?usage: kerneldoc.sh KDIR FILE...}
shift
src=$(ksrc_dir)
out=$("$src/scripts/kernel-doc" -none -Wall "$@" 2>&1) || true
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
echo "kernel-doc: $# files clean"
