# Written by xen-provisioner. Matches the NIC by MAC: Xen NICs are eth0 on older guests, enX0 on newer.
# Only written when the base image uses netplan (/etc/netplan/*.yaml); the base's own files are set aside.
network:
  version: 2
  ethernets:
    xen-vif0:
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
