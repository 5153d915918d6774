package org.xenprovisioner.cluster;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostLayout;

/**
 * The Dom0s a guest can be made on, as the node accepting a batch (or showing one) sees them: its
 * own, with its base image as it is now, and every other one registered in the shared database.
 */
@Component
public class Dom0s {

  private final ThisDom0 self;
  private final Dom0Registry registry;

  Dom0s(ThisDom0 self, Dom0Registry registry) {
    this.self = self;
    this.registry = registry;
  }

  /**
   * A Dom0 as a target for guests.
   *
   * @param baseImageFingerprint identity of its base image now, null when it has none it can use
   * @param baseImageProblem why guests cannot be made there, or null
   * @param local whether it is this node's own Dom0 (whose disks this node can look at)
   */
  public record Target(String name, HostLayout layout, String baseImageFingerprint, String baseImageProblem,
                       boolean local) {
  }

  /** This node's Dom0: where rows that name none are made. */
  public String own() {
    return self.name();
  }

  /** Every known Dom0 by name, this node's first. */
  public Map<String, Target> targets() {
    Map<String, Target> targets = new LinkedHashMap<>();
    ThisDom0.BaseImageStatus base = self.baseImage();
    targets.put(self.name(), new Target(self.name(), self.layout(), base.fingerprint(), base.problem(), true));
    for (Dom0 dom0 : registry.list()) {
      targets.putIfAbsent(dom0.name(), new Target(dom0.name(), dom0.layout(), dom0.baseImageFingerprint(),
          dom0.baseImageProblem(), false));
    }
    return targets;
  }

  /**
   * The Dom0s whose node has not been seen for three heartbeat intervals, with when it was last
   * seen (database time); this node's own is never among them.
   */
  public Map<String, Instant> notSeen() {
    Map<String, Instant> down = new LinkedHashMap<>();
    for (Dom0 dom0 : registry.list()) {
      if (!dom0.alive() && !dom0.name().equals(self.name())) {
        down.put(dom0.name(), dom0.lastSeen());
      }
    }
    return down;
  }

  /** Where this node's Dom0 puts guest files. */
  public HostLayout ownLayout() {
    return self.layout();
  }

  /** Where each known Dom0 puts guest files, this node's from its own configuration; one query. */
  public Map<String, HostLayout> layouts() {
    Map<String, HostLayout> layouts = new LinkedHashMap<>();
    layouts.put(self.name(), self.layout());
    for (Dom0 dom0 : registry.list()) {
      layouts.putIfAbsent(dom0.name(), dom0.layout());
    }
    return layouts;
  }
}
