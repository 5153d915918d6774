package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.LedgerBatch;
import org.xenprovisioner.ledger.LedgerDecision;
import org.xenprovisioner.ledger.LedgerOutcome;
import org.xenprovisioner.ledger.OutcomeLedger;
import org.xenprovisioner.ledger.SubmittedGuest;

/**
 * The audit read model: each batch as the ledger recorded it, and what became of it as the engine's
 * history records it (the batch's instance, and one {@code provision-guest} instance per guest that
 * started, called through the batch's groups), so both survive restarts and every node shows the
 * same. Only instances the batch API started are batches, and only guest instances whose root
 * instance is the batch are its guests; engine values are read by type, so nothing made past the API can break a read.
 * The decision and each guest's outcome come from the ledger first ({@link OutcomeLedger}, written by the
 * process's listeners), as an admin can delete a batch's history through {@code /engine-rest}; then
 * {@code engineHistory} says {@code deleted} and only the step timings are gone. Batches decided
 * before the ledger kept outcomes (V6) are read from history alone.
 */
@Component
public class BatchHistory {

  private static final int CHUNK = 500;

  private final HistoryService history;
  private final GuestActivities activities;
  private final BatchLedger ledger;
  private final Dom0s dom0s;
  private final OutcomeLedger outcomeLedger;

  BatchHistory(HistoryService history, GuestActivities activities, BatchLedger ledger, Dom0s dom0s, OutcomeLedger outcomeLedger) {
    this.history = history;
    this.activities = activities;
    this.ledger = ledger;
    this.dom0s = dom0s;
    this.outcomeLedger = outcomeLedger;
  }

