package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The manifest for one cluster after overrides, and what was applied to it.
 *
 * @param object the overridden copy (the template passed in is never modified)
 * @param clusterOverrides rules of ClusterOverridePolicies, in application order
 * @param overrides rules of OverridePolicies, in application order
 */
public record OverrideResult(
    ObjectNode object, List<AppliedOverride> clusterOverrides, List<AppliedOverride> overrides) {

  public OverrideResult {
    clusterOverrides = List.copyOf(clusterOverrides);
    overrides = List.copyOf(overrides);
  }

  /** Names of the ClusterOverridePolicies applied, each once, in application order. */
  public List<String> appliedClusterOverridePolicies() {
    return names(clusterOverrides);
  }

  /** Names of the OverridePolicies applied, each once, in application order. */
  public List<String> appliedOverridePolicies() {
    return names(overrides);
  }

  /**
   * Value for the Work annotation {@code policy.karmada.io/applied-cluster-overrides}, or null if
   * none.
   */
  public String clusterOverridesAnnotation() {
    return annotation(clusterOverrides);
  }

  /** Value for the Work annotation {@code policy.karmada.io/applied-overrides}, or null if none. */
  public String overridesAnnotation() {
    return annotation(overrides);
  }

  private static List<String> names(List<AppliedOverride> applied) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    applied.forEach(a -> out.add(a.policyName()));
    return List.copyOf(out);
  }

  // Karmada sorts the items by policy name before marshalling:
  // [{"policyName":..,"overriders":{..}}].
  private static String annotation(List<AppliedOverride> applied) {
    if (applied.isEmpty()) {
      return null;
    }
    List<AppliedOverride> sorted = new ArrayList<>(applied);
    sorted.sort(Comparator.comparing(AppliedOverride::policyName));
    ArrayNode array = Nodes.MAPPER.createArrayNode();
    for (AppliedOverride a : sorted) {
      ObjectNode item = array.addObject();
      item.put("policyName", a.policyName());
      item.set(
          "overriders", a.overriders() == null ? Nodes.MAPPER.createObjectNode() : a.overriders());
    }
    return array.toString();
  }
}
