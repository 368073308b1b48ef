package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.JsonSubset;
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
   * Before an apply of {@code desired} over {@code existing}: when the agent's create owns a field
   * the apply leaves out (which the apply must remove), hands the create's fields to the agent's
   * Apply entry. One request, and only then: re-applying what is there writes nothing.
   */
  static void adoptCreate(
      KubernetesClient member, Gvr gvr, GenericKubernetesResource existing, ObjectNode desired) {
    ObjectNode patch = patch(Json.tree(existing), desired);
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
      ObjectNode again = now == null ? null : patch(Json.tree(now), desired);
      if (again != null) {
        PatchByName.merge(member, gvr.context(), namespace, name, null, again.toString());
      }
    }
  }

  /**
   * The merge patch that folds the agent's create entry into its Apply entry, or null when there is
   * none or when every field it owns is one {@code desired} sets (nothing to remove).
   */
  static ObjectNode patch(ObjectNode object, ObjectNode desired) {
    JsonNode entries = object.path("metadata").path("managedFields");
    int created = -1;
    int applied = -1;
    for (int i = 0; i < entries.size(); i++) {
      JsonNode e = entries.get(i);
      if (!MANAGER.equals(e.path("manager").asText()) || e.hasNonNull("subresource")) {
        continue;
      }
      String operation = e.path("operation").asText();
      if ("Apply".equals(operation)) {
        applied = i;
      } else if ("Update".equals(operation)) {
        created = i;
      }
    }
    if (created < 0 || covers(desired, entries.get(created).path("fieldsV1"))) {
      return null;
    }
    ArrayNode next = Json.MAPPER.createArrayNode();
    for (int i = 0; i < entries.size(); i++) {
      ObjectNode e = ((ObjectNode) entries.get(i)).deepCopy();
      if (i == created && applied < 0) {
        e.put("operation", "Apply");
      } else if (i == created) {
        continue;
      } else if (i == applied) {
        ObjectNode union = e.path("fieldsV1").isObject() ? (ObjectNode) e.get("fieldsV1") : null;
        if (union == null) {
          union = e.putObject("fieldsV1");
        }
        merge(union, entries.get(created).path("fieldsV1"));
      }
      next.add(e);
    }
    ObjectNode patch = Json.object();
    ObjectNode meta = Json.metadata(patch);
    meta.put("resourceVersion", Json.text(object, "metadata", "resourceVersion"));
    meta.set("managedFields", next);
    return patch;
  }

  /**
   * True when {@code live} already holds every value of {@code config} and the agent owns no field
   * {@code config} leaves out: applying it would change nothing in the object.
   */
  static boolean alreadyApplied(ObjectNode live, ObjectNode config) {
    if (!JsonSubset.contains(live, config)) {
      return false;
    }
    for (JsonNode e : live.path("metadata").path("managedFields")) {
      if (MANAGER.equals(e.path("manager").asText())
          && !e.hasNonNull("subresource")
          && !covers(config, e.path("fieldsV1"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when every field in {@code fields} (a fieldsV1 trie) is set in {@code value}. List items
   * ({@code k:}, {@code v:}, {@code i:}) are not matched without the schema: they count as not
   * covered, so such objects are handed over.
   */
  private static boolean covers(JsonNode value, JsonNode fields) {
    var it = fields.fields();
    while (it.hasNext()) {
      var f = it.next();
      String key = f.getKey();
      if (key.equals(".")) {
        continue;
      }
      if (!key.startsWith("f:") || !value.isObject()) {
        return false;
      }
      JsonNode child = value.get(key.substring(2));
      if (child == null || child.isNull() || !covers(child, f.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static void merge(ObjectNode into, JsonNode from) {
    var it = from.fields();
    while (it.hasNext()) {
      var f = it.next();
      JsonNode have = into.get(f.getKey());
      if (have instanceof ObjectNode o && f.getValue().isObject()) {
        merge(o, f.getValue());
      } else if (have == null) {
        into.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }
}
