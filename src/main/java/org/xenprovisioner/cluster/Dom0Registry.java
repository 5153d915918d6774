package org.xenprovisioner.cluster;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * The Dom0s of the cluster ({@code XP_DOM0}): each node registers its own at start and keeps it
 * fresh; every node reads all of them (to route guests, to show their paths, for {@code /api/dom0s}).
 * Times are the database's, so the nodes' clocks never matter.
 */
@Repository
class Dom0Registry {

  private static final String COLUMNS = "NAME_, IMAGE_DIR_, XEN_CONFIG_DIR_, MOUNT_DIR_, BASE_IMAGE_, BASE_IMAGE_FINGERPRINT_, "
      + "BASE_IMAGE_PROBLEM_, VERSION_, STARTED_AT_, LAST_SEEN_";

  private final NamedParameterJdbcTemplate jdbc;
  private final Duration aliveFor;

  Dom0Registry(NamedParameterJdbcTemplate jdbc, ProvisionerProperties properties) {
    this.jdbc = jdbc;
    this.aliveFor = properties.heartbeatInterval().multipliedBy(3);
  }

  /** What a node says of its Dom0. */
  record Registration(String name, NodeId nodeId, Path imageDir, Path xenConfigDir, Path mountDir, Path baseImage,
                      String baseImageFingerprint, String baseImageProblem, String version) {
  }

  /** The run that holds the Dom0's registration, if it is registered. */
  Optional<NodeId> holderOf(String name) {
    return jdbc.queryForList("SELECT NODE_ID_ FROM XP_DOM0 WHERE NAME_ = :name", Map.of("name", name), String.class)
        .stream().findFirst().map(NodeId::parse);
  }

  /**
   * Registers the node's Dom0, taking the name over from a node that held it before (a restart).
   *
   * @return the Dom0 as registered before, if it was
   */
  Optional<Dom0> register(Registration node) {
    Optional<Dom0> before = find(node.name());
    MapSqlParameterSource values = values(node);
    int updated = jdbc.update("UPDATE XP_DOM0 SET NODE_ID_ = :node, IMAGE_DIR_ = :imageDir, XEN_CONFIG_DIR_ = :xenConfigDir, "
        + "MOUNT_DIR_ = :mountDir, BASE_IMAGE_ = :baseImage, BASE_IMAGE_FINGERPRINT_ = :fingerprint, "
        + "BASE_IMAGE_PROBLEM_ = :problem, VERSION_ = :version, STARTED_AT_ = CURRENT_TIMESTAMP, "
        + "LAST_SEEN_ = CURRENT_TIMESTAMP WHERE NAME_ = :name", values);
    if (updated == 0) {
      jdbc.update("INSERT INTO XP_DOM0 (NAME_, NODE_ID_, IMAGE_DIR_, XEN_CONFIG_DIR_, MOUNT_DIR_, BASE_IMAGE_, "
          + "BASE_IMAGE_FINGERPRINT_, BASE_IMAGE_PROBLEM_, VERSION_, STARTED_AT_, LAST_SEEN_) VALUES (:name, :node, "
          + ":imageDir, :xenConfigDir, :mountDir, :baseImage, :fingerprint, :problem, :version, CURRENT_TIMESTAMP, "
          + "CURRENT_TIMESTAMP)", values);
    }
    return before;
  }

  /**
   * Marks the node as seen now, with what it knows of its base image now.
   *
   * @return false when another node has taken the Dom0's name over since
   */
  boolean heartbeat(Registration node) {
    return jdbc.update("UPDATE XP_DOM0 SET LAST_SEEN_ = CURRENT_TIMESTAMP, BASE_IMAGE_FINGERPRINT_ = :fingerprint, "
        + "BASE_IMAGE_PROBLEM_ = :problem WHERE NAME_ = :name AND NODE_ID_ = :node", values(node)) == 1;
  }

  public Optional<Dom0> find(String name) {
    return jdbc.query("SELECT " + COLUMNS + ", CURRENT_TIMESTAMP AS NOW_ FROM XP_DOM0 WHERE NAME_ = :name",
        Map.of("name", name), this::dom0).stream().findFirst();
  }

  public List<Dom0> list() {
    return jdbc.query("SELECT " + COLUMNS + ", CURRENT_TIMESTAMP AS NOW_ FROM XP_DOM0 ORDER BY NAME_", Map.of(), this::dom0);
  }

  private Dom0 dom0(ResultSet row, int n) throws SQLException {
    Instant lastSeen = row.getTimestamp("LAST_SEEN_").toInstant();
    Instant now = row.getTimestamp("NOW_").toInstant();
    String baseImage = row.getString("BASE_IMAGE_");
    return new Dom0(row.getString("NAME_"), Path.of(row.getString("IMAGE_DIR_")), Path.of(row.getString("XEN_CONFIG_DIR_")),
        Path.of(row.getString("MOUNT_DIR_")), baseImage == null ? null : Path.of(baseImage),
        row.getString("BASE_IMAGE_FINGERPRINT_"), row.getString("BASE_IMAGE_PROBLEM_"), row.getString("VERSION_"),
        row.getTimestamp("STARTED_AT_").toInstant(), lastSeen, !lastSeen.plus(aliveFor).isBefore(now));
  }

  private static MapSqlParameterSource values(Registration node) {
    return new MapSqlParameterSource().addValue("name", node.name()).addValue("node", node.nodeId().toString())
        .addValue("imageDir", node.imageDir().toString()).addValue("xenConfigDir", node.xenConfigDir().toString())
        .addValue("mountDir", node.mountDir().toString())
        .addValue("baseImage", node.baseImage() == null ? null : node.baseImage().toString())
        .addValue("fingerprint", node.baseImageFingerprint()).addValue("problem", node.baseImageProblem())
        .addValue("version", node.version());
  }
}
