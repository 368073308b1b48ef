package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;

/** Decides whether a cluster may receive a binding at all. */
public interface FilterPlugin extends Plugin {

  /**
   * @param placement the effective placement (with {@code clusterAffinities} narrowed to the term
   *     under trial)
   * @param bindingSpec the ResourceBinding spec: resource, replicas, replicaRequirements, clusters
   * @param cluster a Cluster object as the API serves it
   */
  Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster);
}
