package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.policies.interpreter.Operation;
import dev.flotilla.policies.interpreter.PodRequirements;
import dev.flotilla.policies.interpreter.lua.LuaSandbox;
import dev.flotilla.policies.quota.FederatedQuotas;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Karmada's webhook rules for a FederatedResourceQuota (a valid name, cluster names, no negative
 * quantity, no assignment of a resource {@code overall} leaves out, assignments summing to no more
 * than {@code overall}) and for a ResourceInterpreterCustomization (every Lua script compiles).
 * Messages are Karmada's.
 */
final class FederatedQuotaRules {
  private static final int NAME_MAX = 63;

  private FederatedQuotaRules() {}

  static void check(JsonNode quota, List<FieldError> errors) {
    String name = quota.path("metadata").path("name").asText("");
    if (name.length() > NAME_MAX) {
      errors.add(
          FieldError.invalid(
              "metadata.name",
              TextNode.valueOf(name),
              "must be no more than " + NAME_MAX + " characters"));
    }
    JsonNode spec = quota.path("spec");
    Map<String, BigDecimal> overall = quantities(spec.path("overall"), "spec.overall", errors);
    Map<String, BigDecimal> assigned = new TreeMap<>();
    JsonNode assignments = spec.path("staticAssignments");
    for (int i = 0; i < assignments.size(); i++) {
      String path = "spec.staticAssignments[" + i + "]";
      JsonNode a = assignments.get(i);
      KarmadaPolicyRules.clusterName(
          a.path("clusterName").asText(""), path + ".clusterName", errors);
      Map<String, BigDecimal> hard = quantities(a.path("hard"), path + ".hard", errors);
      for (String resource : hard.keySet()) {
        if (!spec.path("overall").has(resource)) {
          errors.add(
              FieldError.invalid(
                  path + ".hard[" + resource + "]",
                  TextNode.valueOf(resource),
                  "assignment resourceName is not exist in overall"));
        }
      }
      FederatedQuotas.add(assigned, hard);
    }
    overall.forEach(
        (resource, limit) -> {
          BigDecimal sum = assigned.getOrDefault(resource, BigDecimal.ZERO);
          if (limit.compareTo(sum) < 0) {
            errors.add(
                FieldError.invalid(
                    "spec.overall[" + resource + "]",
                    TextNode.valueOf(PodRequirements.format(limit)),
                    "overall is less than assignments"));
          }
        });
  }

  private static Map<String, BigDecimal> quantities(
      JsonNode list, String path, List<FieldError> errors) {
    Map<String, BigDecimal> amounts = FederatedQuotas.resourceList(list);
    amounts.forEach(
        (resource, amount) -> {
          if (amount.signum() < 0) {
            errors.add(
                FieldError.invalid(
                    path + "[" + resource + "]",
                    list.get(resource),
                    "must be greater than or equal to 0"));
          }
        });
    return amounts;
  }

  /** Every script of a ResourceInterpreterCustomization must compile. */
  static void luaScripts(JsonNode spec, List<FieldError> errors) {
    for (Operation op : Operation.values()) {
      JsonNode script = spec.path("customizations").path(op.field()).path("luaScript");
      if (!script.isTextual()) {
        continue;
      }
      LuaSandbox.compileError(script.asText())
          .ifPresent(
              e ->
                  errors.add(
                      FieldError.invalid(
                          "spec.customizations." + op.field() + ".luaScript",
                          TextNode.valueOf(op.field()),
                          "Lua script error: " + e)));
    }
  }
}
