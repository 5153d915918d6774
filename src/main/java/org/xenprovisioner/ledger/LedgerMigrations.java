package org.xenprovisioner.ledger;

import java.util.Map;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * The ledger's migrations (db/migration) may name this node's Dom0 as {@code ${dom0}}: rows written
 * before the cluster (V2) were all made on it.
 */
@Configuration(proxyBeanMethods = false)
class LedgerMigrations {

  @Bean
  FlywayConfigurationCustomizer dom0Placeholder(ProvisionerProperties properties) {
    return flyway -> flyway.placeholders(Map.of("dom0", properties.dom0Name()));
  }
}
