package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.ClusterAffinityMatcher;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.FilterPlugin;
import dev.flotilla.policies.placement.Result;

/**
 * Drops clusters that lack the property a spread constraint groups by (provider, region or zones);
 * the selection of groups itself happens after scoring.
 */
public final class SpreadConstraint implements FilterPlugin {

  public static final String NAME = "SpreadConstraint";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    for (JsonNode constraint : Nodes.list(placement, "spreadConstraints")) {
      switch (Nodes.text(constraint, "spreadByField")) {
        case "provider" -> {
          if (Nodes.text(cluster, "spec", "provider").isEmpty()) {
            return Result.unschedulable("cluster(s) did not have provider property");
          }
        }
        case "region" -> {
          if (Nodes.text(cluster, "spec", "region").isEmpty()) {
            return Result.unschedulable("cluster(s) did not have region property");
          }
        }
        case "zone" -> {
          if (ClusterAffinityMatcher.zones(cluster).isEmpty()) {
            return Result.unschedulable("cluster(s) did not have zones property");
          }
        }
        default -> {
          // "cluster" and spreadByLabel need no cluster property.
        }
      }
    }
    return Result.success();
  }
}
