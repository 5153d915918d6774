package org.xenprovisioner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.batch.BatchHistory;
import org.xenprovisioner.batch.BatchSummary;
import org.xenprovisioner.testing.RealHost;

/** The demo profile as a newcomer starts it, with ./data/demo moved to a temp directory. */
@SpringBootTest
@ActiveProfiles("demo")
class DemoProfileTests {

  private static Path root;

  @Autowired
  private IdentityService identity;
  @Autowired
  private TaskService tasks;
  @Autowired
  private BatchHistory history;

  @BeforeAll
  static void requireRoot() throws IOException {
    RealHost.assumeLoopDevicesUsable();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(root);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    root = Files.createTempDirectory("xenprov-demo-");
    registry.add("provisioner.base-image", () -> root.resolve("base/demo-base.img").toString());
    registry.add("provisioner.image-dir", () -> root.resolve("images").toString());
    registry.add("provisioner.xen-config-dir", () -> root.resolve("xen").toString());
    registry.add("provisioner.mount-dir", () -> root.resolve("mnt").toString());
    registry.add("provisioner.data-dir", () -> root.toString());
    registry.add("spring.datasource.url", () -> "jdbc:h2:mem:demo-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    registry.add("camunda.bpm.generate-unique-process-engine-name", () -> "true");
    registry.add("camunda.bpm.job-execution.enabled", () -> "false");
  }

  @Test
  void buildsBaseImageCreatesDemoUsersAndLeavesTheSampleBatchWaitingForApproval() throws IOException {
    Path image = root.resolve("base/demo-base.img");
    assertThat(image).isRegularFile();
    assertThat(RealHost.readInImage(image, "/etc/redhat-release")).contains("CentOS");
    assertThat(RealHost.allocatedBytes(image)).as("sparse").isLessThan(Files.size(image) / 2);

    Path users = root.resolve(DemoSetup.USERS_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
    List<String> lines = Files.readAllLines(users);
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      String user = line.substring(0, line.indexOf(' '));
      String password = line.substring(line.lastIndexOf(' ') + 1);
      assertThat(identity.checkPassword(user, password)).as(user).isTrue();
    }
    assertThat(identity.createUserQuery().userId("approver").memberOfGroup("approvers").count()).isEqualTo(1);
    assertThat(identity.createUserQuery().userId("operator").memberOfGroup("operators").count()).isEqualTo(1);

    List<BatchSummary> batches = history.list();
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0).submittedBy()).isEqualTo("operator");
    assertThat(batches.get(0).guests()).isEqualTo(3);
    Task task = tasks.createTaskQuery().processInstanceBusinessKey(batches.get(0).id()).singleResult();
    assertThat(task.getTaskDefinitionKey()).isEqualTo("approve-batch");
    assertThat(tasks.createTaskQuery().taskCandidateUser("approver").count()).isEqualTo(1);
  }
}
