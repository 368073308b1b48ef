package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Karmada's graceful eviction, pure: evicting a cluster from a binding moves it from {@code
 * spec.clusters} to a {@code spec.gracefulEvictionTasks} entry; a task is dropped (and the old copy
 * with it) once every cluster the binding is now scheduled to reports a Healthy workload, or once
 * its grace period ({@code gracePeriodSeconds}, else the controller's timeout) has passed.
 */
public final class GracefulEviction {
  public static final String PURGE_DIRECTLY = "Directly";
  public static final String PURGE_GRACEFULLY = "Gracefully";
  public static final String PRODUCER_TAINT_MANAGER = "TaintManager";
  public static final String REASON_TAINT_UNTOLERATED = "TaintUntolerated";

  /**
   * What a new task records (Karmada's TaskOptions); null fields are left out.
   *
   * @param suppressDeletion true keeps the old copy until someone says otherwise (purgeMode Never)
   * @param clustersBeforeFailover where the workload ran before; preserved state is injected only
   *     into clusters not listed
   */
  public record TaskOptions(
      String purgeMode,
      String producer,
      String reason,
      String message,
      Map<String, String> preservedLabelState,
      Integer gracePeriodSeconds,
      Boolean suppressDeletion,
      List<String> clustersBeforeFailover) {
    /** A task with only purge mode, producer, reason and message. */
    public static TaskOptions of(String purgeMode, String producer, String reason, String message) {
      return new TaskOptions(purgeMode, producer, reason, message, null, null, null, null);
    }

    public TaskOptions withPreservedLabelState(Map<String, String> state) {
      return new TaskOptions(
          purgeMode,
          producer,
          reason,
          message,
          state,
          gracePeriodSeconds,
          suppressDeletion,
          clustersBeforeFailover);
    }
  }

  /** What an assessment leaves: the tasks kept, the clusters whose copy may go, when to look. */
  public record Assessment(ArrayNode kept, List<String> evicted, Duration next) {}

  private GracefulEviction() {}

  /**
   * Karmada's GracefulEvictCluster on a binding spec: false when the binding is not scheduled
   * there. A cluster that already has a task is only removed from the targets.
   */
  public static boolean evict(ObjectNode spec, String cluster, TaskOptions options, Instant now) {
    ArrayNode clusters = (ArrayNode) spec.path("clusters");
    if (clusters.isMissingNode()) {
      return false;
    }
    JsonNode evicted = null;
    for (int i = 0; i < clusters.size(); i++) {
      if (cluster.equals(clusters.get(i).path("name").asText())) {
        evicted = clusters.remove(i);
        break;
      }
    }
    if (evicted == null) {
      return false;
    }
    if (hasTask(spec, cluster)) {
      return true;
    }
    ObjectNode task = spec.withArray("gracefulEvictionTasks").addObject();
    task.put("fromCluster", cluster);
    task.put("purgeMode", options.purgeMode());
    if (evicted.path("replicas").asInt(0) > 0) {
      task.put("replicas", evicted.path("replicas").asInt());
    }
    task.put("reason", options.reason());
    if (options.message() != null) {
      task.put("message", options.message());
    }
    task.put("producer", options.producer());
    if (options.gracePeriodSeconds() != null) {
      task.put("gracePeriodSeconds", options.gracePeriodSeconds());
    }
    if (options.suppressDeletion() != null) {
      task.put("suppressDeletion", options.suppressDeletion());
    }
    if (options.preservedLabelState() != null && !options.preservedLabelState().isEmpty()) {
      ObjectNode state = task.putObject("preservedLabelState");
      options.preservedLabelState().forEach(state::put);
    }
    if (options.clustersBeforeFailover() != null) {
      var before = task.putArray("clustersBeforeFailover");
      options.clustersBeforeFailover().forEach(before::add);
    }
    task.put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
    return true;
  }

  /** Whether the binding has an eviction task for {@code cluster}. */
  public static boolean hasTask(JsonNode spec, String cluster) {
    for (JsonNode t : spec.path("gracefulEvictionTasks")) {
      if (cluster.equals(t.path("fromCluster").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Clusters whose old copy stays while their task lasts (every purge mode but Directly). */
  public static Set<String> retainedClusters(JsonNode spec) {
    Set<String> out = new HashSet<>();
    for (JsonNode t : spec.path("gracefulEvictionTasks")) {
      if (!PURGE_DIRECTLY.equals(t.path("purgeMode").asText())) {
        out.add(t.path("fromCluster").asText());
      }
    }
    return out;
  }

  /**
   * Assesses every task of a binding.
   *
   * @param scheduled whether the scheduler has observed the binding's current generation
   * @param defaultTimeout the grace of tasks without {@code gracePeriodSeconds}
   */
  public static Assessment assess(
      JsonNode spec, JsonNode status, boolean scheduled, Duration defaultTimeout, Instant now) {
    ArrayNode kept = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    List<String> evicted = new ArrayList<>();
    Duration next = null;
    boolean healthy = scheduled && allHealthy(spec, status);
    for (JsonNode task : spec.path("gracefulEvictionTasks")) {
      ObjectNode t = (ObjectNode) task.deepCopy();
      Instant created = instant(t.path("creationTimestamp").asText(""));
      if (created == null) {
        t.put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
        kept.add(t);
        next = min(next, timeout(t, defaultTimeout));
        continue;
      }
      JsonNode suppress = t.get("suppressDeletion");
      if (suppress != null && suppress.isBoolean()) {
        if (suppress.asBoolean()) {
          kept.add(t);
        } else {
          evicted.add(t.path("fromCluster").asText());
        }
        continue;
      }
      Instant deadline = created.plus(timeout(t, defaultTimeout));
      if (now.isAfter(deadline) || healthy) {
        evicted.add(t.path("fromCluster").asText());
      } else {
        kept.add(t);
        next = min(next, Duration.between(now, deadline));
      }
    }
    return new Assessment(kept, evicted, next);
  }

  /** Karmada's allScheduledResourceInHealthyState: every target has a Healthy status item. */
  static boolean allHealthy(JsonNode spec, JsonNode status) {
    for (JsonNode target : spec.path("clusters")) {
      String name = target.path("name").asText();
      boolean ok = false;
      for (JsonNode item : status.path("aggregatedStatus")) {
        if (name.equals(item.path("clusterName").asText())) {
          ok = "Healthy".equals(item.path("health").asText());
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Duration timeout(JsonNode task, Duration defaultTimeout) {
    JsonNode grace = task.path("gracePeriodSeconds");
    return grace.isIntegralNumber() ? Duration.ofSeconds(grace.asLong()) : defaultTimeout;
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static Instant instant(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
