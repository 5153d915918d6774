package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.*;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.LedgerBatch;

/**
 * The audit read model: each batch as the ledger recorded it, and what became of it as the engine's
 * history records it, so both survive restarts. Only instances the batch API started are batches;
 * engine values are read by type, so an instance or variable made past the API cannot break a read.
 */
@Component
public class BatchHistory {

  private static final int CHUNK = 500;

  private final HistoryService history;
  private final GuestActivities activities;
  private final BatchLedger ledger;
  private final HostLayout layout;

  BatchHistory(HistoryService history, GuestActivities activities, BatchLedger ledger, HostLayout layout) {
    this.history = history;
    this.activities = activities;
    this.ledger = ledger;
    this.layout = layout;
  }

  public List<BatchSummary> list() {
    List<LedgerBatch> batches = ledger.batches();
    if (batches.isEmpty()) {
      return List.of();
    }
    List<String> ids = batches.stream().map(LedgerBatch::processInstanceId).toList();
    Map<String, HistoricProcessInstance> instances = instances(ids);
    Map<String, Map<String, Object>> batchVariables = new HashMap<>();
    for (HistoricVariableInstance variable : variables(ids, VAR_APPROVED, VAR_APPROVED_BY)) {
      if (variable.getProcessInstanceId().equals(variable.getExecutionId())) {
        batchVariables.computeIfAbsent(variable.getProcessInstanceId(), k -> new HashMap<>())
            .put(variable.getName(), variable.getValue());
      }
    }
    Map<String, Map<Integer, Map<String, Object>>> guests = guestScopes(variables(ids, VAR_GUEST_INDEX, VAR_GUEST_STATE));
    Map<String, Integer> counts = ledger.guestCounts();
    return batches.stream().map(batch -> {
      Map<Integer, Map<String, Object>> scopes = guests.getOrDefault(batch.processInstanceId(), Map.of());
      int[] outcome = outcome(scopes.values().stream().map(scope -> scope.get(VAR_GUEST_STATE)).toList());
      return summary(batch, instances.get(batch.processInstanceId()),
          batchVariables.getOrDefault(batch.processInstanceId(), Map.of()), counts.getOrDefault(batch.id(), 0), outcome);
    }).toList();
  }

  /** Whether a batch of that id exists, without reading its guests. */
  public boolean exists(String batchId) {
    return ledger.batch(batchId).isPresent();
  }

