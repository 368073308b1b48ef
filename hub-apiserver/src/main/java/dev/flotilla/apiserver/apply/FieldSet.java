package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.patch.JsonValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths as a tree, in Kubernetes' FieldsV1 vocabulary: each path element is a token
 * {@code f:<field>}, {@code k:{"name":"x"}} (a map-list item by its keys), {@code v:<json>} (a set
 * item) or {@code i:<index>}; a node is a member when its own path is in the set ({@code ".": {}}
 * in FieldsV1 when it also has children).
 */
public final class FieldSet {
  /** FieldsV1 order: fields, then keys, then values, then indexes, each by content. */
  static final Comparator<String> ORDER =
      (a, b) -> {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
          return Integer.compare(ra, rb);
        }
        if (ra == 3) {
          return Integer.compare(
              Integer.parseInt(a.substring(2)), Integer.parseInt(b.substring(2)));
        }
        if (ra == 0) {
          return a.substring(2).compareTo(b.substring(2));
        }
        return compareValues(JsonValues.parse(a.substring(2)), JsonValues.parse(b.substring(2)));
      };

  /** Key field lists compare field by field (name, then value); numbers by value. */
  private static int compareValues(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    if (a.isObject() && b.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> ia = a.fields();
      Iterator<Map.Entry<String, JsonNode>> ib = b.fields();
      while (ia.hasNext() && ib.hasNext()) {
        Map.Entry<String, JsonNode> ea = ia.next();
        Map.Entry<String, JsonNode> eb = ib.next();
        int c = ea.getKey().compareTo(eb.getKey());
        if (c == 0) {
          c = compareValues(ea.getValue(), eb.getValue());
        }
        if (c != 0) {
          return c;
        }
      }
      return Boolean.compare(ia.hasNext(), ib.hasNext());
    }
    if (a.isTextual() && b.isTextual()) {
      return a.asText().compareTo(b.asText());
    }
    return JsonValues.canonical(a).compareTo(JsonValues.canonical(b));
  }

  private boolean member;
  private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

  private static int rank(String token) {
    switch (token.charAt(0)) {
      case 'f':
        return 0;
      case 'k':
        return 1;
      case 'v':
        return 2;
      default:
        return 3;
    }
  }

  /** The token of a field name. */
  public static String field(String name) {
    return "f:" + name;
  }

  /** True when no path at all is in the set. */
  public boolean isEmpty() {
    if (member) {
      return false;
    }
    for (FieldSet c : children.values()) {
      if (!c.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  public boolean isMember() {
    return member;
  }

  /** The subtree under {@code token}, or null. */
  public FieldSet child(String token) {
    return children.get(token);
  }

  /** Child tokens in FieldsV1 order. */
  public List<String> tokens() {
    return new ArrayList<>(children.keySet());
  }

  /** Adds one path (a list of tokens). */
  public FieldSet insert(List<String> path) {
    FieldSet node = this;
    for (String token : path) {
      node = node.children.computeIfAbsent(token, t -> new FieldSet());
    }
    if (node != this) {
      node.member = true;
    }
    return this;
  }

  public boolean has(List<String> path) {
    FieldSet node = this;
    for (String token : path) {
      node = node.children.get(token);
      if (node == null) {
        return false;
      }
    }
    return node != this && node.member;
  }

  public FieldSet copy() {
    return union(new FieldSet());
  }

  /** Every path in either set. */
  public FieldSet union(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member || other.member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      out.children.put(e.getKey(), e.getValue().union(o == null ? new FieldSet() : o));
    }
    for (Map.Entry<String, FieldSet> e : other.children.entrySet()) {
      if (!out.children.containsKey(e.getKey())) {
        out.children.put(e.getKey(), e.getValue().union(new FieldSet()));
      }
    }
    return out;
  }

  /** The paths of this set that are not in {@code other} (exact paths, not subtrees). */
  public FieldSet difference(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && !other.member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      FieldSet c = o == null ? e.getValue().copy() : e.getValue().difference(o);
      if (!c.isEmpty()) {
        out.children.put(e.getKey(), c);
      }
    }
    return out;
  }

  /** The paths of this set that are neither in {@code other} nor under one of its paths. */
  public FieldSet recursiveDifference(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      if (o != null && o.member) {
        continue;
      }
      FieldSet c = o == null ? e.getValue().copy() : e.getValue().recursiveDifference(o);
      if (!c.isEmpty()) {
        out.children.put(e.getKey(), c);
      }
    }
    return out;
  }

  /**
   * True when no path of {@code other} starts where one of this set's paths does: this set less
   * {@code other} is this set. A status write's changes ({@code f:status}) and the spec owners'
   * sets answer so, and then need no copy.
   */
  public boolean disjointAtTop(FieldSet other) {
    if (other.member) {
      return false;
    }
    for (String token : other.children.keySet()) {
      if (children.containsKey(token)) {
        return false;
      }
    }
    for (FieldSet c : children.values()) {
      if (c.isEmpty()) {
        return false; // a difference would drop it: not the same set as written
      }
    }
    return true;
  }

  /** The paths in both sets. */
  public FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && other.member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      if (o != null) {
        FieldSet c = e.getValue().intersection(o);
        if (!c.isEmpty()) {
          out.children.put(e.getKey(), c);
        }
      }
    }
    return out;
  }

  /** All member paths, parents before children, in FieldsV1 order. */
  public List<List<String>> paths() {
    List<List<String>> out = new ArrayList<>();
    collect(new ArrayList<>(), out);
    return out;
  }

  private void collect(List<String> prefix, List<List<String>> out) {
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      prefix.add(e.getKey());
      if (e.getValue().member) {
        out.add(List.copyOf(prefix));
      }
      e.getValue().collect(prefix, out);
      prefix.remove(prefix.size() - 1);
    }
  }

  /** The FieldsV1 object of this set. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet c = e.getValue();
      if (c.isEmpty()) {
        continue;
      }
      ObjectNode node = c.toJson();
      if (c.member && node.size() > 0) {
        ObjectNode withSelf = JsonNodeFactory.instance.objectNode();
        withSelf.putObject(".");
        withSelf.setAll(node);
        node = withSelf;
      }
      out.set(e.getKey(), node);
    }
    return out;
  }

  /** Parses FieldsV1; IllegalArgumentException when it is not FieldsV1. */
  public static FieldSet fromJson(JsonNode fields) {
    FieldSet out = new FieldSet();
    read(fields, out);
    return out;
  }

  private static void read(JsonNode json, FieldSet into) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("FieldsV1 nodes must be objects");
    }
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String token = e.getKey();
      if (token.equals(".")) {
        into.member = true;
        continue;
      }
      if (token.length() < 2 || token.charAt(1) != ':' || "fkvi".indexOf(token.charAt(0)) < 0) {
        throw new IllegalArgumentException("unknown FieldsV1 path element \"" + token + "\"");
      }
      FieldSet child = into.children.computeIfAbsent(normalize(token), t -> new FieldSet());
      if (e.getValue().isObject() && e.getValue().isEmpty()) {
        child.member = true;
      } else {
        read(e.getValue(), child);
      }
    }
  }

  /** Re-encodes k: and v: tokens canonically so that equal values compare equal. */
  private static String normalize(String token) {
    char t = token.charAt(0);
    if (t != 'k' && t != 'v') {
      return token;
    }
    JsonNode parsed = JsonValues.parse(token.substring(2));
    if (parsed == null || (t == 'k' && !parsed.isObject())) {
      throw new IllegalArgumentException("malformed FieldsV1 path element \"" + token + "\"");
    }
    if (t == 'v') {
      return "v:" + JsonValues.canonical(parsed);
    }
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    parsed.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
    return PathTokens.key(sorted);
  }

  /** A path as conflict messages print it, e.g. {@code .spec.containers[name="app"].image}. */
  public static String describe(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String token : path) {
      sb.append(PathTokens.describe(token));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
