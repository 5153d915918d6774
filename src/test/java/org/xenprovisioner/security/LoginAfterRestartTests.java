package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.xenprovisioner.XenProvisionerApplication;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/**
 * Users the engine locked for good (as an earlier release did after ten wrong passwords) log in
 * once the application starts again on the same database: {@code admin} and the users of
 * {@code provisioner.users} are unlocked at start, anyone else is free once the lock's time ran out.
 */
class LoginAfterRestartTests {

  private static Path root;

  @BeforeAll
  static void createRoot() throws IOException {
    root = TestApp.createRoot("xenprov-relogin-");
  }

  @AfterAll
  static void removeRoot() throws IOException {
    RealHost.cleanUp(root);
  }

  @Test
  void usersTheEngineLockedForGoodLogInAfterARestart() throws Exception {
    try (ConfigurableApplicationContext first = start()) {
      ProcessEngine engine = first.getBean(ProcessEngine.class);
      IdentityService identity = engine.getIdentityService();
      User ulla = identity.newUser("ulla");
      ulla.setPassword("ulla-secret");
      identity.saveUser(ulla);
      // the old limit, reached at the first wrong password: the engine's own permanent lock
      ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).setLoginMaxAttempts(1);
      ApiClient api = api(first);
      for (String user : List.of("admin", "arne", "olga", "ulla")) {
        assertThat(api.sendWith(user + ":wrong", "GET", "/api/batches", null, null).statusCode()).isEqualTo(401);
      }
      Thread.sleep(Duration.ofSeconds(4).toMillis()); // past the lock's expiry time (3 s): only the count holds it now
      for (String user : List.of("admin", "arne", "olga", "ulla")) {
        assertThat(status(api, user)).as("%s is locked for good", user).isEqualTo(401);
      }
    }

    try (ConfigurableApplicationContext second = start()) {
      ApiClient api = api(second);
      for (String user : List.of("admin", "arne", "olga")) {
        assertThat(status(api, user)).as("%s logs in at once after the restart", user).isEqualTo(200);
      }
      // not one of provisioner.users, so not unlocked at start; the count no longer holds her
      Await.until("ulla to log in", Duration.ofSeconds(10), Duration.ofMillis(250), () -> status(api, "ulla") == 403, null);
    }
  }

  private static int status(ApiClient api, String user) {
    return api.sendWith(user + ":" + user + "-secret", "GET", "/api/batches", null, null).statusCode();
  }

  private static ApiClient api(ConfigurableApplicationContext context) {
    return new ApiClient(((WebServerApplicationContext) context).getWebServer().getPort());
  }

  /** The application on a file database under the root, so the second start sees what the first wrote. */
  private static ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(XenProvisionerApplication.class).run(
        "--server.port=0",
        "--spring.datasource.url=jdbc:h2:file:" + root.resolve("data/db") + ";DB_CLOSE_ON_EXIT=FALSE",
        "--PROVISIONER_ADMIN_PASSWORD=admin-secret",
        "--provisioner.image-dir=" + root.resolve("images"),
        "--provisioner.xen-config-dir=" + root.resolve("xen"),
        "--provisioner.mount-dir=" + root.resolve("mnt"),
        "--provisioner.data-dir=" + root.resolve("data"),
        "--provisioner.users[0].id=olga", "--provisioner.users[0].password=olga-secret", "--provisioner.users[0].groups=operators",
        "--provisioner.users[1].id=arne", "--provisioner.users[1].password=arne-secret", "--provisioner.users[1].groups=approvers",
        "--camunda.bpm.generate-unique-process-engine-name=true",
        "--camunda.bpm.job-execution.enabled=false");
  }
}
