package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.ClusterAffinityMatcher;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * ClusterTaintPolicy ({@code policy.karmada.io/v1alpha1}), pure: the taints a Cluster should carry
 * after every policy that targets it had its say, oldest policy first. A policy adds its taints
 * when all of its {@code addOnConditions} match the Cluster's status conditions and then removes
 * them when all of its {@code removeOnConditions} do; taints are compared by key and effect, and a
 * policy with no conditions of a kind never acts that way.
 */
public final class ClusterTaintRules {
  private ClusterTaintRules() {}

  /** The cluster's taints after {@code policies} (sorted by creationTimestamp by the caller). */
  public static ArrayNode apply(JsonNode cluster, List<JsonNode> policies, Instant now) {
    ArrayNode taints =
        cluster.path("spec").path("taints").isArray()
            ? (ArrayNode) cluster.path("spec").path("taints").deepCopy()
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    JsonNode conditions = cluster.path("status").path("conditions");
    for (JsonNode policy : policies) {
      JsonNode spec = policy.path("spec");
      JsonNode target = spec.get("targetClusters");
      if (target != null && !target.isNull() && !ClusterAffinityMatcher.matches(cluster, target)) {
        continue;
      }
      if (matches(conditions, spec.path("addOnConditions"))) {
        for (JsonNode t : spec.path("taints")) {
          if (indexOf(taints, t) < 0) {
            ObjectNode added = taints.addObject();
            added.put("key", t.path("key").asText());
            if (!t.path("value").asText("").isEmpty()) {
              added.put("value", t.path("value").asText());
            }
            added.put("effect", t.path("effect").asText());
            added.put("timeAdded", now.truncatedTo(ChronoUnit.SECONDS).toString());
          }
        }
      }
      if (matches(conditions, spec.path("removeOnConditions"))) {
        for (JsonNode t : spec.path("taints")) {
          int i = indexOf(taints, t);
          if (i >= 0) {
            taints.remove(i);
          }
        }
      }
    }
    return taints;
  }

  /**
   * Every match condition holds (In: status among the values; NotIn: a condition of the type is
   * present and its status is not); false for no conditions or an unknown operator.
   */
  static boolean matches(JsonNode conditions, JsonNode matchConditions) {
    if (matchConditions.isEmpty()) {
      return false;
    }
    for (JsonNode m : matchConditions) {
      boolean match = false;
      for (JsonNode c : conditions) {
        if (!m.path("conditionType").asText().equals(c.path("type").asText())) {
          continue;
        }
        boolean listed = false;
        for (JsonNode v : m.path("statusValues")) {
          listed |= v.asText().equals(c.path("status").asText());
        }
        switch (m.path("operator").asText()) {
          case "In" -> match = listed;
          case "NotIn" -> match = !listed;
          default -> {
            return false;
          }
        }
      }
      if (!match) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(ArrayNode taints, JsonNode taint) {
    for (int i = 0; i < taints.size(); i++) {
      JsonNode t = taints.get(i);
      if (t.path("key").asText().equals(taint.path("key").asText())
          && t.path("effect").asText().equals(taint.path("effect").asText())) {
        return i;
      }
    }
    return -1;
  }
}
