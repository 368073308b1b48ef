package dev.flotilla.workqueue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this process reached each phase of its start (store open, API serving, leading, each
 * controller's caches synced, each controller's queue last drained), as seconds since the JVM began
 * and the process's CPU seconds at that moment. A restart's cost splits into these phases; they are
 * served as the gauges {@code flotilla_startup_seconds{phase}} and {@code
 * flotilla_startup_cpu_seconds{phase}} on the controllers' metrics.
 */
public final class StartupTimeline {
  private static final Map<String, double[]> PHASES = new ConcurrentHashMap<>();

  private StartupTimeline() {}

  /** Records {@code phase} now, the first time only (a phase that happens once). */
  public static void first(String phase) {
    if (!PHASES.containsKey(phase)) {
      record(phase);
    }
  }

  /** Records {@code phase} now, replacing an earlier record (e.g. a queue drained again). */
  public static void latest(String phase) {
    record(phase);
  }

  /** {seconds since the JVM began, process CPU seconds} of a phase, or null when not reached. */
  public static double[] get(String phase) {
    double[] at = PHASES.get(phase);
    return at == null ? null : at.clone();
  }

  private static void record(String phase) {
    double[] at = {ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0, processCpuSeconds()};
    if (PHASES.put(phase, at) == null) {
      Gauge.builder("flotilla.startup.seconds", () -> PHASES.get(phase)[0])
          .description("When this process reached a phase of its start, since the JVM began")
          .tag("phase", phase)
          .register(Metrics.globalRegistry);
      Gauge.builder("flotilla.startup.cpu.seconds", () -> PHASES.get(phase)[1])
          .description("The process's CPU seconds when it reached a phase of its start")
          .tag("phase", phase)
          .register(Metrics.globalRegistry);
    }
  }

  /** User and system CPU time of this process. */
  public static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }
}
