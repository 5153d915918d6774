package org.xenprovisioner.cluster;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The node's heartbeat runs on Spring's scheduler. */
@Configuration
@EnableScheduling
class SchedulingConfiguration {
}
