#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict on our sources, with the one ignore list kept
# in .checkpatch-ignore (one type per line, each with its reason).
#
#   checkpatch.sh KDIR FILE...
set -euo pipefail
. "$(dirname "$0")/../host/lib.sh"
kdir=${1:?usage: checkpatch.sh KDIR FILE...}
shift
src=$(ksrc_dir)
ignore=$(grep -v '^\s*#' "$REPO_DIR/.checkpatch-ignore" | awk 'NF { print $1 }' | paste -sd, -)
"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	${ignore:+--ignore "$ignore"} -f "$@"
