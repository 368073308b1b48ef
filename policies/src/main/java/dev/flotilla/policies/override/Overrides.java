package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.ClusterAffinityMatcher;
import dev.flotilla.policies.matching.ImplicitPriority;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.matching.ResourceSelectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Applies ClusterOverridePolicies, then (for namespaced templates) the OverridePolicies of the
 * template's namespace. Each set is ordered by implicit priority ascending (match-all, label
 * selector, name), then by name, so the most specific policy is applied last and wins.
 */
public final class Overrides {

  private Overrides() {}

  /**
   * The template as {@code clusterName} should receive it.
   *
   * @param cluster the Cluster object, for labelSelector and fieldSelector targets; null matches by
   *     name only
   * @param overridePolicies OverridePolicies; those from other namespaces than the template's are
   *     ignored
   * @throws OverrideException if a matching rule cannot be applied; the message names the policy
   */
  public static OverrideResult apply(
      JsonNode template,
      String clusterName,
      JsonNode cluster,
      List<JsonNode> clusterOverridePolicies,
      List<JsonNode> overridePolicies) {
    JsonNode clusterObject = cluster != null ? cluster : stubCluster(clusterName);
    JsonNode object = template.deepCopy();
    List<AppliedOverride> clusterApplied = new ArrayList<>();
    for (AppliedOverride rule : matchingRules(template, clusterObject, clusterOverridePolicies)) {
      object =
          applyRule(
              object, rule, "cluster override policy(" + rule.policyName() + ")", clusterName);
      clusterApplied.add(rule);
    }
    List<AppliedOverride> namespacedApplied = new ArrayList<>();
    String namespace = Nodes.namespace(template);
    if (!namespace.isEmpty()) {
      List<JsonNode> sameNamespace =
          overridePolicies.stream().filter(p -> namespace.equals(Nodes.namespace(p))).toList();
      for (AppliedOverride rule : matchingRules(template, clusterObject, sameNamespace)) {
        object =
            applyRule(
                object,
                rule,
                "override policy(" + namespace + "/" + rule.policyName() + ")",
                clusterName);
        namespacedApplied.add(rule);
      }
    }
    if (!(object instanceof ObjectNode result)) {
      throw new OverrideException(
          "overrides for cluster " + clusterName + " replaced the object with a non-object");
    }
    return new OverrideResult(result, clusterApplied, namespacedApplied);
  }

  /**
   * The rules of {@code policies} that apply to the template on the cluster, in application order.
   */
  static List<AppliedOverride> matchingRules(
      JsonNode template, JsonNode cluster, List<JsonNode> policies) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode policy : policies) {
      List<JsonNode> selectors = Nodes.list(policy, "spec", "resourceSelectors");
      if (selectors.isEmpty() || ResourceSelectors.matchesAny(selectors, template)) {
        matching.add(policy);
      }
    }
    matching.sort(
        Comparator.comparing((JsonNode p) -> implicitPriority(p, template))
            .thenComparing(Nodes::name));
    List<AppliedOverride> rules = new ArrayList<>();
    for (JsonNode policy : matching) {
      for (JsonNode rule : rules(policy)) {
        JsonNode target = Nodes.at(rule, "targetCluster");
        if (ClusterAffinityMatcher.matches(cluster, target)) {
          rules.add(new AppliedOverride(Nodes.name(policy), Nodes.at(rule, "overriders")));
        }
      }
    }
    return rules;
  }

  /** overrideRules, or the deprecated top-level targetCluster + overriders pair as one rule. */
  private static List<JsonNode> rules(JsonNode policy) {
    List<JsonNode> rules = Nodes.list(policy, "spec", "overrideRules");
    if (!rules.isEmpty()) {
      return rules;
    }
    ObjectNode legacy = Nodes.MAPPER.createObjectNode();
    JsonNode spec = Nodes.at(policy, "spec");
    if (Nodes.present(spec.path("targetCluster"))) {
      legacy.set("targetCluster", spec.path("targetCluster"));
    }
    if (Nodes.present(spec.path("overriders"))) {
      legacy.set("overriders", spec.path("overriders"));
    }
    return List.of(legacy);
  }

  private static ImplicitPriority implicitPriority(JsonNode policy, JsonNode template) {
    List<JsonNode> selectors = Nodes.list(policy, "spec", "resourceSelectors");
    return selectors.isEmpty()
        ? ImplicitPriority.MATCH_ALL
        : ResourceSelectors.highest(selectors, template);
  }

  private static JsonNode applyRule(
      JsonNode object, AppliedOverride rule, String label, String clusterName) {
    try {
      return Overriders.apply(object, rule.overriders());
    } catch (OverrideException e) {
      throw new OverrideException(
          "Apply " + label + " for cluster(" + clusterName + ") failed: " + e.getMessage(), e);
    }
  }

  private static JsonNode stubCluster(String clusterName) {
    ObjectNode cluster = Nodes.MAPPER.createObjectNode();
    cluster.putObject("metadata").put("name", clusterName);
    return cluster;
  }
}
