package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.SchemaNode.ListKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field sets of values under a schema (structured-merge-diff's {@code ToFieldSet} and {@code
 * Compare}): leaves, list items and atomic values are paths; granular maps and set/map-type lists
 * are walked into.
 */
final class Typed {
  private Typed() {}

  /** What changed between two objects. */
  record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    FieldSet changed() {
      return added.union(modified);
    }

    Comparison without(FieldSet ignored) {
      return new Comparison(
          added.recursiveDifference(ignored),
          modified.recursiveDifference(ignored),
          removed.recursiveDifference(ignored));
    }
  }

  /** Every path {@code value} sets: what an applier of it owns. */
  static FieldSet toFieldSet(JsonNode value, SchemaNode schema) {
    FieldSet out = new FieldSet();
    walk(value, schema, new ArrayList<>(), out);
    return out;
  }

  private static void walk(JsonNode v, SchemaNode s, List<String> path, FieldSet out) {
    if (v.isObject()) {
      if (s.atomicMap()) {
        out.insert(path);
        return;
      }
      v.fields()
          .forEachRemaining(
              e -> {
                path.add(FieldSet.field(e.getKey()));
                JsonNode child = e.getValue();
                walk(child, s.field(e.getKey()), path, out);
                if (child.isNull()
                    || (child.isObject() && child.isEmpty())
                    || !s.declares(e.getKey())) {
                  out.insert(path);
                }
                path.remove(path.size() - 1);
              });
    } else if (v.isArray()) {
      ListKind kind = s.listKind();
      if (kind == ListKind.ATOMIC) {
        out.insert(path);
        return;
      }
      Set<String> seen = new HashSet<>();
      Set<String> duplicates = new HashSet<>();
      List<String> tokens = new ArrayList<>();
      for (JsonNode item : v) {
        String t = PathTokens.item(item, s, kind);
        tokens.add(t);
        if (!seen.add(t)) {
          duplicates.add(t);
        }
      }
      for (int i = 0; i < v.size(); i++) {
        path.add(tokens.get(i));
        if (!duplicates.contains(tokens.get(i))) {
          walk(v.get(i), s.items(), path, out);
        }
        out.insert(path);
        path.remove(path.size() - 1);
      }
    } else {
      out.insert(path);
    }
  }

  /** The paths added, modified and removed going from {@code lhs} to {@code rhs}. */
  static Comparison compare(JsonNode lhs, JsonNode rhs, SchemaNode schema) {
    Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
    compare(present(lhs), present(rhs), schema, new ArrayList<>(), c);
    return c;
  }

  private static JsonNode present(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : n;
  }

  private static void compare(
      JsonNode l, JsonNode r, SchemaNode s, List<String> path, Comparison c) {
    if (l == null && r == null) {
      return;
    }
    if (l != null && l.equals(r)) {
      return; // equal trees differ nowhere: no need to walk them path by path
    }
    JsonNode shape = r != null ? r : l;
    boolean sameShape = l == null || r == null || l.getNodeType() == r.getNodeType();
    if (!sameShape || !(shape.isObject() || shape.isArray())) {
      leaf(l, r, path, c);
      return;
    }
    boolean empty = (l == null || l.isEmpty()) && (r == null || r.isEmpty());
    if (shape.isObject()) {
      if (s.atomicMap() || empty) {
        leaf(l, r, path, c);
        return;
      }
      Set<String> keys = new TreeSet<>();
      if (l != null) {
        l.fieldNames().forEachRemaining(keys::add);
      }
      if (r != null) {
        r.fieldNames().forEachRemaining(keys::add);
      }
      for (String k : keys) {
        path.add(FieldSet.field(k));
        compare(
            l == null ? null : present(l.get(k)),
            r == null ? null : present(r.get(k)),
            s.field(k),
            path,
            c);
        path.remove(path.size() - 1);
      }
    } else {
      ListKind kind = s.listKind();
      if (kind == ListKind.ATOMIC || empty) {
        leaf(l, r, path, c);
        return;
      }
      compareItems(l, r, s, kind, path, c);
    }
    if (l == null) {
      c.added().insert(path);
    } else if (r == null) {
      c.removed().insert(path);
    }
  }

  private static void compareItems(
      JsonNode l, JsonNode r, SchemaNode s, ListKind kind, List<String> path, Comparison c) {
    Map<String, List<JsonNode>> left = byToken(l, s, kind);
    Map<String, List<JsonNode>> right = byToken(r, s, kind);
    List<String> all = new ArrayList<>(left.keySet());
    right
        .keySet()
        .forEach(
            t -> {
              if (!left.containsKey(t)) {
                all.add(t);
              }
            });
    for (String t : all) {
      List<JsonNode> ll = left.getOrDefault(t, List.of());
      List<JsonNode> rl = right.getOrDefault(t, List.of());
      path.add(t);
      if (ll.size() <= 1 && rl.size() <= 1) {
        compare(
            ll.isEmpty() ? null : ll.get(0), rl.isEmpty() ? null : rl.get(0), s.items(), path, c);
      } else if (ll.size() >= 2 && rl.size() >= 2) {
        if (!sameList(ll, rl)) {
          c.modified().insert(path);
        }
      } else if (ll.size() >= 2) {
        if (!rl.isEmpty()) {
          compare(null, rl.get(0), s.items(), path, c);
        }
        c.removed().insert(path);
      } else {
        if (!ll.isEmpty()) {
          compare(ll.get(0), null, s.items(), path, c);
        }
        c.added().insert(path);
      }
      path.remove(path.size() - 1);
    }
  }

  private static void leaf(JsonNode l, JsonNode r, List<String> path, Comparison c) {
    if (l == null) {
      c.added().insert(path);
    } else if (r == null) {
      c.removed().insert(path);
    } else if (!JsonValues.same(l, r)) {
      c.modified().insert(path);
    }
  }

  private static Map<String, List<JsonNode>> byToken(JsonNode list, SchemaNode s, ListKind kind) {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    if (list != null) {
      for (JsonNode item : list) {
        out.computeIfAbsent(PathTokens.item(item, s, kind), t -> new ArrayList<>()).add(item);
      }
    }
    return out;
  }

  private static boolean sameList(List<JsonNode> a, List<JsonNode> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!JsonValues.same(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
