package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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

  /**
   * {@code spec.clusters} by name (first entry wins, as a scan would find it) while one schedule
   * runs on this thread: every plugin asks about every cluster, and a scan of the targets each time
   * made a reschedule quadratic in the clusters (100 x 100 x 4 lookups at 100 clusters).
   */
  private static final ThreadLocal<TargetIndex> INDEX = new ThreadLocal<>();

  private record TargetIndex(JsonNode clusters, Map<String, Integer> replicas) {}

  /**
   * Runs {@code body} with the targets of {@code bindingSpec} indexed for {@link #targetContains}
   * and {@link #assignedReplicas}; the spec must not change meanwhile.
   */
  static <T> T withTargetsIndexed(JsonNode bindingSpec, Supplier<T> body) {
    Map<String, Integer> replicas = new HashMap<>();
    for (TargetCluster t : currentTargets(bindingSpec)) {
      replicas.putIfAbsent(t.name(), t.replicas());
    }
    TargetIndex outer = INDEX.get();
    INDEX.set(new TargetIndex(Nodes.at(bindingSpec, "clusters"), replicas));
    try {
      return body.get();
    } finally {
      INDEX.set(outer);
    }
  }

  /** The index of {@code bindingSpec}'s targets if one is in scope for this very node. */
  private static Map<String, Integer> indexed(JsonNode bindingSpec) {
    TargetIndex index = INDEX.get();
    return index != null && index.clusters() == Nodes.at(bindingSpec, "clusters")
        ? index.replicas()
        : null;
  }

  /** Whether the previous schedule already placed the binding on {@code cluster}. */
  public static boolean targetContains(JsonNode bindingSpec, String cluster) {
    Map<String, Integer> index = indexed(bindingSpec);
    if (index != null) {
      return index.containsKey(cluster);
    }
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
    Map<String, Integer> index = indexed(bindingSpec);
    if (index != null) {
      return index.getOrDefault(cluster, 0);
    }
    return currentTargets(bindingSpec).stream()
        .filter(t -> t.name().equals(cluster))
        .mapToInt(TargetCluster::replicas)
        .findFirst()
        .orElse(0);
  }
}
