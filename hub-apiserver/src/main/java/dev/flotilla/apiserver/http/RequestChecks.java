package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.registry.ResourceType;
import io.vertx.core.http.HttpServerRequest;

/**
 * Request-line checks kube-apiserver makes before any handler: a query string that decodes (a
 * malformed percent-escape is the client's 400, not a server error), booleans read as Go's {@code
 * strconv.ParseBool}, and subresources the resource has (anything else is 404).
 */
public final class RequestChecks {
  private RequestChecks() {}

  /** 400 when the query string has a malformed percent-escape; decoding it once is enough. */
  static ApiException undecodableQuery(HttpServerRequest http) {
    try {
      http.params();
      return null;
    } catch (IllegalArgumentException e) {
      return ApiException.badRequest(
          "the query string is not valid: "
              + e.getMessage()
              + " (escape '%' as %25 and encode reserved characters)");
    }
  }

  /**
   * A boolean query parameter as Go's {@code strconv.ParseBool} reads it: 1, t, T, TRUE, true, True
   * and 0, f, F, FALSE, false, False; absent is false, anything else 400.
   */
  public static boolean parseBool(String name, String value) {
    if (value == null) {
      return false;
    }
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default ->
          throw ApiException.badRequest(
              "invalid value for query parameter "
                  + name
                  + ": strconv.ParseBool: parsing \""
                  + value
                  + "\": invalid syntax (use true or false)");
    };
  }

  /** 404 as upstream when the path names a subresource {@code type} does not have. */
  static void requireKnownSubresource(RequestInfo info, ResourceType type) {
    String sub = info.subresource();
    if (sub != null && !type.hasSubresource(sub)) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }
  }
}
