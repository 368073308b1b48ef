package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * Defaults of the apps/v1 workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet): replica
 * count, update strategy, history limit, and their pod template's defaults.
 */
final class WorkloadDefaults implements ObjectHook {

  @Override
  public void beforeCreate(ResourceType type, ObjectNode obj) {
    apply(type, obj);
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode updated) {
    apply(type, updated);
  }

  static void apply(ResourceType type, ObjectNode obj) {
    if (!obj.path("spec").isObject()) {
      return;
    }
    ObjectNode spec = (ObjectNode) obj.get("spec");
    switch (type.plural()) {
      case "deployments" -> deployment(spec);
      case "replicasets" -> Defaults.putIfAbsent(spec, "replicas", 1);
      case "statefulsets" -> statefulSet(spec);
      case "daemonsets" -> daemonSet(spec);
      default -> {
        return;
      }
    }
    PodTemplateDefaults.applyToTemplate(spec.get("template"));
  }

  private static void deployment(ObjectNode spec) {
    Defaults.putIfAbsent(spec, "replicas", 1);
    Defaults.putIfAbsent(spec, "revisionHistoryLimit", 10);
    Defaults.putIfAbsent(spec, "progressDeadlineSeconds", 600);
    ObjectNode strategy = Defaults.object(spec, "strategy");
    if (strategy == null) {
      return;
    }
    Defaults.putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
      if (rolling != null) {
        Defaults.putIfAbsent(rolling, "maxUnavailable", "25%");
        Defaults.putIfAbsent(rolling, "maxSurge", "25%");
      }
    }
  }

  private static void statefulSet(ObjectNode spec) {
    Defaults.putIfAbsent(spec, "replicas", 1);
    Defaults.putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
    Defaults.putIfAbsent(spec, "revisionHistoryLimit", 10);
    ObjectNode strategy = Defaults.object(spec, "updateStrategy");
    if (strategy != null) {
      Defaults.putIfAbsent(strategy, "type", "RollingUpdate");
      if (strategy.path("type").asText().equals("RollingUpdate")) {
        ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
        if (rolling != null) {
          Defaults.putIfAbsent(rolling, "partition", 0);
        }
      }
    }
    ObjectNode retention = Defaults.object(spec, "persistentVolumeClaimRetentionPolicy");
    if (retention != null) {
      Defaults.putIfAbsent(retention, "whenDeleted", "Retain");
      Defaults.putIfAbsent(retention, "whenScaled", "Retain");
    }
  }

  private static void daemonSet(ObjectNode spec) {
    Defaults.putIfAbsent(spec, "revisionHistoryLimit", 10);
    ObjectNode strategy = Defaults.object(spec, "updateStrategy");
    if (strategy != null) {
      Defaults.putIfAbsent(strategy, "type", "RollingUpdate");
      if (strategy.path("type").asText().equals("RollingUpdate")) {
        ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
        if (rolling != null) {
          Defaults.putIfAbsent(rolling, "maxUnavailable", 1);
          Defaults.putIfAbsent(rolling, "maxSurge", 0);
        }
      }
    }
  }
}
