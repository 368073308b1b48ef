package dev.flotilla.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Assembles the OpenAPI v3 document of one group-version from its served types: path items plus
 * every component schema those reference, built-in ones taken from the catalogue and CRD ones
 * wrapped from the CRD version's {@code openAPIV3Schema}.
 */
final class GroupVersionDocument {

  static final String OBJECT_META = PathItems.META + "ObjectMeta";
  static final String LIST_META = PathItems.META + "ListMeta";
  static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Subresources worth describing: the ones clients patch and replace like the object. */
  private static final Set<String> DESCRIBED_SUBRESOURCES = Set.of("status", "scale");

  private final BuiltinCatalogue catalogue;
  private volatile Map<String, String> schemaByGvk;

  GroupVersionDocument(BuiltinCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /**
   * Builds the document for {@code types}, which all share one group-version.
   *
   * @param crdSchemas aligned with {@code types}: the CRD version's openAPIV3Schema, or a
   *     missing/null node for built-ins and schema-less CRD versions
   */
  ObjectNode build(List<ResourceType> types, List<JsonNode> crdSchemas) {
    ObjectNode doc = F.objectNode();
    doc.put("openapi", "3.0.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", catalogue.kubernetesVersion());
    ObjectNode paths = doc.putObject("paths");

    Set<String> roots =
        new TreeSet<>(
            List.of(
                PathItems.STATUS,
                PathItems.DELETE_OPTIONS,
                PathItems.PATCH,
                OBJECT_META,
                LIST_META));
    Map<String, JsonNode> generated = new TreeMap<>();
    for (int i = 0; i < types.size(); i++) {
      ResourceType t = types.get(i);
      String kindSchema = t.builtin() ? builtinSchema(t.group(), t.version(), t.kind()) : null;
      List<PathItems.Sub> subs = new ArrayList<>();
      String listSchema;
      if (kindSchema != null) {
        roots.add(kindSchema);
        listSchema =
            t.listKind().isEmpty() ? null : builtinSchema(t.group(), t.version(), t.listKind());
        for (BuiltinCatalogue.Subresource s : catalogue.subresources(t)) {
          String schema = builtinSchema(s.group(), s.version(), s.kind());
          if (DESCRIBED_SUBRESOURCES.contains(s.name()) && schema != null) {
            roots.add(schema);
            subs.add(
                new PathItems.Sub(
                    s.name(),
                    s.verbs(),
                    new PathItems.Target(s.group(), s.version(), s.kind(), schema)));
          }
        }
      } else {
        // A CRD type, or (defensively) a built-in whose schema is unknown: wrap what we have.
        kindSchema = crdSchemaName(t.group(), t.version(), t.kind());
        listSchema =
            crdSchemaName(
                t.group(), t.version(), t.listKind().isEmpty() ? t.kind() + "List" : t.listKind());
        JsonNode schema = i < crdSchemas.size() ? crdSchemas.get(i) : null;
        generated.put(kindSchema, kindSchema(t, schema));
        generated.put(listSchema, listSchema(t, kindSchema));
        List<String> subVerbs = List.of("get", "patch", "update");
        if (t.hasSubresource("status")) {
          subs.add(
              new PathItems.Sub(
                  "status",
                  subVerbs,
                  new PathItems.Target(t.group(), t.version(), t.kind(), kindSchema)));
        }
        if (t.hasSubresource("scale")) {
          roots.add(SCALE);
          subs.add(
              new PathItems.Sub(
                  "scale", subVerbs, new PathItems.Target("autoscaling", "v1", "Scale", SCALE)));
        }
      }
      if (listSchema == null) {
        listSchema = kindSchema;
      } else {
        roots.add(listSchema);
      }
      PathItems.add(paths, t, kindSchema, listSchema, subs);
    }

    JsonNode builtins = catalogue.schemas();
    generated.values().forEach(s -> collectRefs(s, roots));
    roots.removeAll(generated.keySet());
    Map<String, JsonNode> all = new TreeMap<>(closure(roots, builtins));
    all.putAll(generated);
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    all.forEach(schemas::set);
    return doc;
  }

  /** The catalogue schema carrying this GVK, or null. */
  private String builtinSchema(String group, String version, String kind) {
    Map<String, String> index = schemaByGvk;
    if (index == null) {
      index = indexByGvk(catalogue.schemas());
      schemaByGvk = index;
    }
    return index.get(group + "/" + version + "/" + kind);
  }

  private static Map<String, String> indexByGvk(JsonNode schemas) {
    Map<String, String> index = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : schemas.properties()) {
      JsonNode gvks = e.getValue().path("x-kubernetes-group-version-kind");
      // Shared option types (DeleteOptions, WatchEvent) carry many GVKs; real kinds carry one.
      if (gvks.size() != 1) {
        continue;
      }
      JsonNode g = gvks.get(0);
      index.putIfAbsent(
          g.path("group").asText()
              + "/"
              + g.path("version").asText()
              + "/"
              + g.path("kind").asText(),
          e.getKey());
    }
    return Map.copyOf(index);
  }

