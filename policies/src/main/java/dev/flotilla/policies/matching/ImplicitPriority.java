package dev.flotilla.policies.matching;

/** How specifically a resource selector matched a template; a later constant is more specific. */
public enum ImplicitPriority {
  /** The selector does not match. */
  MISMATCH,
  /** Only apiVersion/kind (and namespace) were given. */
  MATCH_ALL,
  /** The label selector matched. */
  MATCH_LABEL_SELECTOR,
  /** The name matched. */
  MATCH_NAME;

  /** Words for events: "name", "label selector", "apiVersion/kind". */
  public String describe() {
    return switch (this) {
      case MISMATCH -> "no selector";
      case MATCH_ALL -> "apiVersion/kind selector";
      case MATCH_LABEL_SELECTOR -> "label selector";
      case MATCH_NAME -> "name selector";
    };
  }
}
