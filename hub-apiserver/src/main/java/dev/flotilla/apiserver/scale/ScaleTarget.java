package dev.flotilla.apiserver.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.selection.SelectorParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where one kind keeps what its Scale shows: the spec and status replica counts and the label
 * selector, either a metav1.LabelSelector (apps workloads), a label map (ReplicationController) or,
 * for custom resources, the string at the CRD's {@code labelSelectorPath}.
 *
 * @param defaultReplicas spec replicas when the field is absent (built-ins default to 1)
 */
record ScaleTarget(
    List<String> specReplicas,
    List<String> statusReplicas,
    List<String> selector,
    Form form,
    long defaultReplicas) {

  /** How the selector is stored. */
  enum Form {
    LABEL_SELECTOR,
    LABEL_MAP,
    STRING
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> SPEC = List.of("spec", "replicas");
  private static final List<String> STATUS = List.of("status", "replicas");
  private static final List<String> SELECTOR = List.of("spec", "selector");

  /** The scale mapping of {@code type}; empty when it serves no scale subresource. */
  static Optional<ScaleTarget> of(ResourceStorage storage, ResourceType type) {
    if (!type.hasSubresource("scale")) {
      return Optional.empty();
    }
    if (type.builtin()) {
      return switch (type.groupResource()) {
        case "deployments.apps", "replicasets.apps", "statefulsets.apps" ->
            Optional.of(new ScaleTarget(SPEC, STATUS, SELECTOR, Form.LABEL_SELECTOR, 1));
        case "replicationcontrollers" ->
            Optional.of(new ScaleTarget(SPEC, STATUS, SELECTOR, Form.LABEL_MAP, 1));
        default -> Optional.empty();
      };
    }
    ResourceType crds =
        storage
            .registry()
            .find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
            .orElseThrow();
    return storage
        .find(crds, null, type.groupResource())
        .flatMap(
            crd -> {
              for (JsonNode v : crd.path("spec").path("versions")) {
                JsonNode scale = v.path("subresources").path("scale");
                if (v.path("name").asText().equals(type.version()) && scale.isObject()) {
                  String selector = scale.path("labelSelectorPath").asText("");
                  return Optional.of(
                      new ScaleTarget(
                          path(scale.path("specReplicasPath").asText()),
                          path(scale.path("statusReplicasPath").asText()),
                          selector.isEmpty() ? List.of() : path(selector),
                          Form.STRING,
                          0));
                }
              }
              return Optional.empty();
            });
  }

  /** ".spec.replicas" as its segments. */
  static List<String> path(String jsonPath) {
    List<String> parts = new ArrayList<>();
    for (String p : jsonPath.split("\\.")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return List.copyOf(parts);
  }

  /** The autoscaling/v1 Scale of {@code obj}, as upstream builds it. */
  ObjectNode toScale(ObjectNode obj) {
    ObjectNode scale = F.objectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    for (String f :
        new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      String v = Meta.text(obj, f);
      if (v != null) {
        meta.put(f, v);
      }
    }
    JsonNode spec = at(obj, specReplicas);
    long replicas = spec.isNumber() ? spec.asLong() : defaultReplicas;
    ObjectNode specNode = scale.putObject("spec");
    if (replicas != 0) {
      specNode.put("replicas", replicas); // omitempty upstream
    }
    ObjectNode status = scale.putObject("status");
    status.put("replicas", at(obj, statusReplicas).asLong(0));
    String selectorText = selector(obj);
    if (!selectorText.isEmpty()) {
      status.put("selector", selectorText);
    }
    return scale;
  }

  /**
   * Sets the spec replica count, creating missing parents along the path; a change moves
   * metadata.generation, as any spec change does.
   */
  void setReplicas(ObjectNode obj, long replicas) {
    JsonNode before = at(obj, specReplicas);
    if (before.isNumber() && before.asLong() == replicas) {
      return;
    }
    ObjectNode meta = Meta.metadata(obj);
    if (meta.has("generation")) {
      meta.put("generation", meta.path("generation").asLong(1) + 1);
    }
    ObjectNode node = obj;
    for (int i = 0; i < specReplicas.size() - 1; i++) {
      JsonNode next = node.get(specReplicas.get(i));
      node = next instanceof ObjectNode o ? o : node.putObject(specReplicas.get(i));
    }
    node.put(specReplicas.get(specReplicas.size() - 1), replicas);
  }

  private String selector(ObjectNode obj) {
    if (selector.isEmpty()) {
      return "";
    }
    JsonNode value = at(obj, selector);
    if (value.isMissingNode() || value.isNull()) {
      return "";
    }
    try {
      return switch (form) {
        case STRING -> value.asText("");
        case LABEL_MAP ->
            LabelSelector.fromMetaV1(F.objectNode().set("matchLabels", value)).toString();
        case LABEL_SELECTOR -> LabelSelector.fromMetaV1(value).toString();
      };
    } catch (SelectorParseException e) {
      return "";
    }
  }

  private static JsonNode at(JsonNode obj, List<String> path) {
    JsonNode node = obj;
    for (String p : path) {
      node = node.path(p);
    }
    return node;
  }
}
