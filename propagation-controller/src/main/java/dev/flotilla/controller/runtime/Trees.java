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

  public static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }
}
