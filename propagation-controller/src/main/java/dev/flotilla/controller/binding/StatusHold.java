package dev.flotilla.controller.binding;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per binding, when its aggregated status may next be written: not within one interval after its
 * Works were written (their statuses are on their way), and after a status write not before a hold
 * that doubles with each status write in a row, up to a ceiling. Reports from a hundred members on
 * a busy machine trickle in over seconds to minutes; a fixed hold rewrote a 100-entry status every
 * interval all that time, the doubling one writes a handful of times. The reconcile a hold defers
 * comes back when it ends and writes what it then finds, so the last state is always written.
 */
final class StatusHold {
  /** Held until {@code until}; the next status write holds {@code next}. */
  private record Hold(long until, long next) {}

  private final long intervalNanos;
  private final long ceilingNanos;
  private final LongSupplier clock;
  private final Map<String, Hold> holds = new ConcurrentHashMap<>();

  StatusHold(Duration interval, Duration ceiling, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.ceilingNanos = Math.max(intervalNanos, ceiling.toNanos());
    this.clock = nanoClock;
  }

  /** Works of {@code key} were just written: hold its status one interval, and start over. */
  void worksWritten(String key) {
    holds.put(key, new Hold(clock.getAsLong() + intervalNanos, intervalNanos));
  }

  /**
   * The status of {@code key} was just written: hold the next one an interval, then twice as long
   * after each status write in a row, unless the last hold ended more than a ceiling ago (a new
   * wave of changes starts over).
   */
  void statusWritten(String key) {
    long now = clock.getAsLong();
    holds.compute(
        key,
        (k, prev) -> {
          long interval =
              prev == null || now - prev.until() > ceilingNanos ? intervalNanos : prev.next();
          return new Hold(now + interval, Math.min(ceilingNanos, interval * 2));
        });
  }

  /** How long the status write of {@code key} must still wait; zero when it may go now. */
  Duration remaining(String key) {
    Hold hold = holds.get(key);
    if (hold == null) {
      return Duration.ZERO;
    }
    long left = hold.until() - clock.getAsLong();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  void forget(String key) {
    holds.remove(key);
  }
}
