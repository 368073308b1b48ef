package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/**
 * Equality of JSON trees as stored: numbers compare by value, so a computed {@code 4L} equals the
 * {@code 4} parsed back from the store. (Jackson's own equals tells IntNode from LongNode, which
 * would make a controller rewrite an unchanged status forever.)
 */
public final class Same {
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private Same() {}

  /** True when both are absent (null or missing) or equal as JSON values. */
  public static boolean json(JsonNode a, JsonNode b) {
    boolean aAbsent = a == null || a.isMissingNode();
    boolean bAbsent = b == null || b.isMissingNode();
    if (aAbsent || bAbsent) {
      return aAbsent == bAbsent;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }
}
