package org.xenprovisioner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xenprovisioner.process.BatchProcess.CALL_ACTIVITY_GROUPS;
import static org.xenprovisioner.process.BatchProcess.ERROR_GUEST_FAILED;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED;
import static org.xenprovisioner.process.BatchProcess.VAR_BATCH_NAME;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_COUNT;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_ERROR;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_STATE;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_TABLE;
import static org.xenprovisioner.process.BatchProcess.VAR_SUBMITTED_AT;
import static org.xenprovisioner.process.BatchProcess.VAR_SUBMITTED_BY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.spin.plugin.impl.SpinProcessEnginePlugin;
import org.camunda.spin.plugin.variable.SpinValues;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;
import org.xenprovisioner.testing.TestImages;

/**
 * An installation of the single-Dom0 release upgraded to this one, on its own database: the release's
 * ledger (migration V1) and process model (its {@code provision-batch.bpmn}, kept in the test
 * resources as it shipped) hold one batch that finished (one guest provisioned, one rolled back,
 * run by stand-ins of that release's steps) and one still waiting for approval. The application then
 * starts on that database: the ledger is migrated, the waiting batch is moved to the current model
 * and, once approved over the API, provisions its guests for real; the finished batch's audit still
 * shows each guest's outcome as that release recorded it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UpgradeFromSingleDom0Tests {

  private static final String DATABASE = "jdbc:h2:mem:single-dom0-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
  private static final String WAITING = "20261101-090000-aaaa";
  private static final String FINISHED = "20261031-090000-bbbb";
  private static Path root;

  @LocalServerPort
  private int port;
  @Autowired
  private ProcessEngine engine;

  @BeforeAll
  static void installTheSingleDom0Release() throws Exception {
    RealHost.assumeLoopDevicesUsable();
    root = TestApp.createRoot("xenprov-upgrade-");
    TestImages.rhelBase(root.resolve("base"));
    String fingerprint = BaseImageFingerprint.of(root.resolve("base/base.img"));
    Flyway.configure().dataSource(DATABASE, "sa", "").locations("classpath:db/migration").table("xp_schema_history")
        .target("1").load().migrate();
    ProcessEngine earlier = singleDom0Engine();
    try {
      try (InputStream model = UpgradeFromSingleDom0Tests.class.getResourceAsStream("/upgrade/provision-batch-single-dom0.bpmn")) {
        earlier.getRepositoryService().createDeployment().name("xen-provisioner").addInputStream("provision-batch.bpmn", model)
            .deploy();
      }
      List<List<String>> finishedGuests = List.of(List.of("old01", "10.60.0.11", "00:16:3e:60:00:11"),
          List.of("old02", "10.60.0.12", "00:16:3e:60:00:12"));
      String finished = submit(earlier, FINISHED, finishedGuests, fingerprint);
      earlier.getTaskService().complete(earlier.getTaskService().createTaskQuery().processInstanceId(finished).singleResult().getId(),
          Map.of(VAR_APPROVED, true));
      runEveryJob(earlier);
      assertThat(earlier.getRuntimeService().createProcessInstanceQuery().processInstanceId(finished).count())
          .as("the earlier release's batch ran to its end").isZero();
      submit(earlier, WAITING, List.of(List.of("new01", "10.60.0.21", "00:16:3e:60:00:21"),
          List.of("new02", "10.60.0.22", "00:16:3e:60:00:22")), fingerprint);
    } finally {
      earlier.close();
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(root);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestApp.register(registry, () -> root, () -> DATABASE);
  }

  @Test
  void theWaitingBatchRunsInTheCurrentModelAndTheFinishedOneKeepsItsOutcome() throws Exception {
    ApiClient api = new ApiClient(port);
    ProcessInstance waiting = engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(WAITING)
        .singleResult();
    assertThat(waiting.getProcessDefinitionId()).as("moved to the current model").isEqualTo(engine.getRepositoryService()
        .createProcessDefinitionQuery().processDefinitionKey(PROCESS_KEY).withoutTenantId().latestVersion().singleResult().getId());
    assertThat((Object) engine.getRepositoryService().getBpmnModelInstance(waiting.getProcessDefinitionId())
        .getModelElementById(CALL_ACTIVITY_GROUPS)).as("the model with groups of guests").isNotNull();

    JsonNode finished = api.get("/api/batches/" + FINISHED, "arne").body();
    assertThat(finished.get("state").asText()).as("%s", finished).isEqualTo("COMPLETED_WITH_FAILURES");
    Map<String, JsonNode> earlierGuests = ApiClient.byHostname(finished.get("guestList"));
    assertThat(earlierGuests.get("old01").get("state").asText()).isEqualTo("PROVISIONED");
    assertThat(earlierGuests.get("old02").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(earlierGuests.get("old02").get("error").asText()).isEqualTo("Guest old02: Copy base image failed: disk full");

    JsonNode before = api.get("/api/batches/" + WAITING, "arne").body();
    assertThat(before.get("state").asText()).as("%s", before).isEqualTo("AWAITING_APPROVAL");
    assertThat(api.post("/api/batches/" + WAITING + "/approval", "olga", "application/json", "{\"approved\": true}").status())
        .as("still the approvers' decision").isEqualTo(403);
    ApiClient.Reply approved = api.post("/api/batches/" + WAITING + "/approval", "arne", "application/json",
        "{\"approved\": true, \"comment\": \"after the upgrade\"}");
    assertThat(approved.status()).as("%s", approved.body()).isEqualTo(200);
    JsonNode batch = api.waitUntilFinished(WAITING);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    for (String hostname : List.of("new01", "new02")) {
      String mac = hostname.equals("new01") ? "00:16:3e:60:00:21" : "00:16:3e:60:00:22";
      assertThat(root.resolve("xen/" + hostname + ".cfg")).content().contains("vif = [ 'mac=" + mac + ", ");
      assertThat(RealHost.readInImage(root.resolve("images/" + hostname + ".img"), "/etc/sysconfig/network-scripts/ifcfg-eth0"))
          .contains("HWADDR=" + mac);
    }
    assertThat(root.resolve("images/old01.img")).as("the earlier batch's steps were stand-ins").doesNotExist();
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  /** The engine as the single-Dom0 release ran it, its steps played by stand-ins that write nothing. */
  private static ProcessEngine singleDom0Engine() {
    Map<Object, Object> beans = new HashMap<>();
    beans.put("recordApprovalListener", (TaskListener) task -> { });
    // as that release's GuestScopeListener: the guest's position and state local to its scope
    beans.put("guestScopeListener", (ExecutionListener) execution -> {
      execution.setVariableLocal(VAR_GUEST_INDEX, execution.getVariable("loopCounter"));
      execution.setVariableLocal(VAR_GUEST_STATE, "RUNNING");
      execution.setVariableLocal(VAR_GUEST_ERROR, null);
    });
    JavaDelegate step = execution -> { };
    for (String name : List.of("readGuestInfoDelegate", "mountImageDelegate", "writeGuestConfigDelegate",
        "detachImageDelegate", "writeDomainConfigDelegate", "deleteImageDelegate", "unmountImageDelegate",
        "deleteDomainConfigDelegate")) {
      beans.put(name, step);
    }
    // the second guest's copy fails, as that release's steps failed a guest
    beans.put("copyBaseImageDelegate", (JavaDelegate) execution -> {
      if (Integer.valueOf(1).equals(execution.getVariable(VAR_GUEST_INDEX))) {
        execution.setVariable(VAR_GUEST_ERROR, "Guest old02: Copy base image failed: disk full");
        throw new BpmnError(ERROR_GUEST_FAILED);
      }
    });
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) ProcessEngineConfiguration
        .createStandaloneProcessEngineConfiguration().setJdbcUrl(DATABASE).setJdbcUsername("sa").setJdbcPassword("")
        .setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE).setHistory(ProcessEngineConfiguration.HISTORY_FULL)
        .setJobExecutorActivate(false).setProcessEngineName("single-dom0-release-" + System.nanoTime());
    configuration.setBeans(beans);
    configuration.getProcessEnginePlugins().add(new SpinProcessEnginePlugin());
    return configuration.buildProcessEngine();
  }

  /** A batch as that release submitted it: its instance started by olga, its rows in the V1 ledger. */
  private static String submit(ProcessEngine earlier, String id, List<List<String>> guests, String fingerprint) throws Exception {
    Map<String, Object> variables = new HashMap<>();
    variables.put(VAR_BATCH_NAME, "before the upgrade");
    variables.put(VAR_SUBMITTED_BY, "olga");
    variables.put(VAR_SUBMITTED_AT, new Date());
    variables.put(VAR_GUEST_COUNT, guests.size());
    variables.put(VAR_GUEST_TABLE, SpinValues.jsonValue("[]").create());
    earlier.getIdentityService().setAuthenticatedUserId("olga");
    String instance;
    try {
      instance = earlier.getRuntimeService().startProcessInstanceByKey(PROCESS_KEY, id, Variables.fromMap(variables)).getId();
    } finally {
      earlier.getIdentityService().clearAuthentication();
    }
    try (Connection db = DriverManager.getConnection(DATABASE, "sa", "")) {
      try (PreparedStatement batch = db.prepareStatement("INSERT INTO XP_BATCH (ID_, PROC_INST_ID_, NAME_, SUBMITTED_BY_,"
          + " SUBMITTED_AT_, BASE_IMAGE_FINGERPRINT_) VALUES (?, ?, 'before the upgrade', 'olga', ?, ?)")) {
        batch.setString(1, id);
        batch.setString(2, instance);
        batch.setTimestamp(3, Timestamp.from(Instant.now()));
        batch.setString(4, fingerprint);
        batch.executeUpdate();
      }
      try (PreparedStatement guest = db.prepareStatement("INSERT INTO XP_GUEST (BATCH_ID_, INDEX_, LINE_, HOSTNAME_, IP_, MAC_,"
          + " NETMASK_, MEMORY_, VCPUS_) VALUES (?, ?, ?, ?, ?, ?, '255.255.255.0', 512, 1)")) {
        for (int index = 0; index < guests.size(); index++) {
          guest.setString(1, id);
          guest.setInt(2, index);
          guest.setInt(3, index + 2);
          guest.setString(4, guests.get(index).get(0));
          guest.setString(5, guests.get(index).get(1));
          guest.setString(6, guests.get(index).get(2));
          guest.executeUpdate();
        }
      }
    }
    return instance;
  }

  private static void runEveryJob(ProcessEngine earlier) {
    for (int round = 0; round < 200; round++) {
      List<Job> jobs = earlier.getManagementService().createJobQuery().executable().listPage(0, 1);
      if (jobs.isEmpty()) {
        return;
      }
      earlier.getManagementService().executeJob(jobs.get(0).getId());
    }
    throw new AssertionError("the earlier release's batch did not come to rest");
  }
}
