package dev.flotilla.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's own rate in a burst: its counter of schedules written, sampled on the hub every
 * {@link #PERIOD_MS} ms, from the sample where it first rose to the one where it reached its last
 * value. The bench's watches add their delivery to every timestamp and the creating threads bound
 * how fast bindings arrive; this counts what the scheduler itself wrote, to within one period.
 */
final class SchedulerRate implements AutoCloseable {
  static final long PERIOD_MS = 100;
  private static final String COUNTER = "flotilla_scheduler_schedules_written_total";

  private final FleetUnderTest fleet;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(McsBench.daemon("scheduler-rate"));
  private final double start;
  private volatile double last;
  private volatile long firstRise;
  private volatile long lastRise;

  SchedulerRate(FleetUnderTest fleet) throws Exception {
    this.fleet = fleet;
    this.start = count();
    this.last = start;
    sampler.scheduleAtFixedRate(this::sample, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      double now = count();
      long at = System.nanoTime();
      if (now > last) {
        if (firstRise == 0) {
          firstRise = at;
        }
        lastRise = at;
        last = now;
      }
    } catch (Exception e) {
      // a missed sample widens the window by one period
    }
  }

  private double count() throws Exception {
    var response = fleet.hub.client().get("/metrics/controllers");
    if (response.statusCode() != 200) {
      return 0;
    }
    for (String line : response.body().split("\n")) {
      if (line.startsWith(COUNTER + " ") || line.startsWith(COUNTER + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** One line: schedules written and the scheduler's rate between its first and last write. */
  String summary() {
    double n = last - start;
    // The first rise was seen up to one period after the first write: count from a period before.
    double seconds = (lastRise - firstRise) / 1e9 + PERIOD_MS / 1000.0;
    return String.format(
        "scheduler's own counter: %.0f schedules written in %.2f s = %.0f schedules/s"
            + " (sampled every %d ms)",
        n, seconds, n / seconds, PERIOD_MS);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
