package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.xenprovisioner.process.BatchProcess.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xenprovisioner.ledger.BatchOutcomes;
import org.xenprovisioner.process.RecordApprovalListener;

/**
 * The engine-side trust boundary on a real engine (in memory, jobs driven by hand): what a REST
 * caller could try through any of the engine's routes is tried here through the engine's services
 * as each role, and refused with the exception the REST layer answers 403 for. The HTTP
 * routes themselves are tried against the running application in {@code TrustBoundaryTests}.
 */
@Deployment(resources = "provision-batch.bpmn")
class ProcessGuardTests {

  private static final List<String> OPERATOR = List.of(GROUP_OPERATORS);
  private static final List<String> APPROVER = List.of(GROUP_APPROVERS);
  private static final List<String> BOTH = List.of(GROUP_OPERATORS, GROUP_APPROVERS);
  private static final List<String> ADMIN = List.of(UserBootstrap.ADMIN_GROUP);

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().useProcessEngine(buildEngine()).build();

  /** Several engines live in one test JVM: bind the assertions to this class's. */
  @BeforeEach
  void bindAssertions() {
    org.camunda.bpm.engine.test.assertions.bpmn.AbstractAssertions.init(engine.getProcessEngine());
  }

  @AfterEach
  void logOut() {
    engine.getIdentityService().clearAuthentication();
  }

  @Test
  void onlyTheBatchApiStartsABatch() {
    assertThatThrownBy(() -> as("olga", OPERATOR, () -> engine.getRuntimeService().startProcessInstanceByKey(PROCESS_KEY)))
        .isInstanceOf(AuthorizationException.class).hasMessageContaining("only through POST /api/batches");
    assertThatThrownBy(() -> as("paula", BOTH, () -> engine.getRuntimeService().createProcessInstanceByKey(PROCESS_KEY)
        .startBeforeActivity(CALL_ACTIVITY_GROUPS).setVariable(VAR_GUEST_COUNT, 1).execute()))
        .as("start instructions past the approval").isInstanceOf(AuthorizationException.class);
    String definition = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(PROCESS_KEY)
        .latestVersion().singleResult().getId();
    assertThatThrownBy(() -> as("arne", APPROVER, () -> engine.getFormService().submitStartForm(definition, Map.of())))
        .isInstanceOf(AuthorizationException.class);

    assertThat(submit()).isWaitingAt(TASK_APPROVE);
    assertThatCode(() -> as("admin", ADMIN, () -> engine.getRuntimeService().startProcessInstanceByKey(PROCESS_KEY,
        Map.of(VAR_GUEST_COUNT, 1)))).as("camunda-admin may").doesNotThrowAnyException();
  }

