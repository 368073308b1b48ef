package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Structural defaulting of custom resources: a field that is absent, or null without {@code
 * nullable: true}, takes its schema's {@code default}; a non-nullable null without a default is
 * pruned; defaults apply top-down, so a defaulted object gets its fields' defaults.
 */
final class Defaulter {
  private Defaulter() {}

  static void apply(JsonNode value, JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    if (value.isArray()) {
      JsonNode items = schema.get("items");
      for (JsonNode item : value) {
        apply(item, items);
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    ObjectNode obj = (ObjectNode) value;
    JsonNode props = schema.get("properties");
    if (props != null && props.isObject()) {
      for (Map.Entry<String, JsonNode> p : props.properties()) {
        fill(obj, p.getKey(), p.getValue());
      }
    }
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (props == null || !props.has(name)) {
          fill(obj, name, additional);
        }
      }
    }
  }

  /**
   * Defaults one field of {@code obj} as {@link #apply} would at {@code obj}'s level, and nothing
   * else (a status write's status, the rest of the object being stored and defaulted already).
   */
  static void applyField(ObjectNode obj, JsonNode schema, String name) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    JsonNode props = schema.get("properties");
    JsonNode own = props != null && props.isObject() ? props.get(name) : null;
    JsonNode additional = schema.get("additionalProperties");
    if (own != null) {
      fill(obj, name, own);
    } else if (additional != null && additional.isObject() && obj.has(name)) {
      fill(obj, name, additional);
    }
  }

  private static void fill(ObjectNode obj, String name, JsonNode schema) {
    JsonNode current = obj.get(name);
    if (current == null || (current.isNull() && !schema.path("nullable").asBoolean(false))) {
      JsonNode dflt = schema.get("default");
      if (dflt != null) {
        obj.set(name, dflt.deepCopy());
      } else if (current != null) {
        obj.remove(name);
      }
    }
    JsonNode now = obj.get(name);
    if (now != null) {
      apply(now, schema);
    }
  }
}
