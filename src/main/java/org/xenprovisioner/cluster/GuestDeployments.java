package org.xenprovisioner.cluster;

import static org.xenprovisioner.process.BatchProcess.GROUP_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.GUEST_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.GUEST_PROCESS_RESOURCE;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing guests to their Dom0 with the engine's own means: each node deploys {@code provision-guest}
 * with its Dom0's name as tenant, the batch's call activity starts each guest in the tenant of the
 * guest's Dom0, and the job executor is deployment-aware: a node acquires the jobs of every
 * {@code provision-batch} deployment (which only touch the database, so any node may run them) and
 * of its own tenant's guest deployments, never another Dom0's (docs/cluster.md says why this and not
 * job priority ranges).
 */
final class GuestDeployments {

  private static final Logger LOG = LoggerFactory.getLogger(GuestDeployments.class);

  private GuestDeployments() {
  }

  /** Deploys this Dom0's guest process; unchanged content makes no new version. */
  static void deploy(ProcessEngine engine, String dom0) {
    try (InputStream bpmn = GuestDeployments.class.getClassLoader().getResourceAsStream(GUEST_PROCESS_RESOURCE)) {
      if (bpmn == null) {
        throw new IllegalStateException(GUEST_PROCESS_RESOURCE + " is missing from the application");
      }
      // the name must be the tenant's own: with duplicate filtering the engine compares with the latest
      // deployment of that name, in any tenant, and would hand back another Dom0's deployment
      engine.getRepositoryService().createDeployment().name(GUEST_PROCESS_KEY + "@" + dom0).tenantId(dom0)
          .addInputStream(GUEST_PROCESS_RESOURCE, bpmn).enableDuplicateFiltering(true).deploy();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + GUEST_PROCESS_RESOURCE, e);
    }
  }

  /**
   * Makes the job executor take exactly this node's jobs: every batch and group deployment and this Dom0's
   * guest deployments, every version of both (older instances keep running on the versions they
   * started with), and nothing registered otherwise.
   */
  static void register(ProcessEngine engine, String dom0) {
    RepositoryService repository = engine.getRepositoryService();
    Set<String> own = new TreeSet<>();
    for (ProcessDefinition definition : repository.createProcessDefinitionQuery()
        .processDefinitionKeyIn(PROCESS_KEY, GROUP_PROCESS_KEY).withoutTenantId().list()) {
      own.add(definition.getDeploymentId());
    }
    for (ProcessDefinition definition : repository.createProcessDefinitionQuery().processDefinitionKey(GUEST_PROCESS_KEY)
        .tenantIdIn(dom0).list()) {
      own.add(definition.getDeploymentId());
    }
    ManagementService management = engine.getManagementService();
    Set<String> registered = management.getRegisteredDeployments();
    for (String id : own) {
      if (!registered.contains(id)) {
        management.registerDeploymentForJobExecutor(id);
      }
    }
    for (String id : registered) {
      if (!own.contains(id)) {
        LOG.debug("Not taking the jobs of deployment {}: it is not this Dom0's", id);
        management.unregisterDeploymentForJobExecutor(id);
      }
    }
  }
}
