package org.xenprovisioner.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.intake.Guest;

/**
 * The batch ledger ({@code XP_BATCH}, {@code XP_GUEST}): every batch and its guests exactly as the
 * batch API validated them. Written once, at submission, in the transaction that starts the batch;
 * read by the steps, the routing of guests to their Dom0, the claims of open batches and the audit.
 */
@Repository
public class BatchLedger implements SubmittedGuests {

  /** IN lists stay below what every database takes in one statement. */
  private static final int CHUNK = 500;
  private static final String BATCH_COLUMNS = "ID_, PROC_INST_ID_, NAME_, SUBMITTED_BY_, SUBMITTED_AT_, ACCEPTED_ON_, RETRY_OF_";
  private static final String GUEST_COLUMNS = "BATCH_ID_, INDEX_, LINE_, HOSTNAME_, IP_, MAC_, NETMASK_, GATEWAY_, MEMORY_, "
      + "VCPUS_, DOM0_, BASE_IMAGE_FINGERPRINT_, MAC_ASSIGNED_";
  private static final String GUEST_OF_INSTANCE = "SELECT g." + GUEST_COLUMNS.replace(", ", ", g.")
      + " FROM XP_GUEST g JOIN XP_BATCH b ON b.ID_ = g.BATCH_ID_ WHERE b.PROC_INST_ID_ ";

  private final NamedParameterJdbcTemplate jdbc;

  BatchLedger(NamedParameterJdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Serialises submissions across every node on the database until the caller's transaction ends. */
  public void lockSubmissions() {
    jdbc.queryForList("SELECT NAME_ FROM XP_LOCK WHERE NAME_ = 'submission' FOR UPDATE", Map.of(), String.class);
  }

  /** Records the batch and its guests, in list order; every guest names its Dom0. */
  public void record(LedgerBatch batch, List<SubmittedGuest> guests) {
    jdbc.update("INSERT INTO XP_BATCH (" + BATCH_COLUMNS + ") VALUES (:id, :pid, :name, :by, :at, :acceptedOn, :retryOf)",
        new MapSqlParameterSource().addValue("id", batch.id()).addValue("pid", batch.processInstanceId())
            .addValue("name", batch.name()).addValue("by", batch.submittedBy())
            .addValue("at", Timestamp.from(batch.submittedAt())).addValue("acceptedOn", batch.acceptedOn())
            .addValue("retryOf", batch.retryOf()));
    SqlParameterSource[] rows = new SqlParameterSource[guests.size()];
    for (int i = 0; i < guests.size(); i++) {
      SubmittedGuest submitted = guests.get(i);
      Guest guest = submitted.guest();
      if (submitted.index() != i || guest.dom0() == null || guest.mac() == null) {
        throw new IllegalArgumentException("guest " + guest.hostname() + " is not at its place, names no Dom0 or has no MAC");
      }
      rows[i] = new MapSqlParameterSource().addValue("batch", batch.id()).addValue("index", i)
          .addValue("line", guest.line()).addValue("hostname", guest.hostname()).addValue("ip", guest.ip())
          .addValue("mac", guest.mac()).addValue("netmask", guest.netmask())
          .addValue("gateway", guest.hasGateway() ? guest.gateway() : null)
          .addValue("memory", guest.memory()).addValue("vcpus", guest.vcpus())
          .addValue("dom0", guest.dom0()).addValue("fingerprint", submitted.baseImageFingerprint())
          .addValue("macAssigned", submitted.macAssigned());
    }
    jdbc.batchUpdate("INSERT INTO XP_GUEST (" + GUEST_COLUMNS + ") VALUES (:batch, :index, :line, :hostname, :ip, :mac, "
        + ":netmask, :gateway, :memory, :vcpus, :dom0, :fingerprint, :macAssigned)", rows);
  }

  @Override
  public void recordWritten(SubmittedGuest guest, String where, List<GuestFile> files) {
    Map<String, Object> key = Map.of("batch", guest.batchId(), "index", guest.index(), "where", where);
    jdbc.update("DELETE FROM XP_GUEST_FILE WHERE BATCH_ID_ = :batch AND INDEX_ = :index AND WHERE_ = :where", key);
    SqlParameterSource[] rows = new SqlParameterSource[files.size()];
    for (int i = 0; i < files.size(); i++) {
      GuestFile file = files.get(i);
      rows[i] = new MapSqlParameterSource(key).addValue("seq", i).addValue("path", file.path()).addValue("action", file.action())
          .addValue("content", file.content()).addValue("mode", file.mode()).addValue("renamedTo", file.renamedTo());
    }
    jdbc.batchUpdate("INSERT INTO XP_GUEST_FILE (BATCH_ID_, INDEX_, WHERE_, SEQ_, PATH_, ACTION_, CONTENT_, MODE_, RENAMED_TO_) "
        + "VALUES (:batch, :index, :where, :seq, :path, :action, :content, :mode, :renamedTo)", rows);
  }

  /** What steps 4 and 6 recorded for each guest of the batch, by the guest's index: guest files first, then the Dom0's. */
  public Map<Integer, List<GuestFile>> written(String batchId) {
    Map<Integer, List<GuestFile>> files = new HashMap<>();
    jdbc.query("SELECT INDEX_, WHERE_, PATH_, ACTION_, CONTENT_, MODE_, RENAMED_TO_ FROM XP_GUEST_FILE WHERE BATCH_ID_ = :batch "
        + "ORDER BY INDEX_, CASE WHEN WHERE_ = 'guest' THEN 0 ELSE 1 END, SEQ_", Map.of("batch", batchId), row -> {
          files.computeIfAbsent(row.getInt("INDEX_"), k -> new ArrayList<>()).add(new GuestFile(row.getString("PATH_"),
              row.getString("WHERE_"), row.getString("ACTION_"), row.getString("CONTENT_"), row.getString("MODE_"),
              row.getString("RENAMED_TO_")));
        });
    return files;
  }

  public Optional<LedgerBatch> batch(String id) {
    return jdbc.query("SELECT " + BATCH_COLUMNS + " FROM XP_BATCH WHERE ID_ = :id", Map.of("id", id), BatchLedger::batch)
        .stream().findFirst();
  }

  /** Every batch, newest first. */
  public List<LedgerBatch> batches() {
    return jdbc.query("SELECT " + BATCH_COLUMNS + " FROM XP_BATCH ORDER BY SUBMITTED_AT_ DESC, ID_ DESC", BatchLedger::batch);
  }

  /** The batches made to retry the given one, oldest first. */
  public List<String> retriesOf(String batchId) {
    return jdbc.queryForList("SELECT ID_ FROM XP_BATCH WHERE RETRY_OF_ = :id ORDER BY SUBMITTED_AT_, ID_", Map.of("id", batchId),
        String.class);
  }

  /** Guests per batch id. */
  public Map<String, Integer> guestCounts() {
    Map<String, Integer> counts = new HashMap<>();
    jdbc.query("SELECT BATCH_ID_, COUNT(*) AS GUESTS FROM XP_GUEST GROUP BY BATCH_ID_",
        row -> {
          counts.put(row.getString("BATCH_ID_"), row.getInt("GUESTS"));
        });
    return counts;
  }

  /** The guests of a batch in list order. */
  public List<SubmittedGuest> guests(String batchId) {
    return jdbc.query("SELECT " + GUEST_COLUMNS + " FROM XP_GUEST WHERE BATCH_ID_ = :batch ORDER BY INDEX_",
        Map.of("batch", batchId), (row, n) -> submitted(row));
  }

  @Override
  public int guestCount(String batchInstanceId) {
    Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM XP_GUEST g JOIN XP_BATCH b ON b.ID_ = g.BATCH_ID_ "
        + "WHERE b.PROC_INST_ID_ = :pid", Map.of("pid", batchInstanceId), Integer.class);
    return count == null ? 0 : count;
  }

