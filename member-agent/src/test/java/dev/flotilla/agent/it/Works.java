package dev.flotilla.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builders for Works and the manifests the tests put in them, and hub-side helpers. */
final class Works {
  private Works() {}

  static ObjectNode work(String namespace, String name, List<ObjectNode> manifests) {
    ObjectNode work = Json.object();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    Json.metadata(work).put("name", name);
    Json.metadata(work).put("namespace", namespace);
    ArrayNode list = Json.child(Json.child(work, "spec"), "workload").putArray("manifests");
    manifests.forEach(list::add);
    return work;
  }

  static ObjectNode namespace(String name) {
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    Json.metadata(ns).put("name", name);
    return ns;
  }

  static ObjectNode configMap(String namespace, String name, Map<String, String> data) {
    ObjectNode cm = Json.object();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    Json.metadata(cm).put("name", name);
    Json.metadata(cm).put("namespace", namespace);
    ObjectNode d = cm.putObject("data");
    data.forEach(d::put);
    return cm;
  }

  static ObjectNode deployment(String namespace, String name, int replicas, String image) {
    ObjectNode d = Json.object();
    d.put("apiVersion", "apps/v1");
    d.put("kind", "Deployment");
    Json.metadata(d).put("name", name);
    Json.metadata(d).put("namespace", namespace);
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode container = template.putObject("spec").putArray("containers").addObject();
    container.put("name", "main");
    container.put("image", image);
    return d;
  }

  /** A namespaced CRD {@code widgets.<group>} with one served version v1. */
  static ObjectNode widgetCrd(String group) {
    ObjectNode crd = Json.object();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    Json.metadata(crd).put("name", "widgets." + group);
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", group);
    spec.put("scope", "Namespaced");
    ObjectNode names = spec.putObject("names");
    names.put("plural", "widgets");
    names.put("singular", "widget");
    names.put("kind", "Widget");
    names.put("listKind", "WidgetList");
    ObjectNode version = spec.putArray("versions").addObject();
    version.put("name", "v1");
    version.put("served", true);
    version.put("storage", true);
    ObjectNode schema = version.putObject("schema").putObject("openAPIV3Schema");
    schema.put("type", "object");
    schema.put("x-kubernetes-preserve-unknown-fields", true);
    return crd;
  }

  static ObjectNode widget(String group, String namespace, String name, String size) {
    ObjectNode w = Json.object();
    w.put("apiVersion", group + "/v1");
    w.put("kind", "Widget");
    Json.metadata(w).put("name", name);
    if (namespace != null) {
      Json.metadata(w).put("namespace", namespace);
    }
    w.putObject("spec").put("size", size);
    return w;
  }

  static void ensureNamespace(KubernetesClient client, String name) {
    if (client.namespaces().withName(name).get() == null) {
      try {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      } catch (RuntimeException e) {
        // created concurrently (the agent registers the execution namespace too)
      }
    }
  }

  static void create(KubernetesClient hub, ObjectNode work) {
    ensureNamespace(hub, Json.namespace(work));
    hub.genericKubernetesResources(HubResources.WORKS)
        .inNamespace(Json.namespace(work))
        .resource(Json.generic(work))
        .create();
  }

  static ObjectNode get(KubernetesClient hub, String namespace, String name) {
    GenericKubernetesResource w =
        hub.genericKubernetesResources(HubResources.WORKS)
            .inNamespace(namespace)
            .withName(name)
            .get();
    return w == null ? null : Json.tree(w);
  }

  /** Reads, changes and writes back a Work (retrying on conflicts). */
  static void edit(
      KubernetesClient hub, String namespace, String name, Consumer<ObjectNode> change) {
    for (int attempt = 0; ; attempt++) {
      ObjectNode w = get(hub, namespace, name);
      change.accept(w);
      try {
        hub.genericKubernetesResources(HubResources.WORKS)
            .inNamespace(namespace)
            .resource(Json.generic(w))
            .update();
        return;
      } catch (RuntimeException e) {
        if (attempt > 10) {
          throw e;
        }
      }
    }
  }

  static ArrayNode manifests(ObjectNode work) {
    return (ArrayNode) work.path("spec").path("workload").path("manifests");
  }

  static void delete(KubernetesClient hub, String namespace, String name) {
    hub.genericKubernetesResources(HubResources.WORKS)
        .inNamespace(namespace)
        .withName(name)
        .delete();
  }

  /** The status of a condition type in a Work, or null. */
  static String condition(JsonNode work, String type) {
    if (work == null) {
      return null;
    }
    for (JsonNode c : work.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  static String conditionMessage(JsonNode work, String type) {
    for (JsonNode c : work.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("message").asText();
      }
    }
    return null;
  }
}
