package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.jsonpatch.JsonPatch;
import dev.flotilla.policies.jsonpatch.JsonPatchException;
import java.util.List;

/**
 * The JSON patches Karmada's overriders emit: add, remove and replace, applied by {@link
 * JsonPatch}, with Karmada's one extension to RFC 6902 (its json-patch library's): a negative array
 * index counts from the end. Those indexes are resolved against the document here, before the
 * operation goes to the library.
 */
final class OverridePatch {

  /** One operation; a missing value is JSON null. */
  record Operation(String op, String path, JsonNode value) {}

  private OverridePatch() {}

  /**
   * Applies the operations in order to {@code document} and returns the result (the root may be
   * replaced).
   */
  static JsonNode apply(JsonNode document, List<Operation> operations) {
    JsonNode root = document;
    for (Operation operation : operations) {
      root = apply(root, operation);
    }
    return root;
  }

  private static JsonNode apply(JsonNode root, Operation operation) {
    String op = operation.op();
    if (!"add".equals(op) && !"remove".equals(op) && !"replace".equals(op)) {
      throw new OverrideException("unsupported JSON patch operation \"" + op + "\"");
    }
    List<String> tokens = JsonPointer.parse(operation.path());
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("op", op);
    json.put("path", resolve(root, tokens, op, operation.path()));
    if (!op.equals("remove")) {
      json.set("value", operation.value() == null ? NullNode.getInstance() : operation.value());
    }
    try {
      return JsonPatch.apply(root, JsonNodeFactory.instance.arrayNode().add(json));
    } catch (JsonPatchException e) {
      throw new OverrideException(
          op + " operation on " + operation.path() + " does not apply: " + e.reason());
    }
  }

  /**
   * The pointer with every array index written as RFC 6902 reads it: negative ones counted from the
   * end of the array they address, as Karmada does ("-" still appends on add).
   */
  private static String resolve(JsonNode root, List<String> tokens, String op, String path) {
    StringBuilder pointer = new StringBuilder();
    JsonNode node = root;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      boolean last = i == tokens.size() - 1;
      if (node != null && node.isArray() && !(last && op.equals("add") && token.equals("-"))) {
        int index = index(token, path);
        if (index < 0) {
          index += node.size();
        }
        if (index < 0) {
          throw new OverrideException(
              op + " operation does not apply: index out of range at " + path);
        }
        token = Integer.toString(index);
      }
      pointer.append('/').append(JsonPointer.escape(token));
      node = node == null || last ? null : node.get(token);
    }
    return pointer.toString();
  }

  private static int index(String token, String path) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new OverrideException("\"" + token + "\" is not an array index in " + path);
    }
  }
}
