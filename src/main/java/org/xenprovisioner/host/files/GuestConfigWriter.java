package org.xenprovisioner.host.files;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.Guest;

/**
 * Overwrites the guest-specific files inside a mounted guest file system, through {@link GuestTree}
 * only: nothing the base image holds (a link, a FIFO, a device, a directory where a file goes) can
 * redirect a write to the Dom0 or make the step wait past its deadline.
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

  /** Worker threads of the guests' file work, so that it can be given a deadline; daemons, never holding the JVM. */
  private static final ExecutorService WORKERS = Executors.newCachedThreadPool(work -> {
    Thread thread = new Thread(work, "guest-files");
    thread.setDaemon(true);
    return thread;
  });

  private final TemplateRenderer templates;
  private final ProvisionerProperties.Clean clean;
  private final Duration deadline;

  public GuestConfigWriter(TemplateRenderer templates, ProvisionerProperties properties) {
    this.templates = templates;
    this.clean = properties.clean();
    this.deadline = properties.commandTimeout();
  }

  /**
   * Writes the guest's files into the mounted guest file system: exactly the list {@link #plan} makes
   * of it, in its order. The owner (batch and guest) is the one marked on its image.
   *
   * @return the files written and removed
   */
  public List<GuestFile> write(Path mountPoint, Guest guest, Path image, String owner) {
    return inGuest(mountPoint, guest, tree -> {
      List<GuestFile> files = plan(tree, guest, image, owner);
      for (GuestFile file : files) {
        if (file.isWrite()) {
          tree.write(file.guestPath(), file.content(), file.mode());
        } else if (file.renamedTo() != null) {
          tree.rename(file.guestPath(), file.renamedTo().substring(1));
        } else {
          tree.remove(file.guestPath());
        }
      }
      return files;
    });
  }

  /**
   * What {@link #write} does to a guest whose file system is at the root, without changing anything
   * there: the step writes it into the guest's mounted image, the plan reads it from a read-only
   * look into the base image the guest is copied from (the same files, so the same decisions: family,
   * netplan, cloud-init, SSH keys, machine id).
   */
  public List<GuestFile> plan(Path guestRoot, Guest guest, Path image, String owner) {
    return inGuest(guestRoot, guest, tree -> plan(tree, guest, image, owner));
  }

  private List<GuestFile> plan(GuestTree tree, Guest guest, Path image, String owner) {
    String family = TemplateRenderer.AUTO.equals(templates.family()) ? GuestFamily.detect(tree) : templates.family();
    if (TemplateRenderer.CLOUD_INIT.equals(family) && !GuestFamily.hasCloudInit(tree)) {
      throw new HostOperationException("provisioner.guest-family is cloud-init, but the guest has no cloud-init that "
          + "would read the seed (/etc/cloud/cloud.cfg and /usr/bin/cloud-init, no /etc/cloud/cloud-init.disabled); "
          + "set provisioner.guest-family to rhel, debian or auto");
    }
    List<GuestFile> files = new ArrayList<>();
    List<String> baseNetplan = new ArrayList<>(tree.list(NETPLAN, "").stream().filter(name -> name.endsWith(".yaml"))
        .map(name -> NETPLAN + "/" + name).toList());
    boolean cloudConfig = GuestFamily.isDirectory(tree, CLOUD);
    for (Map.Entry<String, String> file : templates.guestFiles(guest, image, owner, family).entrySet()) {
      boolean netplan = file.getKey().startsWith(NETPLAN + "/");
      if (netplan && baseNetplan.isEmpty() || file.getKey().startsWith(CLOUD + "/") && !cloudConfig) {
        continue;
      }
      // netplan refuses world-readable files; a seed's user-data is where secrets would go
      boolean ownerOnly = netplan || file.getKey().startsWith(CLOUD_SEED + "/");
      notADirectory(tree, file.getKey());
      files.add(GuestFile.writeInGuest(file.getKey(), file.getValue(), ownerOnly ? "rw-------" : "rw-r--r--"));
      baseNetplan.remove(file.getKey());
    }
    // the base's own netplan files would configure the same NIC with the base's address or DHCP; with the
    // cloud-init family cloud-init renders the netplan (or ifupdown) files from the seed itself
    if (!TemplateRenderer.CLOUD_INIT.equals(family)) {
      for (String stale : baseNetplan) {
        notADirectory(tree, stale + SET_ASIDE);
        files.add(GuestFile.renameInGuest(stale, stale + SET_ASIDE));
      }
    }
    if (clean.persistentNetRules() && notADirectory(tree, PERSISTENT_NET_RULES) != GuestTree.Kind.ABSENT) {
      files.add(GuestFile.removeInGuest(PERSISTENT_NET_RULES));
    }
    if (clean.sshHostKeys()) {
      for (String key : tree.list("etc/ssh", "ssh_host_")) {
        files.add(GuestFile.removeInGuest("etc/ssh/" + key));
      }
    }
    if (clean.machineId()) {
      for (String machineId : MACHINE_IDS) {
        // a symbolic link (dbus's usually points at /etc/machine-id) is left alone, never written through
        if (tree.kind(machineId, "look") == GuestTree.Kind.FILE) {
          files.add(GuestFile.writeInGuest(machineId, "", "r--r--r--"));
        }
      }
    }
    return files;
  }

  /** What is at a path the guest's files will replace, refusing a directory there before anything is written. */
  private static GuestTree.Kind notADirectory(GuestTree tree, String guestPath) {
    GuestTree.Kind kind = tree.kind(guestPath, "write");
    if (kind == GuestTree.Kind.DIRECTORY) {
      throw new HostOperationException("guest path /" + guestPath + " is a directory in the base image, not a file");
    }
    return kind;
  }

  /**
   * Does the work on the guest file system at the mount point within the deadline (provisioner.command-timeout):
   * a guest whose image holds what makes a file operation wait fails with the path it waited at, and its
   * mount can be undone. Every error names the guest.
   */
  <T> T inGuest(Path mountPoint, Guest guest, Function<GuestTree, T> work) {
    GuestTree tree = GuestTree.open(realRoot(mountPoint));
    Future<T> future;
    try {
      future = WORKERS.submit(() -> {
        try (tree) {
          return work.apply(tree);
        }
      });
    } catch (RuntimeException e) {
      tree.close();
      throw e;
    }
    try {
      return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HostOperationException("guest " + guest.hostname() + ": its files in " + mountPoint + " were not done within "
          + deadline.toSeconds() + " s (provisioner.command-timeout), waiting at " + tree.current()
          + "; nothing more is written", e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new HostOperationException("guest " + guest.hostname() + ": interrupted while writing its files", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HostOperationException refused) {
        throw new HostOperationException("guest " + guest.hostname() + ": " + refused.getMessage(), refused);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static Path realRoot(Path mountPoint) {
    try {
      return mountPoint.toRealPath();
    } catch (IOException e) {
      throw new HostOperationException("mount point " + mountPoint + " is not there: " + e.getMessage(), e);
    }
  }
}
