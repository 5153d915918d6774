package org.xenprovisioner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.ChildApp;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;
import org.xenprovisioner.testing.TestImages;

/**
 * A Dom0's node dies, or stands still, while it holds a batch-wide job (the engine's lock on a job
 * of the batch or group process, no host work), and the other Dom0's guests still go on within a
 * minute: two child JVMs ({@code dom0-a}, {@code dom0-b}) on one real PostgreSQL. To make node B hold
 * such a job the way a busy node does, its two job threads are kept in image copies (the {@code cp}
 * processes stopped, as on a hung disk) and node A stands still for the moment B takes the new
 * batch's first job into its queue; then B is killed, or paused past its heartbeat, and A's guests
 * are timed. B's own guests wait for B, and the batch detail and the audit say so.
 */
class DeadNodeTests {

  private static final String HEARTBEAT = "PT2S";
  private static final Duration TARGET = Duration.ofSeconds(60);
  private static final String LOCK_OWNER_B = "xen-provisioner@dom0-b";

  private static EmbeddedPostgres postgres;
  private static JdbcTemplate database;
  private static Path work;
  private static Path rootA;
  private static Path rootB;
  private static ChildApp nodeA;
  private static ChildApp nodeB;

  @BeforeAll
  static void startPostgresAndBothNodes() throws Exception {
    RealHost.assumeLoopDevicesUsable();
    work = Files.createTempDirectory("xenprov-dead-node-");
    postgres = startPostgres(0);
    database = new JdbcTemplate(postgres.getPostgresDatabase());
    rootA = TestApp.createRoot("xenprov-dom0-a-");
    rootB = TestApp.createRoot("xenprov-dom0-b-");
    TestImages.rhelBase(rootA.resolve("base"));
    // data enough that a copy lasts long enough to be caught and stopped
    TestImages.rhelBase(rootB.resolve("base"), 512, 160);
    nodeA = new ChildApp("dead-node-a", work, node(rootA, "dom0-a"));
    nodeB = new ChildApp("dead-node-b", work, node(rootB, "dom0-b"));
    nodeA.start();
    nodeB.start();
  }

  /** On a port of its own (0: any free one); its data directory kept when it stops, so that it can start again. */
  private static EmbeddedPostgres startPostgres(int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
        .setCleanDataDirectory(false);
    return (port == 0 ? builder : builder.setPort(port)).start();
  }

  private static List<String> node(Path root, String dom0) {
    List<String> arguments = new ArrayList<>(ChildApp.clusterNode(root, postgres.getPort(), dom0, HEARTBEAT));
    arguments.add("--provisioner.copy-timeout=PT10M");
    return arguments;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    RealHost.everyOne(() -> ChildApp.destroyKeepingLogs(nodeA), () -> ChildApp.destroyKeepingLogs(nodeB), () -> {
      if (postgres != null) {
        postgres.close();
      }
    }, () -> RealHost.cleanUp(rootA), () -> RealHost.cleanUp(rootB), () -> RealHost.cleanUp(work));
  }

  @Test
  void theOtherDom0sGuestsGoOnWithinAMinuteOfAKillWhileTheDeadNodeHoldsABatchWideJob() throws Exception {
    for (int round = 1; round <= 3; round++) {
      Round held = holdABatchWideJobOnB(round);
      nodeB.kill();
      Instant killed = Instant.now();

      Duration took = awaitProvisionedOnA(held, killed);
      System.out.printf("round %d: node B killed holding %d batch-wide job(s); dom0-a's guests provisioned %d ms later%n",
          round, held.lockedByB(), took.toMillis());
      assertThat(took).as("round %d: dom0-a's guests after the kill", round).isLessThan(TARGET);
      saysWhyBsGuestsWait(held.onB());

      nodeB.start();
      assertThat(Files.readString(nodeB.log())).contains("job lock(s) this Dom0's node (dom0-b) held when it stopped");
      bothComplete(held);
    }
    assertThat(nodeB.orphansAlive()).as("copies the killed node left running").isEmpty();
  }

  @Test
  void aNodePausedPastItsHeartbeatComesBackWithoutHarm() throws Exception {
    Round held = holdABatchWideJobOnB(9);
    nodeB.pause();
    Instant paused = Instant.now();
    try {
      Duration took = awaitProvisionedOnA(held, paused);
      System.out.printf("paused node B holding %d batch-wide job(s); dom0-a's guests provisioned %d ms later%n",
          held.lockedByB(), took.toMillis());
      assertThat(took).isLessThan(TARGET);
      saysWhyBsGuestsWait(held.onB());
    } finally {
      nodeB.resume();
      nodeB.copies().forEach(copy -> RealHost.run("kill", "-CONT", Long.toString(copy.pid())));
    }
    // B goes on with its copies and finds the job it had queued taken: its commit on it fails and changes nothing
    bothComplete(held);
    assertThat(database.queryForObject("SELECT COUNT(*) FROM ACT_RU_INCIDENT", Integer.class))
        .as("incidents left for a person").isZero();
  }

