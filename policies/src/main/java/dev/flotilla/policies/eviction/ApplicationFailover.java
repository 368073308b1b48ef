package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code failover.application}, pure (Karmada's application failover controllers): a workload whose
 * copy on a cluster has been Unhealthy for {@code decisionConditions.tolerationSeconds} is evicted
 * from that cluster with the policy's purge mode: Directly, Gracefully (after {@code
 * gracePeriodSeconds} at the latest) or Never (the old copy stays until someone removes the task).
 */
public final class ApplicationFailover {
  public static final String REASON = "ApplicationFailure";
  public static final String RB_PRODUCER = "resource-binding-application-failover-controller";
  public static final String CRB_PRODUCER =
      "cluster-resource-binding-application-failover-controller";

  /** Clusters whose copy is Unhealthy (and not already being evicted), and those that are not. */
  public record Health(List<String> unhealthy, List<String> others) {}

  /** What to evict now, and when to look again if something is still within its toleration. */
  public record Decision(List<String> evict, Duration next) {}

  private ApplicationFailover() {}

  public static Health classify(JsonNode spec, JsonNode status) {
    List<String> unhealthy = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (JsonNode item : status.path("aggregatedStatus")) {
      String cluster = item.path("clusterName").asText();
      String health = item.path("health").asText();
      if ("Unhealthy".equals(health) && !GracefulEviction.hasTask(spec, cluster)) {
        unhealthy.add(cluster);
      }
      if ("Healthy".equals(health) || "Unknown".equals(health)) {
        others.add(cluster);
      }
    }
    return new Health(unhealthy, others);
  }

  /**
   * Decides on the unhealthy clusters, recording in {@code unhealthySince} when each was first seen
   * so (the caller keeps that map per binding and drops clusters that recovered or left).
   */
  public static Decision decide(
      List<String> unhealthy,
      long tolerationSeconds,
      Map<String, Instant> unhealthySince,
      Instant now) {
    List<String> evict = new ArrayList<>();
    Duration next = null;
    for (String cluster : unhealthy) {
      Instant since = unhealthySince.putIfAbsent(cluster, now);
      Instant deadline = (since == null ? now : since).plusSeconds(tolerationSeconds);
      if (since != null && now.isAfter(deadline)) {
        evict.add(cluster);
      } else {
        Duration left = Duration.between(now, deadline);
        if (left.isNegative() || left.isZero()) {
          left = Duration.ofMillis(100); // due on the next look
        }
        next = next == null || left.compareTo(next) < 0 ? left : next;
      }
    }
    return new Decision(evict, next);
  }

  /**
   * The eviction task for {@code cluster}; throws when state must be preserved but the old copy's
   * status has not been collected yet (Karmada then tries again).
   */
  public static GracefulEviction.TaskOptions task(
      JsonNode application,
      JsonNode status,
      String cluster,
      String producer,
      List<String> clustersBeforeFailover) {
    String purgeMode = application.path("purgeMode").asText(GracefulEviction.PURGE_GRACEFULLY);
    Map<String, String> preserved = null;
    List<String> before = null;
    JsonNode rules = application.path("statePreservation");
    if (!rules.path("rules").isEmpty()) {
      JsonNode state = null;
      for (JsonNode item : status.path("aggregatedStatus")) {
        if (cluster.equals(item.path("clusterName").asText()) && item.has("status")) {
          state = item.path("status");
        }
      }
      if (state == null) {
        throw new IllegalStateException(
            "the application status has not yet been collected from cluster " + cluster);
      }
      preserved = PreservedState.extract(rules, state);
      before = clustersBeforeFailover;
    }
    Integer grace = null;
    Boolean suppress = null;
    if (GracefulEviction.PURGE_GRACEFULLY.equals(purgeMode)
        && application.path("gracePeriodSeconds").isIntegralNumber()) {
      grace = application.path("gracePeriodSeconds").asInt();
    } else if ("Never".equals(purgeMode)) {
      suppress = true;
    }
    return new GracefulEviction.TaskOptions(
        purgeMode,
        producer,
        REASON,
        "the workload stayed unhealthy on cluster "
            + cluster
            + " for "
            + application.path("decisionConditions").path("tolerationSeconds").asLong(300)
            + "s",
        preserved,
        grace,
        suppress,
        before);
  }
}
