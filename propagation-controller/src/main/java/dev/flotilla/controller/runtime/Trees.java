package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Conversions between fabric8's generic objects and Jackson trees, the form the pure logic in the
 * policies module works on. Cached objects are never mutated: conversions copy.
 */
public final class Trees {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Trees() {}

  public static ObjectNode tree(Object obj) {
    return MAPPER.valueToTree(obj);
  }

  public static GenericKubernetesResource generic(JsonNode tree) {
    return MAPPER.convertValue(tree, GenericKubernetesResource.class);
  }

  /**
   * Equality of JSON values, numbers by value: a tree read from the hub holds {@code 3} as an int
   * and one built with {@code put(name, 3L)} as a long, and Jackson's {@code equals} tells them
   * apart, which would make every comparison before a write say "changed".
   */
  public static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE =
      (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
          return x.isIntegralNumber() && y.isIntegralNumber()
              ? x.bigIntegerValue().compareTo(y.bigIntegerValue())
              : x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
      };

  public static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }
}
