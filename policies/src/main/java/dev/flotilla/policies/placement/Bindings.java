package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of a ResourceBinding spec ({@code work.karmada.io/v1alpha2}) that plugins and assignment
 * share.
 */
public final class Bindings {

  private Bindings() {}

  /** {@code spec.replicas}, 0 when absent (non-workloads). */
  public static int replicas(JsonNode bindingSpec) {
    return (int) Nodes.number(bindingSpec, 0, "replicas");
  }

  /** Whether the binding describes pods to place (Karmada's IsWorkload). */
  public static boolean isWorkload(JsonNode bindingSpec) {
    return replicas(bindingSpec) > 0
        || Nodes.present(Nodes.at(bindingSpec, "replicaRequirements"))
        || !Nodes.list(bindingSpec, "components").isEmpty();
  }

  /** Whether the previous schedule already placed the binding on {@code cluster}. */
  public static boolean targetContains(JsonNode bindingSpec, String cluster) {
    return currentTargets(bindingSpec).stream().anyMatch(t -> t.name().equals(cluster));
  }

  /** {@code spec.clusters} as records. */
  public static List<TargetCluster> currentTargets(JsonNode bindingSpec) {
    List<TargetCluster> out = new ArrayList<>();
    for (JsonNode target : Nodes.list(bindingSpec, "clusters")) {
      out.add(
          new TargetCluster(Nodes.text(target, "name"), (int) Nodes.number(target, 0, "replicas")));
    }
    return out;
  }

  /** Replicas the previous schedule gave {@code cluster}, 0 if none. */
  public static int assignedReplicas(JsonNode bindingSpec, String cluster) {
    return currentTargets(bindingSpec).stream()
        .filter(t -> t.name().equals(cluster))
        .mapToInt(TargetCluster::replicas)
        .findFirst()
        .orElse(0);
  }
}
