package dev.flotilla.controller;

import java.time.Duration;

/**
 * The controller-manager's leader-election timings, as kube-controller-manager's {@code
 * --leader-elect-lease-duration}, {@code --leader-elect-renew-deadline} and {@code
 * --leader-elect-retry-period} (defaults 15 s, 10 s, 2 s).
 *
 * @param leaseDuration how long a lease holds without renewal; a standby waits this long
 * @param renewDeadline how long the leader keeps trying to renew before it stops leading
 * @param retryPeriod how often candidates try to acquire and the leader renews
 */
public record LeaderElection(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
  public static final LeaderElection DEFAULTS =
      new LeaderElection(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

  /** The checks client-go makes, so a replica never renews slower than its lease runs out. */
  public LeaderElection {
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("the leader-election retry period must be positive");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException(
          "the leader-election lease duration ("
              + leaseDuration
              + ") must be greater than the renew deadline ("
              + renewDeadline
              + ")");
    }
    if (renewDeadline.toMillis() <= 1.2 * retryPeriod.toMillis()) {
      throw new IllegalArgumentException(
          "the leader-election renew deadline ("
              + renewDeadline
              + ") must be greater than 1.2 x the retry period ("
              + retryPeriod
              + ")");
    }
  }
}
