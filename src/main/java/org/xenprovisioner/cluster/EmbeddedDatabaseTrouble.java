package org.xenprovisioner.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Says what to do when the embedded H2 database has closed itself. H2 closes its store for good
 * when a write fails (the disk holding its file full, for one), and it stays closed in this process
 * after space is back: every request, step and heartbeat then fails. Nothing is lost (H2 keeps its
 * last complete state on disk; steps are idempotent and a start cleans up after a crash), but only
 * a restart of the service reopens it, so the log says so plainly, at most once a minute.
 */
@Component
class EmbeddedDatabaseTrouble {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseTrouble.class);
  private static final Duration QUIET = Duration.ofMinutes(1);

  private final Optional<Path> file;
  private Instant lastSaid = Instant.EPOCH;

  EmbeddedDatabaseTrouble(@Value("${spring.datasource.url:}") String url) {
    this.file = url.startsWith("jdbc:h2:file:")
        ? Optional.of(Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db").toAbsolutePath().normalize())
        : Optional.empty();
  }

  /** Logs what to do when the failure is the embedded database having closed itself; whether it was. */
  synchronized boolean explain(Throwable failure) {
    if (file.isEmpty() || !closed(failure)) {
      return false;
    }
    if (Instant.now().isAfter(lastSaid.plus(QUIET))) {
      lastSaid = Instant.now();
      LOG.error("The embedded database {} has closed itself after a write failed ({}); it stays closed until xen-provisioner "
          + "starts again. Free space on the file system that holds it (df {}), then restart the service "
          + "(systemctl restart xen-provisioner): every batch goes on where it stopped, nothing is lost.",
          file.get(), rootMessage(failure), file.get().getParent());
    }
    return true;
  }

  private static boolean closed(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.contains("The database has been closed") || message.contains("This store is closed")
          || message.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
