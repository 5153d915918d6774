package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;

/** Writes the xl domain config; linked into place so an existing config is never overwritten. */
@Component
class DomainConfigWriter {

  private static final Pattern TEMPORARY_FILE = Pattern.compile("\\..+\\.cfg(\\.[0-9a-f]{12})?\\.xenprov");

  private final TemplateRenderer templates;

  DomainConfigWriter(TemplateRenderer templates) {
    this.templates = templates;
  }

  void write(Path domainConfig, Guest guest, Path image, String owner) {
    String content = templates.domainConfig(guest, image);
    Path temporary = temporaryFile(domainConfig, owner);
    try {
      Files.createDirectories(domainConfig.getParent());
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
      Ownership.mark(temporary, owner);
      Files.createLink(domainConfig, temporary);
    } catch (FileAlreadyExistsException e) {
      throw new HostOperationException("domain config " + domainConfig + " already exists; it is never overwritten", e);
    } catch (IOException e) {
      throw new HostOperationException("cannot write domain config " + domainConfig + ": " + e.getMessage(), e);
    } finally {
      deleteTemporaryFile(domainConfig, owner);
    }
  }

  /** The owner's own temporary file: two batches writing the same config at once never write into one file. */
  static Path temporaryFile(Path domainConfig, String owner) {
    return domainConfig.resolveSibling("." + domainConfig.getFileName() + "." + Ownership.token(owner) + ".xenprov");
  }

  /** Whether a file name is one {@link #temporaryFile} makes (also the older name without a token). */
  static boolean isTemporaryFile(String name) {
    return TEMPORARY_FILE.matcher(name).matches();
  }

  /** Removes the owner's temporary file, which a crash after linking the config into place can leave behind. */
  static void deleteTemporaryFile(Path domainConfig, String owner) {
    try {
      Files.deleteIfExists(temporaryFile(domainConfig, owner));
    } catch (IOException ignored) {
      // a later write of the same guest, or the next start, removes it
    }
  }

  void delete(Path domainConfig) {
    try {
      Files.deleteIfExists(domainConfig);
    } catch (IOException e) {
      throw new HostOperationException("cannot delete domain config " + domainConfig + ": " + e.getMessage(), e);
    }
  }
}
