package dev.flotilla.policies.placement;

import java.util.List;

/**
 * A filter plugin's verdict on one cluster. Reasons are phrased for Karmada's FitError histogram,
 * e.g. "cluster(s) did not match the placement cluster affinity constraint".
 */
public record Result(boolean schedulable, List<String> reasons) {

  private static final Result SUCCESS = new Result(true, List.of());

  public Result {
    reasons = List.copyOf(reasons);
  }

  public static Result success() {
    return SUCCESS;
  }

  public static Result unschedulable(String reason) {
    return new Result(false, List.of(reason));
  }

  /** The reasons joined for display. */
  public String message() {
    return String.join(", ", reasons);
  }
}
