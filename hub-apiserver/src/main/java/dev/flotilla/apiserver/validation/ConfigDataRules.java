package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;

/**
 * ConfigMap and Secret data as upstream's {@code ValidateConfigMap} and {@code ValidateSecret}
 * check it: every key a valid config key, and the data at most 1 MiB in total ({@code
 * MaxSecretSize}): a ConfigMap's data and binaryData together, a Secret's decoded data.
 */
final class ConfigDataRules {
  /** Upstream's MaxSecretSize, which bounds ConfigMaps too. */
  static final int MAX_DATA_BYTES = 1024 * 1024;

  private static final com.google.re2j.Pattern CONFIG_KEY =
      com.google.re2j.Pattern.compile("[-._a-zA-Z0-9]+");

  private ConfigDataRules() {}

  static void configMap(JsonNode obj, List<FieldError> errors) {
    long size = 0;
    JsonNode data = obj.path("data");
    for (Map.Entry<String, JsonNode> e : data.properties()) {
      key(e.getKey(), "data", errors);
      size += MetadataRules.utf8Length(e.getValue().asText(""));
    }
    for (Map.Entry<String, JsonNode> e : obj.path("binaryData").properties()) {
      key(e.getKey(), "binaryData", errors);
      if (data.has(e.getKey())) {
        errors.add(
            FieldError.invalid(
                "binaryData[" + e.getKey() + "]",
                TextNode.valueOf(e.getKey()),
                "duplicate of key present in data"));
      }
      size += decodedLength(e.getValue().asText(""));
    }
    if (size > MAX_DATA_BYTES) {
      errors.add(FieldError.tooLong("", MAX_DATA_BYTES));
    }
  }

  static void secret(JsonNode obj, List<FieldError> errors) {
    long size = 0;
    JsonNode data = obj.path("data");
    for (Map.Entry<String, JsonNode> e : data.properties()) {
      key(e.getKey(), "data", errors);
      if (!obj.path("stringData").has(e.getKey())) {
        size += decodedLength(e.getValue().asText(""));
      }
    }
    // stringData is written into data on the way in upstream, so it counts the same.
    for (Map.Entry<String, JsonNode> e : obj.path("stringData").properties()) {
      key(e.getKey(), "stringData", errors);
      size += MetadataRules.utf8Length(e.getValue().asText(""));
    }
    if (size > MAX_DATA_BYTES) {
      errors.add(FieldError.tooLong("data", MAX_DATA_BYTES));
    }
  }

  /** Upstream's IsConfigMapKey. */
  private static void key(String key, String field, List<FieldError> errors) {
    String path = field + "[" + key + "]";
    TextNode value = TextNode.valueOf(key);
    if (key.length() > 253) {
      errors.add(FieldError.invalid(path, value, "must be no more than 253 characters"));
    }
    if (!CONFIG_KEY.matcher(key).matches()) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g."
                  + " 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is"
                  + " '[-._a-zA-Z0-9]+')"));
    }
    if (key.equals(".")) {
      errors.add(FieldError.invalid(path, value, "must not be '.'"));
    } else if (key.equals("..")) {
      errors.add(FieldError.invalid(path, value, "must not be '..'"));
    } else if (key.startsWith("..")) {
      errors.add(FieldError.invalid(path, value, "must not start with '..'"));
    }
  }

  /** Bytes a base64 value decodes to (its syntax is the type check's). */
  private static long decodedLength(String base64) {
    int n = base64.length();
    int pad = 0;
    while (pad < 2 && n - pad > 0 && base64.charAt(n - pad - 1) == '=') {
      pad++;
    }
    return (long) n * 3 / 4 - pad;
  }
}
