package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schema lookup over the built-in OpenAPI v3 components: each built-in kind's root schema (found by
 * {@code x-kubernetes-group-version-kind}, cached per kind), {@code $ref} resolution, and
 * ObjectMeta, which every resource's metadata is read as.
 */
final class Schemas {
  private static final String PREFIX = "#/components/schemas/";
  private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

  private final BuiltinCatalogue catalogue;
  private final Map<String, Optional<JsonNode>> roots = new ConcurrentHashMap<>();
  private volatile Map<String, String> byKind;

  Schemas(BuiltinCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** The root schema of a built-in kind, if the catalogue has one. */
  Optional<JsonNode> root(ResourceType type) {
    String gvk = type.group() + "/" + type.version() + "/" + type.kind();
    return roots.computeIfAbsent(
        gvk,
        k -> {
          String name = index().get(k);
          return name == null ? Optional.empty() : Optional.of(catalogue.schemas().get(name));
        });
  }

  JsonNode objectMeta() {
    return catalogue.schemas().path(OBJECT_META);
  }

  /**
   * Follows {@code $ref}s, also through the {@code allOf: [{$ref}]} wrapper the catalogue uses for
   * fields with extensions; other schemas come back as they are. Never null.
   */
  JsonNode resolve(JsonNode schema) {
    JsonNode s = schema == null ? MissingNode.getInstance() : schema;
    for (int depth = 0; depth < 16; depth++) {
      JsonNode ref = s.get("$ref");
      if (ref == null) {
        JsonNode allOf = s.get("allOf");
        if (allOf != null
            && allOf.size() == 1
            && allOf.get(0).has("$ref")
            && !s.has("properties")
            && !s.has("type")) {
          ref = allOf.get(0).get("$ref");
        }
      }
      if (ref == null || !ref.isTextual() || !ref.asText().startsWith(PREFIX)) {
        return s;
      }
      s = catalogue.schemas().path(ref.asText().substring(PREFIX.length()));
    }
    return s;
  }

  private Map<String, String> index() {
    Map<String, String> map = byKind;
    if (map == null) {
      Map<String, String> built = new ConcurrentHashMap<>();
      catalogue
          .schemas()
          .fields()
          .forEachRemaining(
              e -> {
                for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
                  built.putIfAbsent(
                      gvk.path("group").asText()
                          + "/"
                          + gvk.path("version").asText()
                          + "/"
                          + gvk.path("kind").asText(),
                      e.getKey());
                }
              });
      byKind = map = built;
    }
    return map;
  }
}