  /** Upstream's naming for CRD schemas: reversed group, version, kind. */
  static String crdSchemaName(String group, String version, String kind) {
    List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
    Collections.reverse(parts);
    String reversed = String.join(".", parts);
    return (reversed.isEmpty() ? "" : reversed + ".") + version + "." + kind;
  }

  private static ObjectNode kindSchema(ResourceType t, JsonNode crdSchema) {
    ObjectNode s;
    if (crdSchema != null && crdSchema.isObject()) {
      s = ((ObjectNode) crdSchema).deepCopy();
    } else {
      s = F.objectNode();
      s.put("x-kubernetes-preserve-unknown-fields", true);
    }
    if (!s.has("type")) {
      s.put("type", "object");
    }
    // apiVersion, kind and metadata first, then the CRD's own properties in their order.
    ObjectNode props = F.objectNode();
    props.putObject("apiVersion").put("type", "string");
    props.putObject("kind").put("type", "string");
    props.set("metadata", PathItems.ref(OBJECT_META));
    JsonNode old = s.get("properties");
    if (old != null && old.isObject()) {
      old.properties()
          .forEach(
              e -> {
                if (!props.has(e.getKey())) {
                  props.set(e.getKey(), e.getValue());
                }
              });
    }
    s.set("properties", props);
    s.set("x-kubernetes-group-version-kind", gvk(t.group(), t.version(), t.kind()));
    return s;
  }

  private static ObjectNode listSchema(ResourceType t, String kindSchema) {
    ObjectNode s = F.objectNode();
    s.put("type", "object");
    s.putArray("required").add("items");
    ObjectNode props = s.putObject("properties");
    props.putObject("apiVersion").put("type", "string");
    ObjectNode items = props.putObject("items");
    items.put("type", "array");
    items.set("items", PathItems.ref(kindSchema));
    props.putObject("kind").put("type", "string");
    props.set("metadata", PathItems.ref(LIST_META));
    String listKind = t.listKind().isEmpty() ? t.kind() + "List" : t.listKind();
    s.set("x-kubernetes-group-version-kind", gvk(t.group(), t.version(), listKind));
    return s;
  }

  private static JsonNode gvk(String group, String version, String kind) {
    ObjectNode g = F.objectNode();
    g.put("group", group);
    g.put("kind", kind);
    g.put("version", version);
    return F.arrayNode().add(g);
  }

  /** Roots plus every built-in schema they reference, transitively. */
  private static Map<String, JsonNode> closure(Set<String> roots, JsonNode builtins) {
    Map<String, JsonNode> out = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      JsonNode schema = builtins.get(name);
      if (schema == null || out.containsKey(name)) {
        continue;
      }
      out.put(name, schema);
      Set<String> refs = new TreeSet<>();
      collectRefs(schema, refs);
      refs.removeAll(out.keySet());
      todo.addAll(refs);
    }
    return out;
  }

  /** Names behind every textual {@code $ref} (a property may be called "$ref", too). */
  private static void collectRefs(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                JsonNode v = e.getValue();
                if (e.getKey().equals("$ref")
                    && v.isTextual()
                    && v.asText().startsWith(PathItems.SCHEMA_PREFIX)) {
                  into.add(v.asText().substring(PathItems.SCHEMA_PREFIX.length()));
                } else {
                  collectRefs(v, into);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, into));
    }
  }
}
