package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Type-checks {@code metadata} as apimachinery's {@code ObjectMeta} decodes it, for every kind,
 * built-in or custom, before anything else reads it: a write whose metadata a Go or fabric8 client
 * could not decode (say {@code ownerReferences: "x"}) would otherwise be stored and break every
 * informer that lists it. It runs where a request's object is first read (field tracking, before
 * create, update and apply) and on the result of every write ({@code ResourceStorage}, patches
 * included). Checks the shape (strings, integers, string maps, lists of objects) and what
 * upstream's {@code ValidateObjectMeta} requires of owner references; name syntax, label syntax and
 * finalizer rules on deletion are checked elsewhere.
 */
public final class ObjectMetaValidation {
  private static final Set<String> STRINGS =
      Set.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion");
  private static final Set<String> INTEGERS = Set.of("generation", "deletionGracePeriodSeconds");
  private static final ObjectNode INT64 =
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
          .objectNode()
          .put("type", "integer")
          .put("format", "int64");
  private static final Set<String> TIMES = Set.of("creationTimestamp", "deletionTimestamp");
  private static final Set<String> STRING_MAPS = Set.of("labels", "annotations");
  private static final List<String> OWNER_STRINGS = List.of("apiVersion", "kind", "name", "uid");
  private static final Set<String> OWNER_BOOLEANS = Set.of("controller", "blockOwnerDeletion");
  private static final Set<String> MANAGED_STRINGS =
      Set.of("manager", "operation", "apiVersion", "fieldsType", "subresource");

  private ObjectMetaValidation() {}

  /** 422 Invalid, one cause per bad field, when the object's metadata is not an ObjectMeta. */
  public static void require(ResourceType type, ObjectNode obj) {
    List<FieldError> errors = check(obj.get("metadata"));
    if (!errors.isEmpty()) {
      JsonNode name = obj.path("metadata").path("name");
      throw FieldError.toInvalid(type, name.isTextual() ? name.asText() : null, errors);
    }
  }

  /** The problems of one {@code metadata} value (null or absent is fine). */
  public static List<FieldError> check(JsonNode metadata) {
    List<FieldError> errors = new ArrayList<>();
    if (metadata == null || metadata.isNull()) {
      return errors;
    }
    if (!typed(metadata, "object", "metadata", errors)) {
      return errors;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = metadata.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String path = "metadata." + f.getKey();
      JsonNode v = f.getValue();
      if (v.isNull()) {
        continue; // as Go: null leaves the zero value
      }
      String field = f.getKey();
      if (STRINGS.contains(field)) {
        typed(v, "string", path, errors);
      } else if (INTEGERS.contains(field)) {
        // int64 in Go: a larger number does not decode there, so it must not be stored here.
        if (typed(v, "integer", path, errors)) {
          ValueChecks.number(v, INT64, path, errors);
        }
      } else if (TIMES.contains(field)) {
        time(v, path, errors);
      } else if (STRING_MAPS.contains(field)) {
        stringMap(v, path, errors);
      } else if (field.equals("finalizers")) {
        finalizers(v, path, errors);
      } else if (field.equals("ownerReferences")) {
        ownerReferences(v, path, errors);
      } else if (field.equals("managedFields")) {
        managedFields(v, path, errors);
      }
    }
    return errors;
  }

  private static void stringMap(JsonNode v, String path, List<FieldError> errors) {
    if (!typed(v, "object", path, errors)) {
      return;
    }
    v.fields()
        .forEachRemaining(e -> typed(e.getValue(), "string", path + "." + e.getKey(), errors));
  }

  private static void finalizers(JsonNode v, String path, List<FieldError> errors) {
    if (!typed(v, "array", path, errors)) {
      return;
    }
    for (int i = 0; i < v.size(); i++) {
      String item = path + "[" + i + "]";
      if (typed(v.get(i), "string", item, errors) && v.get(i).asText().isEmpty()) {
        errors.add(FieldError.required(item, "a finalizer name must not be empty"));
      }
    }
  }

  private static void ownerReferences(JsonNode v, String path, List<FieldError> errors) {
    if (!typed(v, "array", path, errors)) {
      return;
    }
    int controllers = 0;
    for (int i = 0; i < v.size(); i++) {
      JsonNode ref = v.get(i);
      String item = path + "[" + i + "]";
      if (!typed(ref, "object", item, errors)) {
        continue;
      }
      for (String f : OWNER_STRINGS) {
        JsonNode s = ref.get(f);
        if (s == null || s.isNull() || (s.isTextual() && s.asText().isEmpty())) {
          errors.add(FieldError.required(item + "." + f, "an owner reference needs its " + f));
        } else {
          typed(s, "string", item + "." + f, errors);
        }
      }
      for (String f : OWNER_BOOLEANS) {
        JsonNode b = ref.get(f);
        if (b != null && !b.isNull()) {
          typed(b, "boolean", item + "." + f, errors);
        }
      }
      if (ref.path("controller").asBoolean(false)) {
        controllers++;
      }
    }
    if (controllers > 1) {
      errors.add(
          FieldError.invalid(
              path,
              v,
              "Only one reference can have Controller set to true. Found \"true\" in"
                  + " references for "
                  + controllers
                  + " owners"));
    }
  }

  private static void managedFields(JsonNode v, String path, List<FieldError> errors) {
    if (!typed(v, "array", path, errors)) {
      return;
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode entry = v.get(i);
      String item = path + "[" + i + "]";
      if (!typed(entry, "object", item, errors)) {
        continue;
      }
      entry
          .fields()
          .forEachRemaining(
              e -> {
                String p = item + "." + e.getKey();
                if (e.getValue().isNull()) {
                  return;
                }
                if (MANAGED_STRINGS.contains(e.getKey())) {
                  typed(e.getValue(), "string", p, errors);
                } else if (e.getKey().equals("time")) {
                  time(e.getValue(), p, errors);
                } else if (e.getKey().equals("fieldsV1")) {
                  typed(e.getValue(), "object", p, errors);
                }
              });
    }
  }

  /** metav1.Time: an RFC 3339 string. */
  private static void time(JsonNode v, String path, List<FieldError> errors) {
    if (!typed(v, "string", path, errors)) {
      return;
    }
    String text = v.asText();
    if (text.equals(lastValidTime)) {
      return;
    }
    try {
      OffsetDateTime.parse(text);
      lastValidTime = text;
    } catch (DateTimeParseException e) {
      errors.add(FieldError.invalid(path, v, "must be an RFC 3339 date-time"));
    }
  }

  /**
   * The last timestamp found valid: the writes of one second mostly carry the same one (creation
   * and managedFields times), and parsing each took about 3% of the hub CPU of a create.
   */
  private static volatile String lastValidTime = "";

  /** True when {@code v} has JSON type {@code want}; else records the error as the schema does. */
  private static boolean typed(JsonNode v, String want, String path, List<FieldError> errors) {
    boolean ok =
        switch (want) {
          case "object" -> v.isObject();
          case "array" -> v.isArray();
          case "string" -> v.isTextual();
          case "integer" -> ValueChecks.isInteger(v);
          case "boolean" -> v.isBoolean();
          default -> throw new IllegalArgumentException(want);
        };
    if (!ok) {
      String actual = typeName(v);
      errors.add(
          FieldError.typeInvalid(
              path,
              actual,
              path + " in body must be of type " + want + ": " + FieldError.quote(actual)));
    }
    return ok;
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
}
