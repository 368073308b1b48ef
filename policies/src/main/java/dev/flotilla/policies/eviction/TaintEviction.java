package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.placement.plugins.TaintToleration;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Karmada's NoExecute taint manager decision for one binding on one cluster, pure: a binding that
 * does not tolerate every NoExecute taint of the cluster is evicted now; one that tolerates them
 * all is evicted when the earliest {@code tolerationSeconds} (counted from each taint's {@code
 * timeAdded}) runs out, and never when no used toleration has a limit.
 */
public final class TaintEviction {
  /** The verdict: evict now, look again after {@code after}, or never (after null). */
  public record Verdict(boolean evict, Duration after) {
    static final Verdict NOW = new Verdict(true, Duration.ZERO);
    static final Verdict NEVER = new Verdict(false, null);
  }

  private TaintEviction() {}

  /** The cluster's NoExecute taints. */
  public static List<JsonNode> noExecuteTaints(JsonNode cluster) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode t : cluster.path("spec").path("taints")) {
      if ("NoExecute".equals(t.path("effect").asText())) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * @param taints the cluster's NoExecute taints
   * @param tolerations the binding's {@code placement.clusterTolerations}
   */
  public static Verdict decide(List<JsonNode> taints, List<JsonNode> tolerations, Instant now) {
    if (taints.isEmpty()) {
      return Verdict.NEVER;
    }
    List<JsonNode> used = new ArrayList<>();
    for (JsonNode taint : taints) {
      JsonNode match = null;
      for (JsonNode t : tolerations) {
        if (TaintToleration.tolerates(t, taint)) {
          match = t;
          break;
        }
      }
      if (match == null) {
        return Verdict.NOW;
      }
      used.add(match);
    }
    Instant earliest = null;
    for (JsonNode toleration : used) {
      JsonNode seconds = toleration.path("tolerationSeconds");
      if (!seconds.isIntegralNumber()) {
        continue;
      }
      for (JsonNode taint : taints) {
        Instant added = timeAdded(taint);
        if (added == null || !TaintToleration.tolerates(toleration, taint)) {
          continue;
        }
        Instant trigger = added.plusSeconds(seconds.asLong());
        if (earliest == null || trigger.isBefore(earliest)) {
          earliest = trigger;
        }
      }
    }
    if (earliest == null) {
      return Verdict.NEVER;
    }
    return earliest.isAfter(now)
        ? new Verdict(false, Duration.between(now, earliest))
        : Verdict.NOW;
  }

  private static Instant timeAdded(JsonNode taint) {
    String added = taint.path("timeAdded").asText("");
    if (added.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(added);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
