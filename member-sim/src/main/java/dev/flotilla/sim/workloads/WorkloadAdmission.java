package dev.flotilla.sim.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.selection.SelectorParseException;

/**
 * What kube-apiserver does to apps/v1 workloads on a member: the defaults of Deployments,
 * ReplicaSets, StatefulSets and DaemonSets (and of their pod templates), a required selector that
 * matches the template's labels, and the selector's immutability.
 */
public final class WorkloadAdmission implements ObjectHook {

  @Override
  public void beforeCreate(ResourceType type, ObjectNode obj) {
    ObjectNode spec = obj.with("spec");
    defaults(type.kind(), spec);
    validate(type, Meta.name(obj), spec);
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode obj) {
    ObjectNode spec = obj.with("spec");
    defaults(type.kind(), spec);
    validate(type, Meta.name(obj), spec);
    JsonNode before = old.path("spec").path("selector");
    if (!before.isMissingNode() && !before.equals(spec.path("selector"))) {
      throw ApiException.invalid(
          type,
          Meta.name(obj),
          "spec.selector",
          "Invalid value: " + spec.path("selector") + ": field is immutable");
    }
  }

  static void defaults(String kind, ObjectNode spec) {
    if (!kind.equals("DaemonSet")) {
      putIfAbsent(spec, "replicas", 1);
    }
    switch (kind) {
      case "Deployment":
        {
          ObjectNode strategy = spec.with("strategy");
          if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
          }
          if (strategy.get("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = strategy.with("rollingUpdate");
            if (!rolling.has("maxUnavailable")) {
              rolling.put("maxUnavailable", "25%");
            }
            if (!rolling.has("maxSurge")) {
              rolling.put("maxSurge", "25%");
            }
          }
          putIfAbsent(spec, "revisionHistoryLimit", 10);
          putIfAbsent(spec, "progressDeadlineSeconds", 600);
          break;
        }
      case "StatefulSet":
        {
          if (!spec.has("podManagementPolicy")) {
            spec.put("podManagementPolicy", "OrderedReady");
          }
          ObjectNode strategy = spec.with("updateStrategy");
          if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
          }
          if (strategy.get("type").asText().equals("RollingUpdate")
              && !strategy.with("rollingUpdate").has("partition")) {
            strategy.with("rollingUpdate").put("partition", 0);
          }
          putIfAbsent(spec, "revisionHistoryLimit", 10);
          ObjectNode retention = spec.with("persistentVolumeClaimRetentionPolicy");
          if (!retention.has("whenDeleted")) {
            retention.put("whenDeleted", "Retain");
          }
          if (!retention.has("whenScaled")) {
            retention.put("whenScaled", "Retain");
          }
          break;
        }
      case "DaemonSet":
        {
          ObjectNode strategy = spec.with("updateStrategy");
          if (!strategy.has("type")) {
            strategy.put("type", "RollingUpdate");
          }
          if (strategy.get("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = strategy.with("rollingUpdate");
            if (!rolling.has("maxUnavailable")) {
              rolling.put("maxUnavailable", 1);
            }
            if (!rolling.has("maxSurge")) {
              rolling.put("maxSurge", 0);
            }
          }
          putIfAbsent(spec, "revisionHistoryLimit", 10);
          break;
        }
      default:
        break;
    }
    podSpecDefaults(spec.with("template").with("spec"));
  }

  /** The pod spec defaults every pod template gets upstream. */
  static void podSpecDefaults(ObjectNode pod) {
    putIfAbsent(pod, "restartPolicy", "Always");
    putIfAbsent(pod, "dnsPolicy", "ClusterFirst");
    putIfAbsent(pod, "schedulerName", "default-scheduler");
    putIfAbsent(pod, "terminationGracePeriodSeconds", 30);
    if (!pod.has("securityContext")) {
      pod.putObject("securityContext");
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : pod.path(list)) {
        if (!(c instanceof ObjectNode)) {
          continue;
        }
        ObjectNode container = (ObjectNode) c;
        putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(container, "terminationMessagePolicy", "File");
        putIfAbsent(container, "imagePullPolicy", pullPolicy(container.path("image").asText("")));
        if (!container.has("resources")) {
          container.putObject("resources");
        }
        for (JsonNode port : container.path("ports")) {
          if (port instanceof ObjectNode && !port.has("protocol")) {
            ((ObjectNode) port).put("protocol", "TCP");
          }
        }
      }
    }
  }

  /** Always for ":latest" or untagged images, else IfNotPresent. */
  static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int colon = image.lastIndexOf(':');
    if (colon < 0 || colon < image.lastIndexOf('/')) {
      return "Always";
    }
    return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
  }

  private static void validate(ResourceType type, String name, ObjectNode spec) {
    if (spec.path("replicas").asInt(0) < 0) {
      throw ApiException.invalid(
          type,
          name,
          "spec.replicas",
          "Invalid value: " + spec.path("replicas") + ": must be greater than or equal to 0");
    }
    JsonNode selectorJson = spec.path("selector");
    if (selectorJson.isMissingNode() || selectorJson.isNull()) {
      throw ApiException.invalid(type, name, "spec.selector", "Required value");
    }
    LabelSelector selector;
    try {
      selector = LabelSelector.fromMetaV1(selectorJson);
    } catch (SelectorParseException e) {
      throw ApiException.invalid(type, name, "spec.selector", "Invalid value: " + e.getMessage());
    }
    if (selector.isEmpty()) {
      throw ApiException.invalid(
          type,
          name,
          "spec.selector",
          "Invalid value: "
              + selectorJson
              + ": empty selector is invalid for "
              + type.kind().toLowerCase());
    }
    JsonNode labels = spec.path("template").path("metadata").path("labels");
    if (!selector.matches(Meta.stringMap(labels))) {
      throw ApiException.invalid(
          type,
          name,
          "spec.template.metadata.labels",
          "Invalid value: " + labels + ": `selector` does not match template `labels`");
    }
  }

  private static void putIfAbsent(ObjectNode obj, String field, int value) {
    if (!obj.has(field) || obj.get(field).isNull()) {
      obj.put(field, value);
    }
  }

  private static void putIfAbsent(ObjectNode obj, String field, String value) {
    if (!obj.has(field) || obj.get(field).isNull()) {
      obj.put(field, value);
    }
  }
}
