package dev.flotilla.sim.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.pods.PodStatuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The statuses the apps/v1 controllers write, as pure functions of the workload and what it owns.
 * Zero counts are left out, as upstream's omitempty does.
 */
public final class WorkloadStatuses {
  private WorkloadStatuses() {}

  /** Pod counts of one workload. */
  record Counts(int active, int labeled, int ready, int available) {}

  /**
   * Counts {@code pods}: active ones, those carrying all of {@code templateLabels}, the ready, and
   * the available (ready for minReadySeconds as of {@code now}).
   */
  static Counts count(
      List<? extends JsonNode> pods, JsonNode templateLabels, int minReadySeconds, Instant now) {
    int active = 0;
    int labeled = 0;
    int ready = 0;
    int available = 0;
    for (JsonNode pod : pods) {
      if (!PodTemplates.isActive(pod)) {
        continue;
      }
      active++;
      boolean hasLabels = true;
      for (var e : templateLabels.properties()) {
        hasLabels &= e.getValue().equals(pod.path("metadata").path("labels").get(e.getKey()));
      }
      if (hasLabels) {
        labeled++;
      }
      if (PodStatuses.isReady(pod)) {
        ready++;
        if (availableSince(pod, minReadySeconds) <= now.getEpochSecond()) {
          available++;
        }
      }
    }
    return new Counts(active, labeled, ready, available);
  }

