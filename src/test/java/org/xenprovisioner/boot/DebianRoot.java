package org.xenprovisioner.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandFailedException;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * A real Debian bookworm root tree, made with {@code debootstrap --variant=minbase} from Debian's
 * packages (kernel and initramfs, systemd, udev, ifupdown, iproute2, openssh-server) and set up as
 * an operator's base image for Xen guests would be, plus what the boot tests need: a one-shot
 * unit that prints the guest's identity on {@code /dev/ttyS0} once the network is configured and
 * sshd has started, then powers the guest off (see {@link BootReport}).
 *
 * <p>Built once (80 s on an idle 2-core machine, up to 3 min under load; 610 MB) and kept in a cache directory outside the repository,
 * {@code /var/cache/xen-provisioner-tests/} or {@code $PROVISIONER_TEST_CACHE}, under a name that
 * carries a digest of the recipe below, so a changed recipe builds a new tree. The tree is built in
 * a {@code .building-*} directory and renamed into place only when complete; builders take a lock
 * file in the cache directory, so concurrent runs build it once, and a run killed half-way leaves
 * only a {@code .building-*} directory that the next build unmounts and deletes. A complete tree
 * is never changed again: read it, copy it, make images of it, but do not write into it.
 */
public final class DebianRoot {

  private static final Logger LOG = LoggerFactory.getLogger(DebianRoot.class);
  private static final CommandRunner RUNNER = new CommandRunner();

  public static final String CACHE_ENV = "PROVISIONER_TEST_CACHE";
  public static final Path DEFAULT_CACHE = Path.of("/var/cache/xen-provisioner-tests");
  public static final String MIRROR_ENV = "PROVISIONER_TEST_DEBIAN_MIRROR";
  /** The mirror apt uses on the build machines ({@code /etc/apt/sources.list.d/debian.sources}). */
  public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
  public static final String SUITE = "bookworm";
  public static final List<String> PACKAGES = List.of(
      "linux-image-amd64", "initramfs-tools", "systemd", "systemd-sysv", "udev", "ifupdown", "iproute2",
      "openssh-server",
      // the base's eth0 is configured by DHCP (the provisioner rewrites it static); ifupdown needs a client
      "isc-dhcp-client");
  public static final Duration DEBOOTSTRAP_TIMEOUT = Duration.ofMinutes(20);
  /** The base's host name; the provisioner writes each guest's own. */
  public static final String HOSTNAME = "debian-base";
  /** The ext4 label {@code /etc/fstab} mounts the root by (see {@link BaseImageBuilder}). */
  public static final String ROOT_LABEL = "debian-root";
  /** Where the report unit's script lives inside the tree. */
  public static final String REPORT_SCRIPT = "/usr/local/sbin/xenprov-report";
  public static final String REPORT_UNIT = "xenprov-report.service";

  /** Raise when the way the tree is built changes in a way the file contents below do not show. */
  private static final int RECIPE_VERSION = 1;
  private static final String BUILDING_PREFIX = ".building-";
  private static final String TREE_PREFIX = "debian-" + SUITE + "-minbase-";
  private static final Duration KEEP_UNUSED = Duration.ofDays(14);
  /** One builder at a time in this JVM too: a file lock is held per JVM, not per thread. */
  private static final Object JVM_LOCK = new Object();

  private final Path dir;
  private final Properties build;
  private final boolean builtNow;

  private DebianRoot(Path dir, Properties build, boolean builtNow) {
    this.dir = dir;
    this.build = build;
    this.builtNow = builtNow;
  }

  /** The tree from the cache directory ({@code $PROVISIONER_TEST_CACHE} or the default), built first if missing. */
  public static DebianRoot obtain() throws IOException {
    return obtain(cacheDir());
  }

  public static Path cacheDir() {
    String configured = System.getenv(CACHE_ENV);
    return configured == null || configured.isBlank() ? DEFAULT_CACHE : Path.of(configured);
  }

  public static String mirror() {
    String configured = System.getenv(MIRROR_ENV);
    return configured == null || configured.isBlank() ? DEFAULT_MIRROR : configured;
  }