  /** The guests of the batches started as these process instances, each with its batch id. */
  public List<SubmittedGuest> guestsOfInstances(Collection<String> processInstanceIds) {
    List<String> ids = List.copyOf(processInstanceIds);
    List<SubmittedGuest> guests = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      guests.addAll(jdbc.query(GUEST_OF_INSTANCE + "IN (:ids)", Map.of("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK))),
          (row, n) -> submitted(row)));
    }
    return guests;
  }

  @Override
  public SubmittedGuest find(String batchInstanceId, int index) {
    return jdbc.query(GUEST_OF_INSTANCE + "= :pid AND g.INDEX_ = :index", Map.of("pid", batchInstanceId, "index", index),
            (row, n) -> submitted(row))
        .stream().findFirst()
        .orElseThrow(() -> new NotInLedgerException("process instance " + batchInstanceId
            + " has no guest #" + index + " in the batch ledger: it was not started by the batch API"));
  }

  private static LedgerBatch batch(ResultSet row, int n) throws SQLException {
    return new LedgerBatch(row.getString("ID_"), row.getString("PROC_INST_ID_"), row.getString("NAME_"),
        row.getString("SUBMITTED_BY_"), row.getTimestamp("SUBMITTED_AT_").toInstant(), row.getString("ACCEPTED_ON_"),
        row.getString("RETRY_OF_"));
  }

  private static SubmittedGuest submitted(ResultSet row) throws SQLException {
    Guest guest = new Guest(row.getInt("LINE_"), row.getString("HOSTNAME_"), row.getString("IP_"), row.getString("MAC_"),
        row.getString("NETMASK_"), row.getString("GATEWAY_"), row.getInt("MEMORY_"), row.getInt("VCPUS_"),
        row.getString("DOM0_"));
    return new SubmittedGuest(row.getString("BATCH_ID_"), row.getInt("INDEX_"), guest, row.getString("BASE_IMAGE_FINGERPRINT_"),
        row.getBoolean("MAC_ASSIGNED_"));
  }
}