  /** The epoch second at which a ready pod counts as available. */
  static long availableSince(JsonNode pod, int minReadySeconds) {
    if (minReadySeconds <= 0) {
      return Long.MIN_VALUE;
    }
    JsonNode ready = Conditions.find(pod.path("status").path("conditions"), "Ready");
    String since = ready == null ? "" : ready.path("lastTransitionTime").asText("");
    try {
      return Instant.parse(since).getEpochSecond() + minReadySeconds;
    } catch (RuntimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * Milliseconds until the next ready pod becomes available under minReadySeconds, or {@link
   * KeyQueue#DONE} when none is waiting.
   */
  static long nextAvailability(List<? extends JsonNode> pods, int minReadySeconds, Instant now) {
    long next = Long.MAX_VALUE;
    for (JsonNode pod : pods) {
      if (PodTemplates.isActive(pod) && PodStatuses.isReady(pod)) {
        long at = availableSince(pod, minReadySeconds);
        if (at > now.getEpochSecond()) {
          next = Math.min(next, at);
        }
      }
    }
    return next == Long.MAX_VALUE ? KeyQueue.DONE : (next - now.getEpochSecond()) * 1000 + 100;
  }

  /** The status of a ReplicaSet with {@code pods}. */
  public static ObjectNode replicaSet(JsonNode rs, List<? extends JsonNode> pods, Instant now) {
    JsonNode spec = rs.path("spec");
    Counts c =
        count(
            pods,
            spec.path("template").path("metadata").path("labels"),
            spec.path("minReadySeconds").asInt(0),
            now);
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("replicas", c.active());
    putPositive(status, "fullyLabeledReplicas", c.labeled());
    putPositive(status, "readyReplicas", c.ready());
    putPositive(status, "availableReplicas", c.available());
    status.put("observedGeneration", generation(rs));
    return status;
  }

  /**
   * The status of a Deployment whose current template is {@code newRs} (null when not created yet)
   * with {@code oldRss} from earlier templates.
   */
  public static ObjectNode deployment(
      JsonNode deployment, JsonNode newRs, List<? extends JsonNode> oldRss, String now) {
    int desired = PodTemplates.replicas(deployment);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int specTotal = 0;
    int updated = newRs == null ? 0 : newRs.path("status").path("replicas").asInt(0);
    for (JsonNode rs : all(newRs, oldRss)) {
      replicas += rs.path("status").path("replicas").asInt(0);
      ready += rs.path("status").path("readyReplicas").asInt(0);
      available += rs.path("status").path("availableReplicas").asInt(0);
      specTotal += PodTemplates.replicas(rs);
    }
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("observedGeneration", generation(deployment));
    putPositive(status, "replicas", replicas);
    putPositive(status, "updatedReplicas", updated);
    putPositive(status, "readyReplicas", ready);
    putPositive(status, "availableReplicas", available);
    putPositive(status, "unavailableReplicas", specTotal - available);

    JsonNode previous = deployment.path("status").path("conditions");
    ArrayNode conditions = status.putArray("conditions");
    boolean minimum = available >= desired - maxUnavailable(deployment);
    conditions.add(
        Conditions.withUpdateTime(
            previous,
            "Available",
            minimum,
            minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            minimum
                ? "Deployment has minimum availability."
                : "Deployment does not have minimum availability.",
            now));
    String rsName = (newRs == null ? deployment : newRs).path("metadata").path("name").asText();
    boolean complete =
        newRs != null && updated == desired && replicas == desired && available == desired;
    conditions.add(
        Conditions.withUpdateTime(
            previous,
            "Progressing",
            true,
            complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
            "ReplicaSet \""
                + rsName
                + "\" "
                + (complete ? "has successfully progressed." : "is progressing."),
            now));
    return status;
  }

  /** Upstream's MaxUnavailable: 0 unless RollingUpdate; percentages round down. */
  static int maxUnavailable(JsonNode deployment) {
    JsonNode strategy = deployment.path("spec").path("strategy");
    int desired = PodTemplates.replicas(deployment);
    if (!"RollingUpdate".equals(strategy.path("type").asText("RollingUpdate")) || desired == 0) {
      return 0;
    }
    JsonNode value = strategy.path("rollingUpdate").path("maxUnavailable");
    int result;
    if (value.isTextual() && value.asText().endsWith("%")) {
      int percent = Integer.parseInt(value.asText().substring(0, value.asText().length() - 1));
      result = desired * percent / 100;
    } else if (value.canConvertToInt()) {
      result = value.asInt();
    } else {
      result = desired * 25 / 100;
    }
    return Math.min(result, desired);
  }

  /** The status of a StatefulSet with {@code pods} and its current {@code revision}. */
  public static ObjectNode statefulSet(
      JsonNode sts, List<? extends JsonNode> pods, String revision, Instant now) {
    JsonNode spec = sts.path("spec");
    Counts c =
        count(
            pods,
            spec.path("template").path("metadata").path("labels"),
            spec.path("minReadySeconds").asInt(0),
            now);
    int updated = 0;
    for (JsonNode pod : pods) {
      if (PodTemplates.isActive(pod)
          && revision.equals(
              pod.path("metadata")
                  .path("labels")
                  .path(StatefulSetController.REVISION_LABEL)
                  .asText())) {
        updated++;
      }
    }
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("observedGeneration", generation(sts));
    status.put("replicas", c.active());
    putPositive(status, "readyReplicas", c.ready());
    putPositive(status, "currentReplicas", updated);
    putPositive(status, "updatedReplicas", updated);
    putPositive(status, "availableReplicas", c.available());
    status.put("currentRevision", revision);
    status.put("updateRevision", revision);
    status.put("collisionCount", 0);
    return status;
  }

  /** The status of a DaemonSet wanted on {@code desiredNodes} nodes, with {@code pods}. */
  public static ObjectNode daemonSet(
      JsonNode ds,
      List<? extends JsonNode> pods,
      int desiredNodes,
      int scheduledNodes,
      String revision,
      Instant now) {
    JsonNode spec = ds.path("spec");
    Counts c =
        count(
            pods,
            spec.path("template").path("metadata").path("labels"),
            spec.path("minReadySeconds").asInt(0),
            now);
    int updated = 0;
    for (JsonNode pod : pods) {
      if (PodTemplates.isActive(pod)
          && revision.equals(
              pod.path("metadata")
                  .path("labels")
                  .path(DaemonSetController.REVISION_LABEL)
                  .asText())) {
        updated++;
      }
    }
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("currentNumberScheduled", scheduledNodes);
    status.put("numberMisscheduled", 0);
    status.put("desiredNumberScheduled", desiredNodes);
    status.put("numberReady", c.ready());
    status.put("observedGeneration", generation(ds));
    putPositive(status, "updatedNumberScheduled", updated);
    putPositive(status, "numberAvailable", c.available());
    putPositive(status, "numberUnavailable", desiredNodes - c.available());
    return status;
  }

  private static List<JsonNode> all(JsonNode newRs, List<? extends JsonNode> oldRss) {
    List<JsonNode> out = new ArrayList<>(oldRss);
    if (newRs != null) {
      out.add(newRs);
    }
    return out;
  }

  private static long generation(JsonNode obj) {
    return obj.path("metadata").path("generation").asLong(1);
  }

  private static void putPositive(ObjectNode status, String field, int value) {
    if (value > 0) {
      status.put(field, value);
    }
  }
}
