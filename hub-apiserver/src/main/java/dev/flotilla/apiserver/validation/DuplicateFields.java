package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a JSON or YAML body leniently to find duplicate keys, which the server's own codec refuses
 * outright: upstream reports them as {@code duplicate field "spec.replicas"} under the
 * fieldValidation directive and otherwise keeps the last value.
 */
public final class DuplicateFields {
  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder().maxNestingDepth(200).build();
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(LIMITS).build();
  private static final YAMLFactory YAML =
      YAMLFactory.builder().streamReadConstraints(LIMITS).build();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * What a body holds when it has duplicates.
   *
   * @param tree the document with the last value of each duplicated key
   * @param paths the duplicated fields, e.g. "spec.replicas", in document order
   */
  public record Found(JsonNode tree, List<String> paths) {}

  private DuplicateFields() {}

  /** The duplicates of {@code body}; empty when there are none or the body does not parse. */
  public static Optional<Found> scan(byte[] body, boolean yaml) {
    if (!yaml && strictlyUnique(body)) {
      return Optional.empty();
    }
    List<String> paths = new ArrayList<>();
    try (JsonParser p = (yaml ? YAML : JSON).createParser(body)) {
      p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken first = p.nextToken();
      if (first == null) {
        return Optional.empty();
      }
      JsonNode tree = read(p, first, "", paths);
      if (p.nextToken() != null) {
        return Optional.empty(); // trailing content: the handler refuses the body
      }
      return paths.isEmpty() ? Optional.empty() : Optional.of(new Found(tree, List.copyOf(paths)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // the handler reports the syntax error
    }
  }

  /**
   * True when a JSON body reads to its end with Jackson's own duplicate detection on: then it has
   * no duplicates, found without building a tree and a path per field (nearly every body). Anything
   * else, duplicates or not JSON, is left to the full scan.
   */
  private static boolean strictlyUnique(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      while (p.nextToken() != null) {
        // tokens only
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static JsonNode read(JsonParser p, JsonToken token, String path, List<String> dups)
      throws IOException {
    switch (token) {
      case START_OBJECT:
        {
          ObjectNode obj = F.objectNode();
          for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            String child = path.isEmpty() ? key : path + "." + key;
            JsonNode value = read(p, p.nextToken(), child, dups);
            if (obj.has(key) && !dups.contains(child)) {
              dups.add(child);
            }
            obj.set(key, value);
          }
          return obj;
        }
      case START_ARRAY:
        {
          ArrayNode array = F.arrayNode();
          int i = 0;
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            array.add(read(p, t, path + "[" + i++ + "]", dups));
          }
          return array;
        }
      case VALUE_STRING:
        return F.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> F.numberNode(p.getIntValue());
          case LONG -> F.numberNode(p.getLongValue());
          default -> F.numberNode(p.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return F.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return F.booleanNode(true);
      case VALUE_FALSE:
        return F.booleanNode(false);
      case VALUE_NULL:
        return F.nullNode();
      default:
        throw new IOException("unexpected token " + token);
    }
  }
}
