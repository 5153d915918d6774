package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.*;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The console's account of each batch, one INFO line per event: submitted, approved or rejected
 * and by whom, each guest provisioned or rolled back (with its error), finished with counts.
 *
 * <p>A line is written once the transaction that made the event has committed: the engine retries
 * a step whose commit lost a race with a parallel guest, and a line written before the commit would
 * then appear twice, or for an event that never happened. Static, so the listeners that report
 * need no wiring of their own (the process tests build them by hand).
 */
public final class BatchEvents {

  private static final Logger LOG = LoggerFactory.getLogger(BatchEvents.class);
  /** An error carries a command's output; the console gets its first part, the API all of it. */
  private static final int MAX_ERROR = 600;

  private BatchEvents() {
  }

  /** From the batch API, inside the transaction that records and starts the batch. */
  public static void submitted(String batchId, String name, String user, int guests) {
    afterCommit("Batch {} \"{}\" submitted by {}: {} guest(s), waiting for approval", batchId, name, user, guests);
  }

  /** From the completion of {@code approve-batch}, whichever route completed it. */
  static void decided(DelegateExecution batch, boolean approved, String user) {
    if (approved) {
      afterCommit("Batch {} approved by {}: provisioning {} guest(s)", batch.getProcessBusinessKey(), user,
          batch.getVariable(VAR_GUEST_COUNT));
    } else {
      afterCommit("Batch {} rejected by {}: nothing is provisioned", batch.getProcessBusinessKey(), user);
    }
  }

  /** From the end of a guest's scope, {@code PROVISIONED} or {@code ROLLED_BACK}. */
  static void guestEnded(DelegateExecution guest, String state) {
    Object hostname = guest.getVariable(VAR_HOSTNAME);
    String who = hostname instanceof String name ? name : "in row " + rowOf(guest);
    if (GUEST_ROLLED_BACK.equals(state)) {
      afterCommit("Batch {}: guest {} rolled back: {}", guest.getProcessBusinessKey(), who, oneLine(guest.getVariable(VAR_GUEST_ERROR)));
    } else {
      afterCommit("Batch {}: guest {} provisioned", guest.getProcessBusinessKey(), who);
    }
  }

  /** From the batch's end after its guests, with their outcome as the engine's history has it. */
  static void finished(DelegateExecution batch) {
    long provisioned = guestsEndedAt(batch, END_GUEST_PROVISIONED);
    long rolledBack = guestsEndedAt(batch, END_GUEST_ROLLED_BACK);
    afterCommit("Batch {} finished: {} of {} guest(s) provisioned, {} rolled back", batch.getProcessBusinessKey(), provisioned,
        batch.getVariable(VAR_GUEST_COUNT), rolledBack);
  }

  /**
   * Guests that reached the end event, counted by the batch's root instance: every activity of the
   * batch carries it, whether a guest runs in a scope of the batch's instance or in an instance the
   * batch called.
   */
  private static long guestsEndedAt(DelegateExecution batch, String endEvent) {
    HistoryService history = batch.getProcessEngineServices().getHistoryService();
    String table = batch.getProcessEngineServices().getManagementService().getTableName(HistoricActivityInstance.class);
    return history.createNativeHistoricActivityInstanceQuery()
        .sql("SELECT COUNT(*) FROM " + table + " WHERE ROOT_PROC_INST_ID_ = #{root} AND ACT_ID_ = #{end} AND END_TIME_ IS NOT NULL")
        .parameter("root", batch.getProcessInstanceId()).parameter("end", endEvent).count();
  }

  private static Object rowOf(DelegateExecution guest) {
    return guest.getVariable(VAR_GUEST_INDEX) instanceof Integer index ? index + 1 : "?";
  }

  /** Command output spans lines; the console line does not. */
  static String oneLine(Object error) {
    if (!(error instanceof String text)) {
      return "(no error recorded)";
    }
    String flat = text.strip().replaceAll("\\s*\\R\\s*", " | ").replaceAll("\\p{Cntrl}", "?");
    return flat.length() <= MAX_ERROR ? flat : flat.substring(0, MAX_ERROR) + " … (the whole error: GET /api/batches/{id})";
  }

  private static void afterCommit(String format, Object... arguments) {
    Runnable line = () -> LOG.info(format, arguments);
    CommandContext command = Context.getCommandContext();
    if (command != null) {
      command.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, committed -> line.run());
    } else if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          line.run();
        }
      });
    } else {
      line.run();
    }
  }
}
