package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The binding conditions beyond Karmada's Scheduled and FullyApplied, written with the aggregated
 * status (no write of their own): Suspended ({@code spec.suspension}), Evicted and Failover (from
 * {@code spec.gracefulEvictionTasks}, where Karmada records an eviction). Each appears once it
 * first holds and turns False, with a message saying what ended, when it no longer does.
 */
final class BindingConditions {
  static final String SUSPENDED = "Suspended";
  static final String EVICTED = "Evicted";
  static final String FAILOVER = "Failover";

  private BindingConditions() {}

  /** Sets the conditions on {@code status} from the binding's spec. */
  static void apply(ObjectNode status, JsonNode spec) {
    suspended(status, spec.path("suspension"));
    eviction(status, spec);
  }

  private static void suspended(ObjectNode status, JsonNode suspension) {
    List<String> clusters = new ArrayList<>();
    suspension
        .path("dispatchingOnClusters")
        .path("clusterNames")
        .forEach(c -> clusters.add(c.asText()));
    if (suspension.path("dispatching").asBoolean(false)) {
      set(
          status,
          SUSPENDED,
          "True",
          "DispatchingSuspended",
          "Dispatching is suspended (suspension.dispatching): the Works on member clusters are"
              + " left as they are until it is lifted.");
    } else if (!clusters.isEmpty()) {
      set(
          status,
          SUSPENDED,
          "True",
          "DispatchingOnClustersSuspended",
          "Dispatching to "
              + String.join(", ", clusters)
              + " is suspended (suspension.dispatchingOnClusters); other clusters are updated.");
    } else if (BindingStatus.condition(wrap(status), SUSPENDED) != null) {
      set(status, SUSPENDED, "False", "DispatchingResumed", "Dispatching is not suspended.");
    }
  }

  private static void eviction(ObjectNode status, JsonNode spec) {
    JsonNode tasks = spec.path("gracefulEvictionTasks");
    if (tasks.isEmpty()) {
      if (BindingStatus.condition(wrap(status), EVICTED) != null) {
        set(
            status,
            EVICTED,
            "False",
            "EvictionCompleted",
            "No eviction is in progress: the evicted clusters' copies were removed.");
      }
      if (BindingStatus.condition(wrap(status), FAILOVER) != null) {
        set(
            status,
            FAILOVER,
            "False",
            "FailoverCompleted",
            "No failover is in progress: the workload runs on " + targets(spec) + ".");
      }
      return;
    }
    List<String> evicted = new ArrayList<>();
    Set<String> reasons = new LinkedHashSet<>();
    boolean application = false;
    for (JsonNode t : tasks) {
      String reason = t.path("reason").asText("");
      reasons.add(reason);
      application |= "ApplicationFailure".equals(reason);
      evicted.add(
          t.path("fromCluster").asText()
              + " ("
              + reason
              + (t.path("producer").asText("").isEmpty()
                  ? ""
                  : " by " + t.path("producer").asText())
              + ", purgeMode "
              + t.path("purgeMode").asText("Gracefully")
              + ")");
    }
    set(
        status,
        EVICTED,
        "True",
        "EvictionInProgress",
        "Evicted from "
            + String.join(", ", evicted)
            + ": each old copy stays until the clusters now chosen report it healthy or its grace"
            + " period ends (spec.gracefulEvictionTasks).");
    set(
        status,
        FAILOVER,
        "True",
        application ? "ApplicationFailover" : "ClusterFailover",
        "Failing over ("
            + String.join(", ", reasons)
            + ") to "
            + targets(spec)
            + " from "
            + String.join(", ", fromClusters(tasks))
            + ".");
  }

  private static List<String> fromClusters(JsonNode tasks) {
    List<String> out = new ArrayList<>();
    tasks.forEach(t -> out.add(t.path("fromCluster").asText()));
    return out;
  }

  private static String targets(JsonNode spec) {
    List<String> names = new ArrayList<>();
    spec.path("clusters").forEach(c -> names.add(c.path("name").asText()));
    return names.isEmpty() ? "no cluster yet" : String.join(", ", names);
  }

  private static JsonNode wrap(ObjectNode status) {
    ObjectNode o = status.objectNode();
    o.set("status", status);
    return o;
  }

  private static void set(
      ObjectNode status, String type, String value, String reason, String message) {
    BindingStatus.setCondition(status, type, value, reason, message);
  }
}
