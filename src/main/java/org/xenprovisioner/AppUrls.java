package org.xenprovisioner;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The application's pages as full URLs, for the console: the address it listens on ({@code localhost}
 * when it listens on every interface), the port it really got, the context and webapp paths.
 */
@Component
public class AppUrls {

  private static final Logger LOG = LoggerFactory.getLogger(AppUrls.class);

  private final Environment environment;
  private volatile String root;

  public AppUrls(Environment environment) {
    this.environment = environment;
  }

  @EventListener
  void listening(WebServerInitializedEvent event) {
    root = root(environment.getProperty("server.address"), event.getWebServer().getPort())
        + environment.getProperty("server.servlet.context-path", "").replaceAll("/+$", "");
  }

  /** Logged first among the start-up reports (the demo's come after it). */
  @EventListener(ApplicationReadyEvent.class)
  @Order(0)
  void ready() {
    LOG.info("xen-provisioner is ready: Tasklist {} · Cockpit {} · audit {} · API {}", tasklist(), cockpit(), audit(), api());
  }

  public String tasklist() {
    return webapp("tasklist");
  }

  public String cockpit() {
    return webapp("cockpit");
  }

  public String audit() {
    return of("/audit/");
  }

  public String api() {
    return of("/api/batches");
  }

  /** A path of this application ({@code /audit/}) as a full URL. */
  public String of(String path) {
    return (root == null ? "http://localhost:" + environment.getProperty("server.port", "8080") : root) + path;
  }

  private String webapp(String app) {
    return of(environment.getProperty("camunda.bpm.webapp.application-path", "/camunda") + "/app/" + app + "/");
  }

  /** {@code http://host:port}: the configured address, or localhost for none or a wildcard one. */
  static String root(String address, int port) {
    String host = address == null ? "" : address.strip();
    try {
      if (host.isEmpty() || InetAddress.getByName(host).isAnyLocalAddress()) {
        host = "localhost";
      }
    } catch (UnknownHostException e) {
      // a name the server could bind is a name a browser can use: keep it as written
    }
    return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }
}
