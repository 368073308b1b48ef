package dev.flotilla.agent.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Karmada's {@code --cluster-success-threshold} and {@code --cluster-failure-threshold}: a Ready
 * condition that flips between True and not True is only reported once the new observation has held
 * for the threshold, so one failed /readyz (a member busy for a moment, a dropped connection) does
 * not take the cluster out of scheduling and MCS endpoints.
 */
public final class ReadyThreshold {
  private final Duration success;
  private final Duration failure;
  private final Clock clock;
  private String observed;
  private Instant observedSince;

  public ReadyThreshold(Duration success, Duration failure, Clock clock) {
    this.success = success;
    this.failure = failure;
    this.clock = clock;
  }

  /**
   * The Ready status to report: {@code observed}, unless it turns {@code current} (the status on
   * the hub, null if none) from True to not True or back and has not held for the threshold yet, in
   * which case {@code current}. The first observation of an agent is reported as it is, as a
   * cluster that just joined.
   */
  public synchronized String adjust(String current, String observed) {
    Instant now = clock.instant();
    boolean first = this.observed == null;
    if (!observed.equals(this.observed)) {
      this.observed = observed;
      this.observedSince = now;
    }
    if (first || current == null) {
      return observed;
    }
    boolean flips = "True".equals(observed) != "True".equals(current);
    Duration threshold = "True".equals(observed) ? success : failure;
    if (flips && now.isBefore(observedSince.plus(threshold))) {
      return current;
    }
    return observed;
  }
}
