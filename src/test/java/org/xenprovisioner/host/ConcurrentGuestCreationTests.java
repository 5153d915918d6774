package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.host.image.Ownership;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/**
 * Two batches creating the same guest at the same moment (possible when batches are started
 * through the engine REST API, past the claims of the batch API): exactly one wins, the other is
 * told the file exists, the winner's file carries the winner's mark and content, and the loser
 * leaves no temporary file behind. Real cp on a real (small, sparse) base image.
 */
class ConcurrentGuestCreationTests {

  private static final int ROUNDS = 6;
  private static Path root;
  private static Path base;
  private static LocalHostOperations host;

  @BeforeAll
  static void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    root = Files.createTempDirectory("xenprov-race-");
    Files.createDirectories(root.resolve("base"));
    base = TestImages.rhelBase(root.resolve("base"), 64, 16);
    host = LocalHostOperationsTests.host(TestSettings.in(root).baseImage(base).build());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(root);
  }

  @Test
  void twoBatchesCopyingTheSameImageAtOnceNeverShareOrOverwriteIt() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Path dir = Files.createDirectories(root.resolve("copy-" + round));
      Path image = dir.resolve("web01.img");
      GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
      String fingerprint = BaseImageFingerprint.of(base);
      List<String> winners = race(owner -> host.copyBaseImage(paths, fingerprint, owner));
      assertThat(winners).as("round %d: exactly one copy wins", round).hasSize(1);
      assertThat(Ownership.isOwnedBy(image, winners.get(0))).as("round %d: the image carries its creator's mark", round).isTrue();
      assertThat(Files.mismatch(base, image)).as("round %d: the image is a whole copy", round).isEqualTo(-1);
      assertThat(RealHost.fileNames(dir)).as("round %d", round).containsExactly("web01.img");
    }
  }

  @Test
  void twoBatchesWritingTheSameDomainConfigAtOnceNeverOverwriteIt() throws Exception {
    for (int round = 0; round < ROUNDS * 5; round++) {
      Path dir = Files.createDirectories(root.resolve("xen-" + round));
      Path config = dir.resolve("web01.cfg");
      GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
      List<String> winners = race(owner -> host.writeDomainConfig(paths, guest(owner), owner));
      assertThat(winners).as("round %d: exactly one write wins", round).hasSize(1);
      String winner = winners.get(0);
      assertThat(Ownership.isOwnedBy(config, winner)).as("round %d", round).isTrue();
      assertThat(config).content().as("round %d: the winner's content", round).contains(guest(winner).mac());
      assertThat(RealHost.fileNames(dir)).as("round %d", round).containsExactly("web01.cfg");
    }
  }

  private static Guest guest(String owner) {
    String mac = owner.startsWith("batch A") ? "00:16:3e:00:00:0a" : "00:16:3e:00:00:0b";
    return new Guest(2, "web01", "192.0.2.10", mac, "255.255.255.0", null, 512, 1);
  }

  interface Creation {
    void create(String owner);
  }

  /** Runs the creation as batch A and batch B released at the same instant; returns the owners that succeeded. */
  private static List<String> race(Creation creation) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String owner : List.of("batch A, guest web01", "batch B, guest web01")) {
        Callable<String> attempt = () -> {
          start.await();
          try {
            creation.create(owner);
            return owner;
          } catch (HostOperationException e) {
            assertThat(e.getMessage()).contains("already exists");
            return null;
          }
        };
        results.add(pool.submit(attempt));
      }
      List<String> winners = new ArrayList<>();
      for (Future<String> result : results) {
        String owner = result.get();
        if (owner != null) {
          winners.add(owner);
        }
      }
      return winners;
    } finally {
      pool.shutdownNow();
    }
  }
}
