package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.selection.LabelValidation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Label and selector syntax as apimachinery validates it ({@code ValidateLabels}, {@code
 * ValidateLabelSelector}), with upstream's field paths and messages, for any object's labels and
 * for metav1.LabelSelector fields (workload selectors, Karmada resource selectors).
 */
public final class SelectorValidation {
  private SelectorValidation() {}

  /** Label keys as qualified names and values as label values, at {@code path}. */
  public static void labels(JsonNode labels, String path, List<FieldError> errors) {
    if (labels == null || !labels.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      labelKey(e.getKey(), path, errors);
      if (e.getValue().isTextual()) {
        for (String msg : LabelValidation.valueErrors(e.getValue().asText())) {
          errors.add(FieldError.invalid(path, e.getValue(), msg));
        }
      }
    }
  }

  /** One label key (or a selector requirement's key) as a qualified name. */
  public static void labelKey(String key, String path, List<FieldError> errors) {
    for (String msg : LabelValidation.keyErrors(key)) {
      errors.add(
          FieldError.invalid(path, com.fasterxml.jackson.databind.node.TextNode.valueOf(key), msg));
    }
  }

  /**
   * A metav1.LabelSelector: matchLabels as labels, each matchExpressions entry with a known
   * operator, values for In and NotIn and none for Exists and DoesNotExist. Null passes.
   */
  public static void selector(JsonNode selector, String path, List<FieldError> errors) {
    if (selector == null || !selector.isObject()) {
      return;
    }
    labels(selector.get("matchLabels"), path + ".matchLabels", errors);
    JsonNode expressions = selector.path("matchExpressions");
    for (int i = 0; i < expressions.size(); i++) {
      requirement(expressions.get(i), path + ".matchExpressions[" + i + "]", errors);
    }
  }

  /** One LabelSelectorRequirement ({@code key}, {@code operator}, {@code values}). */
  public static void requirement(JsonNode r, String path, List<FieldError> errors) {
    if (!r.isObject()) {
      return;
    }
    String operator = r.path("operator").asText("");
    JsonNode values = r.path("values");
    switch (operator) {
      case "In", "NotIn" -> {
        if (values.size() == 0) {
          errors.add(
              FieldError.required(
                  path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (values.size() > 0) {
          errors.add(
              FieldError.forbidden(
                  path + ".values",
                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      }
      default ->
          errors.add(
              FieldError.invalid(
                  path + ".operator", r.path("operator"), "not a valid selector operator"));
    }
    labelKey(r.path("key").asText(""), path + ".key", errors);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isTextual()) {
        for (String msg : LabelValidation.valueErrors(values.get(i).asText())) {
          errors.add(FieldError.invalid(path + ".values[" + i + "]", values.get(i), msg));
        }
      }
    }
  }

  /** Whether a valid selector matches {@code labels} (In, NotIn, Exists, DoesNotExist). */
  static boolean matches(JsonNode selector, JsonNode labels) {
    for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode r : selector.path("matchExpressions")) {
      JsonNode actual = labels.get(r.path("key").asText());
      boolean listed = false;
      for (JsonNode v : r.path("values")) {
        listed |= v.equals(actual);
      }
      boolean ok =
          switch (r.path("operator").asText()) {
            case "In" -> actual != null && listed;
            case "NotIn" -> actual == null || !listed;
            case "Exists" -> actual != null;
            case "DoesNotExist" -> actual == null;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A label map as Go's {@code %#v} prints a {@code map[string]string}, keys sorted. */
  static String goMap(JsonNode labels) {
    Map<String, String> sorted = new TreeMap<>();
    if (labels != null) {
      labels.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
    }
    StringBuilder sb = new StringBuilder("map[string]string{");
    boolean first = true;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      sb.append(first ? "" : ", ")
          .append(FieldError.quote(e.getKey()))
          .append(':')
          .append(FieldError.quote(e.getValue()));
      first = false;
    }
    return labels == null || labels.isNull() ? "map[string]string(nil)" : sb.append('}').toString();
  }
}