  public Optional<BatchDetail> detail(String batchId) {
    Optional<LedgerBatch> found = ledger.batch(batchId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    LedgerBatch batch = found.get();
    HistoricProcessInstance instance = instances(List.of(batch.processInstanceId())).get(batch.processInstanceId());
    Map<String, Object> batchVariables = new HashMap<>();
    List<HistoricVariableInstance> guestVariables = new ArrayList<>();
    for (HistoricVariableInstance variable : variables(List.of(batch.processInstanceId()), VAR_APPROVED, VAR_APPROVED_BY,
        VAR_APPROVED_AT, VAR_COMMENT, VAR_GUEST_INDEX, VAR_GUEST_STATE, VAR_GUEST_ERROR)) {
      if (variable.getExecutionId() != null && variable.getExecutionId().equals(variable.getProcessInstanceId())) {
        batchVariables.put(variable.getName(), variable.getValue());
      } else {
        guestVariables.add(variable);
      }
    }
    Map<Integer, Map<String, Object>> byIndex = guestScopes(guestVariables).getOrDefault(batch.processInstanceId(), Map.of());
    Map<Integer, GuestActivities.Ran> ran = instance == null ? Map.of() : activities.of(instance, guestVariables);
    List<Guest> rows = ledger.guests(batch.id());
    List<BatchDetail.GuestStatus> guests = new ArrayList<>();
    for (int index = 0; index < rows.size(); index++) {
      Guest guest = rows.get(index);
      Map<String, Object> scope = byIndex.getOrDefault(index, Map.of());
      GuestPaths paths = layout.pathsOf(guest.hostname());
      GuestActivities.Ran guestRan = ran.getOrDefault(index, GuestActivities.Ran.NOTHING);
      guests.add(new BatchDetail.GuestStatus(guest.line(), guest.hostname(), guest.ip(), guest.mac(),
          state(scope.get(VAR_GUEST_STATE)), paths.image().toString(), paths.domainConfig().toString(),
          text(scope.get(VAR_GUEST_ERROR)), guestRan.steps(), guestRan.undone()));
    }
    int[] outcome = outcome(guests.stream().map(guest -> (Object) guest.state()).toList());
    BatchDetail.Approval approval = batchVariables.get(VAR_APPROVED) instanceof Boolean approved
        ? new BatchDetail.Approval(text(batchVariables.get(VAR_APPROVED_BY)), date(batchVariables.get(VAR_APPROVED_AT)),
            approved, text(batchVariables.get(VAR_COMMENT)))
        : null;
    return Optional.of(new BatchDetail(summary(batch, instance, batchVariables, rows.size(), outcome),
        instance == null ? null : instance.getEndTime(), approval, guests));
  }

  /**
   * Guest variables by process instance and guest index. When a guest scope completes, the engine
   * keeps a copy of its variables for compensation, so one guest can show in two executions; a
   * finished state wins over RUNNING.
   */
  static Map<String, Map<Integer, Map<String, Object>>> guestScopes(List<HistoricVariableInstance> variables) {
    Map<String, Map<String, Object>> byExecution = new HashMap<>();
    Map<String, String> instanceOfExecution = new HashMap<>();
    for (HistoricVariableInstance variable : variables) {
      byExecution.computeIfAbsent(variable.getExecutionId(), k -> new HashMap<>()).put(variable.getName(), variable.getValue());
      instanceOfExecution.put(variable.getExecutionId(), variable.getProcessInstanceId());
    }
    Map<String, Map<Integer, Map<String, Object>>> guests = new HashMap<>();
    byExecution.forEach((execution, scope) -> {
      if (!(scope.get(VAR_GUEST_INDEX) instanceof Integer index)) {
        return;
      }
      Map<Integer, Map<String, Object>> ofInstance = guests.computeIfAbsent(instanceOfExecution.get(execution), k -> new HashMap<>());
      Map<String, Object> known = ofInstance.get(index);
      if (known == null || GUEST_RUNNING.equals(known.get(VAR_GUEST_STATE))) {
        ofInstance.put(index, scope);
      }
    });
    return guests;
  }

  private static BatchSummary summary(LedgerBatch batch, HistoricProcessInstance instance, Map<String, Object> variables,
                                      int guests, int[] outcome) {
    return new BatchSummary(batch.id(), batch.name(), state(instance, variables.get(VAR_APPROVED), outcome[1]),
        batch.submittedBy(), Date.from(batch.submittedAt()), text(variables.get(VAR_APPROVED_BY)), guests,
        outcome[0], outcome[1]);
  }

  static BatchState state(HistoricProcessInstance instance, Object approved, int rolledBack) {
    if (instance == null) {
      return BatchState.CANCELLED;
    }
    if (instance.getEndTime() == null) {
      return approved instanceof Boolean ? BatchState.RUNNING : BatchState.AWAITING_APPROVAL;
    }
    if (!HistoricProcessInstance.STATE_COMPLETED.equals(instance.getState())) {
      return BatchState.CANCELLED;
    }
    if (Boolean.FALSE.equals(approved)) {
      return BatchState.REJECTED;
    }
    return rolledBack > 0 ? BatchState.COMPLETED_WITH_FAILURES : BatchState.COMPLETED;
  }

  private static int[] outcome(List<Object> states) {
    int[] outcome = new int[2];
    for (Object state : states) {
      outcome[0] += GUEST_PROVISIONED.equals(state) ? 1 : 0;
      outcome[1] += GUEST_ROLLED_BACK.equals(state) ? 1 : 0;
    }
    return outcome;
  }

  private static String state(Object value) {
    return value instanceof String state && List.of(GUEST_RUNNING, GUEST_PROVISIONED, GUEST_ROLLED_BACK).contains(state)
        ? state : GUEST_PENDING;
  }

  private static String text(Object value) {
    return value instanceof String text ? text : null;
  }

  private static Date date(Object value) {
    return value instanceof Date date ? date : null;
  }

  private Map<String, HistoricProcessInstance> instances(List<String> ids) {
    Map<String, HistoricProcessInstance> instances = new HashMap<>();
    for (List<String> chunk : chunks(ids)) {
      history.createHistoricProcessInstanceQuery().processInstanceIds(new HashSet<>(chunk)).list()
          .forEach(instance -> instances.put(instance.getId(), instance));
    }
    return instances;
  }

  private List<HistoricVariableInstance> variables(List<String> processInstanceIds, String... names) {
    List<HistoricVariableInstance> variables = new ArrayList<>();
    for (List<String> chunk : chunks(processInstanceIds)) {
      variables.addAll(history.createHistoricVariableInstanceQuery().processInstanceIdIn(chunk.toArray(String[]::new))
          .variableNameIn(names).disableCustomObjectDeserialization().list());
    }
    return variables;
  }

  private static List<List<String>> chunks(Collection<String> ids) {
    List<String> all = List.copyOf(ids);
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
    }
    return chunks;
  }
}
