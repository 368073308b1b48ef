package dev.flotilla.policies.conditions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Status condition lists, written so that recomputing a status that has not moved yields an equal
 * object and no write: a condition keeps its lastTransitionTime unless its status changes, and
 * conditions of other types (other writers may own them) are kept.
 */
public final class Conditions {
  private Conditions() {}

  /** A metav1.Condition as a writer wants it; the transition time is decided by {@link #merge}. */
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
    ObjectNode c = JsonNodeFactory.instance.objectNode();
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
    ObjectNode c = JsonNodeFactory.instance.objectNode();
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

  /** An empty conditions array. */
  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }
}
