# Written by xen-provisioner, which configures this guest's network itself: cloud-init must not
# replace that configuration with its own (DHCP on the first NIC) at first boot.
# Only written where the base has cloud-init (/etc/cloud).
network: {config: disabled}
