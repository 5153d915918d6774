package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.image.BaseImageInspector;
import org.xenprovisioner.intake.VmListRejectedException;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/** Submission against a real base image that holds LVM: refused before anything starts. */
class BatchServiceTests {

  private Path dir;
  private final RuntimeService runtime = mock(RuntimeService.class);
  private final GuestClaims claims = mock(GuestClaims.class);
  private final BatchLedger ledger = mock(BatchLedger.class);

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-submit-");
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  private BatchService service(Path baseImage) {
    ProvisionerProperties properties = TestSettings.in(dir).baseImage(baseImage).family("auto").build();
    return new BatchService(runtime, mock(TaskService.class), mock(IdentityService.class), claims, ledger,
        HostLayout.of(properties), properties, new BaseImageInspector(new CommandRunner(), properties));
  }

  @Test
  void refusesABaseImageHoldingLvmAtSubmissionAndStartsNothing() throws IOException {
    Path base = TestImages.lvmDisk(dir, true);
    byte[] csv = "web01,192.0.2.10,00:16:3e:00:00:01\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> service(base).submit(csv, "lvm", "olga", java.util.List.of("operators")))
        .isInstanceOfSatisfying(VmListRejectedException.class, e -> assertThat(e.errors().get(0).message())
            .startsWith("provisioner.base-image: image " + base)
            .contains("LVM2_member on partition 2", "LVM inside the image is not supported, because"));

    verifyNoInteractions(runtime, claims, ledger);
    try (var files = Files.list(dir)) {
      assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.contains(".img")))
          .as("no guest image").containsExactly("lvm-partition.img");
    }
  }
}
