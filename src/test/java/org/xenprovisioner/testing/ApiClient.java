package org.xenprovisioner.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A small HTTP client for the batch API, as curl would use it. */
public record ApiClient(int port) {

  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Reply(int status, JsonNode body) {
  }

  public Reply get(String path, String user) {
    return send(request(path, user).GET());
  }

  /** A non-JSON answer (audit.csv) as status and text. */
  public String getText(String path, String user) {
    try {
      HttpResponse<String> response = HTTP.send(request(path, user).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Reply post(String path, String user, String contentType, String body) {
    return send(request(path, user).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  public Reply post(String path, String user, String contentType, byte[] body) {
    return send(request(path, user).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpRequest.Builder request(String path, String user) {
    return withCredentials(path, user == null ? null : user + ":" + user + "-secret");
  }

  private HttpRequest.Builder withCredentials(String path, String credentials) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (credentials != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return request;
  }

  /** Any request, with the test user's Basic credentials ({@code <user>-secret}; none for a null user), never following redirects. */
  public HttpResponse<String> send(String method, String path, String user, String contentType, String body) {
    return sendWith(user == null ? null : user + ":" + user + "-secret", method, path, contentType, body);
  }

  /** Any request, with Basic credentials as {@code curl -u} takes them ({@code user:password}, a line of the demo's users file). */
  public HttpResponse<String> sendWith(String credentials, String method, String path, String contentType, String body) {
    HttpRequest.Builder request = withCredentials(path, credentials)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return exchange(request);
  }

  private static Reply send(HttpRequest.Builder request) {
    HttpResponse<String> response = exchange(request);
    String body = response.body();
    try {
      return new Reply(response.statusCode(), body == null || body.isBlank() ? null : JSON.readTree(body));
    } catch (IOException e) {
      throw new AssertionError(body, e);
    }
  }

  private static HttpResponse<String> exchange(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Submits a VM list as the operator olga ({@code ?name=} when a name is given); the new batch's id, or a failure with the answer. */
  public String submit(String name, String csv) {
    Reply submitted = post("/api/batches" + (name == null ? "" : "?name=" + name), "olga", "text/csv", csv);
    if (submitted.status() != 201) {
      throw new AssertionError("submitting " + (name == null ? "a list" : name) + ": " + submitted.status() + " "
          + submitted.body());
    }
    return submitted.body().get("id").asText();
  }

  /** Approves the batch as the approver arne (with a comment when one is given), then waits until it finished. */
  public JsonNode approveAndWait(String id, String comment) throws InterruptedException {
    Reply approved = post("/api/batches/" + id + "/approval", "arne", "application/json",
        "{\"approved\": true" + (comment == null ? "" : ", \"comment\": \"" + comment + "\"") + "}");
    if (approved.status() != 200) {
      throw new AssertionError("approving " + id + ": " + approved.status() + " " + approved.body());
    }
    return waitUntilFinished(id);
  }

  /** A batch's {@code guestList} (or a plan) by host name. */
  public static Map<String, JsonNode> byHostname(JsonNode guests) {
    Map<String, JsonNode> byName = new HashMap<>();
    guests.forEach(guest -> byName.put(guest.get("hostname").asText(), guest));
    return byName;
  }

  /** Polls the batch as the approver until it reaches a final COMPLETED* state; fails after three minutes. */
  public JsonNode waitUntilFinished(String id) throws InterruptedException {
    return waitUntilFinished(id, Duration.ofMinutes(3));
  }

  public JsonNode waitUntilFinished(String id, Duration limit) throws InterruptedException {
    JsonNode[] batch = new JsonNode[1];
    Await.until("batch " + id + " to finish", limit, Duration.ofMillis(250), () -> {
      batch[0] = get("/api/batches/" + id, "arne").body();
      // an error body (the database unreachable for a moment) is not finished either
      return batch[0].hasNonNull("state") && batch[0].get("state").asText().startsWith("COMPLETED");
    }, () -> get("/api/batches/" + id, "arne").body().toString());
    return batch[0];
  }
}
