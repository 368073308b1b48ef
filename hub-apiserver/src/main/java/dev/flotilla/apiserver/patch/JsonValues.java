package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** Value semantics for JSON trees as Go sees them: numbers compare by value, maps by content. */
public final class JsonValues {
  private JsonValues() {}

  /** Deep equality where 1, 1.0 and 1L are the same number and field order does not matter. */
  public static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = a.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!same(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /**
   * The Go kind of a value, for "are these the same type" checks: map, slice, or the scalar's type.
   */
  public static String kind(JsonNode n) {
    if (n == null || n.isNull()) {
      return "nil";
    }
    if (n.isObject()) {
      return "map";
    }
    if (n.isArray()) {
      return "slice";
    }
    if (n.isNumber()) {
      return "float64";
    }
    if (n.isBoolean()) {
      return "bool";
    }
    return "string";
  }

  /** Canonical compact JSON of a value: integral numbers without a fraction, keys as given. */
  public static String canonical(JsonNode n) {
    if (n.isNumber()) {
      BigDecimal d = n.decimalValue().stripTrailingZeros();
      return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
    if (n.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        sb.append(first ? "" : ",")
            .append(quote(e.getKey()))
            .append(':')
            .append(canonical(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < n.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(canonical(n.get(i)));
      }
      return sb.append(']').toString();
    }
    return new String(Json.write(n), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    return canonical(JsonNodeFactory.instance.textNode(s));
  }

  /** Parses a JSON literal written by {@link #canonical}; null when it is not JSON. */
  public static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }

  /** Removes null-valued fields at every depth (a Go typed object drops them). */
  public static JsonNode dropNulls(JsonNode n) {
    if (n instanceof ObjectNode) {
      ObjectNode o = (ObjectNode) n;
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          it.remove();
        } else {
          dropNulls(e.getValue());
        }
      }
    } else if (n instanceof ArrayNode) {
      n.forEach(JsonValues::dropNulls);
    }
    return n;
  }
}
