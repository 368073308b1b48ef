package dev.flotilla.policies.jsonpatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 7386 JSON Merge Patch: members of the patch replace the target's, null removes one, objects
 * merge recursively, anything else (arrays included) replaces whole. The RFC's algorithm is a few
 * lines and no maintained Jackson library offers it alone, so it is written out here.
 */
public final class JsonMergePatch {
  private JsonMergePatch() {}

  /** The merged copy of {@code target}; neither argument is changed. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    mergeInto(result, (ObjectNode) patch);
    return result;
  }

  private static void mergeInto(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      String name = member.getKey();
      JsonNode value = member.getValue();
      if (value.isNull()) {
        target.remove(name);
      } else if (value.isObject()) {
        JsonNode existing = target.get(name);
        ObjectNode child =
            existing != null && existing.isObject()
                ? (ObjectNode) existing
                : target.putObject(name);
        mergeInto(child, (ObjectNode) value);
      } else {
        target.set(name, value.deepCopy());
      }
    }
  }
}
