#cloud-config
# Written by xen-provisioner: cloud-init's NoCloud seed for this guest. The host name comes from
# meta-data, the network from network-config beside this file. /etc/hosts is written by
# xen-provisioner, so cloud-init leaves it alone. Add users, SSH keys or packages here.
preserve_hostname: false
manage_etc_hosts: false
