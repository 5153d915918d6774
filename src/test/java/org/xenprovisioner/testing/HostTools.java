package org.xenprovisioner.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What tests that need something of this machine share: finding a command where Debian installs
 * it, and the one rule for what is missing: the test is skipped with the reason, or failed where an
 * environment variable ({@link RealHost#REQUIRED}, {@code PROVISIONER_REQUIRE_BROWSER_TESTS}, as
 * {@code .ci/run} sets them) makes those tests mandatory, so CI can never pass by skipping them.
 */
public final class HostTools {

  private HostTools() {
  }

  /** The executable's path in the usual system directories, or null. */
  public static Path find(String command) {
    return Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").map(dir -> Path.of(dir, command))
        .filter(Files::isExecutable).findFirst().orElse(null);
  }

  /**
   * Returns where nothing is missing ({@code missing} null); otherwise fails the calling test when
   * {@code requiredVariable} is {@code true}, else skips it with the reason.
   *
   * @param tests what the tests are, for the failure ("tests on real images")
   * @param hint  appended to the skip reason, e.g. what to install; may be empty
   */
  public static void skipOrFail(String missing, String requiredVariable, String tests, String hint) {
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv(requiredVariable))) {
      fail(tests + " are mandatory here (" + requiredVariable + "=true) but " + missing);
    }
    String reason = "skipped: " + missing + hint;
    System.out.println(reason);
    Assumptions.abort(reason);
  }
}
