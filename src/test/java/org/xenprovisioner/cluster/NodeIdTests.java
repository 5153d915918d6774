package org.xenprovisioner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Telling a node's previous run on this machine from another node that holds the same Dom0 name. */
class NodeIdTests {

  private final NodeId now = NodeId.ofThisRun();

  @Test
  void isStoredAndReadBackWithinTheColumnsSize() {
    assertThat(now.toString()).hasSizeLessThanOrEqualTo(64);
    assertThat(NodeId.parse(now.toString())).isEqualTo(now);
  }

  @Test
  void succeedsARunOnThisMachineWhoseProcessIsGone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();

    assertThat(now.succeeds(new NodeId(now.machine(), gone.pid(), "abc"))).isTrue();
  }

  @Test
  void succeedsARunThatHadThisProcessesPid() {
    // in a container the application is often pid 1 again after a restart
    assertThat(now.succeeds(new NodeId(now.machine(), now.pid(), "abc"))).isTrue();
  }

  @Test
  void doesNotSucceedARunOnThisMachineThatIsStillAlive() throws IOException, InterruptedException {
    Process alive = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(now.succeeds(new NodeId(now.machine(), alive.pid(), "abc"))).isFalse();
    } finally {
      alive.destroy();
      alive.waitFor();
    }
  }

  @Test
  void doesNotSucceedARunOnAnotherMachineOrOfUnknownForm() {
    assertThat(now.succeeds(new NodeId(now.machine() + "x", 999_999_999L, "abc"))).isFalse();
    assertThat(now.succeeds(NodeId.parse("0b6e2f1c-5d3a-4c1e-9f00-1234567890ab"))).isFalse();
  }
}