  @Test
  void aDatabaseRestartMidBatchCostsNoGuestAndNeedsNobody() throws Exception {
    if (!nodeB.isAlive()) {
      nodeB.start();
    }
    ApiClient a = nodeA.api();
    StringBuilder csv = new StringBuilder("hostname,ip,mac,dom0\n");
    for (int i = 1; i <= 6; i++) {
      csv.append("dbr").append(i).append(",10.6.20.").append(i).append(",00:16:3e:06:20:0").append(i)
          .append(i % 2 == 0 ? ",dom0-a\n" : ",dom0-b\n");
    }
    String id = a.submit("database-restart", csv.toString());
    assertThat(a.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status())
        .isEqualTo(200);
    awaitOrFail("a copy on dom0-b", () -> nodeB.copies().findAny().isPresent());
    int port = postgres.getPort();
    postgres.close();
    // longer than a connection is waited for (Hikari: 30 s), so that runs failing now cannot even unlock their jobs
    Thread.sleep(40_000);
    postgres = startPostgres(port);
    database = new JdbcTemplate(postgres.getPostgresDatabase());

    JsonNode finished = a.waitUntilFinished(id, Duration.ofMinutes(4));
    assertThat(finished.get("state").asText()).as("%s", finished).isEqualTo("COMPLETED");
    assertThat(database.queryForObject("SELECT COUNT(*) FROM ACT_RU_INCIDENT", Integer.class))
        .as("incidents left for a person").isZero();
    for (Path root : List.of(rootA, rootB)) {
      assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
      assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
      assertThat(RealHost.partialCopies(root.resolve("images"))).as("half-copied images").isEmpty();
    }
  }

  /** The two batches of a round: B's (its copies held) and A's (whose first job B holds). */
  private record Round(String onB, String onA, List<String> guestsOfA, int lockedByB) {
  }

  /**
   * Starts a batch of four guests on B and stops the first two copies (B's two job threads are now busy for as
   * long as the test wants), then, with node A standing still, submits and approves a batch of two
   * guests on A through B, so that B's job executor takes its first job into its queue and locks it.
   */
  private static Round holdABatchWideJobOnB(int round) throws Exception {
    if (!nodeB.isAlive()) {
      // a test before this one failed while B was down
      nodeB.start();
    }
    ApiClient a = nodeA.api();
    ApiClient b = nodeB.api();
    String net = "10.6." + round + ".";
    String onB = a.submit("held-on-b-" + round, "hostname,ip,mac,dom0\n"
        + "bee" + round + "a," + net + "21,00:16:3e:06:0" + round + ":21,dom0-b\n"
        + "bee" + round + "b," + net + "22,00:16:3e:06:0" + round + ":22,dom0-b\n"
        + "bee" + round + "c," + net + "23,00:16:3e:06:0" + round + ":23,dom0-b\n"
        + "bee" + round + "d," + net + "24,00:16:3e:06:0" + round + ":24,dom0-b\n");
    assertThat(a.post("/api/batches/" + onB + "/approval", "arne", "application/json", "{\"approved\": true}").status())
        .isEqualTo(200);
    // each copy stopped as soon as it is seen (one may end first; the next guest's copy takes its thread)
    Set<ProcessHandle> stopped = new HashSet<>();
    awaitOrFail("both of dom0-b's job threads in a copy", () -> {
      nodeB.copies().filter(copy -> !stopped.contains(copy)).forEach(copy -> {
        try {
          RealHost.run("kill", "-STOP", Long.toString(copy.pid()));
          stopped.add(copy);
        } catch (AssertionError ended) {
          // the copy ended before it could be stopped
        }
      });
      stopped.removeIf(copy -> !copy.isAlive());
      return stopped.size() == 2;
    });

    List<String> guestsOfA = List.of("ay" + round + "a", "ay" + round + "b");
    String onA = b.submit("waits-for-b-" + round, "hostname,ip,mac,dom0\n"
        + guestsOfA.get(0) + "," + net + "11,00:16:3e:06:0" + round + ":11,dom0-a\n"
        + guestsOfA.get(1) + "," + net + "12,00:16:3e:06:0" + round + ":12,dom0-a\n");
    nodeA.pause();
    int locked;
    try {
      assertThat(b.post("/api/batches/" + onA + "/approval", "arne", "application/json", "{\"approved\": true}").status())
          .isEqualTo(200);
      Await.until("node B to lock a batch-wide job of batch " + onA, Duration.ofSeconds(30), Duration.ofMillis(20),
          () -> batchWideLocksOfB(onA) > 0, () -> jobs() + "\n" + logs());
      locked = batchWideLocksOfB(onA);
    } finally {
      nodeA.resume();
    }
    return new Round(onB, onA, guestsOfA, locked);
  }

