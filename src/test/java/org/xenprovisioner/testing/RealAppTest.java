package org.xenprovisioner.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real application on a random port, as a test class sees it: its directories under a root of
 * its own ({@link TestApp}), a small real RHEL-like base image at {@code base/base.img}, the users
 * {@code olga} (operators) and {@code arne} (approvers), a database of its own. The application is
 * closed after the class, so classes never share one (each has a root of its own) and a long test
 * run does not pile up engines and job executors. A subclass adds properties with a
 * {@code @DynamicPropertySource} of its own (the ones registered here take precedence, so it does
 * not register them again) and may replace the base image file in its own {@code @BeforeAll},
 * which runs after this one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class RealAppTest {

  protected static Path root;

  @LocalServerPort
  protected int port;

  /** Unique per application (several live one after another in a test JVM); the webapps' URLs carry its name. */
  @Autowired
  protected ProcessEngine engine;

  @BeforeAll
  static void createRoot() throws IOException {
    RealHost.assumeImageToolsUsable();
    root = TestApp.createRoot("xenprov-app-");
    TestImages.rhelBase(root.resolve("base"));
  }

  @AfterAll
  static void removeRoot() throws IOException {
    RealHost.cleanUp(root);
    root = null;
  }

  @DynamicPropertySource
  static void appProperties(DynamicPropertyRegistry registry) {
    TestApp.register(registry, () -> root);
  }

  protected ApiClient api() {
    return new ApiClient(port);
  }
}
