package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@code resourceSelectors[]} of policies: apiVersion, kind, namespace, name, labelSelector. */
public final class ResourceSelectors {

  private ResourceSelectors() {}

  /** Whether one selector picks the template. */
  public static boolean matches(JsonNode selector, JsonNode template) {
    return priority(selector, template) != ImplicitPriority.MISMATCH;
  }

  /** Whether any of the selectors picks the template (an empty list picks nothing). */
  public static boolean matchesAny(List<JsonNode> selectors, JsonNode template) {
    return highest(selectors, template) != ImplicitPriority.MISMATCH;
  }

  /**
   * How specifically one selector matches. apiVersion and kind must be equal, namespace when given;
   * then a name decides alone (the label selector is ignored), else an absent label selector
   * matches all and a present one must match the template's labels.
   */
  public static ImplicitPriority priority(JsonNode selector, JsonNode template) {
    String namespace = Nodes.text(selector, "namespace");
    if (!Nodes.text(selector, "apiVersion").equals(Nodes.text(template, "apiVersion"))
        || !Nodes.text(selector, "kind").equals(Nodes.text(template, "kind"))
        || (!namespace.isEmpty() && !namespace.equals(Nodes.namespace(template)))) {
      return ImplicitPriority.MISMATCH;
    }
    String name = Nodes.text(selector, "name");
    if (!name.isEmpty()) {
      return name.equals(Nodes.name(template))
          ? ImplicitPriority.MATCH_NAME
          : ImplicitPriority.MISMATCH;
    }
    JsonNode labelSelector = Nodes.at(selector, "labelSelector");
    if (!Nodes.present(labelSelector)) {
      return ImplicitPriority.MATCH_ALL;
    }
    return LabelSelectors.matches(labelSelector, Nodes.labels(template))
        ? ImplicitPriority.MATCH_LABEL_SELECTOR
        : ImplicitPriority.MISMATCH;
  }

  /** The most specific match among the selectors. */
  public static ImplicitPriority highest(List<JsonNode> selectors, JsonNode template) {
    ImplicitPriority best = ImplicitPriority.MISMATCH;
    for (JsonNode selector : selectors) {
      ImplicitPriority priority = priority(selector, template);
      if (priority.compareTo(best) > 0) {
        best = priority;
      }
    }
    return best;
  }
}
