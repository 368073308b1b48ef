package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.patch.SchemaNode;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds and prints FieldsV1 path elements, including the identity of a list item. */
final class PathTokens {
  private PathTokens() {}

  /** {@code k:{...}} with the key fields in name order. */
  static String key(SortedMap<String, JsonNode> fields) {
    StringBuilder sb = new StringBuilder("k:{");
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
      sb.append(first ? "" : ",")
          .append(JsonValues.quote(e.getKey()))
          .append(':')
          .append(JsonValues.canonical(e.getValue()));
      first = false;
    }
    return sb.append('}').toString();
  }

  static String value(JsonNode v) {
    return "v:" + JsonValues.canonical(v);
  }

  /**
   * The token of an element of a set or map list. Map-list key fields missing from the item take
   * their schema default (the Kubernetes {@code protocol} keys default to "TCP"); 422 when an item
   * has none of its keys or a set holds a non-scalar.
   */
  static String item(JsonNode item, SchemaNode list, SchemaNode.ListKind kind) {
    if (kind == SchemaNode.ListKind.SET) {
      if (item == null || item.isObject() || item.isArray() || item.isNull()) {
        throw invalid("a set-type list may only hold scalars, got " + item);
      }
      return value(item);
    }
    if (item == null || !item.isObject()) {
      throw invalid("a map-type list may only hold objects, got " + item);
    }
    TreeMap<String, JsonNode> keys = new TreeMap<>();
    for (String k : list.listMapKeys()) {
      JsonNode v = item.get(k);
      if (v == null || v.isNull()) {
        v = list.items().defaultOf(k);
        if (v == null && k.equals("protocol")) {
          v = JsonNodeFactory.instance.textNode("TCP");
        }
      }
      if (v != null) {
        keys.put(k, v);
      }
    }
    if (keys.isEmpty()) {
      throw invalid(
          "associative list with keys has an element that omits all key fields "
              + list.listMapKeys()
              + ": "
              + item);
    }
    return key(keys);
  }

  /** One element as conflict messages print it: {@code .name}, {@code [name="x"]}, {@code [=v]}. */
  static String describe(String token) {
    switch (token.charAt(0)) {
      case 'f':
        return "." + token.substring(2);
      case 'i':
        return "[" + token.substring(2) + "]";
      case 'v':
        return "[=" + token.substring(2) + "]";
      default:
        JsonNode keys = JsonValues.parse(token.substring(2));
        if (keys == null || !keys.isObject()) {
          return "[" + token.substring(2) + "]";
        }
        StringBuilder sb = new StringBuilder("[");
        Iterator<Map.Entry<String, JsonNode>> it = keys.fields();
        boolean first = true;
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          sb.append(first ? "" : ",")
              .append(e.getKey())
              .append('=')
              .append(JsonValues.canonical(e.getValue()));
          first = false;
        }
        return sb.append(']').toString();
    }
  }

  static ApiException invalid(String message) {
    return new ApiException(
        422, "Invalid", "the object cannot be tracked for server-side apply: " + message);
  }
}
