package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatch;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.mergepatch.JsonMergePatch;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import java.io.IOException;

/**
 * Applies JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) with the json-patch library, and
 * strategic merge patch with {@link StrategicMergePatch} over the kind's schema.
 */
public final class Patcher {
  private Patcher() {}

  /** Names the JSON patch operations, so a failed "test" says so. */
  private static String operations(PatchType type, byte[] patch) {
    if (type != PatchType.JSON) {
      return "";
    }
    try {
      java.util.List<String> ops = new java.util.ArrayList<>();
      Json.MAPPER
          .readTree(patch)
          .forEach(op -> ops.add(op.path("op").asText() + " " + op.path("path").asText()));
      return " (operations: " + String.join(", ", ops) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Applies the operations one at a time, refusing the patch as soon as the object is nested deeper
   * than the server reads: operations whose values are each shallow enough can still stack them
   * ever deeper, and every later step (and the library's own copies) recurses on the depth.
   */
  private static JsonNode applyJsonPatch(
      com.fasterxml.jackson.databind.node.ArrayNode ops, JsonNode target)
      throws IOException, JsonPatchException {
    JsonNode current = target;
    for (int i = 0; i < ops.size(); i++) {
      com.fasterxml.jackson.databind.node.ArrayNode one = Json.MAPPER.createArrayNode();
      one.add(ops.get(i));
      current = JsonPatch.fromJson(one).apply(current);
      int depth = dev.flotilla.apiserver.validation.ObjectLimits.depth(current);
      if (depth > Json.MAX_NESTING) {
        throw new ApiException(
            422,
            "Invalid",
            "the json patch could not be applied: operation "
                + i
                + " ("
                + ops.get(i).path("op").asText()
                + " "
                + ops.get(i).path("path").asText()
                + ") nests the object "
                + depth
                + " levels deep; the server reads at most "
                + Json.MAX_NESTING
                + " levels");
      }
    }
    return current;
  }

  /** The patched copy of {@code target}; 422/400 for patches that do not apply. */
  public static ObjectNode apply(PatchType type, ObjectNode target, byte[] patch) {
    return apply(type, target, patch, SchemaNode.UNTYPED);
  }

  /**
   * The patched copy of {@code target}, strategic merge patches following {@code schema} (merge
   * keys and strategies); 422/400 for patches that do not apply.
   */
  public static ObjectNode apply(
      PatchType type, ObjectNode target, byte[] patch, SchemaNode schema) {
    JsonNode patched;
    try {
      switch (type) {
        case JSON:
          JsonNode ops = Json.MAPPER.readTree(patch);
          if (ops == null || !ops.isArray()) {
            throw ApiException.badRequest("a JSON patch must be a JSON array of operations");
          }
          patched = applyJsonPatch((com.fasterxml.jackson.databind.node.ArrayNode) ops, target);
          break;
        case STRATEGIC:
          JsonNode strategic = Json.MAPPER.readTree(patch);
          if (strategic == null || !strategic.isObject()) {
            throw ApiException.badRequest("a strategic merge patch must be a JSON object");
          }
          patched = StrategicMergePatch.apply(target, (ObjectNode) strategic, schema);
          break;
        case MERGE:
          JsonNode merge = Json.MAPPER.readTree(patch);
          if (merge == null || !merge.isObject()) {
            throw ApiException.badRequest("a merge patch must be a JSON object");
          }
          patched = JsonMergePatch.fromJson(merge).apply(target);
          break;
        default:
          throw new IllegalArgumentException("apply patches are handled by server-side apply");
      }
    } catch (IOException e) {
      throw ApiException.badRequest(
          "the patch is not valid JSON: " + e.getMessage().split("\n")[0]);
    } catch (JsonPatchException e) {
      throw new ApiException(
          422,
          "Invalid",
          "the "
              + type.name().toLowerCase()
              + " patch could not be"
              + " applied"
              + operations(type, patch)
              + ": "
              + e.getMessage());
    }
    if (!patched.isObject()) {
      throw new ApiException(
          422, "Invalid", "the patch replaced the whole object with a non-object");
    }
    return (ObjectNode) patched;
  }
}
