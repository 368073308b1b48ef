package dev.flotilla.apiserver.selection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A parsed Kubernetes label selector (string or metav1.LabelSelector form) matching label maps. */
public final class LabelSelector {
  /**
   * Requirement operators; GREATER_THAN/LESS_THAN are the string syntax's numeric {@code >}/{@code
   * <}.
   */
  public enum Operator {
    IN("in"),
    NOT_IN("notin"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    EXISTS(""),
    DOES_NOT_EXIST("!"),
    GREATER_THAN(">"),
    LESS_THAN("<");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  /** One ANDed term: key, operator and the sorted, de-duplicated values. */
  public record Requirement(String key, Operator operator, List<String> values) {
    /** Upstream semantics: negative operators (!=, notin) also match when the label is absent. */
    public boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      return switch (operator) {
        case IN, EQUALS, DOUBLE_EQUALS -> actual != null && values.contains(actual);
        case NOT_IN, NOT_EQUALS -> actual == null || !values.contains(actual);
        case EXISTS -> actual != null;
        case DOES_NOT_EXIST -> actual == null;
        case GREATER_THAN, LESS_THAN -> {
          Long have = parseLong(actual);
          if (have == null) {
            yield false;
          }
          long want = Long.parseLong(values.get(0));
          yield operator == Operator.GREATER_THAN ? have > want : have < want;
        }
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case IN, NOT_IN -> key + " " + operator.symbol + " (" + String.join(",", values) + ")";
        default -> key + operator.symbol + values.get(0);
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
  private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

  private final List<Requirement> requirements;
  private final boolean nothing;

  private LabelSelector(List<Requirement> requirements, boolean nothing) {
    this.requirements = requirements;
    this.nothing = nothing;
  }

  /** The selector that matches every label set (what an empty string or {@code {}} means). */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** The selector that matches nothing (what a null metav1.LabelSelector means upstream). */
  public static LabelSelector nothing() {
    return NOTHING;
  }

  /**
   * Parses the string syntax ({@code a=b,c!=d,e in (x,y),f notin (z),g,!h}); null or blank gives
   * {@link #everything()}.
   *
   * @throws SelectorParseException with upstream's wording, e.g. "unable to parse requirement: ..."
   */
  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    return of(LabelSelectorParser.parse(selector));
  }

  /**
   * Converts a metav1.LabelSelector ({@code {matchLabels, matchExpressions}}). As upstream's
   * LabelSelectorAsSelector, a null or missing selector matches nothing and {@code {}} matches
   * everything; so callers for whom "absent" means "all" must check for absence themselves.
   *
   * @throws SelectorParseException naming the offending field, e.g. "matchExpressions[0].operator"
   */
  public static LabelSelector fromMetaV1(JsonNode selector) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return NOTHING;
    }
    if (!selector.isObject()) {
      throw new SelectorParseException(
          "label selector must be an object, got " + selector.getNodeType());
    }
    List<Requirement> result = new ArrayList<>();
    JsonNode matchLabels = selector.path("matchLabels");
    if (!matchLabels.isMissingNode() && !matchLabels.isNull()) {
      if (!matchLabels.isObject()) {
        throw new SelectorParseException("matchLabels: must be a map of label keys to values");
      }
      for (Map.Entry<String, JsonNode> e : matchLabels.properties()) {
        String ctx = "matchLabels: ";
        if (!e.getValue().isTextual()) {
          throw new SelectorParseException(
              ctx + "value of \"" + e.getKey() + "\" must be a string");
        }
        result.add(requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText()), ctx));
      }
    }
    JsonNode expressions = selector.path("matchExpressions");
    if (!expressions.isMissingNode() && !expressions.isNull()) {
      if (!expressions.isArray()) {
        throw new SelectorParseException("matchExpressions: must be a list");
      }
      for (int i = 0; i < expressions.size(); i++) {
        result.add(expression(expressions.get(i), "matchExpressions[" + i + "]"));
      }
    }
    return of(result);
  }

  private static Requirement expression(JsonNode expr, String path) {
    if (!expr.isObject()) {
      throw new SelectorParseException(path + ": must be an object with key, operator and values");
    }
    String key = expr.path("key").asText("");
    if (key.isEmpty()) {
      throw new SelectorParseException(path + ".key: Required value");
    }
    String opName = expr.path("operator").asText("");
    Operator op =
        switch (opName) {
          case "In" -> Operator.IN;
          case "NotIn" -> Operator.NOT_IN;
          case "Exists" -> Operator.EXISTS;
          case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
          default ->
              throw new SelectorParseException(
                  path
                      + ".operator: \""
                      + opName
                      + "\" is not a valid label selector operator (use In, NotIn, Exists or DoesNotExist)");
        };
    List<String> values = new ArrayList<>();
    JsonNode vs = expr.path("values");
    if (!vs.isMissingNode() && !vs.isNull()) {
      if (!vs.isArray()) {
        throw new SelectorParseException(path + ".values: must be a list of strings");
      }
      for (JsonNode v : vs) {
        if (!v.isTextual()) {
          throw new SelectorParseException(path + ".values: must be a list of strings");
        }
        values.add(v.asText());
      }
    }
    return requirement(key, op, values, path + ": ");
  }

  /** Validates and builds one requirement, as apimachinery's NewRequirement. */
  static Requirement requirement(String key, Operator op, List<String> values, String ctx) {
    LabelValidation.checkKey(key, ctx);
    switch (op) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          throw new SelectorParseException(
              ctx + "for 'in', 'notin' operators, values set can't be empty");
        }
      }
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
        if (values.size() != 1) {
          throw new SelectorParseException(
              ctx + "exact-match compatibility requires one single value");
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!values.isEmpty()) {
          throw new SelectorParseException(
              ctx + "values set must be empty for exists and does not exist");
        }
      }
      case GREATER_THAN, LESS_THAN -> {
        if (values.size() != 1 || parseLong(values.get(0)) == null) {
          throw new SelectorParseException(
              ctx + "for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
    }
    for (String v : values) {
      LabelValidation.checkValue(key, v, ctx);
    }
    return new Requirement(key, op, List.copyOf(new TreeSet<>(values)));
  }

  private static LabelSelector of(List<Requirement> requirements) {
    if (requirements.isEmpty()) {
      return EVERYTHING;
    }
    // Sorted by key (stable) so toString() is canonical, as upstream sorts requirements.
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key));
    return new LabelSelector(List.copyOf(sorted), false);
  }

  private static Long parseLong(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** True when every requirement holds; a null map is treated as no labels. */
  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  /** True when this selector matches every label set (no requirements). */
  public boolean isEmpty() {
    return !nothing && requirements.isEmpty();
  }

  /** The ANDed requirements, sorted by key. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** The canonical string form, parseable by {@link #parse}; "" for everything (and nothing). */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
