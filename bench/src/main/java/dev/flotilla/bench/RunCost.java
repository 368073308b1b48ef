package dev.flotilla.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a phase of a run cost, read from the processes themselves: the hub's CPU seconds (from
 * /proc, user + system, not estimated), its requests and thread starts (from its /metrics), and the
 * same for the benchmark JVM that holds the simulated members and their agents.
 *
 * @param hubCpuSeconds CPU time of the hub process
 * @param hubThreadsStarted threads the hub JVM has started since it began
 * @param hubRequests the hub's request counters, keyed "verb resource code"
 * @param simCpuSeconds CPU time of this (simulation) process
 * @param simThreadsStarted threads this JVM has started since it began
 */
record RunCost(
    double hubCpuSeconds,
    double hubThreadsStarted,
    Map<String, Double> hubRequests,
    double simCpuSeconds,
    long simThreadsStarted) {

  /** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every Linux we run on). */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final String THREADS_STARTED = "jvm_threads_started_threads_total";

  static RunCost sample(FleetUnderTest fleet) throws Exception {
    String metrics = fleet.hub.client().get("/metrics").body();
    return new RunCost(
        cpuSeconds(fleet.hub.process.pid()),
        metric(metrics, THREADS_STARTED),
        FederationBench.requestCounts(metrics),
        cpuSeconds(ProcessHandle.current().pid()),
        ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
  }

  /** User + system CPU seconds of a process, from fields 14 and 15 of /proc/<pid>/stat. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // The command name (field 2) may hold spaces; the fixed fields start after its ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** Threads a process holds right now, from /proc/<pid>/status. */
  static int liveThreads(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    return -1;
  }

  private static double metric(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** Total hub requests between two samples. */
  static double requestsBetween(RunCost before, RunCost after) {
    return between(before, after, false);
  }

  /** Hub writes (create, update, patch, delete) between two samples. */
  static double writesBetween(RunCost before, RunCost after) {
    return between(before, after, true);
  }

  private static double between(RunCost before, RunCost after, boolean writesOnly) {
    double total = 0;
    for (Map.Entry<String, Double> e : after.hubRequests.entrySet()) {
      String verb = e.getKey().substring(0, e.getKey().indexOf(' '));
      if (writesOnly && !WRITE_VERBS.contains(verb)) {
        continue;
      }
      total += Math.max(0, e.getValue() - before.hubRequests.getOrDefault(e.getKey(), 0.0));
    }
    return total;
  }

  private static final java.util.Set<String> WRITE_VERBS =
      java.util.Set.of("create", "update", "patch", "delete", "deletecollection");

  /**
   * The fewest hub writes a template can cost at {@code clusters} clusters: one binding write, one
   * schedule write, one Work write per cluster, one status write per Work, one aggregated status.
   */
  static int floorWrites(int clusters) {
    return 3 + 2 * clusters;
  }

  /** One line: per-template hub CPU and requests (with the floor), thread starts on both sides. */
  static String perTemplate(RunCost before, RunCost after, int templates, int clusters) {
    return String.format(
        "hub CPU %.1f ms/template (%.2f s), hub requests %.1f/template, of which writes %.1f"
            + " (floor %d); threads started: hub %.0f, sim %d; sim CPU %.1f ms/template",
        (after.hubCpuSeconds - before.hubCpuSeconds) * 1000 / templates,
        after.hubCpuSeconds - before.hubCpuSeconds,
        requestsBetween(before, after) / templates,
        writesBetween(before, after) / templates,
        floorWrites(clusters),
        after.hubThreadsStarted - before.hubThreadsStarted,
        after.simThreadsStarted - before.simThreadsStarted,
        (after.simCpuSeconds - before.simCpuSeconds) * 1000 / templates);
  }

  /**
   * The fleet's steady cost per second with nothing to propagate (leases, cluster status), to take
   * out of a slow phase's per-template figures.
   */
  record Idle(double cpuPerSecond, double requestsPerSecond, double writesPerSecond) {
    static Idle between(RunCost before, RunCost after, double seconds) {
      return new Idle(
          (after.hubCpuSeconds - before.hubCpuSeconds) / seconds,
          requestsBetween(before, after) / seconds,
          writesBetween(before, after) / seconds);
    }

    /** Per-template hub CPU, requests and writes of a phase, less this rate over its duration. */
    String net(RunCost before, RunCost after, double seconds, int templates, int clusters) {
      return String.format(
          "hub CPU %.1f ms/template, hub requests %.1f/template, of which writes %.1f (floor %d)",
          (after.hubCpuSeconds - before.hubCpuSeconds - cpuPerSecond * seconds) * 1000 / templates,
          (requestsBetween(before, after) - requestsPerSecond * seconds) / templates,
          (writesBetween(before, after) - writesPerSecond * seconds) / templates,
          floorWrites(clusters));
    }
  }

  /** The machine's load averages, to read noisy figures by. */
  static String load() {
    try {
      String[] avg = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "load " + avg[0] + " " + avg[1] + " " + avg[2];
    } catch (IOException e) {
      return "load ?";
    }
  }
}
