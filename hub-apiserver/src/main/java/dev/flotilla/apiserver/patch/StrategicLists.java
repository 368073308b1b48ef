package dev.flotilla.apiserver.patch;

import static dev.flotilla.apiserver.patch.StrategicMergePatch.DIRECTIVE;
import static dev.flotilla.apiserver.patch.StrategicMergePatch.SET_ELEMENT_ORDER;
import static dev.flotilla.apiserver.patch.StrategicMergePatch.badPatch;
import static dev.flotilla.apiserver.patch.StrategicMergePatch.badRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The list half of strategic merge patch: merging by merge key, {@code $patch} elements, primitive
 * unions and deletions, and the element order rule (the {@code $setElementOrder} list first, then
 * the order in the patch, then the order in the live list).
 */
final class StrategicLists {
  private StrategicLists() {}

  /** Merges a patch list into a live list whose field has strategy "merge". */
  static ArrayNode merge(
      ArrayNode original, ArrayNode patch, SchemaNode items, String mergeKey, boolean deleteList) {
    if (original.isEmpty() && patch.isEmpty()) {
      return original;
    }
    String kind = elementKind(original, patch);
    List<JsonNode> orig = list(original);
    List<JsonNode> pat = list(patch);
    List<JsonNode> merged;
    if (!kind.equals("map")) {
      if (deleteList) {
        List<JsonNode> toDelete = pat;
        orig.removeIf(v -> indexOf(toDelete, v, "") >= 0);
        return array(orig);
      }
      merged = new ArrayList<>();
      for (JsonNode v : concat(orig, pat)) {
        if (indexOf(merged, v, "") < 0) {
          merged.add(v);
        }
      }
    } else {
      if (mergeKey.isEmpty()) {
        throw badPatch("cannot merge lists of objects without a patch merge key");
      }
      List<JsonNode> plain = new ArrayList<>();
      boolean replace = false;
      for (JsonNode v : pat) {
        JsonNode d = v.get(DIRECTIVE);
        if (d == null) {
          plain.add(v);
        } else if ("delete".equals(d.asText())) {
          JsonNode key = requireKey(v, mergeKey);
          orig.removeIf(o -> JsonValues.same(o.get(mergeKey), key));
        } else if ("replace".equals(d.asText())) {
          replace = true;
        } else if ("merge".equals(d.asText())) {
          throw badPatch("merging lists cannot yet be specified in the patch");
        } else {
          throw badPatch("unknown patch type: " + d + " in map: " + v);
        }
      }
      if (replace) {
        orig = plain;
        pat = new ArrayList<>();
      } else {
        pat = plain;
      }
      merged = new ArrayList<>(orig);
      for (JsonNode v : pat) {
        JsonNode key = requireKey(v, mergeKey);
        int at = -1;
        for (int i = 0; i < merged.size() && at < 0; i++) {
          if (!merged.get(i).isObject()) {
            throw badPatch("list element " + i + " is not a map");
          }
          if (merged.get(i).has(mergeKey) && JsonValues.same(merged.get(i).get(mergeKey), key)) {
            at = i;
          }
        }
        if (at >= 0) {
          merged.set(
              at, StrategicMergePatch.mergeMap((ObjectNode) merged.get(at), (ObjectNode) v, items));
        } else {
          JsonNode added = StrategicMergePatch.clean(v.deepCopy());
          if (added != null) {
            merged.add(added);
          }
        }
      }
    }
    List<JsonNode> fromPatch = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    String key = kind.equals("map") ? mergeKey : "";
    for (JsonNode v : merged) {
      if (!key.isEmpty()) {
        requireKey(v, key);
      }
      (indexOf(pat, v, key) >= 0 ? fromPatch : serverOnly).add(v);
    }
    return array(order(fromPatch, serverOnly, pat, orig, key));
  }

