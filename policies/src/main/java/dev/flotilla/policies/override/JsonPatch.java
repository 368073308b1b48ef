package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The add / remove / replace operations of RFC 6902, which are all Karmada's overriders emit. As
 * with Karmada's json-patch library, add needs the parent to exist, remove and replace need the
 * target to exist, and negative array indexes count from the end.
 */
final class JsonPatch {

  /** One operation; a missing value is JSON null. */
  record Operation(String op, String path, JsonNode value) {}

  private JsonPatch() {}

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
    List<String> tokens = JsonPointer.parse(operation.path());
    JsonNode value =
        operation.value() == null ? NullNode.getInstance() : operation.value().deepCopy();
    String op = operation.op();
    if (!op.equals("add") && !op.equals("remove") && !op.equals("replace")) {
      throw new OverrideException("unsupported JSON patch operation \"" + op + "\"");
    }
    if (tokens.isEmpty()) {
      if (op.equals("remove")) {
        throw new OverrideException("cannot remove the whole document");
      }
      return value;
    }
    JsonNode parent = root;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, token, operation.path());
    }
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof ObjectNode object) {
      if (!op.equals("add") && !object.has(last)) {
        throw new OverrideException(
            op + " operation does not apply: doc is missing key " + operation.path());
      }
      if (op.equals("remove")) {
        object.remove(last);
      } else {
        object.set(last, value);
      }
    } else if (parent instanceof ArrayNode array) {
      patchArray(array, last, op, value, operation.path());
    } else {
      throw new OverrideException(
          op
              + " operation does not apply: parent of "
              + operation.path()
              + " is not an object or array");
    }
    return root;
  }

  private static void patchArray(
      ArrayNode array, String token, String op, JsonNode value, String path) {
    if (op.equals("add") && token.equals("-")) {
      array.add(value);
      return;
    }
    int index = index(token, path);
    int size = array.size();
    int limit = op.equals("add") ? size : size - 1;
    if (index < 0) {
      index += size;
    }
    if (index < 0 || index > limit) {
      throw new OverrideException(op + " operation does not apply: index out of range at " + path);
    }
    switch (op) {
      case "add" -> array.insert(index, value);
      case "remove" -> array.remove(index);
      default -> array.set(index, value);
    }
  }

  private static JsonNode child(JsonNode parent, String token, String path) {
    JsonNode next = null;
    if (parent instanceof ObjectNode object) {
      next = object.get(token);
    } else if (parent instanceof ArrayNode array) {
      int index = index(token, path);
      next = array.get(index < 0 ? index + array.size() : index);
    }
    if (next == null || !next.isContainerNode()) {
      throw new OverrideException("path " + path + " does not exist in the object");
    }
    return next;
  }

  private static int index(String token, String path) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new OverrideException("\"" + token + "\" is not an array index in " + path);
    }
  }
}
