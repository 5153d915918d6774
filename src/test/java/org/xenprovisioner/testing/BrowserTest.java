package org.xenprovisioner.testing;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real-application test driven from Debian's headless chromium (see {@link Browser}), on real
 * loop devices. Each session gets a fresh browser; a failing one leaves a screenshot and the page
 * source in {@code target/screenshots/<name>-failure.*}.
 */
public abstract class BrowserTest extends RealAppTest {

  /** What a test does in the browser; the wait allows a minute, for pages of the webapps that load slowly. */
  @FunctionalInterface
  protected interface Session {
    void run(ChromeDriver browser, WebDriverWait wait) throws Exception;
  }

  @BeforeAll
  static void requireBrowserAndLoopDevices() {
    Browser.assumeUsable();
    RealHost.assumeLoopDevicesUsable();
  }

  protected void inBrowser(String name, Session session) throws Exception {
    ChromeDriver browser = Browser.start(Files.createDirectories(root.resolve("chromium-" + name)));
    try {
      session.run(browser, new WebDriverWait(browser, Duration.ofSeconds(60)));
    } catch (Exception | AssertionError e) {
      Browser.screenshot(browser, name + "-failure");
      Files.writeString(Browser.SCREENSHOTS.resolve(name + "-failure.html"), browser.getPageSource());
      throw e;
    } finally {
      browser.quit();
    }
  }

  /** Logs in on Tasklist's sign-in form as one of the test users; the audit page and the API accept the same session. */
  protected void logIn(ChromeDriver browser, WebDriverWait wait, String user) {
    Browser.logInToTasklist(browser, wait, port, engine.getName(), user, user + "-secret");
  }

  /** Signs in as one of the test users on the webapps' sign-in form the browser shows now. */
  protected void signIn(ChromeDriver browser, WebDriverWait wait, String user) {
    Browser.signIn(browser, wait, user, user + "-secret");
  }
}
