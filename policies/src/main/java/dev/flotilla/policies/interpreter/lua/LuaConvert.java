package dev.flotilla.policies.interpreter.lua;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * JSON to Lua and back, with the behaviour of Karmada's luavm (gopher-json plus its empty-field
 * repair): objects become string-keyed tables, arrays 1-based sequences, null is nil (the field
 * vanishes). Back again, an empty table is ambiguous; it becomes {} or [] as the same path was in
 * the reference objects (the script's inputs), and is dropped when no reference had it.
 */
public final class LuaConvert {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private LuaConvert() {}

  /** A JSON value as a Lua value; null and missing become nil. */
  public static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable t = new LuaTable(0, node.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        LuaValue v = toLua(e.getValue());
        if (!v.isnil()) {
          t.rawset(e.getKey(), v);
        }
      }
      return t;
    }
    if (node.isArray()) {
      LuaTable t = new LuaTable(node.size(), 0);
      int i = 1;
      for (JsonNode item : node) {
        // A null element leaves a hole, as gopher-lua's Append of nil does not advance.
        LuaValue v = toLua(item);
        if (!v.isnil()) {
          t.rawset(i++, v);
        }
      }
      return t;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return LuaValue.valueOf(node.intValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }

  /**
   * A Lua result as JSON, the empty tables repaired against {@code references}.
   *
   * @param structRoot whether the result is an object type (an empty root table is then {})
   */
  public static JsonNode toJson(LuaValue value, boolean structRoot, JsonNode... references) {
    JsonNode encoded = encode(value, new IdentityHashMap<>());
    if (encoded.isArray() && encoded.isEmpty()) {
      return structRoot ? F.objectNode() : F.arrayNode();
    }
    Set<String> emptySlices = new HashSet<>();
    Set<String> emptyStructs = new HashSet<>();
    for (JsonNode reference : references) {
      if (reference != null) {
        findEmpty(reference, "", emptySlices, emptyStructs);
      }
    }
    repair(encoded, "", emptySlices, emptyStructs);
    return encoded;
  }

  /** Args for a script function: each JSON value converted. */
  public static Varargs args(List<LuaValue> values) {
    return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
  }

  private static JsonNode encode(LuaValue value, IdentityHashMap<LuaTable, Boolean> visiting) {
    switch (value.type()) {
      case LuaValue.TNIL:
        return F.nullNode();
      case LuaValue.TBOOLEAN:
        return F.booleanNode(value.toboolean());
      case LuaValue.TNUMBER:
        return number(value.todouble());
      case LuaValue.TSTRING:
        return F.textNode(value.tojstring());
      case LuaValue.TTABLE:
        return table((LuaTable) value, visiting);
      default:
        throw new ScriptException("cannot encode " + value.typename() + " to JSON");
    }
  }

  private static JsonNode number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ScriptException("cannot encode number " + d + " to JSON");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e18) {
      long l = (long) d;
      return l == (int) l ? F.numberNode((int) l) : F.numberNode(l);
    }
    return F.numberNode(d);
  }

  private static JsonNode table(LuaTable t, IdentityHashMap<LuaTable, Boolean> visiting) {
    if (visiting.put(t, Boolean.TRUE) != null) {
      throw new ScriptException("cannot encode recursively nested tables to JSON");
    }
    try {
      List<LuaValue> keys = new ArrayList<>();
      for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
        keys.add(k);
      }
      if (keys.isEmpty()) {
        return F.arrayNode();
      }
      boolean strings = keys.stream().allMatch(k -> k.type() == LuaValue.TSTRING);
      if (strings) {
        ObjectNode o = F.objectNode();
        for (LuaValue k : keys) {
          o.set(k.tojstring(), encode(t.rawget(k), visiting));
        }
        return o;
      }
      if (!keys.stream().allMatch(k -> k.type() == LuaValue.TNUMBER)) {
        throw new ScriptException("cannot encode mixed or invalid key types to JSON");
      }
      int n = keys.size();
      for (int i = 1; i <= n; i++) {
        if (t.rawget(i).isnil()) {
          throw new ScriptException("cannot encode sparse array to JSON");
        }
      }
      ArrayNode a = F.arrayNode(n);
      for (int i = 1; i <= n; i++) {
        a.add(encode(t.rawget(i), visiting));
      }
      return a;
    } finally {
      visiting.remove(t);
    }
  }

  /**
   * Paths (array indices left out, as Karmada's) of the empty arrays and objects in a reference.
   */
  private static void findEmpty(
      JsonNode node, String path, Set<String> emptySlices, Set<String> emptyStructs) {
    boolean array = node.isArray();
    for (Iterator<Map.Entry<String, JsonNode>> it = entries(node); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String child = array ? path : join(path, e.getKey());
      JsonNode v = e.getValue();
      if (v.isArray() && v.isEmpty()) {
        emptySlices.add(child);
      } else if (v.isObject() && v.isEmpty()) {
        emptyStructs.add(child);
      } else if (v.isContainerNode()) {
        findEmpty(v, child, emptySlices, emptyStructs);
      }
    }
  }

  /** Empty arrays that were objects in a reference become {}; those no reference had go. */
  private static void repair(
      JsonNode node, String path, Set<String> emptySlices, Set<String> emptyStructs) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (String key : iterable(o.fieldNames())) {
        JsonNode v = o.get(key);
        String child = join(path, key);
        if (v.isArray() && v.isEmpty()) {
          if (emptyStructs.contains(child)) {
            o.putObject(key);
          } else if (!emptySlices.contains(child)) {
            o.remove(key);
          }
        } else if (v.isContainerNode()) {
          repair(v, child, emptySlices, emptyStructs);
        }
      }
    } else if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = a.size() - 1; i >= 0; i--) {
        JsonNode v = a.get(i);
        if (v.isArray() && v.isEmpty()) {
          if (emptyStructs.contains(path)) {
            a.set(i, F.objectNode());
          } else if (!emptySlices.contains(path)) {
            a.remove(i);
          }
        } else if (v.isContainerNode()) {
          repair(v, path, emptySlices, emptyStructs);
        }
      }
    }
  }

  private static Iterator<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    if (node.isObject()) {
      return node.fields();
    }
    List<Map.Entry<String, JsonNode>> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      items.add(Map.entry(Integer.toString(i), node.get(i)));
    }
    return items.iterator();
  }

  private static Iterable<String> iterable(Iterator<String> names) {
    List<String> copy = new ArrayList<>();
    names.forEachRemaining(copy::add);
    return copy;
  }

  private static String join(String path, String key) {
    String escaped = key.replace(".", "\\.").replace(":", "\\:");
    return path.isEmpty() ? escaped : path + "." + escaped;
  }
}
