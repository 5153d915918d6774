package org.xenprovisioner.host.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/** The loop devices attached on this host, as {@code losetup --list --json} reports them. */
final class LoopDevices {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LoopDevices() {
  }

  /** One attached device; the backing file ends with " (deleted)" when its file was removed. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Device(@JsonProperty("name") String name, @JsonProperty("back-file") String backingFile) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Listing(@JsonProperty("loopdevices") List<Device> devices) {
  }

  static List<Device> list(CommandRunner runner, Duration timeout) {
    return parse(runner.run(Command.of(timeout, "losetup", "--list", "--json", "--output", "NAME,BACK-FILE")).stdout());
  }

  /** The devices backed by the file, matched by device and inode (so also after a rename). */
  static List<Device> backedBy(CommandRunner runner, Duration timeout, Path file) {
    return parse(runner.run(Command.of(timeout, "losetup", "--list", "--json", "--output", "NAME,BACK-FILE",
        "--associated", file.toString())).stdout());
  }

  static List<Device> parse(String json) {
    if (json.isBlank()) {
      return List.of(); // older util-linux prints nothing at all when no device is attached
    }
    try {
      Listing listing = JSON.readValue(json, Listing.class);
      return listing.devices() == null ? List.of() : listing.devices().stream()
          .filter(device -> device.name() != null && device.name().matches("/dev/loop[0-9]+") && device.backingFile() != null)
          .toList();
    } catch (JsonProcessingException e) {
      throw new HostOperationException("cannot read the output of losetup --list --json: " + e.getOriginalMessage(), e);
    }
  }
}
