package dev.flotilla.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.validation.ObjectLimits;
import dev.flotilla.policies.jsonpatch.JsonMergePatch;
import dev.flotilla.policies.jsonpatch.JsonPatch;
import dev.flotilla.policies.jsonpatch.JsonPatchException;
import java.io.IOException;

/**
 * Applies JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) with policies' {@link JsonPatch}
 * and {@link JsonMergePatch}, and strategic merge patch with {@link StrategicMergePatch} over the
 * kind's schema.
 */
public final class Patcher {
  private Patcher() {}

  /**
   * Applies the operations, refusing the patch as soon as the object is nested deeper than the
   * server reads: operations whose values are each shallow enough can still stack them ever deeper,
   * and every later step (and the library's own copies) recurses on the depth.
   */
  private static JsonNode applyJsonPatch(JsonNode ops, JsonNode target) {
    return JsonPatch.apply(
        target,
        ops,
        (i, op, current) -> {
          int depth = ObjectLimits.depth(current);
          if (depth > Json.MAX_NESTING) {
            throw new ApiException(
                422,
                "Invalid",
                "the json patch could not be applied: "
                    + JsonPatch.describe(i, op)
                    + " nests the object "
                    + depth
                    + " levels deep; the server reads at most "
                    + Json.MAX_NESTING
                    + " levels");
          }
        });
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
          patched = applyJsonPatch(Json.MAPPER.readTree(patch), target);
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
          patched = JsonMergePatch.apply(target, merge);
          break;
        default:
          throw new IllegalArgumentException("apply patches are handled by server-side apply");
      }
    } catch (IOException e) {
      throw ApiException.badRequest(
          "the patch is not valid JSON: " + e.getMessage().split("\n")[0]);
    } catch (JsonPatchException e) {
      throw failed(e);
    }
    if (!patched.isObject()) {
      throw new ApiException(
          422, "Invalid", "the patch replaced the whole object with a non-object");
    }
    return (ObjectNode) patched;
  }

  /** 400 for a malformed JSON patch, 422 for one that does not apply to the object. */
  public static ApiException failed(JsonPatchException e) {
    return e.malformed()
        ? ApiException.badRequest("the json patch is malformed: " + e.getMessage())
        : new ApiException(
            422, "Invalid", "the json patch could not be applied: " + e.getMessage());
  }
}
