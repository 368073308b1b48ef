package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;

/**
 * What status aggregation reads of one Work: its cluster, whether it applied (and why not), and its
 * first manifest's status and health. Kept per cached version of the Work, so a binding's status is
 * aggregated from a hundred of these without parsing a hundred Works each time one of them reports.
 *
 * @param cluster the member cluster, from the execution namespace
 * @param applied whether the Applied condition is True
 * @param appliedMessage the Applied condition's message when present and not True, else null
 * @param status the first manifest's reported status, or null; shared, never to be changed
 * @param health the first manifest's health, "Unknown" when not reported
 */
record WorkSummary(
    String cluster, boolean applied, String appliedMessage, JsonNode status, String health) {

  /** The summary of a decoded Work: its status is converted to a tree, the rest is not read. */
  static WorkSummary of(io.fabric8.kubernetes.api.model.GenericKubernetesResource work) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = Trees.MAPPER.createObjectNode();
    tree.putObject("metadata").put("namespace", work.getMetadata().getNamespace());
    Object status = work.getAdditionalProperties().get("status");
    if (status != null) {
      tree.set("status", Trees.MAPPER.valueToTree(status));
    }
    return of(tree);
  }

  /** This summary with its cluster name and health replaced by shared instances. */
  WorkSummary sharing(String cluster, String health) {
    return new WorkSummary(cluster, applied, appliedMessage, status, health);
  }

  static WorkSummary of(JsonNode work) {
    String cluster = Names.clusterOf(Trees.text(work, "metadata", "namespace")).orElse(null);
    JsonNode appliedCondition = BindingStatus.condition(work, "Applied");
    boolean ok =
        appliedCondition != null && "True".equals(appliedCondition.path("status").asText());
    String message =
        appliedCondition != null && !ok ? appliedCondition.path("message").asText() : null;
    JsonNode manifestStatus = work.path("status").path("manifestStatuses").path(0);
    return new WorkSummary(
        cluster,
        ok,
        message,
        manifestStatus.has("status") ? manifestStatus.get("status") : null,
        manifestStatus.path("health").asText("Unknown"));
  }
}
