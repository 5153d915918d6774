package org.xenprovisioner.cluster;

import java.nio.file.Path;
import java.time.Instant;
import org.xenprovisioner.host.HostLayout;

/**
 * A Dom0 of the cluster as its node registered it.
 *
 * @param baseImageFingerprint identity of its base image, null when it has none it can use
 * @param baseImageProblem why its base image cannot be used, or null
 * @param alive whether its node was seen within three heartbeat intervals (by the database's clock)
 */
public record Dom0(String name, Path imageDir, Path xenConfigDir, Path mountDir, Path baseImage,
                   String baseImageFingerprint, String baseImageProblem, String version, Instant startedAt,
                   Instant lastSeen, boolean alive) {

  /** Where that Dom0 puts a guest's files. */
  public HostLayout layout() {
    return HostLayout.of(imageDir, xenConfigDir, mountDir);
  }
}
