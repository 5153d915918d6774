package org.xenprovisioner.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * Creates the groups, the {@code admin} user and the users of {@code provisioner.users} at start.
 * The admin password comes from {@code PROVISIONER_ADMIN_PASSWORD}, or is generated once into an
 * owner-only file under the data directory; it is never logged. Each of these users starts unlocked:
 * a lock the engine set before (by an earlier release's permanent lock after ten wrong passwords, or
 * the current throttle) must never keep the admin or a configured user out once the app restarts.
 */
@Component
class UserBootstrap implements InitializingBean {

  static final String ADMIN = "admin";
  static final String ADMIN_GROUP = "camunda-admin";
  static final String PASSWORD_FILE = "admin-password";
  private static final List<String> GROUPS = List.of("operators", "approvers", ADMIN_GROUP);
  private static final Logger LOG = LoggerFactory.getLogger(UserBootstrap.class);

  private final IdentityService identity;
  private final ProvisionerProperties properties;
  private final Environment environment;

  UserBootstrap(IdentityService identity, ProvisionerProperties properties, Environment environment) {
    this.identity = identity;
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public void afterPropertiesSet() {
    GROUPS.forEach(this::ensureGroup);
    ensureAdmin();
    for (ProvisionerProperties.User user : properties.users()) {
      List<String> groups = Arrays.stream(user.groups().split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
      for (String group : groups) {
        if (!GROUPS.contains(group)) {
          throw new IllegalStateException("provisioner.users: user " + user.id() + " names unknown group '" + group
              + "'; groups are " + String.join(", ", GROUPS));
        }
      }
      ensureUser(user.id(), user.password(), groups);
    }
  }

  private void ensureAdmin() {
    String password = environment.getProperty("PROVISIONER_ADMIN_PASSWORD");
    if (password != null && !password.isBlank()) {
      ensureUser(ADMIN, password, List.of(ADMIN_GROUP));
      return;
    }
    if (identity.createUserQuery().userId(ADMIN).count() > 0) {
      identity.unlockUser(ADMIN);
      return;
    }
    String generated = Passwords.generate(24);
    Path file = properties.dataDir().resolve(PASSWORD_FILE);
    try {
      Files.createDirectories(properties.dataDir());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, generated + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the generated admin password to " + file, e);
    }
    ensureUser(ADMIN, generated, List.of(ADMIN_GROUP));
    LOG.info("Created user '{}'; its generated password is in {} (readable by the owner only)", ADMIN, file.toAbsolutePath());
  }

  private void ensureUser(String id, String password, List<String> groups) {
    User user = identity.createUserQuery().userId(id).singleResult();
    if (user == null) {
      user = identity.newUser(id);
      user.setFirstName(id);
      user.setLastName("");
    }
    user.setPassword(password);
    identity.saveUser(user);
    // no user is authenticated at start, so the engine's camunda-admin check of unlockUser lets it pass
    identity.unlockUser(id);
    for (String group : groups) {
      if (identity.createUserQuery().userId(id).memberOfGroup(group).count() == 0) {
        identity.createMembership(id, group);
      }
    }
  }

  private void ensureGroup(String id) {
    if (identity.createGroupQuery().groupId(id).count() == 0) {
      Group group = identity.newGroup(id);
      group.setName(id);
      group.setType(id.equals(ADMIN_GROUP) ? "SYSTEM" : "WORKFLOW");
      identity.saveGroup(group);
    }
  }
}
