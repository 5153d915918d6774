package org.xenprovisioner.steps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xenprovisioner.host.CopyProgress;
import org.xenprovisioner.host.HostOperationException;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.intake.Guest;

/** Records every host operation as "operation hostname" and fails the one it is told to. */
class FakeHost implements HostOperations {

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final java.util.Set<String> failingAlways = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Fails the next call of the operation for the guest (once: an undo of the same kind may then succeed). */
  void failAt(String operation, String hostname) {
    failing.add(operation + " " + hostname);
  }

  void failAlways(String operation, String hostname) {
    failingAlways.add(operation + " " + hostname);
  }

  void reset() {
    calls.clear();
    failing.clear();
    failingAlways.clear();
    copyProgress.clear();
    duringCopy = () -> { };
  }

  List<String> callsFor(String hostname) {
    synchronized (calls) {
      return calls.stream().filter(call -> call.endsWith(" " + hostname)).map(call -> call.split(" ")[0]).toList();
    }
  }

  private void record(String operation, Path path) {
    String file = path.getFileName().toString();
    String hostname = file.contains(".") ? file.substring(0, file.indexOf('.')) : file;
    calls.add(operation + " " + hostname);
    if (failing.remove(operation + " " + hostname) || failingAlways.contains(operation + " " + hostname)) {
      throw new HostOperationException("simulated failure of " + operation);
    }
  }

  @Override
  public void checkGuestIsNew(Path image, Path domainConfig, String owner) {
    record("check", image);
  }

  /** Progress reports the next copy makes, each from a thread of its own as the real cloner does. */
  final List<long[]> copyProgress = Collections.synchronizedList(new ArrayList<>());
  /** Runs inside the copy (on the job's thread) after the progress reports, before the step returns. */
  volatile Runnable duringCopy = () -> { };
  /** Not recorded: the process tests assert the six steps' calls; the real check is tested on real images. */
  @Override
  public void checkBaseImage(Path baseImage, String fingerprint, Path image, String owner) {
  }

  @Override
  public void copyBaseImage(Path baseImage, Path image, String owner, CopyProgress progress) {
    record("copy", image);
    for (long[] report : copyProgress) {
      Thread reporter = new Thread(() -> progress.update(report[0], report[1]), "fake-copy-progress");
      reporter.start();
      try {
        reporter.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    duringCopy.run();
  }

  @Override
  public void deleteImage(Path image, Path mountPoint, String owner) {
    record("delete-image", image);
  }

  @Override
  public String mountImage(Path image, Path mountPoint) {
    record("mount", image);
    return "/dev/loop7";
  }

  @Override
  public void writeGuestFiles(Path mountPoint, Guest guest, Path image) {
    record("write-guest-files", image);
  }

  @Override
  public void releaseImage(Path image, Path mountPoint) {
    record("release", image);
  }

  @Override
  public void writeDomainConfig(Path domainConfig, Guest guest, Path image, String owner) {
    record("write-domain-config", domainConfig);
  }

  @Override
  public void deleteDomainConfig(Path domainConfig, String owner) {
    record("delete-domain-config", domainConfig);
  }
}
