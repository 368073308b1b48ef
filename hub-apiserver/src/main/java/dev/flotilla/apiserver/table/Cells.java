package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Field access with Go zero values (a missing string is "", a missing number 0) and the formatting
 * helpers kube-apiserver's printers share: label maps, label selectors, container lists, "a,b,c + N
 * more..." lists.
 */
final class Cells {
  private Cells() {}

  static JsonNode at(JsonNode n, String... path) {
    JsonNode cur = n;
    for (String p : path) {
      cur = cur.path(p);
    }
    return cur;
  }

  /** A string field, "" when absent or null. */
  static String str(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return v.isMissingNode() || v.isNull() ? "" : v.asText();
  }

  /** An integer field, 0 when absent. */
  static long num(JsonNode n, String... path) {
    return at(n, path).asLong(0);
  }

  /** An integer field with the default upstream defaulting would have stored. */
  static long numOr(long fallback, JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return v.isNumber() ? v.asLong() : fallback;
  }

  static boolean has(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return !v.isMissingNode() && !v.isNull();
  }

  static boolean bool(JsonNode n, String... path) {
    return at(n, path).asBoolean(false);
  }

  static String name(JsonNode obj) {
    return str(obj, "metadata", "name");
  }

  static String age(JsonNode obj, Instant now) {
    return HumanDuration.since(str(obj, "metadata", "creationTimestamp"), now);
  }

  static boolean deleting(JsonNode obj) {
    return has(obj, "metadata", "deletionTimestamp");
  }

  /** Array elements (nothing for a missing or non-array node). */
  static List<JsonNode> list(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    List<JsonNode> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(out::add);
    }
    return out;
  }

  static int size(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return v.isArray() || v.isObject() ? v.size() : 0;
  }

  /** {@code labels.FormatLabels}: "k=v,k2=v2" by key, "&lt;none&gt;" when empty. */
  static String labels(JsonNode map) {
    if (map == null || !map.isObject() || map.isEmpty()) {
      return "<none>";
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sorted.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(e.getKey()).append('=').append(e.getValue());
    }
    return out.toString();
  }

  /**
   * {@code metav1.LabelSelectorAsSelector(s).String()}: requirements sorted by key, "k=v", "k in
   * (a,b)", "k notin (a,b)", "k", "!k"; "" for a missing or empty selector; null when the selector
   * is invalid.
   */
  static String selector(JsonNode sel) {
    if (sel == null || !sel.isObject()) {
      return "";
    }
    List<String[]> reqs = new ArrayList<>();
    JsonNode matchLabels = sel.path("matchLabels");
    if (matchLabels.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        reqs.add(new String[] {e.getKey(), e.getKey() + "=" + e.getValue().asText()});
      }
    }
    for (JsonNode expr : list(sel, "matchExpressions")) {
      String key = str(expr, "key");
      List<String> values = new ArrayList<>();
      list(expr, "values").forEach(v -> values.add(v.asText()));
      String op = str(expr, "operator");
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            return null;
          }
          reqs.add(
              new String[] {
                key,
                key
                    + (op.equals("In") ? " in (" : " notin (")
                    + String.join(",", new TreeSet<>(values))
                    + ")"
              });
        }
        case "Exists" -> {
          if (!values.isEmpty()) {
            return null;
          }
          reqs.add(new String[] {key, key});
        }
        case "DoesNotExist" -> {
          if (!values.isEmpty()) {
            return null;
          }
          reqs.add(new String[] {key, "!" + key});
        }
        default -> {
          return null;
        }
      }
    }
    reqs.sort((a, b) -> a[0].compareTo(b[0]));
    List<String> parts = new ArrayList<>();
    reqs.forEach(r -> parts.add(r[1]));
    return String.join(",", parts);
  }

  /** {@code metav1.FormatLabelSelector}: "&lt;none&gt;" if empty, "&lt;error&gt;" if invalid. */
  static String formatSelector(JsonNode sel) {
    String s = selector(sel);
    if (s == null) {
      return "<error>";
    }
    return s.isEmpty() ? "<none>" : s;
  }

  /** {@code layoutContainerCells}: comma-joined container names and images. */
  static String[] containers(JsonNode podSpec) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode c : list(podSpec, "containers")) {
      names.add(str(c, "name"));
      images.add(str(c, "image"));
    }
    return new String[] {String.join(",", names), String.join(",", images)};
  }

  /** {@code listWithMoreString}: the first {@code max}, "+ N more...", "&lt;unset&gt;" if empty. */
  static String listWithMore(List<String> all, int max) {
    List<String> shown = all.size() > max ? all.subList(0, max) : all;
    String ret = String.join(",", shown);
    if (all.size() > max) {
      return ret + " + " + (all.size() - max) + " more...";
    }
    return ret.isEmpty() ? "<unset>" : ret;
  }

  static String orNone(String s) {
    return s == null || s.isEmpty() ? "<none>" : s;
  }

  static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  /** The {@code status} of the first condition of {@code type}, or null. */
  static JsonNode condition(JsonNode conditions, String type) {
    if (conditions != null && conditions.isArray()) {
      for (JsonNode c : conditions) {
        if (type.equals(str(c, "type"))) {
          return c;
        }
      }
    }
    return null;
  }

  /** True when the first condition of {@code type} has status True. */
  static boolean conditionTrue(JsonNode conditions, String type) {
    JsonNode c = condition(conditions, type);
    return c != null && "True".equals(str(c, "status"));
  }
}
