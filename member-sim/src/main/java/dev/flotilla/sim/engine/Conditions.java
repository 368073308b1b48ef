package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;

/**
 * Status conditions that keep their timestamps while nothing changes, so recomputing a status that
 * has not moved yields an equal object and no write.
 */
public final class Conditions {
  private Conditions() {}

  /** The condition of {@code type} in a conditions array, or null. */
  public static JsonNode find(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /** True when the condition of {@code type} has status "True". */
  public static boolean isTrue(JsonNode conditions, String type) {
    JsonNode c = find(conditions, type);
    return c != null && "True".equals(c.path("status").asText());
  }

  /**
   * A condition in the style of workloads (Deployment): lastTransitionTime moves when the status
   * flips, lastUpdateTime when status, reason or message change.
   */
  public static ObjectNode withUpdateTime(
      JsonNode previous, String type, boolean status, String reason, String message, String now) {
    JsonNode old = find(previous, type);
    String s = status ? "True" : "False";
    boolean sameStatus = old != null && s.equals(old.path("status").asText());
    boolean same =
        sameStatus
            && reason.equals(old.path("reason").asText())
            && message.equals(old.path("message").asText());
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("status", s);
    c.put("lastUpdateTime", same ? old.path("lastUpdateTime").asText(now) : now);
    c.put("lastTransitionTime", sameStatus ? old.path("lastTransitionTime").asText(now) : now);
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }

  /**
   * A condition in the style of pods and nodes: lastTransitionTime moves when the status flips;
   * reason and message are left out when null.
   */
  public static ObjectNode withTransitionTime(
      JsonNode previous, String type, boolean status, String reason, String message, String now) {
    JsonNode old = find(previous, type);
    String s = status ? "True" : "False";
    boolean sameStatus = old != null && s.equals(old.path("status").asText());
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("status", s);
    c.put("lastTransitionTime", sameStatus ? old.path("lastTransitionTime").asText(now) : now);
    if (reason != null) {
      c.put("reason", reason);
    }
    if (message != null) {
      c.put("message", message);
    }
    return c;
  }

  public static ArrayNode array() {
    return Json.MAPPER.createArrayNode();
  }
}
