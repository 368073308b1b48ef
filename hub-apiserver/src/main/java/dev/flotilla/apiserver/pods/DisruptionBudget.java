package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * @param expectedPods pods the budget expects: the selected pods for an integer minAvailable, the
 *     controllers' replicas for maxUnavailable or a percentage, 0 when neither is set
 * @param desiredHealthy healthy pods the budget must keep
 * @param currentHealthy selected pods that are Ready, not being deleted and not just evicted
 * @param disruptionsAllowed how many more pods may be evicted now
 */
public record DisruptionBudget(
    int expectedPods, int desiredHealthy, int currentHealthy, int disruptionsAllowed) {

  /** How long an eviction's entry in status.disruptedPods counts, as the disruption controller. */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  /** The budget's condition type (policy/v1 DisruptionAllowedCondition). */
  public static final String CONDITION = "DisruptionAllowed";

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
      // Neither set: upstream expects nothing, so nothing may be disrupted.
      expected = 0;
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

  /**
   * The budget's status.disruptedPods as the disruption controller keeps it: entries of selected
   * pods that are not being deleted and whose eviction is under {@link #DELETION_TIMEOUT} old;
   * others are dropped (the pod went, or its eviction never deleted it).
   *
   * @param pods the entries kept, name to eviction time
   * @param recheck when the earliest kept entry expires, or null when none is kept
   */
  public record Disrupted(ObjectNode pods, Instant recheck) {}

  /** The disrupted pods {@code pdb} still waits for among {@code selected}, at {@code now}. */
  public static Disrupted disrupted(ObjectNode pdb, List<ObjectNode> selected, Instant now) {
    ObjectNode kept = pdb.objectNode();
    Instant recheck = null;
    JsonNode recorded = pdb.path("status").path("disruptedPods");
    for (ObjectNode pod : selected) {
      JsonNode at = recorded.path(Meta.name(pod));
      if (Meta.isDeleting(pod) || !at.isTextual()) {
        continue;
      }
      Instant expires;
      try {
        expires = Instant.parse(at.asText()).plus(DELETION_TIMEOUT);
      } catch (RuntimeException e) {
        continue;
      }
      if (expires.isAfter(now)) {
        kept.set(Meta.name(pod), at);
        recheck = recheck == null || expires.isBefore(recheck) ? expires : recheck;
      }
    }
    return new Disrupted(kept, recheck);
  }

  /**
   * Writes these figures into {@code pdb}'s status as the disruption controller does: the counts,
   * {@code disruptedPods} (omitted when empty), observedGeneration and the DisruptionAllowed
   * condition; other conditions are kept.
   */
  public void writeStatus(ObjectNode pdb, ObjectNode disruptedPods, String now) {
    ObjectNode old = pdb.path("status").isObject() ? (ObjectNode) pdb.get("status") : null;
    ObjectNode status = pdb.putObject("status");
    long generation = Meta.metadata(pdb).path("generation").asLong(0);
    if (generation != 0) {
      status.put("observedGeneration", generation);
    }
    if (disruptedPods != null && !disruptedPods.isEmpty()) {
      status.set("disruptedPods", disruptedPods);
    }
    status.put("disruptionsAllowed", disruptionsAllowed);
    status.put("currentHealthy", currentHealthy);
    status.put("desiredHealthy", desiredHealthy);
    status.put("expectedPods", expectedPods);
    if (old != null && old.path("conditions").isArray()) {
      status.set("conditions", old.get("conditions"));
    }
    boolean allowed = disruptionsAllowed > 0;
    setCondition(
        status,
        allowed ? "True" : "False",
        allowed ? "SufficientPods" : "InsufficientPods",
        "",
        now);
  }

  /**
   * The disruption controller's fail-safe when it cannot compute a budget: no disruption allowed,
   * DisruptionAllowed False with reason SyncFailed and the error; the rest of status is kept.
   */
  public static void failSafe(ObjectNode pdb, String message, String now) {
    ObjectNode status =
        pdb.path("status").isObject() ? (ObjectNode) pdb.get("status") : pdb.putObject("status");
    status.put("disruptionsAllowed", 0);
    setCondition(status, "False", "SyncFailed", message, now);
  }

  /** Upstream's SetStatusCondition for DisruptionAllowed: the transition time moves on a change. */
  private static void setCondition(
      ObjectNode status, String value, String reason, String message, String now) {
    ArrayNode conditions =
        status.path("conditions").isArray()
            ? (ArrayNode) status.get("conditions")
            : status.putArray("conditions");
    ObjectNode c = null;
    for (JsonNode existing : conditions) {
      if (existing.path("type").asText().equals(CONDITION)) {
        c = (ObjectNode) existing;
      }
    }
    if (c == null) {
      c = conditions.addObject().put("type", CONDITION);
    }
    if (!value.equals(c.path("status").asText()) || !c.path("lastTransitionTime").isTextual()) {
      c.put("lastTransitionTime", now);
    }
    c.put("status", value);
    long generation = status.path("observedGeneration").asLong(0);
    if (generation != 0) {
      c.put("observedGeneration", generation);
    } else {
      c.remove("observedGeneration");
    }
    c.put("reason", reason);
    c.put("message", message);
  }
}