  /** Jobs of the batch's own processes (no tenant: no host work) that node B has locked. */
  private static int batchWideLocksOfB(String batchId) {
    Optional<String> instance = database.queryForList("SELECT ID_ FROM ACT_RU_EXECUTION WHERE BUSINESS_KEY_ = ? "
        + "AND PARENT_ID_ IS NULL AND SUPER_EXEC_ IS NULL", String.class, batchId).stream().findFirst();
    // the batch's instance or one of its groups (called from an execution of the batch's instance)
    return instance.map(id -> database.queryForObject("SELECT COUNT(*) FROM ACT_RU_JOB WHERE LOCK_OWNER_ = ? "
        + "AND TENANT_ID_ IS NULL AND (PROCESS_INSTANCE_ID_ = ? OR PROCESS_INSTANCE_ID_ IN (SELECT G.PROC_INST_ID_ FROM "
        + "ACT_RU_EXECUTION G JOIN ACT_RU_EXECUTION S ON G.SUPER_EXEC_ = S.ID_ WHERE S.PROC_INST_ID_ = ?))",
        Integer.class, LOCK_OWNER_B, id, id)).orElse(0);
  }

  private static String jobs() {
    return database.queryForList("SELECT J.ID_, J.LOCK_OWNER_, J.TENANT_ID_, J.PROCESS_INSTANCE_ID_, "
        + "J.HANDLER_TYPE_, J.HANDLER_CFG_, J.RETRIES_, E.BUSINESS_KEY_ FROM ACT_RU_JOB J LEFT JOIN ACT_RU_EXECUTION E "
        + "ON E.ID_ = J.PROCESS_INSTANCE_ID_").toString().replace("}, {", "}\n{");
  }

  private static Duration awaitProvisionedOnA(Round round, Instant since) throws InterruptedException {
    ApiClient a = nodeA.api();
    Await.until("dom0-a's guests of batch " + round.onA() + " provisioned while node B is down", TARGET.plusSeconds(60),
        Duration.ofMillis(200), () -> round.guestsOfA().stream()
            .allMatch(guest -> "PROVISIONED".equals(guests(a, round.onA()).get(guest).get("state").asText())),
        DeadNodeTests::logs);
    return Duration.between(since, Instant.now());
  }

  /** While B is down, B's guests say they wait for it, in the batch detail and in audit.csv. */
  private static void saysWhyBsGuestsWait(String batchId) throws InterruptedException {
    ApiClient a = nodeA.api();
    awaitOrFail("dom0-b seen as down", () -> guests(a, batchId).values().stream().allMatch(guest -> guest.has("waitingFor")));
    for (JsonNode guest : guests(a, batchId).values()) {
      assertThat(guest.get("state").asText()).isIn("PENDING", "RUNNING");
      assertThat(guest.get("dom0").asText()).isEqualTo("dom0-b");
      assertThat(guest.get("waitingFor").get("dom0").asText()).isEqualTo("dom0-b");
      assertThat(guest.get("waitingFor").get("message").asText()).matches("waiting for Dom0 dom0-b, not seen since "
          + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    }
    assertThat(a.getText("/api/batches/" + batchId + "/audit.csv", "olga")).contains(",dom0-b,\"waiting for Dom0 dom0-b, not seen since 20");
  }

  private static void bothComplete(Round round) throws InterruptedException {
    ApiClient a = nodeA.api();
    for (String batch : List.of(round.onA(), round.onB())) {
      JsonNode finished = a.waitUntilFinished(batch, Duration.ofMinutes(4));
      assertThat(finished.get("state").asText()).as("%s", finished).isEqualTo("COMPLETED");
      for (JsonNode guest : finished.get("guestList")) {
        assertThat(guest.has("waitingFor")).as("a finished guest waits for nothing").isFalse();
      }
    }
    for (Path root : List.of(rootA, rootB)) {
      assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
      assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
      assertThat(RealHost.partialCopies(root.resolve("images"))).as("half-copied images").isEmpty();
    }
  }

  private static Map<String, JsonNode> guests(ApiClient api, String id) {
    return ApiClient.byHostname(api.get("/api/batches/" + id, "olga").body().get("guestList"));
  }

  private static void awaitOrFail(String what, Await.Condition condition) throws InterruptedException {
    Await.until(what, Duration.ofMinutes(2), Duration.ofMillis(50), condition, DeadNodeTests::logs);
  }

  private static String logs() {
    return ChildApp.tail(nodeA.log()) + "\n---\n" + ChildApp.tail(nodeB.log());
  }
}
