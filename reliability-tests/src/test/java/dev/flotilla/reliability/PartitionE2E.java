package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Partition: the hub and the members (with their agents, {@code flotilla sim}) run as separate
 * processes. With the hub SIGKILLed for a while (20 s in the short form, 5 minutes in the long) the
 * members keep every object untouched; when the hub returns the agents converge (a changed and a
 * new template arrive) with no drift and no object deleted or re-created (same uids). The same
 * holds when the agents' process is killed and restarted instead.
 */
class PartitionE2E {
  private static final String NS = "partition";
  private static final List<String> MEMBERS = List.of("member1", "member2");

  private Path hubDir;
  private Path simDir;
  private int port;

  @Test
  void membersStayUntouchedWhileCutOffAndConvergeAfter() throws Exception {
    hubDir = Files.createTempDirectory("flotilla-partition-hub");
    simDir = Files.createTempDirectory("flotilla-partition-sim");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // fixed, so the agents find the restarted hub where they left it
    }
    Processes hub = startHub();
    Processes sim = startSim("--hub-kubeconfig", hubDir.resolve("kubeconfig").toString());
    try (KubernetesClient admin = Kubeconfigs.client(hubDir.resolve("kubeconfig"), "flotilla")) {
      admin.resource(Fleet.namespace(NS)).create();
      for (int i = 0; i < 5; i++) {
        admin.resource(Fleet.configMap(NS, "cm-" + i, "v0")).create();
      }
      admin.resource(Fleet.policy(NS, MEMBERS)).create();
      Map<String, String> before = Fleet.awaitMembers(simDir, NS, MEMBERS, Map.of());

      hub.kill();
      long checks = Fleet.holdsStill(simDir, NS, MEMBERS, before, Form.partition());
      hub = startHub();
      admin.configMaps().inNamespace(NS).withName("cm-0").edit(c -> Fleet.withValue(c, "v1"));
      admin.resource(Fleet.configMap(NS, "cm-new", "v0")).create();
      Map<String, String> afterHubRestart =
          Fleet.awaitMembers(simDir, NS, MEMBERS, Map.of("cm-0", "v1", "cm-new", "v0"));
      int recreated = Fleet.changedUids(before, afterHubRestart);

      sim.kill();
      admin.configMaps().inNamespace(NS).withName("cm-1").edit(c -> Fleet.withValue(c, "v2"));
      // Restarted with the hub's URL, CA and token given one by one (the other way to join).
      sim =
          startSim(
              "--hub-url",
              "https://127.0.0.1:" + port,
              "--hub-ca-file",
              hubDir.resolve("pki/ca.crt").toString(),
              "--hub-token-file",
              hubDir.resolve("admin.token").toString());
      Map<String, String> afterAgentRestart =
          Fleet.awaitMembers(
              simDir, NS, MEMBERS, Map.of("cm-0", "v1", "cm-1", "v2", "cm-new", "v0"));
      recreated += Fleet.changedUids(afterHubRestart, afterAgentRestart);
      System.out.printf(
          "RELIABILITY partition (%s): hub SIGKILLed for %s, %d checks of %d members found them"
              + " untouched; converged after hub restart and agent restart, %d objects deleted or"
              + " re-created%n",
          Form.name(), Form.partition(), checks, MEMBERS.size(), recreated);
      assertEquals(0, recreated, "member objects deleted or re-created");
    } finally {
      sim.close();
      hub.close();
    }
  }

  private Processes startHub() throws Exception {
    Processes hub =
        Processes.flotilla(
            "hub", "hub", "--data-dir", hubDir.toString(), "--port", Integer.toString(port));
    hub.await(l -> l.startsWith("Flotilla hub is serving on"), Processes.START);
    return hub;
  }

  private Processes startSim(String... hubAccess) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "sim",
                "--members",
                Integer.toString(MEMBERS.size()),
                "--data-dir",
                simDir.toString()));
    args.addAll(List.of(hubAccess));
    Processes sim = Processes.flotilla("sim", args.toArray(String[]::new));
    sim.await(l -> l.startsWith("Simulated members joined"), Processes.START);
    return sim;
  }
}
