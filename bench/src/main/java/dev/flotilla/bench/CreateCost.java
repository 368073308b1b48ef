package dev.flotilla.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one write cost, read before and after a phase: CPU per write (from /proc, so independent of
 * how loaded the shared machine is) of the hub (split by thread group), of etcd, and of this
 * benchmark's own process (its clients), and on etcd the gRPC calls etcd served per write by method
 * (its own {@code grpc_server_handled_total} counters), which counts a create's round trips. On a
 * machine whose cores all of them share, the CPU per write bounds the rate.
 */
final class CreateCost {
  private static final Pattern HANDLED =
      Pattern.compile(
          "^grpc_server_handled_total\\{[^}]*grpc_method=\"(\\w+)\"[^}]*\\} ([0-9.e+]+)$",
          Pattern.MULTILINE);

  /**
   * etcd's own counters of what it did, by a short name: ranges its MVCC store served (the
   * transactions' compares and the watch's previous values included: etcd 3.4 reads those through a
   * range each), events sent to watchers, WAL fsyncs and backend (bbolt) commits, whose count per
   * write shows how many writes etcd batched into one.
   */
  private static final Map<String, String> INTERNALS =
      Map.of(
          "etcd_debugging_mvcc_range_total", "mvcc ranges",
          "etcd_debugging_mvcc_put_total", "mvcc puts",
          "etcd_debugging_mvcc_events_total", "watch events sent",
          "etcd_disk_wal_fsync_duration_seconds_count", "WAL fsyncs",
          "etcd_disk_backend_commit_duration_seconds_count", "backend commits");

  /** The processes to read, -1 for one that is not part of the phase. */
  record Pids(long hub, long etcd) {}

  private final Pids pids;
  private final Optional<URI> etcdMetrics;
  private final double hubBefore;
  private final double etcdBefore;
  private final double selfBefore;
  private final Map<String, Double> threadsBefore;
  private final Map<String, Double> callsBefore;

  private CreateCost(Pids pids, Optional<URI> etcdMetrics) throws Exception {
    this.pids = pids;
    this.etcdMetrics = etcdMetrics;
    this.hubBefore = cpu(pids.hub());
    this.etcdBefore = cpu(pids.etcd());
    this.selfBefore = selfCpu();
    this.threadsBefore = pids.hub() < 0 ? Map.of() : ThreadCpu.sample(pids.hub());
    this.callsBefore = etcdCalls(etcdMetrics);
  }

  /** Starts counting; {@code etcdClientUrl} is empty for a store that is not etcd. */
  static CreateCost start(Pids pids, Optional<URI> etcdClientUrl) throws Exception {
    return new CreateCost(pids, etcdClientUrl.map(u -> u.resolve("/metrics")));
  }

  /** Prints CPU per write of each process, the hub's largest thread groups, etcd's calls. */
  void print(String label, int writes) throws Exception {
    double hub = cpu(pids.hub()) - hubBefore;
    double etcd = cpu(pids.etcd()) - etcdBefore;
    double self = selfCpu() - selfBefore;
    StringBuilder line = new StringBuilder(String.format("%-9s CPU ms per write:", label));
    Map<String, Double> threadsAfter = pids.hub() < 0 ? Map.of() : ThreadCpu.sample(pids.hub());
    if (pids.hub() >= 0) {
      // The JIT compiler's share shrinks as a run grows: printed apart, so runs compare.
      double jit = 0;
      for (Map.Entry<String, Double> e : threadsAfter.entrySet()) {
        if (e.getKey().contains("CompilerThre")) {
          jit += e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0.0);
        }
      }
      line.append(
          String.format(
              " hub %.3f (%.3f without the JIT compiler),",
              hub * 1000 / writes, (hub - jit) * 1000 / writes));
    }
    if (pids.etcd() >= 0) {
      line.append(String.format(" etcd %.3f,", etcd * 1000 / writes));
    }
    line.append(
        String.format(
            " benchmark clients %.3f; total %.3f (load-independent)",
            self * 1000 / writes, (Math.max(0, hub) + Math.max(0, etcd) + self) * 1000 / writes));
    System.out.println(line);
    if (pids.hub() >= 0) {
      System.out.printf(
          "%-9s hub CPU by thread group, ms per write: %s%n",
          label, ThreadCpu.top(threadsBefore, threadsAfter, writes, 7, "%.3f"));
    }
    if (etcdMetrics.isPresent()) {
      Map<String, Double> after = etcdCalls(etcdMetrics);
      StringBuilder perWrite = new StringBuilder();
      for (Map.Entry<String, Double> e : after.entrySet()) {
        double d = e.getValue() - callsBefore.getOrDefault(e.getKey(), 0.0);
        if (d >= writes / 100.0 && !INTERNALS.containsKey(e.getKey())) {
          perWrite.append(String.format(" %s %.2f", e.getKey(), d / writes));
        }
      }
      System.out.printf("%-9s etcd gRPC calls per write:%s%n", label, perWrite);
      StringBuilder inside = new StringBuilder();
      for (String name : new java.util.TreeSet<>(INTERNALS.keySet())) {
        double d = after.getOrDefault(name, 0.0) - callsBefore.getOrDefault(name, 0.0);
        inside.append(String.format(" %s %.3f,", INTERNALS.get(name), d / writes));
      }
      System.out.printf(
          "%-9s etcd inside, per write:%s%n", label, inside.substring(0, inside.length() - 1));
    }
  }

  private static double cpu(long pid) throws Exception {
    return pid < 0 ? 0 : RunCost.cpuSeconds(pid);
  }

  private static double selfCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** etcd's handled gRPC calls by method, summed over codes and services, and its INTERNALS. */
  private static Map<String, Double> etcdCalls(Optional<URI> metrics) throws Exception {
    Map<String, Double> calls = new TreeMap<>();
    if (metrics.isEmpty()) {
      return calls;
    }
    HttpClient http = HttpClient.newHttpClient();
    String body =
        http.send(
                HttpRequest.newBuilder(metrics.get()).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = HANDLED.matcher(body);
    while (m.find()) {
      calls.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
    }
    for (String line : body.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && INTERNALS.containsKey(line.substring(0, space))) {
        calls.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
      }
    }
    return calls;
  }
}
