package org.xenprovisioner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What every test of the real application sets: its directories under the test's own root (never
 * the host's /srv/xen, /etc/xen or /run), an operator {@code olga} and an approver {@code arne}
 * (passwords {@code <id>-secret}, as {@link ApiClient} sends them), and a database of its own.
 */
public final class TestApp {

  private static final List<String> DIRECTORIES = List.of("base", "images", "xen", "mnt", "data");

  private TestApp() {
  }

  /** A new root for one test class, holding the directories {@link #register} points the app at, plus any extra ones. */
  public static Path createRoot(String prefix, String... extraDirectories) throws IOException {
    Path root = Files.createTempDirectory(prefix);
    for (String dir : DIRECTORIES) {
      Files.createDirectories(root.resolve(dir));
    }
    for (String dir : extraDirectories) {
      Files.createDirectories(root.resolve(dir));
    }
    return root;
  }

  /**
   * The two other roles of the security tests, beside {@link #register}'s operator olga and
   * approver arne: paula in both groups, nora in none.
   */
  public static void registerEveryRole(DynamicPropertyRegistry registry) {
    registry.add("provisioner.users[2].id", () -> "paula");
    registry.add("provisioner.users[2].password", () -> "paula-secret");
    registry.add("provisioner.users[2].groups", () -> "operators,approvers");
    registry.add("provisioner.users[3].id", () -> "nora");
    registry.add("provisioner.users[3].password", () -> "nora-secret");
    registry.add("provisioner.users[3].groups", () -> "");
  }

  /**
   * The demo profile on a root of its own: the demo's base image of {@code baseData} built there,
   * its data (users file, admin password) in the root itself, an in-memory database.
   */
  public static void registerDemo(DynamicPropertyRegistry registry, Path root, String baseData) {
    registry.add("provisioner.base-image", () -> root.resolve("base/demo-base.img").toString());
    registry.add("provisioner.image-dir", () -> root.resolve("images").toString());
    registry.add("provisioner.xen-config-dir", () -> root.resolve("xen").toString());
    registry.add("provisioner.mount-dir", () -> root.resolve("mnt").toString());
    registry.add("provisioner.data-dir", () -> root.toString());
    registry.add("provisioner.demo.base-data", () -> baseData);
    registry.add("spring.datasource.url", () -> "jdbc:h2:mem:demo-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    registry.add("camunda.bpm.generate-unique-process-engine-name", () -> "true");
  }

  /** The root is read lazily: tests create it in {@code @BeforeAll}, after properties are registered. */
  public static void register(DynamicPropertyRegistry registry, Supplier<Path> root) {
    register(registry, root, () -> "jdbc:h2:mem:test-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
  }

  /** As {@link #register(DynamicPropertyRegistry, Supplier)}, on a database the test prepared. */
  public static void register(DynamicPropertyRegistry registry, Supplier<Path> root, Supplier<String> databaseUrl) {
    registry.add("provisioner.base-image", () -> root.get().resolve("base/base.img").toString());
    registry.add("provisioner.image-dir", () -> root.get().resolve("images").toString());
    registry.add("provisioner.xen-config-dir", () -> root.get().resolve("xen").toString());
    registry.add("provisioner.mount-dir", () -> root.get().resolve("mnt").toString());
    registry.add("provisioner.data-dir", () -> root.get().resolve("data").toString());
    registry.add("provisioner.users[0].id", () -> "olga");
    registry.add("provisioner.users[0].password", () -> "olga-secret");
    registry.add("provisioner.users[0].groups", () -> "operators");
    registry.add("provisioner.users[1].id", () -> "arne");
    registry.add("provisioner.users[1].password", () -> "arne-secret");
    registry.add("provisioner.users[1].groups", () -> "approvers");
    registry.add("spring.datasource.url", databaseUrl::get);
    registry.add("camunda.bpm.generate-unique-process-engine-name", () -> "true");
  }
}
