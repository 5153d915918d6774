package org.xenprovisioner.security;

import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.history.HistoricCaseInstance;
import org.camunda.bpm.engine.history.HistoricDecisionInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.impl.batch.BatchEntity;
import org.camunda.bpm.engine.impl.batch.history.HistoricBatchEntity;
import org.camunda.bpm.engine.impl.cfg.CommandChecker;
import org.camunda.bpm.engine.impl.dmn.entity.repository.DecisionDefinitionEntity;
import org.camunda.bpm.engine.impl.dmn.entity.repository.DecisionRequirementsDefinitionEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricExternalTaskLogEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricJobLogEventEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricProcessInstanceEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricTaskInstanceEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricVariableInstanceEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.repository.CaseDefinition;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.CaseExecution;

/** A {@link CommandChecker} that allows everything; {@link ProcessGuard} overrides the few checks it needs. */
abstract class NoCommandChecks implements CommandChecker {

  @Override
  public void checkEvaluateDecision(DecisionDefinition decisionDefinition) {
  }

  @Override
  public void checkCreateProcessInstance(ProcessDefinition processDefinition) {
  }

  @Override
  public void checkReadProcessDefinition(ProcessDefinition processDefinition) {
  }

  @Override
  public void checkCreateCaseInstance(CaseDefinition caseDefinition) {
  }

  @Override
  public void checkUpdateProcessDefinitionById(String processDefinitionId) {
  }

  @Override
  public void checkUpdateProcessDefinitionSuspensionStateById(String processDefinitionId) {
  }

  @Override
  public void checkUpdateProcessInstanceByProcessDefinitionId(String processDefinitionId) {
  }

