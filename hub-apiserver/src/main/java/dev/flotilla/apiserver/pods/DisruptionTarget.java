package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The pod condition {@code DisruptionTarget}: set True by an eviction just before its delete, and
 * turned False by the disruption controller when the pod was not deleted after all.
 */
public final class DisruptionTarget {
  /** The condition type (core/v1 DisruptionTarget). */
  public static final String TYPE = "DisruptionTarget";

  static final String EVICTION_REASON = "EvictionByEvictionAPI";
  static final String EVICTION_MESSAGE = "Eviction API: evicting";

  /** Set by the kubelet; never stale, the pod may take long to terminate. */
  private static final String KUBELET_REASON = "TerminationByKubelet";

  /** How long a True condition may stand on a pod that is not being deleted (upstream's). */
  static final Duration STALE_TIMEOUT = Duration.ofMinutes(2);

  private DisruptionTarget() {}

  /** Sets DisruptionTarget True, reason EvictionByEvictionAPI, as upstream's UpdatePodCondition. */
  static void markEvicted(ObjectNode pod, String now) {
    set(pod, "True", EVICTION_REASON, EVICTION_MESSAGE, now);
  }

  /**
   * When a True condition on {@code pod} goes stale, or empty when it never does: the pod is being
   * deleted or is terminal, the condition is not True, or the kubelet set it.
   */
  static Optional<Instant> staleAt(JsonNode pod) {
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      return Optional.empty();
    }
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return Optional.empty();
    }
    JsonNode c = find(pod);
    if (c == null
        || !c.path("status").asText().equals("True")
        || c.path("reason").asText().equals(KUBELET_REASON)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(c.path("lastTransitionTime").asText()).plus(STALE_TIMEOUT));
    } catch (RuntimeException e) {
      return Optional.of(Instant.EPOCH); // no readable time: stale now
    }
  }

  /** Turns a stale condition False, keeping its reason and message, as the controller's apply. */
  static void clear(ObjectNode pod, String now) {
    JsonNode c = find(pod);
    set(pod, "False", c.path("reason").asText(null), c.path("message").asText(null), now);
  }

  private static JsonNode find(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals(TYPE)) {
        return c;
      }
    }
    return null;
  }

  private static void set(
      ObjectNode pod, String status, String reason, String message, String now) {
    ObjectNode st =
        pod.path("status").isObject() ? (ObjectNode) pod.get("status") : pod.putObject("status");
    ArrayNode conditions =
        st.path("conditions").isArray()
            ? (ArrayNode) st.get("conditions")
            : st.putArray("conditions");
    ObjectNode c = (ObjectNode) find(pod);
    if (c == null) {
      c = conditions.addObject().put("type", TYPE);
      c.putNull("lastProbeTime");
    }
    if (!status.equals(c.path("status").asText())) {
      c.put("lastTransitionTime", now);
    }
    c.put("status", status);
    if (reason != null) {
      c.put("reason", reason);
    }
    if (message != null) {
      c.put("message", message);
    }
  }
}
