/* Answers the few hypervisor calls `xl -N create` makes, so that xl parses a domain config without Xen. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <xenctrl.h>
#include <xenstore.h>

static int handle;

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger, unsigned open_flags) {
  (void) logger; (void) dombuild_logger; (void) open_flags;
  return (xc_interface *) &handle;
}
int xc_interface_close(xc_interface *xch) { (void) xch; return 0; }
struct xs_handle *xs_open(unsigned long flags) { (void) flags; return (struct xs_handle *) &handle; }
void xs_close(struct xs_handle *xsh) { (void) xsh; }
int xc_version(xc_interface *xch, int cmd, void *arg) {
  (void) xch; (void) arg;
  if (cmd == XENVER_version) return (4 << 16) | 17;
  if (cmd == XENVER_pagesize) return 4096;
  return 0;
}
int xc_physinfo(xc_interface *xch, xc_physinfo_t *info) {
  (void) xch;
  memset(info, 0, sizeof *info);
  info->threads_per_core = 1;
  info->cores_per_socket = 4;
  info->nr_cpus = 4;
  info->max_cpu_id = 3;
  info->nr_nodes = 1;
  info->max_node_id = 0;
  info->cpu_khz = 2000000;
  info->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow;
  info->total_pages = 4u << 18; /* 4 GiB */
  info->free_pages = 3u << 18;
  info->max_mfn = info->total_pages;
  return 0;
}
int xc_get_max_cpus(xc_interface *xch) { (void) xch; return 4; }
int xc_get_online_cpus(xc_interface *xch) { (void) xch; return 4; }
int xc_get_max_nodes(xc_interface *xch) { (void) xch; return 1; }
long xc_sharing_freed_pages(xc_interface *xch) { (void) xch; return 0; }
long xc_sharing_used_frames(xc_interface *xch) { (void) xch; return 0; }
