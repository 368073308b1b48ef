package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.policies.conditions.Conditions.Condition;
import dev.flotilla.policies.interpreter.InterpretationException;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.status.Health;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Work status the agent reports, as a pure function of the reconcile's results: {@code
 * manifestStatuses[{identifier, status, health}]} and the Applied, Available and Degraded
 * conditions.
 */
final class WorkStatusBuilder {
  static final String APPLIED = "Applied";
  static final String AVAILABLE = "Available";
  static final String DEGRADED = "Degraded";

  /** Reason of an Available condition that a failing interpreter script made Unknown. */
  static final String INTERPRET_FAILED = "InterpretFailed";

  private WorkStatusBuilder() {}

  static ObjectNode build(
      JsonNode previous,
      List<ManifestResult> results,
      long generation,
      String now,
      ResourceInterpreter interpreter) {
    ObjectNode status =
        previous != null && previous.isObject()
            ? ((ObjectNode) previous).deepCopy()
            : Json.object();
    List<ManifestResult> ordered = new ArrayList<>(results);
    ordered.sort(Comparator.comparingInt(ManifestResult::ordinal));
    ArrayNode manifestStatuses = status.putArray("manifestStatuses");
    List<String> unhealthy = new ArrayList<>();
    List<String> uninterpretable = new ArrayList<>();
    int healthy = 0;
    for (ManifestResult r : ordered) {
      ObjectNode entry = manifestStatuses.addObject();
      entry.set("identifier", identifier(r));
      Health health = Health.UNKNOWN;
      if (!r.failed() && r.live() != null) {
        // Karmada's work status controller: a script that fails leaves the status out and the
        // health Unknown, and says why; the built-in rule never stands in for it.
        try {
          JsonNode reflected = interpreter.reflectStatus(r.live());
          if (reflected != null && !reflected.isEmpty()) {
            entry.set("status", reflected);
          }
        } catch (InterpretationException e) {
          uninterpretable.add(r.describe() + ": " + e.getMessage());
        }
        try {
          health = interpreter.health(r.live());
        } catch (InterpretationException e) {
          uninterpretable.add(r.describe() + ": " + e.getMessage());
        }
      }
      entry.put("health", health.value());
      if (health == Health.HEALTHY) {
        healthy++;
      } else if (health == Health.UNHEALTHY) {
        unhealthy.add(r.describe());
      }
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(applied(ordered, generation));
    conditions.add(available(ordered.size(), healthy, unhealthy, uninterpretable, generation));
    conditions.add(degraded(unhealthy, generation));
    status.set("conditions", Conditions.merge(status.get("conditions"), conditions, now));
    return status;
  }

  private static ObjectNode identifier(ManifestResult r) {
    ObjectNode id = Json.object();
    id.put("ordinal", r.ordinal());
    id.put("group", ObjectKey.groupOf(r.apiVersion()));
    id.put("version", ObjectKey.versionOf(r.apiVersion()));
    id.put("kind", r.kind());
    id.put("resource", r.gvr() == null ? "" : r.gvr().resource());
    if (r.namespace() != null && !r.namespace().isEmpty()) {
      id.put("namespace", r.namespace());
    }
    id.put("name", r.name());
    return id;
  }

  private static Condition applied(List<ManifestResult> results, long generation) {
    List<String> errors = new ArrayList<>();
    for (ManifestResult r : results) {
      if (r.failed()) {
        errors.add(r.describe() + ": " + r.error());
      }
    }
    if (errors.isEmpty()) {
      return new Condition(
          APPLIED,
          "True",
          "AppliedSuccessful",
          "Manifest has been successfully applied",
          generation);
    }
    return new Condition(
        APPLIED,
        "False",
        "AppliedFailed",
        "Failed to apply all manifests ("
            + errors.size()
            + "/"
            + results.size()
            + "): "
            + String.join("; ", errors),
        generation);
  }

  private static Condition available(
      int total,
      int healthy,
      List<String> unhealthy,
      List<String> uninterpretable,
      long generation) {
    if (!uninterpretable.isEmpty()) {
      return new Condition(
          AVAILABLE,
          "Unknown",
          INTERPRET_FAILED,
          "a resource interpreter script failed: " + String.join("; ", uninterpretable),
          generation);
    }
    if (healthy == total) {
      return new Condition(
          AVAILABLE,
          "True",
          "ResourcesAvailable",
          "all " + total + " resources are healthy in the member cluster",
          generation);
    }
    if (!unhealthy.isEmpty()) {
      return new Condition(
          AVAILABLE,
          "False",
          "ResourcesUnavailable",
          "not healthy: " + String.join(", ", unhealthy),
          generation);
    }
    return new Condition(
        AVAILABLE,
        "Unknown",
        "ResourcesHealthUnknown",
        (total - healthy) + " of " + total + " resources are not applied or not found",
        generation);
  }

  private static Condition degraded(List<String> unhealthy, long generation) {
    if (unhealthy.isEmpty()) {
      return new Condition(
          DEGRADED, "False", "ResourcesHealthy", "no resource is unhealthy", generation);
    }
    return new Condition(
        DEGRADED,
        "True",
        "ResourcesUnhealthy",
        "not healthy: " + String.join(", ", unhealthy),
        generation);
  }
}
