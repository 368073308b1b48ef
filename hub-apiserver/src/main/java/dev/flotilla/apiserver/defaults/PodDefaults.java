package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * Pods get the pod spec defaults a real cluster stores (an empty spec.securityContext among them,
 * which kubectl debug dereferences), on create and on every update, so that ephemeral containers
 * added later are defaulted as containers are.
 */
final class PodDefaults implements ObjectHook {
  @Override
  public void beforeCreate(ResourceType type, ObjectNode obj) {
    apply(obj);
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode updated) {
    apply(updated);
  }

  private static void apply(ObjectNode pod) {
    if (pod.path("spec").isObject()) {
      PodTemplateDefaults.applyToPodSpec((ObjectNode) pod.get("spec"));
    }
  }
}
