package org.xenprovisioner.process;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import java.time.Instant;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.ledger.BatchOutcomes;
import org.xenprovisioner.ledger.NotInLedgerException;
import org.xenprovisioner.ledger.SubmittedGuest;
import org.xenprovisioner.ledger.SubmittedGuests;

/** The batch ledger in memory, for process tests without the application's database. */
class FakeLedger implements SubmittedGuests, BatchOutcomes {

  static final String FINGERPRINT = "file=(dev=1,ino=2) size=3";
  /** The Dom0 of the process tests' engine: TestSettings names it so. */
  static final String DOM0 = "test-dom0";

  private final Map<String, List<Guest>> guests = new ConcurrentHashMap<>();
  private final Map<String, String> batchIds = new ConcurrentHashMap<>();
  /** What the listeners recorded, by batch instance: "approved by arne", and per guest position "ROLLED_BACK: error". */
  final Map<String, String> decisions = new ConcurrentHashMap<>();
  final Map<String, Map<Integer, String>> outcomes = new ConcurrentHashMap<>();
  final Map<String, Instant> finished = new ConcurrentHashMap<>();

  @Override
  public void decided(String batchInstanceId, boolean approved, String by, Instant at, String comment) {
    decisions.put(batchInstanceId, (approved ? "approved by " : "rejected by ") + by + (comment == null ? "" : ": " + comment));
  }

  @Override
  public void guestEnded(String batchInstanceId, int index, String state, String error, Instant at) {
    outcomes.computeIfAbsent(batchInstanceId, k -> new ConcurrentHashMap<>()).put(index, state + (error == null ? "" : ": " + error));
  }

  @Override
  public void finished(String batchInstanceId, Instant at) {
    finished.put(batchInstanceId, at);
  }

  void record(ProcessInstance batch, List<Guest> rows) {
    guests.put(batch.getId(), List.copyOf(rows));
    batchIds.put(batch.getId(), batch.getBusinessKey());
  }

  /** Replaces one stored row, as someone editing the database by hand would. */
  void tamper(ProcessInstance batch, int index, Guest row) {
    List<Guest> rows = new java.util.ArrayList<>(guests.get(batch.getId()));
    rows.set(index, row);
    guests.put(batch.getId(), List.copyOf(rows));
  }

  @Override
  public int guestCount(String processInstanceId) {
    List<Guest> rows = guests.get(processInstanceId);
    return rows == null ? 0 : rows.size();
  }

  @Override
  public SubmittedGuest find(String processInstanceId, int index) {
    List<Guest> rows = guests.get(processInstanceId);
    if (rows == null || index >= rows.size()) {
      throw new NotInLedgerException("process instance " + processInstanceId + " has no guest #" + index);
    }
    return new SubmittedGuest(batchIds.get(processInstanceId), index, rows.get(index), FINGERPRINT);
  }
}
