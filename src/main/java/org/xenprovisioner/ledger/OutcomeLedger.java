package org.xenprovisioner.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The outcome half of the batch ledger (V6): decisions on {@code XP_BATCH}, guest outcomes on
 * {@code XP_GUEST}. Updates of rows the batch API wrote, so recording an event twice (a completion
 * the engine runs again after a rollback) leaves one record.
 */
@Repository
public class OutcomeLedger implements BatchOutcomes {

  /** What fits the column; a longer error keeps its head, the engine's variable keeps all of it while history lasts. */
  private static final int MAX_ERROR = 100_000;

  private final NamedParameterJdbcTemplate jdbc;

  OutcomeLedger(NamedParameterJdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The count of guests a batch provisioned and rolled back, as the ledger has them. */
  public record Counts(int provisioned, int rolledBack) {
  }

  @Override
  public void decided(String batchInstanceId, boolean approved, String by, Instant at, String comment) {
    jdbc.update("UPDATE XP_BATCH SET APPROVED_ = :approved, DECIDED_BY_ = :by, DECIDED_AT_ = :at, COMMENT_ = :comment "
        + "WHERE PROC_INST_ID_ = :pid", new MapSqlParameterSource("pid", batchInstanceId).addValue("approved", approved)
        .addValue("by", by).addValue("at", Timestamp.from(at)).addValue("comment", comment));
  }

  @Override
  public void guestEnded(String batchInstanceId, int index, String state, String error, Instant at) {
    String kept = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
    jdbc.update("UPDATE XP_GUEST SET STATE_ = :state, ERROR_ = :error, ENDED_AT_ = :at WHERE INDEX_ = :index "
        + "AND BATCH_ID_ = (SELECT ID_ FROM XP_BATCH WHERE PROC_INST_ID_ = :pid)",
        new MapSqlParameterSource("pid", batchInstanceId).addValue("index", index).addValue("state", state)
            .addValue("error", kept).addValue("at", Timestamp.from(at)));
  }

  @Override
  public void finished(String batchInstanceId, Instant at) {
    jdbc.update("UPDATE XP_BATCH SET FINISHED_AT_ = :at WHERE PROC_INST_ID_ = :pid",
        new MapSqlParameterSource("pid", batchInstanceId).addValue("at", Timestamp.from(at)));
  }

  /** The recorded decisions, by batch id; a batch decided before V6 (or not yet) has none. */
  public Map<String, LedgerDecision> decisions() {
    Map<String, LedgerDecision> decisions = new HashMap<>();
    jdbc.query("SELECT ID_, APPROVED_, DECIDED_BY_, DECIDED_AT_, COMMENT_, FINISHED_AT_ FROM XP_BATCH WHERE DECIDED_AT_ IS NOT NULL",
        row -> {
          decisions.put(row.getString("ID_"), decision(row));
        });
    return decisions;
  }

  public Optional<LedgerDecision> decision(String batchId) {
    return jdbc.query("SELECT APPROVED_, DECIDED_BY_, DECIDED_AT_, COMMENT_, FINISHED_AT_ FROM XP_BATCH "
        + "WHERE ID_ = :id AND DECIDED_AT_ IS NOT NULL", Map.of("id", batchId), (row, n) -> decision(row)).stream().findFirst();
  }

  /** The guests that ended, by batch id. */
  public Map<String, Counts> counts() {
    Map<String, Counts> counts = new HashMap<>();
    jdbc.query("SELECT BATCH_ID_, SUM(CASE WHEN STATE_ = 'PROVISIONED' THEN 1 ELSE 0 END) AS PROVISIONED, "
        + "SUM(CASE WHEN STATE_ = 'ROLLED_BACK' THEN 1 ELSE 0 END) AS ROLLED_BACK FROM XP_GUEST "
        + "WHERE STATE_ IS NOT NULL GROUP BY BATCH_ID_", row -> {
          counts.put(row.getString("BATCH_ID_"), new Counts(row.getInt("PROVISIONED"), row.getInt("ROLLED_BACK")));
        });
    return counts;
  }

  /** How each guest of the batch that ended did, by its position. */
  public Map<Integer, LedgerOutcome> outcomes(String batchId) {
    Map<Integer, LedgerOutcome> outcomes = new HashMap<>();
    jdbc.query("SELECT INDEX_, STATE_, ERROR_, ENDED_AT_ FROM XP_GUEST WHERE BATCH_ID_ = :batch AND STATE_ IS NOT NULL",
        Map.of("batch", batchId), row -> {
          outcomes.put(row.getInt("INDEX_"), new LedgerOutcome(row.getString("STATE_"), row.getString("ERROR_"),
              instant(row.getTimestamp("ENDED_AT_"))));
        });
    return outcomes;
  }

  private static LedgerDecision decision(ResultSet row) throws SQLException {
    return new LedgerDecision(row.getBoolean("APPROVED_"), row.getString("DECIDED_BY_"), instant(row.getTimestamp("DECIDED_AT_")),
        row.getString("COMMENT_"), instant(row.getTimestamp("FINISHED_AT_")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
