package dev.flotilla.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restarted hub's start split into phases, from one scrape of {@code /metrics/controllers}: when
 * (seconds since its JVM began) and at what process CPU each phase was reached (store opened, API
 * serving, leading, each controller's informers synced, each queue last drained), and the CPU
 * seconds each controller's reconciles took. Pure.
 */
final class StartupSplit {
  private static final Pattern PHASE =
      Pattern.compile("^flotilla_startup_(seconds|cpu_seconds)\\{phase=\"([^\"]+)\"\\} (\\S+)$");
  private static final Pattern WORK_CPU =
      Pattern.compile("^workqueue_work_cpu_seconds_total\\{name=\"([^\"]+)\"\\} (\\S+)$");
  private static final Pattern RECONCILES =
      Pattern.compile("^workqueue_work_duration_seconds_count\\{name=\"([^\"]+)\"\\} (\\S+)$");

  private StartupSplit() {}

  /**
   * Lines "phase: CPU in it, baseline, ms per template over the baseline": each phase's CPU (since
   * the phase before it, in the loaded hub's order) against the same phase of the empty hub's
   * restart, so what grows with the templates stands apart from what every start pays.
   */
  static List<String> perTemplate(String baselineMetrics, String metrics, int templates) {
    Map<String, Double> base = increments(phases(baselineMetrics));
    Map<String, Double> loaded = increments(phases(metrics));
    List<String> out = new ArrayList<>();
    out.add(String.format("%-40s %9s %9s %12s", "phase", "CPU s", "baseline", "ms/template"));
    double total = 0;
    double baseTotal = 0;
    for (Map.Entry<String, Double> e : loaded.entrySet()) {
      double b = base.getOrDefault(e.getKey(), 0.0);
      total += e.getValue();
      baseTotal += b;
      out.add(
          String.format(
              "%-40s %9.2f %9.2f %12.2f",
              e.getKey(), e.getValue(), b, (e.getValue() - b) * 1000 / templates));
    }
    out.add(
        String.format(
            "%-40s %9.2f %9.2f %12.2f",
            "total", total, baseTotal, (total - baseTotal) * 1000 / templates));
    return out;
  }

  /** phase -> {seconds since the JVM began, process CPU seconds then}. */
  private static Map<String, double[]> phases(String metrics) {
    Map<String, double[]> phases = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      Matcher m = PHASE.matcher(line);
      if (m.matches()) {
        double[] at = phases.computeIfAbsent(m.group(2), k -> new double[2]);
        at[m.group(1).equals("seconds") ? 0 : 1] = Double.parseDouble(m.group(3));
      }
    }
    return phases;
  }

  /** Phases in time order, each with the CPU seconds spent since the one before. */
  private static Map<String, Double> increments(Map<String, double[]> phases) {
    List<Map.Entry<String, double[]>> ordered = new ArrayList<>(phases.entrySet());
    ordered.sort((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0]));
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    double previous = 0;
    for (Map.Entry<String, double[]> e : ordered) {
      out.put(e.getKey(), e.getValue()[1] - previous);
      previous = e.getValue()[1];
    }
    return out;
  }

  /**
   * Lines "phase: at s, cpu s (+cpu since the previous phase)" in time order, then CPU by queue.
   */
  static List<String> render(String metrics) {
    Map<String, double[]> phases = phases(metrics);
    Map<String, Double> queueCpu = new TreeMap<>();
    Map<String, Double> reconciles = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      Matcher w = WORK_CPU.matcher(line);
      if (w.matches()) {
        queueCpu.put(w.group(1), Double.parseDouble(w.group(2)));
      }
      Matcher r = RECONCILES.matcher(line);
      if (r.matches()) {
        reconciles.put(r.group(1), Double.parseDouble(r.group(2)));
      }
    }
    List<Map.Entry<String, double[]>> ordered = new ArrayList<>(phases.entrySet());
    ordered.sort((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0]));
    List<String> out = new ArrayList<>();
    double previousCpu = 0;
    for (Map.Entry<String, double[]> e : ordered) {
      double[] at = e.getValue();
      out.add(
          String.format(
              "%-40s at %7.2f s, hub CPU %6.1f s (+%.1f)",
              e.getKey(), at[0], at[1], at[1] - previousCpu));
      previousCpu = at[1];
    }
    StringBuilder cpu = new StringBuilder("reconcile CPU by controller (s, reconciles):");
    queueCpu.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .filter(e -> e.getValue() >= 0.05)
        .forEach(
            e ->
                cpu.append(
                    String.format(
                        " %s %.1f (%.0f)",
                        e.getKey(), e.getValue(), reconciles.getOrDefault(e.getKey(), 0.0))));
    out.add(cpu.toString());
    return out;
  }
}
