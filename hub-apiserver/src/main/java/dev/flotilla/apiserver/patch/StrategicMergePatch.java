package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strategic merge patch as kube-apiserver applies it (apimachinery {@code strategicpatch}, server
 * mode: parallel lists merged, unmatched nulls ignored), driven by the kind's OpenAPI schema: maps
 * merge recursively, lists with patch strategy "merge" merge by their merge key (or as a union of
 * primitives), other lists are replaced, {@code null} deletes, and the directives {@code $patch},
 * {@code $retainKeys}, {@code $setElementOrder/<field>} and {@code
 * $deleteFromPrimitiveList/<field>} are honoured.
 */
public final class StrategicMergePatch {
  static final String DIRECTIVE = "$patch";
  static final String RETAIN_KEYS = "$retainKeys";
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
  static final String SET_ELEMENT_ORDER = "$setElementOrder";

  private StrategicMergePatch() {}

  /** The result of applying {@code patch} to {@code original}; neither argument is modified. */
  public static ObjectNode apply(ObjectNode original, ObjectNode patch, SchemaNode schema) {
    return mergeMap(original.deepCopy(), patch.deepCopy(), schema);
  }

  /** Merges {@code patch} into {@code original} (both owned by the caller and changed). */
  static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, SchemaNode schema) {
    JsonNode directive = patch.get(DIRECTIVE);
    if (directive != null) {
      if ("replace".equals(directive.asText())) {
        patch.remove(DIRECTIVE);
        return (ObjectNode) clean(patch);
      }
      if ("delete".equals(directive.asText())) {
        return JsonNodeFactory.instance.objectNode();
      }
      throw badPatch("unknown patch type: " + directive + " in map: " + patch);
    }
    ObjectNode target = original == null ? JsonNodeFactory.instance.objectNode() : original;
    applyRetainKeys(target, patch);
    StrategicLists.mergeElementOrders(target, patch, schema);
    List<String> keys = new ArrayList<>();
    patch.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      JsonNode patchValue = patch.get(key);
      boolean deleteList = key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
      String k =
          deleteList
              ? suffix(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list")
              : key;
      if (patchValue.isNull()) {
        target.remove(k);
        continue;
      }
      JsonNode current = target.get(k);
      if (current == null || !JsonValues.kind(current).equals(JsonValues.kind(patchValue))) {
        if (!deleteList) {
          put(target, k, patchValue);
        }
        continue;
      }
      SchemaNode field = schema.field(k);
      if (current.isObject()) {
        target.set(
            k,
            field.patchStrategy().equals("replace")
                ? clean(patchValue)
                : mergeMap((ObjectNode) current, (ObjectNode) patchValue, field));
      } else if (current.isArray()) {
        target.set(
            k, mergeListField((ArrayNode) current, (ArrayNode) patchValue, field, deleteList));
      } else {
        put(target, k, patchValue);
      }
    }
    return target;
  }

  /** A list field: merged when its strategy is "merge" (or for a deletion list), else replaced. */
  static ArrayNode mergeListField(
      ArrayNode current, ArrayNode patch, SchemaNode field, boolean deleteList) {
    if (field.patchStrategy().equals("merge") || deleteList) {
      return StrategicLists.merge(current, patch, field.items(), field.patchMergeKey(), deleteList);
    }
    return (ArrayNode) clean(patch);
  }

  /**
   * {@code $retainKeys}: keys of the original not listed are cleared; the patch must stay inside.
   */
  private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retain = patch.remove(RETAIN_KEYS);
    if (retain == null) {
      return;
    }
    if (!retain.isArray()) {
      throw badRequest("invalid patch format of retainKeys");
    }
    Set<String> keep = new HashSet<>();
    retain.forEach(
        k -> {
          if (k.isTextual()) {
            keep.add(k.asText());
          }
        });
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (e.getValue().isNull()
          || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)
          || k.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      if (!keep.contains(k)) {
        throw badRequest(
            "invalid patch format of retainKeys: field \""
                + k
                + "\" is in the patch but not in its $retainKeys list "
                + retain);
      }
    }
    List<String> drop = new ArrayList<>();
    original
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!keep.contains(k)) {
                drop.add(k);
              }
            });
    drop.forEach(original::remove);
  }

  /** Sets a value taken from the patch as it is: nulls and directives dropped. */
  private static void put(ObjectNode target, String key, JsonNode patchValue) {
    JsonNode cleaned = clean(patchValue);
    if (cleaned == null) {
      target.remove(key);
    } else {
      target.set(key, cleaned);
    }
  }

  /**
   * A patch value as a plain value: maps carrying {@code $patch} vanish, other directive keys and
   * nulls are dropped (as decoding into the typed object drops them upstream).
   */
  static JsonNode clean(JsonNode value) {
    if (value instanceof ObjectNode) {
      ObjectNode o = (ObjectNode) value;
      if (o.has(DIRECTIVE)) {
        return null;
      }
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().startsWith("$") || e.getValue().isNull()) {
          it.remove();
          continue;
        }
        JsonNode c = clean(e.getValue());
        if (c == null) {
          it.remove();
        } else {
          e.setValue(c);
        }
      }
      return o;
    }
    if (value instanceof ArrayNode) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : value) {
        JsonNode c = clean(item);
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    }
    return value;
  }

  /** The field a {@code $directive/<field>} key names. */
  static String suffix(String key, String prefix, String error) {
    int slash = key.indexOf('/');
    if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
      throw badRequest(error);
    }
    return key.substring(slash + 1);
  }

  static ApiException badRequest(String message) {
    return ApiException.badRequest("strategic merge patch: " + message);
  }

  static ApiException badPatch(String message) {
    return new ApiException(
        422, "Invalid", "strategic merge patch could not be applied: " + message);
  }
}
