package org.xenprovisioner.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven over WebDriver. Where chromium or chromium-driver is missing
 * the browser tests are skipped with the reason; with {@code PROVISIONER_REQUIRE_BROWSER_TESTS=true}
 * (set by {@code .ci/run}) they fail instead.
 */
public final class Browser {

  static final String REQUIRED = "PROVISIONER_REQUIRE_BROWSER_TESTS";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browser() {
  }

  public static void assumeUsable() {
    String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " is missing (apt-get install chromium)"
        : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing (apt-get install chromium-driver)" : null;
    HostTools.skipOrFail(missing, REQUIRED, "browser tests", "");
  }

  /** A fresh headless chromium with its own profile directory; the network outside localhost is closed here. */
  public static ChromeDriver start(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return driver;
  }

  /** Sizes the window so the page itself gets width x height pixels, as on a screen of that size. */
  public static void resizeViewport(ChromeDriver driver, int width, int height) {
    @SuppressWarnings("unchecked")
    List<Number> frame = (List<Number>) driver.executeScript(
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]");
    driver.manage().window().setSize(new Dimension(width + frame.get(0).intValue(), height + frame.get(1).intValue()));
  }

  /** Logs in on Tasklist's sign-in form; the audit page and the API then accept the same session. */
  public static void logInToTasklist(ChromeDriver browser, WebDriverWait wait, int port, String engineName, String user,
                              String password) {
    browser.get("http://localhost:" + port + "/camunda/app/tasklist/" + engineName + "/");
    signIn(browser, wait, user, password);
  }

  /** Fills in and sends the webapps' sign-in form on the page the browser shows. */
  public static void signIn(ChromeDriver browser, WebDriverWait wait, String user, String password) {
    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("form[name='signinForm'] input[type='text']")));
    name.sendKeys(user);
    browser.findElement(By.cssSelector("form[name='signinForm'] input[type='password']")).sendKeys(password);
    browser.findElement(By.cssSelector("form[name='signinForm'] button[type='submit']")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("form[name='signinForm']")));
  }

  /** The whole page, not only the window: chromium's DevTools render beyond the viewport without resizing it. */
  public static Path fullPageScreenshot(ChromeDriver driver, String name) {
    @SuppressWarnings("unchecked")
    List<Number> size = (List<Number>) driver.executeScript(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
        "captureBeyondViewport", true,
        "clip", Map.of("x", 0, "y", 0, "width", size.get(0), "height", size.get(1), "scale", 1)));
    try {
      Files.createDirectories(SCREENSHOTS);
      return Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path screenshot(ChromeDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
