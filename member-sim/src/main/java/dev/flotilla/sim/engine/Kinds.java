package dev.flotilla.sim.engine;

import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;

/** The built-in resources the simulator reads and writes. */
public record Kinds(
    ResourceType namespaces,
    ResourceType nodes,
    ResourceType pods,
    ResourceType services,
    ResourceType endpoints,
    ResourceType endpointSlices,
    ResourceType deployments,
    ResourceType replicaSets,
    ResourceType statefulSets,
    ResourceType daemonSets) {

  public static Kinds of(ResourceRegistry registry) {
    return new Kinds(
        find(registry, "", "namespaces"),
        find(registry, "", "nodes"),
        find(registry, "", "pods"),
        find(registry, "", "services"),
        find(registry, "", "endpoints"),
        find(registry, "discovery.k8s.io", "endpointslices"),
        find(registry, "apps", "deployments"),
        find(registry, "apps", "replicasets"),
        find(registry, "apps", "statefulsets"),
        find(registry, "apps", "daemonsets"));
  }

  private static ResourceType find(ResourceRegistry registry, String group, String plural) {
    return registry
        .find(group, "v1", plural)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the API server does not serve " + group + "/v1 " + plural));
  }
}
