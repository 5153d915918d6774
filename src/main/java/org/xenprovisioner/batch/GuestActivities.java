package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.springframework.stereotype.Component;

/**
 * Per guest, the steps and undo handlers that ran, with their times, from the engine's historic
 * activity instances. A guest's activities are found by walking up from each service task to the
 * activity instance that holds the guest's {@code guestIndex} variable.
 */
@Component
class GuestActivities {

  private static final int MAX_DEPTH = 16;

  private final HistoryService history;
  private final RepositoryService repository;

  GuestActivities(HistoryService history, RepositoryService repository) {
    this.history = history;
    this.repository = repository;
  }

  /** What ran for one guest: its steps and the undo handlers (compensation), each oldest first. */
  record Ran(List<BatchDetail.Activity> steps, List<BatchDetail.Activity> undone) {
    static final Ran NOTHING = new Ran(List.of(), List.of());
  }

  Map<Integer, Ran> of(HistoricProcessInstance instance, List<HistoricVariableInstance> guestVariables) {
    Map<String, Integer> guestOfScope = new HashMap<>();
    for (HistoricVariableInstance variable : guestVariables) {
      if (VAR_GUEST_INDEX.equals(variable.getName()) && variable.getValue() instanceof Integer index) {
        guestOfScope.put(variable.getActivityInstanceId(), index);
        guestOfScope.put(variable.getExecutionId(), index);
      }
    }
    List<HistoricActivityInstance> activities = history.createHistoricActivityInstanceQuery()
        .processInstanceId(instance.getId()).list();
    Map<String, HistoricActivityInstance> byId = activities.stream()
        .collect(Collectors.toMap(HistoricActivityInstance::getId, a -> a, (a, b) -> a));
    Set<String> undoHandlers = undoHandlers(instance.getProcessDefinitionId());
    Map<Integer, List<HistoricActivityInstance>> steps = new HashMap<>();
    Map<Integer, List<HistoricActivityInstance>> undone = new HashMap<>();
    for (HistoricActivityInstance activity : activities) {
      if (!"serviceTask".equals(activity.getActivityType())) {
        continue;
      }
      Integer guest = guestOf(activity, byId, guestOfScope);
      if (guest != null) {
        (undoHandlers.contains(activity.getActivityId()) ? undone : steps)
            .computeIfAbsent(guest, k -> new ArrayList<>()).add(activity);
      }
    }
    Map<Integer, Ran> ran = new HashMap<>();
    for (Integer guest : union(steps.keySet(), undone.keySet())) {
      ran.put(guest, new Ran(timings(steps.get(guest)), timings(undone.get(guest))));
    }
    return ran;
  }

  private static Integer guestOf(HistoricActivityInstance activity, Map<String, HistoricActivityInstance> byId,
                                 Map<String, Integer> guestOfScope) {
    HistoricActivityInstance current = activity;
    for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
      Integer guest = guestOfScope.get(current.getId());
      if (guest == null) {
        guest = guestOfScope.get(current.getExecutionId());
      }
      if (guest != null) {
        return guest;
      }
      current = byId.get(current.getParentActivityInstanceId());
    }
    return null;
  }

  /** Compensation handlers, read from the deployed model so the audit follows the process as it changes. */
  private Set<String> undoHandlers(String processDefinitionId) {
    return repository.getBpmnModelInstance(processDefinitionId).getModelElementsByType(ServiceTask.class).stream()
        .filter(ServiceTask::isForCompensation).map(ServiceTask::getId).collect(Collectors.toSet());
  }

  private static List<BatchDetail.Activity> timings(List<HistoricActivityInstance> activities) {
    if (activities == null) {
      return List.of();
    }
    return activities.stream()
        .sorted(Comparator.comparing(HistoricActivityInstance::getStartTime)
            .thenComparing(HistoricActivityInstance::getId))
        .map(a -> new BatchDetail.Activity(a.getActivityId(), a.getActivityName(), a.getStartTime(), a.getEndTime(),
            a.getDurationInMillis()))
        .toList();
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
