package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;

/** One entry of {@code spec.clusters}: a cluster and the replicas it runs (0 for non-workloads). */
public record TargetCluster(String name, int replicas) {

  /** The JSON form; replicas is omitted when 0, as Karmada's {@code omitempty} does. */
  public ObjectNode toJson() {
    ObjectNode node = Nodes.MAPPER.createObjectNode().put("name", name);
    if (replicas != 0) {
      node.put("replicas", replicas);
    }
    return node;
  }
}
