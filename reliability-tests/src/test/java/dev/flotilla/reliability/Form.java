package dev.flotilla.reliability;

import java.time.Duration;

/**
 * The suite's sizes: the short form runs inside {@code mvn -B verify} (CI, two cores, a few
 * minutes); the long form ({@code -Preliability}) is what the issue asks the hub to survive.
 */
final class Form {
  private Form() {}

  static boolean isLong() {
    return "long".equals(System.getProperty("reliability.form", "short"));
  }

  static String name() {
    return isLong() ? "long" : "short";
  }

  /** SIGKILLs of the hub under write load. */
  static int crashes() {
    return isLong() ? 20 : 3;
  }

  /** Forced watch disconnects under write load. */
  static int watchCuts() {
    return isLong() ? 100 : 20;
  }

  /** How long the soak's watchers and writers run. */
  static Duration soak() {
    return isLong() ? Duration.ofMinutes(10) : Duration.ofMinutes(2);
  }

  /** Watchers held open through the soak. */
  static int soakWatchers() {
    return 1000;
  }

  /** How long the agents are cut off from the hub. */
  static Duration partition() {
    return isLong() ? Duration.ofMinutes(5) : Duration.ofSeconds(20);
  }
}
