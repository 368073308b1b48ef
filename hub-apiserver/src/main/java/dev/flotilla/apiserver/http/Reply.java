package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.Json;

/**
 * A finished response: HTTP status, content type and body bytes.
 *
 * @param warnings values for {@code Warning: 299 - "..."} headers kubectl prints
 */
public record Reply(int status, String contentType, byte[] body, java.util.List<String> warnings) {
  public static final String JSON = "application/json";

  public static Reply json(int status, JsonNode node) {
    return new Reply(status, JSON, Json.write(node), java.util.List.of());
  }

  public static Reply json(int status, byte[] body) {
    return new Reply(status, JSON, body, java.util.List.of());
  }
}
