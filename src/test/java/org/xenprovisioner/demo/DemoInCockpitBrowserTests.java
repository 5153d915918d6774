package org.xenprovisioner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.batch.BatchHistory;
import org.xenprovisioner.batch.BatchSummary;
import org.xenprovisioner.process.BatchProcess;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.Browser;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/**
 * The demo's promise "watch it run in Cockpit", in a real headless chromium at 1366x768: the demo
 * profile (its data in a temp directory), the approver opens the demo batch in Cockpit, approves it,
 * and Cockpit shows the batch's group of guests, the guests at their step (the guest process's
 * page) and a guest's copy progress (its instance's page). How long a batch runs
 * depends on the disk, so the test pins the moment instead of racing it: it holds the guests before
 * "Attach and mount image" (that step's jobs suspended, as an operator can in Cockpit) and lets them
 * go on once Cockpit has shown them. Screenshots land in target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DemoInCockpitBrowserTests {

  /** The step the guests are held before while Cockpit shows them. */
  private static final String HELD_AT = "Task_MountImage";
  private static Path root;

  @LocalServerPort
  private int port;
  @Autowired
  private ProcessEngine engine;
  @Autowired
  private BatchHistory history;

  @BeforeAll
  static void requireBrowserAndRoot() {
    Browser.assumeUsable();
    RealHost.assumeLoopDevicesUsable();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(root);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    root = Files.createTempDirectory("xenprov-demo-cockpit-");
    TestApp.registerDemo(registry, root, "64MB");
  }

  @Test
  void approvedDemoBatchRunsVisiblyInCockpit() throws Exception {
    String approver = Files.readAllLines(root.resolve(DemoSetup.USERS_FILE)).stream()
        .filter(line -> line.startsWith("approver:")).findFirst().orElseThrow();
    BatchSummary demo = history.list().get(0);
    String instance = engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(demo.id())
        .singleResult().getId();
    ChromeDriver browser = Browser.start(Files.createDirectories(root.resolve("chromium")));
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
      Browser.resizeViewport(browser, 1366, 768);
      String cockpit = "http://localhost:" + port + "/camunda/app/cockpit/" + engine.getName();
      browser.get(cockpit + "/#/process-instance/" + instance + "/runtime");
      Browser.signIn(browser, wait, "approver", approver.substring(approver.indexOf(':') + 1));
      wait.until(ExpectedConditions.presenceOfElementLocated(overlay("approve-batch")));

      ManagementService management = engine.getManagementService();
      List<String> mountJobs = management.createJobDefinitionQuery().activityIdIn(HELD_AT).list().stream()
          .map(JobDefinition::getId).toList();
      mountJobs.forEach(management::suspendJobDefinitionById);
      Instant approvedAt = Instant.now();
      assertThat(approve(demo.id(), approver).statusCode()).isEqualTo(200);
      wait.until(driver -> management.createJobQuery().activityId(HELD_AT).count() == 3);
      // the batch: its one group of guests running
      browser.navigate().refresh();
      waitForCount(wait, BatchProcess.CALL_ACTIVITY_GROUPS, "1");
      assertThat(history.list().get(0).state().name()).isEqualTo("RUNNING");
      Browser.screenshot(browser, "demo-cockpit-batch");

      // the guests' process: the three guests at the step they are at
      List<ProcessInstance> guests = engine.getRuntimeService().createProcessInstanceQuery()
          .processDefinitionKey(BatchProcess.GUEST_PROCESS_KEY).list();
      assertThat(guests).hasSize(3);
      browser.get(cockpit + "/#/process-definition/" + guests.get(0).getProcessDefinitionId() + "/runtime");
      waitForCount(wait, HELD_AT, "3");
      Browser.screenshot(browser, "demo-cockpit-running");

      // one guest: its step, and its copy's progress among its variables
      browser.get(cockpit + "/#/process-instance/" + guests.get(0).getId() + "/runtime");
      waitForCount(wait, HELD_AT, "1");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[cam-tabs] table, .ctn-tabbed-content"),
          "copyProgress"));
      Browser.screenshot(browser, "demo-cockpit-guest");
      // the jobs made while their definition was suspended were made suspended: let them go too
      mountJobs.forEach(definition -> management.activateJobDefinitionById(definition, true));

      Await.until("the demo batch to finish", Duration.ofMinutes(3).minus(Duration.between(approvedAt, Instant.now())),
          Duration.ofMillis(500), () -> history.list().get(0).state().name().startsWith("COMPLETED"),
          () -> history.list().get(0).state().name());
      assertThat(history.list().get(0).state().name()).isEqualTo("COMPLETED");
    } catch (Exception | AssertionError e) {
      Browser.screenshot(browser, "demo-cockpit-failure");
      throw e;
    } finally {
      browser.quit();
    }
  }

  /**
   * Waits until Cockpit draws {@code count} running instances on an activity. Cockpit redraws its
   * overlays whenever it reloads the instance counts, so the badge is looked up afresh on every poll
   * (an element found once may be gone a moment later) and the wait fails naming what it last saw.
   */
  private static void waitForCount(WebDriverWait wait, String activity, String count) {
    String[] seen = {"no badge"};
    try {
      wait.ignoring(StaleElementReferenceException.class).until(driver -> {
        List<String> shown = driver.findElements(overlay(activity)).stream().filter(WebElement::isDisplayed)
            .map(WebElement::getText).toList();
        seen[0] = shown.isEmpty() ? "no badge" : String.join(", ", shown);
        return shown.contains(count);
      });
    } catch (TimeoutException e) {
      throw new AssertionError("Cockpit should show " + count + " on " + activity + ", it showed " + seen[0], e);
    }
  }

  /** The count of running instances Cockpit draws on an activity. */
  private static By overlay(String activity) {
    return By.cssSelector(".djs-overlays[data-container-id='" + activity + "'] .badge.instance-count");
  }

  private HttpResponse<String> approve(String batch, String credentials) {
    return new ApiClient(port).sendWith(credentials, "POST", "/api/batches/" + batch + "/approval", "application/json",
        "{\"approved\": true}");
  }
}
