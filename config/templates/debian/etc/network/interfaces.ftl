# Written by xen-provisioner
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet static
    address ${ip}
    netmask ${netmask}
<#if gateway?has_content>
    gateway ${gateway}
</#if>
