package dev.flotilla.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and threads started by the hub process and by this one (members, simulators, agents),
 * read at two instants: what a phase cost, which on a shared machine says more than its latency.
 */
record ProcessCost(
    double hubCpuSeconds, double hubThreads, double benchCpuSeconds, long benchThreads) {

  static ProcessCost now(FleetUnderTest fleet) throws Exception {
    String metrics = fleet.hub.client().get("/metrics").body();
    double threads = Double.NaN;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_threads_started_threads_total")) {
        threads = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new ProcessCost(
        cpuSeconds(fleet.hub.process.pid()),
        threads,
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1e9,
        ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
  }

  /** utime + stime of a process, from /proc (clock ticks of 1/100 s on Linux). */
  private static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  String since(ProcessCost before, int changes) {
    return String.format(
        "hub %.1f s CPU (%.1f ms per change), %.0f threads started; members and agents %.1f s CPU"
            + " (%.1f ms per change), %d threads started",
        hubCpuSeconds - before.hubCpuSeconds,
        (hubCpuSeconds - before.hubCpuSeconds) * 1000 / Math.max(1, changes),
        hubThreads - before.hubThreads,
        benchCpuSeconds - before.benchCpuSeconds,
        (benchCpuSeconds - before.benchCpuSeconds) * 1000 / Math.max(1, changes),
        benchThreads - before.benchThreads);
  }
}
