package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The operator surface end to end in a real headless chromium on a 1366x768 screen: an approver
 * logs in to Tasklist, reads the approval form (which fits the screen's width, the files' full paths
 * on demand), approves; the batch provisions real images; the audit page (same browser, same login)
 * then shows the batch, who approved it and each guest's outcome and steps. A browser without a
 * login that opens the audit page goes through Tasklist's login and comes back to it. From the form
 * the approver opens a guest's plan (a new tab of the audit page) and reads its ifcfg-eth0 and domain
 * config, which are then, byte for byte, what lands on disk. Screenshots land in target/screenshots.
 */
class ApprovalInTasklistBrowserTests extends BrowserTest {

  private static final String COMPLETE = "button.btn-primary[ng-click='complete()']";

  @Test
  void approverReadsTheFormOnA1366PxScreenApprovesInTasklistAndTheAuditPageShowsOutcomes() throws Exception {
    ApiClient api = api();
    String csv = """
        hostname,ip,mac,memory,vcpus
        shop01,192.168.70.11,00:16:3e:70:00:11,1024,2
        shop02,192.168.70.12,00:16:3e:70:00:12,768,1
        shop03,192.168.70.13,00:16:3e:70:00:13,2048,4
        """;
    ApiClient.Reply submitted = api.post("/api/batches?name=shop-tier", "olga", "text/csv", csv);
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    String dom0 = api.get("/api/batches/" + id, "arne").body().get("guestList").get(0).get("dom0").asText();
    String ifcfgPath = "/etc/sysconfig/network-scripts/ifcfg-eth0";
    String domainConfigPath = root.resolve("xen/shop01.cfg").toString();
    Map<String, String> planned = new java.util.HashMap<>();

    inBrowser("tasklist-approval", (browser, wait) -> {
      Browser.resizeViewport(browser, 1366, 768);
      logIn(browser, wait, "arne");
      openClaimedTask(browser, wait);

      WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".fjs-table")));
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".fjs-table-body .fjs-table-tr"), 3));
      List<String> headers = table.findElements(By.cssSelector(".fjs-table-th")).stream().map(WebElement::getText).toList();
      assertThat(headers).containsExactly("Host name", "IP", "MAC", "Memory, vCPUs", "Files, Dom0");
      List<String> shop01 = cells(table, 0);
      assertThat(shop01).containsExactly("shop01", "192.168.70.11", "00:16:3e:70:00:11", "1024 MiB, 2 vCPUs",
          "shop01.img, shop01.cfg on " + dom0);
      assertThat(cells(table, 1)).contains("768 MiB, 1 vCPU", "shop02.img, shop02.cfg on " + dom0);
      // batch name and submitter are shown in read-only fields, never as Markdown: a name cannot fake text
      List<String> shown = browser.findElements(By.cssSelector(".fjs-container input:disabled")).stream()
          .map(input -> input.getDomProperty("value")).toList();
      assertThat(shown).containsExactly("shop-tier", "olga", "3");
      assertFitsTheScreensWidth(browser, table);
      assertThat(inViewport(browser, approveRadio(browser))).as("the decision, without scrolling").isTrue();
      Browser.screenshot(browser, "tasklist-approval-form-1366");

      // full paths on demand, and they do not widen the form either
      String image = root.resolve("images").toAbsolutePath() + "/shop01.img";
      String domainConfig = root.resolve("xen").toAbsolutePath() + "/shop03.cfg";
      WebElement paths = browser.findElement(By.cssSelector(".fjs-container details"));
      assertThat(paths.getText()).isEqualTo("Full paths of the files");
      paths.findElement(By.tagName("summary")).click();
      wait.until(ExpectedConditions.attributeToBe(paths, "open", "true"));
      assertThat(paths.getText()).contains(image, domainConfig);
      assertFitsTheScreensWidth(browser, table);
      Browser.screenshot(browser, "tasklist-approval-form-1366-full-paths");
      paths.findElement(By.tagName("summary")).click();

      // each guest's plan, from the form, in a new tab: Tasklist and the task stay where they are
      String tasklist = browser.getWindowHandle();
      WebElement planLink = browser.findElement(By.xpath("//a[contains(@class,'xp-plan-link') and normalize-space(.)='shop01']"));
      browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", planLink);
      planLink.click();
      wait.until(driver -> driver.getWindowHandles().size() == 2);
      browser.switchTo().window(browser.getWindowHandles().stream().filter(handle -> !handle.equals(tasklist)).findFirst()
          .orElseThrow());
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "plan"));
      assertThat(browser.getCurrentUrl()).matches(".*/audit/(index\\.html)?#plan=" + id + "&guest=shop01");
      assertThat(browser.findElements(By.cssSelector("article.plan-guest"))).hasSize(1);
      for (String path : List.of(ifcfgPath, domainConfigPath, "/etc/hosts")) {
        planned.put(path, browser.findElement(By.cssSelector("article[data-hostname='shop01'] .plan-file[data-path='" + path
            + "'] pre")).getDomProperty("textContent"));
      }
      assertThat(planned.get(ifcfgPath)).contains("HWADDR=00:16:3e:70:00:11", "IPADDR=192.168.70.11");
      assertThat(browser.findElement(By.cssSelector(".plan-file[data-path='/etc/udev/rules.d/70-persistent-net.rules']"))
          .getText()).startsWith("remove");
      Browser.screenshot(browser, "tasklist-plan-of-a-guest");
      browser.close();
      browser.switchTo().window(tasklist);
      assertThat(browser.findElements(By.cssSelector(".fjs-table"))).as("the task is still open in Tasklist").hasSize(1);

      // the screens the form used to overflow: all of it, Complete included, without scrolling
      Browser.resizeViewport(browser, 1440, 900);
      wait.until(driver -> inViewport(browser, browser.findElement(By.cssSelector(COMPLETE))));
      assertFitsTheScreensWidth(browser, table);
      Browser.screenshot(browser, "tasklist-approval-form-1440");
      Browser.resizeViewport(browser, 1366, 768);

      WebElement approve = approveRadio(browser);
      browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", approve);
      approve.click();
      browser.findElement(By.cssSelector(".fjs-container textarea")).sendKeys("looks right");
      // leave the text area first: its change event re-renders the buttons, which would swallow the click
      browser.findElement(By.cssSelector(".fjs-container .fjs-form-field-textfield label")).click();
      WebElement complete = browser.findElement(By.cssSelector(COMPLETE));
      browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", complete);
      Browser.screenshot(browser, "tasklist-approval-form-decided");
      wait.until(ExpectedConditions.elementToBeClickable(complete)).click();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".fjs-table")));

      // completion still works: the form sends approved and comment only (its other fields are disabled)
      JsonNode batch = api.waitUntilFinished(id);
      assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
      assertThat(batch.get("approval").get("by").asText()).isEqualTo("arne");
      assertThat(batch.get("approval").get("comment").asText()).isEqualTo("looks right");
      Path shop01Image = root.resolve("images/shop01.img");
      assertThat(RealHost.readInImage(shop01Image, ifcfgPath)).as("the ifcfg the approver read").isEqualTo(planned.get(ifcfgPath));
      assertThat(RealHost.readInImage(shop01Image, "/etc/hosts")).isEqualTo(planned.get("/etc/hosts"));
      assertThat(Files.readString(Path.of(domainConfigPath))).as("the domain config the approver read")
          .isEqualTo(planned.get(domainConfigPath));

      browser.get("http://localhost:" + port + "/audit/");
      WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-batch='" + id + "']")));
      assertThat(row.getText()).contains("shop-tier", "COMPLETED", "olga", "arne");
      Browser.screenshot(browser, "audit-batches");
      row.findElement(By.tagName("a")).click();
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
      for (String hostname : List.of("shop01", "shop02", "shop03")) {
        String guest = browser.findElement(By.cssSelector("tr[data-hostname='" + hostname + "']")).getText();
        assertThat(guest).contains("PROVISIONED", "Read guest info", "Copy base image", "Write Xen domain config");
      }
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Decided by']")).getText()).isEqualTo("arne");
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Submitted by']")).getText()).isEqualTo("olga");
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Comment']")).getText()).isEqualTo("looks right");
      Browser.screenshot(browser, "audit-batch-detail");

      // a past batch's plan, from the batch's page
      browser.findElement(By.id("batch-plan")).click();
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "plan"));
      assertThat(browser.findElements(By.cssSelector("article.plan-guest"))).hasSize(3);
      assertThat(browser.findElement(By.id("plan-about")).getText()).contains("COMPLETED", "as its steps wrote them");
      assertThat(browser.findElement(By.cssSelector("article[data-hostname='shop01'] .plan-note")).getText())
          .isEqualTo("as its steps wrote them");
      assertThat(browser.findElement(By.cssSelector("article[data-hostname='shop02'] .plan-file[data-path='"
          + ifcfgPath + "'] pre")).getDomProperty("textContent")).contains("HWADDR=00:16:3e:70:00:12");
      Browser.screenshot(browser, "audit-plan-past-batch");
    });
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  @Test
  void auditPageSendsABrowserWithoutALoginToTasklistsLoginAndBackToTheBatchItWasAskedFor() throws Exception {
    ApiClient.Reply submitted = api().post("/api/batches?name=login-round-trip", "olga", "text/csv",
        "hostname,ip,mac\nround01,192.168.73.11,00:16:3e:73:00:11\n");
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();

    inBrowser("audit-login-redirect", (browser, wait) -> {
      Browser.resizeViewport(browser, 1366, 768);
      browser.get("http://localhost:" + port + "/audit/#batch=" + id);

      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[name='signinForm']")));
      assertThat(browser.getCurrentUrl()).as("Tasklist's login, not a Basic-auth prompt")
          .contains("/camunda/app/tasklist/" + engine.getName() + "/");
      Browser.screenshot(browser, "audit-login-redirect-signin");
      signIn(browser, wait, "arne");

      wait.until(ExpectedConditions.urlMatches("^http://localhost:" + port + "/audit/(index\\.html)?#batch=" + id + "$"));
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
      assertThat(browser.findElement(By.id("batch-title")).getText()).contains(id, "login-round-trip");
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='State']")).getText()).isEqualTo("AWAITING_APPROVAL");
      Browser.screenshot(browser, "audit-login-redirect-back");
    });
  }

  private static void openClaimedTask(ChromeDriver browser, WebDriverWait wait) {
    WebElement task = wait.until(ExpectedConditions.elementToBeClickable(
        By.xpath("//ol[contains(@class,'tasks-list')]//h4[contains(@class,'task')]/a[normalize-space(.)='Approve batch']")));
    task.click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.claim"))).click();
  }

  private static WebElement approveRadio(ChromeDriver browser) {
    return browser.findElement(By.xpath("//label[normalize-space(.)='Approve']//input[@type='radio'] | "
        + "//input[@type='radio'][following-sibling::*[normalize-space(.)='Approve'] or ../label[normalize-space(.)='Approve']]"));
  }

  /** The texts of a table row's cells, no-break spaces read as spaces. */
  private static List<String> cells(WebElement table, int row) {
    return table.findElements(By.cssSelector(".fjs-table-body .fjs-table-tr")).get(row).findElements(By.cssSelector(".fjs-table-td"))
        .stream().map(cell -> cell.getText().replace('\u00a0', ' ').replaceAll("\\s+", " ")).toList();
  }

  /** No horizontal scrollbar on the page, in Tasklist's task pane or in the table, and the last column inside the table's box. */
  @SuppressWarnings("unchecked")
  private static void assertFitsTheScreensWidth(ChromeDriver browser, WebElement table) {
    Map<String, Object> widths = (Map<String, Object>) browser.executeScript("""
        const table = arguments[0];
        const scroller = table.closest('.fjs-table-inner-container');
        const pane = table.closest('.three-cols-layout-cell');
        const headers = table.querySelectorAll('.fjs-table-th');
        return {
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          pane: pane.scrollWidth - pane.clientWidth,
          table: scroller.scrollWidth - scroller.clientWidth,
          lastColumnOver: headers[headers.length - 1].getBoundingClientRect().right - scroller.getBoundingClientRect().right
        };
        """, table);
    assertThat(widths).as("pixels beyond the visible width").containsEntry("page", 0L).containsEntry("pane", 0L)
        .containsEntry("table", 0L);
    assertThat(((Number) widths.get("lastColumnOver")).doubleValue()).as("the last column's right edge beyond the table").isLessThanOrEqualTo(0.5);
  }

  private static boolean inViewport(ChromeDriver browser, WebElement element) {
    return (Boolean) browser.executeScript("""
        const box = arguments[0].getBoundingClientRect();
        return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
        """, element);
  }
}
