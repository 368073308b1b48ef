package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;

/** The server's JSON and YAML codecs, configured once: strict about duplicates and nesting. */
public final class Json {
  /**
   * Deep nesting is an attack on the parser, never a real object. Objects are refused deeper than
   * this before they are stored, so every stored object can be sent back.
   */
  public static final int MAX_NESTING = 200;

  /**
   * Stored objects are read with a wider limit: one stored before writes were depth-checked must
   * still be readable, listable and deletable.
   */
  private static final int MAX_STORED_NESTING = 1000;

  public static final ObjectMapper MAPPER = configure(new ObjectMapper(), MAX_NESTING);
  public static final ObjectMapper YAML = configure(new YAMLMapper(new YAMLFactory()), MAX_NESTING);
  private static final ObjectMapper STORED = configure(new ObjectMapper(), MAX_STORED_NESTING);

  /** One field's value inside a stored object: the object's further fields follow it. */
  private static final com.fasterxml.jackson.databind.ObjectReader STORED_SUBTREE =
      STORED.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  private static ObjectMapper configure(ObjectMapper mapper, int maxNesting) {
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(maxNesting).build());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    return mapper;
  }

  /** Parses a request body as a JSON object (YAML when {@code yaml}); 400 when it is not one. */
  public static ObjectNode parseObject(byte[] body, boolean yaml) {
    JsonNode node;
    try {
      node = (yaml ? YAML : MAPPER).readTree(body);
    } catch (IOException e) {
      String what = yaml ? "YAML" : "JSON";
      throw ApiException.badRequest(
          "the request body is not valid " + what + ": " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest(
          "the request body must be a single object, got "
              + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
    }
    return (ObjectNode) node;
  }

  /** Parses stored bytes; they were written by us, so failure is a server bug. */
  public static ObjectNode read(byte[] stored) {
    try {
      return (ObjectNode) STORED.readTree(stored);
    } catch (IOException e) {
      throw new IllegalStateException("stored object is not JSON", e);
    }
  }

  /**
   * Only the named top-level fields of a stored object (those it has), parsed until all of them
   * were seen: the rest is skipped without building a tree, and left unread after the last one. For
   * readers of every stored object (the garbage collector's graph needs only metadata, Event expiry
   * a few timestamps), where a full parse of each value was most of a restart's cost.
   */
  public static ObjectNode readFields(byte[] stored, java.util.Set<String> fields) {
    ObjectNode out = STORED.createObjectNode();
    try (JsonParser p = STORED.getFactory().createParser(stored)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IllegalStateException("stored object is not a JSON object");
      }
      while (out.size() < fields.size()
          && p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (fields.contains(name)) {
          out.set(name, STORED_SUBTREE.readValue(p));
        } else {
          p.skipChildren();
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("stored object is not JSON", e);
    }
  }

  /**
   * A stored object's labels alone, as {@code {"metadata":{"labels":{...}}}}: read up to the end of
   * {@code metadata.labels}, the rest of metadata skipped without building a tree (a Work's
   * managedFields are most of its metadata). For label selectors over every event of a kind.
   */
  public static ObjectNode readLabels(byte[] stored) {
    ObjectNode out = STORED.createObjectNode();
    ObjectNode meta = out.putObject("metadata");
    try (JsonParser p = STORED.getFactory().createParser(stored)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IllegalStateException("stored object is not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        boolean isMeta = p.currentName().equals("metadata");
        if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT || !isMeta) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          boolean isLabels = p.currentName().equals("labels");
          p.nextToken();
          if (isLabels) {
            meta.set("labels", STORED_SUBTREE.readValue(p));
            return out;
          }
          p.skipChildren();
        }
        return out; // metadata without labels
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("stored object is not JSON", e);
    }
  }

  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
