package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates a custom resource against its structural OpenAPI v3 schema as kube-openapi does,
 * turning failures into upstream's field errors. Updates ratchet: a subtree equal to the old
 * object's correlated subtree (same property, same list-map key) is not validated again.
 */
final class SchemaValidator {
  private final List<FieldError> errors = new ArrayList<>();

  /** The one root field walked into (null: all); the others are known equal to the old ones. */
  private final String onlyRootField;

  private SchemaValidator(String onlyRootField) {
    this.onlyRootField = onlyRootField;
  }

  /** Every error of {@code value} (with {@code old} for ratcheting, null on create). */
  static List<FieldError> validate(JsonNode value, JsonNode old, JsonNode schema) {
    SchemaValidator v = new SchemaValidator(null);
    v.check(value, old, schema, "", true);
    return v.errors;
  }

  /**
   * The errors of an update that can change only the root field {@code field} (a write through the
   * status subresource): every other root field is the stored one, which ratcheting lets through
   * unvalidated, so only the root's own constraints and {@code field} are checked.
   */
  static List<FieldError> validateField(
      ObjectNode value, ObjectNode old, JsonNode schema, String field) {
    SchemaValidator v = new SchemaValidator(field);
    // An unchanged object passes whole, as check() ratchets it: a constraint added to the CRD
    // later does not refuse a status write that changes nothing.
    if (schema != null && schema.isObject() && (old == null || !old.equals(value))) {
      v.object(value, old, schema, "", true);
      v.composition(value, schema, "");
    }
    return v.errors;
  }

  private void check(JsonNode value, JsonNode old, JsonNode s, String path, boolean resource) {
    if (s == null || !s.isObject() || (old != null && old.equals(value))) {
      return;
    }
    if (value.isNull()) {
      if (!s.path("nullable").asBoolean(false) && (s.has("type") || intOrString(s))) {
        errors.add(typeError(path, "null", s));
      }
      return;
    }
    if (!typeOk(value, s)) {
      errors.add(typeError(path, typeName(value), s));
      return;
    }
    JsonNode allowed = s.get("enum");
    if (allowed != null && allowed.isArray() && !contains(allowed, value)) {
      errors.add(FieldError.notSupported(path, value, allowed));
    }
    if (value.isTextual()) {
      ValueChecks.string(value.asText(), value, s, path, errors);
    } else if (value.isNumber()) {
      ValueChecks.number(value, s, path, errors);
    } else if (value.isArray()) {
      array(value, old, s, path);
    } else if (value.isObject()) {
      object((ObjectNode) value, old, s, path, resource);
    }
    composition(value, s, path);
  }

  private void object(ObjectNode obj, JsonNode old, JsonNode s, String path, boolean resource) {
    for (JsonNode r : s.path("required")) {
      if (!obj.has(r.asText())) {
        errors.add(FieldError.required(child(path, r.asText()), ""));
      }
    }
    if (s.has("maxProperties") && obj.size() > s.get("maxProperties").asLong()) {
      errors.add(FieldError.tooMany(path, obj.size(), s.get("maxProperties").asLong()));
    }
    if (s.has("minProperties") && obj.size() < s.get("minProperties").asLong()) {
      errors.add(
          FieldError.invalid(
              path,
              obj,
              path
                  + " in body should have at least "
                  + s.get("minProperties").asLong()
                  + " properties"));
    }
    boolean embedded = !resource && s.path("x-kubernetes-embedded-resource").asBoolean(false);
    if (embedded) {
      embedded(obj, path);
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      String name = e.getKey();
      JsonNode childSchema = props.get(name);
      if (childSchema == null && additional != null && additional.isObject()) {
        childSchema = additional;
      }
      if (childSchema == null
          || (resource && onlyRootField != null && !onlyRootField.equals(name))) {
        continue;
      }
      JsonNode oldChild = old == null || !old.isObject() ? null : old.get(name);
      check(e.getValue(), oldChild, childSchema, child(path, name), false);
    }
  }

  private void embedded(ObjectNode obj, String path) {
    for (String f : new String[] {"apiVersion", "kind"}) {
      JsonNode v = obj.get(f);
      if (v == null) {
        errors.add(FieldError.required(child(path, f), "must not be empty"));
      } else if (!v.isTextual()) {
        errors.add(FieldError.invalid(child(path, f), v, "must be a string"));
      } else if (v.asText().isEmpty()) {
        errors.add(FieldError.invalid(child(path, f), v, "must not be empty"));
      }
    }
  }

