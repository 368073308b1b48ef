package dev.flotilla.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * JSON helpers: the agent's pure logic works on Jackson trees; fabric8 generic objects are
 * converted at the I/O edge.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * True when both trees hold the same JSON. Unlike {@code equals}, equal numbers are equal
   * whatever their node type: a status built here holds longs where the one read back from the hub
   * holds ints, and an unchanged status must not be written again.
   */
  public static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(SAME_NUMBERS, b);
  }

  private static final java.util.Comparator<JsonNode> SAME_NUMBERS =
      (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
          return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
      };

  /** A tree copy of a fabric8 object. */
  public static ObjectNode tree(Object fabric8Object) {
    return MAPPER.valueToTree(fabric8Object);
  }

  /**
   * Writes fabric8 objects without {@code metadata.managedFields}: the server's record of who set
   * which field, which the agent's reads never look at and which is often the largest part of a
   * Work's metadata.
   */
  private static final ObjectMapper WITHOUT_MANAGED_FIELDS =
      new ObjectMapper()
          .addMixIn(io.fabric8.kubernetes.api.model.ObjectMeta.class, NoManagedFields.class);

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"managedFields"})
  private abstract static class NoManagedFields {}

  /**
   * A tree copy of a fabric8 object to read, without {@code metadata.managedFields}; not to be sent
   * back whole in an update (use {@link #tree}).
   */
  public static ObjectNode treeToRead(Object fabric8Object) {
    return WITHOUT_MANAGED_FIELDS.valueToTree(fabric8Object);
  }

  /** A fabric8 generic object from a tree. */
  public static GenericKubernetesResource generic(JsonNode tree) {
    return MAPPER.convertValue(tree, GenericKubernetesResource.class);
  }

  /** {@code obj.metadata}, created when absent. */
  public static ObjectNode metadata(ObjectNode obj) {
    return child(obj, "metadata");
  }

  /** The object field {@code name} of {@code parent}, created (replacing non-objects) if absent. */
  public static ObjectNode child(ObjectNode parent, String name) {
    JsonNode existing = parent.get(name);
    if (existing instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(name);
  }

  /** A text field or null. */
  public static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      if (n == null) {
        return null;
      }
      n = n.get(p);
    }
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }

  public static String name(JsonNode obj) {
    return text(obj, "metadata", "name");
  }

  public static String namespace(JsonNode obj) {
    return text(obj, "metadata", "namespace");
  }

  public static String label(JsonNode obj, String key) {
    return text(obj, "metadata", "labels", key);
  }

  public static String annotation(JsonNode obj, String key) {
    return text(obj, "metadata", "annotations", key);
  }
}
