package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Date;
import java.util.List;

/**
 * {@code GET /api/batches/{id}}: the summary plus the approval and every guest; {@code retries}
 * (extends the contract) lists the batches made to retry this one's rolled-back guests.
 */
public record BatchDetail(@JsonUnwrapped BatchSummary summary, Date finishedAt, Approval approval, List<GuestStatus> guestList,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> retries) {

  /** Who decided, when, and why; null until the batch is approved or rejected. */
  public record Approval(String by, Date at, boolean approved, String comment) {
  }

  /**
   * One row of the list and what became of it; {@code steps} and {@code undone} (the compensation
   * handlers that ran) extend the contract with the audit's timings, {@code macAssigned} says the row
   * left the MAC empty and the product assigned {@code mac}.
   */
  public record GuestStatus(int line, String hostname, String ip, String mac, boolean macAssigned, String dom0, String state, String image,
                            String domainConfig, String error, List<Activity> steps, List<Activity> undone) {
  }

  /** A step or undo handler that ran: BPMN activity id, its name, start, end and duration (null while running). */
  public record Activity(String id, String name, Date start, Date end, Long durationMillis) {
  }
}
