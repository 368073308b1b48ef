package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.conditions.Conditions;

/**
 * Health of a member object, after Karmada's built-in InterpretHealth: workloads are healthy when
 * the controller has seen the latest spec and all replicas are updated and available; LoadBalancer
 * Services and Ingresses when they have an address; PVCs when Bound; Pods when Running and Ready
 * (or Succeeded). Kinds without a rule are Healthy once they exist.
 */
final class Health {
  static final String HEALTHY = "Healthy";
  static final String UNHEALTHY = "Unhealthy";
  static final String UNKNOWN = "Unknown";

  private Health() {}

  /** Healthy, Unhealthy, or Unknown when the object is absent. */
  static String of(JsonNode obj) {
    if (obj == null || obj.isMissingNode() || obj.isNull()) {
      return UNKNOWN;
    }
    String group = ObjectKey.groupOf(obj.path("apiVersion").asText());
    String kind = obj.path("kind").asText();
    boolean healthy =
        switch (group + "/" + kind) {
          case "apps/Deployment" -> rolledOut(obj, "updatedReplicas", "availableReplicas");
          case "apps/StatefulSet" -> rolledOut(obj, "updatedReplicas", "readyReplicas");
          case "apps/ReplicaSet" ->
              observed(obj)
                  && obj.path("status").path("availableReplicas").asLong(0) >= replicas(obj);
          case "apps/DaemonSet" ->
              observed(obj)
                  && obj.path("status").path("updatedNumberScheduled").asLong(0)
                      >= obj.path("status").path("desiredNumberScheduled").asLong(0)
                  && obj.path("status").path("numberAvailable").asLong(0)
                      >= obj.path("status").path("desiredNumberScheduled").asLong(0);
          case "/Service" ->
              !"LoadBalancer".equals(obj.path("spec").path("type").asText()) || hasIngress(obj);
          case "networking.k8s.io/Ingress" -> hasIngress(obj);
          case "/PersistentVolumeClaim" ->
              "Bound".equals(obj.path("status").path("phase").asText());
          case "/Pod" -> podHealthy(obj);
          case "policy/PodDisruptionBudget" ->
              obj.path("status").path("currentHealthy").asLong(0)
                  >= obj.path("status").path("desiredHealthy").asLong(0);
          default -> true;
        };
    return healthy ? HEALTHY : UNHEALTHY;
  }

  private static boolean rolledOut(JsonNode obj, String updatedField, String availableField) {
    JsonNode status = obj.path("status");
    long replicas = replicas(obj);
    return observed(obj)
        && status.path(updatedField).asLong(0) >= replicas
        && status.path(availableField).asLong(0) >= replicas;
  }

  /** The controller has seen the current spec. */
  private static boolean observed(JsonNode obj) {
    return obj.path("status").path("observedGeneration").asLong(-1)
        >= obj.path("metadata").path("generation").asLong(0);
  }

  private static long replicas(JsonNode obj) {
    JsonNode r = obj.path("spec").path("replicas");
    return r.isNumber() ? r.asLong() : 1;
  }

  private static boolean hasIngress(JsonNode obj) {
    for (JsonNode i : obj.path("status").path("loadBalancer").path("ingress")) {
      if (!i.path("ip").asText("").isEmpty() || !i.path("hostname").asText("").isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static boolean podHealthy(JsonNode obj) {
    String phase = obj.path("status").path("phase").asText();
    return "Succeeded".equals(phase)
        || ("Running".equals(phase)
            && Conditions.isTrue(obj.path("status").path("conditions"), "Ready"));
  }
}
