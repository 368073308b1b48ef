package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a ClusterTaintPolicy must satisfy beyond its schema: Karmada's webhook refuses two taints of
 * one key and effect; an operator other than In or NotIn, a status that is not True, False or
 * Unknown, or an effect Kubernetes does not know would make the policy silently never act, so they
 * are refused too. NoExecute taints are allowed (Karmada needs a flag for them): the hub's taint
 * manager acts on them, which is the point of such a policy.
 */
final class ClusterTaintPolicyRules {
  private static final List<String> OPERATORS = List.of("In", "NotIn");
  private static final List<String> STATUSES = List.of("True", "False", "Unknown");
  private static final List<String> EFFECTS =
      List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private ClusterTaintPolicyRules() {}

  static void check(JsonNode spec, List<FieldError> errors) {
    JsonNode taints = spec.path("taints");
    for (int i = 0; i < taints.size(); i++) {
      JsonNode t = taints.get(i);
      String effect = t.path("effect").asText("");
      if (!EFFECTS.contains(effect)) {
        errors.add(FieldError.notSupported("spec.taints[" + i + "].effect", effect, EFFECTS));
      }
      for (int j = i + 1; j < taints.size(); j++) {
        if (t.path("key").asText("").equals(taints.get(j).path("key").asText(""))
            && effect.equals(taints.get(j).path("effect").asText(""))) {
          errors.add(
              FieldError.forbidden(
                  "spec.taints[" + j + "]",
                  "duplicate taint with the same key("
                      + t.path("key").asText("")
                      + ") and effect("
                      + effect
                      + ") is not allowed"));
        }
      }
    }
    conditions(spec.path("addOnConditions"), "spec.addOnConditions", errors);
    conditions(spec.path("removeOnConditions"), "spec.removeOnConditions", errors);
  }

  private static void conditions(JsonNode list, String path, List<FieldError> errors) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String operator = c.path("operator").asText("");
      if (!OPERATORS.contains(operator)) {
        errors.add(FieldError.notSupported(path + "[" + i + "].operator", operator, OPERATORS));
      }
      JsonNode values = c.path("statusValues");
      for (int j = 0; j < values.size(); j++) {
        if (!STATUSES.contains(values.get(j).asText(""))) {
          errors.add(
              FieldError.notSupported(
                  path + "[" + i + "].statusValues[" + j + "]",
                  values.get(j).asText(""),
                  STATUSES));
        }
      }
    }
  }
}
