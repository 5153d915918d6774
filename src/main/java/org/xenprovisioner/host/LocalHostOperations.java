package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.files.DomainConfigWriter;
import org.xenprovisioner.host.files.GuestConfigWriter;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.host.image.BaseImageInspector;
import org.xenprovisioner.host.image.CopyProgress;
import org.xenprovisioner.host.image.LoopMounter;
import org.xenprovisioner.host.image.OwnedFiles;
import org.xenprovisioner.host.image.Ownership;
import org.xenprovisioner.host.image.RootFileSystem;
import org.xenprovisioner.host.image.SparseImageCloner;
import org.xenprovisioner.intake.Guest;

/** The real Dom0: sparse copies, loop devices and mounts, files from the operator's templates. */
@Component
public class LocalHostOperations implements HostOperations {

  private static final Logger LOG = LoggerFactory.getLogger(LocalHostOperations.class);

  private final SparseImageCloner cloner;
  private final LoopMounter mounter;
  private final GuestConfigWriter guestFiles;
  private final DomainConfigWriter domainConfigs;
  private final BaseImageInspector inspector;
  private final Path baseImage;
  /**
   * Where the root file system lies in each image this JVM copied: a copy has its base's layout,
   * so mounting it needs no second inspection (blkid, partx, debugfs). After a restart the map is
   * empty and the image is inspected again.
   */
  private final Map<Path, RootFileSystem> layouts = new ConcurrentHashMap<>();

  LocalHostOperations(SparseImageCloner cloner, LoopMounter mounter, GuestConfigWriter guestFiles,
                      DomainConfigWriter domainConfigs, BaseImageInspector inspector, ProvisionerProperties properties) {
    this.inspector = inspector;
    this.cloner = cloner;
    this.mounter = mounter;
    this.guestFiles = guestFiles;
    this.domainConfigs = domainConfigs;
    this.baseImage = properties.baseImagePath();
  }

  @Override
  public void checkGuestIsNew(GuestPaths paths, String owner) {
    for (Path file : new Path[] {paths.image(), paths.domainConfig()}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Ownership.isOwnedBy(file, owner)) {
        throw new HostOperationException(file + " already exists; it is never overwritten");
      }
    }
  }

  @Override
  public void copyBaseImage(GuestPaths paths, String baseImageFingerprint, String owner, CopyProgress progress) {
    Path image = paths.image();
    if (Ownership.isOwnedBy(image, owner)) {
      // done before a crash or a lost commit; the part file is a second link to it if the crash came before its removal
      OwnedFiles.deleteTemporary(image, owner);
      return;
    }
    if (baseImage == null) {
      throw new HostOperationException("provisioner.base-image is not set on this node");
    }
    BaseImageFingerprint.check(baseImage, baseImageFingerprint);
    // checked at submission too; again here, since the base may have changed while the batch waited
    RootFileSystem root = inspector.inspectBase(baseImage);
    cloner.copy(baseImage, image, owner, progress);
    layouts.put(image, root);
  }

  @Override
  public void deleteImage(GuestPaths paths, String owner) {
    if (!Ownership.isOwnedBy(paths.image(), owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", paths.image(), owner);
      return;
    }
    unmountOwn(paths, owner).ifPresent(source -> LOG.warn("Leaving {} mounted at {}: it is not the image of {}",
        source, paths.mountPoint(), owner));
    layouts.remove(paths.image());
    try {
      Files.deleteIfExists(paths.image());
    } catch (IOException e) {
      throw new HostOperationException("cannot delete image " + paths.image() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String mountImage(GuestPaths paths) {
    return mounter.mount(paths.image(), paths.mountPoint(), layout(paths.image()));
  }

  private RootFileSystem layout(Path image) {
    RootFileSystem known = layouts.get(image);
    return known != null ? known : inspector.inspect(image);
  }

  @Override
  public List<GuestFile> writeGuestConfig(GuestPaths paths, Guest guest) {
    // the image's mark names the batch and guest it was made for (cloud-init's instance id is made of it)
    String owner = Ownership.ownerOf(paths.image()).orElseThrow(() -> new HostOperationException("image " + paths.image()
        + " carries no owner mark: it was not made by a batch; no guest files are written into it"));
    // After a restart the mount of step 3 is gone (the startup reconciler released it): mount again
    // (a no-op when still mounted), so the files always land inside the image, never in the bare mount point.
    if (!mounter.isMountPoint(paths.mountPoint())) {
      mounter.mount(paths.image(), paths.mountPoint(), layout(paths.image()));
    }
    return guestFiles.write(paths.mountPoint(), guest, paths.image(), owner);
  }

  @Override
  public void unmountImage(GuestPaths paths, String owner) {
    Optional<String> foreign = unmountOwn(paths, owner);
    if (foreign.isPresent()) {
      throw new HostOperationException("mount point " + paths.mountPoint() + " holds " + foreign.get()
          + ", which is not this guest's image; it is left as it is");
    }
  }

  @Override
  public void undoMount(GuestPaths paths, String owner) {
    unmountOwn(paths, owner).ifPresent(source -> LOG.warn("Leaving {} mounted at {}: it is not the image of {}",
        source, paths.mountPoint(), owner));
  }

  /** Only an image that carries the guest's mark can be the guest's own mount; anything else is reported. */
  private Optional<String> unmountOwn(GuestPaths paths, String owner) {
    layouts.remove(paths.image());
    if (Ownership.isOwnedBy(paths.image(), owner)) {
      return mounter.unmount(paths.image(), paths.mountPoint());
    }
    return mounter.foreignMountAt(paths.mountPoint());
  }

  @Override
  public GuestFile writeDomainConfig(GuestPaths paths, Guest guest, String owner) {
    if (Ownership.isOwnedBy(paths.domainConfig(), owner)) {
      // written before a crash or a lost commit: what it holds is what this step wrote then
      OwnedFiles.deleteTemporary(paths.domainConfig(), owner);
      return domainConfigs.written(paths.domainConfig());
    }
    return domainConfigs.write(paths.domainConfig(), guest, paths.image(), owner);
  }

  @Override
  public void deleteDomainConfig(GuestPaths paths, String owner) {
    if (!Ownership.isOwnedBy(paths.domainConfig(), owner)) {
      LOG.warn("Not deleting {}: it does not carry the mark of {}", paths.domainConfig(), owner);
      return;
    }
    domainConfigs.delete(paths.domainConfig());
  }
}
