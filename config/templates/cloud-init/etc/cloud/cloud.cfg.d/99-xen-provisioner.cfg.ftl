# Written by xen-provisioner: this guest is configured by the NoCloud seed in
# /var/lib/cloud/seed/nocloud/; no time is spent looking for a cloud's metadata service.
datasource_list: [ NoCloud, None ]
