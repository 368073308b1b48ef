package dev.flotilla.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Whether one JSON tree already holds everything another asks for. */
public final class JsonSubset {
  private JsonSubset() {}

  /**
   * True when every field of {@code wanted} is in {@code actual} with the same value; objects
   * compare field by field (extra fields in {@code actual} are fine), arrays and scalars exactly.
   */
  public static boolean contains(JsonNode actual, JsonNode wanted) {
    if (wanted == null || wanted.isMissingNode()) {
      return true;
    }
    if (actual == null || actual.isMissingNode()) {
      return wanted.isNull();
    }
    if (wanted.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!contains(actual.get(f.getKey()), f.getValue())) {
          return false;
        }
      }
      return true;
    }
    return actual.equals(wanted);
  }
}
