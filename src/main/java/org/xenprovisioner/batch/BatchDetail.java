package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Date;
import java.util.List;

/** {@code GET /api/batches/{id}}: the summary plus the approval and every guest. */
public record BatchDetail(@JsonUnwrapped BatchSummary summary, Date finishedAt, Approval approval, List<GuestStatus> guestList) {

  /** Who decided, when, and why; null until the batch is approved or rejected. */
  public record Approval(String by, Date at, boolean approved, String comment) {
  }

  public record GuestStatus(int line, String hostname, String ip, String mac, String state, String image,
                            String domainConfig, String error) {
  }
}
