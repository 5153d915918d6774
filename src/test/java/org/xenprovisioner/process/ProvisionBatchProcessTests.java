package org.xenprovisioner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.xenprovisioner.process.BatchProcess.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.security.ProcessGuardPlugin;
import org.xenprovisioner.testing.TestSettings;

/**
 * The process model with the host faked: job execution is off, the test drives every job, and
 * each failure path shows exactly which undo handlers ran.
 */
@Deployment(resources = {"provision-batch.bpmn", "provision-guests.bpmn"})
class ProvisionBatchProcessTests {

  private static final FakeHost HOST = new FakeHost();
  private static final FakeLedger LEDGER = new FakeLedger();
  private static final HostLayout LAYOUT = HostLayout.of(Path.of("/srv/xen"), Path.of("/etc/xen"),
      Path.of("/run/xen-provisioner"));

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().useProcessEngine(buildEngine()).build();

  /** Several engines live in one test JVM: bind the assertions to this class's. */
  @BeforeEach
  void bindAssertions() {
    org.camunda.bpm.engine.test.assertions.bpmn.AbstractAssertions.init(engine.getProcessEngine());
  }

  @BeforeEach
  void users() {
    HOST.reset();
    var identity = engine.getIdentityService();
    for (String user : List.of("olga", "arne")) {
      identity.saveUser(identity.newUser(user));
    }
    identity.saveGroup(identity.newGroup(GROUP_APPROVERS));
    identity.saveGroup(identity.newGroup(GROUP_OPERATORS));
    identity.createMembership("arne", GROUP_APPROVERS);
    identity.createMembership("olga", GROUP_OPERATORS);
    identity.createMembership("olga", GROUP_APPROVERS);
  }

  @AfterEach
  void removeUsers() {
    var identity = engine.getIdentityService();
    identity.clearAuthentication();
    List.of("olga", "arne").forEach(identity::deleteUser);
    List.of(GROUP_APPROVERS, GROUP_OPERATORS).forEach(identity::deleteGroup);
  }

  @Test
  void provisionsEveryGuestThroughTheSixStepsInOrder() {
    ProcessInstance batch = submit("web01", "web02");
    assertThat(batch).isWaitingAt(TASK_APPROVE);
    assertThat(HOST.calls).isEmpty();

    decide(batch, "arne", true);
    runAllJobs();

    assertThat(batch).isEnded().hasPassed("EndEvent_BatchFinished");
    for (String guest : List.of("web01", "web02")) {
      assertThat(HOST.callsFor(guest)).containsExactly("check", "copy", "mount", "write-guest-config", "unmount",
          "write-domain-config");
    }
    assertThat(guestStatesByHost(batch)).containsEntry("web01", GUEST_PROVISIONED).containsEntry("web02", GUEST_PROVISIONED);
  }

