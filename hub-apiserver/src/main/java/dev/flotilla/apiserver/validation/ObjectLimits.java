package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last check before an object is stored, whatever wrote it (a create, an update, any patch, an
 * apply, a controller): it must be no deeper than the request parser reads ({@link
 * Json#MAX_NESTING}), or a client could not send it back, and its stored form must fit the store's
 * limit (etcd's default request limit, kept for every backend so that they behave alike). A JSON
 * patch can build an object deeper than any body the parser takes; these checks run on its result.
 */
public final class ObjectLimits {
  /** etcd's default {@code --max-request-bytes}, 1.5 MiB. */
  public static final int STORE_MAX_BYTES = 1536 * 1024;

  private ObjectLimits() {}

  /**
   * 422 when {@code obj} is nested too deeply, 413 when its stored form is too large; an update
   * whose old object already broke a limit (stored before it existed) is let through.
   *
   * @param old the stored object an update starts from, null on create
   */
  public static void check(ResourceType type, String name, JsonNode obj, JsonNode old) {
    int depth = depth(obj);
    if (depth > Json.MAX_NESTING && (old == null || depth(old) <= Json.MAX_NESTING)) {
      throw FieldError.toInvalid(
          type,
          name,
          java.util.List.of(
              FieldError.forbidden(
                  "",
                  "the object is nested "
                      + depth
                      + " levels deep; the server reads at most "
                      + Json.MAX_NESTING
                      + " levels, so it could not be read back")));
    }
    if (sizeBound(obj) <= STORE_MAX_BYTES) {
      return; // the common case, without serializing
    }
    int size = Json.write(obj).length;
    if (size > STORE_MAX_BYTES && (old == null || Json.write(old).length <= STORE_MAX_BYTES)) {
      throw new ApiException(
          413,
          "RequestEntityTooLarge",
          "etcdserver: request is too large: the stored form of "
              + type.groupResource()
              + " \""
              + name
              + "\" would be "
              + size
              + " bytes, over the store's limit of "
              + STORE_MAX_BYTES
              + " bytes; keep large data outside the API");
    }
  }

  /**
   * An upper bound of the serialized size: every character of a name or string escaped at worst six
   * bytes long, every other value and punctuation within 32 bytes.
   */
  static long sizeBound(JsonNode root) {
    long bound = 0;
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(root);
    while (!nodes.isEmpty()) {
      JsonNode n = nodes.pop();
      bound += 32;
      if (n.isTextual()) {
        bound += 6L * n.textValue().length();
      } else if (n.isObject()) {
        for (var e : n.properties()) {
          bound += 6L * e.getKey().length();
          nodes.push(e.getValue());
        }
      } else if (n.isArray()) {
        n.forEach(nodes::push);
      }
    }
    return bound;
  }

  /** Nesting depth as the JSON parser counts it (a scalar is 0, {@code {}} is 1); no recursion. */
  public static int depth(JsonNode root) {
    int max = 0;
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(0);
    while (!nodes.isEmpty()) {
      JsonNode n = nodes.pop();
      int d = depths.pop();
      if (n.isContainerNode()) {
        max = Math.max(max, d + 1);
        for (JsonNode child : n) {
          if (child.isContainerNode()) {
            nodes.push(child);
            depths.push(d + 1);
          }
        }
      }
    }
    return max;
  }
}
