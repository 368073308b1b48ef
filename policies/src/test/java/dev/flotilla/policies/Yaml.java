package dev.flotilla.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures written as YAML, the way users write Kubernetes objects. */
public final class Yaml {

  private static final YAMLMapper YAML = new YAMLMapper();

  private Yaml() {}

  /** Parses one YAML document; "" and null give a JSON null. */
  public static JsonNode node(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return YAML.nullNode();
    }
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode object(String yaml) {
    return (ObjectNode) node(yaml);
  }

  /** Parses a "---"-separated stream of documents. */
  public static List<JsonNode> list(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        out.add(node(document));
      }
    }
    return out;
  }
}
