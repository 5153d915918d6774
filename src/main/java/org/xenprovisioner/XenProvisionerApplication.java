package org.xenprovisioner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class XenProvisionerApplication {

  public static void main(String[] args) {
    exitCleanlyOnTerm();
    SpringApplication.run(XenProvisionerApplication.class, args);
  }

  /**
   * SIGTERM is how systemd and {@code mvn spring-boot:run} stop the application. The JVM would shut
   * down as usual but exit with 143, which both report as a failure ("BUILD FAILURE ... exit code
   * 143"); stopped on request, the application exits 0. SIGKILL stays what it is: a crash, which
   * the next start recovers from. (sun.misc.Signal is the JDK's supported-but-unofficial signal API,
   * in jdk.unsupported; javac warns about it, and nothing else does the job.)
   */
  private static void exitCleanlyOnTerm() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
    } catch (IllegalArgumentException unsupported) {
      // no SIGTERM on this platform: the JVM's own handling stays
    }
  }
}
