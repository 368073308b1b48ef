package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.ClusterAffinityMatcher;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Bindings;
import dev.flotilla.policies.placement.FilterPlugin;
import dev.flotilla.policies.placement.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps clusters the placement's affinity selects. With {@code clusterAffinities} the first term is
 * used (the {@link dev.flotilla.policies.placement.Scheduler} narrows the list to the term under
 * trial), widened by its {@code overflowAffinities} for workloads.
 */
public final class ClusterAffinity implements FilterPlugin {

  public static final String NAME = "ClusterAffinity";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    List<JsonNode> affinities = affinities(placement, bindingSpec);
    if (affinities.isEmpty()
        || affinities.stream().anyMatch(a -> ClusterAffinityMatcher.matches(cluster, a))) {
      return Result.success();
    }
    return Result.unschedulable(
        "cluster(s) did not match the placement cluster affinity constraint");
  }

  /** The affinities any of which admits a cluster; empty means every cluster is admitted. */
  public static List<JsonNode> affinities(JsonNode placement, JsonNode bindingSpec) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode single = Nodes.at(placement, "clusterAffinity");
    if (Nodes.present(single)) {
      out.add(single);
      return out;
    }
    List<JsonNode> terms = Nodes.list(placement, "clusterAffinities");
    if (!terms.isEmpty()) {
      out.add(terms.get(0));
      if (Bindings.isWorkload(bindingSpec)) {
        out.addAll(Nodes.list(terms.get(0), "overflowAffinities"));
      }
    }
    return out;
  }
}
