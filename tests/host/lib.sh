# SPDX-License-Identifier: GPL-2.0
# Common settings for the bench scripts.  Sourced, never run.
#
# Everything that is expensive to make (the kernel source, the kernel
# builds, s390x user-space packages) lives in a cache directory outside
# the repository so that a fresh clone reuses it.  Override with
# VFIO_CCW_CACHE.

: "${VFIO_CCW_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/vfio-ccw-bench}"
export VFIO_CCW_CACHE

# The parts of tests/: host set-up (here), the VM runner and image tools,
# what runs in the guest, and the commands behind the make targets.
HOST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$HOST_DIR/../.." && pwd)
VM_DIR=$REPO_DIR/tests/vm
GUEST_DIR=$REPO_DIR/tests/guest
RUN_DIR=$REPO_DIR/tests/run
export HOST_DIR REPO_DIR VM_DIR GUEST_DIR RUN_DIR

# The kernel we test against: Debian's linux-source package of this series.
KSERIES=6.12
KSRC_PKG=linux-source-$KSERIES

ARCH=s390
CROSS_COMPILE=s390x-linux-gnu-
export ARCH CROSS_COMPILE

JOBS=${JOBS:-$(($(nproc) + 1))}

log() {
	printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

# The unpacked kernel source tree, once fetched (see fetch-source.sh).
ksrc_dir() {
	local f=$VFIO_CCW_CACHE/src/current
	[ -f "$f" ] || return 1
	cat "$f"
}

# Kernel version of the cached source, e.g. 6.12.57.
ksrc_version() {
	local d
	d=$(ksrc_dir) || return 1
	make -s -C "$d" kernelversion 2>/dev/null
}

# Fragments that make up a flavour, in merge order.
flavour_fragments() {
	local k=$REPO_DIR/tests/guest/kconfig

	case "$1" in
	test) echo "$k/base.config $k/debug.config" ;;
	sanitize) echo "$k/base.config $k/debug.config $k/sanitize.config" ;;
	perf) echo "$k/base.config $k/perf.config" ;;
	coverage) echo "$k/base.config $k/debug.config $k/coverage.config" ;;
	*) return 1 ;;
	esac
}

# build_key SCRIPT FRAGMENT...: a hash of what a kernel build depends
# on: the options the fragments set once merged (the last fragment to
# name a symbol wins, as with merge_config.sh), sorted, and the commands
# of the script that builds it without its comments.  A comment or the
# order of lines costs no kernel build.
build_key() {
	local script=$1
	shift
	{
		awk '
			/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s); opt[s] = $0 }
			/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { opt[$2] = $0 }
			END { for (s in opt) print opt[s] }' "$@" | LC_ALL=C sort
		grep -v -E '^[[:space:]]*(#|$)' "$script"
	} | sha256sum | cut -c1-12
}

# Cache key of a flavour: its name, the kernel version, build_key.
flavour_key() {
	local frags ver
	frags=$(flavour_fragments "$1") || die "unknown flavour '$1'"
	ver=$(ksrc_version) || die "kernel source not fetched; run tests/host/setup.sh"
	# shellcheck disable=SC2086
	echo "$1-$ver-$(build_key "$HOST_DIR/build-kernel.sh" $frags)"
}

# Build directory (O=) of a flavour.
kbuild_dir() {
	echo "$VFIO_CCW_CACHE/build/$(flavour_key "$1")"
}

# Debian's archive, as the host's own sources name it; override for a
# local mirror.  (Used by the scripts that source this file.)
# shellcheck disable=SC2034
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# shellcheck disable=SC2034
SECMIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# shellcheck disable=SC2034
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# private_apt DIR ARCH...: an apt state of our own in DIR, for packages
# the host does not install (the system's apt configuration is never
# touched): creates its directories and sets APT_OPTS for apt-get and
# apt-cache.  The first ARCH is the native one; the caller writes
# DIR/sources.list.
private_apt() {
	local dir=$1 a
	shift
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	APT_OPTS=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=/dev/null"
		-o "Dir::Cache=$dir/cache"
		-o "APT::Architecture=$1"
	)
	for a in "$@"; do
		APT_OPTS+=(-o "APT::Architectures::=$a")
	done
	APT_OPTS+=(
		-o "Acquire::Languages=none"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=root"
	)
}
