package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A Secret's {@code stringData} is write-only: each entry is written into {@code data} (base64),
 * over a key of the same name, and never stored, as kube-apiserver's conversion does; an empty
 * {@code type} becomes {@code Opaque}.
 */
final class SecretDefaults implements ObjectHook {
  @Override
  public void beforeCreate(ResourceType type, ObjectNode secret) {
    apply(secret);
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode secret) {
    apply(secret);
  }

  static void apply(ObjectNode secret) {
    JsonNode stringData = secret.remove("stringData");
    if (stringData != null && stringData.isObject() && !stringData.isEmpty()) {
      JsonNode data = secret.path("data");
      ObjectNode merged = data.isObject() ? (ObjectNode) data : secret.putObject("data");
      for (Map.Entry<String, JsonNode> e : stringData.properties()) {
        // The schema check has already refused non-string values; null is Go's "".
        String value = e.getValue().isNull() ? "" : e.getValue().asText();
        merged.put(
            e.getKey(), Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
      }
    }
    JsonNode type = secret.path("type");
    if (type.isMissingNode() || type.isNull() || type.asText().isEmpty()) {
      secret.put("type", "Opaque");
    }
  }
}
