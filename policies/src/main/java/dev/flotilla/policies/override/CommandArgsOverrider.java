package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code commandOverrider} and {@code argsOverrider}: append to or remove from a named container's
 * list.
 */
final class CommandArgsOverrider {

  private CommandArgsOverrider() {}

  /**
   * @param field "command" or "args"
   */
  static JsonNode apply(JsonNode object, JsonNode overrider, String field) {
    String prefix = ImageOverrider.podSpecPath(Nodes.text(object, "kind"));
    if (prefix == null) {
      return object;
    }
    List<JsonNode> containers =
        Nodes.list(Nodes.at(object, prefix.substring(1).split("/")), "containers");
    String containerName = Nodes.text(overrider, "containerName");
    List<OverridePatch.Operation> patches = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode container = containers.get(i);
      if (!containerName.equals(Nodes.text(container, "name"))) {
        continue;
      }
      String path = prefix + "/containers/" + i + "/" + field;
      boolean absent = !Nodes.present(container.path(field));
      List<String> current = absent ? List.of() : texts(container.path(field));
      ArrayNode value = Nodes.MAPPER.createArrayNode();
      changed(current, overrider).forEach(value::add);
      patches.add(new OverridePatch.Operation(absent ? "add" : "replace", path, value));
    }
    return OverridePatch.apply(object, patches);
  }

  private static List<String> changed(List<String> current, JsonNode overrider) {
    List<String> values = Nodes.strings(overrider, "value");
    return switch (Nodes.text(overrider, "operator")) {
      case "add" -> {
        List<String> out = new ArrayList<>(current);
        out.addAll(values);
        yield out;
      }
      case "remove" -> {
        Set<String> drop = new HashSet<>(values);
        yield current.stream().filter(v -> !drop.contains(v)).toList();
      }
      default -> current;
    };
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
