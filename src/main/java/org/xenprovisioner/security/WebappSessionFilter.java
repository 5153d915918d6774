package org.xenprovisioner.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a user who is logged in to the Camunda webapps read {@code /api} and the audit page in the
 * same browser. Only for reading: a cookie rides along on cross-site requests, so anything that
 * changes state still needs HTTP Basic, which a foreign page cannot send on the user's behalf.
 */
class WebappSessionFilter extends OncePerRequestFilter {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

  private final RequestMatcher paths;

  /** Reads the session only for these paths (our API and audit page, never the engine REST API). */
  WebappSessionFilter(RequestMatcher paths) {
    this.paths = paths;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (SAFE_METHODS.contains(request.getMethod()) && paths.matches(request) && SecurityContextHolder.getContext().getAuthentication() == null) {
      WebappSession.user(request).ifPresent(user -> {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(user);
        SecurityContextHolder.setContext(context);
      });
    }
    chain.doFilter(request, response);
  }
}
