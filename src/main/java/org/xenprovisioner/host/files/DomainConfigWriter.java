package org.xenprovisioner.host.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.image.OwnedFiles;
import org.xenprovisioner.intake.Guest;

/** Writes the xl domain config; linked into place so an existing config is never overwritten. */
@Component
public class DomainConfigWriter {

  private static final String MODE = "rw-r--r--";

  private final TemplateRenderer templates;

  public DomainConfigWriter(TemplateRenderer templates) {
    this.templates = templates;
  }

  /** The domain config as {@link #write} writes it: the plan's one file on the Dom0. */
  public GuestFile plan(Path domainConfig, Guest guest, Path image, String owner) {
    return new GuestFile(domainConfig.toString(), GuestFile.DOM0, GuestFile.WRITE, templates.domainConfig(guest, image, owner),
        MODE, null);
  }

  /**
   * The domain config as it is on disk, written by an earlier run of the step (before a crash or a
   * lost commit): what it holds, and its permissions, is what was written then.
   */
  public GuestFile written(Path domainConfig) {
    if (!Files.isRegularFile(domainConfig, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("domain config " + domainConfig + " is not a regular file; refusing to read it");
    }
    try {
      return new GuestFile(domainConfig.toString(), GuestFile.DOM0, GuestFile.WRITE, Files.readString(domainConfig),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(domainConfig, LinkOption.NOFOLLOW_LINKS)), null);
    } catch (IOException e) {
      throw new HostOperationException("cannot read the domain config " + domainConfig + ": " + e.getMessage(), e);
    }
  }

  public GuestFile write(Path domainConfig, Guest guest, Path image, String owner) {
    GuestFile file = plan(domainConfig, guest, image, owner);
    String content = file.content();
    Path temporary = OwnedFiles.temporaryFor(domainConfig, owner);
    try {
      Files.createDirectories(domainConfig.getParent());
      // a left-over of a crash, or anything planted under the name: made anew, never written through
      Files.deleteIfExists(temporary);
      Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
          LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(MODE));
      OwnedFiles.linkIntoPlace(temporary, domainConfig, owner);
      return file;
    } catch (FileAlreadyExistsException e) {
      throw new HostOperationException("domain config " + domainConfig + " already exists; it is never overwritten", e);
    } catch (IOException e) {
      throw new HostOperationException("cannot write domain config " + domainConfig + ": " + e.getMessage(), e);
    } finally {
      OwnedFiles.deleteTemporary(domainConfig, owner);
    }
  }

  public void delete(Path domainConfig) {
    try {
      Files.deleteIfExists(domainConfig);
    } catch (IOException e) {
      throw new HostOperationException("cannot delete domain config " + domainConfig + ": " + e.getMessage(), e);
    }
  }
}
