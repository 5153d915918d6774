package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.intake.GuestDefaults;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListError;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.intake.VmListRejectedException;
import org.xenprovisioner.testing.RealHost;

/** Which Dom0 each row goes to, and what refuses a list before anything is recorded. */
class GuestPlacementTests {

  private static final VmListParser PARSER = new VmListParser(new GuestDefaults("255.255.255.0", null, 512, 1), 100);
  private final Dom0s dom0s = mock(Dom0s.class);
  private final Map<String, Dom0s.Target> targets = new LinkedHashMap<>();
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("xenprov-placement-");
    when(dom0s.own()).thenReturn("dom0-a");
    when(dom0s.targets()).thenReturn(targets);
    targets.put("dom0-a", new Dom0s.Target("dom0-a", HostLayout.of(dir, dir, dir.resolve("mnt")), "fp-a", null, true));
    targets.put("dom0-b", new Dom0s.Target("dom0-b", HostLayout.of(Path.of("/b/images"), Path.of("/b/xen"), Path.of("/b/mnt")),
        "fp-b", null, false));
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  private List<GuestPlacement.Placed> place(String csv) {
    return new GuestPlacement(dom0s).place(PARSER.parse(csv));
  }

  @Test
  void aRowWithoutDom0GoesToThisNodesDom0AndANamedOneToItsOwnEvenWhenItsNodeIsDown() {
    List<GuestPlacement.Placed> placed = place("hostname,ip,mac,dom0\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01,\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02,dom0-b\n");

    assertThat(placed).extracting(p -> p.guest().dom0(), p -> p.paths().image().toString())
        .containsExactly(tuple("dom0-a", dir.resolve("web01.img").toString()), tuple("dom0-b", "/b/images/web02.img"));
  }

  @Test
  void anUnknownDom0IsRefusedWithLineAndColumn() {
    assertThatThrownBy(() -> place("hostname,ip,mac,dom0\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01,dom0-b\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02,dom0-x\n"))
        .isInstanceOfSatisfying(VmListRejectedException.class, e -> {
          assertThat(e.errors()).extracting(VmListError::line, VmListError::column).containsExactly(tuple(3, "dom0"));
          assertThat(e.errors().get(0).message()).contains("'dom0-x' is unknown", "dom0-a, dom0-b");
        });
  }

  @Test
  void aDom0WithoutAUsableBaseImageTakesNoGuests() {
    targets.put("dom0-b", new Dom0s.Target("dom0-b", targets.get("dom0-b").layout(), null, "provisioner.base-image is not set",
        false));
    assertThatThrownBy(() -> place("web01,192.0.2.10,00:16:3e:00:00:01,,,,,dom0-b\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02,,,,,dom0-b\n"))
        .isInstanceOfSatisfying(VmListRejectedException.class, e -> assertThat(e.errors())
            .extracting(VmListError::line, VmListError::column, VmListError::message)
            .containsExactly(tuple(1, "dom0", "Dom0 dom0-b cannot take guests: provisioner.base-image is not set")));

    targets.put("dom0-a", new Dom0s.Target("dom0-a", targets.get("dom0-a").layout(), null, "provisioner.base-image: LVM",
        true));
    assertThatThrownBy(() -> place("web01,192.0.2.10,00:16:3e:00:00:01\n"))
        .isInstanceOfSatisfying(VmListRejectedException.class, e -> assertThat(e.errors())
            .extracting(VmListError::line, VmListError::column, VmListError::message)
            .containsExactly(tuple(0, null, "provisioner.base-image: LVM")));
  }

  @Test
  void thisNodesDirectoriesMustBeWritableWhenGuestsGoThere() throws IOException {
    RealHost.cleanUp(dir);
    VmList list = PARSER.parse("web01,192.0.2.10,00:16:3e:00:00:01\n");
    assertThatThrownBy(() -> new GuestPlacement(dom0s).place(list))
        .isInstanceOfSatisfying(VmListRejectedException.class, e -> assertThat(e.errors())
            .extracting(VmListError::message).anySatisfy(message -> assertThat(message)
                .startsWith("provisioner.image-dir " + dir).endsWith("is not a writable directory")));
  }
}
