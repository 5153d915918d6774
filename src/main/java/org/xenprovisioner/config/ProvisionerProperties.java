package org.xenprovisioner.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;
import org.xenprovisioner.intake.GuestDefaults;

/** Everything under {@code provisioner.*}, validated at start. */
@Validated
@ConfigurationProperties(prefix = "provisioner")
public record ProvisionerProperties(
    Path baseImage,
    @NotNull @DefaultValue("/srv/xen") Path imageDir,
    @NotNull @DefaultValue("/etc/xen") Path xenConfigDir,
    @NotNull @DefaultValue("/run/xen-provisioner") Path mountDir,
    /** Null: the templates built into the application. */
    Path templateDir,
    @NotNull @DefaultValue("data") Path dataDir,
    @NotNull @Pattern(regexp = "rhel|debian|cloud-init|auto", message = "must be rhel, debian, cloud-init or auto") @DefaultValue("rhel") String guestFamily,
    @Min(1) @Max(64) @DefaultValue("2") int maxParallel,
    @Min(1) @Max(100000) @DefaultValue("1000") int maxRows,
    @Min(1024) @DefaultValue("4194304") int maxBodyBytes,
    @NotNull @DefaultValue("PT30M") Duration copyTimeout,
    @NotNull @DefaultValue("PT2M") Duration commandTimeout,
    @Valid @NotNull @DefaultValue Defaults defaults,
    @Valid @NotNull @DefaultValue List<User> users,
    @Min(1) @Max(128) Integer rootPartition,
    @Valid @NotNull @DefaultValue Clean clean,
    @NotNull @DefaultValue("PT2S") Duration copyProgressInterval,
    @Pattern(regexp = "[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?", message = "must be a host name of at most 63 characters") String dom0,
    @NotNull @DefaultValue("PT10S") Duration heartbeatInterval,
    /** The largest request body the engine REST API and the webapps' REST API take (413 beyond). */
    @Min(1024) @DefaultValue("1048576") int maxEngineRestBodyBytes) {

  /** {@code provisioner.base-image} as an absolute, normalised path (how every reader uses it), or null when unset. */
  public Path baseImagePath() {
    return baseImage == null ? null : baseImage.toAbsolutePath().normalize();
  }

  /**
   * The Dom0 this node provisions on: {@code provisioner.dom0}, or else the machine's short host name
   * (what {@code hostname -s} prints).
   */
  public String dom0Name() {
    if (dom0 != null && !dom0.isBlank()) {
      return dom0;
    }
    try {
      String host = java.net.InetAddress.getLocalHost().getHostName();
      int dot = host.indexOf('.');
      return dot > 0 ? host.substring(0, dot) : host;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("provisioner.dom0 is not set and this machine's host name cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** Values for rows that omit the optional columns, and the bridge every vif joins. */
  public record Defaults(
      @NotNull @DefaultValue("255.255.255.0") String netmask,
      String gateway,
      @Min(32) @DefaultValue("512") int memory,
      @Min(1) @DefaultValue("1") int vcpus,
      @NotNull @Pattern(regexp = "[A-Za-z0-9_.-]{1,15}", message = "must be a Linux interface name") @DefaultValue("xenbr0") String bridge) {

    public GuestDefaults forIntake() {
      return new GuestDefaults(netmask, gateway, memory, vcpus);
    }
  }

  /** What a clone must not inherit from its base (as virt-sysprep does); each on by default. */
  public record Clean(
      @DefaultValue("true") boolean persistentNetRules,
      @DefaultValue("true") boolean sshHostKeys,
      @DefaultValue("true") boolean machineId) {
  }

  /** A user created at start if missing; groups comma separated (operators, approvers, camunda-admin). */
  public record User(@NotNull String id, @NotNull String password, @DefaultValue("") String groups) {
  }
}
