package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code labelsOverrider} and {@code annotationsOverrider}: add (or overwrite) keys, replace
 * existing keys only, remove existing keys only.
 */
final class LabelAnnotationOverrider {

  private LabelAnnotationOverrider() {}

  /**
   * @param field "labels" or "annotations" under metadata
   */
  static JsonNode apply(JsonNode object, JsonNode overrider, String field) {
    if (!(object instanceof ObjectNode root)) {
      throw new OverrideException("the resource template is not a JSON object");
    }
    String operator = Nodes.text(overrider, "operator");
    for (Iterator<Map.Entry<String, JsonNode>> it = Nodes.at(overrider, "value").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode existing = Nodes.at(root, "metadata", field);
      boolean has = existing.isObject() && existing.has(entry.getKey());
      switch (operator) {
        case "add" -> map(root, field).put(entry.getKey(), entry.getValue().asText());
        case "replace" -> {
          if (has) {
            map(root, field).put(entry.getKey(), entry.getValue().asText());
          }
        }
        case "remove" -> {
          if (has) {
            map(root, field).remove(entry.getKey());
          }
        }
        default ->
            throw new OverrideException("unsupported " + field + " operator \"" + operator + "\"");
      }
    }
    return root;
  }

  private static ObjectNode map(ObjectNode root, String field) {
    JsonNode metadata = root.path("metadata");
    ObjectNode meta = metadata instanceof ObjectNode m ? m : root.putObject("metadata");
    JsonNode existing = meta.path(field);
    return existing instanceof ObjectNode o ? o : meta.putObject(field);
  }
}
