package dev.flotilla.controller.detector;

import java.util.Set;

/** Which kinds can be resource templates: anything but Flotilla's own control-plane kinds. */
final class Templates {
  /** Policies, bindings, Works and Clusters steer propagation; they are never propagated. */
  private static final Set<String> CONTROL_PLANE_GROUPS =
      Set.of("policy.karmada.io", "work.karmada.io", "cluster.karmada.io");

  private Templates() {}

  static boolean isPropagatableKind(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return !CONTROL_PLANE_GROUPS.contains(group) && !(group.isEmpty() && kind.equals("Event"));
  }
}
