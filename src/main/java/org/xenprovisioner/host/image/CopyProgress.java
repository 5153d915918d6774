package org.xenprovisioner.host.image;

/**
 * Receives the progress of an image copy. Called from a thread of its own, never the caller's, so
 * a receiver that publishes the progress to the engine runs in a transaction of its own and is
 * seen while the copy still runs.
 */
@FunctionalInterface
public interface CopyProgress {

  CopyProgress NONE = (bytesDone, bytesToCopy) -> { };

  void update(long bytesDone, long bytesToCopy);
}
