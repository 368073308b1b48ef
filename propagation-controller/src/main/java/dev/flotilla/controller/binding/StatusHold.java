package dev.flotilla.controller.binding;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per binding, when its aggregated status may next be written: at most once per interval, and not
 * within one after its Works were written (their statuses are on their way). The reconcile a hold
 * defers comes back when it ends and writes what it then finds, so the last state is always
 * written.
 */
final class StatusHold {
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Map<String, Long> until = new ConcurrentHashMap<>();

  StatusHold(Duration interval, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
  }

  /** Works of {@code key} were just written, or its status was: hold the next status write. */
  void wrote(String key) {
    until.put(key, clock.getAsLong() + intervalNanos);
  }

  /** How long the status write of {@code key} must still wait; zero when it may go now. */
  Duration remaining(String key) {
    Long end = until.get(key);
    if (end == null) {
      return Duration.ZERO;
    }
    long left = end - clock.getAsLong();
    if (left <= 0) {
      until.remove(key, end);
      return Duration.ZERO;
    }
    return Duration.ofNanos(left);
  }

  void forget(String key) {
    until.remove(key);
  }
}
