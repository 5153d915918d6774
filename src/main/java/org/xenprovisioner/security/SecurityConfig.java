package org.xenprovisioner.security;

import static org.xenprovisioner.process.BatchProcess.GROUP_APPROVERS;
import static org.xenprovisioner.process.BatchProcess.GROUP_OPERATORS;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.ContainerBasedAuthenticationProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * Nothing answers anonymously but the webapps' login pages and their static assets.
 * {@code /api}, the audit page and {@code /engine-rest} take HTTP Basic with the engine's users
 * ({@code /api} and the audit page also read-only with a webapp login); the Camunda webapps keep
 * their own session login and CSRF protection, behind a gate that answers {@code 401} to requests
 * without that login.
 */
@Configuration
class SecurityConfig {

  /** What the webapps' login pages load before anyone is logged in. */
  private static final String[] WEBAPP_PUBLIC = {
      "/", "/camunda", "/camunda/", "/camunda/app/**", "/camunda/lib/**", "/camunda/assets/**",
      "/camunda/api/*/plugin/*/static/**",
      "/camunda/api/admin/auth/user/*", "/camunda/api/admin/auth/user/*/login/*", "/camunda/api/admin/auth/user/*/logout",
      "/camunda/api/engine/engine", "/camunda/api/engine/engine/"};

  static final String REALM = "xen-provisioner";
  /** The groups that may read batches; anyone else who logs in gets 403 from /api. */
  static final String[] BATCH_READERS = {GROUP_OPERATORS, GROUP_APPROVERS, UserBootstrap.ADMIN_GROUP};
  /** Our pages and API load nothing from elsewhere and run no inline script or style. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  @Bean
  @Order(1)
  SecurityFilterChain apiSecurity(HttpSecurity http, EngineUserAuthenticationProvider users, ObjectProvider<ProcessEngine> engine,
                                 @Value("${camunda.bpm.webapp.application-path:/camunda}") String webappPath) throws Exception {
    AuditLoginEntryPoint entryPoint = new AuditLoginEntryPoint(REALM, webappPath, () -> engine.getObject().getName());
    return http
        .securityMatcher(new OrRequestMatcher(ant("/api/**"), ant("/engine-rest/**"), ant("/audit"), ant("/audit/**")))
        .authenticationProvider(users)
        // the engine REST API takes HTTP Basic only; the webapps' session reads our API and audit page
        .addFilterAfter(new WebappSessionFilter(new OrRequestMatcher(ant("/api/**"), ant("/audit"), ant("/audit/**"))),
            BasicAuthenticationFilter.class)
        .authorizeHttpRequests(requests -> requests
            .requestMatchers(ant("/api/**")).hasAnyAuthority(BATCH_READERS)
            .anyRequest().authenticated())
        // a browser opening the audit page goes to Tasklist's login and comes back; everything else gets 401
        // (a refused password too: httpBasic below answers with the same entry point)
        .exceptionHandling(errors -> errors
            .authenticationEntryPoint(entryPoint)
            .accessDeniedHandler((request, response, denied) -> {
              response.setStatus(HttpStatus.FORBIDDEN.value());
              response.setContentType("application/json");
              response.getWriter().write("{\"error\":\"User " + jsonSafe(request.getRemoteUser())
                  + " is in none of the groups " + String.join(", ", BATCH_READERS) + "\"}");
            }))
        .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
        .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(entryPoint))
        // the webapps' session is read, never renewed here: a new id per request would strand parallel requests
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS)
            .sessionFixation(fixation -> fixation.none()))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain webappSecurity(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(requests -> requests
            .requestMatchers(publicWebappPaths()).permitAll()
            // the error page of a request that already passed (or was refused by) its own chain
            .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
            .anyRequest().access(loggedInToWebapp()))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
        .csrf(csrf -> csrf.disable())
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()))
        .build();
  }

  /** Hands the Spring-authenticated user and their groups to the engine for each engine REST call. */
  @Bean
  FilterRegistrationBean<Filter> engineRestAuthentication() {
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.addUrlPatterns("/engine-rest/*");
    registration.addInitParameter("authentication-provider", ContainerBasedAuthenticationProvider.class.getName());
    registration.setName("engine-rest-authentication");
    registration.setOrder(10);
    return registration;
  }

  /** After the security filters (an anonymous body is never read), before the engine REST API reads it. */
  @Bean
  FilterRegistrationBean<Filter> engineRestLimits(ProvisionerProperties properties,
                                               @Value("${camunda.bpm.webapp.application-path:/camunda}") String webappPath) {
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(
        new EngineRestLimits(properties.maxEngineRestBodyBytes()));
    registration.addUrlPatterns("/engine-rest/*", webappPath + "/api/*");
    registration.setName("engine-rest-limits");
    registration.setOrder(0);
    return registration;
  }

  /** Engine user ids are letters and digits; anything else is dropped rather than escaped. */
  private static String jsonSafe(String user) {
    return user == null ? "" : user.replaceAll("[^A-Za-z0-9._@-]", "");
  }

  private static RequestMatcher publicWebappPaths() {
    return new OrRequestMatcher(java.util.Arrays.stream(WEBAPP_PUBLIC).map(SecurityConfig::ant).toArray(RequestMatcher[]::new));
  }

  /** Anonymous access is refused with 401; the webapps' own filters then decide what a logged-in user may do. */
  private static AuthorizationManager<RequestAuthorizationContext> loggedInToWebapp() {
    return (authentication, context) -> new AuthorizationDecision(WebappSession.user(context.getRequest()).isPresent());
  }

  private static RequestMatcher ant(String pattern) {
    return new AntPathRequestMatcher(pattern);
  }
}
