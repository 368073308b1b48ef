package dev.flotilla.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's CPU per Work status write ({@code PUT .../works/<name>/status} with identity,
 * resourceVersion and status only, as the agent sends it since session 10), read per thread group
 * from /proc: a figure that does not depend on how loaded the machine is, for an A/B of the update
 * path ({@code -Dflotilla.bench.hubClasspath=<other jar>} runs another build's hub).
 */
final class StatusWriteCost {
  private static final String NS = "statusbench";
  private static final String WORKS = "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works";

  private final int works;
  private final int rounds;
  private final int threads;

  StatusWriteCost(int works, int rounds, int threads) {
    this.works = works;
    this.rounds = rounds;
    this.threads = threads;
  }

  void run() throws Exception {
    Path work = Files.createTempDirectory("flotilla-bench");
    List<String> jvmArgs = new ArrayList<>(List.of("-Xmx1g"));
    String extra = System.getProperty("flotilla.bench.hubJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      jvmArgs.addAll(List.of(extra.split("\\s+")));
    }
    try (HubProcess hub = HubProcess.start(work.resolve("hub"), jvmArgs)) {
      HubClient client = hub.client();
      client.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}");
      for (int i = 0; i < works; i++) {
        HttpResponse<String> r = client.post(WORKS, work(i));
        if (r.statusCode() != 201) {
          throw new IllegalStateException("create " + i + ": " + r.statusCode() + " " + r.body());
        }
      }
      System.out.printf(
          "status writes: %d Works (a ConfigMap each), %d rounds of one write per Work from %d"
              + " threads, unconditional (no resourceVersion: one read-modify-write each)%n",
          works, rounds, threads);
      for (int round = 1; round <= rounds; round++) {
        Map<String, Double> before = ThreadCpu.sample(hub.process.pid());
        double hubBefore = RunCost.cpuSeconds(hub.process.pid());
        long t0 = System.nanoTime();
        int failed = writeRound(client, round);
        double wall = (System.nanoTime() - t0) / 1e9;
        double hubCpu = RunCost.cpuSeconds(hub.process.pid()) - hubBefore;
        Map<String, Double> after = ThreadCpu.sample(hub.process.pid());
        double workers =
            after.getOrDefault("api-worker-", 0.0) - before.getOrDefault("api-worker-", 0.0);
        double loops =
            after.getOrDefault("vert.x-eventloo", 0.0)
                - before.getOrDefault("vert.x-eventloo", 0.0);
        double store =
            after.getOrDefault("store-writer", 0.0) - before.getOrDefault("store-writer", 0.0);
        double jit =
            after.getOrDefault("C CompilerThre", 0.0) - before.getOrDefault("C CompilerThre", 0.0);
        System.out.printf(
            "round %d: %.0f writes/s, %d failed; hub CPU per write %.3f ms, without the JIT %.3f"
                + " (API workers %.3f, event loops %.3f, store writer %.3f) (%s)%n",
            round,
            works / wall,
            failed,
            1000 * hubCpu / works,
            1000 * (hubCpu - jit) / works,
            1000 * workers / works,
            1000 * loops / works,
            1000 * store / works,
            RunCost.load());
      }
    }
  }

  private int writeRound(HubClient client, int round) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < works; i = next.getAndIncrement()) {
                    HttpResponse<String> r =
                        client
                            .http()
                            .send(
                                client
                                    .request(WORKS + "/w" + i + "/status")
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(statusBody(i, round)))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200 && failed.getAndIncrement() == 0) {
                      System.out.println("first failure: " + r.statusCode() + " " + r.body());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return failed.get();
  }

  /** A Work as the binding controller writes one for a ConfigMap template. */
  static String work(int i) {
    return """
        {"apiVersion":"work.karmada.io/v1alpha1","kind":"Work",
         "metadata":{"name":"w%1$d","namespace":"%2$s",
          "labels":{"karmada.io/managed":"true",
           "resourcebinding.karmada.io/permanent-id":"0b6f1c5e-8c2a-4a57-9a55-%3$012d",
           "work.karmada.io/permanent-id":"5d3c2b1a-1f2e-4d3c-8b7a-%3$012d"},
          "annotations":{"resourcebinding.karmada.io/name":"cm%1$d-configmap",
           "resourcebinding.karmada.io/namespace":"bench",
           "work.karmada.io/conflict-resolution":"abort"},
          "finalizers":["karmada.io/execution-controller"]},
         "spec":{"workload":{"manifests":[{"apiVersion":"v1","kind":"ConfigMap",
          "metadata":{"name":"cm%1$d","namespace":"bench",
           "labels":{"app":"bench","propagationpolicy.karmada.io/permanent-id":"p-1",
            "karmada.io/managed":"true"},
           "annotations":{"propagationpolicy.karmada.io/name":"bench",
            "propagationpolicy.karmada.io/namespace":"bench",
            "resourcetemplate.karmada.io/uid":"a1b2c3d4-%3$012d"}},
          "data":{"key":"value-%1$d","other":"some longer configuration value for the bench"}}]}}}
        """
        .formatted(i, NS, i);
  }

  /** The agent's status write: identity and the status; this round's time makes it a change. */
  static String statusBody(int i, int round) {
    return """
        {"apiVersion":"work.karmada.io/v1alpha1","kind":"Work",
         "metadata":{"name":"w%1$d","namespace":"%2$s"},
         "status":{"conditions":[{"type":"Applied","status":"True","reason":"AppliedSuccessful",
           "message":"Manifest has been successfully applied",
           "lastTransitionTime":"2026-12-07T09:%3$02d:00Z"}],
          "manifestStatuses":[{"identifier":{"ordinal":0,"group":"","version":"v1",
           "kind":"ConfigMap","resource":"configmaps","namespace":"bench","name":"cm%1$d"},"health":"Healthy"}]}}
        """
        .formatted(i, NS, round % 60);
  }
}
