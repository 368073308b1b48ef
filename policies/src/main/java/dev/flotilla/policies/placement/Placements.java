package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;

/**
 * Placement defaults Karmada's webhook and CRD fill in, and the replica strategy a placement asks
 * for.
 */
public final class Placements {

  /** How replicas are divided. */
  public enum Strategy {
    /** Every cluster runs spec.replicas. */
    DUPLICATED,
    /** As few clusters as possible, by available replicas. */
    AGGREGATED,
    /** By staticWeightList (or equal weights). */
    STATIC_WEIGHT,
    /** By each cluster's available replicas. */
    DYNAMIC_WEIGHT
  }

  private Placements() {}

  /**
   * A copy with defaults applied: spread constraints group by cluster with minGroups 1 unless told
   * otherwise, {@code replicaSchedulingType} defaults to Divided and Divided to the Weighted
   * preference.
   */
  public static ObjectNode withDefaults(JsonNode placement) {
    ObjectNode copy =
        placement != null && placement.isObject()
            ? ((ObjectNode) placement).deepCopy()
            : Nodes.MAPPER.createObjectNode();
    JsonNode constraints = copy.path("spreadConstraints");
    if (constraints.isArray()) {
      for (JsonNode c : constraints) {
        if (c instanceof ObjectNode constraint) {
          if (Nodes.text(constraint, "spreadByField").isEmpty()
              && Nodes.text(constraint, "spreadByLabel").isEmpty()) {
            constraint.put("spreadByField", "cluster");
          }
          if (Nodes.number(constraint, 0, "minGroups") == 0) {
            constraint.put("minGroups", 1);
          }
        }
      }
    }
    if (copy.path("replicaScheduling") instanceof ObjectNode scheduling) {
      if (Nodes.text(scheduling, "replicaSchedulingType").isEmpty()) {
        scheduling.put("replicaSchedulingType", "Divided");
      }
      if ("Divided".equals(Nodes.text(scheduling, "replicaSchedulingType"))
          && Nodes.text(scheduling, "replicaDivisionPreference").isEmpty()) {
        scheduling.put("replicaDivisionPreference", "Weighted");
      }
    }
    return copy;
  }

  /**
   * Whether replicas are duplicated: no replicaScheduling at all means Duplicated, as in Karmada.
   */
  public static boolean duplicated(JsonNode placement) {
    JsonNode scheduling = Nodes.at(placement, "replicaScheduling");
    return !Nodes.present(scheduling)
        || "Duplicated".equals(Nodes.text(scheduling, "replicaSchedulingType"));
  }

  /** The strategy of a defaulted placement. */
  public static Strategy strategy(JsonNode placement) {
    if (duplicated(placement)) {
      return Strategy.DUPLICATED;
    }
    JsonNode scheduling = Nodes.at(placement, "replicaScheduling");
    if ("Aggregated".equals(Nodes.text(scheduling, "replicaDivisionPreference"))) {
      return Strategy.AGGREGATED;
    }
    return Nodes.text(scheduling, "weightPreference", "dynamicWeight").isEmpty()
        ? Strategy.STATIC_WEIGHT
        : Strategy.DYNAMIC_WEIGHT;
  }
}
