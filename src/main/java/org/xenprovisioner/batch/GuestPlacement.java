package org.xenprovisioner.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListError;
import org.xenprovisioner.intake.VmListRejectedException;

/**
 * Places every guest of a list on its Dom0: the one its row names, or this node's. Refuses, with
 * line and column, a Dom0 no node ever registered and a Dom0 whose base image cannot be used
 * (this node's own as it is now, any other as its node last said); this node's own directories must
 * also be writable when guests go there.
 */
@Component
class GuestPlacement {

  private final Dom0s dom0s;

  GuestPlacement(Dom0s dom0s) {
    this.dom0s = dom0s;
  }

  /** A guest, its Dom0 named, and the Dom0 it goes to; {@code macAssigned} once {@link MacAssignment} gave it its MAC. */
  record Placed(Guest guest, Dom0s.Target dom0, boolean macAssigned) {

    Placed(Guest guest, Dom0s.Target dom0) {
      this(guest, dom0, false);
    }

    GuestPaths paths() {
      return dom0.layout().pathsOf(guest.hostname());
    }
  }

  List<Placed> place(VmList list) {
    Map<String, Dom0s.Target> targets = dom0s.targets();
    List<VmListError> errors = new ArrayList<>();
    Set<String> refused = new HashSet<>();
    List<Placed> placed = new ArrayList<>();
    for (Guest guest : list.guests()) {
      String name = guest.dom0() == null ? dom0s.own() : guest.dom0();
      Dom0s.Target target = targets.get(name);
      if (target == null) {
        errors.add(new VmListError(guest.line(), "dom0", "Dom0 '" + name + "' is unknown: no node has registered it "
            + "(the Dom0s are " + String.join(", ", targets.keySet()) + "; GET /api/dom0s)"));
        continue;
      }
      if (refused.add(name)) {
        errors.addAll(problems(target, guest.line()));
      }
      placed.add(new Placed(guest.on(name), target));
    }
    if (!errors.isEmpty()) {
      throw new VmListRejectedException(errors);
    }
    return placed;
  }

  /** Why no guest can go to the Dom0, once per Dom0; this node's own problems are the batch's, not a line's. */
  private static List<VmListError> problems(Dom0s.Target target, int line) {
    List<VmListError> errors = new ArrayList<>();
    if (target.local()) {
      if (target.baseImageProblem() != null) {
        errors.add(new VmListError(0, null, target.baseImageProblem()));
      }
      usableDirectory(errors, "provisioner.image-dir", target.layout().imageDir());
      usableDirectory(errors, "provisioner.xen-config-dir", target.layout().xenConfigDir());
    } else if (target.baseImageProblem() != null || target.baseImageFingerprint() == null) {
      errors.add(new VmListError(line, "dom0", "Dom0 " + target.name() + " cannot take guests: "
          + (target.baseImageProblem() != null ? target.baseImageProblem() : "its node reported no usable base image")));
    }
    return errors;
  }

  private static void usableDirectory(List<VmListError> errors, String property, Path directory) {
    if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
      errors.add(new VmListError(0, null, property + " " + directory + " is not a writable directory"));
    }
  }
}
