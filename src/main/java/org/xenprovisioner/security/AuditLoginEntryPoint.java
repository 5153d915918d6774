package org.xenprovisioner.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;

/**
 * What a request without a login gets from {@code /api}, {@code /engine-rest} and the audit page. A
 * browser opening the audit page (a GET that asks for HTML) is sent to Tasklist's login with the way
 * back ({@code ?xp-return=/audit/}, which Tasklist's script {@code xen-provisioner-return.js} follows
 * once the user is logged in; the browser keeps the page's {@code #batch=...} across the redirect).
 * Everything else, curl and scripts included, gets {@code 401} with the HTTP Basic challenge and a
 * JSON body. A refused password gets one message whatever the reason: a wrong password, a user the
 * engine throttles (it refuses even the right password for up to a minute after a wrong one, see
 * {@link LoginThrottlePlugin}) and a user that does not exist look the same, so nobody learns from
 * the answer which accounts exist.
 */
final class AuditLoginEntryPoint implements AuthenticationEntryPoint {

  static final String RETURN_PARAMETER = "xp-return";
  static final String NO_CREDENTIALS = "This needs the HTTP Basic login of a user of the engine.";
  static final String REFUSED = "User name or password refused. After a wrong password the account is throttled"
      + " briefly: for up to " + LoginThrottlePlugin.MAX_LOCK_SECONDS + " seconds even the right password is refused."
      + " Wait a minute and try again.";

  private final RequestMatcher auditPageInBrowser;
  private final String realm;
  private final String webappPath;
  private final Supplier<String> engineName;

  AuditLoginEntryPoint(String realm, String webappPath, Supplier<String> engineName) {
    this.realm = realm;
    this.webappPath = webappPath;
    this.engineName = engineName;
    MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(new HeaderContentNegotiationStrategy(), MediaType.TEXT_HTML);
    // "Accept: */*" (curl, fetch) is no browser asking for a page
    html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
    RequestMatcher auditPage = new OrRequestMatcher(new AntPathRequestMatcher("/audit", "GET"),
        new AntPathRequestMatcher("/audit/**", "GET"));
    this.auditPageInBrowser = request -> auditPage.matches(request) && html.matches(request);
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    if (!auditPageInBrowser.matches(request)) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      // the messages are constants: nothing of the request (the user name least of all) is echoed
      String message = failure instanceof BadCredentialsException ? REFUSED : NO_CREDENTIALS;
      response.getWriter().write("{\"error\":\"" + message + "\"}");
      return;
    }
    response.sendRedirect(request.getContextPath() + webappPath + "/app/tasklist/" + engineName.get() + "/?"
        + RETURN_PARAMETER + "=" + URLEncoder.encode(request.getRequestURI(), StandardCharsets.UTF_8));
  }
}
