package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.CALL_ACTIVITY_GROUPS;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.TASK_APPROVE;

import java.util.List;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.migration.MigrationPlan;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Batches of a release whose {@code provision-batch} ran every guest inside the batch's own
 * instance (before the groups and guest processes): one still waiting for approval is moved to the
 * current model by the engine's own migration (the task stays, with its claim and variables), so
 * once approved it runs as any batch. One that was already running cannot be moved (its guests are
 * scopes of the old model); the start says so, and an administrator cancels it in Cockpit.
 */
@Component
class EarlierBatches {

  private static final Logger LOG = LoggerFactory.getLogger(EarlierBatches.class);

  private final ProcessEngine engine;

  EarlierBatches(ProcessEngine engine) {
    this.engine = engine;
  }

  @EventListener(ApplicationReadyEvent.class)
  void moveWaitingBatchesToTheCurrentModel() {
    RepositoryService repository = engine.getRepositoryService();
    RuntimeService runtime = engine.getRuntimeService();
    ProcessDefinition current = repository.createProcessDefinitionQuery().processDefinitionKey(PROCESS_KEY).withoutTenantId()
        .latestVersion().singleResult();
    if (current == null) {
      return;
    }
    for (ProcessDefinition earlier : repository.createProcessDefinitionQuery().processDefinitionKey(PROCESS_KEY).list()) {
      if (earlier.getId().equals(current.getId()) || runtime.createProcessInstanceQuery().processDefinitionId(earlier.getId()).count() == 0
          || repository.getBpmnModelInstance(earlier.getId()).getModelElementById(CALL_ACTIVITY_GROUPS) != null) {
        continue;
      }
      List<String> waiting = runtime.createProcessInstanceQuery().processDefinitionId(earlier.getId()).activityIdIn(TASK_APPROVE)
          .list().stream().map(ProcessInstance::getId).toList();
      if (!waiting.isEmpty()) {
        MigrationPlan plan = runtime.createMigrationPlan(earlier.getId(), current.getId()).mapEqualActivities().build();
        try {
          runtime.newMigration(plan).processInstanceIds(waiting).execute();
          LOG.info("Moved {} batch(es) waiting for approval from {} to the current process {}", waiting.size(),
              earlier.getId(), current.getId());
        } catch (RuntimeException e) {
          // another node of the cluster starting at the same moment moved them first
          LOG.info("Batches waiting for approval in {} not moved here: {}", earlier.getId(), e.getMessage());
        }
      }
      runtime.createProcessInstanceQuery().processDefinitionId(earlier.getId()).list().forEach(running -> LOG.warn(
          "Batch {} was running when this release was installed; its guests run in the earlier model, which this release "
              + "cannot continue: cancel it in Cockpit and submit its remaining guests again", running.getBusinessKey()));
    }
  }
}
