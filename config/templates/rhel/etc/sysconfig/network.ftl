NETWORKING=yes
HOSTNAME=${hostname}
<#if gateway?has_content>
GATEWAY=${gateway}
</#if>
