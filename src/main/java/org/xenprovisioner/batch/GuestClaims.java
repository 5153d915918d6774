package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.stereotype.Component;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.host.files.DomainConfigMacs;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmListError;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.SubmittedGuest;

/**
 * Refuses guests whose host name, IP or MAC a batch that is still waiting for approval or running
 * has claimed, on any Dom0 (the ledger is the cluster's), and guests of this node's own Dom0 whose
 * files already exist or whose MAC a domain config already in this node's Xen config directory gives
 * (one made by hand counts as much as ours). Whether a guest's files exist on another Dom0 only that
 * Dom0's node can tell: its step 1 fails the guest then.
 */
@Component
class GuestClaims {

  private final RuntimeService runtime;
  private final BatchLedger ledger;
  private final Dom0s dom0s;

  GuestClaims(RuntimeService runtime, BatchLedger ledger, Dom0s dom0s) {
    this.runtime = runtime;
    this.ledger = ledger;
    this.dom0s = dom0s;
  }

  /**
   * What is taken, read once per submission: {@code claimed} maps {@code column:value} (host name in
   * lower case) to the open batch that claims it, {@code configured} the MACs of this node's domain
   * configs to the file that gives each.
   */
  record Open(Map<String, String> claimed, Map<String, Path> configured) {

    /** The MACs no new guest may take. */
    Set<String> macs() {
      Set<String> macs = new HashSet<>(configured.keySet());
      claimed.keySet().stream().filter(key -> key.startsWith("mac:")).forEach(key -> macs.add(key.substring(4)));
      return macs;
    }
  }

  List<VmListError> conflicts(List<GuestPlacement.Placed> placed, Open open) {
    List<VmListError> errors = new ArrayList<>();
    Map<String, String> claimed = open.claimed();
    for (GuestPlacement.Placed place : placed) {
      Guest guest = place.guest();
      if (place.dom0().local()) {
        GuestPaths paths = place.paths();
        exists(errors, guest, "image", paths.image());
        exists(errors, guest, "domain config", paths.domainConfig());
        Path configuredBy = open.configured().get(guest.mac());
        if (configuredBy != null) {
          errors.add(new VmListError(guest.line(), "mac", guest.mac() + " is already the MAC of domain config " + configuredBy));
        }
      }
      claim(errors, claimed, guest, "hostname", guest.hostname().toLowerCase(Locale.ROOT));
      claim(errors, claimed, guest, "ip", guest.ip());
      claim(errors, claimed, guest, "mac", guest.mac());
    }
    return errors;
  }

  private static void exists(List<VmListError> errors, Guest guest, String what, Path file) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      errors.add(new VmListError(guest.line(), "hostname", what + " " + file + " already exists"));
    }
  }

  private static void claim(List<VmListError> errors, Map<String, String> claimed, Guest guest, String column, String value) {
    String batch = claimed.get(column + ":" + value);
    if (batch != null) {
      errors.add(new VmListError(guest.line(), column, value + " is claimed by batch " + batch + ", which is still open"));
    }
  }

  Open open() {
    List<String> open = runtime.createProcessInstanceQuery().processDefinitionKey(PROCESS_KEY).list().stream()
        .map(ProcessInstance::getId).toList();
    Map<String, String> claims = new HashMap<>();
    for (SubmittedGuest submitted : ledger.guestsOfInstances(open)) {
      Guest guest = submitted.guest();
      claims.putIfAbsent("hostname:" + guest.hostname().toLowerCase(Locale.ROOT), submitted.batchId());
      claims.putIfAbsent("ip:" + guest.ip(), submitted.batchId());
      claims.putIfAbsent("mac:" + guest.mac(), submitted.batchId());
    }
    return new Open(claims, DomainConfigMacs.in(dom0s.ownLayout().xenConfigDir()));
  }
}
