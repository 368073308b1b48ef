package dev.flotilla.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;

/** MCS objects read as trees (v1beta1). */
final class Generic {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Generic() {}

  static JsonNode get(KubernetesClient c, String kind, String ns, String name) {
    GenericKubernetesResource r =
        c.genericKubernetesResources("multicluster.x-k8s.io/v1beta1", kind)
            .inNamespace(ns)
            .withName(name)
            .get();
    return r == null ? MissingNode.getInstance() : MAPPER.valueToTree(r);
  }

  static JsonNode spec(KubernetesClient c, String kind, String ns, String name) {
    return get(c, kind, ns, name).path("spec");
  }

  static JsonNode status(KubernetesClient c, String kind, String ns, String name) {
    return get(c, kind, ns, name).path("status");
  }

  static String condition(KubernetesClient c, String kind, String ns, String name, String type) {
    for (JsonNode cond : status(c, kind, ns, name).path("conditions")) {
      if (type.equals(cond.path("type").asText())) {
        return cond.path("status").asText();
      }
    }
    return null;
  }

  static String conditionMessage(
      KubernetesClient c, String kind, String ns, String name, String type) {
    return conditionField(c, kind, ns, name, type, "message");
  }

  static String conditionReason(
      KubernetesClient c, String kind, String ns, String name, String type) {
    return conditionField(c, kind, ns, name, type, "reason");
  }

  private static String conditionField(
      KubernetesClient c, String kind, String ns, String name, String type, String field) {
    for (JsonNode cond : status(c, kind, ns, name).path("conditions")) {
      if (type.equals(cond.path("type").asText())) {
        return cond.path(field).asText();
      }
    }
    return null;
  }
}
