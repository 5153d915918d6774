package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Browser;
import org.xenprovisioner.testing.BrowserTest;
import org.xenprovisioner.testing.RealHost;

/**
 * The operator surface end to end in a real headless chromium: an approver logs in to Tasklist,
 * sees the guest table in the approval form, approves; the batch provisions real images; the
 * audit page (same browser, same login) then shows the batch, who approved it and each guest's
 * outcome and steps. Screenshots land in target/screenshots.
 */
class ApprovalInTasklistBrowserTests extends BrowserTest {



  @Test
  void approverSeesGuestTableApprovesInTasklistAndAuditPageShowsOutcomes() throws Exception {
    ApiClient api = api();
    String csv = """
        hostname,ip,mac,memory,vcpus
        shop01,192.168.70.11,00:16:3e:70:00:11,1024,2
        shop02,192.168.70.12,00:16:3e:70:00:12,768,1
        """;
    ApiClient.Reply submitted = api.post("/api/batches?name=shop-tier", "olga", "text/csv", csv);
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();

    inBrowser("tasklist-approval", (browser, wait) -> {
      logIn(browser, wait, "arne");

      WebElement task = wait.until(ExpectedConditions.elementToBeClickable(
          By.xpath("//ol[contains(@class,'tasks-list')]//h4[contains(@class,'task')]/a[normalize-space(.)='Approve batch']")));
      task.click();
      wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.claim"))).click();

      WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".fjs-table")));
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".fjs-table-body .fjs-table-tr"), 2));
      List<String> headers = table.findElements(By.cssSelector(".fjs-table-th")).stream().map(WebElement::getText).toList();
      assertThat(String.join("|", headers)).contains("Host name", "IP", "MAC", "Memory", "vCPUs", "Image", "Domain config");
      String rows = table.findElement(By.cssSelector(".fjs-table-body")).getText();
      assertThat(rows).contains("shop01", "192.168.70.11", "00:16:3e:70:00:11", "1024", "shop02", "768",
          root.resolve("images").toAbsolutePath() + "/shop01.img", root.resolve("xen").toAbsolutePath() + "/shop02.cfg");
      // batch name and submitter are shown in read-only fields, never as Markdown: a name cannot fake text
      List<String> shown = browser.findElements(By.cssSelector(".fjs-container input:disabled")).stream()
          .map(input -> input.getDomProperty("value")).toList();
      assertThat(shown).containsExactly("shop-tier", "olga", "2");

      WebElement approve = browser.findElement(By.xpath("//label[normalize-space(.)='Approve']//input[@type='radio'] | "
          + "//input[@type='radio'][following-sibling::*[normalize-space(.)='Approve'] or ../label[normalize-space(.)='Approve']]"));
      browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", approve);
      approve.click();
      browser.findElement(By.cssSelector(".fjs-container textarea")).sendKeys("looks right");
      // leave the text area first: its change event re-renders the buttons, which would swallow the click
      browser.findElement(By.cssSelector(".fjs-container h3")).click();
      Browser.screenshot(browser, "tasklist-approval-form");
      WebElement complete = browser.findElement(By.cssSelector("button.btn-primary[ng-click='complete()']"));
      browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", complete);
      wait.until(ExpectedConditions.elementToBeClickable(complete)).click();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".fjs-table")));

      JsonNode batch = api.waitUntilFinished(id);
      assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
      assertThat(batch.get("approval").get("by").asText()).isEqualTo("arne");
      assertThat(batch.get("approval").get("comment").asText()).isEqualTo("looks right");

      browser.get("http://localhost:" + port + "/audit/");
      WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-batch='" + id + "']")));
      assertThat(row.getText()).contains("shop-tier", "COMPLETED", "olga", "arne");
      Browser.screenshot(browser, "audit-batches");
      row.findElement(By.tagName("a")).click();
      wait.until(ExpectedConditions.attributeToBe(By.tagName("main"), "data-loaded", "batch"));
      for (String hostname : List.of("shop01", "shop02")) {
        String guest = browser.findElement(By.cssSelector("tr[data-hostname='" + hostname + "']")).getText();
        assertThat(guest).contains("PROVISIONED", "Read guest info", "Copy base image", "Write Xen domain config");
      }
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Decided by']")).getText()).isEqualTo("arne");
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Submitted by']")).getText()).isEqualTo("olga");
      assertThat(browser.findElement(By.cssSelector("dd[data-fact='Comment']")).getText()).isEqualTo("looks right");
      Browser.screenshot(browser, "audit-batch-detail");
    });
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }
}