  @Test
  void aBatchLargerThanOneGroupProvisionsEveryGuestOnceInItsGroup() {
    String[] hostnames = new String[GUESTS_PER_GROUP + 5];
    for (int i = 0; i < hostnames.length; i++) {
      hostnames[i] = String.format("g%02d", i);
    }
    ProcessInstance batch = submit(hostnames);
    decide(batch, "arne", true);
    runAllJobs();

    assertThat(batch).isEnded().hasPassed("EndEvent_BatchFinished");
    assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey(GROUP_PROCESS_KEY)
        .superProcessInstanceId(batch.getId()).count()).as("groups").isEqualTo(2);
    for (String hostname : hostnames) {
      assertThat(HOST.callsFor(hostname)).as(hostname).containsExactly("check", "copy", "mount", "write-guest-config",
          "unmount", "write-domain-config");
    }
    assertThat(guests(batch).values()).hasSize(hostnames.length).allSatisfy(variables ->
        assertThat(variables.get(VAR_HOSTNAME)).isEqualTo(hostnames[(Integer) variables.get(VAR_GUEST_INDEX)]));
  }

  @Test
  void rejectedBatchEndsWithoutTouchingTheHost() {
    ProcessInstance batch = submit("web01");
    decide(batch, "arne", false);
    runAllJobs();

    assertThat(batch).isEnded().hasPassed("EndEvent_BatchRejected").hasNotPassed(CALL_ACTIVITY_GROUPS);
    assertThat(HOST.calls).isEmpty();
  }

  @Test
  void submitterCannotApproveTheirOwnBatch() {
    ProcessInstance batch = submit("web01");
    assertThatThrownBy(() -> decide(batch, "olga", true)).hasMessageContaining("four eyes");
    assertThat(batch).isWaitingAt(TASK_APPROVE);
  }

  @Test
  void anonymousCompletionIsRefused() {
    ProcessInstance batch = submit("web01");
    Task task = engine.getTaskService().createTaskQuery().processInstanceId(batch.getId()).singleResult();
    assertThatThrownBy(() -> engine.getTaskService().complete(task.getId(), Map.of(VAR_APPROVED, true)))
        .hasMessageContaining("needs a logged-in user");
    assertThat(batch).isWaitingAt(TASK_APPROVE);
  }

  @Test
  void reportsEachEventOfABatchOnceOnTheConsoleWhenItHasHappened() {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(BatchEvents.class);
    ListAppender<ILoggingEvent> console = new ListAppender<>();
    console.start();
    log.addAppender(console);
    try {
      HOST.failAt("mount", "web02");
      ProcessInstance batch = submit("web01", "web02");
      decide(batch, "arne", true);
      runAllJobs();
      ProcessInstance rejected = submit("web03");
      decide(rejected, "arne", false);

      String id = batch.getBusinessKey();
      List<String> lines = console.list.stream().filter(event -> event.getLevel() == Level.INFO)
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).isEqualTo("Batch " + id + " approved by arne: provisioning 2 guest(s)");
      assertThat(lines.subList(1, 3)).containsExactlyInAnyOrder("Batch " + id + ": guest web01 provisioned",
          "Batch " + id + ": guest web02 rolled back: " + guestErrorsByIndex(batch).get(1));
      assertThat(lines.get(3)).isEqualTo("Batch " + id + " finished: 1 of 2 guest(s) provisioned, 1 rolled back");
      assertThat(lines.get(4)).isEqualTo("Batch " + rejected.getBusinessKey() + " rejected by arne: nothing is provisioned");
    } finally {
      log.detachAppender(console);
    }
  }

  @Test
  void keepsAGuestErrorOnOneConsoleLine() {
    assertThat(BatchEvents.oneLine("Guest web02: copy failed: cp exited 1\nstderr:\n  cp: No space left\r\n"))
        .isEqualTo("Guest web02: copy failed: cp exited 1 | stderr: | cp: No space left");
    assertThat(BatchEvents.oneLine("x".repeat(5000))).hasSizeLessThan(700).endsWith("(the whole error: GET /api/batches/{id})");
  }

  @ParameterizedTest(name = "failure at {0} runs undo handlers [{1}]")
  @CsvSource(delimiter = ';', value = {
      "check; ''",
      "copy; ''",
      "mount; delete-image",
      "write-guest-config; undo-mount,delete-image",
      "unmount; undo-mount,delete-image",
      "write-domain-config; undo-mount,delete-image",
  })
  void rollsBackOnlyTheFailedGuestWithExactlyTheUndoHandlersOfItsCompletedSteps(String failingStep, String undo) {
    HOST.failAt(failingStep, "web02");
    ProcessInstance batch = submit("web01", "web02", "web03");
    decide(batch, "arne", true);
    runAllJobs();

    assertThat(batch).isEnded().hasPassed("EndEvent_BatchFinished");
    assertThat(guestInstance(batch, "web02").getEndActivityId()).isEqualTo(SUBPROCESS_ROLL_BACK_GUEST);
    List<String> steps = List.of("check", "copy", "mount", "write-guest-config", "unmount", "write-domain-config");
    List<String> done = steps.subList(0, steps.indexOf(failingStep) + 1);
    List<String> undone = undo.isEmpty() ? List.of() : List.of(undo.split(","));
    List<String> web02 = HOST.callsFor("web02");
    assertThat(web02.subList(0, done.size())).isEqualTo(done);
    assertThat(web02.subList(done.size(), web02.size())).containsExactlyInAnyOrderElementsOf(undone);
    assertThat(HOST.callsFor("web01")).isEqualTo(steps);
    assertThat(HOST.callsFor("web03")).isEqualTo(steps);

    Map<String, String> states = guestStatesByHost(batch);
    assertThat(states).containsEntry("web01", GUEST_PROVISIONED).containsEntry("web03", GUEST_PROVISIONED)
        .containsEntry("web02", GUEST_ROLLED_BACK);
    assertThat(guestVariable(batch, "web02", VAR_GUEST_ERROR))
        .asString().startsWith("Guest web02: ").contains("simulated failure of " + failingStep);
    // the same outcome reaches the ledger, whose record outlives the engine's history
    assertThat(LEDGER.decisions).containsEntry(batch.getId(), "approved by arne: ok");
    assertThat(LEDGER.outcomes.get(batch.getId())).containsEntry(0, GUEST_PROVISIONED).containsEntry(2, GUEST_PROVISIONED)
        .hasEntrySatisfying(1, web02Outcome -> assertThat(web02Outcome).startsWith(GUEST_ROLLED_BACK + ": Guest web02: ")
            .contains("simulated failure of " + failingStep));
    assertThat(LEDGER.finished).containsKey(batch.getId());
  }

  @Test
  void aGuestWhoseStoredRowNoLongerPassesTheIntakeRulesIsRolledBackBeforeTouchingTheHost() {
    ProcessInstance batch = submit("web01", "web02", "web03");
    LEDGER.tamper(batch, 1, new Guest(3, "../../etc/cron.d/x", "192.0.2.11", "00:16:3e:00:00:02", "255.255.255.0",
        null, 512, 1, FakeLedger.DOM0));
    LEDGER.tamper(batch, 2, new Guest(4, "web03", "192.0.2.12", "00:16:3e:00:00:03\"\nscript=\"/tmp/x",
        "255.255.255.0", null, 512, 1, FakeLedger.DOM0));
    decide(batch, "arne", true);
    runAllJobs();

    assertThat(HOST.callsFor("web01")).containsExactly("check", "copy", "mount", "write-guest-config", "unmount",
        "write-domain-config");
    assertThat(HOST.calls).hasSize(6);
    Map<Integer, String> errors = guestErrorsByIndex(batch);
    assertThat(errors.get(1)).startsWith("Guest #1: Read guest info failed: ").contains("line 3, hostname");
    assertThat(errors.get(2)).startsWith("Guest #2: Read guest info failed: ").contains("line 4, mac");
    assertThat(guestStates(batch)).containsOnly(GUEST_PROVISIONED, GUEST_ROLLED_BACK);
  }

  @Test
  void anInstanceStartedPastTheBatchApiTouchesNothing() {
    engine.getIdentityService().setAuthentication("admin", List.of("camunda-admin"));
    ProcessInstance forged;
    ProcessInstance forgedGuest;
    try {
      forged = engine.getRuntimeService().createProcessInstanceByKey(PROCESS_KEY)
          .startBeforeActivity(CALL_ACTIVITY_GROUPS + "#multiInstanceBody").setVariable(VAR_GUEST_COUNT, 2).execute();
      forgedGuest = engine.getRuntimeService().createProcessInstanceByKey(GUEST_PROCESS_KEY)
          .processDefinitionTenantId(FakeLedger.DOM0).setVariable(VAR_GUEST_INDEX, 0).execute();
    } finally {
      engine.getIdentityService().clearAuthentication();
    }
    runAllJobs();

    assertThat(forged).as("the ledger holds no guest of it: the batch calls none").isEnded().hasNotPassed(CALL_ACTIVITY_GROUPS);
    assertThat(forgedGuest).as("a guest no batch called").isEnded().hasPassed(END_GUEST_ROLLED_BACK);
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(forgedGuest.getId())
        .variableName(VAR_GUEST_ERROR).singleResult().getValue()).asString().contains("was not started by a batch");
    assertThat(HOST.calls).isEmpty();
  }

  @Test
  void aGuestOfAnotherDom0IsNeverProvisionedHere() {
    ProcessInstance batch = submit("web01");
    LEDGER.tamper(batch, 0, LEDGER.find(batch.getId(), 0).guest().on("other-dom0"));
    decide(batch, "arne", true);
    runAllJobsAllowingFailures();

    assertThat(HOST.calls).isEmpty();
    assertThat(batch).as("its guest is started in the other Dom0's tenant, which this engine does not have").isNotEnded();
    assertThat(engine.getManagementService().createJobQuery().withException().list())
        .anySatisfy(job -> assertThat(job.getExceptionMessage()).contains("other-dom0"));
  }

  @Test
  void aBatchWaitingForAGoneDom0IsCancelledWholeWithItsGroupsAndGuests() {
    ProcessInstance batch = submit("web01", "web02");
    decide(batch, "arne", true);
    runJobsUntilGuestsStarted();
    // web02's Dom0 is gone for good: its guest waits (here: suspended, as no node acquires its jobs)
    String web02 = guests(batch).entrySet().stream().filter(guest -> Integer.valueOf(1).equals(guest.getValue().get(VAR_GUEST_INDEX)))
        .findFirst().orElseThrow().getKey();
    engine.getRuntimeService().suspendProcessInstanceById(web02);
    runAllJobs();
    assertThat(batch).isNotEnded();

    // the guest's or its group's own instance is not cancelled alone, not even by an administrator
    String group = engine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(batch.getId()).singleResult()
        .getId();
    for (String instance : List.of(web02, group)) {
      engine.getIdentityService().setAuthentication("admin", List.of(Groups.CAMUNDA_ADMIN));
      try {
        assertThatThrownBy(() -> engine.getRuntimeService().deleteProcessInstance(instance, "Dom0 of web02 gone for good"))
            .isInstanceOf(AuthorizationException.class).hasMessageContaining("Cancel the batch's provision-batch instance");
      } finally {
        engine.getIdentityService().clearAuthentication();
      }
    }
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(web02).count()).isEqualTo(1);

    // as docs/cluster.md tells an administrator: cancel the batch (Cockpit)
    engine.getIdentityService().setAuthentication("admin", List.of(Groups.CAMUNDA_ADMIN));
    try {
      engine.getRuntimeService().deleteProcessInstance(batch.getId(), "Dom0 of web02 gone for good");
    } finally {
      engine.getIdentityService().clearAuthentication();
    }

    assertThat(engine.getRuntimeService().createProcessInstanceQuery().count()).as("groups and guests go with it").isZero();
    assertThat(engine.getManagementService().createJobQuery().count()).isZero();
    assertThat(HOST.callsFor("web01")).contains("write-domain-config");
    assertThat(HOST.callsFor("web02")).isEmpty();
  }

  @Test
  void failedUndoBecomesAnIncidentInsteadOfAFalseRollback() {
    HOST.failAt("mount", "web01");
    HOST.failAlways("delete-image", "web01");
    ProcessInstance batch = submit("web01");
    decide(batch, "arne", true);
    runAllJobsAllowingFailures();

    assertThat(engine.getRuntimeService().createIncidentQuery().processInstanceId(guestInstance(batch, "web01").getId())
        .count()).isEqualTo(1);
    assertThat(batch).isNotEnded();
    assertThat(guestStates(batch)).doesNotContain(GUEST_ROLLED_BACK, GUEST_PROVISIONED);
  }

  @Test
  void publishesCopyProgressThatOthersSeeWhileTheCopyRunsWithoutConflictingWithTheJob() throws Exception {
    HOST.copyProgress.add(new long[] {1024, 4096});
    HOST.copyProgress.add(new long[] {4096, 4096});
    List<Object> seenDuringCopy = new java.util.concurrent.CopyOnWriteArrayList<>();
    HOST.duringCopy = () -> {
      // another thread, as Cockpit would read it: sees only what is committed
      Thread reader = new Thread(() -> engine.getRuntimeService().createVariableInstanceQuery()
          .variableName(VAR_COPY_PROGRESS).list().forEach(variable -> seenDuringCopy.add(variable.getValue())));
      reader.start();
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ProcessInstance batch = submit("web01");
    decide(batch, "arne", true);

    runAllJobs(); // rethrows an OptimisticLockingException of any job, the copy job's included

    assertThat(seenDuringCopy).containsExactly("4096 / 4096 bytes (100%)");
    assertThat(HOST.callsFor("web01")).containsOnlyOnce("copy");
    assertThat(guestVariable(batch, "web01", VAR_COPY_PROGRESS)).as("kept on the guest's scope").isEqualTo("4096 / 4096 bytes (100%)");
    assertThat(engine.getHistoryService().createHistoricJobLogQuery().processInstanceId(guestInstance(batch, "web01").getId())
        .failureLog().count()).isZero();
    assertThat(batch).isEnded();
    assertThat(guestStatesByHost(batch)).containsExactly(Map.entry("web01", GUEST_PROVISIONED));
  }

  /** As the batch API does: the instance started by the operator with the API's group, its guests in the ledger. */
  private ProcessInstance submit(String... hostnames) {
    List<Guest> guests = new java.util.ArrayList<>();
    for (int i = 0; i < hostnames.length; i++) {
      guests.add(new Guest(i + 2, hostnames[i], "192.0.2." + (10 + i), String.format("00:16:3e:00:00:%02x", i + 1),
          "255.255.255.0", "192.0.2.1", 512, 1, FakeLedger.DOM0));
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put(VAR_BATCH_NAME, "test");
    variables.put(VAR_SUBMITTED_BY, "olga");
    variables.put(VAR_SUBMITTED_AT, new Date());
    variables.put(VAR_GUEST_COUNT, guests.size());
    engine.getIdentityService().setAuthentication("olga", List.of(GROUP_OPERATORS, ProcessGuardPlugin.API_GROUP));
    try {
      ProcessInstance batch = engine.getRuntimeService()
          .startProcessInstanceByKey(PROCESS_KEY, UUID.randomUUID().toString(), variables);
      LEDGER.record(batch, guests);
      return batch;
    } finally {
      engine.getIdentityService().clearAuthentication();
    }
  }

  private void decide(ProcessInstance batch, String user, boolean approved) {
    Task task = engine.getTaskService().createTaskQuery().processInstanceId(batch.getId()).singleResult();
    engine.getIdentityService().setAuthentication(user, List.of(GROUP_APPROVERS));
    try {
      engine.getTaskService().complete(task.getId(), Map.of(VAR_APPROVED, approved, VAR_COMMENT, "ok"));
    } finally {
      engine.getIdentityService().clearAuthentication();
    }
  }

  /** Runs the batch's and groups' jobs until every guest instance exists, none of a guest's own. */
  /** Runs the batch's and its groups' jobs until the guests' instances wait at their first step. */
  private void runJobsUntilGuestsStarted() {
    runJobs(job -> !GUEST_PROCESS_KEY.equals(job.getProcessDefinitionKey()), 50, false);
  }

  private void runAllJobs() {
    runJobs(job -> true, 200, false);
  }

  private void runAllJobsAllowingFailures() {
    runJobs(job -> true, 200, true);
  }

  /** Executes the executable jobs chosen, round after round, until none is left; fails after the rounds given. */
  private void runJobs(Predicate<Job> chosen, int rounds, boolean allowFailures) {
    for (int round = 0; round < rounds; round++) {
      List<Job> jobs = engine.getManagementService().createJobQuery().executable().list().stream().filter(chosen).toList();
      if (jobs.isEmpty()) {
        return;
      }
      for (Job job : jobs) {
        try {
          engine.getManagementService().executeJob(job.getId());
        } catch (RuntimeException e) {
          if (!allowFailures) {
            throw e;
          }
        }
      }
    }
    throw new AssertionError("jobs still pending after " + rounds + " rounds");
  }


  /** The guest instances the batch called, each with its variables (as history keeps them). */
  private Map<String, Map<String, Object>> guests(ProcessInstance batch) {
    Map<String, Map<String, Object>> guests = new HashMap<>();
    for (HistoricProcessInstance guest : engine.getHistoryService().createHistoricProcessInstanceQuery()
        .processDefinitionKey(GUEST_PROCESS_KEY).rootProcessInstanceId(batch.getId()).list()) {
      Map<String, Object> variables = new HashMap<>();
      engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(guest.getId()).list()
          .forEach(variable -> variables.put(variable.getName(), variable.getValue()));
      guests.put(guest.getId(), variables);
    }
    return guests;
  }

  private HistoricProcessInstance guestInstance(ProcessInstance batch, String hostname) {
    String id = guests(batch).entrySet().stream().filter(guest -> hostname.equals(guest.getValue().get(VAR_HOSTNAME)))
        .findFirst().orElseThrow().getKey();
    return engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(id).singleResult();
  }

  private List<Object> guestStates(ProcessInstance batch) {
    return guests(batch).values().stream().map(variables -> variables.get(VAR_GUEST_STATE)).toList();
  }

  private Map<String, String> guestStatesByHost(ProcessInstance batch) {
    return guests(batch).values().stream().collect(Collectors.toMap(variables -> (String) variables.get(VAR_HOSTNAME),
        variables -> (String) variables.get(VAR_GUEST_STATE)));
  }

  private Object guestVariable(ProcessInstance batch, String hostname, String name) {
    return guests(batch).values().stream().filter(variables -> hostname.equals(variables.get(VAR_HOSTNAME)))
        .findFirst().orElseThrow().get(name);
  }

  private Map<Integer, String> guestErrorsByIndex(ProcessInstance batch) {
    Map<Integer, String> errors = new HashMap<>();
    guests(batch).values().forEach(variables -> {
      if (variables.get(VAR_GUEST_ERROR) instanceof String error) {
        errors.put((Integer) variables.get(VAR_GUEST_INDEX), error);
      }
    });
    return errors;
  }

  private static ProcessEngine buildEngine() {
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl)
        new StandaloneInMemProcessEngineConfiguration()
            .setJdbcUrl("jdbc:h2:mem:process-tests-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
            .setHistory("full")
            .setJobExecutorActivate(false)
            .setProcessEngineName("process-tests");
    GuestLoader guests = new GuestLoader(LEDGER, LAYOUT, TestSettings.nowhere().build());
    Map<Object, Object> beans = new HashMap<>();
    beans.put("guestScopeListener", new GuestScopeListener());
    beans.put("guestRouting", new GuestRouting(LEDGER));
    beans.put("recordApprovalListener", new RecordApprovalListener(LEDGER));
    beans.put("readGuestInfoDelegate", new ReadGuestInfoDelegate(guests, HOST));
    beans.put("copyBaseImageDelegate", new CopyBaseImageDelegate(guests, HOST));
    beans.put("mountImageDelegate", new MountImageDelegate(guests, HOST));
    beans.put("writeGuestConfigDelegate", new WriteGuestConfigDelegate(guests, HOST));
    beans.put("unmountImageDelegate", new UnmountImageDelegate(guests, HOST));
    beans.put("writeDomainConfigDelegate", new WriteDomainConfigDelegate(guests, HOST));
    beans.put("deleteImageDelegate", new DeleteImageDelegate(guests, HOST));
    beans.put("undoMountDelegate", new UndoMountDelegate(guests, HOST));
    beans.put("guestProvisionedListener", new GuestOutcomeListener(GUEST_PROVISIONED, LEDGER));
    beans.put("guestRolledBackListener", new GuestOutcomeListener(GUEST_ROLLED_BACK, LEDGER));
    beans.put("deleteDomainConfigDelegate", new DeleteDomainConfigDelegate(guests, HOST));
    beans.put("batchFinishedListener", new BatchFinishedListener(LEDGER));
    configuration.setBeans(beans);
    configuration.getProcessEnginePlugins().add(new ProcessGuardPlugin());
    ProcessEngine built = configuration.buildProcessEngine();
    // each node deploys the guest process for its own Dom0; the batch calls it in the guest's Dom0's tenant
    built.getRepositoryService().createDeployment().tenantId(FakeLedger.DOM0)
        .addClasspathResource(GUEST_PROCESS_RESOURCE).deploy();
    return built;
  }
}
