package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * How many more replicas of a binding a cluster can take, from {@code status.resourceSummary} the
 * way Karmada's general estimator computes it: {@code allocatable - allocated - allocating} for
 * pods and for each requested resource, divided by the per-replica request.
 *
 * <p>Where the cluster reports nothing to estimate from (no resourceSummary, or no allocatable pods
 * and no requests) the estimate is the binding's own replica count: Karmada's answer when no
 * estimator answers, which makes unknown clusters weigh equally. Karmada's general estimator would
 * say 0 for a cluster without a summary; Flotilla's simulated members may not report one.
 */
public final class ReplicaEstimator {

  /** Marks "no limit" for non-workloads, which Karmada never estimates. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private ReplicaEstimator() {}

  /**
   * The replicas {@code cluster} can still accept (not counting what the binding already runs
   * there).
   */
  public static int available(JsonNode cluster, JsonNode bindingSpec) {
    int replicas = Bindings.replicas(bindingSpec);
    if (replicas == 0 && Nodes.list(bindingSpec, "components").isEmpty()) {
      return UNLIMITED;
    }
    JsonNode summary = Nodes.at(cluster, "status", "resourceSummary");
    JsonNode allocatable = Nodes.at(summary, "allocatable");
    if (!allocatable.isObject()) {
      return replicas;
    }
    long bound = Long.MAX_VALUE;
    if (Nodes.present(allocatable.path("pods"))) {
      long pods = Quantity.value(free(summary, "pods").orElse(BigDecimal.ZERO));
      if (pods <= 0) {
        return 0;
      }
      bound = pods;
    }
    JsonNode requests = Nodes.at(bindingSpec, "replicaRequirements", "resourceRequest");
    for (Iterator<Map.Entry<String, JsonNode>> it = requests.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> request = it.next();
      Optional<BigDecimal> perReplica = Quantity.parse(request.getValue());
      if (perReplica.isEmpty() || Quantity.value(perReplica.get()) <= 0) {
        continue;
      }
      Optional<BigDecimal> free = free(summary, request.getKey());
      if (free.isEmpty() || Quantity.value(free.get()) <= 0) {
        return 0;
      }
      // CPU is compared in millicores so "250m" requests are not rounded up to whole cores.
      boolean cpu = "cpu".equals(request.getKey());
      long have = cpu ? Quantity.milliValue(free.get()) : Quantity.value(free.get());
      long need = cpu ? Quantity.milliValue(perReplica.get()) : Quantity.value(perReplica.get());
      bound = Math.min(bound, have / need);
    }
    if (bound == Long.MAX_VALUE) {
      return replicas;
    }
    return (int) Math.min(bound, Integer.MAX_VALUE);
  }

  /**
   * allocatable - allocated - allocating for one resource; empty if the cluster does not report it.
   */
  private static Optional<BigDecimal> free(JsonNode summary, String resource) {
    Optional<BigDecimal> allocatable = Quantity.parse(Nodes.at(summary, "allocatable", resource));
    if (allocatable.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal free = allocatable.get();
    free =
        free.subtract(
            Quantity.parse(Nodes.at(summary, "allocated", resource)).orElse(BigDecimal.ZERO));
    free =
        free.subtract(
            Quantity.parse(Nodes.at(summary, "allocating", resource)).orElse(BigDecimal.ZERO));
    return Optional.of(free);
  }
}
