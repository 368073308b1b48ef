package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.FilterPlugin;
import dev.flotilla.policies.placement.Result;

/**
 * Keeps a binding off clusters it is being gracefully evicted from ({@code
 * spec.gracefulEvictionTasks}).
 */
public final class ClusterEviction implements FilterPlugin {

  public static final String NAME = "ClusterEviction";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    String name = Nodes.name(cluster);
    for (JsonNode task : Nodes.list(bindingSpec, "gracefulEvictionTasks")) {
      if (name.equals(Nodes.text(task, "fromCluster"))) {
        return Result.unschedulable("cluster(s) is in the process of eviction");
      }
    }
    return Result.success();
  }
}
