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
        if (d >= writes / 100.0) {
          perWrite.append(String.format(" %s %.2f", e.getKey(), d / writes));
        }
      }
      System.out.printf("%-9s etcd gRPC calls per write:%s%n", label, perWrite);
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

  /** etcd's handled gRPC calls by method, summed over codes and services. */
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
    return calls;
  }
}
