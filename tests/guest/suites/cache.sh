# SPDX-License-Identifier: GPL-2.0
# The pin cache (module parameter pin_cache=1, off by default: it keeps
# pages pinned after their I/O, which breaks QEMU's RAM-discard
# contract; see Documentation/admin-guide.rst): the async selftests and
# an unmap under a running program with our module loaded so, for the
# cache's paths in the coverage boot.  Ours only: upstream's module has
# no such parameter.
SCH=0.0.0000

cache_tests() {
	ktap_run vfio_async 600 vfio-async -f async
	ktap_run unmap_busy 300 vfio-async -f unmap_busy
	check cached_after eval '[ "$(cat /sys/module/vfio_ccw/parameters/pin_cache)" = Y ] ||
		fail "pin_cache is $(cat /sys/module/vfio_ccw/parameters/pin_cache)"'
}

cache_once() {
	[ "$DRIVER" = ours ] || return 0
	OURS_ARGS=pin_cache=1
	with_mdev cache_tests
	OURS_ARGS=
}

for_each_driver cache_once
