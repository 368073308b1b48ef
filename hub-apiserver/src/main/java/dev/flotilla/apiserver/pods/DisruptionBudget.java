package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.selection.SelectorParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the disruption controller computes for a policy/v1 PodDisruptionBudget (expected pods,
 * desired and current healthy, disruptions allowed), as a pure function of the budget, the pods it
 * selects and the replica count their controllers ask for.
 *
 * @param expectedPods pods the budget expects: the selected pods for an integer minAvailable, else
 *     the controllers' replicas
 * @param desiredHealthy healthy pods the budget must keep
 * @param currentHealthy selected pods that are Ready, not being deleted and not just evicted
 * @param disruptionsAllowed how many more pods may be evicted now
 */
public record DisruptionBudget(
    int expectedPods, int desiredHealthy, int currentHealthy, int disruptionsAllowed) {

  /** How long an eviction's entry in status.disruptedPods counts, as the disruption controller. */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  /**
   * The selector of {@code pdb} as policy/v1 reads it: absent selects nothing, {@code {}} every pod
   * in the namespace; an unparsable one selects nothing (upstream skips such a budget).
   */
  public static Optional<LabelSelector> selector(ObjectNode pdb) {
    try {
      return Optional.of(LabelSelector.fromMetaV1(pdb.path("spec").get("selector")));
    } catch (SelectorParseException e) {
      return Optional.empty();
    }
  }

  /** True when the pod's Ready condition is True, as upstream's IsPodReady. */
  public static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /**
   * The budget's figures.
   *
   * @param pods the pods its selector matches in its namespace
   * @param scale replicas the pods' controllers ask for (unmanaged pods add nothing), used for
   *     maxUnavailable and a percentage minAvailable only
   */
  public static DisruptionBudget compute(
      ObjectNode pdb, List<ObjectNode> pods, int scale, Instant now) {
    JsonNode spec = pdb.path("spec");
    JsonNode min = spec.path("minAvailable");
    JsonNode max = spec.path("maxUnavailable");
    int expected;
    int desired;
    if (!max.isMissingNode() && !max.isNull()) {
      expected = scale;
      desired = Math.max(0, expected - scaled(max, expected));
    } else if (!min.isMissingNode() && !min.isNull()) {
      if (min.isIntegralNumber()) {
        expected = pods.size();
        desired = min.asInt();
      } else {
        expected = scale;
        desired = scaled(min, expected);
      }
    } else {
      expected = pods.size();
      desired = 0;
    }
    JsonNode disrupted = pdb.path("status").path("disruptedPods");
    int healthy = 0;
    for (ObjectNode pod : pods) {
      if (ready(pod) && !Meta.isDeleting(pod) && !recentlyDisrupted(disrupted, pod, now)) {
        healthy++;
      }
    }
    int allowed = healthy - desired;
    if (expected <= 0 || allowed <= 0) {
      allowed = 0;
    }
    return new DisruptionBudget(expected, desired, healthy, allowed);
  }

  private static boolean recentlyDisrupted(JsonNode disrupted, ObjectNode pod, Instant now) {
    JsonNode at = disrupted.path(Meta.name(pod));
    if (!at.isTextual()) {
      return false;
    }
    try {
      return Instant.parse(at.asText()).plus(DELETION_TIMEOUT).isAfter(now);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * An IntOrString against {@code total}: an integer as is, a percentage rounded up (upstream's
   * GetScaledValueFromIntOrPercent with roundUp); validation has refused any other string.
   */
  static int scaled(JsonNode value, int total) {
    if (value.isIntegralNumber()) {
      return value.asInt();
    }
    String s = value.asText().trim();
    if (!s.endsWith("%")) {
      return Integer.parseInt(s);
    }
    int percent = Integer.parseInt(s.substring(0, s.length() - 1));
    return (int) Math.ceil(percent * (double) total / 100);
  }

  /** Writes these figures into {@code status} (observedGeneration, counts, the condition). */
  public void writeStatus(ObjectNode pdb, String now) {
    ObjectNode status =
        pdb.path("status").isObject() ? (ObjectNode) pdb.get("status") : pdb.putObject("status");
    status.put("observedGeneration", Meta.metadata(pdb).path("generation").asLong(1));
    status.put("expectedPods", expectedPods);
    status.put("desiredHealthy", desiredHealthy);
    status.put("currentHealthy", currentHealthy);
    status.put("disruptionsAllowed", disruptionsAllowed);
    if (!status.path("disruptedPods").isObject()) {
      status.putObject("disruptedPods");
    }
    boolean allowed = disruptionsAllowed > 0;
    String conditionStatus = allowed ? "True" : "False";
    String since = now;
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("DisruptionAllowed")
          && c.path("status").asText().equals(conditionStatus)) {
        since = c.path("lastTransitionTime").asText(now);
      }
    }
    ObjectNode c = status.putArray("conditions").addObject();
    c.put("type", "DisruptionAllowed");
    c.put("status", conditionStatus);
    c.put("observedGeneration", status.path("observedGeneration").asLong());
    c.put("lastTransitionTime", since);
    c.put("reason", allowed ? "SufficientPods" : "InsufficientPods");
    c.put("message", "");
  }
}
