DEVICE=eth0
BOOTPROTO=static
HWADDR=${mac}
IPADDR=${ip}
NETMASK=${netmask}
<#if gateway?has_content>
GATEWAY=${gateway}
</#if>
ONBOOT=yes
