package org.xenprovisioner.host;

import java.nio.file.Path;

/**
 * Where one guest's files live on the Dom0: its image, its domain config and the mount point its
 * image is mounted at during steps 3 to 5. Made only by {@link HostLayout#filesOf}.
 */
public record GuestPaths(String hostname, Path image, Path domainConfig, Path mountPoint) {
}
