package org.xenprovisioner.batch;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat answers "Expect: 100-continue" immediately by default, so a client sends a huge VM list
 * even when the API refuses it by its Content-Length; Tomcat then closes the connection over the
 * unread body and the client never sees the 413. Answering only when the body is read lets the
 * refusal arrive before a single byte of it is sent (curl asks this way for bodies over 1 MiB).
 */
@Component
class ContinueOnReadCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addConnectorCustomizers(connector -> connector.setProperty("continueResponseTiming", "onRead"));
  }
}
