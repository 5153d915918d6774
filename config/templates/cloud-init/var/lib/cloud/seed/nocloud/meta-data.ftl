instance-id: ${instanceId}
local-hostname: ${hostname}