  @Test
  void aRejectedBatchCannotBeRestartedAndNoBatchModifiedOrMigrated() {
    ProcessInstance batch = submit();
    decide(batch, "arne", Map.of(VAR_APPROVED, false));
    assertThat(batch).isEnded();
    for (List<String> groups : List.of(OPERATOR, APPROVER, BOTH)) {
      assertThatThrownBy(() -> as("paula", groups, () -> engine.getRuntimeService()
          .restartProcessInstances(batch.getProcessDefinitionId()).startBeforeActivity(CALL_ACTIVITY_GROUPS)
          .processInstanceIds(batch.getId()).execute())).isInstanceOf(AuthorizationException.class);
    }
    ProcessInstance waiting = submit();
    assertThatThrownBy(() -> as("arne", APPROVER, () -> engine.getRuntimeService()
        .createProcessInstanceModification(waiting.getId()).startBeforeActivity(CALL_ACTIVITY_GROUPS).execute()))
        .isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> as("olga", OPERATOR, () -> engine.getRuntimeService()
        .createMigrationPlan(waiting.getProcessDefinitionId(), waiting.getProcessDefinitionId()).mapEqualActivities().build()))
        .isInstanceOf(AuthorizationException.class);
    assertThat(waiting).isWaitingAt(TASK_APPROVE);
  }

  @Test
  void nobodyButAdministratorsWritesBatchVariablesOnAnyRoute() {
    ProcessInstance batch = submit();
    Task task = task(batch);
    List<Consumer<String>> writes = List.of(
        value -> engine.getRuntimeService().setVariable(batch.getId(), "imageDir", value),
        value -> engine.getRuntimeService().setVariableLocal(batch.getId(), VAR_SUBMITTED_BY, value),
        value -> engine.getRuntimeService().setVariables(batch.getId(), Map.of(VAR_GUEST_TABLE, value)),
        value -> engine.getRuntimeService().removeVariable(batch.getId(), VAR_BATCH_NAME),
        value -> engine.getTaskService().setVariable(task.getId(), VAR_SUBMITTED_BY, value),
        value -> engine.getTaskService().setVariableLocal(task.getId(), "vmList", value),
        value -> engine.getTaskService().removeVariable(task.getId(), VAR_BATCH_NAME));
    for (List<String> groups : List.of(OPERATOR, APPROVER, BOTH)) {
      for (Consumer<String> write : writes) {
        assertThatThrownBy(() -> as("arne", groups, () -> write.accept("/tmp/evil")))
            .isInstanceOf(AuthorizationException.class).hasMessageContaining("may not");
      }
    }
    assertThat(engine.getRuntimeService().getVariables(batch.getId())).doesNotContainKeys("imageDir", "vmList")
        .containsEntry(VAR_SUBMITTED_BY, "olga");
  }

  @Test
  void fourEyesComparesWithTheUserTheEngineRecordedAsStarterNotWithAVariable() {
    ProcessInstance batch = submit();
    as("admin", ADMIN, () -> engine.getRuntimeService().setVariable(batch.getId(), VAR_SUBMITTED_BY, "someone-else"));
    assertThatThrownBy(() -> decide(batch, "olga", Map.of(VAR_APPROVED, true)))
        .isInstanceOf(AuthorizationException.class).hasMessageContaining("four eyes");
    assertThatThrownBy(() -> as("olga", BOTH, () -> engine.getTaskService().claim(task(batch).getId(), "olga")))
        .as("nor claim it").isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> as("admin", ADMIN, () -> engine.getTaskService().complete(task(batch).getId(),
        Map.of(VAR_APPROVED, true)))).as("deciding needs the approvers group, also for camunda-admin")
        .isInstanceOf(AuthorizationException.class).hasMessageContaining(GROUP_APPROVERS);
    assertThat(batch).isWaitingAt(TASK_APPROVE);

    decide(batch, "arne", Map.of(VAR_APPROVED, true, VAR_COMMENT, "fine"));
    assertThat(engine.getRuntimeService().getVariable(batch.getId(), VAR_APPROVED_BY)).isEqualTo("arne");
  }

  @Test
  void completingTheApprovalTakesApprovedAndCommentOnlyOnEveryRoute() {
    ProcessInstance batch = submit();
    String task = task(batch).getId();
    Map<String, Object> extra = new HashMap<>(Map.of(VAR_APPROVED, true, "imageDir", "/tmp/evil"));
    assertThatThrownBy(() -> decide(batch, "arne", extra)).isInstanceOf(AuthorizationException.class)
        .hasMessageContaining("'imageDir' is refused");
    assertThatThrownBy(() -> as("arne", APPROVER, () -> engine.getFormService().submitTaskForm(task,
        Map.of(VAR_APPROVED, true, VAR_SUBMITTED_BY, "arne")))).isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> decide(batch, "arne", Map.of(VAR_COMMENT, "no decision")))
        .isInstanceOf(AuthorizationException.class).hasMessageContaining("Boolean variable 'approved'");
    assertThatThrownBy(() -> decide(batch, "arne", Map.of(VAR_APPROVED, "true")))
        .isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> decide(batch, "arne", Map.of(VAR_APPROVED, Variables.integerValue(1))))
        .isInstanceOf(AuthorizationException.class);
    assertThatThrownBy(() -> decide(batch, "arne", Map.of(VAR_APPROVED, true, VAR_COMMENT, "x".repeat(2001))))
        .isInstanceOf(AuthorizationException.class).hasMessageContaining("at most 2000");
    assertThatThrownBy(() -> as("arne", APPROVER, () -> engine.getTaskService().handleBpmnError(task, "Err_GuestFailed")))
        .isInstanceOf(AuthorizationException.class);
    as("arne", APPROVER, () -> engine.getTaskService().delegateTask(task, "arne"));
    assertThatThrownBy(() -> as("arne", APPROVER, () -> engine.getTaskService().resolveTask(task,
        Map.of(VAR_APPROVED, true, VAR_GUEST_COUNT, 100)))).isInstanceOf(AuthorizationException.class);
    assertThat(batch).isWaitingAt(TASK_APPROVE);
    assertThat(engine.getRuntimeService().getVariables(batch.getId())).doesNotContainKeys("imageDir", VAR_APPROVED)
        .containsEntry(VAR_GUEST_COUNT, 1);

    as("arne", APPROVER, () -> engine.getTaskService().resolveTask(task, Map.of(VAR_COMMENT, "looked at it")));
    as("arne", APPROVER, () -> engine.getFormService().submitTaskForm(task,
        Map.of(VAR_APPROVED, Variables.booleanValue(true), VAR_COMMENT, Variables.stringValue("go"))));
    assertThat(batch).isNotWaitingAt(TASK_APPROVE);
  }

  @Test
  void stepsCannotBeExecutedByHandOutsideTheJobExecutor() {
    ProcessInstance batch = submit();
    decide(batch, "arne", Map.of(VAR_APPROVED, true));
    String job = engine.getManagementService().createJobQuery().processInstanceId(batch.getId()).list().get(0).getId();
    for (List<String> groups : List.of(OPERATOR, APPROVER, BOTH)) {
      assertThatThrownBy(() -> as("paula", groups, () -> engine.getManagementService().executeJob(job)))
          .isInstanceOf(AuthorizationException.class);
    }
    assertThat(engine.getManagementService().createJobQuery().jobId(job).singleResult().getRetries())
        .as("a refused execution is no failure of the step").isEqualTo(3);
    assertThatThrownBy(() -> as("olga", OPERATOR, () -> engine.getManagementService().setJobRetries(job, 3)))
        .as("a step that has not failed").isInstanceOf(AuthorizationException.class).hasMessageContaining("has not failed");
    engine.getManagementService().setJobRetries(job, 0);
    for (List<String> groups : List.of(OPERATOR, BOTH)) {
      assertThatThrownBy(() -> as("olga", groups, () -> engine.getManagementService().setJobRetries(1).jobId(job)
          .dueDate(new java.util.Date(4_000_000_000_000L)).execute()))
          .as("a failed step retried in 2096").isInstanceOf(AuthorizationException.class).hasMessageContaining("retried now");
      assertThatThrownBy(() -> as("olga", groups, () -> engine.getManagementService().setJobRetries(job, 0)))
          .as("a failed step held").isInstanceOf(AuthorizationException.class).hasMessageContaining("1 retry or more");
    }
    assertThatCode(() -> as("olga", OPERATOR, () -> engine.getManagementService().setJobRetries(job, 3)))
        .as("operators retry failed steps").doesNotThrowAnyException();
  }

  /** As the batch API starts a batch: the operator, with the API's group. */
  private ProcessInstance submit() {
    return as("olga", List.of(GROUP_OPERATORS, ProcessGuard.API_GROUP), () -> engine.getRuntimeService()
        .startProcessInstanceByKey(PROCESS_KEY, UUID.randomUUID().toString(),
            Map.of(VAR_GUEST_COUNT, 1, VAR_SUBMITTED_BY, "olga", VAR_BATCH_NAME, "test")));
  }

  private void decide(ProcessInstance batch, String user, Map<String, Object> variables) {
    as(user, APPROVER, () -> engine.getTaskService().complete(task(batch).getId(), variables));
  }

  private Task task(ProcessInstance batch) {
    return engine.getTaskService().createTaskQuery().processInstanceId(batch.getId()).singleResult();
  }

  private static void as(String user, List<String> groups, Runnable action) {
    as(user, groups, () -> {
      action.run();
      return null;
    });
  }

  private static <T> T as(String user, List<String> groups, java.util.function.Supplier<T> action) {
    engine.getIdentityService().setAuthentication(user, groups);
    try {
      return action.get();
    } finally {
      engine.getIdentityService().clearAuthentication();
    }
  }

  private static ProcessEngine buildEngine() {
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl)
        new StandaloneInMemProcessEngineConfiguration()
            .setJdbcUrl("jdbc:h2:mem:guard-tests-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
            .setHistory("full")
            .setJobExecutorActivate(false)
            .setProcessEngineName("guard-tests");
    configuration.setBeans(new HashMap<>(Map.of("recordApprovalListener", new RecordApprovalListener(BatchOutcomes.NONE))));
    configuration.getProcessEnginePlugins().add(new ProcessGuardPlugin());
    return configuration.buildProcessEngine();
  }
}
