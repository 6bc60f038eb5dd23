#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the build directory of a cached bench kernel flavour if it is
# complete; exit 1 (printing nothing) otherwise.  Never builds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
d=$(kbuild_dir "${1:-test}" 2>/dev/null) || exit 1
[ -f "$d/.complete" ] || exit 1
echo "$d"
