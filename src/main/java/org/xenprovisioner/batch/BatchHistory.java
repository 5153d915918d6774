package org.xenprovisioner.batch;

import static org.xenprovisioner.steps.ProcessConstants.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;

/** The audit read model: batches and guests as the engine's history records them, so they survive restarts. */
@Component
public class BatchHistory {

  private static final String[] BATCH_VARIABLES = {VAR_BATCH_NAME, VAR_SUBMITTED_BY, VAR_SUBMITTED_AT,
      VAR_GUEST_COUNT, VAR_APPROVED, VAR_APPROVED_BY, VAR_APPROVED_AT, VAR_COMMENT};
  private static final String[] GUEST_VARIABLES = {VAR_GUEST_INDEX, VAR_GUEST_STATE, VAR_GUEST_ERROR};

  private final HistoryService history;
  private final GuestActivities activities;

  BatchHistory(HistoryService history, GuestActivities activities) {
    this.history = history;
    this.activities = activities;
  }

  public List<BatchSummary> list() {
    List<HistoricProcessInstance> instances = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(PROCESS_KEY).orderByProcessInstanceStartTime().desc().list();
    if (instances.isEmpty()) {
      return List.of();
    }
    String[] ids = instances.stream().map(HistoricProcessInstance::getId).toArray(String[]::new);
    Map<String, Map<String, Object>> batchVariables = new HashMap<>();
    for (HistoricVariableInstance variable : variables(ids, BATCH_VARIABLES)) {
      batchVariables.computeIfAbsent(variable.getProcessInstanceId(), k -> new HashMap<>())
          .put(variable.getName(), variable.getValue());
    }
    Map<String, int[]> outcomes = new HashMap<>();
    guestScopes(variables(ids, VAR_GUEST_INDEX, VAR_GUEST_STATE)).forEach((instance, guests) -> {
      int[] counts = outcomes.computeIfAbsent(instance, k -> new int[2]);
      for (Map<String, Object> guest : guests.values()) {
        counts[0] += GUEST_PROVISIONED.equals(guest.get(VAR_GUEST_STATE)) ? 1 : 0;
        counts[1] += GUEST_ROLLED_BACK.equals(guest.get(VAR_GUEST_STATE)) ? 1 : 0;
      }
    });
    return instances.stream().map(instance -> summary(instance,
        batchVariables.getOrDefault(instance.getId(), Map.of()),
        outcomes.getOrDefault(instance.getId(), new int[2]))).toList();
  }

  /** Whether a batch of that id exists, without reading its guests. */
  public boolean exists(String batchId) {
    return history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(PROCESS_KEY).processInstanceBusinessKey(batchId).count() > 0;
  }

  public Optional<BatchDetail> detail(String batchId) {
    HistoricProcessInstance instance = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(PROCESS_KEY).processInstanceBusinessKey(batchId).singleResult();
    if (instance == null) {
      return Optional.empty();
    }
    Map<String, Object> batch = new HashMap<>();
    List<HistoricVariableInstance> guestVariables = new ArrayList<>();
    for (HistoricVariableInstance variable : variables(new String[] {instance.getId()}, allNames())) {
      if (List.of(GUEST_VARIABLES).contains(variable.getName())) {
        guestVariables.add(variable);
      } else {
        batch.put(variable.getName(), variable.getValue());
      }
    }
    Map<Integer, Map<String, Object>> byIndex = guestScopes(guestVariables).getOrDefault(instance.getId(), Map.of());
    Map<Integer, GuestActivities.Ran> ran = activities.of(instance, guestVariables);
    int[] outcome = new int[2];
    List<BatchDetail.GuestStatus> guests = new ArrayList<>();
    byte[] csv = (byte[]) batch.get(VAR_VM_LIST);
    List<Guest> rows = csv == null ? List.of() : VmList.fromCsvBytes(csv).guests();
    for (int index = 0; index < rows.size(); index++) {
      Guest guest = rows.get(index);
      Map<String, Object> scope = byIndex.getOrDefault(index, Map.of());
      String state = (String) scope.getOrDefault(VAR_GUEST_STATE, GUEST_PENDING);
      outcome[0] += GUEST_PROVISIONED.equals(state) ? 1 : 0;
      outcome[1] += GUEST_ROLLED_BACK.equals(state) ? 1 : 0;
      guests.add(new BatchDetail.GuestStatus(guest.line(), guest.hostname(), guest.ip(), guest.mac(), state,
          path(batch, VAR_IMAGE_DIR, guest.hostname() + ".img"),
          path(batch, VAR_XEN_CONFIG_DIR, guest.hostname() + ".cfg"),
          (String) scope.get(VAR_GUEST_ERROR),
          ran.getOrDefault(index, GuestActivities.Ran.NOTHING).steps(),
          ran.getOrDefault(index, GuestActivities.Ran.NOTHING).undone()));
    }
    BatchDetail.Approval approval = batch.get(VAR_APPROVED) instanceof Boolean approved
        ? new BatchDetail.Approval((String) batch.get(VAR_APPROVED_BY), (Date) batch.get(VAR_APPROVED_AT), approved,
            (String) batch.get(VAR_COMMENT))
        : null;
    return Optional.of(new BatchDetail(summary(instance, batch, outcome), instance.getEndTime(), approval, guests));
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

  private static BatchSummary summary(HistoricProcessInstance instance, Map<String, Object> variables, int[] outcome) {
    Integer guests = (Integer) variables.get(VAR_GUEST_COUNT);
    return new BatchSummary(instance.getBusinessKey(), (String) variables.get(VAR_BATCH_NAME),
        state(instance, variables.get(VAR_APPROVED), outcome[1]), (String) variables.get(VAR_SUBMITTED_BY),
        (Date) variables.get(VAR_SUBMITTED_AT), (String) variables.get(VAR_APPROVED_BY),
        guests == null ? 0 : guests, outcome[0], outcome[1]);
  }

  static BatchState state(HistoricProcessInstance instance, Object approved, int rolledBack) {
    if (instance.getEndTime() == null) {
      return approved == null ? BatchState.AWAITING_APPROVAL : BatchState.RUNNING;
    }
    if (!HistoricProcessInstance.STATE_COMPLETED.equals(instance.getState())) {
      return BatchState.CANCELLED;
    }
    if (Boolean.FALSE.equals(approved)) {
      return BatchState.REJECTED;
    }
    return rolledBack > 0 ? BatchState.COMPLETED_WITH_FAILURES : BatchState.COMPLETED;
  }

  private List<HistoricVariableInstance> variables(String[] processInstanceIds, String... names) {
    return history.createHistoricVariableInstanceQuery().processInstanceIdIn(processInstanceIds)
        .variableNameIn(names).disableCustomObjectDeserialization().list();
  }

  private static String[] allNames() {
    List<String> names = new ArrayList<>(List.of(BATCH_VARIABLES));
    names.addAll(List.of(GUEST_VARIABLES));
    names.addAll(List.of(VAR_VM_LIST, VAR_IMAGE_DIR, VAR_XEN_CONFIG_DIR));
    return names.toArray(String[]::new);
  }

  private static String path(Map<String, Object> batch, String dirVariable, String file) {
    Object dir = batch.get(dirVariable);
    return dir == null ? null : Path.of((String) dir).resolve(file).toString();
  }
}
