package org.xenprovisioner.cluster;

import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/dom0s}: every Dom0 a node registered, when its node was last seen, and whether it is alive. */
@RestController
class Dom0Controller {

  private final Dom0Registry registry;

  Dom0Controller(Dom0Registry registry) {
    this.registry = registry;
  }

  /** One Dom0 as the API shows it; extends the contract with its mount directory, problem, version and start. */
  record Dom0View(String name, Instant lastSeen, boolean alive, String imageDir, String xenConfigDir, String mountDir,
                  String baseImage, String baseImageProblem, String version, Instant startedAt) {

    static Dom0View of(Dom0 dom0) {
      return new Dom0View(dom0.name(), dom0.lastSeen(), dom0.alive(), dom0.imageDir().toString(),
          dom0.xenConfigDir().toString(), dom0.mountDir().toString(),
          dom0.baseImage() == null ? null : dom0.baseImage().toString(), dom0.baseImageProblem(), dom0.version(),
          dom0.startedAt());
    }
  }

  @GetMapping("/api/dom0s")
  List<Dom0View> list() {
    return registry.list().stream().map(Dom0View::of).toList();
  }
}
