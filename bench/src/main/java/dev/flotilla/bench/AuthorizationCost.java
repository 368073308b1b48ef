package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;

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
    ParallelCalls.expect(
        admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"authz\"}}"), 201);
    ParallelCalls.expect(
        admin.post(
            "/apis/rbac.authorization.k8s.io/v1/namespaces/authz/rolebindings", binding(USER)),
        201);
    for (int i = 0; i < OTHER_TEAMS; i++) {
      // Other teams' bindings, in this namespace and their own, as a shared hub would hold.
      ParallelCalls.expect(
          admin.post(
              "/apis/rbac.authorization.k8s.io/v1/namespaces/authz/rolebindings",
              binding("team-" + i)),
          201);
    }
    InterleavedRounds.Rates rates =
        InterleavedRounds.compare(
            ROUNDS,
            objects,
            InterleavedRounds.configMaps(admin, threads, "authz", "a"),
            InterleavedRounds.configMaps(editor, threads, "authz", "e"),
            new InterleavedRounds.Names(
                "authz     ", "admin", "RBAC-evaluated editor", "editor/admin"));
    double decision = AuthorizationDecisions.run(work.resolve("decisions"), OTHER_TEAMS);
    // The hub spends (cores / rate) of CPU per get at saturation; RBAC's share of that.
    double getCpuNanos =
        1e9 * Runtime.getRuntime().availableProcessors() / InterleavedRounds.mean(rates.baseGets());
    System.out.printf(
        "authz     RBAC's decision is %.2f%% of the hub CPU a get takes at the admin's rate"
            + " (%.0f us)%n",
        100 * decision / getCpuNanos, getCpuNanos / 1000);
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
}
