package dev.flotilla.bench;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.audit.AuditOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of the audit log: creates/s and gets/s of one hub without auditing against one that
 * records every request at RequestResponse level (the most a policy can ask), in the same run,
 * rounds interleaved and who goes first alternating, so drift of the machine falls on both alike.
 * Prints figures; asserts nothing.
 */
final class AuditCost {
  private static final int ROUNDS = 6;

  private final int objects;
  private final int threads;
  private final String level;
  private final boolean omitReceived;

  /**
   * @param level the one rule's level: Metadata, Request or RequestResponse
   * @param omitReceived leave out the RequestReceived stage, as most policies do
   */
  AuditCost(int objects, int threads, String level, boolean omitReceived) {
    this.objects = objects;
    this.threads = threads;
    this.level = level;
    this.omitReceived = omitReceived;
  }

  private int eventsPerRequest() {
    return omitReceived ? 1 : 2;
  }

  void run() throws Exception {
    Path work = Files.createTempDirectory("flotilla-bench-audit");
    Path policy = work.resolve("policy.yaml");
    Files.writeString(
        policy,
        "apiVersion: audit.k8s.io/v1\nkind: Policy\n"
            + (omitReceived ? "omitStages: [RequestReceived]\n" : "")
            + "rules:\n- level: "
            + level
            + "\n");
    Path log = work.resolve("audited").resolve("audit.log");
    HubConfig plainConfig = HubConfig.of(work.resolve("plain"), 0);
    HubConfig auditedConfig =
        HubConfig.of(work.resolve("audited"), 0)
            .withSecurity(
                new HubConfig.Security(
                    Optional.of(new AuditOptions(log, Optional.of(policy), 100, 2, 0)),
                    Optional.empty()));
    try (HubServer plain = HubServer.create(plainConfig).start();
        HubServer audited = HubServer.create(auditedConfig).start()) {
      HubClient p = client(plain);
      HubClient a = client(audited);
      int perRound = Math.max(1, objects / ROUNDS);
      double[][] rates = new double[4][ROUNDS]; // plain creates, audited creates, plain gets, ...
      for (int round = 0; round < ROUNDS; round++) {
        boolean plainFirst = round % 2 == 0;
        for (int turn = 0; turn < 2; turn++) {
          boolean isPlain = (turn == 0) == plainFirst;
          HubClient c = isPlain ? p : a;
          int slot = isPlain ? 0 : 1;
          rates[slot][round] = creates(c, round * perRound, perRound);
          rates[slot + 2][round] = gets(c, (round + 1) * perRound);
        }
      }
      report("creates", rates[0], rates[1]);
      report("gets   ", rates[2], rates[3]);
      long bytes = 0;
      try (var files = Files.list(log.getParent())) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("audit")).toList()) {
          bytes += Files.size(f);
        }
      }
      Thread.sleep(3000); // let the writer drain its queue
      long lines;
      try (var in = Files.lines(log)) {
        lines = in.count();
      }
      long writerCpu = 0;
      java.lang.management.ThreadMXBean mx =
          java.lang.management.ManagementFactory.getThreadMXBean();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("audit-log-writer")) {
          writerCpu += mx.getThreadCpuTime(t.getId());
        }
      }
      double perEvent = writerCpu / 1000.0 / Math.max(1, lines);
      System.out.printf(
          "audit     writer thread CPU %.1f us per event (%d events in the live file)%n",
          perEvent, lines);
      // A get costs the hub (cores / rate) of CPU at saturation.
      double getCpuMicros = 1e6 * Runtime.getRuntime().availableProcessors() / mean(rates[2]);
      System.out.printf(
          "audit     writing a get's %d event(s) is %.1f%% of the hub CPU a get takes unaudited"
              + " (%.0f us)%n",
          eventsPerRequest(), 100 * eventsPerRequest() * perEvent / getCpuMicros, getCpuMicros);
      System.out.printf(
          "audit     %d MB of %s events written for %d requests (%d cores)%n",
          bytes / (1024 * 1024),
          level,
          (long) ROUNDS * perRound + (long) ROUNDS * (ROUNDS + 1) / 2 * perRound,
          Runtime.getRuntime().availableProcessors());
    }
  }

  private static HubClient client(HubServer hub) throws Exception {
    return new HubClient(
        hub.url(), hub.certificateAuthority().caCertPath(), hub.authenticator().adminToken());
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static void report(String what, double[] plain, double[] audited) {
    double[] ratios = new double[plain.length];
    for (int i = 0; i < plain.length; i++) {
      ratios[i] = audited[i] / plain[i];
    }
    Arrays.sort(ratios);
    double median = (ratios[(ratios.length - 1) / 2] + ratios[ratios.length / 2]) / 2;
    System.out.printf(
        "audit     %s no audit %.0f/s, audited %.0f/s; audited/plain per round,"
            + " median %+.1f%% (rounds %s)%n",
        what,
        Arrays.stream(plain).average().orElse(0),
        Arrays.stream(audited).average().orElse(0),
        100.0 * (median - 1),
        Arrays.toString(
            Arrays.stream(ratios).map(r -> Math.round(1000 * (r - 1)) / 10.0).toArray()));
  }

  private double creates(HubClient client, int from, int count) throws Exception {
    return parallel(
        count,
        i ->
            check(
                client.post(
                    "/api/v1/namespaces/default/configmaps",
                    "{\"metadata\":{\"name\":\"cm-" + (from + i) + "\"},\"data\":{\"k\":\"v\"}}"),
                201));
  }

  private double gets(HubClient client, int existing) throws Exception {
    return parallel(
        existing, i -> check(client.get("/api/v1/namespaces/default/configmaps/cm-" + i), 200));
  }

  private interface Call {
    void run(int i) throws Exception;
  }

  private double parallel(int count, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      pool.execute(
          () -> {
            for (int i; (i = next.getAndIncrement()) < count; ) {
              try {
                call.run(i);
              } catch (Exception e) {
                failures.incrementAndGet();
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    if (failures.get() > 0) {
      System.out.printf("          (%d of %d calls failed)%n", failures.get(), count);
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static void check(HttpResponse<String> response, int expected) {
    if (response.statusCode() != expected) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
  }
}
