package org.xenprovisioner.host.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandFailedException;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * Finds the root file system in a base (or guest) image without writing to it: the image must be
 * raw ({@link ImageFormat}), {@code blkid -p} probes the whole image and each partition by offset,
 * {@code partx} reads the partition table (MBR or GPT), and {@link EtcProbe} looks for {@code /etc}
 * in each ext2/3/4 and XFS partition. Partitions that probe as nothing (a BIOS boot partition) or as
 * a file system no root is made of (the vfat EFI system partition, swap) are passed over; a
 * {@code /boot} partition has no {@code /etc}. Partition device nodes ({@code /dev/loop0p1}) are
 * never needed: they do not appear in containers. Images holding LVM are refused.
 */
@Component
public class BaseImageInspector {

  /** File systems a root may be: a bare image of one, or the partition provisioner.root-partition names. */
  static final Set<String> MOUNTABLE = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
  private static final long SECTOR = 512;

  private final CommandRunner runner;
  private final Duration timeout;
  private final Integer rootPartition;
  private final EtcProbe etc;
  /** The last inspection of each base image, with the fingerprint it was made at. */
  private final Map<Path, Inspected> inspected = new ConcurrentHashMap<>();

  public BaseImageInspector(CommandRunner runner, ProvisionerProperties properties) {
    this.runner = runner;
    this.timeout = properties.commandTimeout();
    this.rootPartition = properties.rootPartition();
    this.etc = new EtcProbe(runner, properties.commandTimeout(), properties.mountDir());
  }

  record Partition(int number, long offset, long size) {
  }

  /** One inspection: its root file system, or the refusal of the image. */
  private record Inspected(String fingerprint, RootFileSystem root, HostOperationException refusal) {
  }

  /**
   * {@link #inspect}, for the base image that every guest copy, every plan and the node's own status
   * read: inspected (blkid, partx, a look for /etc) once per fingerprint. Its root, or its refusal
   * (LVM, no root file system, not raw), stands until the file changes; a tool that failed or timed
   * out is asked again next time.
   */
  public RootFileSystem inspectBase(Path baseImage) {
    String fingerprint = BaseImageFingerprint.of(baseImage);
    Inspected last = inspected.get(baseImage);
    if (last == null || !last.fingerprint().equals(fingerprint)) {
      try {
        last = new Inspected(fingerprint, inspect(baseImage), null);
      } catch (CommandFailedException e) {
        throw e;
      } catch (HostOperationException e) {
        last = new Inspected(fingerprint, null, e);
      }
      inspected.put(baseImage, last);
    }
    if (last.refusal() != null) {
      throw new HostOperationException(last.refusal().getMessage(), last.refusal());
    }
    return last.root();
  }

  /** Where the root file system lies; throws {@link HostOperationException} naming the image and the reason. */
  public RootFileSystem inspect(Path image) {
    String name = image.toString();
    if (!Files.isRegularFile(image)) {
      throw new HostOperationException("image " + image + " does not exist or is not a regular file");
    }
    if (name.contains("?") || name.startsWith("-")) {
      // debugfs reads "file?offset=N" as options; a '?' in the name would be misread
      throw new HostOperationException("image path " + image + " must not contain '?'");
    }
    ImageFormat.requireRaw(image);
    Map<String, String> whole = probe(image, 0, 0);
    refuseLvm(image, whole.get("TYPE"), "the whole disk");
    if (whole.containsKey("PTTYPE") && !whole.containsKey("TYPE")) {
      return rootPartition(image, whole.get("PTTYPE"));
    }
    String type = whole.get("TYPE");
    if (type == null || !MOUNTABLE.contains(type)) {
      throw new HostOperationException("image " + image + " holds neither a partition table nor a Linux file system ("
          + (type == null ? "blkid recognises nothing" : "blkid finds " + type) + "); supported: a bare "
          + String.join("/", MOUNTABLE.stream().sorted().toList()) + " image, or an MBR or GPT disk image");
    }
    return new RootFileSystem(0, 0, 0, type);
  }

