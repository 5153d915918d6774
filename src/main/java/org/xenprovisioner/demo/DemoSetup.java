package org.xenprovisioner.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.xenprovisioner.AppUrls;
import org.xenprovisioner.batch.BatchHistory;
import org.xenprovisioner.batch.BatchService;
import org.xenprovisioner.batch.BatchState;
import org.xenprovisioner.batch.BatchSummary;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.process.BatchProcess;
import org.xenprovisioner.security.Passwords;

/**
 * The {@code demo} profile (config/application-demo.yaml): at start it builds the base image and
 * the directories under ./data/demo, creates a demo operator and approver (their generated
 * passwords printed once, and kept as {@code user:password} lines in an owner-only file) and submits
 * the sample VM list so a batch waits in Tasklist. A later start says where the passwords are and
 * what became of that batch, instead of submitting another.
 */
@Component
@Profile("demo")
class DemoSetup implements InitializingBean {

  private static final Logger LOG = LoggerFactory.getLogger(DemoSetup.class);
  static final String USERS_FILE = "demo-users";
  static final String BATCH_NAME = "demo";
  /** How the release before wrote a user: {@code approver (approvers): password}. */
  private static final Pattern EARLIER_USER_LINE = Pattern.compile("^([A-Za-z0-9_.@-]+) \\([a-z-]+\\): (\\S+)$");
  /** Guests the two sample lists make, for the free-space hint. */
  private static final int SAMPLE_GUESTS = 6;

  private final ProvisionerProperties properties;
  private final DemoProperties demo;
  private final CommandRunner commands;
  private final IdentityService identity;
  private final BatchService batches;
  private final BatchHistory history;
  private final AppUrls urls;

  DemoSetup(ProvisionerProperties properties, DemoProperties demo, CommandRunner commands, IdentityService identity,
            BatchService batches, BatchHistory history, AppUrls urls) {
    this.properties = properties;
    this.demo = demo;
    this.commands = commands;
    this.identity = identity;
    this.batches = batches;
    this.history = history;
    this.urls = urls;
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
      LOG.info("Demo: building the base image {} with {} MiB of data (once)", baseImage.toAbsolutePath(),
          demo.baseData().toMegabytes());
      DemoBaseImage.build(commands, baseImage, demo.baseData());
    }
    long free = Files.getFileStore(properties.imageDir()).getUsableSpace();
    long needed = SAMPLE_GUESTS * demo.baseData().toBytes();
    if (free < needed) {
      LOG.warn("Demo: {} has {} MiB free; the two sample lists need about {} MiB. Lower provisioner.demo.base-data "
          + "(config/application-demo.yaml) and start over (sudo rm -rf data/demo)", properties.imageDir().toAbsolutePath(),
          free >> 20, needed >> 20);
    }
  }

  /** After start (groups and grants exist): the demo users, then the sample batch unless one was submitted before. */
  @EventListener(ApplicationReadyEvent.class)
  @Order(1)
  void introduce() throws IOException {
    Path usersFile = properties.dataDir().resolve(USERS_FILE).toAbsolutePath();
    Map<String, String> created = new LinkedHashMap<>();
    createUser(demo.operator(), BatchProcess.GROUP_OPERATORS, created);
    createUser(demo.approver(), BatchProcess.GROUP_APPROVERS, created);
    if (!created.isEmpty()) {
      keep(usersFile, created);
      // printed on purpose, once, and not logged: a newcomer logs in right away; a log file keeps no password
      StringBuilder banner = new StringBuilder("\n=== xen-provisioner demo users (also in " + usersFile + ", owner-only) ===\n");
      created.forEach((user, password) -> banner.append(user).append(':').append(password).append('\n'));
      System.out.println(banner);
    } else {
      if (rewriteEarlierUsersFile(usersFile)) {
        LOG.info("Demo: {} rewritten as user:password lines (the earlier release wrote \"user (group): password\")", usersFile);
      }
      LOG.info("Demo: the users {} and {} exist from an earlier start; their passwords are in {}{}", demo.operator(),
          demo.approver(), usersFile, Files.exists(usersFile) ? " (owner-only)" : ", which is gone: start over with sudo rm -rf "
              + properties.dataDir().toAbsolutePath());
    }
    Optional<BatchSummary> earlier = history.list().stream()
        .filter(batch -> BATCH_NAME.equals(batch.name()) && demo.operator().equals(batch.submittedBy())).findFirst();
    if (earlier.isEmpty()) {
      String id = batches.submit(Files.readAllBytes(demo.vmList()), BATCH_NAME, demo.operator(),
          List.of(BatchProcess.GROUP_OPERATORS)).id();
      LOG.info("Demo: submitted {} as batch {}; approve it in Tasklist {} as {}, then watch it in Cockpit {}", demo.vmList(), id,
          urls.tasklist(), demo.approver(), urls.cockpit());
    } else {
      reportEarlier(earlier.get());
    }
  }

  private void reportEarlier(BatchSummary batch) {
    if (batch.state() == BatchState.AWAITING_APPROVAL) {
      LOG.info("Demo: batch {}, submitted at an earlier start, waits for approval in Tasklist {} (as {})", batch.id(),
          urls.tasklist(), demo.approver());
    } else if (batch.state() == BatchState.RUNNING) {
      LOG.info("Demo: batch {}, submitted at an earlier start, is running: Cockpit {}", batch.id(), urls.cockpit());
    } else {
      LOG.info("Demo: batch {} was submitted at an earlier start and is {}, so Tasklist has nothing to approve; nothing new "
          + "is submitted. For another batch submit config/vm_list_2.csv (README, \"Try the API\"), or start over with "
          + "sudo rm -rf {}", batch.id(), batch.state(), properties.dataDir().toAbsolutePath());
    }
  }

  private void createUser(String id, String group, Map<String, String> created) {
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
    created.put(id, password);
  }

  /**
   * A users file of the release before, whose lines read {@code approver (approvers): password},
   * rewritten as {@code approver:password} lines in place (still owner-only), so that the README's
   * {@code curl -u} lines work after an upgrade; false when there was nothing to rewrite.
   */
  static boolean rewriteEarlierUsersFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> rewritten = lines.stream().map(line -> EARLIER_USER_LINE.matcher(line).replaceFirst("$1:$2")).toList();
    if (rewritten.equals(lines)) {
      return false;
    }
    Files.write(file, rewritten, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    return true;
  }

  /** {@code user:password} lines, as {@code curl -u} takes them. */
  private void keep(Path file, Map<String, String> created) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, "# xen-provisioner demo users, user:password as curl -u takes them\n"
          + "# " + demo.operator() + " (group operators) submits batches, " + demo.approver() + " (group approvers) approves them\n",
          StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
    StringBuilder lines = new StringBuilder();
    created.forEach((user, password) -> lines.append(user).append(':').append(password).append('\n'));
    Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }
}
