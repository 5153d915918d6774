package org.xenprovisioner.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.host.image.CopyProgress;
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

  private void record(String operation, GuestPaths paths) {
    String hostname = paths.hostname();
    calls.add(operation + " " + hostname);
    if (failing.remove(operation + " " + hostname) || failingAlways.contains(operation + " " + hostname)) {
      throw new HostOperationException("simulated failure of " + operation);
    }
  }

  @Override
  public void checkGuestIsNew(GuestPaths paths, String owner) {
    record("check", paths);
  }

  /** Progress reports the next copy makes, each from a thread of its own as the real cloner does. */
  final List<long[]> copyProgress = Collections.synchronizedList(new ArrayList<>());
  /** Runs inside the copy (on the job's thread) after the progress reports, before the step returns. */
  volatile Runnable duringCopy = () -> { };
  /** The owner and base image fingerprint of every copy, as the steps passed them. */
  final List<String> copies = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void copyBaseImage(GuestPaths paths, String baseImageFingerprint, String owner, CopyProgress progress) {
    copies.add(owner + " from " + baseImageFingerprint + " to " + paths.image());
    record("copy", paths);
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
  public void deleteImage(GuestPaths paths, String owner) {
    record("delete-image", paths);
  }

  @Override
  public String mountImage(GuestPaths paths) {
    record("mount", paths);
    return "/dev/loop7";
  }

  @Override
  public List<GuestFile> writeGuestConfig(GuestPaths paths, Guest guest) {
    record("write-guest-config", paths);
    return List.of();
  }

  @Override
  public void unmountImage(GuestPaths paths, String owner) {
    record("unmount", paths);
  }

  @Override
  public void undoMount(GuestPaths paths, String owner) {
    record("undo-mount", paths);
  }

  @Override
  public GuestFile writeDomainConfig(GuestPaths paths, Guest guest, String owner) {
    record("write-domain-config", paths);
    return new GuestFile(paths.domainConfig().toString(), GuestFile.DOM0, GuestFile.WRITE, "", "rw-r--r--", null);
  }

  @Override
  public void deleteDomainConfig(GuestPaths paths, String owner) {
    record("delete-domain-config", paths);
  }
}
