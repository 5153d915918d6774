package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.RealAppTest;

/**
 * Nothing answers anonymously but the webapps' login pages and their assets; authorization is on,
 * so the engine REST API shows each group only what it may see, and four eyes holds there too.
 */
class AccessTests extends RealAppTest {


  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.users[2].id", () -> "paula");
    registry.add("provisioner.users[2].password", () -> "paula-secret");
    registry.add("provisioner.users[2].groups", () -> "operators,approvers");
    registry.add("camunda.bpm.job-execution.enabled", () -> "false");
  }

  @Test
  void everyPathButTheLoginPagesAnswers401Anonymously() {
    String engineName = engine.getName();
    for (String path : new String[] {"/api/batches", "/api/batches/x", "/api/batches/x/audit.csv", "/engine-rest/engine/" + engine.getName() + "/user",
        "/engine-rest/task", "/engine-rest/process-definition", "/engine-rest/engine", "/audit", "/audit/",
        "/audit/index.html", "/audit/audit.js", "/camunda/api/engine/engine/" + engineName + "/task",
        "/camunda/api/engine/engine/" + engineName + "/user", "/camunda/api/engine/engine/" + engineName + "/process-instance",
        "/camunda/api/cockpit/plugin/base/" + engineName + "/process-definition/statistics",
        "/camunda/api/tasklist/plugin/tasklistPlugins/" + engineName + "/x", "/camunda/api/admin/setup/" + engineName + "/user/create",
        "/error", "/actuator", "/no/such/path", "/index.html", "/camunda/favicon.ico"}) {
      assertThat(status("GET", path, null, null)).as("GET %s", path).isEqualTo(401);
    }
    assertThat(status("POST", "/api/batches", null, "x")).isEqualTo(401);
    assertThat(status("POST", "/engine-rest/process-definition/key/provision-batch/start", null, "{}")).isEqualTo(401);
    assertThat(status("POST", "/camunda/api/admin/setup/" + engineName + "/user/create", null, "{}")).isEqualTo(401);
  }

  @Test
  void aBrowserWithoutALoginIsSentFromTheAuditPageToTasklistsLoginWithTheWayBackAndEverythingElseGets401() throws Exception {
    String tasklist = "/camunda/app/tasklist/" + engine.getName() + "/?xp-return=";
    HttpResponse<String> page = asBrowser("/audit/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
        .endsWith(tasklist + "%2Faudit%2F"));
    assertThat(asBrowser("/audit/index.html", "text/html").headers().firstValue("Location")).hasValueSatisfying(location ->
        assertThat(location).endsWith(tasklist + "%2Faudit%2Findex.html"));

    // the API is no page, and scripts and curl ask for anything: they get the Basic challenge
    for (String[] request : new String[][] {{"/api/batches", "text/html"}, {"/audit/", "*/*"}, {"/audit/audit.js", "*/*"},
        {"/engine-rest/task", "text/html"}}) {
      HttpResponse<String> refused = asBrowser(request[0], request[1]);
      assertThat(refused.statusCode()).as("GET %s, Accept %s", request[0], request[1]).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"xen-provisioner\"");
    }
    assertThat(status("POST", "/audit/", null, "x")).isEqualTo(401);
  }

  @Test
  void loginPagesAndTheirAssetsStayPublic() {
    assertThat(status("GET", "/camunda/app/tasklist/" + engine.getName() + "/", null, null)).isEqualTo(200);
    assertThat(status("GET", "/camunda/app/cockpit/" + engine.getName() + "/", null, null)).isEqualTo(200);
    assertThat(status("GET", "/camunda/lib/deps.js", null, null)).isEqualTo(200);
    // Tasklist's configuration is ours (it loads the script that leads back to the audit page after the login)
    assertThat(body("GET", "/camunda/app/tasklist/scripts/config.js", null, null)).contains("scripts/xen-provisioner-return");
    assertThat(status("GET", "/camunda/app/tasklist/scripts/xen-provisioner-return.js", null, null)).isEqualTo(200);
  }

  @Test
  void webappLoginReadsTheAuditPageAndApiButCannotWriteWithTheCookieAlone() throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
    // as Tasklist does: a first page view hands out the webapps' CSRF token
    browser.send(HttpRequest.newBuilder(uri("/camunda/app/tasklist/" + engine.getName() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    String csrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .findFirst().orElseThrow().getValue();
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/" + engine.getName() + "/login/tasklist"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", csrf)
        .POST(HttpRequest.BodyPublishers.ofString("username=arne&password=arne-secret")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(browser.send(HttpRequest.newBuilder(uri("/audit/index.html")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    assertThat(browser.send(HttpRequest.newBuilder(uri("/api/batches")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    assertThat(browser.send(HttpRequest.newBuilder(uri("/api/batches/x/approval")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"approved\":true}")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).as("writes need HTTP Basic").isEqualTo(401);
  }

  @Test
  void engineRestShowsEachGroupOnlyWhatItMayAndKeepsFourEyes() throws Exception {
    String csv = "hostname,ip,mac\nacc01,10.9.0.1,00:16:3e:09:00:01\n";
    assertThat(status("POST", "/api/batches?name=access", "paula", csv)).isEqualTo(201);
    assertThat(body("GET", "/engine-rest/engine/" + engine.getName() + "/task?taskDefinitionKey=approve-batch", "olga", null)).as("operators see no tasks").isEqualTo("[]");
    String tasks = body("GET", "/engine-rest/engine/" + engine.getName() + "/task?taskDefinitionKey=approve-batch", "arne", null);
    assertThat(tasks).contains("\"name\":\"Approve batch\"");
    String taskId = tasks.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
    assertThat(body("GET", "/engine-rest/engine/" + engine.getName() + "/user", "olga", null)).doesNotContain("\"id\":\"arne\"");
    assertThat(status("POST", "/engine-rest/engine/" + engine.getName() + "/task/" + taskId + "/complete", "olga",
        "{\"variables\":{\"approved\":{\"value\":true}}}")).as("operators cannot work the task").isEqualTo(403);

    String selfApproval = body("POST", "/engine-rest/engine/" + engine.getName() + "/task/" + taskId + "/complete", "paula",
        "{\"variables\":{\"approved\":{\"value\":true}}}");
    assertThat(selfApproval).contains("four eyes");
    assertThat(engine.getTaskService().createTaskQuery().taskId(taskId).count()).as("the task is still open").isEqualTo(1);
  }

  private HttpResponse<String> asBrowser(String path, String accept) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int status(String method, String path, String user, String body) {
    return send(method, path, user, body).statusCode();
  }

  private String body(String method, String path, String user, String body) {
    return send(method, path, user, body).body();
  }

  private HttpResponse<String> send(String method, String path, String user, String body) {
    return api().send(method, path, user,
        path.startsWith("/api/batches") && body != null && !path.contains("approval") ? "text/csv" : "application/json", body);
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
