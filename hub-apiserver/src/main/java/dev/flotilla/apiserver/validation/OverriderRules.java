package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Karmada's checks of one {@code overriders} block (of an OverridePolicy rule or the deprecated
 * top-level one): annotation and label values as metadata, JSON pointers where a path is given
 * (image predicates, plaintext paths, field overriders and their sub-paths), a value for add and
 * replace and none for remove, and a field overrider with either YAML or JSON patches, not both.
 */
final class OverriderRules {
  private OverriderRules() {}

  static void check(JsonNode overriders, String path, List<FieldError> errors) {
    if (!overriders.isObject()) {
      return;
    }
    JsonNode annotations = overriders.path("annotationsOverrider");
    for (int i = 0; i < annotations.size(); i++) {
      JsonNode value = annotations.get(i).get("value");
      if (value != null && value.isObject()) {
        MetadataRules.annotations(value, path + ".annotationsOverrider[" + i + "].value", errors);
      }
    }
    JsonNode labels = overriders.path("labelsOverrider");
    for (int i = 0; i < labels.size(); i++) {
      SelectorValidation.labels(
          labels.get(i).get("value"), path + ".labelsOverrider[" + i + "].value", errors);
    }
    JsonNode images = overriders.path("imageOverrider");
    for (int i = 0; i < images.size(); i++) {
      JsonNode predicate = images.get(i).path("predicate");
      if (predicate.isObject()) {
        pointer(predicate.path("path"), path + ".imageOverrider[" + i + "].predicate.path", errors);
      }
    }
    JsonNode plaintext = overriders.path("plaintext");
    for (int i = 0; i < plaintext.size(); i++) {
      String item = path + ".plaintext[" + i + "]";
      pointer(plaintext.get(i).path("path"), item + ".path", errors);
      operation(plaintext.get(i), item + ".value", errors);
    }
    JsonNode fields = overriders.path("fieldOverrider");
    for (int i = 0; i < fields.size(); i++) {
      JsonNode f = fields.get(i);
      String item = path + ".fieldOverrider[" + i + "]";
      if (f.path("yaml").size() > 0 && f.path("json").size() > 0) {
        errors.add(
            FieldError.invalid(
                item, f, "FieldOverrider has both YAML and JSON set. Only one is allowed"));
      }
      pointer(f.path("fieldPath"), item + ".fieldPath", errors);
      for (String kind : new String[] {"json", "yaml"}) {
        JsonNode patches = f.path(kind);
        for (int j = 0; j < patches.size(); j++) {
          String patch = item + "." + kind + "[" + j + "]";
          pointer(patches.get(j).path("subPath"), patch + ".subPath", errors);
          operation(patches.get(j), patch + ".value", errors);
        }
      }
    }
  }

  /** go-openapi's jsonpointer.New: empty, or starting with "/". */
  private static void pointer(JsonNode path, String field, List<FieldError> errors) {
    String p = path.asText("");
    if (!p.isEmpty() && !p.startsWith("/")) {
      errors.add(
          FieldError.invalid(field, path, "JSON pointer must be empty or start with a \"/\""));
    }
  }

  private static void operation(JsonNode op, String field, List<FieldError> errors) {
    JsonNode value = op.get("value");
    boolean hasValue = value != null && !value.isNull();
    switch (op.path("operator").asText("")) {
      case "add", "replace" -> {
        if (!hasValue) {
          errors.add(
              FieldError.invalid(field, value, "value is required for add or replace operation"));
        }
      }
      case "remove" -> {
        if (hasValue) {
          errors.add(FieldError.invalid(field, value, "value is not allowed for remove operation"));
        }
      }
      default -> {
        // the schema's enum refuses other operators
      }
    }
  }
}
