package org.xenprovisioner.host.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.Guest;

/**
 * Overwrites the guest-specific files inside a mounted guest file system. Paths are resolved
 * without following the guest's symbolic links out of it: a base image whose {@code /etc} points
 * at an absolute path must never make us write to the Dom0's own {@code /etc}.
 *
 * <p>Templates for another tool's configuration are written only where the guest has that tool:
 * {@code etc/netplan/} where the base has netplan files, {@code etc/cloud/} where it has
 * cloud-init. Family {@code cloud-init} writes a NoCloud seed (meta-data, user-data,
 * network-config) for the guest's own cloud-init to apply at first boot.
 *
 * <p>Then it cleans what a clone must not share with its base, as virt-sysprep does: the udev
 * rule that pins the base's MAC to eth0, the SSH host keys (each guest generates its own) and the
 * machine id (systemd makes a new one at first boot when the file is empty).
 */
@Component
public class GuestConfigWriter {

  /** Stale udev rule a clone must not inherit (udev would rename the new NIC to eth1). */
  static final String PERSISTENT_NET_RULES = "etc/udev/rules.d/70-persistent-net.rules";
  static final String NETPLAN = "etc/netplan";
  static final String CLOUD = "etc/cloud";
  static final String CLOUD_SEED = "var/lib/cloud/seed";
  static final String SET_ASIDE = ".disabled-by-xen-provisioner";
  static final List<String> MACHINE_IDS = List.of("etc/machine-id", "var/lib/dbus/machine-id");

  private final TemplateRenderer templates;
  private final ProvisionerProperties.Clean clean;

  public GuestConfigWriter(TemplateRenderer templates, ProvisionerProperties properties) {
    this.templates = templates;
    this.clean = properties.clean();
  }

  /**
   * Writes the guest's files into the mounted guest file system: exactly the list {@link #plan} makes
   * of it, in its order. The owner (batch and guest) is the one marked on its image.
   *
   * @return the files written and removed
   */
  public List<GuestFile> write(Path mountPoint, Guest guest, Path image, String owner) {
    Path root = realRoot(mountPoint);
    List<GuestFile> files = plan(root, guest, image, owner);
    for (GuestFile file : files) {
      if (file.isWrite()) {
        writeFile(root, guest, file.guestPath(), file.content(), file.mode());
      } else if (file.renamedTo() != null) {
        move(root, guest, file.guestPath(), file.renamedTo().substring(1));
      } else {
        delete(root, guest, file.guestPath());
      }
    }
    return files;
  }

  /**
   * What {@link #write} does to a guest whose file system is at the root, without changing anything
   * there: the step writes it into the guest's mounted image, the plan reads it from a read-only
   * look into the base image the guest is copied from (the same files, so the same decisions: family,
   * netplan, cloud-init, SSH keys, machine id).
   */
  public List<GuestFile> plan(Path guestRoot, Guest guest, Path image, String owner) {
    Path root = realRoot(guestRoot);
    String family = TemplateRenderer.AUTO.equals(templates.family()) ? GuestFamily.detect(root, guest) : templates.family();
    if (TemplateRenderer.CLOUD_INIT.equals(family) && !GuestFamily.hasCloudInit(root)) {
      throw new HostOperationException("guest " + guest.hostname() + ": provisioner.guest-family is cloud-init, but the "
          + "guest has no cloud-init that would read the seed (/etc/cloud/cloud.cfg and /usr/bin/cloud-init, no "
          + "/etc/cloud/cloud-init.disabled); set provisioner.guest-family to rhel, debian or auto");
    }
    List<GuestFile> files = new ArrayList<>();
    List<String> baseNetplan = netplanFiles(root);
    boolean cloudConfig = GuestFamily.isDirectory(root, CLOUD);
    for (Map.Entry<String, String> file : templates.guestFiles(guest, image, owner, family).entrySet()) {
      boolean netplan = file.getKey().startsWith(NETPLAN + "/");
      if (netplan && baseNetplan.isEmpty() || file.getKey().startsWith(CLOUD + "/") && !cloudConfig) {
        continue;
      }
      // netplan refuses world-readable files; a seed's user-data is where secrets would go
      boolean ownerOnly = netplan || file.getKey().startsWith(CLOUD_SEED + "/");
      inside(root, file.getKey());
      files.add(GuestFile.writeInGuest(file.getKey(), file.getValue(), ownerOnly ? "rw-------" : "rw-r--r--"));
      baseNetplan.remove(file.getKey());
    }
    // the base's own netplan files would configure the same NIC with the base's address or DHCP; with the
    // cloud-init family cloud-init renders the netplan (or ifupdown) files from the seed itself
    if (!TemplateRenderer.CLOUD_INIT.equals(family)) {
      for (String stale : baseNetplan) {
        files.add(GuestFile.renameInGuest(stale, stale + SET_ASIDE));
      }
    }
    if (clean.persistentNetRules() && Files.exists(inside(root, PERSISTENT_NET_RULES), LinkOption.NOFOLLOW_LINKS)) {
      files.add(GuestFile.removeInGuest(PERSISTENT_NET_RULES));
    }
    if (clean.sshHostKeys()) {
      for (String key : list(root, "etc/ssh", "ssh_host_")) {
        files.add(GuestFile.removeInGuest(key));
      }
    }
    if (clean.machineId()) {
      for (String machineId : MACHINE_IDS) {
        // a symbolic link (dbus's usually points at /etc/machine-id) is left alone, never written through
        if (Files.isRegularFile(inside(root, machineId), LinkOption.NOFOLLOW_LINKS)) {
          files.add(GuestFile.writeInGuest(machineId, "", "r--r--r--"));
        }
      }
    }
    return files;
  }

