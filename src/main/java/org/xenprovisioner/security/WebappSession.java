package org.xenprovisioner.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The user logged in to the Camunda webapps (Cockpit, Tasklist, Admin), read from the HTTP session. */
final class WebappSession {

  private WebappSession() {
  }

  static Optional<Authentication> user(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return Optional.empty();
    }
    Authentications authentications = AuthenticationUtil.getAuthsFromSession(session);
    if (authentications == null) {
      return Optional.empty();
    }
    return authentications.getAuthentications().stream().findFirst().map(WebappSession::token);
  }

  private static Authentication token(UserAuthentication user) {
    List<String> groups = user.getGroupIds() == null ? List.of() : user.getGroupIds();
    return UsernamePasswordAuthenticationToken.authenticated(user.getIdentityId(), null,
        groups.stream().map(SimpleGrantedAuthority::new).toList());
  }
}
