package org.xenprovisioner.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.springframework.stereotype.Component;

/**
 * Per guest, the steps and undo handlers that ran, with their times, from the engine's historic
 * activity instances: one query for the whole batch (every activity carries its root process
 * instance, the batch), grouped by the guest's own process instance.
 */
@Component
class GuestActivities {

  private final HistoryService history;
  private final RepositoryService repository;
  private final String table;
  /** Compensation handlers per process definition: read once from the deployed model. */
  private final Map<String, Set<String>> undoHandlers = new ConcurrentHashMap<>();

  GuestActivities(HistoryService history, RepositoryService repository, ManagementService management) {
    this.history = history;
    this.repository = repository;
    this.table = management.getTableName(HistoricActivityInstance.class);
  }

  /** What ran for one guest: its steps and the undo handlers (compensation), each oldest first. */
  record Ran(List<BatchDetail.Activity> steps, List<BatchDetail.Activity> undone) {
    static final Ran NOTHING = new Ran(List.of(), List.of());
  }

  /** By guest process instance id, for the batch started as the given process instance. */
  Map<String, Ran> of(String batchInstanceId) {
    List<HistoricActivityInstance> activities = history.createNativeHistoricActivityInstanceQuery()
        .sql("SELECT * FROM " + table + " WHERE ROOT_PROC_INST_ID_ = #{root} AND ACT_TYPE_ = 'serviceTask'")
        .parameter("root", batchInstanceId).list();
    Map<String, List<HistoricActivityInstance>> steps = new HashMap<>();
    Map<String, List<HistoricActivityInstance>> undone = new HashMap<>();
    for (HistoricActivityInstance activity : activities) {
      boolean undo = undoHandlers(activity.getProcessDefinitionId()).contains(activity.getActivityId());
      (undo ? undone : steps).computeIfAbsent(activity.getProcessInstanceId(), k -> new ArrayList<>()).add(activity);
    }
    Map<String, Ran> ran = new HashMap<>();
    for (String guest : steps.keySet()) {
      ran.put(guest, new Ran(timings(steps.get(guest)), timings(undone.get(guest))));
    }
    for (String guest : undone.keySet()) {
      ran.putIfAbsent(guest, new Ran(List.of(), timings(undone.get(guest))));
    }
    return ran;
  }

  private Set<String> undoHandlers(String processDefinitionId) {
    return undoHandlers.computeIfAbsent(processDefinitionId, id -> repository.getBpmnModelInstance(id)
        .getModelElementsByType(ServiceTask.class).stream()
        .filter(ServiceTask::isForCompensation).map(ServiceTask::getId).collect(Collectors.toSet()));
  }

  private static List<BatchDetail.Activity> timings(List<HistoricActivityInstance> activities) {
    if (activities == null) {
      return List.of();
    }
    return activities.stream()
        .sorted(Comparator.comparing(HistoricActivityInstance::getStartTime).thenComparing(HistoricActivityInstance::getId))
        .map(a -> new BatchDetail.Activity(a.getActivityId(), a.getActivityName(), a.getStartTime(), a.getEndTime(),
            a.getDurationInMillis()))
        .toList();
  }
}