  private static List<String> netplanFiles(Path root) {
    return new ArrayList<>(list(root, NETPLAN, "").stream().filter(name -> name.endsWith(".yaml")).toList());
  }

  /** Guest paths of the regular files and links in a guest directory whose names start with the prefix. */
  private static List<String> list(Path root, String guestDir, String prefix) {
    // a child path, so that inside() checks the directory itself for a symbolic link too
    Path dir = inside(root, guestDir + "/" + prefix + "x").getParent();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(entry -> !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
          .map(entry -> entry.getFileName().toString())
          .filter(name -> name.startsWith(prefix))
          .sorted()
          .map(name -> guestDir + "/" + name)
          .toList();
    } catch (IOException e) {
      throw new HostOperationException("cannot list /" + guestDir + " in the guest: " + describe(e), e);
    }
  }

  /** Writes a temporary file beside the target and renames it over: a symbolic link in its place is replaced, never followed. */
  private static void writeFile(Path root, Guest guest, String guestPath, String content, String mode) {
    Path target = inside(root, guestPath);
    try {
      Files.createDirectories(target.getParent());
      // inside() refused symlinked parents; this catches any that appeared while the directories were made
      if (!target.getParent().toRealPath().startsWith(root)) {
        throw new HostOperationException("guest path /" + guestPath + " leads outside the guest file system");
      }
      Path temporary = target.resolveSibling("." + target.getFileName() + ".xenprov");
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(mode));
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostOperationException("cannot write /" + guestPath + " in guest " + guest.hostname() + ": " + describe(e), e);
    }
  }

  private static void delete(Path root, Guest guest, String guestPath) {
    Path target = inside(root, guestPath);
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new HostOperationException("cannot remove /" + guestPath + " in guest " + guest.hostname() + ": " + describe(e), e);
    }
  }

  private static void move(Path root, Guest guest, String from, String to) {
    try {
      Files.move(inside(root, from), inside(root, to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostOperationException("cannot set /" + from + " aside in guest " + guest.hostname() + ": " + describe(e), e);
    }
  }

  private static Path realRoot(Path mountPoint) {
    try {
      return mountPoint.toRealPath();
    } catch (IOException e) {
      throw new HostOperationException("mount point " + mountPoint + " is not there: " + e.getMessage(), e);
    }
  }

  /** The guest path under the root, refusing any existing parent that is a symbolic link. */
  private static Path inside(Path root, String guestPath) {
    Path target = GuestTree.resolve(root, guestPath, "write");
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("guest path /" + guestPath + " is a directory, not a file");
    }
    return target;
  }

  private static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.contains("No space left") ? "no space left in the guest file system (" + message + ")" : message;
  }
}
