package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.GuestPlanner;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.SubmittedGuest;
import org.xenprovisioner.process.BatchProcess;

/**
 * {@code GET /api/batches/{id}/plan}: per guest every file its steps write or remove.
 *
 * <ul>
 *   <li>Once its steps ran: what steps 4 and 6 recorded in the ledger as they wrote it (on any Dom0).</li>
 *   <li>Before: rendered by the steps' own writers ({@link GuestPlanner}) from the guest value in the
 *       ledger, this node's templates and a read-only look into this node's base image.</li>
 *   <li>A guest of another Dom0 whose steps have not run: made from that Dom0's base image and
 *       templates, which this node cannot read, so its files are null and its note says which node
 *       renders them, rather than a plan that might not be what lands on disk.</li>
 * </ul>
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
   * @param note where the files come from when not rendered before approval, or why there are none
   */
  record GuestPlan(String hostname, String dom0, String mac, boolean macAssigned, List<GuestFile> files,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
  }

  List<GuestPlan> of(BatchDetail batch) {
    List<SubmittedGuest> guests = ledger.guests(batch.summary().id());
    Map<Integer, List<GuestFile>> written = ledger.written(batch.summary().id());
    Map<String, String> states = new HashMap<>();
    batch.guestList().forEach(guest -> states.put(guest.hostname(), guest.state()));
    List<GuestPlanner.Request> toRender = guests.stream()
        .filter(guest -> !written.containsKey(guest.index()) && dom0s.own().equals(guest.dom0()))
        .map(guest -> new GuestPlanner.Request(guest.guest(), guest.owner())).toList();
    Iterator<GuestPlanner.Plan> rendered = planner.plan(toRender).iterator();
    BatchState state = batch.summary().state();
    String renderedNow = state == BatchState.AWAITING_APPROVAL ? null : "rendered now, from this node's templates and base "
        + "image as they are now: the batch is " + state + " and this guest's steps wrote no files";
    List<GuestPlan> plans = new ArrayList<>();
    for (SubmittedGuest submitted : guests) {
      String hostname = submitted.guest().hostname();
      List<GuestFile> recorded = written.get(submitted.index());
      List<GuestFile> files;
      String note;
      if (recorded != null) {
        files = recorded;
        note = "as its steps wrote them" + (recorded.stream().anyMatch(file -> GuestFile.DOM0.equals(file.where())) ? ""
            : "; the domain config was not written") + (BatchProcess.GUEST_ROLLED_BACK.equals(states.get(hostname))
            ? "; then the guest was rolled back" : "");
      } else if (!dom0s.own().equals(submitted.dom0())) {
        files = null;
        note = "rendered by " + submitted.dom0() + "'s node only: the guest is made from that Dom0's base image and "
            + "templates, which this node (" + dom0s.own() + ") cannot read; ask that node for the plan";
      } else {
        GuestPlanner.Plan plan = rendered.next();
        files = plan.files();
        note = plan.problem() != null ? "cannot be rendered, and the guest would fail so: " + plan.problem() : renderedNow;
      }
      plans.add(new GuestPlan(hostname, submitted.dom0(), submitted.guest().mac(), submitted.macAssigned(), files, note));
    }
    return plans;
  }
}
