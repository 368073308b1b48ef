package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers shared by the defaulters: set a field only when the object leaves it out. */
final class Defaults {
  private Defaults() {}

  /** True when {@code field} is absent or null: what upstream's defaulters treat as unset. */
  static boolean unset(JsonNode obj, String field) {
    JsonNode v = obj.get(field);
    return v == null || v.isNull();
  }

  static void putIfAbsent(ObjectNode obj, String field, String value) {
    if (unset(obj, field)) {
      obj.put(field, value);
    }
  }

  static void putIfAbsent(ObjectNode obj, String field, int value) {
    if (unset(obj, field)) {
      obj.put(field, value);
    }
  }

  static void putIfAbsent(ObjectNode obj, String field, boolean value) {
    if (unset(obj, field)) {
      obj.put(field, value);
    }
  }

  /** The object at {@code field}, created when absent; null when the field holds a non-object. */
  static ObjectNode object(ObjectNode obj, String field) {
    if (unset(obj, field)) {
      return obj.putObject(field);
    }
    JsonNode v = obj.get(field);
    return v.isObject() ? (ObjectNode) v : null;
  }
}
