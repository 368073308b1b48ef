package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.policies.crd.CrdManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Types and schemas for the validation tests: built-ins and Flotilla's CRDs. */
final class Fixtures {
  private static final Map<String, JsonNode> CRD_SCHEMAS = new HashMap<>();
  private static final Map<String, ResourceType> CRD_TYPES = new HashMap<>();

  static {
    for (ObjectNode crd : CrdManifests.load()) {
      JsonNode spec = crd.path("spec");
      for (JsonNode v : spec.path("versions")) {
        String key =
            spec.path("group").asText()
                + "/"
                + v.path("name").asText()
                + "/"
                + spec.path("names").path("kind").asText();
        CRD_SCHEMAS.put(key, v.path("schema").path("openAPIV3Schema"));
        CRD_TYPES.put(
            key,
            new ResourceType(
                spec.path("group").asText(),
                v.path("name").asText(),
                spec.path("names").path("kind").asText(),
                spec.path("names").path("plural").asText(),
                spec.path("names").path("singular").asText(),
                !"Cluster".equals(spec.path("scope").asText()),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                "",
                false,
                true));
      }
    }
  }

  private Fixtures() {}

  /** Admission over the built-in catalogue and Flotilla's CRDs, plus {@code extra} schemas. */
  static SchemaAdmission admission(Map<ResourceType, JsonNode> extra) {
    return new SchemaAdmission(
        BuiltinCatalogue.get(),
        type -> {
          if (extra.containsKey(type)) {
            return Optional.of(extra.get(type));
          }
          return Optional.ofNullable(CRD_SCHEMAS.get(key(type)));
        });
  }

  static SchemaAdmission admission() {
    return admission(Map.of());
  }

  /**
   * A CRD kind of Flotilla's manifests, e.g. ("policy.karmada.io", "v1alpha1",
   * "PropagationPolicy").
   */
  static ResourceType crd(String group, String version, String kind) {
    return CRD_TYPES.get(group + "/" + version + "/" + kind);
  }

  static ResourceType builtin(String group, String version, String plural) {
    return BuiltinCatalogue.get().find(group, version, plural).orElseThrow();
  }

  /** A custom kind with its own schema, for keyword tests. */
  static ResourceType custom(String kind) {
    return new ResourceType(
        "example.com",
        "v1",
        kind,
        kind.toLowerCase() + "s",
        kind.toLowerCase(),
        true,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        "",
        false,
        true);
  }

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(ResourceType type) {
    return type.group() + "/" + type.version() + "/" + type.kind();
  }
}
