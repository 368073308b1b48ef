package dev.flotilla.policies.override;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fieldOverrider}: patches a document embedded as a string (a ConfigMap's JSON or YAML file)
 * at {@code fieldPath}, then writes it back as a string. JSON comes back compact; YAML comes back
 * with sorted keys, as Karmada's yaml round trip produces.
 */
final class FieldOverrider {

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private FieldOverrider() {}

  static JsonNode apply(JsonNode object, JsonNode overrider) {
    String fieldPath = Nodes.text(overrider, "fieldPath");
    JsonNode current = object;
    for (String token : JsonPointer.parse(fieldPath)) {
      current = current.isArray() ? current.path(index(token)) : current.path(token);
    }
    if (current.isMissingNode()) {
      throw new OverrideException(
          "Get value by overrider's path(" + fieldPath + ") err: not found");
    }
    if (!current.isTextual()) {
      throw new OverrideException(
          "Get object's value by overrider's path(" + fieldPath + ") is not string");
    }
    List<JsonNode> yamlOps = Nodes.list(overrider, "yaml");
    List<JsonNode> jsonOps = Nodes.list(overrider, "json");
    String patched;
    try {
      if (!yamlOps.isEmpty()) {
        JsonNode document =
            OverridePatch.apply(YAML.readTree(current.asText()), operations(yamlOps));
        patched = YAML.writeValueAsString(YAML.treeToValue(document, Object.class));
      } else if (!jsonOps.isEmpty()) {
        JsonNode document =
            OverridePatch.apply(Nodes.MAPPER.readTree(current.asText()), operations(jsonOps));
        patched = Nodes.MAPPER.writeValueAsString(document);
      } else {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw new OverrideException(
          "the value at "
              + fieldPath
              + " is not valid "
              + (yamlOps.isEmpty() ? "JSON" : "YAML")
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    List<OverridePatch.Operation> set =
        List.of(
            new OverridePatch.Operation(
                "replace", fieldPath, Nodes.MAPPER.getNodeFactory().textNode(patched)));
    return OverridePatch.apply(object, set);
  }

  private static List<OverridePatch.Operation> operations(List<JsonNode> ops) {
    List<OverridePatch.Operation> out = new ArrayList<>();
    for (JsonNode op : ops) {
      out.add(
          new OverridePatch.Operation(
              Nodes.text(op, "operator"), Nodes.text(op, "subPath"), op.get("value")));
    }
    return out;
  }

  private static int index(String token) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
