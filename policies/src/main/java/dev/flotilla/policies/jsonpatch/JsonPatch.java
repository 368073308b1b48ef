package dev.flotilla.policies.jsonpatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import java.util.EnumSet;
import java.util.List;

/**
 * RFC 6902 JSON Patch: the one implementation in Flotilla. fabric8's zjsonpatch applies the
 * operations; this class checks their shape first, so a malformed patch is told apart from one that
 * does not apply, and words each failure with the index, op and path of the operation at fault.
 */
public final class JsonPatch {
  /** Told of the document after each operation; throws to stop the patch there. */
  @FunctionalInterface
  public interface Step {
    void applied(int index, JsonNode operation, JsonNode document);
  }

  private static final List<String> OPS =
      List.of("add", "remove", "replace", "move", "copy", "test");

  /**
   * Removing an absent member fails, as RFC 6902 (and kube-apiserver) say; the library allows it.
   */
  private static final EnumSet<CompatibilityFlags> FLAGS =
      EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

  private JsonPatch() {}

  /** The patched copy of {@code document}; {@code document} is not changed. */
  public static JsonNode apply(JsonNode document, JsonNode operations) {
    return apply(document, operations, (i, op, d) -> {});
  }

  /** As {@link #apply(JsonNode, JsonNode)}, with {@code step} told of every intermediate result. */
  public static JsonNode apply(JsonNode document, JsonNode operations, Step step) {
    if (operations == null || !operations.isArray()) {
      throw new JsonPatchException(true, "", "a JSON patch must be a JSON array of operations");
    }
    for (int i = 0; i < operations.size(); i++) {
      checkShape(i, operations.get(i));
    }
    JsonNode current = document;
    for (int i = 0; i < operations.size(); i++) {
      JsonNode operation = operations.get(i);
      current = applyOne(i, operation, current);
      step.applied(i, operation, current);
    }
    return current;
  }

  /** "operation 2 (remove /data/x)": how messages name an operation. */
  public static String describe(int index, JsonNode operation) {
    return "operation "
        + index
        + " ("
        + operation.path("op").asText()
        + " "
        + operation.path("path").asText()
        + ")";
  }

  private static JsonNode applyOne(int index, JsonNode operation, JsonNode document) {
    ArrayNode one = JsonNodeFactory.instance.arrayNode().add(operation);
    try {
      return io.fabric8.zjsonpatch.JsonPatch.apply(one, document, FLAGS);
    } catch (io.fabric8.zjsonpatch.JsonPatchException e) {
      String where = e.getPath() == null ? "" : " at " + pointerText(e.getPath().toString());
      throw new JsonPatchException(
          false, describe(index, operation), reason(operation, lowerFirst(e.getMessage()) + where));
    } catch (RuntimeException e) {
      // The library's pointer evaluation: a path token that is no index where it meets an array.
      throw new JsonPatchException(
          false,
          describe(index, operation),
          "no such path in the object (a token of the path is not an index into the array it"
              + " reaches)");
    }
  }

  private static String reason(JsonNode operation, String library) {
    if (operation.path("op").asText().equals("test") && library.startsWith("expected ")) {
      return "the value differs from expectations: " + library;
    }
    if (library.startsWith("missing field")
        || library.startsWith("array index")
        || library.contains("past scalar value")) {
      return "no such path in the object (" + library + ")";
    }
    return library;
  }

  private static void checkShape(int index, JsonNode operation) {
    String where = "operation " + index;
    if (!operation.isObject()) {
      throw new JsonPatchException(true, where, "each operation must be a JSON object");
    }
    JsonNode op = operation.get("op");
    if (op == null || !op.isTextual() || !OPS.contains(op.asText())) {
      throw new JsonPatchException(
          true,
          where,
          "\"op\" must be one of " + String.join(", ", OPS) + ", not " + String.valueOf(op));
    }
    where = where + " (" + op.asText() + ")";
    checkPointer(where, operation, "path");
    switch (op.asText()) {
      case "add", "replace", "test" -> {
        if (!operation.has("value")) {
          throw new JsonPatchException(true, where, "a " + op.asText() + " needs a \"value\"");
        }
      }
      case "move", "copy" -> checkPointer(where, operation, "from");
      default -> {}
    }
  }

  private static void checkPointer(String where, JsonNode operation, String field) {
    JsonNode pointer = operation.get(field);
    if (pointer == null || !pointer.isTextual()) {
      throw new JsonPatchException(
          true, where, "\"" + field + "\" must be a string holding a JSON pointer");
    }
    String text = pointer.asText();
    if (!text.isEmpty() && !text.startsWith("/")) {
      throw new JsonPatchException(
          true,
          where,
          "\"" + field + "\" " + pointerText(text) + " is not a JSON pointer: start it with \"/\"");
    }
    for (int i = text.indexOf('~'); i >= 0; i = text.indexOf('~', i + 1)) {
      if (i + 1 >= text.length() || (text.charAt(i + 1) != '0' && text.charAt(i + 1) != '1')) {
        throw new JsonPatchException(
            true,
            where,
            "\""
                + field
                + "\" "
                + pointerText(text)
                + " is not a JSON pointer: write \"~\" as \"~0\" and \"/\" as \"~1\"");
      }
    }
  }

  private static String pointerText(String pointer) {
    return pointer.isEmpty() ? "the root" : pointer;
  }

  private static String lowerFirst(String s) {
    return s == null || s.isEmpty()
        ? "failed"
        : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
