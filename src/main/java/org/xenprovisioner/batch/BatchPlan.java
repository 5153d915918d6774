package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.GuestPlanner;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.SubmittedGuest;

/**
 * {@code GET /api/batches/{id}/plan}: per guest every file its steps will write or remove, rendered
 * by the steps' own writers ({@link GuestPlanner}) from the guest value in the ledger, this node's
 * templates and a read-only look into this node's base image. A guest of another Dom0 is made from
 * that Dom0's base image and templates, which this node cannot read: its files are null and its
 * note says which node renders them, rather than a plan that might not be what lands on disk.
 */
@Component
class BatchPlan {

  private final BatchLedger ledger;
  private final GuestPlanner planner;
  private final Dom0s dom0s;

  BatchPlan(BatchLedger ledger, GuestPlanner planner, Dom0s dom0s) {
    this.ledger = ledger;
    this.planner = planner;
    this.dom0s = dom0s;
  }

  /**
   * One guest's plan.
   *
   * @param files null when this node cannot render them truthfully (see note)
   * @param note why there are no files, or what the files are
   */
  record GuestPlan(String hostname, String dom0, String mac, boolean macAssigned, List<GuestFile> files,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
  }

  Optional<List<GuestPlan>> of(String batchId, BatchState state) {
    if (ledger.batch(batchId).isEmpty()) {
      return Optional.empty();
    }
    List<SubmittedGuest> guests = ledger.guests(batchId);
    List<GuestPlanner.Request> local = guests.stream().filter(guest -> dom0s.own().equals(guest.dom0()))
        .map(guest -> new GuestPlanner.Request(guest.guest(), guest.owner())).toList();
    Iterator<GuestPlanner.Plan> rendered = planner.plan(local).iterator();
    String pastNote = state == BatchState.AWAITING_APPROVAL ? null : "rendered now, from this node's templates and base "
        + "image as they are now; the batch is " + state + ", so its steps rendered theirs when they ran";
    List<GuestPlan> plans = new ArrayList<>();
    for (SubmittedGuest submitted : guests) {
      if (!dom0s.own().equals(submitted.dom0())) {
        plans.add(new GuestPlan(submitted.guest().hostname(), submitted.dom0(), submitted.guest().mac(),
            submitted.macAssigned(), null,
            "rendered by " + submitted.dom0() + "'s node only: the guest is made from that Dom0's base image and "
                + "templates, which this node (" + dom0s.own() + ") cannot read; ask that node for the plan"));
        continue;
      }
      GuestPlanner.Plan plan = rendered.next();
      String note = plan.problem() != null ? "cannot be rendered, and the guest would fail so: " + plan.problem() : pastNote;
      plans.add(new GuestPlan(plan.hostname(), submitted.dom0(), submitted.guest().mac(), submitted.macAssigned(),
          plan.files(), note));
    }
    return Optional.of(plans);
  }
}
