# Written by xen-provisioner (network config version 2). The NIC is matched by its MAC, however the
# guest names it (enX0 on newer guests, eth0 on older); cloud-init renders it for netplan, ifupdown,
# NetworkManager or network-scripts as the guest uses. The key "eth0" is only the name older
# cloud-init releases, which cannot look a name up by MAC, give the interface.
version: 2
ethernets:
  eth0:
    match:
      macaddress: "${mac}"
    dhcp4: false
    addresses:
      - ${ip}/${prefix?c}
<#if gateway?has_content>
    routes:
      - to: 0.0.0.0/0
        via: ${gateway}
</#if>
