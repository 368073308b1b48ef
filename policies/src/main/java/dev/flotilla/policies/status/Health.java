package dev.flotilla.policies.status;

/** Health of a member object as written into Work and binding status ({@code health} field). */
public enum Health {
  HEALTHY("Healthy"),
  UNHEALTHY("Unhealthy"),
  UNKNOWN("Unknown");

  private final String value;

  Health(String value) {
    this.value = value;
  }

  /** The API value: "Healthy", "Unhealthy" or "Unknown". */
  public String value() {
    return value;
  }
}
