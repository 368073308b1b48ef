package dev.flotilla.policies.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.interpreter.PodRequirements;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.names.Names;
import dev.flotilla.policies.placement.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure FederatedResourceQuota rules, as Karmada's quota sync, status and enforcement (1.14+)
 * controllers and webhook apply them.
 */
public final class FederatedQuotas {
  /** Labels on the Works that carry a quota's ResourceQuota, as Karmada's sync controller sets. */
  public static final String NAMESPACE_LABEL = "federatedresourcequota.karmada.io/namespace";

  public static final String NAME_LABEL = "federatedresourcequota.karmada.io/name";

  private FederatedQuotas() {}

  /**
   * What a workload template asks for in total: its replicas times the requests of one pod.
   * Deployments, StatefulSets and ReplicaSets count spec.replicas (1 when unset), Jobs
   * spec.parallelism (1 when unset), Pods one. Empty for any other kind.
   */
  public static Map<String, BigDecimal> templateUsage(JsonNode template) {
    String gvk = Nodes.text(template, "apiVersion") + "/" + Nodes.text(template, "kind");
    long replicas;
    JsonNode podSpec;
    switch (gvk) {
      case "apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/ReplicaSet" -> {
        replicas = Nodes.number(template, 1, "spec", "replicas");
        podSpec = Nodes.at(template, "spec", "template", "spec");
      }
      case "batch/v1/Job" -> {
        replicas = Nodes.number(template, 1, "spec", "parallelism");
        podSpec = Nodes.at(template, "spec", "template", "spec");
      }
      case "v1/Pod" -> {
        replicas = 1;
        podSpec = Nodes.at(template, "spec");
      }
      default -> {
        return Map.of();
      }
    }
    Map<String, BigDecimal> total = new TreeMap<>();
    PodRequirements.requests(podSpec)
        .forEach((name, q) -> total.put(name, q.multiply(BigDecimal.valueOf(replicas))));
    return total;
  }

  /** Adds {@code more} into {@code sum}. */
  public static void add(Map<String, BigDecimal> sum, Map<String, BigDecimal> more) {
    more.forEach((k, v) -> sum.merge(k, v, BigDecimal::add));
  }

  /** A ResourceList ({@code {cpu: "2", memory: "1Gi"}}) as exact amounts; malformed entries go. */
  public static Map<String, BigDecimal> resourceList(JsonNode list) {
    Map<String, BigDecimal> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Quantity.parse(e.getValue()).ifPresent(q -> out.put(e.getKey(), q));
    }
    return out;
  }

  /** Amounts as a ResourceList of canonical quantity strings. */
  public static ObjectNode toResourceList(Map<String, BigDecimal> amounts) {
    ObjectNode out = Nodes.MAPPER.createObjectNode();
    new TreeMap<>(amounts).forEach((k, v) -> out.put(k, PodRequirements.format(v)));
    return out;
  }

  /**
   * Why {@code requested} (the namespace's sum with the new template) breaks the quota's overall
   * limit, naming the quota, the resource, the sum and the limit; empty when it fits. Resources the
   * quota does not limit are allowed, as Karmada's isAllowed.
   */
  public static Optional<String> exceeded(JsonNode quota, Map<String, BigDecimal> requested) {
    Map<String, BigDecimal> overall = resourceList(quota.path("spec").path("overall"));
    for (Map.Entry<String, BigDecimal> e : requested.entrySet()) {
      BigDecimal limit = overall.get(e.getKey());
      if (limit != null && e.getValue().signum() != 0 && e.getValue().compareTo(limit) > 0) {
        return Optional.of(
            "FederatedResourceQuota("
                + Nodes.text(quota, "metadata", "namespace")
                + "/"
                + Nodes.text(quota, "metadata", "name")
                + ") exceeded for resource "
                + e.getKey()
                + ": requested sum "
                + PodRequirements.format(e.getValue())
                + ", limit "
                + PodRequirements.format(limit)
                + ".");
      }
    }
    return Optional.empty();
  }

  /**
   * The Work name that carries a quota's ResourceQuota to a member (Karmada's GenerateWorkName).
   */
  public static String workName(JsonNode quota) {
    return Names.workName(
        Nodes.text(quota, "metadata", "namespace"),
        Nodes.text(quota, "metadata", "name"),
        "ResourceQuota");
  }

  /** The ResourceQuota a member gets from its static assignment. */
  public static ObjectNode resourceQuota(JsonNode quota, JsonNode assignment) {
    ObjectNode rq = Nodes.MAPPER.createObjectNode();
    rq.put("apiVersion", "v1");
    rq.put("kind", "ResourceQuota");
    ObjectNode meta = rq.putObject("metadata");
    meta.put("name", Nodes.text(quota, "metadata", "name"));
    meta.put("namespace", Nodes.text(quota, "metadata", "namespace"));
    rq.putObject("spec").set("hard", assignment.path("hard").deepCopy());
    return rq;
  }

  /**
   * The quota's status from its members' ResourceQuota statuses: {@code overall} (the spec's),
   * {@code aggregatedStatus} (each member's hard and used) and {@code overallUsed} (used summed).
   *
   * @param memberStatuses {clusterName, status} of each member's ResourceQuota, in cluster order
   */
  public static ObjectNode status(
      JsonNode quota, List<Map.Entry<String, JsonNode>> memberStatuses) {
    ObjectNode status = Nodes.MAPPER.createObjectNode();
    status.set("overall", quota.path("spec").path("overall").deepCopy());
    var items = status.putArray("aggregatedStatus");
    Map<String, BigDecimal> used = new TreeMap<>();
    for (Map.Entry<String, JsonNode> m : memberStatuses) {
      ObjectNode item = items.addObject();
      item.put("clusterName", m.getKey());
      JsonNode s = m.getValue();
      if (s != null && s.path("hard").isObject()) {
        item.set("hard", s.get("hard").deepCopy());
      }
      if (s != null && s.path("used").isObject()) {
        item.set("used", s.get("used").deepCopy());
        add(used, resourceList(s.get("used")));
      }
    }
    status.set("overallUsed", toResourceList(used));
    return status;
  }
}
