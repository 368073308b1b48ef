package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one {@code overriders} block in Karmada's fixed order: image, command, args, labels,
 * annotations, field, then plaintext JSON patches, so plaintext can correct anything before it.
 */
public final class Overriders {

  private Overriders() {}

  /**
   * Applies {@code overriders} to {@code object} (modified in place where possible) and returns the
   * result.
   */
  public static JsonNode apply(JsonNode object, JsonNode overriders) {
    JsonNode result = object;
    for (JsonNode o : Nodes.list(overriders, "imageOverrider")) {
      result = ImageOverrider.apply(result, o);
    }
    for (JsonNode o : Nodes.list(overriders, "commandOverrider")) {
      result = CommandArgsOverrider.apply(result, o, "command");
    }
    for (JsonNode o : Nodes.list(overriders, "argsOverrider")) {
      result = CommandArgsOverrider.apply(result, o, "args");
    }
    for (JsonNode o : Nodes.list(overriders, "labelsOverrider")) {
      result = LabelAnnotationOverrider.apply(result, o, "labels");
    }
    for (JsonNode o : Nodes.list(overriders, "annotationsOverrider")) {
      result = LabelAnnotationOverrider.apply(result, o, "annotations");
    }
    for (JsonNode o : Nodes.list(overriders, "fieldOverrider")) {
      result = FieldOverrider.apply(result, o);
    }
    List<OverridePatch.Operation> plaintext = new ArrayList<>();
    for (JsonNode o : Nodes.list(overriders, "plaintext")) {
      plaintext.add(
          new OverridePatch.Operation(
              Nodes.text(o, "operator"), Nodes.text(o, "path"), o.get("value")));
    }
    return OverridePatch.apply(result, plaintext);
  }
}
