package dev.flotilla.policies.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;

/**
 * Karmada's default InterpretHealth for built-in kinds. Kinds without a health rule (Job,
 * ConfigMap, CRDs...) are Healthy, as Karmada treats them; an object whose fields have the wrong
 * types is Unknown.
 */
public final class HealthInterpreter {

  /** Thrown when a field the rule needs is not of the expected type. */
  private static final class Malformed extends RuntimeException {
    Malformed() {
      super(null, null, false, false);
    }
  }

  private HealthInterpreter() {}

  public static Health health(JsonNode object) {
    try {
      return healthy(object) ? Health.HEALTHY : Health.UNHEALTHY;
    } catch (Malformed e) {
      return Health.UNKNOWN;
    }
  }

  private static boolean healthy(JsonNode o) {
    String gvk = Nodes.text(o, "apiVersion") + "/" + Nodes.text(o, "kind");
    return switch (gvk) {
      case "apps/v1/Deployment", "apps/v1/StatefulSet" ->
          observed(o)
              && !(has(o, "spec", "replicas")
                  && num(o, "status", "updatedReplicas") < num(o, "spec", "replicas"))
              && num(o, "status", "availableReplicas") >= num(o, "status", "updatedReplicas");
      case "apps/v1/ReplicaSet" ->
          observed(o)
              && !(has(o, "spec", "replicas")
                  && num(o, "status", "availableReplicas") < num(o, "spec", "replicas"));
      case "apps/v1/DaemonSet" ->
          observed(o)
              && num(o, "status", "updatedNumberScheduled")
                  >= num(o, "status", "desiredNumberScheduled")
              && num(o, "status", "numberAvailable") >= num(o, "status", "updatedNumberScheduled");
      case "v1/Service" -> !"LoadBalancer".equals(Nodes.text(o, "spec", "type")) || hasIngress(o);
      case "networking.k8s.io/v1/Ingress" -> hasIngress(o);
      case "v1/PersistentVolumeClaim" -> "Bound".equals(Nodes.text(o, "status", "phase"));
      case "v1/Pod" -> podHealthy(o);
      case "policy/v1/PodDisruptionBudget" ->
          num(o, "status", "currentHealthy") >= num(o, "status", "desiredHealthy");
      default -> true;
    };
  }

  // The member controller has seen the latest spec.
  private static boolean observed(JsonNode o) {
    return num(o, "status", "observedGeneration") == num(o, "metadata", "generation");
  }

  private static boolean hasIngress(JsonNode o) {
    for (JsonNode ingress : Nodes.list(o, "status", "loadBalancer", "ingress")) {
      if (!Nodes.text(ingress, "hostname").isEmpty() || !Nodes.text(ingress, "ip").isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static boolean podHealthy(JsonNode o) {
    String phase = Nodes.text(o, "status", "phase");
    if ("Succeeded".equals(phase)) {
      return true;
    }
    if (!"Running".equals(phase)) {
      return false;
    }
    for (JsonNode condition : Nodes.list(o, "status", "conditions")) {
      if ("Ready".equals(Nodes.text(condition, "type"))) {
        return "True".equals(Nodes.text(condition, "status"));
      }
    }
    return false;
  }

  private static boolean has(JsonNode o, String... path) {
    return Nodes.present(Nodes.at(o, path));
  }

  /**
   * An integer field, 0 when absent (Go's zero value), {@link Malformed} when present but not an
   * integer.
   */
  private static long num(JsonNode o, String... path) {
    JsonNode value = Nodes.at(o, path);
    if (!Nodes.present(value)) {
      return 0;
    }
    if (!value.isIntegralNumber()) {
      throw new Malformed();
    }
    return value.asLong();
  }
}
