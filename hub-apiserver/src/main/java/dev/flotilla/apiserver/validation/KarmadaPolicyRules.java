package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.apiserver.objects.NameValidation;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Karmada's validating webhook refuses beyond the CRD schemas, answered at admission with 422
 * and a field path, so a policy that could only match nothing (a selector with {@code operator:
 * Equals}, {@code In} with no values, a bad key, a cluster name no cluster can have) is refused
 * instead of silently doing nothing: label and field selectors in resource selectors and cluster
 * affinities, affinity terms, spread constraints, replica weights, failover, override rules and
 * Cluster names. Messages are Karmada's where it has one.
 */
final class KarmadaPolicyRules {
  private static final int CLUSTER_NAME_MAX = 48;
  private static final Set<String> FIELD_KEYS = Set.of("provider", "region", "zone");

  private KarmadaPolicyRules() {}

  static void check(ResourceType type, JsonNode obj, List<FieldError> errors) {
    JsonNode spec = obj.path("spec");
    if (type.group().equals("policy.karmada.io")) {
      switch (type.kind()) {
        case "PropagationPolicy", "ClusterPropagationPolicy" -> propagation(spec, errors);
        case "OverridePolicy", "ClusterOverridePolicy" -> override(spec, errors);
        case "FederatedResourceQuota" -> FederatedQuotaRules.check(obj, errors);
        case "ClusterTaintPolicy" -> {
          affinity(spec.get("targetClusters"), "spec.targetClusters", errors);
          ClusterTaintPolicyRules.check(spec, errors);
        }
        default -> {
          // no webhook rules
        }
      }
    } else if (type.group().equals("config.karmada.io")
        && type.kind().equals("ResourceInterpreterCustomization")) {
      FederatedQuotaRules.luaScripts(spec, errors);
    } else if (type.group().equals("cluster.karmada.io") && type.kind().equals("Cluster")) {
      String name = obj.path("metadata").path("name").asText("");
      clusterName(name, "metadata.name", errors);
    }
  }

  private static void propagation(JsonNode spec, List<FieldError> errors) {
    resourceSelectors(spec, errors);
    UnsupportedKarmadaFields.propagation(spec, errors);
    boolean preemptAlways = spec.path("preemption").asText("").equals("Always");
    JsonNode selectors = spec.path("resourceSelectors");
    for (int i = 0; preemptAlways && i < selectors.size(); i++) {
      if (selectors.get(i).path("name").asText("").isEmpty()) {
        errors.add(
            FieldError.invalid(
                "spec.resourceSelectors[" + i + "].name",
                TextNode.valueOf(""),
                "name cannot be empty if preemption is Always, the empty name may cause"
                    + " unexpected resources preemption"));
      }
    }
    JsonNode placement = spec.path("placement");
    if (placement.has("clusterAffinity") && placement.has("clusterAffinities")) {
      errors.add(
          FieldError.invalid(
              "spec.placement",
              placement,
              "clusterAffinities cannot co-exist with clusterAffinity"));
    }
    affinity(placement.get("clusterAffinity"), "spec.placement.clusterAffinity", errors);
    affinityTerms(placement.path("clusterAffinities"), errors);
    spreadConstraints(placement.path("spreadConstraints"), errors);
    JsonNode weights =
        placement.path("replicaScheduling").path("weightPreference").path("staticWeightList");
    for (int i = 0; i < weights.size(); i++) {
      String path = "spec.placement.replicaScheduling.weightPreference.staticWeightList[" + i + "]";
      affinity(weights.get(i).get("targetCluster"), path + ".targetCluster", errors);
    }
    JsonNode application = spec.path("failover").path("application");
    if (application.isObject()) {
      if (!spec.path("propagateDeps").asBoolean(false)) {
        errors.add(
            FieldError.invalid(
                "spec.propagateDeps",
                spec.path("propagateDeps").isMissingNode()
                    ? com.fasterxml.jackson.databind.node.BooleanNode.FALSE
                    : spec.path("propagateDeps"),
                "application failover is set, propagateDeps must be true"));
      }
      failover(application, "spec.failover.application", errors);
    }
  }

  private static void failover(JsonNode app, String path, List<FieldError> errors) {
    JsonNode toleration = app.path("decisionConditions").path("tolerationSeconds");
    if (toleration.isNumber() && toleration.asLong() < 0) {
      errors.add(
          FieldError.invalid(
              path + ".decisionConditions.tolerationSeconds",
              toleration,
              "must be greater than or equal to 0"));
    }
    // Karmada's purge modes are Directly, Gracefully (the default) and Never.
    boolean gracefully = app.path("purgeMode").asText("Gracefully").equals("Gracefully");
    JsonNode grace = app.get("gracePeriodSeconds");
    if (!gracefully && grace != null && !grace.isNull()) {
      errors.add(
          FieldError.invalid(
              path + ".gracePeriodSeconds",
              grace,
              "only takes effect when purgeMode is gracefully"));
    }
    if (gracefully && (grace == null || grace.isNull())) {
      errors.add(
          FieldError.invalid(
              path + ".gracePeriodSeconds",
              null,
              "should not be empty when purgeMode is gracefully"));
    }
    if (grace != null && grace.isNumber() && grace.asLong() <= 0) {
      errors.add(FieldError.invalid(path + ".gracePeriodSeconds", grace, "must be greater than 0"));
    }
  }

  private static void resourceSelectors(JsonNode spec, List<FieldError> errors) {
    JsonNode selectors = spec.path("resourceSelectors");
    for (int i = 0; i < selectors.size(); i++) {
      SelectorValidation.selector(
          selectors.get(i).get("labelSelector"),
          "spec.resourceSelectors[" + i + "].labelSelector",
          errors);
    }
  }

