package org.xenprovisioner.cluster;

import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes over the batch-wide jobs a dead node holds, so that one Dom0 going down stops only its own
 * guests. A node's job executor locks the jobs it acquired for {@code copy-timeout} plus ten
 * {@code command-timeout}s (50 minutes by default), also those still waiting in its queue; the jobs
 * of the batch and group processes (no tenant: a guest's start, its join, a group's or the batch's
 * continuation) do no host work, and any node may run them. Once a Dom0's node has not been seen
 * for three heartbeat intervals ({@link Dom0s#notSeen()}, by the database's clock), every node releases
 * that node's locks on such jobs; its guests' own jobs (the tenant of its Dom0: host work) stay
 * locked until it comes back and releases them itself ({@link NodeStartupPlugin}).
 *
 * <p>Raising the job's revision as well makes this safe if the node was only cut off or paused and
 * comes back in the middle of such a job: the engine updates and deletes a job only at the revision
 * it read, so that node's transaction fails on its commit with an optimistic locking exception and
 * changes nothing, whichever node ran the job in the meantime (docs/cluster.md).
 */
@Component
class DeadNodeJobs {

  private static final Logger LOG = LoggerFactory.getLogger(DeadNodeJobs.class);

  private final Dom0s dom0s;
  private final NodeStartupPlugin node;
  private final String ownLockOwner;

  DeadNodeJobs(Dom0s dom0s, NodeStartupPlugin node, ThisDom0 dom0) {
    this.dom0s = dom0s;
    this.node = node;
    this.ownLockOwner = dom0.lockOwner();
  }

  /** Releases this node's own locks on jobs its executor no longer holds ({@link OwnJobs}). */
  int releaseOwnLeftOvers() {
    return node.ownJobs().releaseLeftOvers(node.jobLocks(), ownLockOwner);
  }

  /** Releases the batch-wide jobs of every Dom0 whose node is not alive; how many it released. */
  int takeOver() {
    int released = 0;
    for (Map.Entry<String, Instant> dead : dom0s.notSeen().entrySet()) {
      int jobs = node.jobLocks().releaseBatchWide(ThisDom0.lockOwnerOf(dead.getKey()));
      if (jobs > 0) {
        LOG.warn("Dom0 {} has not been seen since {}: released {} batch-wide job(s) its node held (guest starts, joins, "
            + "group and batch continuations) for the other nodes; its own guests wait for it", dead.getKey(), dead.getValue(),
            jobs);
        released += jobs;
      }
    }
    return released;
  }
}
