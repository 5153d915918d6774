package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;

/** The real Dom0: sparse copies, loop devices and mounts, files from the operator's templates. */
@Component
class LocalHostOperations implements HostOperations {

  private final SparseImageCloner cloner;
  private final LoopMounter mounter;
  private final GuestFileWriter guestFiles;
  private final DomainConfigWriter domainConfigs;

  LocalHostOperations(SparseImageCloner cloner, LoopMounter mounter, GuestFileWriter guestFiles,
                      DomainConfigWriter domainConfigs) {
    this.cloner = cloner;
    this.mounter = mounter;
    this.guestFiles = guestFiles;
    this.domainConfigs = domainConfigs;
  }

  @Override
  public void checkGuestIsNew(Path image, Path domainConfig) {
    for (Path file : new Path[] {image, domainConfig}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new HostOperationException(file + " already exists; it is never overwritten");
      }
    }
  }

  @Override
  public void copyBaseImage(Path baseImage, Path image) {
    cloner.copy(baseImage, image);
  }

  @Override
  public void deleteImage(Path image, Path mountPoint) {
    mounter.release(image, mountPoint);
    try {
      Files.deleteIfExists(image);
      Files.deleteIfExists(SparseImageCloner.partFile(image));
    } catch (IOException e) {
      throw new HostOperationException("cannot delete image " + image + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String mountImage(Path image, Path mountPoint) {
    return mounter.mount(image, mountPoint);
  }

  @Override
  public void writeGuestFiles(Path mountPoint, Guest guest, Path image) {
    guestFiles.write(mountPoint, guest, image);
  }

  @Override
  public void releaseImage(Path image, Path mountPoint) {
    mounter.release(image, mountPoint);
  }

  @Override
  public void writeDomainConfig(Path domainConfig, Guest guest, Path image) {
    domainConfigs.write(domainConfig, guest, image);
  }

  @Override
  public void deleteDomainConfig(Path domainConfig) {
    domainConfigs.delete(domainConfig);
  }
}
