# Xen domain config for ${hostname}, written by xen-provisioner (xl.cfg syntax)
name = "${hostname}"
memory = ${memory?c}
vcpus = ${vcpus?c}
bootloader = "pygrub"
disk = [ 'format=raw, vdev=xvda, access=rw, target=${image}' ]
vif = [ 'mac=${mac}, bridge=${bridge}' ]
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "restart"