  /** A ClusterAffinity: label selector, field selector, and the cluster names it lists. */
  private static void affinity(JsonNode affinity, String path, List<FieldError> errors) {
    if (affinity == null || !affinity.isObject()) {
      return;
    }
    SelectorValidation.selector(affinity.get("labelSelector"), path + ".labelSelector", errors);
    JsonNode fieldSelector = affinity.get("fieldSelector");
    if (fieldSelector != null) {
      for (JsonNode e : fieldSelector.path("matchExpressions")) {
        String key = e.path("key").asText("");
        String operator = e.path("operator").asText("");
        String problem =
            !FIELD_KEYS.contains(key)
                ? "unsupported key " + FieldError.quote(key) + ", must be provider, region, or zone"
                : !operator.equals("In") && !operator.equals("NotIn")
                    ? "unsupported operator " + FieldError.quote(operator) + ", must be In or NotIn"
                    : null;
        if (problem != null) {
          errors.add(FieldError.invalid(path + ".fieldSelector", fieldSelector, problem));
          break; // Karmada reports the first
        }
      }
    }
    for (String list : new String[] {"clusterNames", "exclude"}) {
      JsonNode names = affinity.path(list);
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).isTextual()) {
          clusterName(names.get(i).asText(), path + "." + list + "[" + i + "]", errors);
        }
      }
    }
  }

  private static void affinityTerms(JsonNode terms, List<FieldError> errors) {
    Set<String> names = new HashSet<>();
    boolean reported = false;
    for (int i = 0; i < terms.size(); i++) {
      String path = "spec.placement.clusterAffinities[" + i + "]";
      JsonNode name = terms.get(i).path("affinityName");
      SelectorValidation.labelKey(name.asText(""), path, errors);
      if (!names.add(name.asText("")) && !reported) {
        errors.add(
            FieldError.invalid(
                "spec.placement.clusterAffinities",
                terms,
                "each affinity term in a policy must have a unique name"));
        reported = true;
      }
      affinity(terms.get(i), path, errors);
    }
  }

  private static void spreadConstraints(JsonNode constraints, List<FieldError> errors) {
    String path = "spec.placement.spreadConstraints";
    Set<String> byField = new HashSet<>();
    Set<String> reported = new HashSet<>();
    for (int i = 0; i < constraints.size(); i++) {
      JsonNode c = constraints.get(i);
      String item = path + "[" + i + "]";
      String field = c.path("spreadByField").asText("");
      if (!field.isEmpty() && !c.path("spreadByLabel").asText("").isEmpty()) {
        errors.add(
            FieldError.invalid(item, c, "spreadByLabel should not co-exist with spreadByField"));
      }
      long min = c.path("minGroups").asLong(0);
      long max = c.path("maxGroups").asLong(0);
      if (min < 0) {
        errors.add(FieldError.invalid(item, c, "minGroups lower than 0 is not allowed"));
      }
      if (max < 0) {
        errors.add(FieldError.invalid(item, c, "maxGroups lower than 0 is not allowed"));
      }
      if (max > 0 && max < min) {
        errors.add(FieldError.invalid(item, c, "maxGroups lower than minGroups is not allowed"));
      }
      if (!field.isEmpty() && !byField.add(field) && reported.add(field)) {
        errors.add(
            FieldError.invalid(
                path, constraints, "multiple " + field + " spread constraints are not allowed"));
      }
    }
    if (!byField.isEmpty() && !byField.contains("cluster")) {
      errors.add(
          FieldError.invalid(
              path,
              constraints,
              "the cluster spread constraint must be enabled in one of the constraints in case of"
                  + " SpreadByField is enabled"));
    }
  }

  private static void override(JsonNode spec, List<FieldError> errors) {
    resourceSelectors(spec, errors);
    JsonNode target = spec.get("targetCluster");
    JsonNode rules = spec.get("overrideRules");
    affinity(target, "spec.targetCluster", errors);
    if (target != null && !target.isNull() && rules != null && !rules.isNull()) {
      errors.add(
          FieldError.invalid(
              "spec.targetCluster", target, "overrideRules and targetCluster can't co-exist"));
    }
    JsonNode overriders = spec.path("overriders");
    boolean anyOverrider = false;
    for (JsonNode list : overriders) {
      anyOverrider |= list.size() > 0;
    }
    if (anyOverrider && rules != null && !rules.isNull()) {
      errors.add(
          FieldError.invalid(
              "spec.overriders", overriders, "overrideRules and overriders can't co-exist"));
    }
    OverriderRules.check(overriders, "spec.overriders", errors);
    for (int i = 0; rules != null && i < rules.size(); i++) {
      String path = "spec.overrideRules[" + i + "]";
      OverriderRules.check(rules.get(i).path("overriders"), path + ".overriders", errors);
      affinity(rules.get(i).get("targetCluster"), path + ".targetCluster", errors);
    }
  }

  /** Karmada's ValidateClusterName: a DNS-1123 label of at most 48 characters. */
  static void clusterName(String name, String path, List<FieldError> errors) {
    if (name.length() > CLUSTER_NAME_MAX) {
      errors.add(
          FieldError.invalid(
              path,
              TextNode.valueOf(name),
              "must be no more than " + CLUSTER_NAME_MAX + " characters"));
      return;
    }
    for (String msg : NameValidation.check(name, true)) {
      errors.add(FieldError.invalid(path, TextNode.valueOf(name), msg));
    }
  }
}
