package dev.flotilla.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of RBAC: creates/s and gets/s for a user whose every request RBAC evaluates (the edit
 * role bound in one namespace, among many bindings of other users) against the admin, whom the
 * privileged-group check lets through, in the same hub, interleaved round by round so drift of the
 * machine falls on both alike. Prints figures; asserts nothing.
 */
final class AuthorizationCost {
  static final String USER = "bench-editor";
  static final String TOKEN = "bench-editor-token";
  private static final int ROUNDS = 8;
  private static final int OTHER_TEAMS = 200;

  private final int objects;
  private final int threads;

  AuthorizationCost(int objects, int threads) {
    this.objects = objects;
    this.threads = threads;
  }

  /** The token file line that makes {@link #USER} known to the hub (no groups of its own). */
  static Path tokenFile(Path dir) throws Exception {
    Path file = dir.resolve("tokens.csv");
    StringBuilder csv = new StringBuilder(TOKEN + "," + USER + ",uid-bench-editor\n");
    for (int i = 0; i < OTHER_TEAMS; i++) {
      csv.append("team-token-")
          .append(i)
          .append(",team-")
          .append(i)
          .append(",uid-")
          .append(i)
          .append('\n');
    }
    Files.writeString(file, csv);
    return file;
  }

  void run(HubProcess hub, Path work) throws Exception {
    HubClient admin = hub.client();
    HubClient editor = hub.client(TOKEN);
    check(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"authz\"}}"), 201);
    check(
        admin.post(
            "/apis/rbac.authorization.k8s.io/v1/namespaces/authz/rolebindings", binding(USER)),
        201);
    for (int i = 0; i < OTHER_TEAMS; i++) {
      // Other teams' bindings, in this namespace and their own, as a shared hub would hold.
      check(
          admin.post(
              "/apis/rbac.authorization.k8s.io/v1/namespaces/authz/rolebindings",
              binding("team-" + i)),
          201);
    }
    int perRound = Math.max(1, objects / ROUNDS);
    double[] adminCreates = new double[ROUNDS];
    double[] editorCreates = new double[ROUNDS];
    double[] adminGets = new double[ROUNDS];
    double[] editorGets = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      int base = round * perRound;
      int existing = (round + 1) * perRound;
      // Who goes first alternates, so warm-up and drift do not favour either.
      boolean adminFirst = round % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        if ((turn == 0) == adminFirst) {
          adminCreates[round] = creates(admin, "a", base, perRound);
          adminGets[round] = gets(admin, "a", existing);
        } else {
          editorCreates[round] = creates(editor, "e", base, perRound);
          editorGets[round] = gets(editor, "e", existing);
        }
      }
    }
    report("creates", adminCreates, editorCreates);
    report("gets   ", adminGets, editorGets);
    double decision = AuthorizationDecisions.run(work.resolve("decisions"), OTHER_TEAMS);
    // The hub spends (cores / rate) of CPU per get at saturation; RBAC's share of that.
    double getCpuNanos = 1e9 * Runtime.getRuntime().availableProcessors() / mean(adminGets);
    System.out.printf(
        "authz     RBAC's decision is %.2f%% of the hub CPU a get takes at the admin's rate"
            + " (%.0f us)%n",
        100 * decision / getCpuNanos, getCpuNanos / 1000);
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }

  /** Mean rates and the median of the per-round editor/admin ratios (robust to a noisy round). */
  private static void report(String what, double[] admin, double[] editor) {
    double[] ratios = new double[admin.length];
    for (int i = 0; i < admin.length; i++) {
      ratios[i] = editor[i] / admin[i];
    }
    java.util.Arrays.sort(ratios);
    double median =
        ratios.length % 2 == 1
            ? ratios[ratios.length / 2]
            : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    System.out.printf(
        "authz     %s admin %.0f/s, RBAC-evaluated editor %.0f/s; editor/admin per round, median"
            + " %+.1f%% (rounds %s)%n",
        what,
        java.util.Arrays.stream(admin).average().orElse(0),
        java.util.Arrays.stream(editor).average().orElse(0),
        100.0 * (median - 1),
        java.util.Arrays.toString(
            java.util.Arrays.stream(ratios).map(r -> Math.round(1000 * (r - 1)) / 10.0).toArray()));
  }

  private double creates(HubClient client, String prefix, int from, int count) throws Exception {
    return parallel(
        count,
        i ->
            check(
                client.post(
                    "/api/v1/namespaces/authz/configmaps",
                    "{\"metadata\":{\"name\":\""
                        + prefix
                        + "-"
                        + (from + i)
                        + "\"},\"data\":{\"k\":\"v\"}}"),
                201));
  }

  private double gets(HubClient client, String prefix, int existing) throws Exception {
    return parallel(
        existing,
        i -> check(client.get("/api/v1/namespaces/authz/configmaps/" + prefix + "-" + i), 200));
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

  private static String binding(String user) {
    return "{\"metadata\":{\"name\":\""
        + user
        + "-edit\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\","
        + "\"name\":\"edit\"},\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\","
        + "\"kind\":\"User\",\"name\":\""
        + user
        + "\"}]}";
  }

  private static void check(HttpResponse<String> response, int expected) {
    if (response.statusCode() != expected) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
  }
}
