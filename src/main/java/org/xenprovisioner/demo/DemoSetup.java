package org.xenprovisioner.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.xenprovisioner.batch.BatchService;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.process.BatchProcess;
import org.xenprovisioner.security.Passwords;

/**
 * The {@code demo} profile (config/application-demo.yaml): at start it builds a small base image
 * and the directories under ./data/demo, creates a demo operator and approver (their generated
 * passwords printed once, and kept in an owner-only file), and submits the sample VM list so a
 * batch waits in Tasklist.
 */
@Component
@Profile("demo")
class DemoSetup implements InitializingBean {

  static final String USERS_FILE = "demo-users";

  private final ProvisionerProperties properties;
  private final DemoProperties demo;
  private final CommandRunner commands;
  private final IdentityService identity;
  private final HistoryService history;
  private final BatchService batches;

  DemoSetup(ProvisionerProperties properties, DemoProperties demo, CommandRunner commands, IdentityService identity,
            HistoryService history, BatchService batches) {
    this.properties = properties;
    this.demo = demo;
    this.commands = commands;
    this.identity = identity;
    this.history = history;
    this.batches = batches;
  }

  /** Before the app takes requests: fail early and clearly where the demo cannot run. */
  @Override
  public void afterPropertiesSet() throws IOException {
    DemoBaseImage.checkHost();
    for (Path dir : List.of(properties.imageDir(), properties.xenConfigDir(), properties.mountDir(), properties.dataDir())) {
      Files.createDirectories(dir);
    }
    Path baseImage = properties.baseImage();
    if (baseImage == null) {
      throw new IllegalStateException("The demo profile needs provisioner.base-image (config/application-demo.yaml sets it)");
    }
    if (!Files.exists(baseImage)) {
      DemoBaseImage.build(commands, baseImage);
    }
  }

  /** After start (groups and grants exist): demo users, then the sample batch unless one was submitted before. */
  @EventListener(ApplicationReadyEvent.class)
  void submitSampleBatch() throws IOException {
    StringBuilder created = new StringBuilder();
    createUser(demo.operator(), BatchProcess.GROUP_OPERATORS, created);
    createUser(demo.approver(), BatchProcess.GROUP_APPROVERS, created);
    if (!created.isEmpty()) {
      Path file = properties.dataDir().resolve(USERS_FILE);
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, created, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      // printed on purpose, once: the demo's whole point is that a newcomer can log in right away
      System.out.println("\n=== xen-provisioner demo users (also in " + file.toAbsolutePath() + ", owner-only) ===\n"
          + created + "Tasklist: /camunda/app/tasklist/  Audit: /audit/\n");
    }
    boolean submittedBefore = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(BatchProcess.PROCESS_KEY).count() > 0;
    if (!submittedBefore) {
      byte[] csv = Files.readAllBytes(demo.vmList());
      batches.submit(csv, "demo", demo.operator(), List.of(BatchProcess.GROUP_OPERATORS));
    }
  }

  private void createUser(String id, String group, StringBuilder created) {
    if (identity.createUserQuery().userId(id).count() > 0) {
      return;
    }
    String password = Passwords.generate(20);
    User user = identity.newUser(id);
    user.setFirstName(id);
    user.setLastName("");
    user.setPassword(password);
    identity.saveUser(user);
    identity.createMembership(id, group);
    created.append(id).append(" (").append(group).append("): ").append(password).append('\n');
  }
}
