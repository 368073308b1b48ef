package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes {@code metav1.LabelSelector} evaluation over JSON: matchLabels plus matchExpressions.
 */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * Whether {@code labels} satisfy {@code selector}. An empty selector ({@code {}}) selects
   * everything; a malformed one (unknown operator, In without values) selects nothing. Callers
   * decide what an absent selector means.
   */
  public static boolean matches(JsonNode selector, Map<String, String> labels) {
    Optional<List<Requirement>> requirements = parse(selector);
    if (requirements.isEmpty()) {
      return false;
    }
    for (Requirement requirement : requirements.get()) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The requirements a selector stands for, or empty if any part is malformed. */
  public static Optional<List<Requirement>> parse(JsonNode selector) {
    List<Requirement> out = new ArrayList<>();
    if (!Nodes.present(selector)) {
      return Optional.of(out);
    }
    if (!selector.isObject()) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> label : Nodes.stringMap(selector, "matchLabels").entrySet()) {
      out.add(new Requirement(label.getKey(), "In", List.of(label.getValue())));
    }
    return expressions(Nodes.at(selector, "matchExpressions"), false)
        .map(
            expressions -> {
              out.addAll(expressions);
              return out;
            });
  }

  /**
   * Parses a list of {@code {key, operator, values}} expressions; {@code numeric} admits Gt and Lt
   * as node selector requirements (cluster field selectors) do.
   */
  public static Optional<List<Requirement>> expressions(JsonNode expressions, boolean numeric) {
    List<Requirement> out = new ArrayList<>();
    if (!Nodes.present(expressions)) {
      return Optional.of(out);
    }
    if (!expressions.isArray()) {
      return Optional.empty();
    }
    for (JsonNode expression : expressions) {
      Optional<Requirement> requirement =
          Requirement.of(
              Nodes.text(expression, "key"),
              Nodes.text(expression, "operator"),
              Nodes.strings(expression, "values"),
              numeric);
      if (requirement.isEmpty()) {
        return Optional.empty();
      }
      out.add(requirement.get());
    }
    return Optional.of(out);
  }
}
