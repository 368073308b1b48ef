package dev.flotilla.controller.detector;

import dev.flotilla.policies.trust.Provenance;

/** Which kinds can be resource templates: anything but Flotilla's own control-plane kinds. */
final class Templates {
  private Templates() {}

  static boolean isPropagatableKind(String apiVersion, String kind) {
    return Provenance.isPropagatableKind(apiVersion, kind);
  }
}
