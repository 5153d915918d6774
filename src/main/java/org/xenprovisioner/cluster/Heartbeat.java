package org.xenprovisioner.cluster;

import java.util.Optional;
import org.camunda.bpm.engine.ProcessEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Registers this node's Dom0 in the shared database before the application takes requests, then
 * keeps it fresh: every {@code provisioner.heartbeat-interval} it marks the node as seen, says what
 * it knows of its base image now, registers the job executor for batch versions another node
 * deployed since, and takes over the batch-wide jobs of nodes that stopped beating ({@link DeadNodeJobs}).
 */
@Component
class Heartbeat implements InitializingBean {

  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final ThisDom0 dom0;
  private final Dom0Registry registry;
  private final ProcessEngine engine;
  private final DeadNodeJobs deadNodes;
  private final EmbeddedDatabaseTrouble embeddedDatabase;

  Heartbeat(ThisDom0 dom0, Dom0Registry registry, ProcessEngine engine, DeadNodeJobs deadNodes,
            EmbeddedDatabaseTrouble embeddedDatabase) {
    this.embeddedDatabase = embeddedDatabase;
    this.dom0 = dom0;
    this.registry = registry;
    this.engine = engine;
    this.deadNodes = deadNodes;
  }

  @Override
  public void afterPropertiesSet() {
    Optional<NodeId> holder = registry.holderOf(dom0.name());
    registry.register(dom0.registration()).filter(Dom0::alive).ifPresent(before -> {
      if (holder.filter(dom0.nodeId()::succeeds).isPresent()) {
        LOG.info("Dom0 {}: this node's previous run on this machine (pid {}, last seen {}) stopped without deregistering; "
            + "taking over from it", before.name(), holder.get().pid(), before.lastSeen());
      } else {
        LOG.warn("Dom0 {} was registered by a node seen {} (database time): if that node still runs, two nodes now share "
            + "one Dom0 name; give each node its own provisioner.dom0", before.name(), before.lastSeen());
      }
    });
    ThisDom0.BaseImageStatus base = dom0.baseImage();
    LOG.info("This node provisions on Dom0 {}: images in {}, domain configs in {}, base image {}", dom0.name(),
        dom0.layout().imageDir(), dom0.layout().xenConfigDir(), base.usable() ? base.path() : base.problem());
  }

  @Scheduled(fixedDelayString = "${provisioner.heartbeat-interval:PT10S}", initialDelayString = "${provisioner.heartbeat-interval:PT10S}")
  void beat() {
    try {
      if (!registry.heartbeat(dom0.registration())) {
        LOG.error("Another node has registered Dom0 {} since this one started; give each node its own provisioner.dom0",
            dom0.name());
      }
      GuestDeployments.register(engine, dom0.name());
      deadNodes.takeOver();
      deadNodes.releaseOwnLeftOvers();
    } catch (RuntimeException e) {
      if (!embeddedDatabase.explain(e)) {
        LOG.warn("Heartbeat of Dom0 {} failed: {}", dom0.name(), e.getMessage());
      }
    }
  }
}
