package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Type-checks a built-in object against its Kubernetes 1.33 OpenAPI schema the way Go's decoder
 * reads it into the typed struct: every field of the declared JSON type, integers in their format's
 * range, times and base64 strings well formed, quantities parseable, int-or-string either. A JSON
 * null is what Go reads as the zero value and passes. Fields the schema marks required must be
 * present when they are strings or objects (Go would read an empty one, which upstream's validation
 * refuses: a container's name, a selector requirement's operator, a Deployment's selector);
 * required lists, numbers and booleans read as zero values are left to kind rules ({@link
 * BuiltinRules}), as is everything under {@code status}, which controllers own. Root metadata is
 * {@link ObjectMetaValidation}'s. Updates ratchet: a subtree equal to the old object's is not
 * checked again, so an object stored before these checks can still be finalized.
 */
final class BuiltinTypes {
  private static final String PREFIX = "#/components/schemas/";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  /** Schemas Go decodes from any JSON (raw extensions, free-form JSON, managed field sets). */
  private static final Set<String> ANY =
      Set.of(
          "io.k8s.apimachinery.pkg.runtime.RawExtension",
          META + "FieldsV1",
          META + "Patch",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray");

  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

  /** resource.Quantity's syntax, as its parser reports it. */
  static final String QUANTITY_REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  private static final Pattern QUANTITY_FORM =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\\d+)?");

  private final Schemas schemas;
  private final List<FieldError> errors;

  private BuiltinTypes(Schemas schemas, List<FieldError> errors) {
    this.schemas = schemas;
    this.errors = errors;
  }

  /** Adds to {@code errors} every type and required-field problem of {@code obj}. */
  static void check(
      Schemas schemas, JsonNode obj, JsonNode old, JsonNode rootSchema, List<FieldError> errors) {
    new BuiltinTypes(schemas, errors).object(obj, old, schemas.resolve(rootSchema), "", false);
  }

  private void value(JsonNode v, JsonNode old, JsonNode schema, String path, boolean status) {
    if (v == null || v.isNull() || (old != null && old.equals(v))) {
      return;
    }
    String ref = refName(schema);
    if (ref != null && ANY.contains(ref)) {
      return;
    }
    if (QUANTITY.equals(ref)) {
      quantity(v, path);
      return;
    }
    if (INT_OR_STRING.equals(ref)) {
      if (!v.isTextual() && !ValueChecks.isInteger(v)) {
        errors.add(typeError(path, v, "integer,string"));
      }
      return;
    }
    JsonNode s = schemas.resolve(schema);
    String type = s.path("type").asText("");
    if (!typeOk(v, type)) {
      errors.add(typeError(path, v, type));
      return;
    }
    switch (type) {
      case "object" -> object(v, old, s, path, status);
      case "array" -> {
        JsonNode items = s.get("items");
        for (int i = 0; items != null && i < v.size(); i++) {
          JsonNode oldItem = old != null && old.isArray() && i < old.size() ? old.get(i) : null;
          value(v.get(i), oldItem, items, path + "[" + i + "]", status);
        }
      }
      case "integer", "number" -> ValueChecks.number(v, s, path, errors);
      case "string" -> {
        String format = s.path("format").asText("");
        if ((format.equals("date-time") || format.equals("byte"))
            && !ValueChecks.formatOk(format, v.asText())) {
          errors.add(
              FieldError.typeInvalid(
                  path,
                  v.asText(),
                  path
                      + " in body must be of type "
                      + format
                      + ": "
                      + FieldError.quote(v.asText())));
        }
      }
      default -> {
        // boolean, or a schema without a type: nothing more to check
      }
    }
  }

  private void object(JsonNode v, JsonNode old, JsonNode s, String path, boolean status) {
    JsonNode props = s.path("properties");
    if (!status) {
      for (JsonNode r : s.path("required")) {
        String name = r.asText();
        JsonNode present = v.get(name);
        if ((present == null || present.isNull()) && requiredKind(props.get(name))) {
          errors.add(FieldError.required(child(path, name), ""));
        }
      }
    }
    JsonNode additional = s.get("additionalProperties");
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String name = e.getKey();
      if (path.isEmpty() && (name.equals("metadata") || name.equals("apiVersion"))) {
        continue; // checked with the object's identity before anything else
      }
      if (path.isEmpty() && name.equals("kind")) {
        continue;
      }
      JsonNode childSchema = props.get(name);
      if (childSchema == null && additional != null && additional.isObject()) {
        childSchema = additional;
      }
      if (childSchema == null) {
        continue;
      }
      JsonNode oldChild = old == null || !old.isObject() ? null : old.get(name);
      boolean childStatus = status || (path.isEmpty() && name.equals("status"));
      value(e.getValue(), oldChild, childSchema, child(path, name), childStatus);
    }
  }

  /** Required fields this check enforces: strings and objects, which Go would read empty. */
  private boolean requiredKind(JsonNode propertySchema) {
    if (propertySchema == null) {
      return false;
    }
    String ref = refName(propertySchema);
    if (ref != null && (ANY.contains(ref) || ref.equals(QUANTITY))) {
      return false;
    }
    String type = schemas.resolve(propertySchema).path("type").asText("");
    return type.equals("string") || type.equals("object");
  }

  private void quantity(JsonNode v, String path) {
    if (v.isNumber()) {
      return; // Go's Quantity reads a JSON number as it is
    }
    if (!v.isTextual()) {
      errors.add(typeError(path, v, "string"));
      return;
    }
    String text = v.asText();
    if (text.length() > 128 || !QUANTITY_FORM.matcher(text).matches()) {
      errors.add(
          FieldError.invalid(
              path, v, "quantities must match the regular expression '" + QUANTITY_REGEX + "'"));
    }
  }

  /** The component a schema names by {@code $ref}, directly or through its allOf wrapper. */
  private static String refName(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref == null && schema.path("allOf").size() == 1) {
      ref = schema.get("allOf").get(0).get("$ref");
    }
    if (ref == null || !ref.asText().startsWith(PREFIX)) {
      return null;
    }
    return ref.asText().substring(PREFIX.length());
  }

  private static boolean typeOk(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> ValueChecks.isInteger(v);
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static FieldError typeError(String path, JsonNode v, String want) {
    String actual = typeName(v);
    return FieldError.typeInvalid(
        path, actual, path + " in body must be of type " + want + ": " + FieldError.quote(actual));
  }

  static String typeName(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return ValueChecks.isInteger(v) ? "integer" : "number";
    }
    return v.isBoolean() ? "boolean" : v.isArray() ? "array" : v.isObject() ? "object" : "null";
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
