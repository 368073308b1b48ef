package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;

/** The served types a CustomResourceDefinition declares (one per served version). */
final class CrdTypes {
  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private CrdTypes() {}

  static List<ResourceType> of(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText();
    String plural = names.path("plural").asText();
    String kind = names.path("kind").asText();
    String singular = names.path("singular").asText(kind.toLowerCase());
    String listKind = names.path("listKind").asText(kind + "List");
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText());
    List<String> shortNames = strings(names.path("shortNames"));
    List<String> categories = strings(names.path("categories"));
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(true)) {
        continue;
      }
      List<String> subresources = new ArrayList<>();
      if (v.path("subresources").has("status")) {
        subresources.add("status");
      }
      if (v.path("subresources").has("scale")) {
        subresources.add("scale");
      }
      types.add(
          new ResourceType(
              group,
              v.path("name").asText(),
              kind,
              plural,
              singular,
              namespaced,
              VERBS,
              shortNames,
              categories,
              subresources,
              listKind,
              false,
              v.path("storage").asBoolean(false)));
    }
    return types;
  }

  /** The openAPIV3Schema of one version, or a missing node. */
  static JsonNode schema(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        return v.path("schema").path("openAPIV3Schema");
      }
    }
    return crd.path("spec").path("validation").path("openAPIV3Schema");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
