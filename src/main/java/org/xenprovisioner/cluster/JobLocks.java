package org.xenprovisioner.cluster;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Releases job locks of one node's lock owner ({@code xen-provisioner@<dom0>}) in the engine's job
 * table, the one way the product does it: the lock and its expiry cleared and the revision raised,
 * so that a run of the job still in progress somewhere fails on its commit (optimistic locking)
 * instead of counting twice.
 */
final class JobLocks {

  private final NamedParameterJdbcTemplate jdbc;
  private final String jobTable;

  JobLocks(NamedParameterJdbcTemplate jdbc, String jobTable) {
    this.jdbc = jdbc;
    this.jobTable = jobTable;
  }

  /** Every lock of the owner: its node's previous run held them ({@link NodeStartupPlugin}). */
  int releaseAll(String owner) {
    return release(owner, "", new MapSqlParameterSource());
  }

  /** The owner's locks on jobs of no tenant: the batch's and its groups' jobs, no host work ({@link DeadNodeJobs}). */
  int releaseBatchWide(String owner) {
    return release(owner, " AND TENANT_ID_ IS NULL", new MapSqlParameterSource());
  }

  /**
   * The owner's locks taken before {@code acquiredBefore} (the engine sets the expiry to the acquisition
   * plus the lock time, by the owner's clock) on jobs other than {@code held} ({@link OwnJobs}).
   */
  int releaseLeftOvers(String owner, Instant acquiredBefore, long lockTimeMillis, Set<String> held) {
    MapSqlParameterSource values = new MapSqlParameterSource()
        .addValue("expiresBefore", Timestamp.from(acquiredBefore.plusMillis(lockTimeMillis))).addValue("held", held);
    return release(owner, " AND LOCK_EXP_TIME_ < :expiresBefore" + (held.isEmpty() ? "" : " AND ID_ NOT IN (:held)"), values);
  }

  private int release(String owner, String condition, MapSqlParameterSource values) {
    return jdbc.update("UPDATE " + jobTable + " SET LOCK_OWNER_ = NULL, LOCK_EXP_TIME_ = NULL, REV_ = REV_ + 1 "
        + "WHERE LOCK_OWNER_ = :owner" + condition, values.addValue("owner", owner));
  }
}
