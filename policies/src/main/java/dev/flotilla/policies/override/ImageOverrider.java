package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code imageOverrider}: changes the registry, repository or tag of container images, either at
 * {@code predicate.path} or in every container of a known workload kind.
 */
final class ImageOverrider {

  private ImageOverrider() {}

  static JsonNode apply(JsonNode object, JsonNode overrider) {
    List<OverridePatch.Operation> patches = new ArrayList<>();
    JsonNode predicate = Nodes.at(overrider, "predicate");
    if (Nodes.present(predicate)) {
      String path = Nodes.text(predicate, "path");
      patches.add(replace(path, imageAt(object, path), overrider));
    } else {
      String prefix = podSpecPath(Nodes.text(object, "kind"));
      if (prefix == null) {
        return object;
      }
      List<JsonNode> containers =
          Nodes.list(Nodes.at(object, prefix.substring(1).split("/")), "containers");
      for (int i = 0; i < containers.size(); i++) {
        patches.add(
            replace(
                prefix + "/containers/" + i + "/image",
                Nodes.text(containers.get(i), "image"),
                overrider));
      }
    }
    return OverridePatch.apply(object, patches);
  }

  /**
   * Where the pod spec sits in each kind Karmada knows, plus CronJob (which Karmada leaves out; its
   * pods are one level deeper).
   */
  static String podSpecPath(String kind) {
    return switch (kind) {
      case "Pod" -> "/spec";
      case "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job" -> "/spec/template/spec";
      case "CronJob" -> "/spec/jobTemplate/spec/template/spec";
      default -> null;
    };
  }

  private static String imageAt(JsonNode object, String path) {
    JsonNode current = object;
    for (String token : JsonPointer.parse("/" + strip(path))) {
      current = current.isArray() ? current.path(parseIndex(token, path)) : current.path(token);
    }
    if (!current.isTextual()) {
      throw new OverrideException(
          "failed to obtain imageValue with predicate path("
              + path
              + "), error: the value there is not a string");
    }
    return current.asText();
  }

  private static OverridePatch.Operation replace(String path, String image, JsonNode overrider) {
    if (!path.startsWith("/")) {
      throw new OverrideException("imagePath should be start with / character");
    }
    ImageReference reference = ImageReference.parse(image);
    String value = Nodes.text(overrider, "value");
    String operator = Nodes.text(overrider, "operator");
    switch (Nodes.text(overrider, "component")) {
      case "Registry" ->
          reference.registry(
              switch (operator) {
                case "add" -> reference.registry() + value;
                case "replace" -> value;
                case "remove" -> "";
                default -> reference.registry();
              });
      case "Repository" ->
          reference.repository(
              switch (operator) {
                case "add" -> reference.repository() + value;
                case "replace" -> value;
                case "remove" -> "";
                default -> reference.repository();
              });
      case "Tag" -> {
        switch (operator) {
          case "add" -> reference.tagOrDigest(reference.tagOrDigest() + value);
          case "replace" -> reference.tagOrDigest(value);
          case "remove" -> reference.removeTagOrDigest();
          default -> {
            // The schema admits only add, remove and replace.
          }
        }
      }
      default ->
          throw new OverrideException(
              "unsupported image component(" + Nodes.text(overrider, "component") + ")");
    }
    return new OverridePatch.Operation("replace", path, TextNode.valueOf(reference.toString()));
  }

  private static String strip(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static int parseIndex(String token, String path) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new OverrideException("path(" + token + ") of rawObj's is not number in " + path);
    }
  }
}
