package dev.flotilla.apiserver.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.patch.Patcher;
import dev.flotilla.policies.jsonpatch.JsonMergePatch;
import dev.flotilla.policies.jsonpatch.JsonPatch;
import dev.flotilla.policies.jsonpatch.JsonPatchException;
import java.io.IOException;

/**
 * Patches a Scale. A Scale has no lists, so strategic merge and apply patches mean what a JSON
 * merge patch means; JSON patches apply as RFC 6902.
 */
final class ScalePatch {
  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE = "application/merge-patch+json";
  static final String STRATEGIC = "application/strategic-merge-patch+json";
  static final String APPLY = "application/apply-patch+yaml";

  private ScalePatch() {}

  /** 415 for content types that are not patches. */
  static void check(String contentType) {
    if (!contentType.equals(JSON_PATCH)
        && !contentType.equals(MERGE)
        && !contentType.equals(STRATEGIC)
        && !contentType.equals(APPLY)) {
      throw ApiException.unsupportedMediaType(contentType);
    }
  }

  static ObjectNode apply(String contentType, ObjectNode scale, byte[] patch) {
    JsonNode patched;
    try {
      if (contentType.equals(JSON_PATCH)) {
        patched = JsonPatch.apply(scale, Json.MAPPER.readTree(patch));
      } else {
        JsonNode merge =
            contentType.equals(APPLY) ? Json.parseObject(patch, true) : Json.MAPPER.readTree(patch);
        if (merge == null || !merge.isObject()) {
          throw ApiException.badRequest("a merge patch must be a JSON object");
        }
        ((ObjectNode) merge).remove("$patch");
        patched = JsonMergePatch.apply(scale, merge);
      }
    } catch (IOException e) {
      throw ApiException.badRequest(
          "the patch is not valid JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
    } catch (JsonPatchException e) {
      throw Patcher.failed(e);
    }
    if (!patched.isObject()) {
      throw new ApiException(422, "Invalid", "the patch replaced the Scale with a non-object");
    }
    return (ObjectNode) patched;
  }
}
