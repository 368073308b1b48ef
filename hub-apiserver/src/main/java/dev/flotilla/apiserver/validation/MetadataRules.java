package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.selection.LabelValidation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What upstream's {@code ValidateObjectMeta} checks of labels and annotations on every kind: label
 * keys and values, annotation keys (qualified names, any case) and the annotations' total size (256
 * KiB). On updates only a changed map is checked, so an object stored before these checks can still
 * be finalized and deleted.
 */
final class MetadataRules {
  /** Upstream's TotalAnnotationSizeLimitB. */
  static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

  private MetadataRules() {}

  static void check(JsonNode obj, JsonNode old, List<FieldError> errors) {
    JsonNode meta = obj.path("metadata");
    JsonNode oldMeta = old == null ? null : old.path("metadata");
    JsonNode labels = meta.get("labels");
    if (labels != null && (oldMeta == null || !labels.equals(oldMeta.get("labels")))) {
      SelectorValidation.labels(labels, "metadata.labels", errors);
    }
    JsonNode annotations = meta.get("annotations");
    if (annotations != null
        && annotations.isObject()
        && (oldMeta == null || !annotations.equals(oldMeta.get("annotations")))) {
      annotations(annotations, "metadata.annotations", errors);
    }
  }

  static void annotations(JsonNode annotations, String path, List<FieldError> errors) {
    long size = 0;
    for (Map.Entry<String, JsonNode> e : annotations.properties()) {
      for (String msg : LabelValidation.keyErrors(e.getKey().toLowerCase(Locale.ROOT))) {
        errors.add(
            FieldError.invalid(
                path, com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()), msg));
      }
      size += utf8Length(e.getKey()) + utf8Length(e.getValue().asText(""));
    }
    if (size > MAX_ANNOTATIONS_BYTES) {
      errors.add(FieldError.tooLong(path, MAX_ANNOTATIONS_BYTES));
    }
  }

  static long utf8Length(String s) {
    // Cheap for ASCII, exact otherwise: Go measures strings in bytes.
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return s.length();
  }
}
