package org.xenprovisioner.host.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/** What is mounted where in this mount namespace, as {@code findmnt --list --json} reports it. */
public record MountTable(List<Entry> entries) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One mount: its source (a device such as /dev/loop3, or a name such as tmpfs) and where it is mounted. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Entry(@JsonProperty("source") String source, @JsonProperty("target") Path mountPoint) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Listing(@JsonProperty("filesystems") List<Entry> filesystems) {
  }

  public MountTable {
    entries = List.copyOf(entries);
  }

  public static MountTable read(CommandRunner runner, Duration timeout) {
    return parse(runner.run(Command.of(timeout, "findmnt", "--list", "--json", "--output", "TARGET,SOURCE")).stdout());
  }

  static MountTable parse(String json) {
    if (json.isBlank()) {
      return new MountTable(List.of());
    }
    try {
      Listing listing = JSON.readValue(json, Listing.class);
      return new MountTable(listing.filesystems() == null ? List.of() : listing.filesystems().stream()
          .filter(entry -> entry.mountPoint() != null && entry.source() != null).toList());
    } catch (JsonProcessingException e) {
      throw new HostOperationException("cannot read the output of findmnt --json: " + e.getOriginalMessage(), e);
    }
  }

  public boolean isMountPoint(Path path) {
    Path wanted = real(path);
    return entries.stream().anyMatch(entry -> entry.mountPoint().equals(wanted));
  }

  /** The source mounted at the path, the topmost if several are stacked; null when nothing is mounted there. */
  public String sourceOf(Path path) {
    Path wanted = real(path);
    String source = null;
    for (Entry entry : entries) {
      if (entry.mountPoint().equals(wanted)) {
        source = entry.source();
      }
    }
    return source;
  }

  public List<Path> mountPointsOf(String source) {
    return entries.stream().filter(entry -> entry.source().equals(source)).map(Entry::mountPoint).toList();
  }

  static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
