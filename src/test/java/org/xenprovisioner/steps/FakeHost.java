package org.xenprovisioner.steps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xenprovisioner.host.CopyProgress;
import org.xenprovisioner.host.GuestFiles;
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

  private void record(String operation, GuestFiles files) {
    String hostname = files.hostname();
    calls.add(operation + " " + hostname);
    if (failing.remove(operation + " " + hostname) || failingAlways.contains(operation + " " + hostname)) {
      throw new HostOperationException("simulated failure of " + operation);
    }
  }

  @Override
  public void checkGuestIsNew(GuestFiles files, String owner) {
    record("check", files);
  }

  /** Progress reports the next copy makes, each from a thread of its own as the real cloner does. */
  final List<long[]> copyProgress = Collections.synchronizedList(new ArrayList<>());
  /** Runs inside the copy (on the job's thread) after the progress reports, before the step returns. */
  volatile Runnable duringCopy = () -> { };
  /** The owner and base image fingerprint of every copy, as the steps passed them. */
  final List<String> copies = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void copyBaseImage(GuestFiles files, String baseImageFingerprint, String owner, CopyProgress progress) {
    copies.add(owner + " from " + baseImageFingerprint + " to " + files.image());
    record("copy", files);
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
  public void deleteImage(GuestFiles files, String owner) {
    record("delete-image", files);
  }

  @Override
  public String mountImage(GuestFiles files) {
    record("mount", files);
    return "/dev/loop7";
  }

  @Override
  public void writeGuestFiles(GuestFiles files, Guest guest) {
    record("write-guest-files", files);
  }

  @Override
  public void releaseImage(GuestFiles files, String owner) {
    record("release", files);
  }

  @Override
  public void undoMount(GuestFiles files, String owner) {
    record("undo-mount", files);
  }

  @Override
  public void writeDomainConfig(GuestFiles files, Guest guest, String owner) {
    record("write-domain-config", files);
  }

  @Override
  public void deleteDomainConfig(GuestFiles files, String owner) {
    record("delete-domain-config", files);
  }
}