  public List<BatchSummary> list() {
    List<LedgerBatch> batches = ledger.batches();
    if (batches.isEmpty()) {
      return List.of();
    }
    List<String> instanceIds = batches.stream().map(LedgerBatch::processInstanceId).toList();
    Map<String, HistoricProcessInstance> instances = instances(instanceIds);
    Map<String, Map<String, Object>> decisions = batchVariables(instanceIds, VAR_APPROVED, VAR_APPROVED_BY);
    Map<String, int[]> outcomes = new HashMap<>();
    for (List<String> chunk : chunks(batches.stream().map(LedgerBatch::id).toList())) {
      for (HistoricProcessInstance guest : history.createHistoricProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY)
          .processInstanceBusinessKeyIn(chunk.toArray(String[]::new)).finished().list()) {
        int[] outcome = outcomes.computeIfAbsent(guest.getRootProcessInstanceId(), k -> new int[2]);
        String state = guestState(guest, null);
        outcome[0] += GUEST_PROVISIONED.equals(state) ? 1 : 0;
        outcome[1] += GUEST_ROLLED_BACK.equals(state) ? 1 : 0;
      }
    }
    List<String> withoutGuestInstances = instanceIds.stream().filter(id -> !outcomes.containsKey(id)).toList();
    earlierGuests(withoutGuestInstances).forEach((instance, scopes) -> {
      int[] outcome = outcomes.computeIfAbsent(instance, k -> new int[2]);
      for (Map<String, Object> scope : scopes.values()) {
        outcome[0] += GUEST_PROVISIONED.equals(scope.get(VAR_GUEST_STATE)) ? 1 : 0;
        outcome[1] += GUEST_ROLLED_BACK.equals(scope.get(VAR_GUEST_STATE)) ? 1 : 0;
      }
    });
    Map<String, Integer> counts = ledger.guestCounts();
    Map<String, LedgerDecision> recorded = outcomeLedger.decisions();
    Map<String, OutcomeLedger.Counts> ended = outcomeLedger.counts();
    return batches.stream().map(batch -> {
      LedgerDecision decision = recorded.get(batch.id());
      OutcomeLedger.Counts ledgerCounts = ended.getOrDefault(batch.id(), new OutcomeLedger.Counts(0, 0));
      // a batch decided since V6 has every ended guest in the ledger; one decided before, in history alone
      int[] outcome = decision != null ? new int[] {ledgerCounts.provisioned(), ledgerCounts.rolledBack()}
          : outcomes.getOrDefault(batch.processInstanceId(), new int[2]);
      return summary(batch, instances.get(batch.processInstanceId()), decision,
          decisions.getOrDefault(batch.processInstanceId(), Map.of()), counts.getOrDefault(batch.id(), 0), outcome);
    }).toList();
  }

  public Optional<BatchDetail> detail(String batchId) {
    Optional<LedgerBatch> found = ledger.batch(batchId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    LedgerBatch batch = found.get();
    HistoricProcessInstance instance = instances(List.of(batch.processInstanceId())).get(batch.processInstanceId());
    Map<String, Object> decision = batchVariables(List.of(batch.processInstanceId()), VAR_APPROVED, VAR_APPROVED_BY,
        VAR_APPROVED_AT, VAR_COMMENT).getOrDefault(batch.processInstanceId(), Map.of());
    LedgerDecision recorded = outcomeLedger.decision(batch.id()).orElse(null);
    Map<Integer, LedgerOutcome> ended = outcomeLedger.outcomes(batch.id());
    Map<Integer, GuestRun> runs = guestRuns(batch.processInstanceId());
    Map<String, GuestActivities.Ran> ran = activities.of(batch.processInstanceId());
    List<BatchDetail.GuestStatus> guests = new ArrayList<>();
    int[] outcome = new int[2];
    Map<String, HostLayout> layouts = dom0s.layouts();
    boolean running = state(instance, recorded != null ? (Object) recorded.approved() : decision.get(VAR_APPROVED), 0)
        == BatchState.RUNNING;
    Map<String, Instant> notSeen = running ? dom0s.notSeen() : Map.of();
    Map<Integer, Map<String, Object>> earlier = runs.isEmpty()
        ? earlierGuests(List.of(batch.processInstanceId())).getOrDefault(batch.processInstanceId(), Map.of()) : Map.of();
    for (SubmittedGuest submitted : ledger.guests(batch.id())) {
      Guest guest = submitted.guest();
      GuestRun run = runs.get(submitted.index());
      Map<String, Object> earlierScope = earlier.getOrDefault(submitted.index(), Map.of());
      LedgerOutcome outcomeOfGuest = ended.get(submitted.index());
      String state = outcomeOfGuest != null ? outcomeOfGuest.state()
          : run != null ? guestState(run.instance(), run.variables().get(VAR_GUEST_STATE))
          : earlierScope.get(VAR_GUEST_STATE) instanceof String earlierState ? earlierState : GUEST_PENDING;
      String error = outcomeOfGuest != null ? outcomeOfGuest.error()
          : text((run == null ? earlierScope : run.variables()).get(VAR_GUEST_ERROR));
      outcome[0] += GUEST_PROVISIONED.equals(state) ? 1 : 0;
      outcome[1] += GUEST_ROLLED_BACK.equals(state) ? 1 : 0;
      Optional<GuestPaths> paths = Optional.ofNullable(layouts.get(submitted.dom0())).map(layout -> layout.pathsOf(guest.hostname()));
      GuestActivities.Ran guestRan = run == null ? GuestActivities.Ran.NOTHING
          : ran.getOrDefault(run.instance().getId(), GuestActivities.Ran.NOTHING);
      BatchDetail.Waiting waiting = (GUEST_PENDING.equals(state) || GUEST_RUNNING.equals(state)) && notSeen.containsKey(submitted.dom0())
          ? BatchDetail.Waiting.forDom0(submitted.dom0(), notSeen.get(submitted.dom0())) : null;
      guests.add(new BatchDetail.GuestStatus(guest.line(), guest.hostname(), guest.ip(), guest.mac(), submitted.macAssigned(),
          submitted.dom0(),
          state, paths.map(p -> p.image().toString()).orElse(null), paths.map(p -> p.domainConfig().toString()).orElse(null),
          error, waiting, guestRan.steps(), guestRan.undone()));
    }
    BatchDetail.Approval approval = recorded != null
        ? new BatchDetail.Approval(recorded.by(), Date.from(recorded.at()), recorded.approved(), recorded.comment())
        : decision.get(VAR_APPROVED) instanceof Boolean approved
        ? new BatchDetail.Approval(text(decision.get(VAR_APPROVED_BY)), date(decision.get(VAR_APPROVED_AT)),
            approved, text(decision.get(VAR_COMMENT)))
        : null;
    Date finishedAt = instance != null ? instance.getEndTime()
        : recorded != null && recorded.finishedAt() != null ? Date.from(recorded.finishedAt()) : null;
    return Optional.of(new BatchDetail(summary(batch, instance, recorded, decision, guests.size(), outcome),
        finishedAt, approval, guests, ledger.retriesOf(batch.id())));
  }

  /** One guest's process instance and its variables. */
  private record GuestRun(HistoricProcessInstance instance, Map<String, Object> variables) {
  }

  /**
   * The guest instances the batch started (through its groups), by the guest's position in the batch; if a
   * position was started twice (an operator's modification), the latest start counts.
   */
  private Map<Integer, GuestRun> guestRuns(String batchInstanceId) {
    List<HistoricProcessInstance> guests = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(GUEST_PROCESS_KEY).rootProcessInstanceId(batchInstanceId).list();
    Map<String, Map<String, Object>> variables = new HashMap<>();
    for (HistoricVariableInstance variable : variables(guests.stream().map(HistoricProcessInstance::getId).toList(),
        VAR_GUEST_INDEX, VAR_GUEST_STATE, VAR_GUEST_ERROR)) {
      variables.computeIfAbsent(variable.getProcessInstanceId(), k -> new HashMap<>()).put(variable.getName(), variable.getValue());
    }
    Map<Integer, GuestRun> runs = new HashMap<>();
    guests.stream().sorted(Comparator.comparing(HistoricProcessInstance::getStartTime)).forEach(guest -> {
      Map<String, Object> values = variables.getOrDefault(guest.getId(), Map.of());
      if (values.get(VAR_GUEST_INDEX) instanceof Integer index) {
        runs.put(index, new GuestRun(guest, values));
      }
    });
    return runs;
  }

  /**
   * Batches of the single-Dom0 release ran each guest as a scope of the batch's own instance, its
   * position, state and error in that scope's variables (the engine also keeps a copy of a finished
   * scope's variables for compensation: a finished state wins over RUNNING). By batch instance, then
   * guest position; empty for batches of this release, whose instance holds no guest's variables.
   */
  private Map<String, Map<Integer, Map<String, Object>>> earlierGuests(List<String> batchInstanceIds) {
    Map<String, Map<String, Object>> byExecution = new HashMap<>();
    Map<String, String> instanceOfExecution = new HashMap<>();
    for (HistoricVariableInstance variable : variables(batchInstanceIds, VAR_GUEST_INDEX, VAR_GUEST_STATE, VAR_GUEST_ERROR)) {
      byExecution.computeIfAbsent(variable.getExecutionId(), k -> new HashMap<>()).put(variable.getName(), variable.getValue());
      instanceOfExecution.put(variable.getExecutionId(), variable.getProcessInstanceId());
    }
    Map<String, Map<Integer, Map<String, Object>>> guests = new HashMap<>();
    byExecution.forEach((execution, scope) -> {
      if (scope.get(VAR_GUEST_INDEX) instanceof Integer index) {
        Map<Integer, Map<String, Object>> ofInstance = guests.computeIfAbsent(instanceOfExecution.get(execution), k -> new HashMap<>());
        Map<String, Object> known = ofInstance.get(index);
        if (known == null || GUEST_RUNNING.equals(known.get(VAR_GUEST_STATE))) {
          ofInstance.put(index, scope);
        }
      }
    });
    return guests;
  }

  /** Where a guest's instance ended says what became of it; one still running is RUNNING. */
  private static String guestState(HistoricProcessInstance guest, Object recorded) {
    if (guest.getEndTime() == null) {
      return GUEST_RUNNING;
    }
    if (END_GUEST_PROVISIONED.equals(guest.getEndActivityId())) {
      return GUEST_PROVISIONED;
    }
    if (SUBPROCESS_ROLL_BACK_GUEST.equals(guest.getEndActivityId()) || END_GUEST_ROLLED_BACK.equals(guest.getEndActivityId())) {
      return GUEST_ROLLED_BACK;
    }
    return recorded instanceof String state && List.of(GUEST_PROVISIONED, GUEST_ROLLED_BACK).contains(state)
        ? state : GUEST_RUNNING;
  }

  private static BatchSummary summary(LedgerBatch batch, HistoricProcessInstance instance, LedgerDecision decision,
                                      Map<String, Object> variables, int guests, int[] outcome) {
    BatchState state = instance == null && decision != null ? stateWithoutHistory(decision, guests, outcome)
        : state(instance, decision != null ? (Object) decision.approved() : variables.get(VAR_APPROVED), outcome[1]);
    return new BatchSummary(batch.id(), batch.name(), state, batch.submittedBy(), Date.from(batch.submittedAt()),
        decision != null ? decision.by() : text(variables.get(VAR_APPROVED_BY)), guests, outcome[0], outcome[1],
        batch.retryOf(), instance == null ? BatchSummary.HISTORY_DELETED : BatchSummary.HISTORY_KEPT);
  }

  /**
   * A batch whose history was deleted, by what the ledger recorded: the engine deletes no history of a
   * running instance, so an approved batch ran to its end when the ledger says so or holds every
   * guest's outcome; otherwise it was cancelled first.
   */
  static BatchState stateWithoutHistory(LedgerDecision decision, int guests, int[] outcome) {
    if (!decision.approved()) {
      return BatchState.REJECTED;
    }
    if (decision.finishedAt() == null && outcome[0] + outcome[1] < guests) {
      return BatchState.CANCELLED;
    }
    return outcome[1] > 0 ? BatchState.COMPLETED_WITH_FAILURES : BatchState.COMPLETED;
  }

  static BatchState state(HistoricProcessInstance instance, Object approved, int rolledBack) {
    if (instance == null) {
      // no history and no decision in the ledger: a batch deleted in Cockpit before anyone decided, or
      // one decided before the ledger kept decisions whose history is gone
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

  /** Variables of the batches' own scope (the process instance), by process instance id. */
  private Map<String, Map<String, Object>> batchVariables(List<String> instanceIds, String... names) {
    Map<String, Map<String, Object>> values = new HashMap<>();
    for (HistoricVariableInstance variable : variables(instanceIds, names)) {
      if (variable.getProcessInstanceId().equals(variable.getExecutionId())) {
        values.computeIfAbsent(variable.getProcessInstanceId(), k -> new HashMap<>()).put(variable.getName(), variable.getValue());
      }
    }
    return values;
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
