package dev.flotilla.bench;

import java.nio.file.Files;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The create phases of {@code bench apiserver}: the clients (h2 streams on one connection, or one
 * HTTP/1.1 connection per request in flight), and a warm-up that goes on until the hub's JIT
 * compiler has settled, because the raw baseline it is compared with is a steady rate.
 */
final class CreatePhases implements AutoCloseable {
  /** Warm-up rounds stop once the JIT compiler took less than this share of the hub's CPU. */
  private static final double SETTLED_JIT_SHARE = 0.10;

  private final HubProcess hub;
  private final int threads;
  private final boolean http2;
  private final H2Creates h2;
  private final HubClient http1;

  CreatePhases(HubProcess hub, int threads, boolean http2) throws Exception {
    this.hub = hub;
    this.threads = threads;
    this.http2 = http2;
    this.h2 =
        http2
            ? new H2Creates(
                hub.port,
                hub.dataDir.resolve("pki/ca.crt"),
                Files.readString(hub.dataDir.resolve("admin.token")).trim())
            : null;
    this.http1 = http2 ? null : hub.client();
  }

  /** {@code count} creates in {@code namespace}, named by {@code name}; creates per second. */
  double run(String namespace, int count, IntFunction<String> body) throws Exception {
    String path = "/api/v1/namespaces/" + namespace + "/configmaps";
    if (http2) {
      return h2.perSecond(path, count, threads, body);
    }
    return ParallelCalls.perSecond(
        threads, count, i -> ParallelCalls.expect(http1.post(path, body.apply(i)), 201));
  }

  /** How the creates travel, for the figures' lines. */
  String protocol() throws Exception {
    if (http2) {
      String spoken = h2.protocol();
      return ("h2".equals(spoken) ? "h2" : "NOT h2 (" + spoken + ")")
          + ", "
          + threads
          + " streams in flight on one connection";
    }
    return "HTTP/1.1, " + threads + " connections with one request each in flight";
  }

  /**
   * Warms the hub up in {@code namespace}: a first round of {@code first} creates (printed as the
   * cold rate), then rounds of {@code round} until the JIT compiler's share of the hub's CPU in a
   * round falls under 10%, or {@code most} creates in all. Prints what it took.
   */
  /** Returns how many creates the warm-up made (they stay in the hub). */
  int warmUp(String namespace, int first, int round, int most, IntFunction<String> body)
      throws Exception {
    long started = System.nanoTime();
    double cold = run(namespace, first, body);
    System.out.printf(
        "creates   %.0f/s cold (the hub's first %d creates, its JIT warming up)%n", cold, first);
    int done = first;
    double share = 1;
    int rounds = 0;
    while (done < most) {
      long pid = hub.process.pid();
      Map<String, Double> before = ThreadCpu.sample(pid);
      double hubBefore = RunCost.cpuSeconds(pid);
      int offset = done;
      run(namespace, round, i -> body.apply(offset + i));
      done += round;
      rounds++;
      share = jit(before, ThreadCpu.sample(pid)) / (RunCost.cpuSeconds(pid) - hubBefore);
      if (share < SETTLED_JIT_SHARE) {
        break;
      }
    }
    System.out.printf(
        "warm-up   %d creates in all (%d more rounds of %d) in %.0f s, the JIT compiler's share of"
            + " the hub's CPU in the last round %.0f%%%s%n",
        done,
        rounds,
        round,
        (System.nanoTime() - started) / 1e9,
        share * 100,
        share < SETTLED_JIT_SHARE ? "" : " (not settled: the measured creates include JIT work)");
    return done;
  }

  /** CPU seconds of the JIT compiler threads between two samples. */
  static double jit(Map<String, Double> before, Map<String, Double> after) {
    double jit = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      if (e.getKey().contains("CompilerThre")) {
        jit += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      }
    }
    return jit;
  }

  @Override
  public void close() {
    if (h2 != null) {
      h2.close();
    }
  }
}