  private void array(JsonNode array, JsonNode old, JsonNode s, String path) {
    int size = array.size();
    if (s.has("maxItems") && size > s.get("maxItems").asLong()) {
      errors.add(FieldError.tooMany(path, size, s.get("maxItems").asLong()));
    }
    if (s.has("minItems") && size < s.get("minItems").asLong()) {
      errors.add(
          FieldError.invalid(
              path,
              JsonNodeFactory.instance.numberNode(size),
              path + " in body should have at least " + s.get("minItems").asLong() + " items"));
    }
    String listType = s.path("x-kubernetes-list-type").asText("");
    List<String> keys = new ArrayList<>();
    s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
    if (s.path("uniqueItems").asBoolean(false) && hasDuplicates(array)) {
      errors.add(FieldError.invalid(path, array, path + " in body shouldn't contain duplicates"));
    }
    for (int i = 0; i < size; i++) {
      JsonNode item = array.get(i);
      if (listType.equals("set") && contains(array, item, i)) {
        errors.add(FieldError.duplicate(path + "[" + i + "]", item));
      } else if (listType.equals("map") && item.isObject() && !keys.isEmpty()) {
        ObjectNode key = keyOf(item, keys);
        for (int j = 0; j < i; j++) {
          if (array.get(j).isObject() && keyOf(array.get(j), keys).equals(key)) {
            errors.add(FieldError.duplicate(path + "[" + i + "]", key));
            break;
          }
        }
      }
      JsonNode oldItem =
          listType.equals("map") && item.isObject() && !keys.isEmpty()
              ? correlate(old, keyOf(item, keys), keys)
              : null;
      check(item, oldItem, s.get("items"), path + "[" + i + "]", false);
    }
  }

  private void composition(JsonNode value, JsonNode s, String path) {
    JsonNode allOf = s.get("allOf");
    if (allOf != null && allOf.isArray()) {
      boolean all = true;
      for (JsonNode branch : allOf) {
        List<FieldError> sub = validate(value, branch);
        errors.addAll(sub);
        all &= sub.isEmpty();
      }
      if (!all) {
        errors.add(
            FieldError.invalid(
                path, value, path + " in body must validate all the" + " schemas (allOf)"));
      }
    }
    JsonNode anyOf = s.get("anyOf");
    if (anyOf != null && anyOf.isArray() && anyOf.size() > 0) {
      boolean any = false;
      for (JsonNode branch : anyOf) {
        any |= validate(value, branch).isEmpty();
      }
      if (!any) {
        errors.add(
            FieldError.invalid(
                path, value, path + " in body must validate at least one" + " schema (anyOf)"));
      }
    }
    JsonNode oneOf = s.get("oneOf");
    if (oneOf != null && oneOf.isArray() && oneOf.size() > 0) {
      int matched = 0;
      for (JsonNode branch : oneOf) {
        matched += validate(value, branch).isEmpty() ? 1 : 0;
      }
      if (matched != 1) {
        errors.add(
            FieldError.invalid(
                path, value, path + " in body must validate one and only" + " one schema (oneOf)"));
      }
    }
    JsonNode not = s.get("not");
    if (not != null && not.isObject() && validate(value, not).isEmpty()) {
      errors.add(
          FieldError.invalid(
              path, value, path + " in body must not validate the schema" + " (not)"));
    }
  }

  private static List<FieldError> validate(JsonNode value, JsonNode branch) {
    SchemaValidator v = new SchemaValidator(null);
    v.check(value, null, branch, "", false);
    return v.errors;
  }

  private static boolean typeOk(JsonNode v, JsonNode s) {
    if (intOrString(s)) {
      return v.isTextual() || ValueChecks.isInteger(v);
    }
    return switch (s.path("type").asText("")) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> ValueChecks.isInteger(v);
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static FieldError typeError(String path, String actual, JsonNode s) {
    String want = intOrString(s) ? "integer,string" : s.path("type").asText();
    return FieldError.typeInvalid(
        path, actual, path + " in body must be of type " + want + ": " + FieldError.quote(actual));
  }

  private static boolean intOrString(JsonNode s) {
    return s.path("x-kubernetes-int-or-string").asBoolean(false);
  }

  private static String typeName(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return ValueChecks.isInteger(v) ? "integer" : "number";
    }
    return v.isBoolean() ? "boolean" : v.isArray() ? "array" : v.isObject() ? "object" : "null";
  }

  private static ObjectNode keyOf(JsonNode item, List<String> keys) {
    ObjectNode key = JsonNodeFactory.instance.objectNode();
    for (String k : keys) {
      if (item.has(k)) {
        key.set(k, item.get(k));
      }
    }
    return key;
  }

  private static JsonNode correlate(JsonNode old, ObjectNode key, List<String> keys) {
    if (old == null || !old.isArray()) {
      return null;
    }
    for (JsonNode o : old) {
      if (o.isObject() && keyOf(o, keys).equals(key)) {
        return o;
      }
    }
    return null;
  }

  private static boolean hasDuplicates(JsonNode array) {
    for (int i = 1; i < array.size(); i++) {
      if (contains(array, array.get(i), i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode array, JsonNode value) {
    return contains(array, value, array.size());
  }

  /** Whether one of the first {@code limit} items equals {@code value}, numbers by value. */
  private static boolean contains(JsonNode array, JsonNode value, int limit) {
    for (int i = 0; i < limit; i++) {
      JsonNode a = array.get(i);
      if (a.equals(value)
          || (a.isNumber()
              && value.isNumber()
              && a.decimalValue().compareTo(value.decimalValue()) == 0)) {
        return true;
      }
    }
    return false;
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
