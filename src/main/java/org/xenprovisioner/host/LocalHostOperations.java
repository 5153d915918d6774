package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;

/** The real Dom0: sparse copies, loop devices and mounts, files from the operator's templates. */
@Component
class LocalHostOperations implements HostOperations {

  private static final Logger LOG = LoggerFactory.getLogger(LocalHostOperations.class);

  private final SparseImageCloner cloner;
  private final LoopMounter mounter;
  private final GuestFileWriter guestFiles;
  private final DomainConfigWriter domainConfigs;
  private final BaseImageInspector inspector;
  /**
   * Where the root file system lies in each image this JVM copied: a copy has its base's layout,
   * so mounting it needs no second inspection (blkid, partx, debugfs). After a restart the map is
   * empty and the image is inspected again.
   */
  private final Map<Path, RootFileSystem> layouts = new ConcurrentHashMap<>();

  LocalHostOperations(SparseImageCloner cloner, LoopMounter mounter, GuestFileWriter guestFiles,
                      DomainConfigWriter domainConfigs, BaseImageInspector inspector) {
    this.inspector = inspector;
    this.cloner = cloner;
    this.mounter = mounter;
    this.guestFiles = guestFiles;
    this.domainConfigs = domainConfigs;
  }

  @Override
  public void checkGuestIsNew(Path image, Path domainConfig, String owner) {
    for (Path file : new Path[] {image, domainConfig}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Ownership.isOwnedBy(file, owner)) {
        throw new HostOperationException(file + " already exists; it is never overwritten");
      }
    }
  }

  @Override
  public void checkBaseImage(Path baseImage, String fingerprint, Path image, String owner) {
    if (!Ownership.isOwnedBy(image, owner)) {
      BaseImageFingerprint.check(baseImage, fingerprint);
    }
  }

  @Override
  public void copyBaseImage(Path baseImage, Path image, String owner, CopyProgress progress) {
    if (Ownership.isOwnedBy(image, owner)) {
      // done before a crash or a lost commit; the part file is a second link to it if the crash came before its removal
      SparseImageCloner.deletePartFile(image, owner);
      return;
    }
    // checked at submission too; again here, since the base may have changed while the batch waited
    RootFileSystem root = inspector.inspect(baseImage);
    cloner.copy(baseImage, image, owner, progress);
    layouts.put(image, root);
  }

  @Override
  public void deleteImage(Path image, Path mountPoint, String owner) {
    if (!Ownership.isOwnedBy(image, owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", image, owner);
      return;
    }
    mounter.release(image, mountPoint);
    layouts.remove(image);
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      throw new HostOperationException("cannot delete image " + image + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String mountImage(Path image, Path mountPoint) {
    return mounter.mount(image, mountPoint, layout(image));
  }

  private RootFileSystem layout(Path image) {
    RootFileSystem known = layouts.get(image);
    return known != null ? known : inspector.inspect(image);
  }

  @Override
  public void writeGuestFiles(Path mountPoint, Guest guest, Path image) {
    // After a restart the mount of step 3 is gone (the startup reconciler released it): mount again
    // (a no-op when still mounted), so the files always land inside the image, never in the bare mount point.
    if (!MountTable.read().isMountPoint(mountPoint)) {
      mounter.mount(image, mountPoint, layout(image));
    }
    guestFiles.write(mountPoint, guest, image);
  }

  @Override
  public void releaseImage(Path image, Path mountPoint) {
    mounter.release(image, mountPoint);
    layouts.remove(image);
  }

  @Override
  public void writeDomainConfig(Path domainConfig, Guest guest, Path image, String owner) {
    if (Ownership.isOwnedBy(domainConfig, owner)) {
      DomainConfigWriter.deleteTemporaryFile(domainConfig, owner);
      return;
    }
    domainConfigs.write(domainConfig, guest, image, owner);
  }

  @Override
  public void deleteDomainConfig(Path domainConfig, String owner) {
    if (!Ownership.isOwnedBy(domainConfig, owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", domainConfig, owner);
      return;
    }
    domainConfigs.delete(domainConfig);
  }
}
