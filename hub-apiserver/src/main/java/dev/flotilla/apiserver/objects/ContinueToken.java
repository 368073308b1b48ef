package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * List continuation tokens in kube-apiserver's shape: base64url of {@code
 * {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the list prefix>"}}.
 */
public record ContinueToken(long revision, String start) {

  public String encode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("v", "meta.k8s.io/v1");
    n.put("rv", revision);
    n.put("start", start);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(n));
  }

  public static ContinueToken decode(String token) {
    try {
      JsonNode n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.trim()));
      if (!"meta.k8s.io/v1".equals(n.path("v").asText())
          || !n.path("rv").canConvertToLong()
          || n.path("rv").asLong() <= 0
          || !n.path("start").isTextual()) {
        throw new IllegalArgumentException();
      }
      String start = n.get("start").asText();
      if (start.contains("/..") || start.startsWith("/")) {
        throw new IllegalArgumentException();
      }
      return new ContinueToken(n.get("rv").asLong(), start);
    } catch (Exception e) {
      throw ApiException.badRequest(
          "continue key is not valid: pass back the exact"
              + " metadata.continue value of the previous page");
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
