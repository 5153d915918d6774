package org.xenprovisioner.batch;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The audit page is static (src/main/resources/static/audit) and reads {@code /api/batches}. */
@Configuration
class AuditPage implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/audit", "/audit/index.html");
    registry.addRedirectViewController("/audit/", "/audit/index.html");
  }
}
