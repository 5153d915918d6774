package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;

/**
 * The real application on the base images operators really have: each is put in place of the
 * application's base image file in turn (submission and every copy read it from the configuration).
 */
class BaseImageLayoutsIntegrationTests extends RealAppTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
    registry.add("provisioner.max-parallel", () -> "3");
  }

  @Test
  void refusesAQcow2BaseAtSubmissionSayingHowToConvertIt() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    RealHost.assumeTools("qemu-img (package qemu-utils)");
    Path base = root.resolve("base/base.img");
    Path qcow2 = root.resolve("base/cloud.qcow2");
    RealHost.run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", base.toString(), qcow2.toString());
    Path raw = Files.move(base, root.resolve("base/raw.img"));
    // the cloud image under the configured name, as an operator who downloaded noble-server-cloudimg-amd64.img has it
    Files.move(qcow2, base);
    try {
      ApiClient.Reply reply = api().post("/api/batches", "olga", "text/csv", "web01,10.0.0.11,00:16:3e:00:00:11\n");

      assertThat(reply.status()).as("%s", reply.body()).isEqualTo(400);
      JsonNode error = reply.body().get("errors").get(0);
      assertThat(error.get("message").asText()).startsWith("provisioner.base-image: image " + base + " is a qcow2 image")
          .contains("qemu-img convert -f qcow2 -O raw " + base + " " + root.resolve("base/base.raw"));
      assertThat(api().get("/api/batches", "olga").body()).as("nothing started").isEmpty();
    } finally {
      Files.move(raw, base, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
