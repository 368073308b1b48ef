package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Null-safe reads from Kubernetes objects held as Jackson trees, where absent and null mean the
 * same thing.
 */
public final class Nodes {

  /** Shared mapper for building trees; configured only with Jackson defaults. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Nodes() {}

  /** The node at {@code path} below {@code node}, or a missing node; never null. */
  public static JsonNode at(JsonNode node, String... path) {
    JsonNode current = node == null ? MissingNode.getInstance() : node;
    for (String step : path) {
      current = current.path(step);
    }
    return current;
  }

  /** Whether the node carries a value (not absent, not JSON null). */
  public static boolean present(JsonNode node) {
    return node != null && !node.isMissingNode() && !node.isNull();
  }

  /** The text at {@code path}, or "" when absent or not textual. */
  public static String text(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    return value.isTextual() ? value.asText() : "";
  }

  /** The integer at {@code path}, or {@code fallback} when absent. */
  public static long number(JsonNode node, long fallback, String... path) {
    JsonNode value = at(node, path);
    return value.isNumber() ? value.asLong() : fallback;
  }

  /** The elements of the array at {@code path}; empty when absent. */
  public static List<JsonNode> list(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    if (!value.isArray()) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>(value.size());
    value.forEach(out::add);
    return out;
  }

  /** The strings of the array at {@code path}; non-text elements are skipped. */
  public static List<String> strings(JsonNode node, String... path) {
    List<String> out = new ArrayList<>();
    for (JsonNode element : list(node, path)) {
      if (element.isTextual()) {
        out.add(element.asText());
      }
    }
    return out;
  }

  /** The string map at {@code path} (labels, annotations, matchLabels); empty when absent. */
  public static Map<String, String> stringMap(JsonNode node, String... path) {
    JsonNode value = at(node, path);
    if (!value.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    value
        .fields()
        .forEachRemaining(
            e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : ""));
    return Collections.unmodifiableMap(out);
  }

  public static String name(JsonNode object) {
    return text(object, "metadata", "name");
  }

  public static String namespace(JsonNode object) {
    return text(object, "metadata", "namespace");
  }

  public static Map<String, String> labels(JsonNode object) {
    return stringMap(object, "metadata", "labels");
  }

  public static Map<String, String> annotations(JsonNode object) {
    return stringMap(object, "metadata", "annotations");
  }

  /** Whether the object carries a deletion timestamp, i.e. is waiting for finalizers. */
  public static boolean deleting(JsonNode object) {
    return present(at(object, "metadata", "deletionTimestamp"));
  }

  /** {@code namespace/name}, or just the name for cluster-scoped objects; used in messages. */
  public static String key(JsonNode object) {
    String namespace = namespace(object);
    return namespace.isEmpty() ? name(object) : namespace + "/" + name(object);
  }
}
