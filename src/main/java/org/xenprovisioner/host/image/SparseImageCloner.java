package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * Copies a base image without filling its holes. GNU cp with {@code --sparse=always} reads only
 * the allocated extents (SEEK_DATA/SEEK_HOLE) and {@code --reflink=auto} shares blocks where the
 * file system can; Java's {@code Files.copy} would write every hole as zeros. Before copying it
 * checks that the base's data fits in the image directory, counting copies still running, so a
 * full disk refuses a guest instead of failing it half-way.
 */
@Component
public class SparseImageCloner {

  private static final Logger LOG = LoggerFactory.getLogger(SparseImageCloner.class);
  private final CommandRunner runner;
  private final Duration timeout;
  private final Duration commandTimeout;
  private final Duration progressInterval;
  /** Bytes that copies in progress may still write, not yet visible as used space. */
  private long reserved;

  public SparseImageCloner(CommandRunner runner, ProvisionerProperties properties) {
    this.runner = runner;
    this.timeout = properties.copyTimeout();
    this.commandTimeout = properties.commandTimeout();
    this.progressInterval = properties.copyProgressInterval();
  }

  public void copy(Path base, Path image, String owner) {
    copy(base, image, owner, CopyProgress.NONE);
  }

  /** Copies into the owner's temporary ({@link OwnedFiles}), then links it into place: a reader never sees a half-written image. */
  public void copy(Path base, Path image, String owner, CopyProgress progress) {
    Path part = OwnedFiles.temporaryFor(image, owner);
    // a copy cut short by a crash left its part file: remove it before anything can refuse the copy
    deleteQuietly(part);
    if (!Files.isRegularFile(base)) {
      throw new HostOperationException("base image " + base + " does not exist or is not a regular file");
    }
    if (Files.exists(image, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("image " + image + " already exists; it is never overwritten");
    }
    long toCopy = allocatedBytes(base);
    reserve(base, image, toCopy);
    // one thread per copy: reports arrive in order, never in the caller's (the job's) transaction
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "copy-progress-" + image.getFileName());
      thread.setDaemon(true);
      return thread;
    });
    try {
      ScheduledFuture<?> reports = poller.scheduleWithFixedDelay(() -> report(progress, part, toCopy), 0,
          progressInterval.toMillis(), TimeUnit.MILLISECONDS);
      runner.run(new Command(List.of("cp", "--sparse=always", "--reflink=auto", "--",
          base.toString(), part.toString()), timeout));
      reports.cancel(false);
      finalReport(poller, progress, toCopy);
      OwnedFiles.linkIntoPlace(part, image, owner);
    } catch (FileAlreadyExistsException e) {
      throw new HostOperationException("image " + image + " already exists; it is never overwritten", e);
    } catch (IOException e) {
      throw new HostOperationException("cannot create image " + image + ": " + e.getMessage(), e);
    } finally {
      stop(poller);
      unreserve(toCopy);
      deleteQuietly(part);
    }
  }

  /** Refuses the copy when the base's data does not fit beside the copies already running. */
  private synchronized void reserve(Path base, Path image, long toCopy) {
    Path directory = image.toAbsolutePath().getParent();
    long usable;
    try {
      usable = Files.getFileStore(directory).getUsableSpace();
    } catch (IOException e) {
      throw new HostOperationException("cannot read the free space of " + directory + ": " + e.getMessage(), e);
    }
    if (toCopy > usable - reserved) {
      throw new HostOperationException("not enough free space in " + directory + " for image " + image
          + ": base image " + base + " holds " + toCopy + " bytes of data, " + usable + " bytes are free"
          + (reserved > 0 ? " of which copies in progress still need " + reserved : ""));
    }
    reserved += toCopy;
  }

  private synchronized void unreserve(long toCopy) {
    reserved -= toCopy;
  }

  /** Bytes the file system allocated for the file (holes excluded): what cp reads and writes. */
  long allocatedBytes(Path file) {
    String[] fields = runner.run(Command.of(commandTimeout, "stat", "--format=%b %B", "--", file.toString()))
        .stdout().strip().split(" ");
    try {
      return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new HostOperationException("cannot read the allocated size of " + file + " from stat: " + String.join(" ", fields), e);
    }
  }

  private void report(CopyProgress progress, Path part, long toCopy) {
    try {
      if (Files.exists(part)) {
        progress.update(Math.min(allocatedBytes(part), toCopy), toCopy);
      } else {
        progress.update(0, toCopy);
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot report the progress of {}: {}", part, e.getMessage());
    }
  }

  /** Runs after any report in progress (same thread), so the last value seen is the end of the copy. */
  private static void finalReport(ScheduledExecutorService poller, CopyProgress progress, long toCopy) {
    try {
      poller.submit(() -> progress.update(toCopy, toCopy)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("cannot report the end of a copy: {}", e.getMessage());
    }
  }

  /** Stops the poller and waits for a report that is running, so none arrives after the copy ended. */
  private static void stop(ScheduledExecutorService poller) {
    poller.shutdown();
    try {
      poller.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the next copy of the same guest removes it before it starts
    }
  }
}
