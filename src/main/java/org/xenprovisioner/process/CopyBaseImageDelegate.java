package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_COPY_PROGRESS;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.host.image.CopyProgress;

/** Step 2: the guest's image as a sparse copy of the base image. Undone by {@link DeleteImageDelegate}. */
@Component
class CopyBaseImageDelegate extends GuestStep {

  private static final Logger LOG = LoggerFactory.getLogger(CopyBaseImageDelegate.class);

  private final HostOperations host;

  CopyBaseImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    host.copyBaseImage(guest.paths(), guest.submitted().baseImageFingerprint(), guest.owner(),
        progress(execution.getProcessEngineServices().getRuntimeService(), execution.getId()));
  }

  /**
   * Publishes the copy's progress while it runs. A variable the job set itself would stay invisible
   * until the job commits; the host calls this from a thread of its own, so every update is a
   * transaction of its own on a variable the job never writes, and cannot make the job's commit
   * fail with an optimistic locking conflict.
   */
  static CopyProgress progress(RuntimeService runtime, String executionId) {
    return (done, toCopy) -> {
      try {
        runtime.setVariableLocal(executionId, VAR_COPY_PROGRESS, describe(done, toCopy));
      } catch (RuntimeException e) {
        LOG.debug("cannot publish the copy progress of execution {}: {}", executionId, e.getMessage());
      }
    };
  }

  static String describe(long done, long toCopy) {
    long percent = toCopy == 0 ? 100 : Math.min(100, done * 100 / toCopy);
    return done + " / " + toCopy + " bytes (" + percent + "%)";
  }
}
