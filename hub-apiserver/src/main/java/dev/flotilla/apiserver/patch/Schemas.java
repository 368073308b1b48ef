package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the schema of a served type: the Kubernetes 1.33 component schema for built-in kinds, the
 * openAPIV3Schema of the CustomResourceDefinition version (with ObjectMeta for {@code metadata})
 * for custom resources, cached per CRD resourceVersion.
 */
public final class Schemas {
  private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

  private final BuiltinCatalogue catalogue;
  private final ResourceStorage storage;
  private final Map<String, String> definitionByGvk;
  private final Map<String, SchemaNode> builtins = new ConcurrentHashMap<>();
  private final Map<String, Cached> customs = new ConcurrentHashMap<>();

  private record Cached(long resourceVersion, SchemaNode schema) {}

  /**
   * Schemas for {@code storage}'s types; {@code storage} may be null when only built-ins are asked.
   */
  public Schemas(BuiltinCatalogue catalogue, ResourceStorage storage) {
    this.catalogue = catalogue;
    this.storage = storage;
    this.definitionByGvk = index(catalogue.schemas());
  }

  private static Map<String, String> index(JsonNode schemas) {
    Map<String, String> out = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = schemas.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
        out.putIfAbsent(
            gvk.path("group").asText()
                + "/"
                + gvk.path("version").asText()
                + "/"
                + gvk.path("kind").asText(),
            e.getKey());
      }
    }
    return out;
  }

  /** The built-in schema of group/version/kind, or {@link SchemaNode#UNTYPED}. */
  public SchemaNode builtin(String group, String version, String kind) {
    return builtins.computeIfAbsent(
        group + "/" + version + "/" + kind,
        key -> {
          String def = definitionByGvk.get(key);
          return def == null ? SchemaNode.UNTYPED : definition(def);
        });
  }

  /** A named component schema, e.g. "io.k8s.api.core.v1.Container". */
  public SchemaNode definition(String name) {
    JsonNode all = catalogue.schemas();
    return SchemaNode.of(all.get(name), all);
  }

  /** The schema objects of {@code type} follow; untyped when none is known. */
  public SchemaNode forType(ResourceType type) {
    if (type.builtin()) {
      return builtin(type.group(), type.version(), type.kind());
    }
    return custom(type).orElse(SchemaNode.UNTYPED.withFields(Map.of("metadata", objectMeta())));
  }

  /** ObjectMeta's schema: labels and annotations granular, ownerReferences keyed by uid. */
  public SchemaNode objectMeta() {
    return definition(OBJECT_META);
  }

  private Optional<SchemaNode> custom(ResourceType type) {
    if (storage == null) {
      return Optional.empty();
    }
    Optional<ResourceType> crdType =
        storage.registry().find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    if (crdType.isEmpty()) {
      return Optional.empty();
    }
    String crdName = type.plural() + "." + type.group();
    // Every update and patch asks: the stored CRD is parsed only when its revision moved.
    return storage
        .store()
        .get(StorageKeys.key(crdType.get(), null, crdName))
        .map(
            kv -> {
              long rv = kv.modRevision();
              String key = crdName + "/" + type.version();
              Cached cached = customs.get(key);
              if (cached != null && cached.resourceVersion() == rv) {
                return cached.schema();
              }
              JsonNode crd = storage.toVersion(crdType.get(), kv.value());
              SchemaNode schema =
                  SchemaNode.of(versionSchema(crd, type.version()), null)
                      .withFields(Map.of("metadata", objectMeta()));
              customs.put(key, new Cached(rv, schema));
              return schema;
            });
  }

  private static JsonNode versionSchema(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        return v.path("schema").path("openAPIV3Schema");
      }
    }
    return crd.path("spec").path("validation").path("openAPIV3Schema");
  }
}
