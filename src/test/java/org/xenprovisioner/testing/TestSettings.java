package org.xenprovisioner.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * {@code provisioner.*} settings for tests that build host parts by hand: every directory under the
 * test's own directory (never the host's /srv/xen, /etc/xen or /run), the shipped templates, and the
 * defaults of the product unless a test says otherwise.
 */
public final class TestSettings {

  private Path baseImage;
  private Path imageDir;
  private Path xenConfigDir;
  private Path mountDir;
  private Path dataDir;
  private Path templateDir = Path.of("config/templates");
  private String family = "auto";
  private Integer rootPartition;
  private String bridge = "xenbr0";
  private ProvisionerProperties.Clean clean = new ProvisionerProperties.Clean(true, true, true);
  private Duration copyTimeout = Duration.ofMinutes(5);
  private Duration commandTimeout = Duration.ofMinutes(2);
  private Duration progressInterval = Duration.ofMillis(10);

  private TestSettings() {
  }

  /** Images and domain configs in the directory itself, mounts under {@code mnt}, base image {@code base.img}. */
  public static TestSettings in(Path dir) {
    TestSettings settings = new TestSettings();
    settings.baseImage = dir.resolve("base.img");
    settings.imageDir = dir;
    settings.xenConfigDir = dir;
    settings.mountDir = dir.resolve("mnt");
    settings.dataDir = dir.resolve("data");
    return settings;
  }

  /** For tests that touch no directory at all (templates, rendering): the product's own default paths. */
  public static TestSettings nowhere() {
    TestSettings settings = new TestSettings();
    settings.baseImage = Path.of("/srv/base.img");
    settings.imageDir = Path.of("/srv/xen");
    settings.xenConfigDir = Path.of("/etc/xen");
    settings.mountDir = Path.of("/run/xen-provisioner");
    settings.dataDir = Path.of("data");
    return settings;
  }

  public TestSettings baseImage(Path value) {
    baseImage = value;
    return this;
  }

  public TestSettings templates(Path value) {
    templateDir = value;
    return this;
  }

  public TestSettings family(String value) {
    family = value;
    return this;
  }

  public TestSettings rootPartition(Integer value) {
    rootPartition = value;
    return this;
  }

  public TestSettings bridge(String value) {
    bridge = value;
    return this;
  }

  public TestSettings clean(ProvisionerProperties.Clean value) {
    clean = value;
    return this;
  }

  public TestSettings copyTimeout(Duration value) {
    copyTimeout = value;
    return this;
  }

  public TestSettings commandTimeout(Duration value) {
    commandTimeout = value;
    return this;
  }

  public TestSettings progressInterval(Duration value) {
    progressInterval = value;
    return this;
  }

  public ProvisionerProperties build() {
    return new ProvisionerProperties(baseImage, imageDir, xenConfigDir, mountDir, templateDir, dataDir, family, 2, 1000,
        4194304, copyTimeout, commandTimeout,
        new ProvisionerProperties.Defaults("255.255.255.0", null, 512, 1, bridge), List.of(), rootPartition, clean,
        progressInterval, "test-dom0", Duration.ofSeconds(10), 1048576);
  }
}
