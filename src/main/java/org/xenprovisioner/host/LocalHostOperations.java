package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
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
  private final Path baseImage;
  /**
   * Where the root file system lies in each image this JVM copied: a copy has its base's layout,
   * so mounting it needs no second inspection (blkid, partx, debugfs). After a restart the map is
   * empty and the image is inspected again.
   */
  private final Map<Path, RootFileSystem> layouts = new ConcurrentHashMap<>();

  LocalHostOperations(SparseImageCloner cloner, LoopMounter mounter, GuestFileWriter guestFiles,
                      DomainConfigWriter domainConfigs, BaseImageInspector inspector, ProvisionerProperties properties) {
    this.inspector = inspector;
    this.cloner = cloner;
    this.mounter = mounter;
    this.guestFiles = guestFiles;
    this.domainConfigs = domainConfigs;
    this.baseImage = properties.baseImage() == null ? null : properties.baseImage().toAbsolutePath().normalize();
  }

  @Override
  public void checkGuestIsNew(GuestFiles files, String owner) {
    for (Path file : new Path[] {files.image(), files.domainConfig()}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Ownership.isOwnedBy(file, owner)) {
        throw new HostOperationException(file + " already exists; it is never overwritten");
      }
    }
  }

  @Override
  public void copyBaseImage(GuestFiles files, String baseImageFingerprint, String owner, CopyProgress progress) {
    Path image = files.image();
    if (Ownership.isOwnedBy(image, owner)) {
      // done before a crash or a lost commit; the part file is a second link to it if the crash came before its removal
      SparseImageCloner.deletePartFile(image, owner);
      return;
    }
    if (baseImage == null) {
      throw new HostOperationException("provisioner.base-image is not set on this node");
    }
    BaseImageFingerprint.check(baseImage, baseImageFingerprint);
    // checked at submission too; again here, since the base may have changed while the batch waited
    RootFileSystem root = inspector.inspect(baseImage);
    cloner.copy(baseImage, image, owner, progress);
    layouts.put(image, root);
  }

  @Override
  public void deleteImage(GuestFiles files, String owner) {
    if (!Ownership.isOwnedBy(files.image(), owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", files.image(), owner);
      return;
    }
    release(files, owner).ifPresent(source -> LOG.warn("Leaving {} mounted at {}: it is not the image of {}",
        source, files.mountPoint(), owner));
    layouts.remove(files.image());
    try {
      Files.deleteIfExists(files.image());
    } catch (IOException e) {
      throw new HostOperationException("cannot delete image " + files.image() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String mountImage(GuestFiles files) {
    return mounter.mount(files.image(), files.mountPoint(), layout(files.image()));
  }

  private RootFileSystem layout(Path image) {
    RootFileSystem known = layouts.get(image);
    return known != null ? known : inspector.inspect(image);
  }

  @Override
  public void writeGuestFiles(GuestFiles files, Guest guest) {
    // After a restart the mount of step 3 is gone (the startup reconciler released it): mount again
    // (a no-op when still mounted), so the files always land inside the image, never in the bare mount point.
    if (!MountTable.read().isMountPoint(files.mountPoint())) {
      mounter.mount(files.image(), files.mountPoint(), layout(files.image()));
    }
    guestFiles.write(files.mountPoint(), guest, files.image());
  }

  @Override
  public void releaseImage(GuestFiles files, String owner) {
    Optional<String> foreign = release(files, owner);
    if (foreign.isPresent()) {
      throw new HostOperationException("mount point " + files.mountPoint() + " holds " + foreign.get()
          + ", which is not this guest's image; it is left as it is");
    }
  }

  @Override
  public void undoMount(GuestFiles files, String owner) {
    release(files, owner).ifPresent(source -> LOG.warn("Leaving {} mounted at {}: it is not the image of {}",
        source, files.mountPoint(), owner));
  }

  /** Only an image that carries the guest's mark can be the guest's own mount; anything else is reported. */
  private Optional<String> release(GuestFiles files, String owner) {
    layouts.remove(files.image());
    if (Ownership.isOwnedBy(files.image(), owner)) {
      return mounter.release(files.image(), files.mountPoint());
    }
    return mounter.releaseNothingOf(files.mountPoint());
  }

  @Override
  public void writeDomainConfig(GuestFiles files, Guest guest, String owner) {
    if (Ownership.isOwnedBy(files.domainConfig(), owner)) {
      DomainConfigWriter.deleteTemporaryFile(files.domainConfig(), owner);
      return;
    }
    domainConfigs.write(files.domainConfig(), guest, files.image(), owner);
  }

  @Override
  public void deleteDomainConfig(GuestFiles files, String owner) {
    if (!Ownership.isOwnedBy(files.domainConfig(), owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", files.domainConfig(), owner);
      return;
    }
    domainConfigs.delete(files.domainConfig());
  }
}
