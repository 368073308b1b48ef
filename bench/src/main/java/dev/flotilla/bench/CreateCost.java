package dev.flotilla.bench;

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
 * What one create cost, read before and after a phase of creates: the hub's CPU (from /proc, so
 * independent of how loaded the shared machine is) split by thread group, and, on etcd, the gRPC
 * calls etcd served per create by method (its own {@code grpc_server_handled_total} counters),
 * which counts the round trips a create makes.
 */
final class CreateCost {
  private static final Pattern HANDLED =
      Pattern.compile(
          "^grpc_server_handled_total\\{[^}]*grpc_method=\"(\\w+)\"[^}]*\\} ([0-9.e+]+)$",
          Pattern.MULTILINE);

  private final long hubPid;
  private final Optional<URI> etcdMetrics;
  private final double cpuBefore;
  private final Map<String, Double> threadsBefore;
  private final Map<String, Double> callsBefore;

  private CreateCost(long hubPid, Optional<URI> etcdMetrics) throws Exception {
    this.hubPid = hubPid;
    this.etcdMetrics = etcdMetrics;
    this.cpuBefore = RunCost.cpuSeconds(hubPid);
    this.threadsBefore = ThreadCpu.sample(hubPid);
    this.callsBefore = etcdCalls(etcdMetrics);
  }

  /** Starts counting; {@code etcdClientUrl} is empty for a store that is not etcd. */
  static CreateCost start(long hubPid, Optional<URI> etcdClientUrl) throws Exception {
    return new CreateCost(hubPid, etcdClientUrl.map(u -> u.resolve("/metrics")));
  }

  /** Prints the hub's CPU per create, its largest thread groups, and etcd's calls per create. */
  void print(int creates) throws Exception {
    double cpu = RunCost.cpuSeconds(hubPid) - cpuBefore;
    System.out.printf(
        "creates   hub CPU %.2f ms per create (load-independent); by thread group, ms per create: %s%n",
        cpu * 1000 / creates, ThreadCpu.top(threadsBefore, ThreadCpu.sample(hubPid), creates, 6));
    if (etcdMetrics.isPresent()) {
      Map<String, Double> after = etcdCalls(etcdMetrics);
      StringBuilder perCreate = new StringBuilder();
      for (Map.Entry<String, Double> e : after.entrySet()) {
        double d = e.getValue() - callsBefore.getOrDefault(e.getKey(), 0.0);
        if (d >= creates / 100.0) {
          perCreate.append(String.format(" %s %.2f", e.getKey(), d / creates));
        }
      }
      System.out.printf("creates   etcd gRPC calls per create:%s%n", perCreate);
    }
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
