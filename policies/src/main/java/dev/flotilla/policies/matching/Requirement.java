package dev.flotilla.policies.matching;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One selector requirement ({@code key operator values}) with Kubernetes semantics: NotIn and
 * DoesNotExist hold when the key is absent, Gt and Lt compare integers.
 */
public record Requirement(String key, String operator, List<String> values) {

  public Requirement {
    values = List.copyOf(values);
  }

  /**
   * Builds a requirement the way Kubernetes validates one, or empty if it is malformed; callers
   * treat a malformed selector as matching nothing, as Karmada does (the webhook should have
   * refused it).
   */
  public static Optional<Requirement> of(
      String key, String operator, List<String> values, boolean allowNumeric) {
    if (key == null || key.isEmpty()) {
      return Optional.empty();
    }
    boolean valid =
        switch (operator == null ? "" : operator) {
          case "In", "NotIn" -> !values.isEmpty();
          case "Exists", "DoesNotExist" -> values.isEmpty();
          case "Gt", "Lt" ->
              allowNumeric && values.size() == 1 && parseLong(values.get(0)).isPresent();
          default -> false;
        };
    return valid ? Optional.of(new Requirement(key, operator, values)) : Optional.empty();
  }

  /** Whether {@code fields} (labels, or a cluster's provider/region) satisfy this requirement. */
  public boolean matches(Map<String, String> fields) {
    String actual = fields.get(key);
    return switch (operator) {
      case "In" -> actual != null && values.contains(actual);
      case "NotIn" -> actual == null || !values.contains(actual);
      case "Exists" -> actual != null;
      case "DoesNotExist" -> actual == null;
      case "Gt" -> compare(actual) > 0;
      case "Lt" -> compare(actual) < 0;
      default -> false;
    };
  }

  // Returns 0 ("no match" for both Gt and Lt) when the label is absent or not an integer.
  private int compare(String actual) {
    Optional<Long> left = parseLong(actual);
    Optional<Long> right = parseLong(values.get(0));
    if (left.isEmpty() || right.isEmpty()) {
      return 0;
    }
    return Long.compare(left.get(), right.get());
  }

  private static Optional<Long> parseLong(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
