package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Browser;
import org.xenprovisioner.testing.BrowserTest;
import org.xenprovisioner.testing.RealHost;

/**
 * The audit page's timeline in a real headless chromium at 1366x768, drawn from batches run on
 * real images: one where a guest fails after its image was copied and is rolled back, and one of
 * forty guests. Screenshots land in target/screenshots.
 */
class AuditTimelineBrowserTests extends BrowserTest {

  private static final List<String> STEPS = List.of("Task_ReadGuestInfo", "Task_CopyBaseImage", "Task_MountImage",
      "Task_WriteGuestConfig", "Task_UnmountImage", "Task_WriteDomainConfig");
  private static final String SECONDS = "\\d+(\\.\\d+)? s";



  @Test
  void drawsARowPerGuestABarPerStepAndTheUndoOfTheGuestThatFailed() throws Exception {
    ApiClient api = api();
    String id = api.submit("web-tier", """
        hostname,ip,mac
        web01,192.168.71.11,00:16:3e:71:00:11
        web02,192.168.71.12,
        web03,192.168.71.13,00:16:3e:71:00:13
        """);
    // A file where web02's mount point goes: "Attach and mount image" cannot create it, after
    // "Copy base image" made the image, so the rollback runs that step's undo, "Delete image".
    Path blocker = Files.writeString(root.resolve("mnt/web02"), "not a directory\n");
    JsonNode batch;
    try {
      batch = api.approveAndWait(id, "go");
    } finally {
      Files.delete(blocker);
    }
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED_WITH_FAILURES");
    JsonNode failed = ApiClient.byHostname(batch.get("guestList")).get("web02");
    assertThat(failed.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(failed.get("error").asText()).contains("web02", "Attach and mount image", "mount point");
    assertThat(failed.get("undone").findValuesAsText("id")).containsExactly("Task_DeleteImage");

    inBrowser("audit-timeline", (browser, wait) -> {
      Browser.resizeViewport(browser, 1366, 768);
      logIn(browser, wait, "arne");
      WebElement chart = openTimeline(browser, wait, id);

      assertThat(chart.getDomAttribute("role")).isEqualTo("img");
      assertThat(chart.getDomAttribute("aria-label")).contains("3 guests", "2 provisioned", "1 rolled back (web02)");
      assertThat(hostnames(chart)).containsExactly("web01", "web02", "web03");
      for (JsonNode guest : batch.get("guestList")) {
        WebElement row = row(chart, guest.get("hostname").asText());
        assertThat(steps(row, "rect.bar.step")).as("step bars of %s", guest.get("hostname"))
            .isEqualTo(guest.get("steps").findValuesAsText("id"));
      }
      for (String provisioned : List.of("web01", "web03")) {
        WebElement row = row(chart, provisioned);
        assertThat(steps(row, "rect.bar.step")).isEqualTo(STEPS);
        assertThat(row.findElements(By.cssSelector("rect.bar.undo, .failure-marker"))).isEmpty();
        assertThat(row.getDomAttribute("class")).doesNotContain("failed");
      }

      WebElement failedRow = row(chart, "web02");
      assertThat(failedRow.getDomAttribute("class")).contains("failed");
      assertThat(steps(failedRow, "rect.bar.step")).isEqualTo(STEPS.subList(0, 3));
      assertThat(steps(failedRow, "rect.bar.step.failed")).containsExactly("Task_MountImage");
      assertThat(steps(failedRow, "rect.bar.undo")).containsExactly("Task_DeleteImage");
      assertThat(failedRow.findElements(By.cssSelector(".failure-marker"))).hasSize(1);
      assertThat(title(failedRow.findElement(By.cssSelector(".failure-marker")))).contains("failed at Attach and mount image");
      assertThat(title(failedRow.findElement(By.cssSelector("rect.bar.undo")))).startsWith("undo: Delete image");
      assertThat(failedRow.findElement(By.cssSelector(".undo-note")).getText()).isEqualTo("undo: Delete image");
      WebElement failedStep = failedRow.findElement(By.cssSelector("rect.bar.failed"));
      WebElement undo = failedRow.findElement(By.cssSelector("rect.bar.undo"));
      assertThat(x(undo)).as("the undo runs after the step that failed").isGreaterThanOrEqualTo(x(failedStep));

      List<String> ticks = tickLabels(chart);
      assertThat(ticks).hasSizeGreaterThanOrEqualTo(3).allMatch(label -> label.matches(SECONDS)).startsWith("0 s");
      assertThat(title(row(chart, "web01").findElement(By.cssSelector("rect.bar.step")))).startsWith("Read guest info")
          .containsPattern("started at \\+" + SECONDS);
      String legend = browser.findElement(By.cssSelector("#timeline .timeline-legend")).getText();
      assertThat(legend).contains("Read guest info", "Copy base image", "Attach and mount image", "Write guest config",
          "Unmount and detach image", "Write Xen domain config", "undo (compensation)", "failed step");
      assertThat(browser.findElement(By.cssSelector("#timeline figcaption")).getText()).contains("seconds since the approval");
      assertThat(pageScrollsSideways(browser)).as("the timeline fits a 1366 px screen").isFalse();

      Browser.screenshot(browser, "audit-timeline");
      Browser.fullPageScreenshot(browser, "audit-timeline-full");

      // web02 left its MAC empty: the product assigned one, and the guest table says so
      WebElement web02 = browser.findElement(By.cssSelector("#guest-table tr[data-hostname='web02']"));
      assertThat(web02.getText()).contains(failed.get("mac").asText(), "(assigned)").containsPattern("00:16:3e:[0-7][0-9a-f]:");
      assertThat(browser.findElement(By.cssSelector("#guest-table tr[data-hostname='web01']")).getText()).doesNotContain("(assigned)");

      // the retry of what failed: a new batch of web02 alone, linked both ways
      ApiClient.Reply retried = api.post("/api/batches/" + id + "/retry", "olga", "application/json", "");
      assertThat(retried.status()).as("%s", retried.body()).isEqualTo(201);
      String retry = retried.body().get("id").asText();
      browser.navigate().refresh();
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Retries']")).getText()).isEqualTo(retry);
      Browser.screenshot(browser, "audit-batch-with-retry");
      browser.findElement(By.cssSelector("dd[data-fact='Retries'] a")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("batch-title"), retry));
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Retry of']")).getText()).isEqualTo(id);
      assertThat(browser.findElements(By.cssSelector("#guest-table tbody tr")).stream().map(row -> row.getDomAttribute("data-hostname")))
          .containsExactly("web02");
      Browser.screenshot(browser, "audit-retry-batch");
    });
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  @Test
  void keepsFortyGuestsReadableOneFixedRowEachWithinThePageWidth() throws Exception {
    int guests = 40;
    StringBuilder csv = new StringBuilder("hostname,ip,mac\n");
    for (int i = 1; i <= guests; i++) {
      csv.append(String.format("app%02d,192.168.72.%d,00:16:3e:72:00:%02x%n", i, 10 + i, i));
    }
    ApiClient api = api();
    String id = api.submit("app-tier", csv.toString());
    JsonNode batch = api.approveAndWait(id, "go");
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");

    inBrowser("audit-timeline-40-guests", (browser, wait) -> {
      Browser.resizeViewport(browser, 1366, 768);
      logIn(browser, wait, "arne");
      WebElement chart = openTimeline(browser, wait, id);

      assertThat(hostnames(chart)).hasSize(guests).startsWith("app01", "app02").endsWith("app40");
      List<Double> tops = chart.findElements(By.cssSelector("rect.row-band")).stream()
          .map(band -> Double.parseDouble(band.getDomAttribute("y"))).toList();
      for (int i = 1; i < tops.size(); i++) {
        assertThat(tops.get(i) - tops.get(i - 1)).as("row height").isEqualTo(tops.get(1) - tops.get(0));
      }
      assertThat(Double.parseDouble(chart.getDomAttribute("height"))).isGreaterThan(guests * (tops.get(1) - tops.get(0)));
      assertThat(chart.findElements(By.cssSelector("rect.bar.step"))).hasSize(guests * STEPS.size());
      assertThat(chart.findElements(By.cssSelector("g.axis"))).as("the axis, above and again below the rows").hasSize(2);
      assertThat(tickLabels(chart)).allMatch(label -> label.matches(SECONDS));
      assertThat(pageScrollsSideways(browser)).as("the timeline fits a 1366 px screen").isFalse();

      Browser.screenshot(browser, "audit-timeline-40-guests");
      Browser.fullPageScreenshot(browser, "audit-timeline-40-guests-full");
    });
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  private WebElement openTimeline(ChromeDriver browser, WebDriverWait wait, String id) {
    browser.get("http://localhost:" + port + "/audit/#batch=" + id);
    wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
    return browser.findElement(By.cssSelector("#timeline svg.timeline-chart"));
  }

  private static List<String> hostnames(WebElement chart) {
    return chart.findElements(By.cssSelector("g.row")).stream().map(row -> row.getDomAttribute("data-hostname")).toList();
  }

  private static WebElement row(WebElement chart, String hostname) {
    return chart.findElement(By.cssSelector("g.row[data-hostname='" + hostname + "']"));
  }

  /** The BPMN activity ids of the row's bars that match, left to right as drawn. */
  private static List<String> steps(WebElement row, String bars) {
    return row.findElements(By.cssSelector(bars)).stream().map(bar -> bar.getDomAttribute("data-step")).toList();
  }

  /** The labels of the axis above the rows. */
  private static List<String> tickLabels(WebElement chart) {
    List<String> labels = new ArrayList<>();
    for (WebElement label : chart.findElement(By.cssSelector("g.axis")).findElements(By.cssSelector("text.tick-label"))) {
      labels.add(label.getText());
    }
    return labels;
  }

  /** A tooltip: the text of the element's SVG title, which WebDriver does not count as visible text. */
  private static String title(WebElement element) {
    return element.findElement(By.tagName("title")).getDomProperty("textContent");
  }

  private static double x(WebElement element) {
    return Double.parseDouble(element.getDomAttribute("x"));
  }

  private static boolean pageScrollsSideways(ChromeDriver browser) {
    return (Boolean) browser.executeScript(
        "return document.documentElement.scrollWidth > document.documentElement.clientWidth");
  }
}
