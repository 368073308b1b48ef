package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of an OpenAPI v3 schema as patching needs it: {@code $ref} and single {@code allOf}
 * followed, the Kubernetes extensions read from the property that declares the field first and from
 * its type second. {@link #UNTYPED} stands for anything the schema does not describe.
 */
public final class SchemaNode {
  /** How the elements of a list are identified when lists are merged or owned. */
  public enum ListKind {
    ATOMIC,
    SET,
    MAP
  }

  /** A node without a schema: maps are granular, lists atomic, as for "deduced" types upstream. */
  public static final SchemaNode UNTYPED = new SchemaNode(null, null, null, Map.of());

  private final JsonNode declared;
  private final JsonNode resolved;
  private final JsonNode components;
  private final Map<String, SchemaNode> overrides;

  private SchemaNode(
      JsonNode declared,
      JsonNode resolved,
      JsonNode components,
      Map<String, SchemaNode> overrides) {
    this.declared = declared;
    this.resolved = resolved;
    this.components = components;
    this.overrides = overrides;
  }

  /** The node {@code schema}, whose {@code $ref}s point into {@code components} (may be null). */
  public static SchemaNode of(JsonNode schema, JsonNode components) {
    if (schema == null || schema.isMissingNode() || schema.isNull()) {
      return UNTYPED;
    }
    return new SchemaNode(schema, resolve(schema, components, 0), components, Map.of());
  }

  /** This node with some properties replaced, e.g. a CRD root whose metadata is ObjectMeta. */
  public SchemaNode withFields(Map<String, SchemaNode> fields) {
    return new SchemaNode(declared, resolved, components, Map.copyOf(fields));
  }

  private static JsonNode resolve(JsonNode node, JsonNode components, int depth) {
    if (depth > 32 || node == null) {
      return node;
    }
    JsonNode ref = node.get("$ref");
    if (ref != null && ref.isTextual() && components != null) {
      String name = ref.asText();
      name = name.substring(name.lastIndexOf('/') + 1);
      JsonNode target = components.get(name);
      return target == null ? node : resolve(target, components, depth + 1);
    }
    JsonNode allOf = node.get("allOf");
    if (allOf != null && allOf.isArray() && allOf.size() == 1 && !node.has("properties")) {
      return resolve(allOf.get(0), components, depth + 1);
    }
    return node;
  }

  public boolean untyped() {
    return resolved == null;
  }

  /** The schema of field {@code name} of an object, or of its map values. */
  public SchemaNode field(String name) {
    SchemaNode override = overrides.get(name);
    if (override != null) {
      return override;
    }
    if (resolved == null) {
      return UNTYPED;
    }
    JsonNode props = resolved.get("properties");
    if (props != null && props.has(name)) {
      return of(props.get(name), components);
    }
    JsonNode additional = resolved.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      return of(additional, components);
    }
    return UNTYPED;
  }

  /** True when {@code name} is a declared property (a struct field rather than a map key). */
  public boolean declares(String name) {
    return overrides.containsKey(name)
        || (resolved != null && resolved.path("properties").has(name));
  }

  /** The schema of the elements of a list. */
  public SchemaNode items() {
    return resolved == null ? UNTYPED : of(resolved.get("items"), components);
  }

  private JsonNode ext(String key) {
    if (declared != null && declared.has(key)) {
      return declared.get(key);
    }
    return resolved != null ? resolved.get(key) : null;
  }

  /** The {@code x-kubernetes-patch-strategy} values, e.g. [merge, retainKeys]. */
  public List<String> patchStrategies() {
    JsonNode s = ext("x-kubernetes-patch-strategy");
    List<String> out = new ArrayList<>();
    if (s != null && s.isTextual()) {
      for (String part : s.asText().split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  /** The strategic-merge strategy other than retainKeys: "merge", "replace" or "". */
  public String patchStrategy() {
    for (String s : patchStrategies()) {
      if (!s.equals("retainKeys")) {
        return s;
      }
    }
    return "";
  }

  /** The {@code x-kubernetes-patch-merge-key}, or "". */
  public String patchMergeKey() {
    JsonNode k = ext("x-kubernetes-patch-merge-key");
    return k != null && k.isTextual() ? k.asText() : "";
  }

  /**
   * The list type for ownership: {@code x-kubernetes-list-type}, else what the patch strategy
   * implies (merge with a key is a map, merge without one a set), else atomic.
   */
  public ListKind listKind() {
    JsonNode t = ext("x-kubernetes-list-type");
    if (t != null && t.isTextual()) {
      switch (t.asText()) {
        case "map":
          return ListKind.MAP;
        case "set":
          return ListKind.SET;
        default:
          return ListKind.ATOMIC;
      }
    }
    if (patchStrategy().equals("merge")) {
      return patchMergeKey().isEmpty() ? ListKind.SET : ListKind.MAP;
    }
    return ListKind.ATOMIC;
  }

  /** The keys that identify an element of a map-type list. */
  public List<String> listMapKeys() {
    JsonNode keys = ext("x-kubernetes-list-map-keys");
    List<String> out = new ArrayList<>();
    if (keys != null && keys.isArray()) {
      keys.forEach(k -> out.add(k.asText()));
    }
    if (out.isEmpty() && !patchMergeKey().isEmpty()) {
      out.add(patchMergeKey());
    }
    return out;
  }

  /** True for {@code x-kubernetes-map-type: atomic} objects, owned as one value. */
  public boolean atomicMap() {
    JsonNode t = ext("x-kubernetes-map-type");
    return t != null && "atomic".equals(t.asText());
  }

  /** The declared {@code default} of a property of this object, or null. */
  public JsonNode defaultOf(String property) {
    if (resolved == null) {
      return null;
    }
    JsonNode p = resolved.path("properties").get(property);
    if (p == null) {
      return null;
    }
    JsonNode d = p.get("default");
    return d != null ? d : resolve(p, components, 0).get("default");
  }

  @Override
  public String toString() {
    return resolved == null ? "untyped" : "schema" + resolved.path("properties").size();
  }
}