  private RootFileSystem rootPartition(Path image, String tableType) {
    List<Partition> partitions = partitions(image);
    Map<Integer, String> types = new HashMap<>();
    for (Partition partition : partitions) {
      String type = probe(image, partition.offset(), partition.size()).get("TYPE");
      refuseLvm(image, type, "partition " + partition.number());
      if (type != null) {
        types.put(partition.number(), type);
      }
    }
    if (rootPartition != null) {
      Partition chosen = partitions.stream().filter(p -> p.number() == rootPartition).findFirst()
          .orElseThrow(() -> new HostOperationException("image " + image + " has no partition " + rootPartition
              + " (provisioner.root-partition); its " + tableType + " table lists " + numbers(partitions)));
      String type = types.get(rootPartition);
      if (type == null || !MOUNTABLE.contains(type)) {
        throw new HostOperationException("partition " + rootPartition + " of image " + image
            + " (provisioner.root-partition) holds " + (type == null ? "no recognised file system" : type)
            + ", not a Linux file system");
      }
      return new RootFileSystem(chosen.number(), chosen.offset(), chosen.size(), type);
    }
    List<Partition> roots = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Partition partition : partitions) {
      String type = types.get(partition.number());
      EtcProbe.Finding finding = etc.holdsEtc(image, partition.offset(), partition.size(), type);
      if (finding.holdsEtc()) {
        roots.add(partition);
      }
      seen.add(partition.number() + " " + (type == null ? "(nothing recognised)" : type)
          + (finding.holdsEtc() ? " with /etc" : "")
          + (finding.unreadable() == null ? "" : " (unreadable: " + finding.unreadable() + ")"));
    }
    if (roots.size() != 1) {
      throw new HostOperationException("image " + image + " (" + tableType + " partitions: " + String.join(", ", seen)
          + ") has " + (roots.isEmpty() ? "no" : roots.size()) + " ext2/3/4 or xfs partitions holding /etc; "
          + "set provisioner.root-partition to the root file system's partition number");
    }
    Partition root = roots.get(0);
    return new RootFileSystem(root.number(), root.offset(), root.size(), types.get(root.number()));
  }

  private static void refuseLvm(Path image, String type, String where) {
    if ("LVM2_member".equals(type)) {
      throw new HostOperationException("image " + image + " holds LVM (LVM2_member on " + where + "): LVM inside the "
          + "image is not supported, because the guest's volume group would have to be activated on the Dom0 to reach "
          + "its root file system, where every clone carries the same volume group name and UUIDs as the base and "
          + "clashes with them; make the base image with plain partitions or a bare file system");
    }
  }

  /** The partitions of the image's table, in bytes; extended (container) partitions included, they probe as nothing. */
  List<Partition> partitions(Path image) {
    String out = runner.run(Command.of(timeout, "partx", "--raw", "--noheadings", "--output", "NR,START,SECTORS",
        "--", image.toString())).stdout();
    List<Partition> partitions = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length == 3 && fields[0].matches("[0-9]{1,3}") && fields[1].matches("[0-9]{1,18}")
          && fields[2].matches("[0-9]{1,18}")) {
        partitions.add(new Partition(Integer.parseInt(fields[0]), Long.parseLong(fields[1]) * SECTOR,
            Long.parseLong(fields[2]) * SECTOR));
      }
    }
    if (partitions.isEmpty()) {
      throw new HostOperationException("image " + image + " has a partition table but partx lists no partitions in it");
    }
    return partitions;
  }

  /** {@code blkid -p} low-level probe of the image, or of the range at the offset; empty when nothing is recognised. */
  Map<String, String> probe(Path image, long offset, long size) {
    List<String> argv = new ArrayList<>(List.of("blkid", "-p", "-o", "export"));
    if (size > 0) {
      argv.addAll(List.of("--offset", Long.toString(offset), "--size", Long.toString(size)));
    }
    argv.add(image.toString());
    CommandResult result = runner.runAllowingFailure(new Command(argv, timeout));
    Map<String, String> values = new HashMap<>();
    if (result.exitCode() == 2) {
      return values;
    }
    if (result.exitCode() != 0) {
      throw new CommandFailedException(CommandFailedException.Kind.FAILED, new Command(argv, timeout),
          result.exitCode(), result.stdout(), result.stderr(), null);
    }
    for (String line : result.stdout().split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 1).strip());
      }
    }
    return values;
  }

  private static String numbers(List<Partition> partitions) {
    return String.join(", ", partitions.stream().map(p -> Integer.toString(p.number())).toList());
  }
}
