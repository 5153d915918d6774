package org.xenprovisioner.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/** A ledger made by the single-Dom0 release (V1) is carried over to the cluster's, its rows kept. */
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

  private Flyway flyway(String target) {
    FluentConfiguration configuration = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration")
        .table("xp_schema_history").placeholders(Map.of("dom0", "xen-old"));
    if (target != null) {
      configuration.target(target);
    }
    return configuration.load();
  }
}
