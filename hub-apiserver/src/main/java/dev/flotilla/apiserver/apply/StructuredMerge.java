package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.SchemaNode.ListKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server-side apply merge (structured-merge-diff's {@code Merge}): the applied configuration
 * wins field by field, granular maps merge, set and map-type lists merge item by item (items of
 * both in the applied order, live-only items kept near their live neighbours), atomic values are
 * replaced; and removal of owned paths for pruning.
 */
final class StructuredMerge {
  private StructuredMerge() {}

  /** Merges {@code config} into {@code live}, which is changed; returns the merged value. */
  static JsonNode mergeInto(JsonNode live, JsonNode config, SchemaNode s) {
    if (config == null) {
      return live;
    }
    if (config.isNull()) {
      return null;
    }
    if (live == null || live.isNull()) {
      return JsonValues.dropNulls(config.deepCopy());
    }
    if (live.isObject() && config.isObject() && !s.atomicMap()) {
      ObjectNode out = (ObjectNode) live;
      config
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode merged = mergeInto(out.get(e.getKey()), e.getValue(), s.field(e.getKey()));
                if (merged == null) {
                  out.remove(e.getKey());
                } else {
                  out.set(e.getKey(), merged);
                }
              });
      return out;
    }
    if (live.isArray() && config.isArray() && s.listKind() != ListKind.ATOMIC) {
      return mergeList(live, config, s);
    }
    return JsonValues.dropNulls(config.deepCopy());
  }

  private static JsonNode mergeList(JsonNode lhs, JsonNode rhs, SchemaNode s) {
    ListKind kind = s.listKind();
    List<String> lt = new ArrayList<>();
    Map<String, JsonNode> left = new HashMap<>();
    Set<String> leftDuplicates = new HashSet<>();
    for (JsonNode item : lhs) {
      String t = PathTokens.item(item, s, kind);
      lt.add(t);
      if (left.putIfAbsent(t, item) != null) {
        leftDuplicates.add(t);
      }
    }
    List<String> rt = new ArrayList<>();
    Map<String, JsonNode> right = new HashMap<>();
    for (JsonNode item : rhs) {
      String t = PathTokens.item(item, s, kind);
      if (right.putIfAbsent(t, item) != null) {
        throw PathTokens.invalid("duplicate entries for key " + PathTokens.describe(t));
      }
      rt.add(t);
    }
    Deque<String> shared = new ArrayDeque<>();
    for (String t : rt) {
      if (left.containsKey(t)) {
        shared.add(t);
      }
    }
    String nextShared = shared.poll();
    Set<String> mergedRight = new HashSet<>();
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    int li = 0;
    int ri = 0;
    while (li < lt.size() || ri < rt.size()) {
      if (li < lt.size() && ri < rt.size()) {
        String t = lt.get(li);
        if (t.equals(rt.get(ri))) {
          mergedRight.add(t);
          add(out, mergeItem(left, leftDuplicates, t, right.get(t), s));
          li++;
          ri++;
          nextShared = shared.poll();
          continue;
        }
        if (right.containsKey(t) && nextShared != null && !nextShared.equals(t)) {
          li++;
          continue;
        }
      }
      if (li < lt.size()) {
        String t = lt.get(li);
        if (!right.containsKey(t)) {
          add(out, lhs.get(li));
          li++;
          continue;
        } else if (mergedRight.contains(t)) {
          li++;
        }
      }
      if (ri < rt.size()) {
        String t = rt.get(ri);
        mergedRight.add(t);
        add(out, mergeItem(left, leftDuplicates, t, right.get(t), s));
        ri++;
        if (t.equals(nextShared)) {
          nextShared = shared.poll();
        }
      }
    }
    return out;
  }

  private static JsonNode mergeItem(
      Map<String, JsonNode> left, Set<String> duplicates, String t, JsonNode right, SchemaNode s) {
    JsonNode l = duplicates.contains(t) ? null : left.get(t);
    return mergeInto(l, right, s.items());
  }

  private static void add(ArrayNode out, JsonNode item) {
    if (item != null) {
      out.add(item);
    }
  }

  /**
   * Removes the member paths of {@code remove} from {@code value} (changed in place); maps and
   * lists emptied by the removal go too. Returns false when {@code value} itself emptied.
   */
  static boolean removeItems(JsonNode value, FieldSet remove, SchemaNode s) {
    if (value instanceof ObjectNode && !s.atomicMap()) {
      ObjectNode o = (ObjectNode) value;
      if (o.isEmpty()) {
        return true;
      }
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String k : names) {
        FieldSet c = remove.child(FieldSet.field(k));
        if (c == null) {
          continue;
        }
        if (c.isMember() || !removeItems(o.get(k), c, s.field(k))) {
          o.remove(k);
        }
      }
      return !o.isEmpty();
    }
    if (value instanceof ArrayNode && s.listKind() != ListKind.ATOMIC) {
      ArrayNode a = (ArrayNode) value;
      if (a.isEmpty()) {
        return true;
      }
      ListKind kind = s.listKind();
      for (int i = a.size() - 1; i >= 0; i--) {
        FieldSet c = remove.child(PathTokens.item(a.get(i), s, kind));
        if (c != null && (c.isMember() || !removeItems(a.get(i), c, s.items()))) {
          a.remove(i);
        }
      }
      return !a.isEmpty();
    }
    return true;
  }

  /**
   * The paths a re-apply drops: paths the applier owned before ({@code last}) that nobody owns now
   * ({@code owned}, the new applied set included). As upstream, a struct field with owned paths
   * beneath counts as owned itself, and an unowned path goes with its whole subtree.
   */
  static FieldSet stalePaths(FieldSet last, FieldSet owned, SchemaNode s) {
    FieldSet out = new FieldSet();
    stale(last, owned, s, new ArrayList<>(), out);
    return out;
  }

  private static void stale(
      FieldSet last, FieldSet owned, SchemaNode s, List<String> path, FieldSet out) {
    for (String t : last.tokens()) {
      FieldSet lc = last.child(t);
      FieldSet oc = owned == null ? null : owned.child(t);
      boolean named = t.startsWith("f:") && s.declares(t.substring(2));
      boolean lastOwned = lc.isMember() || (named && !lc.isEmpty());
      boolean nowOwned = oc != null && (oc.isMember() || (named && !oc.isEmpty()));
      path.add(t);
      if (lastOwned && !nowOwned) {
        out.insert(path);
      } else {
        stale(lc, oc, t.startsWith("f:") ? s.field(t.substring(2)) : s.items(), path, out);
      }
      path.remove(path.size() - 1);
    }
  }
}
