package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Bindings;
import dev.flotilla.policies.placement.FilterPlugin;
import dev.flotilla.policies.placement.Result;
import java.util.List;
import java.util.Optional;

/**
 * Drops clusters with a NoSchedule or NoExecute taint that {@code placement.clusterTolerations}
 * does not tolerate; clusters the binding already runs on stay (eviction of running work is a
 * separate, failover concern).
 */
public final class TaintToleration implements FilterPlugin {

  public static final String NAME = "TaintToleration";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    if (Bindings.targetContains(bindingSpec, Nodes.name(cluster))) {
      return Result.success();
    }
    return firstUntolerated(
            Nodes.list(cluster, "spec", "taints"), Nodes.list(placement, "clusterTolerations"))
        .map(
            taint ->
                Result.unschedulable("cluster(s) had untolerated taint {" + describe(taint) + "}"))
        .orElse(Result.success());
  }

  /** The first scheduling taint no toleration tolerates. */
  public static Optional<JsonNode> firstUntolerated(
      List<JsonNode> taints, List<JsonNode> tolerations) {
    for (JsonNode taint : taints) {
      String effect = Nodes.text(taint, "effect");
      if (!"NoSchedule".equals(effect) && !"NoExecute".equals(effect)) {
        continue;
      }
      if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }

  /**
   * Kubernetes' Toleration.ToleratesTaint: empty effect or key are wildcards; Exists ignores the
   * value.
   */
  public static boolean tolerates(JsonNode toleration, JsonNode taint) {
    String effect = Nodes.text(toleration, "effect");
    if (!effect.isEmpty() && !effect.equals(Nodes.text(taint, "effect"))) {
      return false;
    }
    String key = Nodes.text(toleration, "key");
    if (!key.isEmpty() && !key.equals(Nodes.text(taint, "key"))) {
      return false;
    }
    return switch (Nodes.text(toleration, "operator")) {
      case "", "Equal" -> Nodes.text(toleration, "value").equals(Nodes.text(taint, "value"));
      case "Exists" -> true;
      default -> false;
    };
  }

  /**
   * Kubernetes' Taint.ToString: {@code key=value:effect}, or {@code key:effect} without a value.
   */
  public static String describe(JsonNode taint) {
    String value = Nodes.text(taint, "value");
    return Nodes.text(taint, "key")
        + (value.isEmpty() ? "" : "=" + value)
        + ":"
        + Nodes.text(taint, "effect");
  }
}
