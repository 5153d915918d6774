package org.xenprovisioner.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A ledger made by the single-Dom0 release (V1) is carried over to the cluster's, its rows kept; one of
 * the release before the ledger kept outcomes (V5) gets the outcome columns, empty for its batches, on
 * H2 and on PostgreSQL.
 */
class LedgerMigrationsTests {

  private final String url = "jdbc:h2:mem:ledger-migration-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

  @Test
  void aSingleDom0LedgerGetsItsDom0AndTheBatchFingerprintOnEveryGuest() throws Exception {
    flyway("1").migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.execute("INSERT INTO XP_BATCH (ID_, PROC_INST_ID_, NAME_, SUBMITTED_BY_, SUBMITTED_AT_, BASE_IMAGE_FINGERPRINT_)"
          + " VALUES ('b1', 'p1', 'old', 'olga', CURRENT_TIMESTAMP, 'dev:1 ino:2')");
      s.execute("INSERT INTO XP_GUEST (BATCH_ID_, INDEX_, LINE_, HOSTNAME_, IP_, MAC_, NETMASK_, MEMORY_, VCPUS_)"
          + " VALUES ('b1', 0, 2, 'web01', '10.0.0.1', '00:16:3e:00:00:01', '255.255.255.0', 512, 1)");
    }

    flyway(null).migrate();

    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      ResultSet guest = s.executeQuery("SELECT DOM0_, BASE_IMAGE_FINGERPRINT_, MAC_ASSIGNED_ FROM XP_GUEST WHERE BATCH_ID_ = 'b1'");
      assertThat(guest.next()).isTrue();
      assertThat(guest.getString(1)).isEqualTo("xen-old");
      assertThat(guest.getString(2)).isEqualTo("dev:1 ino:2");
      assertThat(guest.getBoolean(3)).isFalse();
      ResultSet batch = s.executeQuery("SELECT ACCEPTED_ON_, RETRY_OF_ FROM XP_BATCH WHERE ID_ = 'b1'");
      assertThat(batch.next()).isTrue();
      assertThat(batch.getString(1)).isEqualTo("xen-old");
      assertThat(batch.getString(2)).isNull();
    }
  }

  @Test
  void aLedgerOfV5GetsEmptyOutcomesOnH2() throws Exception {
    Flyway earlier = flyway("5");
    earlier.migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      assertOutcomesAppliedToAnOlderBatch(c, flyway(null));
    }
  }

  @Test
  void aLedgerOfV5GetsEmptyOutcomesOnPostgreSql() throws Exception {
    Path data = Files.createTempDirectory("xenprov-ledger-pg-");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true).start()) {
      DataSource database = postgres.getPostgresDatabase();
      configure(database, "5").load().migrate();
      try (Connection c = database.getConnection()) {
        assertOutcomesAppliedToAnOlderBatch(c, configure(database, null).load());
      }
    } finally {
      org.springframework.util.FileSystemUtils.deleteRecursively(data);
    }
  }

  private static void assertOutcomesAppliedToAnOlderBatch(Connection c, Flyway latest) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO XP_BATCH (ID_, PROC_INST_ID_, NAME_, SUBMITTED_BY_, SUBMITTED_AT_, ACCEPTED_ON_)"
          + " VALUES ('b5', 'p5', 'before', 'olga', CURRENT_TIMESTAMP, 'xen-old')");
      s.execute("INSERT INTO XP_GUEST (BATCH_ID_, INDEX_, LINE_, HOSTNAME_, IP_, MAC_, NETMASK_, MEMORY_, VCPUS_, DOM0_,"
          + " BASE_IMAGE_FINGERPRINT_) VALUES ('b5', 0, 2, 'web05', '10.0.0.5', '00:16:3e:00:00:05', '255.255.255.0', 512, 1,"
          + " 'xen-old', 'dev:1 ino:2')");
      latest.migrate();
      ResultSet batch = s.executeQuery("SELECT APPROVED_, DECIDED_BY_, DECIDED_AT_, COMMENT_, FINISHED_AT_ FROM XP_BATCH WHERE ID_ = 'b5'");
      assertThat(batch.next()).isTrue();
      for (int column = 1; column <= 5; column++) {
        assertThat(batch.getObject(column)).as("decision column %d", column).isNull();
      }
      ResultSet guest = s.executeQuery("SELECT STATE_, ERROR_, ENDED_AT_, HOSTNAME_ FROM XP_GUEST WHERE BATCH_ID_ = 'b5'");
      assertThat(guest.next()).isTrue();
      assertThat(guest.getString(1)).isNull();
      assertThat(guest.getString(2)).isNull();
      assertThat(guest.getObject(3)).isNull();
      assertThat(guest.getString(4)).isEqualTo("web05");
      // what the listeners write fits: an outcome with a long error, a decision with a comment
      s.execute("UPDATE XP_GUEST SET STATE_ = 'ROLLED_BACK', ERROR_ = '" + "e".repeat(100_000) + "', ENDED_AT_ = CURRENT_TIMESTAMP");
      s.execute("UPDATE XP_BATCH SET APPROVED_ = TRUE, DECIDED_BY_ = 'arne', DECIDED_AT_ = CURRENT_TIMESTAMP, COMMENT_ = '"
          + "c".repeat(2000) + "'");
    }
  }

  private static FluentConfiguration configure(DataSource database, String target) {
    FluentConfiguration configuration = Flyway.configure().dataSource(database).locations("classpath:db/migration")
        .table("xp_schema_history").placeholders(Map.of("dom0", "xen-old"));
    if (target != null) {
      configuration.target(target);
    }
    return configuration;
  }

  private Flyway flyway(String target) {
    FluentConfiguration configuration = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration")
        .table("xp_schema_history").placeholders(Map.of("dom0", "xen-old"));
    if (target != null) {
      configuration.target(target);
    }
    return configuration.load();
  }
}
