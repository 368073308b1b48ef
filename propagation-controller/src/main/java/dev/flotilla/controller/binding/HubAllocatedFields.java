package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Values the hub's API server allocated rather than the user wrote: node ports of NodePort and
 * LoadBalancer Services. A member allocates its own; sending the hub's would pin every member to a
 * port that may be taken there. Whether the user wrote a value is read from the template's
 * managedFields: an allocated port has no manager. (Cluster IPs are dropped by the agent, as
 * Karmada's prune does.)
 */
final class HubAllocatedFields {
  private HubAllocatedFields() {}

  /** Removes from {@code manifest} the node ports no manager of {@code template} owns. */
  static void strip(ObjectNode manifest, JsonNode template) {
    if (!"Service".equals(template.path("kind").asText())
        || !"v1".equals(template.path("apiVersion").asText())
        || !(manifest.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    JsonNode managed = template.path("metadata").path("managedFields");
    if (!managed.isArray() || managed.isEmpty()) {
      return; // nobody recorded: we cannot tell a user's port from an allocated one
    }
    for (JsonNode port : spec.path("ports")) {
      if (port instanceof ObjectNode p && p.has("nodePort") && !ownsNodePort(managed, p)) {
        p.remove("nodePort");
      }
    }
    if (spec.has("healthCheckNodePort") && !owns(managed, "f:healthCheckNodePort")) {
      spec.remove("healthCheckNodePort");
    }
  }

  private static boolean ownsNodePort(JsonNode managed, JsonNode port) {
    String key =
        "k:{\"port\":"
            + port.path("port").asInt()
            + ",\"protocol\":\""
            + port.path("protocol").asText("TCP")
            + "\"}";
    for (JsonNode entry : managed) {
      if (entry.path("fieldsV1").path("f:spec").path("f:ports").path(key).has("f:nodePort")) {
        return true;
      }
    }
    return false;
  }

  private static boolean owns(JsonNode managed, String field) {
    for (JsonNode entry : managed) {
      if (entry.path("fieldsV1").path("f:spec").has(field)) {
        return true;
      }
    }
    return false;
  }
}
