package org.xenprovisioner.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.files.DomainConfigWriter;
import org.xenprovisioner.host.files.GuestConfigWriter;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.host.image.ReadOnlyLook;
import org.xenprovisioner.intake.Guest;

/**
 * The files steps 4 and 6 will write and remove for guests of this node's Dom0, rendered by the
 * writers the steps use ({@link GuestConfigWriter#plan}, {@link DomainConfigWriter#plan}) from this
 * node's templates, the guest's paths of this node's layout, and one read-only look into this
 * node's base image (a guest is a copy of it, so what step 4 finds in the guest is there already:
 * the family {@code auto} detects, netplan, cloud-init, SSH host keys, machine id).
 */
@Component
public class GuestPlanner {

  private final GuestConfigWriter guestFiles;
  private final DomainConfigWriter domainConfigs;
  private final ReadOnlyLook look;
  private final HostLayout layout;
  private final Path baseImage;

  GuestPlanner(GuestConfigWriter guestFiles, DomainConfigWriter domainConfigs, ReadOnlyLook look, HostLayout layout,
               ProvisionerProperties properties) {
    this.guestFiles = guestFiles;
    this.domainConfigs = domainConfigs;
    this.look = look;
    this.layout = layout;
    this.baseImage = properties.baseImagePath();
  }

  /** A guest to plan, with its owner (batch and guest) as its files will be marked. */
  public record Request(Guest guest, String owner) {
  }

  /** A guest's files in the order the steps handle them, or why they cannot be rendered (the guest would fail so). */
  public record Plan(String hostname, List<GuestFile> files, String problem) {
  }

  /** The plans of the guests, in their order, from one read-only look into the base image. */
  public List<Plan> plan(List<Request> guests) {
    if (guests.isEmpty()) {
      return List.of();
    }
    if (baseImage == null) {
      return failed(guests, "provisioner.base-image is not set on this node");
    }
    try {
      return look.into(baseImage, root -> guests.stream().map(request -> plan(root, request)).toList());
    } catch (HostOperationException e) {
      return failed(guests, e.getMessage());
    }
  }

  private Plan plan(Path baseRoot, Request request) {
    Guest guest = request.guest();
    try {
      GuestPaths paths = layout.pathsOf(guest.hostname());
      List<GuestFile> files = new ArrayList<>(guestFiles.plan(baseRoot, guest, paths.image(), request.owner()));
      files.add(domainConfigs.plan(paths.domainConfig(), guest, paths.image(), request.owner()));
      return new Plan(guest.hostname(), files, null);
    } catch (HostOperationException e) {
      return new Plan(guest.hostname(), null, e.getMessage());
    }
  }

  private static List<Plan> failed(List<Request> guests, String problem) {
    return guests.stream().map(request -> new Plan(request.guest().hostname(), null, problem)).toList();
  }
}