  @Override
  public void checkUpdateRetriesProcessInstanceByProcessDefinitionId(String processDefinitionId) {
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateByProcessDefinitionId(String processDefinitionId) {
  }

  @Override
  public void checkUpdateDecisionDefinitionById(String decisionDefinitionId) {
  }

  @Override
  public void checkUpdateProcessDefinitionByKey(String processDefinitionKey) {
  }

  @Override
  public void checkUpdateProcessDefinitionSuspensionStateByKey(String processDefinitionKey) {
  }

  @Override
  public void checkDeleteProcessDefinitionById(String processDefinitionId) {
  }

  @Override
  public void checkDeleteProcessDefinitionByKey(String processDefinitionKey) {
  }

  @Override
  public void checkUpdateProcessInstanceByProcessDefinitionKey(String processDefinitionKey) {
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateByProcessDefinitionKey(String processDefinitionKey) {
  }

  @Override
  public void checkUpdateProcessInstanceById(String processInstanceId) {
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateById(String processInstanceId) {
  }

  @Override
  public void checkUpdateProcessInstance(ExecutionEntity execution) {
  }

  @Override
  public void checkUpdateProcessInstanceVariables(ExecutionEntity execution) {
  }

  @Override
  public void checkCreateMigrationPlan(ProcessDefinition sourceProcessDefinition, ProcessDefinition targetProcessDefinition) {
  }

  @Override
  public void checkMigrateProcessInstance(ExecutionEntity processInstance, ProcessDefinition targetProcessDefinition) {
  }

  @Override
  public void checkReadProcessInstance(String processInstanceId) {
  }

  @Override
  public void checkReadJob(JobEntity job) {
  }

  @Override
  public void checkUpdateJob(JobEntity job) {
  }

  @Override
  public void checkUpdateRetriesJob(JobEntity job) {
  }

  @Override
  public void checkReadProcessInstance(ExecutionEntity execution) {
  }

  @Override
  public void checkReadProcessInstanceVariable(ExecutionEntity execution) {
  }

  @Override
  public void checkDeleteProcessInstance(ExecutionEntity execution) {
  }

  @Override
  public void checkReadTask(TaskEntity task) {
  }

  @Override
  public void checkReadTaskVariable(TaskEntity task) {
  }

  @Override
  public void checkUpdateTaskVariable(TaskEntity task) {
  }

  @Override
  public void checkCreateBatch(Permission permission) {
  }

  @Override
  public void checkDeleteBatch(BatchEntity batch) {
  }

  @Override
  public void checkDeleteHistoricBatch(HistoricBatchEntity batch) {
  }

  @Override
  public void checkSuspendBatch(BatchEntity batch) {
  }

  @Override
  public void checkActivateBatch(BatchEntity batch) {
  }

  @Override
  public void checkReadHistoricBatch() {
  }

  @Override
  public void checkCreateDeployment() {
  }

  @Override
  public void checkReadDeployment(String deploymentId) {
  }

  @Override
  public void checkDeleteDeployment(String deploymentId) {
  }

  @Override
  public void checkTaskAssign(TaskEntity task) {
  }

  @Override
  public void checkCreateTask(TaskEntity task) {
  }

  @Override
  public void checkCreateTask() {
  }

  @Override
  public void checkTaskWork(TaskEntity task) {
  }

  @Override
  public void checkDeleteTask(TaskEntity task) {
  }

  @Override
  public void checkReadDecisionDefinition(DecisionDefinitionEntity decisionDefinition) {
  }

  @Override
  public void checkReadDecisionRequirementsDefinition(DecisionRequirementsDefinitionEntity decisionRequirementsDefinition) {
  }

  @Override
  public void checkReadCaseDefinition(CaseDefinition caseDefinition) {
  }

  @Override
  public void checkUpdateCaseDefinition(CaseDefinition caseDefinition) {
  }

  @Override
  public void checkDeleteHistoricTaskInstance(HistoricTaskInstanceEntity task) {
  }

  @Override
  public void checkDeleteHistoricProcessInstance(HistoricProcessInstance instance) {
  }

  @Override
  public void checkDeleteHistoricCaseInstance(HistoricCaseInstance instance) {
  }

  @Override
  public void checkDeleteHistoricDecisionInstance(String decisionDefinitionKey) {
  }

  @Override
  public void checkDeleteHistoricDecisionInstance(HistoricDecisionInstance instance) {
  }

  @Override
  public void checkReadHistoricJobLog(HistoricJobLogEventEntity historicJobLog) {
  }

  @Override
  public void checkReadHistoryAnyProcessDefinition() {
  }

  @Override
  public void checkReadHistoryProcessDefinition(String processDefinitionId) {
  }

  @Override
  public void checkUpdateCaseInstance(CaseExecution caseExecution) {
  }

  @Override
  public void checkDeleteUserOperationLog(UserOperationLogEntry entry) {
  }

  @Override
  public void checkUpdateUserOperationLog(UserOperationLogEntry entry) {
  }

  @Override
  public void checkReadCaseInstance(CaseExecution caseExecution) {
  }

  @Override
  public void checkReadHistoricExternalTaskLog(HistoricExternalTaskLogEntity historicExternalTaskLog) {
  }

  @Override
  public void checkDeleteHistoricVariableInstance(HistoricVariableInstanceEntity variable) {
  }

  @Override
  public void checkDeleteHistoricVariableInstancesByProcessInstance(HistoricProcessInstanceEntity instance) {
  }

  @Override
  public void checkReadDiagnosticsData() {
  }

  @Override
  public void checkReadHistoryLevel() {
  }

  @Override
  public void checkReadTableCount() {
  }

  @Override
  public void checkReadTableName() {
  }

  @Override
  public void checkReadTableMetaData() {
  }

  @Override
  public void checkReadProperties() {
  }

  @Override
  public void checkSetProperty() {
  }

  @Override
  public void checkDeleteProperty() {
  }

  @Override
  public void checkDeleteLicenseKey() {
  }

  @Override
  public void checkSetLicenseKey() {
  }

  @Override
  public void checkReadLicenseKey() {
  }

  @Override
  public void checkRegisterProcessApplication() {
  }

  @Override
  public void checkUnregisterProcessApplication() {
  }

  @Override
  public void checkReadRegisteredDeployments() {
  }

  @Override
  public void checkReadProcessApplicationForDeployment() {
  }

  @Override
  public void checkRegisterDeployment() {
  }

  @Override
  public void checkUnregisterDeployment() {
  }

  @Override
  public void checkDeleteMetrics() {
  }

  @Override
  public void checkDeleteTaskMetrics() {
  }

  @Override
  public void checkReadSchemaLog() {
  }
}