  /**
   * {@code $setElementOrder/<field>}: merges the field's patch list (if any) and puts the result in
   * the given order; the field is then removed from the patch.
   */
  static void mergeElementOrders(ObjectNode original, ObjectNode patch, SchemaNode schema) {
    List<String> keys = new ArrayList<>();
    patch
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (k.startsWith(SET_ELEMENT_ORDER)) {
                keys.add(k);
              }
            });
    for (String k : keys) {
      JsonNode order = patch.remove(k);
      String field =
          StrategicMergePatch.suffix(
              k, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
      JsonNode orig = original.get(field);
      JsonNode pat = patch.get(field);
      if (!order.isArray()
          || (orig != null && !orig.isArray())
          || (pat != null && !pat.isArray())) {
        throw badRequest("invalid patch format of setElementOrder list for \"" + field + "\"");
      }
      SchemaNode sub = schema.field(field);
      String mergeKey = sub.patchMergeKey();
      validateOrder(pat, order, mergeKey);
      ArrayNode merged;
      if (orig != null && pat != null) {
        merged = StrategicMergePatch.mergeListField((ArrayNode) orig, (ArrayNode) pat, sub, false);
      } else if (orig != null) {
        merged = (ArrayNode) orig;
      } else if (pat != null) {
        merged = (ArrayNode) StrategicMergePatch.clean(pat);
      } else {
        continue;
      }
      patch.remove(field);
      if ((orig == null || orig.isEmpty()) && (pat == null || pat.isEmpty())) {
        original.set(field, merged);
        continue;
      }
      String kind =
          elementKind(
              orig == null ? array(List.of()) : (ArrayNode) orig,
              pat == null ? array(List.of()) : (ArrayNode) pat);
      String key = kind.equals("map") ? mergeKey : "";
      List<JsonNode> orderList = list((ArrayNode) order);
      List<JsonNode> inOrder = new ArrayList<>();
      List<JsonNode> serverOnly = new ArrayList<>();
      for (JsonNode v : merged) {
        (indexOf(orderList, v, key) >= 0 ? inOrder : serverOnly).add(v);
      }
      original.set(
          field,
          array(
              order(
                  inOrder,
                  serverOnly,
                  orderList,
                  orig == null ? List.of() : list((ArrayNode) orig),
                  key)));
    }
  }

  /** The relative order of the patch's items must agree with the $setElementOrder list. */
  private static void validateOrder(JsonNode patchList, JsonNode order, String mergeKey) {
    if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
      return;
    }
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode v : patchList) {
      if (mergeKey.isEmpty() || !"delete".equals(v.path(DIRECTIVE).asText())) {
        items.add(v);
      }
    }
    int p = 0;
    int o = 0;
    while (p < items.size() && o < order.size()) {
      JsonNode item = items.get(p);
      if (item.isObject() && item.has(DIRECTIVE)) {
        p++;
        continue;
      }
      JsonNode a = mergeKey.isEmpty() ? item : requireKey(item, mergeKey);
      JsonNode b = mergeKey.isEmpty() ? order.get(o) : requireKey(order.get(o), mergeKey);
      if (JsonValues.same(a, b)) {
        p++;
      }
      o++;
    }
    if (p < items.size()) {
      throw badRequest(
          "the order in patch list "
              + patchList
              + " doesn't match the $setElementOrder list "
              + order);
    }
  }

  /**
   * Puts the patch's items in {@code patchOrder}, the server-only items in {@code serverOrder},
   * then interleaves them: a server-only item goes first only when the live list had it before the
   * next patch item.
   */
  private static List<JsonNode> order(
      List<JsonNode> fromPatch,
      List<JsonNode> serverOnly,
      List<JsonNode> patchOrder,
      List<JsonNode> serverOrder,
      String key) {
    List<JsonNode> right = sorted(fromPatch, patchOrder, key);
    List<JsonNode> left = sorted(serverOnly, serverOrder, key);
    List<JsonNode> out = new ArrayList<>(left.size() + right.size());
    int i = 0;
    int j = 0;
    while (i < left.size() || j < right.size()) {
      if (i >= left.size()) {
        out.add(right.get(j++));
      } else if (j >= right.size()) {
        out.add(left.get(i++));
      } else {
        int li = indexOf(serverOrder, left.get(i), key);
        int ri = indexOf(serverOrder, right.get(j), key);
        out.add(li >= 0 && ri >= 0 && li < ri ? left.get(i++) : right.get(j++));
      }
    }
    return out;
  }

  private static List<JsonNode> sorted(List<JsonNode> items, List<JsonNode> order, String key) {
    List<JsonNode> keep = new ArrayList<>();
    List<JsonNode> deleted = new ArrayList<>();
    for (JsonNode v : items) {
      (!key.isEmpty() && "delete".equals(v.path(DIRECTIVE).asText()) ? deleted : keep).add(v);
    }
    keep.sort(
        Comparator.comparingInt(
            v -> {
              int at = indexOf(order, v, key);
              return at < 0 ? Integer.MAX_VALUE : at;
            }));
    keep.addAll(deleted);
    return keep;
  }

  /**
   * Where {@code value} is in {@code list}: by the merge key's value, or by value for primitives.
   */
  static int indexOf(List<JsonNode> list, JsonNode value, String key) {
    JsonNode wanted = key.isEmpty() ? value : value.get(key);
    for (int i = 0; i < list.size(); i++) {
      JsonNode candidate = key.isEmpty() ? list.get(i) : list.get(i).get(key);
      if (JsonValues.same(wanted, candidate)) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode requireKey(JsonNode item, String mergeKey) {
    JsonNode key = item.isObject() ? item.get(mergeKey) : null;
    if (key == null) {
      throw badPatch("map: " + item + " does not contain declared merge key: " + mergeKey);
    }
    return key;
  }

  /** The one element type of both lists ("map" or a scalar type); lists of lists are refused. */
  private static String elementKind(ArrayNode a, ArrayNode b) {
    String kind = null;
    for (ArrayNode list : List.of(a, b)) {
      for (JsonNode v : list) {
        String k = JsonValues.kind(v);
        if (k.equals("slice")) {
          throw badPatch("lists of lists are not supported");
        }
        if (kind != null && !kind.equals(k)) {
          throw badPatch("list element types are not identical: " + a + " and " + b);
        }
        kind = k;
      }
    }
    return kind == null ? "nil" : kind;
  }

  private static List<JsonNode> list(ArrayNode a) {
    List<JsonNode> out = new ArrayList<>(a.size());
    a.forEach(out::add);
    return out;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static ArrayNode array(List<JsonNode> items) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    items.forEach(out::add);
    return out;
  }
}
