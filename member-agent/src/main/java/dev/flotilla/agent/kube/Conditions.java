package dev.flotilla.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * metav1.Condition lists: setting a condition keeps its lastTransitionTime unless the status
 * changes, and keeps conditions of other types (other writers may own them).
 */
public final class Conditions {
  private Conditions() {}

  /** A condition as the agent wants it; the transition time is decided by {@link #merge}. */
  public record Condition(
      String type, String status, String reason, String message, Long observedGeneration) {}

  /**
   * The condition list {@code existing} with {@code wanted} set; {@code now} stamps conditions
   * whose status changed or that are new.
   */
  public static ArrayNode merge(JsonNode existing, List<Condition> wanted, String now) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    if (existing != null && existing.isArray()) {
      for (JsonNode c : existing) {
        String type = c.path("type").asText();
        if (wanted.stream().noneMatch(w -> w.type().equals(type))) {
          out.add(c.deepCopy());
        }
      }
    }
    for (Condition w : wanted) {
      JsonNode old = find(existing, w.type());
      String transition =
          old != null
                  && w.status().equals(old.path("status").asText())
                  && old.hasNonNull("lastTransitionTime")
              ? old.get("lastTransitionTime").asText()
              : now;
      ObjectNode c = out.addObject();
      c.put("type", w.type());
      c.put("status", w.status());
      c.put("reason", w.reason());
      c.put("message", w.message() == null ? "" : w.message());
      if (w.observedGeneration() != null) {
        c.put("observedGeneration", w.observedGeneration());
      }
      c.put("lastTransitionTime", transition);
    }
    return out;
  }

  /** The condition of a type in a list, or null. */
  public static JsonNode find(JsonNode conditions, String type) {
    if (conditions == null || !conditions.isArray()) {
      return null;
    }
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /** True when the list has the condition with status "True". */
  public static boolean isTrue(JsonNode conditions, String type) {
    JsonNode c = find(conditions, type);
    return c != null && "True".equals(c.path("status").asText());
  }
}
