package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
   * left the MAC empty and the product assigned {@code mac}; {@code waitingFor}, only while the batch
   * runs and the guest's Dom0 is down, says for what it waits.
   */
  public record GuestStatus(int line, String hostname, String ip, String mac, boolean macAssigned, String dom0, String state, String image,
                            String domainConfig, String error, @JsonInclude(JsonInclude.Include.NON_NULL) Waiting waitingFor,
                            List<Activity> steps, List<Activity> undone) {
  }

  /**
   * Why a guest of a running batch has not finished: its Dom0's node is not seen (three heartbeat
   * intervals without one); {@code message} says it as the pages show it.
   */
  public record Waiting(String dom0, Date notSeenSince, String message) {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static Waiting forDom0(String dom0, Instant lastSeen) {
      return new Waiting(dom0, Date.from(lastSeen), "waiting for Dom0 " + dom0 + ", not seen since " + SHOWN.format(lastSeen));
    }
  }

  /** A step or undo handler that ran: BPMN activity id, its name, start, end and duration (null while running). */
  public record Activity(String id, String name, Date start, Date end, Long durationMillis) {
  }
}
