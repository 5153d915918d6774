package org.xenprovisioner.host;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xenprovisioner.config.ProvisionerProperties;

/** The host's values that are not components themselves. */
@Configuration
class HostBeans {

  @Bean
  HostLayout hostLayout(ProvisionerProperties properties) {
    return HostLayout.of(properties);
  }
}
