package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.List;
import java.util.stream.Collectors;

/** Clusters and binding specs for scheduler tests. */
final class Fixtures {

  private Fixtures() {}

  /**
   * A ready cluster serving apps/v1 Deployments and v1 Services; {@code extra} is YAML merged into
   * spec.
   */
  static JsonNode cluster(String name, String labels, String spec, String summary) {
    return Yaml.node(
        """
                apiVersion: cluster.karmada.io/v1alpha1
                kind: Cluster
                metadata: {name: %s, labels: %s}
                spec: %s
                status:
                  apiEnablements:
                  - {groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}
                  - {groupVersion: v1, resources: [{name: services, kind: Service}]}
                  conditions: [{type: CompleteAPIEnablements, status: 'True'}, {type: Ready, status: 'True'}]
                  %s
                """
            .formatted(
                name,
                labels.isEmpty() ? "{}" : labels,
                spec.isEmpty() ? "{syncMode: Pull}" : spec,
                summary.isEmpty() ? "" : "resourceSummary: " + summary));
  }

  static JsonNode cluster(String name) {
    return cluster(name, "", "", "");
  }

  /** A cluster that can take {@code pods} more pods. */
  static JsonNode withCapacity(String name, int pods) {
    return cluster(name, "", "", "{allocatable: {pods: '" + pods + "'}}");
  }

  static JsonNode deploymentSpec(int replicas, String clusters) {
    return Yaml.node(
        """
                resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: nginx}
                replicas: %d
                clusters: %s
                """
            .formatted(replicas, clusters.isEmpty() ? "[]" : clusters));
  }

  static String targets(ScheduleResult result) {
    return result.clusters().stream()
        .map(t -> t.name() + "=" + t.replicas())
        .collect(Collectors.joining(" "));
  }

  static List<JsonNode> clusters(JsonNode... clusters) {
    return List.of(clusters);
  }
}
