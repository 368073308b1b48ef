package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.PatchByName;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Hands the fields the agent's create recorded to its server-side apply manager. A create (POST)
 * makes {@code flotilla} an Update manager; server-side apply only removes fields its Apply manager
 * owns, so without this a field the Work drops after the create would stay in the member. The entry
 * is renamed in one merge patch of {@code metadata.managedFields} (as client-go's csaupgrade moves
 * client-side appliers to server-side apply), guarded by the object's resourceVersion.
 */
final class FieldOwnership {
  private static final String MANAGER = KarmadaMarks.FIELD_MANAGER;

  private FieldOwnership() {}

  /**
   * Before an apply over {@code existing}: when only the agent's create owns fields (no Apply entry
   * of the agent yet), makes that entry the agent's Apply entry. One request, and only then.
   */
  static void adoptCreate(KubernetesClient member, Gvr gvr, GenericKubernetesResource existing) {
    ObjectNode patch = patch(Json.tree(existing));
    if (patch == null) {
      return;
    }
    String namespace = gvr.namespaced() ? existing.getMetadata().getNamespace() : null;
    String name = existing.getMetadata().getName();
    try {
      PatchByName.merge(member, gvr.context(), namespace, name, null, patch.toString());
    } catch (RuntimeException e) {
      if (!ApiErrors.isConflict(e)) {
        throw e;
      }
      // Changed since the cache saw it: decide again on the object as it is now.
      var op = member.genericKubernetesResources(gvr.context());
      GenericKubernetesResource now =
          (namespace == null ? op.withName(name) : op.inNamespace(namespace).withName(name)).get();
      ObjectNode again = now == null ? null : patch(Json.tree(now));
      if (again != null) {
        PatchByName.merge(member, gvr.context(), namespace, name, null, again.toString());
      }
    }
  }

  /** The merge patch that renames the agent's create entry, or null when none is needed. */
  static ObjectNode patch(ObjectNode object) {
    JsonNode entries = object.path("metadata").path("managedFields");
    int created = -1;
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      if (!MANAGER.equals(e.path("manager").asText()) || e.hasNonNull("subresource")) {
        continue;
      }
      String operation = e.path("operation").asText();
      if ("Apply".equals(operation)) {
        return null; // the agent has applied this object: its Apply entry is the one that counts
      }
      if ("Update".equals(operation)) {
        created = i;
      }
    }
    if (created < 0) {
      return null;
    }
    ArrayNode renamed = entries.deepCopy();
    ((ObjectNode) renamed.get(created)).put("operation", "Apply");
    ObjectNode patch = Json.object();
    ObjectNode meta = Json.metadata(patch);
    meta.put("resourceVersion", Json.text(object, "metadata", "resourceVersion"));
    meta.set("managedFields", renamed);
    return patch;
  }
}
