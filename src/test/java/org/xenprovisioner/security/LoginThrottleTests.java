package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.RealAppTest;

/**
 * Anonymous wrong passwords, far more than the engine's old permanent limit (10), for {@code admin},
 * an approver and an operator, over each login route (HTTP Basic on {@code /api} and
 * {@code /engine-rest}, the webapps' login): the engine throttles each account, and once the wrong
 * passwords stop the right one works again. The delays are shortened here to a one-second lock per
 * counted attempt so the test is quick; the counting is the engine's own ({@code ACT_ID_USER.ATTEMPTS_}).
 */
class LoginThrottleTests extends RealAppTest {

  private static final int ENGINE_DEFAULT_MAX_ATTEMPTS = 10;
  private static final int ATTEMPTS = ENGINE_DEFAULT_MAX_ATTEMPTS + 5;

  @Autowired
  private JdbcTemplate jdbc;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("PROVISIONER_ADMIN_PASSWORD", () -> "admin-secret");
    registry.add("camunda.bpm.generic-properties.properties.loginDelayBase", () -> "1");
    registry.add("camunda.bpm.generic-properties.properties.loginDelayMaxTime", () -> "1");
    registry.add("camunda.bpm.job-execution.enabled", () -> "false");
  }

  @Test
  void manyWrongPasswordsThrottleEachAccountButNeverLockItForGood() throws Exception {
    assertThat(((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getLoginMaxAttempts())
        .as("the permanent lock is out of reach").isEqualTo(Integer.MAX_VALUE);
    HttpClient browser = webappClient();
    Await.until("the engine to count " + ATTEMPTS + " wrong passwords for admin, arne and olga", Duration.ofSeconds(90),
        Duration.ofMillis(100), () -> {
          basic("/api/batches", "admin:wrong");
          basic("/engine-rest/task", "arne:wrong");
          webappLogin(browser, "olga", "wrong");
          return List.of("admin", "arne", "olga").stream().allMatch(user -> attempts(user) >= ATTEMPTS);
        }, () -> "attempts: " + jdbc.queryForList("SELECT ID_, ATTEMPTS_, LOCK_EXP_TIME_ FROM ACT_ID_USER"));

    // wait out arne's lock, so the next wrong password is counted and locks him anew
    Await.until("arne's lock to expire", Duration.ofSeconds(5), Duration.ofMillis(100), () -> !locked("arne"), null);
    basic("/api/batches", "arne:wrong");
    HttpResponse<String> throttled = basic("/api/batches", "arne:arne-secret");
    assertThat(throttled.statusCode()).as("the right password while throttled").isEqualTo(401);
    assertThat(throttled.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"xen-provisioner\"");
    assertThat(throttled.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(throttled.body()).contains("throttled").contains("60 seconds").doesNotContain("arne");
    assertThat(basic("/api/batches", "nobody:wrong").body()).as("an unknown user gets the same answer").isEqualTo(throttled.body());
    assertThat(basic("/engine-rest/task", "olga:wrong").body()).as("so does a wrong password on /engine-rest").isEqualTo(throttled.body());

    for (Map.Entry<String, String> login : Map.of("admin", "/engine-rest/engine/" + engine.getName() + "/user", "arne", "/api/batches", "olga", "/api/batches").entrySet()) {
      String user = login.getKey();
      Await.until(user + "'s right password to work again", Duration.ofSeconds(10), Duration.ofMillis(200),
          () -> basic(login.getValue(), user + ":" + user + "-secret").statusCode() == 200,
          () -> "attempts: " + attempts(user));
      assertThat(attempts(user)).as("a right password resets %s's count", user).isZero();
    }
  }

  @Test
  void theWebappLoginIsThrottledByTheSameCountAndWorksAgainAfterIt() throws Exception {
    HttpClient browser = webappClient();
    int before = attempts("admin");
    Await.until("wrong webapp logins to count", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
      assertThat(webappLogin(browser, "admin", "wrong")).isEqualTo(401);
      return attempts("admin") >= before + 3;
    }, null);
    Await.until("admin's webapp login to work again", Duration.ofSeconds(10), Duration.ofMillis(200),
        () -> webappLogin(browser, "admin", "admin-secret") == 200, () -> "attempts: " + attempts("admin"));
    assertThat(attempts("admin")).isZero();
  }

  private int attempts(String user) {
    return jdbc.queryForObject("SELECT ATTEMPTS_ FROM ACT_ID_USER WHERE ID_ = ?", Integer.class, user);
  }

  private boolean locked(String user) {
    java.sql.Timestamp until = jdbc.queryForObject("SELECT LOCK_EXP_TIME_ FROM ACT_ID_USER WHERE ID_ = ?",
        java.sql.Timestamp.class, user);
    return until != null && until.toInstant().isAfter(Instant.now());
  }

  private HttpResponse<String> basic(String path, String credentials) {
    return api().sendWith(credentials, "GET", path, null, null);
  }

  /** A browser that has opened Tasklist once, so it holds the webapps' CSRF token as Tasklist does. */
  private HttpClient webappClient() throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
    browser.send(HttpRequest.newBuilder(uri("/camunda/app/tasklist/" + engine.getName() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    return browser;
  }

  private int webappLogin(HttpClient browser, String user, String password) throws Exception {
    CookieManager cookies = (CookieManager) browser.cookieHandler().orElseThrow();
    String csrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .findFirst().orElseThrow().getValue();
    return browser.send(HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/" + engine.getName() + "/login/tasklist"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", csrf)
        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
