package org.xenprovisioner.boot;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * Boots a raw guest image (a bare ext4 root file system, as {@link BaseImageBuilder} makes and the
 * provisioner copies) under {@code qemu-system-x86_64} and returns what the guest's report unit
 * printed on its serial console ({@link BootReport}).
 *
 * <ul>
 *   <li>TCG only ({@code -accel tcg}): nested KVM hangs on the build machines. The plain
 *       {@code qemu64} CPU: with {@code -cpu max} the guest loads kvm_amd and a dozen crypto
 *       drivers for the features it sees, which costs about a fifth of the boot under TCG.</li>
 *   <li>{@code -snapshot}: the guest's writes go to a temporary overlay, the image is not changed.</li>
 *   <li>Direct kernel boot with the kernel and initramfs read out of the image itself with
 *       {@code debugfs} ({@code /vmlinuz} and {@code /initrd.img}, or the only ones in {@code /boot}),
 *       so a guest boots the kernel it would boot under Xen; {@link #KERNEL_ARGS} on the command line.</li>
 *   <li>A virtio disk ({@code /dev/vda}) and a virtio NIC with the MAC given (user-mode networking,
 *       restricted: the guest reaches nothing; its static IP need not be reachable, only reported).</li>
 *   <li>A hard timeout: QEMU is killed on timeout and on every failure path, and by a shutdown
 *       hook if the JVM exits meanwhile; nothing stays running. Once the report is complete the
 *       guest powers itself off; if it takes longer than {@link #POWER_OFF_GRACE} it is killed.</li>
 * </ul>
 */
public final class QemuBoot {

  private static final Logger LOG = LoggerFactory.getLogger(QemuBoot.class);
  private static final CommandRunner RUNNER = new CommandRunner();

  /**
   * {@code net.ifnames=0}: the NIC is eth0, as Xen names it; {@code panic=-1} with {@code -no-reboot}:
   * a kernel panic ends QEMU at once instead of waiting out the timeout; {@code noresume}: no wait
   * for a resume device; {@code quiet}: kernel and systemd print only problems, which still shows
   * what went wrong; {@code modprobe.blacklist}: udev does not load (and the kernel does not verify
   * the signatures of, slow under TCG) drivers for the PC's legacy devices a Xen guest does not
   * have, nor KVM for the emulated CPU's virtualization flag, while {@code ifupdown-pre.service}
   * waits for udev to settle before eth0 is configured.
   */
  public static final String KERNEL_ARGS = "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1 noresume quiet"
      + " modprobe.blacklist=floppy,pcspkr,psmouse,serio_raw,i2c_piix4,ata_piix,ata_generic,evdev,kvm_amd,kvm_intel";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration POWER_OFF_GRACE = Duration.ofSeconds(20);
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
  private static final Pattern FAST_LINK = Pattern.compile("Fast link dest: \"([^\"]+)\"");
  private static final Pattern SAFE_GUEST_PATH = Pattern.compile("/[A-Za-z0-9._+/-]+");

  private final Path image;
  private String mac = "52:54:00:12:34:56";
  private Duration timeout = DEFAULT_TIMEOUT;
  private int memoryMiB = 1024;
  private int cpus = 1;
  private String extraKernelArgs = "";

  public QemuBoot(Path image) {
    this.image = image.toAbsolutePath();
  }

  /** The NIC's MAC (unicast; {@code :} or {@code -}). Default {@code 52:54:00:12:34:56}. */
  public QemuBoot mac(String value) {
    String normalized = value.toLowerCase(Locale.ROOT).replace('-', ':');
    if (!MAC.matcher(normalized).matches() || (Integer.parseInt(normalized.substring(0, 2), 16) & 1) != 0) {
      throw new IllegalArgumentException("not a unicast MAC address: " + value);
    }
    this.mac = normalized;
    return this;
  }

  /** How long the guest may take from QEMU's start to a complete report. Default {@link #DEFAULT_TIMEOUT}. */
  public QemuBoot timeout(Duration value) {
    this.timeout = value;
    return this;
  }

  public QemuBoot memoryMiB(int value) {
    this.memoryMiB = value;
    return this;
  }

  public QemuBoot cpus(int value) {
    this.cpus = value;
    return this;
  }

  /** Appended to {@link #KERNEL_ARGS}, e.g. {@code systemd.show_status=1 loglevel=7} to see the whole boot. */
  public QemuBoot extraKernelArgs(String value) {
    this.extraKernelArgs = value;
    return this;
  }

  /** A finished boot: the report, the whole console text, the QEMU command, and how long it took. */
  public record Result(BootReport report, String console, List<String> command, Duration timeToReport, Duration elapsed) {
  }

  /** The boot failed: no report in time, QEMU failed, or the report was unreadable. Carries the console. */
  public static final class BootFailedException extends RuntimeException {

    private final String console;

    BootFailedException(String message, String console, Throwable cause) {
      super(message + "\n--- last lines of the serial console ---\n" + lastLines(console, 60), cause);
      this.console = console;
    }

    /** The whole serial console text. */
    public String console() {
      return console;
    }
  }

  /** Boots the image, waits for the report, and makes sure QEMU is gone before returning or throwing. */
  public Result boot() throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new IOException("no image " + image);
    }
    Path work = Files.createTempDirectory("xenprov-qemu-");
    try {
      Path kernel = extract(image, "/vmlinuz", "vmlinuz-", work.resolve("vmlinuz"));
      Path initrd = extract(image, "/initrd.img", "initrd.img-", work.resolve("initrd.img"));
      Path console = work.resolve("console.log");
      Path qemuLog = work.resolve("qemu.log");
      List<String> command = command(kernel, initrd, console);
      return run(command, console, qemuLog);
    } finally {
      try {
        Trees.delete(work);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not delete {}", work, e); // not to hide why the boot failed
      }
    }
  }

  /** The QEMU command line for this image with the kernel, initramfs and console file given. */
  public List<String> command(Path kernel, Path initrd, Path console) {
    String append = (KERNEL_ARGS + " " + extraKernelArgs).strip();
    return List.of("qemu-system-x86_64",
        "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none",
        "-machine", "pc", "-accel", "tcg", "-cpu", "qemu64", "-smp", Integer.toString(cpus), "-m", Integer.toString(memoryMiB),
        "-no-reboot", "-snapshot",
        "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append,
        "-drive", "file=" + option(image) + ",format=raw,if=virtio,cache=unsafe",
        "-netdev", "user,id=net0,restrict=on",
        "-device", "virtio-net-pci,netdev=net0,mac=" + mac,
        "-device", "virtio-rng-pci",
        "-chardev", "file,id=console,path=" + option(console),
        "-serial", "chardev:console");
  }

  private Result run(List<String> command, Path console, Path qemuLog) throws IOException {
    LOG.info("booting {} with MAC {}: {}", image, mac, String.join(" ", command));
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    Process qemu = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(qemuLog.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    Thread killer = new Thread(qemu::destroyForcibly, "kill-qemu-" + qemu.pid());
    Runtime.getRuntime().addShutdownHook(killer);
    Instant reported = null;
    String text = "";
    try {
      while (true) {
        boolean exited = qemu.waitFor(250, TimeUnit.MILLISECONDS);
        text = read(console);
        Instant now = Instant.now();
        if (reported == null && BootReport.isComplete(text)) {
          reported = now;
        }
        if (exited) {
          break;
        }
        if (reported != null && now.isAfter(reported.plus(POWER_OFF_GRACE))) {
          LOG.warn("the guest reported but did not power off within {} s: killing QEMU", POWER_OFF_GRACE.toSeconds());
          break;
        }
        if (now.isAfter(deadline)) {
          destroy(qemu);
          throw new BootFailedException("the guest booted from " + image + " did not report within " + timeout.toSeconds()
              + " s: QEMU killed. QEMU said: " + read(qemuLog).strip(), read(console), null);
        }
      }
      destroy(qemu);
      text = read(console);
      Duration elapsed = Duration.between(start, Instant.now());
      if (reported == null) {
        throw new BootFailedException("QEMU (exit code " + qemu.exitValue() + ") ended after " + elapsed.toSeconds()
            + " s without a report from the guest booted from " + image + ". QEMU said: " + read(qemuLog).strip(), text, null);
      }
      try {
        return new Result(BootReport.parse(text), text, command, Duration.between(start, reported), elapsed);
      } catch (IllegalArgumentException e) {
        throw new BootFailedException("unreadable report from the guest booted from " + image + ": " + e.getMessage(), text, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootFailedException("interrupted while booting " + image, text, e);
    } finally {
      destroy(qemu);
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private static void destroy(Process qemu) {
    if (qemu.isAlive()) {
      qemu.destroyForcibly();
      try {
        if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
          LOG.error("QEMU {} still running 30 s after SIGKILL", qemu.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Copies a file out of the ext2/3/4 image with {@code debugfs}, following the symbolic link
   * {@code link} (as {@code /vmlinuz}); without it, takes the only {@code /boot/<prefix>*}.
   */
  static Path extract(Path image, String link, String prefix, Path out) throws IOException {
    String path = resolve(image, link, prefix);
    if (!SAFE_GUEST_PATH.matcher(path).matches() || out.toString().matches(".*[\\s\"].*")) {
      throw new IOException("a file name debugfs -R cannot take: " + path + " in " + image + ", or " + out);
    }
    CommandResult dump = debugfs(image, "dump " + path + " " + out);
    if (!Files.isRegularFile(out) || Files.size(out) == 0) {
      throw new IOException("could not read " + path + " out of " + image + ": " + dump.stderr().strip());
    }
    return out;
  }

  private static String resolve(Path image, String link, String prefix) throws IOException {
    String stat = debugfs(image, "stat " + link).stdout();
    Matcher fast = FAST_LINK.matcher(stat);
    if (fast.find()) {
      String target = fast.group(1);
      return target.startsWith("/") ? target : "/" + target; // relative to / where the link is
    }
    if (stat.contains("Type: regular")) {
      return link;
    }
    List<String> candidates = new ArrayList<>();
    for (String line : debugfs(image, "ls -p /boot").stdout().split("\n")) {
      String[] fields = line.split("/"); // /inode/mode/uid/gid/name/size/
      if (fields.length > 5 && fields[5].startsWith(prefix)) {
        candidates.add("/boot/" + fields[5]);
      }
    }
    if (candidates.size() != 1) {
      throw new IOException(image + " has no " + link + " link and not exactly one /boot/" + prefix + "*: " + candidates);
    }
    return candidates.get(0);
  }

  private static CommandResult debugfs(Path image, String request) {
    return RUNNER.run(Command.of(Duration.ofSeconds(60), "debugfs", "-R", request, image.toString()));
  }

  /** A value inside a QEMU option list: commas are doubled. */
  private static String option(Path path) {
    return path.toString().replace(",", ",,");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** The last lines, without the terminal's escape sequences. */
  static String lastLines(String console, int count) {
    List<String> lines = console.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replace("\r", "").lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
