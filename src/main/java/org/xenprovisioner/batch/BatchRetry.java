package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.GROUP_OPERATORS;
import static org.xenprovisioner.process.BatchProcess.GUEST_ROLLED_BACK;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.SubmittedGuest;

/** {@code POST /api/batches/{id}/retry}: a new batch of a finished batch's rolled-back guests. */
@Service
class BatchRetry {

  private final BatchService batches;
  private final BatchHistory history;
  private final BatchLedger ledger;

  BatchRetry(BatchService batches, BatchHistory history, BatchLedger ledger) {
    this.batches = batches;
    this.history = history;
    this.ledger = ledger;
  }

  /**
   * A new batch holding exactly the rolled-back guests of a finished batch, their values as the ledger
   * recorded them (assigned MACs and Dom0s included), through the same checks, placement, claims and
   * approval as a list submitted anew; the caller is its submitter (four eyes compares with them).
   */
  @Transactional
  public BatchSubmitted retry(String batchId, String name, String user, List<String> groups) {
    if (!groups.contains(GROUP_OPERATORS)) {
      throw new BatchProblem(HttpStatus.FORBIDDEN, "User " + user + " is not in group " + GROUP_OPERATORS);
    }
    String batchName = BatchService.checkName(name);
    BatchDetail batch = history.detail(batchId).orElseThrow(() -> new BatchProblem(HttpStatus.NOT_FOUND, "No batch " + batchId));
    BatchState state = batch.summary().state();
    if (state == BatchState.AWAITING_APPROVAL || state == BatchState.RUNNING) {
      throw new BatchProblem(HttpStatus.CONFLICT, "Batch " + batchId + " is " + state + ", not finished: only the "
          + "rolled-back guests of a finished batch can be retried");
    }
    Set<String> rolledBack = new HashSet<>();
    batch.guestList().stream().filter(guest -> GUEST_ROLLED_BACK.equals(guest.state()))
        .forEach(guest -> rolledBack.add(guest.hostname()));
    if (rolledBack.isEmpty()) {
      throw new BatchProblem(HttpStatus.CONFLICT, "Batch " + batchId + " (" + state + ") has no rolled-back guests to retry");
    }
    List<Guest> guests = new ArrayList<>();
    Set<String> assigned = new HashSet<>();
    for (SubmittedGuest submitted : ledger.guests(batchId)) {
      if (rolledBack.contains(submitted.guest().hostname())) {
        // checked again as any row: a guest value never reaches the steps unchecked
        VmListParser.verify(submitted.guest());
        guests.add(submitted.guest());
        if (submitted.macAssigned()) {
          assigned.add(submitted.guest().hostname());
        }
      }
    }
    String shownName = batchName != null ? batchName : retryName(batch.summary().name());
    return batches.start(new VmList(guests), assigned, shownName, user, groups, batchId);
  }

  /** "retry of NAME", within the length a name may have. */
  static String retryName(String name) {
    String retry = "retry of " + name;
    return retry.length() <= BatchService.MAX_NAME ? retry : retry.substring(0, BatchService.MAX_NAME);
  }
}
