# SPDX-License-Identifier: GPL-2.0
# The main job, shown to a person: pass subchannel 0.0.0000 through our
# driver the way an admin would, and show what user space then sees.
DRIVER=ours
SCH=0.0.0000

say() {
	echo "@@SAY $*"
}

for d in $CSS/devices/$SCH/0.*; do
	[ -e "$d/cutype" ] &&
		say "subchannel $SCH holds ccw device $(basename "$d") (cutype $(cat "$d/cutype"), devtype $(cat "$d/devtype")), driver $(driver_of $SCH)"
done
check load load_driver || return 0 2>/dev/null || exit 0
say "loaded our vfio_ccw.ko (out of tree: taint '$(cat /sys/module/vfio_ccw/taint)')"
check bind bind_vfio $SCH || return 0 2>/dev/null || exit 0
say "bound $SCH: driver $(driver_of $SCH), type vfio_ccw-io: \"$(cat $CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io/name)\", available_instances $(cat $CSS/devices/$SCH/mdev_supported_types/vfio_ccw-io/available_instances)"
uuid=$(new_uuid)
check create_mdev create_mdev $SCH "$uuid" || return 0 2>/dev/null || exit 0
grp=$(vfio_group_of "$uuid")
say "created mdev $uuid: /dev/vfio/$grp and $(vfio_cdev_of "$uuid")"
say "pimpampom $(cat $CSS/devices/$SCH/pimpampom)  chpids $(cat $CSS/devices/$SCH/chpids)"
out=$(vfio-info --group "$grp" --uuid "$uuid" 2>&1)
result open $([ $? = 0 ] && echo PASS || echo FAIL) "$out"
say "VFIO_DEVICE_GET_INFO through the container: $out"
out=$(vfio-senseid --group "$grp" --uuid "$uuid" --loops 200 2>&1)
result sense_id $([ $? = 0 ] && echo PASS || echo FAIL) "$(echo "$out" | tail -n1)"
echo "$out" | while read -r l; do say "SENSE ID through our driver: $l"; done
check remove_mdev remove_mdev "$uuid"
check unbind unbind_vfio $SCH
check unload unload_driver
say "mdev removed, $SCH back on $(driver_of $SCH), module unloaded"