  /** The tree from the cache directory given, built first if missing. */
  public static DebianRoot obtain(Path cache) throws IOException {
    Files.createDirectories(cache);
    Path dir = cache.resolve(TREE_PREFIX + recipeDigest());
    if (Files.isDirectory(dir.resolve("root"))) {
      return used(new DebianRoot(dir, readBuild(dir), false));
    }
    synchronized (JVM_LOCK) {
      try (FileChannel channel = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.isDirectory(dir.resolve("root"))) {
          return used(new DebianRoot(dir, readBuild(dir), false)); // another run built it while we waited
        }
        removeAbandonedBuilds(cache);
        Path building = cache.resolve(BUILDING_PREFIX + dir.getFileName() + "-" + UUID.randomUUID());
        Properties properties;
        try {
          properties = build(building);
          Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
          try {
            Trees.killProcessesUsing(building);
            Trees.delete(building);
          } catch (IOException | RuntimeException cleanup) {
            e.addSuppressed(cleanup);
          }
          throw e;
        }
        LOG.info("Debian root built in {} s into {}", properties.getProperty("build-seconds"), dir);
        try {
          removeUnusedTrees(cache, dir);
        } catch (IOException | RuntimeException e) {
          LOG.warn("could not remove unused trees of older recipes from {}", cache, e);
        }
        return used(new DebianRoot(dir, properties, true));
      }
    }
  }

  /** The root tree (read only by convention). */
  public Path tree() {
    return dir.resolve("root");
  }

  /** The kernel release the tree boots, e.g. {@code 6.1.0-28-amd64}: {@code /boot/vmlinuz-<release>}. */
  public String kernelRelease() {
    return build.getProperty("kernel-release");
  }

  /** Whether this call built the tree (false: it came from the cache). */
  public boolean builtNow() {
    return builtNow;
  }

  /** How long the build took (debootstrap and set-up), whenever it was. */
  public Duration buildTime() {
    return Duration.ofSeconds(Long.parseLong(build.getProperty("build-seconds", "0")));
  }

  /** How long debootstrap itself took, whenever it was. */
  public Duration debootstrapTime() {
    return Duration.ofSeconds(Long.parseLong(build.getProperty("debootstrap-seconds", "0")));
  }

  /** The debootstrap command line the tree was built with. */
  public String debootstrapCommand() {
    return build.getProperty("debootstrap-command");
  }

  /** The base's {@code /etc/machine-id}: the id every clone would share unless the provisioner empties it. */
  public String machineId() throws IOException {
    return Files.readString(tree().resolve("etc/machine-id")).strip();
  }

  /**
   * The base's SSH host keys as {@code ssh-keygen -l} names them: key type ({@code ED25519},
   * {@code ECDSA}, {@code RSA}) to fingerprint ({@code SHA256:…}), the same form {@link BootReport} has.
   */
  public Map<String, String> sshHostKeyFingerprints() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(tree().resolve("etc/ssh"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("ssh_host_.*_key\\.pub")).sorted().toList()) {
        String[] fields = Files.readString(file).strip().split("\\s+");
        keys.put(keyType(fields[0]), fingerprint(fields[1]));
      }
    }
    return keys;
  }

  @Override
  public String toString() {
    return tree().toString();
  }

  // ---------------------------------------------------------------------------------------------
  // the build

  public static List<String> debootstrapCommand(Path target, String mirror) {
    return List.of("debootstrap", "--variant=minbase", "--arch=amd64", "--components=main",
        "--include=" + String.join(",", PACKAGES), SUITE, target.toString(), mirror);
  }

  private static Properties build(Path building) throws IOException {
    Instant start = Instant.now();
    Path tree = building.resolve("root");
    Files.createDirectories(tree);
    List<String> debootstrap = debootstrapCommand(tree, mirror());
    LOG.info("building the Debian root for the boot tests (once; 1 to 3 min): {}", String.join(" ", debootstrap));
    try {
      RUNNER.run(new Command(debootstrap, DEBOOTSTRAP_TIMEOUT));
    } catch (CommandFailedException e) {
      throw new IOException("debootstrap failed (" + e.getMessage() + "); its log:\n"
          + tail(tree.resolve("debootstrap/debootstrap.log"), 40), e);
    } finally {
      Trees.unmountAll(building); // debootstrap unmounts /proc and /sys itself, unless it was killed
    }
    Duration debootstrapTime = Duration.between(start, Instant.now());
    String kernel = kernelReleaseIn(tree);
    configure(tree, kernel);
    run(Duration.ofMinutes(5), "chroot", tree.toString(), "update-initramfs", "-u", "-k", kernel);
    cleanApt(tree);
    Trees.unmountAll(building);

    Properties properties = new Properties();
    properties.setProperty("kernel-release", kernel);
    properties.setProperty("debootstrap-seconds", Long.toString(debootstrapTime.toSeconds()));
    properties.setProperty("build-seconds", Long.toString(Duration.between(start, Instant.now()).toSeconds()));
    properties.setProperty("debootstrap-command", String.join(" ", debootstrap));
    properties.setProperty("built-at", Instant.now().toString());
    try (var out = Files.newBufferedWriter(building.resolve("build.properties"))) {
      properties.store(out, "Debian root for the xen-provisioner boot tests");
    }
    return properties;
  }

  private static String kernelReleaseIn(Path tree) throws IOException {
    try (Stream<Path> files = Files.list(tree.resolve("boot"))) {
      List<String> kernels = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-"))
          .map(n -> n.substring("vmlinuz-".length())).sorted().toList();
      if (kernels.size() != 1) {
        throw new IOException("expected exactly one kernel in " + tree.resolve("boot") + ", found " + kernels);
      }
      return kernels.get(0);
    }
  }

  /** What makes the debootstrap tree a base image: identity, network, fstab, boot speed, the report unit. */
  private static void configure(Path tree, String kernel) throws IOException {
    for (Map.Entry<String, String> file : files(kernel).entrySet()) {
      write(tree, file.getKey(), file.getValue());
    }
    Files.setPosixFilePermissions(tree.resolve(REPORT_SCRIPT.substring(1)), PosixFilePermissions.fromString("rwxr-xr-x"));
    // enable the report unit as systemctl enable would (its [Install] says WantedBy=multi-user.target)
    link(tree, "etc/systemd/system/multi-user.target.wants/" + REPORT_UNIT, "/etc/systemd/system/" + REPORT_UNIT);
    for (String unit : MASKED) {
      link(tree, "etc/systemd/system/" + unit, "/dev/null");
    }
    lockRootPassword(tree);
  }

  /**
   * Units masked for boot speed under QEMU: nothing a Xen guest of this base needs at boot.
   * (Kept short on purpose: every entry is something that waits or works for nothing here.)
   */
  private static final List<String> MASKED = List.of(
      // periodic jobs: no use in a test guest that lives half a minute
      "apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer", "e2scrub_all.timer", "fstrim.timer",
      "e2scrub_reap.service");

  /** The files written into the tree, path to content; part of the recipe digest. */
  private static Map<String, String> files(String kernel) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("etc/hostname", HOSTNAME + "\n");
    files.put("etc/hosts", """
        127.0.0.1\tlocalhost
        127.0.1.1\t%s
        ::1\t\tlocalhost ip6-localhost ip6-loopback
        ff02::1\t\tip6-allnodes
        ff02::2\t\tip6-allrouters
        """.formatted(HOSTNAME));
    // the provisioner rewrites this with a static eth0 (Xen names the first vif eth0, as net.ifnames=0 does under QEMU)
    files.put("etc/network/interfaces", """
        # The base image's network: DHCP on eth0. xen-provisioner rewrites this file for each guest.
        source /etc/network/interfaces.d/*

        auto lo
        iface lo inet loopback

        auto eth0
        iface eth0 inet dhcp
        """);
    // a guest whose NIC never comes up must still boot to the report (and say so) instead of waiting 300 s
    files.put("etc/default/networking", "WAIT_ONLINE_TIMEOUT=30\n");
    // the root is mounted by the initramfs from root= on the kernel command line (/dev/xvda under Xen,
    // /dev/vda under QEMU); fstab names it by label, which holds on both, so systemd-remount-fs finds it
    files.put("etc/fstab", """
        # <file system>\t<mount point>\t<type>\t<options>\t<dump>\t<pass>
        LABEL=%s\t/\text4\terrors=remount-ro\t0\t1
        """.formatted(ROOT_LABEL));
    // debootstrap copied the build host's resolver; a guest gets its own
    files.put("etc/resolv.conf", "");
    // a small initramfs (MODULES=most makes 36 MB, which the kernel unpacks for 3 s under TCG) holding
    // what mounts the root under QEMU (virtio) and Xen (blkfront); no resume device (the build host's swap)
    // FSTYPE: the fsck hook cannot resolve the fstab's LABEL on the build host; without it no fsck in the initramfs
    files.put("etc/initramfs-tools/conf.d/xen-provisioner-tests.conf", "MODULES=list\nFSTYPE=ext4\n");
    files.put("etc/initramfs-tools/conf.d/resume", "RESUME=none\n");
    files.put("etc/initramfs-tools/modules", """
        # Modules the initramfs needs to mount the root file system (MODULES=list)
        virtio_pci
        virtio_blk
        xen-blkfront
        ext4
        crc32c_generic
        """);
    // pygrub (the domain config's boot loader) reads the kernel and its arguments from here
    files.put("boot/grub/grub.cfg", """
        set default=0
        set timeout=0
        menuentry 'Debian GNU/Linux, %1$s' {
        \tlinux /boot/vmlinuz-%1$s root=/dev/xvda rw console=hvc0 net.ifnames=0
        \tinitrd /boot/initrd.img-%1$s
        }
        """.formatted(kernel));
    // The provisioner deletes /etc/ssh/ssh_host_* so that each guest makes its own, and Debian does not
    // make missing host keys by itself: make them before sshd -t checks the configuration (a drop-in's
    // ExecStartPre= would run after the unit's own sshd -t, which fails without keys, so reset the list).
    files.put("etc/systemd/system/ssh.service.d/10-xen-provisioner-host-keys.conf", """
        [Service]
        ExecStartPre=
        ExecStartPre=/usr/bin/ssh-keygen -A
        ExecStartPre=/usr/sbin/sshd -t
        """);
    files.put("etc/systemd/system/" + REPORT_UNIT, """
        # Test base image only: reports the guest's identity on the serial console, then powers it off.
        [Unit]
        Description=Report host name, NICs, machine-id and SSH host keys on ttyS0, then power off
        Wants=network-online.target
        After=network-online.target ssh.service
        SuccessAction=poweroff-force
        FailureAction=poweroff-force

        [Service]
        Type=oneshot
        ExecStart=%s
        TimeoutStartSec=120

        [Install]
        WantedBy=multi-user.target
        """.formatted(REPORT_SCRIPT));
    files.put(REPORT_SCRIPT.substring(1), """
        #!/bin/sh
        # Prints this guest's identity for the xen-provisioner boot tests on the serial console, all in
        # one write so that no other console output can cut into it. One "XENPROV key=value" per line.
        PATH=/usr/sbin:/usr/bin:/sbin:/bin
        h=$(hostname)
        r="XENPROV report-begin
        XENPROV hostname=$h
        "
        for dev in /sys/class/net/*; do
          i=${dev##*/}
          r="${r}XENPROV interface=$i mac=$(cat "$dev/address") ipv4=$(ip -o -4 addr show dev "$i" | awk '{print $4}' | paste -sd, -)
        "
        done
        r="${r}XENPROV default-route=$(ip -o -4 route show default | head -n 1)
        XENPROV machine-id=$(cat /etc/machine-id)
        "
        for key in /etc/ssh/ssh_host_*_key.pub; do
          [ -e "$key" ] || continue
          r="${r}XENPROV ssh-host-key=$(ssh-keygen -l -f "$key" | awk '{gsub(/[()]/, "", $NF); print $NF " " $2}')
        "
        done
        hosts=$(awk -v h="$h" '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == h) { print "XENPROV hosts-line=" $0; next } }' /etc/hosts)
        [ -z "$hosts" ] || r="${r}${hosts}
        "
        r="${r}XENPROV failed-units=$(systemctl --failed --plain --no-legend | awk '{print $1}' | paste -sd, -)
        XENPROV uptime=$(cut -d ' ' -f 1 /proc/uptime)
        XENPROV report-end
        "
        printf '%s' "$r" > /dev/ttyS0
        """);
    return files;
  }

  /** Root's password locked, as in a base made without one ({@code passwd -l}: a {@code !} in front). */
  private static void lockRootPassword(Path tree) throws IOException {
    Path shadow = tree.resolve("etc/shadow");
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(shadow)) {
      String[] fields = line.split(":", -1);
      if (fields[0].equals("root") && fields.length > 1 && !fields[1].startsWith("!")) {
        fields[1] = "!" + (fields[1].isEmpty() ? "*" : fields[1]);
        line = String.join(":", fields);
      }
      lines.add(line);
    }
    Files.write(shadow, lines);
  }

  /** The downloaded packages and package lists: 160 MB a guest does not need (apt-get update brings the lists back). */
  private static void cleanApt(Path tree) throws IOException {
    for (String dir : List.of("var/cache/apt/archives", "var/cache/apt", "var/lib/apt/lists")) {
      try (Stream<Path> files = Files.list(tree.resolve(dir))) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !name.equals("lock")) {
            Files.delete(file);
          }
        }
      }
    }
  }

  /** Marks the tree used now (trees of other recipes unused for {@link #KEEP_UNUSED} are removed). */
  private static DebianRoot used(DebianRoot root) throws IOException {
    Path marker = root.dir.resolve("last-used");
    if (!Files.exists(marker)) {
      Files.createFile(marker);
    }
    Files.setLastModifiedTime(marker, FileTime.from(Instant.now()));
    return root;
  }

  /**
   * Trees of older recipes (other branches may still use them: only those nobody used for
   * {@link #KEEP_UNUSED}), removed when a new tree was built, under the lock.
   */
  private static void removeUnusedTrees(Path cache, Path current) throws IOException {
    Instant limit = Instant.now().minus(KEEP_UNUSED);
    try (Stream<Path> entries = Files.list(cache)) {
      for (Path entry : entries.filter(e -> e.getFileName().toString().startsWith(TREE_PREFIX) && !e.equals(current)).toList()) {
        Path marker = Files.exists(entry.resolve("last-used")) ? entry.resolve("last-used") : entry;
        if (Files.getLastModifiedTime(marker).toInstant().isBefore(limit)) {
          LOG.info("removing {}: a tree of another recipe, unused since {}", entry, Files.getLastModifiedTime(marker));
          Trees.delete(entry);
        }
      }
    }
  }

  /** Build directories left by a run that was killed: we hold the lock, so nobody is building into them. */
  private static void removeAbandonedBuilds(Path cache) throws IOException {
    try (Stream<Path> entries = Files.list(cache)) {
      for (Path entry : entries.filter(e -> e.getFileName().toString().startsWith(BUILDING_PREFIX)).toList()) {
        LOG.info("removing the abandoned build {}", entry);
        Trees.killProcessesUsing(entry); // a debootstrap whose JVM was killed goes on as an orphan
        Trees.delete(entry);
      }
    }
  }

  private static String recipeDigest() {
    StringBuilder recipe = new StringBuilder("version=" + RECIPE_VERSION + "\nsuite=" + SUITE + "\npackages=" + PACKAGES
        + "\nmasked=" + MASKED + "\n");
    files("KERNEL").forEach((path, content) -> recipe.append(path).append('\n').append(content).append('\n'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Properties readBuild(Path dir) throws IOException {
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve("build.properties"))) {
      properties.load(in);
    }
    return properties;
  }

  private static void write(Path tree, String path, String content) throws IOException {
    Path file = tree.resolve(path);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file); // never write through a symbolic link of the tree into the host
    Files.writeString(file, content);
  }

  private static void link(Path tree, String path, String target) throws IOException {
    Path link = tree.resolve(path);
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(target));
  }

  private static CommandResult run(Duration timeout, String... argv) throws IOException {
    try {
      return RUNNER.run(Command.of(timeout, argv));
    } catch (CommandFailedException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  static String keyType(String sshKeyType) {
    if (sshKeyType.startsWith("ecdsa-")) {
      return "ECDSA";
    }
    return switch (sshKeyType) {
      case "ssh-ed25519" -> "ED25519";
      case "ssh-rsa" -> "RSA";
      case "ssh-dss" -> "DSA";
      default -> sshKeyType.toUpperCase();
    };
  }

  /** The fingerprint {@code ssh-keygen -l} prints: SHA-256 of the key blob, base64 without padding. */
  static String fingerprint(String base64Blob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Blob));
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
