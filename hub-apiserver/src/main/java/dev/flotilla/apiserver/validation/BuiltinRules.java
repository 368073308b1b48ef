package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.apiserver.objects.NameValidation;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of upstream's hand-written validation of built-in kinds that clients trip over, run
 * after defaulting: a Service needs ports unless headless or ExternalName, ports in range with
 * known protocols and distinct names; a pod spec needs containers, each named and with an image; a
 * workload needs a non-empty selector that matches its template's labels; ConfigMap and Secret data
 * keys and sizes. Field paths and messages are upstream's.
 */
final class BuiltinRules {
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> SERVICE_TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final Set<String> WORKLOADS =
      Set.of("deployments", "replicasets", "statefulsets", "daemonsets");

  private BuiltinRules() {}

  static void check(ResourceType type, JsonNode obj, List<FieldError> errors) {
    String group = type.group();
    String plural = type.plural();
    if (group.isEmpty()) {
      switch (plural) {
        case "services" -> service(obj.path("spec"), errors);
        case "pods" -> podSpec(obj.path("spec"), "spec", errors);
        case "podtemplates" -> podSpec(obj.path("template").path("spec"), "template.spec", errors);
        case "replicationcontrollers" -> template(obj.path("spec"), "spec", errors);
        case "configmaps" -> ConfigDataRules.configMap(obj, errors);
        case "secrets" -> ConfigDataRules.secret(obj, errors);
        default -> {
          // no rules beyond the schema
        }
      }
    } else if (group.equals("apps") && WORKLOADS.contains(plural)) {
      workload(type, obj.path("spec"), errors);
    } else if (group.equals("batch") && plural.equals("jobs")) {
      template(obj.path("spec"), "spec", errors);
    } else if (group.equals("batch") && plural.equals("cronjobs")) {
      template(obj.path("spec").path("jobTemplate").path("spec"), "spec.jobTemplate.spec", errors);
    }
  }

  private static void service(JsonNode spec, List<FieldError> errors) {
    String type = spec.path("type").asText("ClusterIP");
    boolean headless = spec.path("clusterIP").asText("").equals("None");
    JsonNode ports = spec.path("ports");
    if (ports.size() == 0 && !headless && !type.equals("ExternalName")) {
      errors.add(FieldError.required("spec.ports", ""));
    }
    if (!SERVICE_TYPES.contains(type)) {
      errors.add(FieldError.notSupported("spec.type", type, SERVICE_TYPES));
    }
    if (type.equals("ExternalName") && spec.path("externalName").asText("").isEmpty()) {
      errors.add(FieldError.required("spec.externalName", ""));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      String path = "spec.ports[" + i + "]";
      String name = p.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        errors.add(FieldError.required(path + ".name", ""));
      } else if (!name.isEmpty()) {
        dnsLabel(name, path + ".name", errors);
        if (!names.add(name)) {
          errors.add(FieldError.duplicate(path + ".name", TextNode.valueOf(name)));
        }
      }
      portNumber(p.path("port"), path + ".port", errors);
      protocol(p, path, errors);
    }
  }

  private static void workload(ResourceType type, JsonNode spec, List<FieldError> errors) {
    JsonNode replicas = spec.path("replicas");
    if (replicas.isNumber() && replicas.asLong() < 0) {
      errors.add(
          FieldError.invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
    }
    JsonNode selector = spec.get("selector");
    if (selector == null || selector.isNull()) {
      errors.add(FieldError.required("spec.selector", ""));
    } else {
      int before = errors.size();
      SelectorValidation.selector(selector, "spec.selector", errors);
      if (selector.path("matchLabels").size() + selector.path("matchExpressions").size() == 0) {
        errors.add(
            FieldError.invalid(
                "spec.selector",
                selector,
                "empty selector is invalid for " + type.singular().toLowerCase()));
      } else if (errors.size() == before) {
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        if (!SelectorValidation.matches(selector, labels)) {
          errors.add(
              new FieldError(
                  "FieldValueInvalid",
                  "spec.template.metadata.labels",
                  "Invalid value: "
                      + SelectorValidation.goMap(labels.isObject() ? labels : null)
                      + ": `selector` does not match template `labels`"));
        }
      }
    }
    template(spec, "spec", errors);
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("Always");
    if (!restart.equals("Always")) {
      errors.add(
          FieldError.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always")));
    }
  }

  /** A spec's pod template: its spec must be a valid pod spec. */
  private static void template(JsonNode spec, String path, List<FieldError> errors) {
    podSpec(spec.path("template").path("spec"), path + ".template.spec", errors);
  }

  private static void podSpec(JsonNode spec, String path, List<FieldError> errors) {
    JsonNode containers = spec.path("containers");
    if (containers.size() == 0) {
      errors.add(FieldError.required(path + ".containers", ""));
    }
    Set<String> names = new HashSet<>();
    containers(containers, path + ".containers", names, errors);
    containers(spec.path("initContainers"), path + ".initContainers", names, errors);
  }

  private static void containers(
      JsonNode list, String path, Set<String> names, List<FieldError> errors) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String item = path + "[" + i + "]";
      String name = c.path("name").asText("");
      if (!name.isEmpty()) {
        dnsLabel(name, item + ".name", errors);
        if (!names.add(name)) {
          errors.add(FieldError.duplicate(item + ".name", TextNode.valueOf(name)));
        }
      }
      if (c.path("image").asText("").isEmpty()) {
        errors.add(FieldError.required(item + ".image", ""));
      }
      JsonNode ports = c.path("ports");
      for (int j = 0; j < ports.size(); j++) {
        String portPath = item + ".ports[" + j + "]";
        portNumber(ports.get(j).path("containerPort"), portPath + ".containerPort", errors);
        protocol(ports.get(j), portPath, errors);
      }
    }
  }

  private static void portNumber(JsonNode port, String path, List<FieldError> errors) {
    long p = port.asLong(0);
    if (p < 1 || p > 65535) {
      errors.add(
          FieldError.invalid(
              path,
              port.isNumber() ? port : JsonNodeFactory.instance.numberNode(0),
              "must be between 1 and 65535, inclusive"));
    }
  }

  private static void protocol(JsonNode port, String path, List<FieldError> errors) {
    JsonNode protocol = port.get("protocol");
    if (protocol != null && protocol.isTextual() && !PROTOCOLS.contains(protocol.asText())) {
      errors.add(FieldError.notSupported(path + ".protocol", protocol.asText(), PROTOCOLS));
    }
  }

  private static void dnsLabel(String name, String path, List<FieldError> errors) {
    for (String msg : NameValidation.check(name, true)) {
      errors.add(FieldError.invalid(path, TextNode.valueOf(name), msg));
    }
  }
}
