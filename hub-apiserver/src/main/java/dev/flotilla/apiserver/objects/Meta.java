package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes of {@code metadata} fields on a JSON object tree. */
public final class Meta {
  private Meta() {}

  public static ObjectNode metadata(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    if (m instanceof ObjectNode) {
      return (ObjectNode) m;
    }
    return obj.putObject("metadata");
  }

  public static String text(ObjectNode obj, String field) {
    JsonNode m = obj.get("metadata");
    if (m == null || !m.has(field) || m.get(field).isNull()) {
      return null;
    }
    return m.get(field).asText();
  }

  public static String name(ObjectNode obj) {
    return text(obj, "name");
  }

  public static String namespace(ObjectNode obj) {
    return text(obj, "namespace");
  }

  public static String uid(ObjectNode obj) {
    return text(obj, "uid");
  }

  public static long resourceVersion(ObjectNode obj) {
    String rv = text(obj, "resourceVersion");
    return rv == null || rv.isEmpty() ? 0 : parseResourceVersion(rv);
  }

  /** Parses a client-sent resourceVersion; 400 when it is not one of ours. */
  public static long parseResourceVersion(String rv) {
    try {
      long value = Long.parseLong(rv);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "invalid resourceVersion \""
              + rv
              + "\": resource versions are opaque strings handed out by this server");
    }
  }

  public static boolean isDeleting(ObjectNode obj) {
    return text(obj, "deletionTimestamp") != null;
  }

  public static ArrayNode finalizers(ObjectNode obj) {
    JsonNode f = metadata(obj).get("finalizers");
    return f instanceof ArrayNode ? (ArrayNode) f : null;
  }

  public static boolean hasFinalizers(ObjectNode obj) {
    ArrayNode f = finalizers(obj);
    return f != null && !f.isEmpty();
  }

  public static Map<String, String> labels(JsonNode obj) {
    return stringMap(obj.path("metadata").path("labels"));
  }

  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  /** Kubernetes timestamps are RFC 3339 at second precision. */
  public static String now() {
    long second = Math.floorDiv(System.currentTimeMillis(), 1000);
    Stamp last = lastStamp;
    if (last.second() != second) {
      // Formatted once a second, not once per write: every create stamps it twice.
      last = new Stamp(second, Instant.ofEpochSecond(second).toString());
      lastStamp = last;
    }
    return last.text();
  }

  private record Stamp(long second, String text) {}

  private static volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");
}
