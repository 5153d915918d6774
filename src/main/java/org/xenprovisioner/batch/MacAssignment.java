package org.xenprovisioner.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xenprovisioner.intake.XenMacs;

/**
 * Gives every row that left its MAC empty one of {@link XenMacs}, in list order, unique against the
 * MACs of the batch's other rows and those {@link GuestClaims.Open} holds taken: claimed by the open
 * batches (on any Dom0) or given by the domain configs already in this node's
 * {@code provisioner.xen-config-dir}. Runs under the ledger's submission lock, so two batches
 * submitted at once never get the same one.
 */
final class MacAssignment {

  private MacAssignment() {
  }

  static List<GuestPlacement.Placed> assign(List<GuestPlacement.Placed> placed, GuestClaims.Open open) {
    if (placed.stream().allMatch(place -> place.guest().mac() != null)) {
      return placed;
    }
    Set<String> taken = new HashSet<>(open.macs());
    placed.stream().map(place -> place.guest().mac()).filter(mac -> mac != null).forEach(taken::add);
    List<GuestPlacement.Placed> assigned = new ArrayList<>();
    for (GuestPlacement.Placed place : placed) {
      if (place.guest().mac() != null) {
        assigned.add(place);
        continue;
      }
      String mac = XenMacs.assign(place.guest().hostname(), taken);
      taken.add(mac);
      assigned.add(new GuestPlacement.Placed(place.guest().withMac(mac), place.dom0(), true));
    }
    return assigned;
  }
}
