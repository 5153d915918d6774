package org.xenprovisioner.host.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MACs the domain configs in a directory already give their guests: every {@code mac=} of a
 * {@code vif} entry in each {@code *.cfg} (xl.cfg syntax, a list possibly over several lines;
 * comments after {@code #} skipped). Guests made by hand or by another tool count as much as ours.
 */
public final class DomainConfigMacs {

  private static final Logger LOG = LoggerFactory.getLogger(DomainConfigMacs.class);
  private static final Pattern VIF = Pattern.compile("(?m)^\\s*vif\\s*=\\s*\\[(.*?)\\]", Pattern.DOTALL);
  private static final Pattern MAC = Pattern.compile("mac\\s*=\\s*([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5})");
  /** Domain configs are small; anything larger is no xl.cfg and is not read. */
  private static final long MAX_BYTES = 1024 * 1024;

  private DomainConfigMacs() {
  }

  /**
   * MACs in normal form (lower case, colons), each with the first domain config (by file name) that
   * gives it; an unreadable file is skipped with a warning.
   */
  public static Map<String, Path> in(Path xenConfigDir) {
    Map<String, Path> macs = new HashMap<>();
    if (!Files.isDirectory(xenConfigDir)) {
      return macs;
    }
    try (Stream<Path> files = Files.list(xenConfigDir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".cfg"))
          .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
        try {
          if (Files.size(file) <= MAX_BYTES) {
            inConfig(Files.readString(file, StandardCharsets.UTF_8)).forEach(mac -> macs.putIfAbsent(mac, file));
          }
        } catch (IOException e) {
          LOG.warn("Not reading the MACs of {}: {}", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warn("Not reading the MACs of the domain configs in {}: {}", xenConfigDir, e.getMessage());
    }
    return macs;
  }

  /** The MACs of one domain config's vif entries. */
  static Set<String> inConfig(String config) {
    String code = config.replaceAll("(?m)#.*$", "");
    Set<String> macs = new HashSet<>();
    Matcher vif = VIF.matcher(code);
    while (vif.find()) {
      Matcher mac = MAC.matcher(vif.group(1));
      while (mac.find()) {
        macs.add(mac.group(1).replace('-', ':').toLowerCase(Locale.ROOT));
      }
    }
    return macs;
  }
}
