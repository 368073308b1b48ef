package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ClusterAffinity} evaluation (placement affinities, override target clusters, static weight
 * targets): exclude, labelSelector, fieldSelector on provider/region/zone, clusterNames; all given
 * parts must hold.
 */
public final class ClusterAffinityMatcher {

  /** Field selector key matched against {@code spec.zones}. */
  public static final String ZONE_FIELD = "zone";

  /** Field selector key matched against {@code spec.provider}. */
  public static final String PROVIDER_FIELD = "provider";

  /** Field selector key matched against {@code spec.region}. */
  public static final String REGION_FIELD = "region";

  private ClusterAffinityMatcher() {}

  /**
   * Whether the cluster object satisfies the affinity; an absent affinity matches every cluster.
   */
  public static boolean matches(JsonNode cluster, JsonNode affinity) {
    if (!Nodes.present(affinity)) {
      return true;
    }
    String name = Nodes.name(cluster);
    if (Nodes.strings(affinity, "exclude").contains(name)) {
      return false;
    }
    JsonNode labelSelector = Nodes.at(affinity, "labelSelector");
    if (Nodes.present(labelSelector)
        && !LabelSelectors.matches(labelSelector, Nodes.labels(cluster))) {
      return false;
    }
    JsonNode fieldSelector = Nodes.at(affinity, "fieldSelector");
    if (Nodes.present(fieldSelector) && !fieldsMatch(cluster, fieldSelector)) {
      return false;
    }
    List<String> names = Nodes.strings(affinity, "clusterNames");
    return names.isEmpty() || names.contains(name);
  }

  /**
   * The cluster's zones; the deprecated single {@code spec.zone} counts when {@code spec.zones} is
   * empty.
   */
  public static List<String> zones(JsonNode cluster) {
    List<String> zones = Nodes.strings(cluster, "spec", "zones");
    if (zones.isEmpty() && !Nodes.text(cluster, "spec", "zone").isEmpty()) {
      return List.of(Nodes.text(cluster, "spec", "zone"));
    }
    return zones;
  }

  private static boolean fieldsMatch(JsonNode cluster, JsonNode fieldSelector) {
    Optional<List<Requirement>> parsed =
        LabelSelectors.expressions(Nodes.at(fieldSelector, "matchExpressions"), true);
    if (parsed.isEmpty()) {
      return false;
    }
    Map<String, String> fields = new HashMap<>();
    putIfSet(fields, PROVIDER_FIELD, Nodes.text(cluster, "spec", "provider"));
    putIfSet(fields, REGION_FIELD, Nodes.text(cluster, "spec", "region"));
    List<Requirement> others = new ArrayList<>();
    for (Requirement requirement : parsed.get()) {
      if (ZONE_FIELD.equals(requirement.key())) {
        if (!zonesMatch(requirement, zones(cluster))) {
          return false;
        }
      } else {
        others.add(requirement);
      }
    }
    return others.stream().allMatch(r -> r.matches(fields));
  }

  // A cluster may span several zones: In needs one overlap, NotIn needs none.
  private static boolean zonesMatch(Requirement requirement, List<String> zones) {
    return switch (requirement.operator()) {
      case "In" -> zones.stream().anyMatch(requirement.values()::contains);
      case "NotIn" -> zones.stream().noneMatch(requirement.values()::contains);
      case "Exists" -> !zones.isEmpty();
      case "DoesNotExist" -> zones.isEmpty();
      default -> false;
    };
  }

  private static void putIfSet(Map<String, String> fields, String key, String value) {
    if (!value.isEmpty()) {
      fields.put(key, value);
    }
  }
}
