package dev.flotilla.mcs;

import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.cli.AgentCredentials;
import dev.flotilla.cli.HubClients;
import dev.flotilla.cli.e2e.Fleet;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.TestClients;
import dev.flotilla.sim.SimulatedFleet;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One hub (with controllers) and three simulated members with agents on short leases, as {@code
 * flotilla hub --sim-members 3} wires them, plus clients and a kubeconfig with the contexts
 * flotilla, member1..3.
 */
final class McsFleet implements AutoCloseable {
  final Path dir;
  final HubServer hubServer;
  final KubernetesClient hub;
  final ControllerManager controllers;
  final SimulatedFleet fleet;
  final Map<String, KubernetesClient> members = new LinkedHashMap<>();
  final Map<String, MemberAgent> agents = new LinkedHashMap<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  final Path kubeconfig;
  final dev.flotilla.discovery.DiscoveryApi discovery;

  McsFleet(String prefix) throws Exception {
    dir = Files.createTempDirectory("flotilla-mcs-");
    hubServer = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    hub = HubClients.admin(hubServer);
    controllers = new ControllerManager(hub, "mcs-e2e").derivedServicePrefix(prefix).start();
    discovery = dev.flotilla.discovery.DiscoveryApi.install(hubServer, hub);
    fleet = SimulatedFleet.start(dir.resolve("members"), 3);
    for (SimulatedMember m : fleet.members()) {
      KubeconfigContext ctx = m.kubeconfigContext();
      KubernetesClient member = client(ctx.serverUrl(), ctx.caPem(), ctx.token());
      members.put(m.name(), member);
      startAgent(m.name());
    }
    kubeconfig = hubServer.writeKubeconfig(fleet.kubeconfigContexts());
    for (String name : members.keySet()) {
      await("Cluster " + name + " Ready", () -> clusterReady(name), "TRUE"::equals);
    }
  }

  void startAgent(String name) throws Exception {
    SimulatedMember m = fleet.member(name);
    String token = AgentCredentials.issue(hub, name);
    KubernetesClient hubClient =
        TestClients.fabric8(hubServer.url(), hubServer.certificateAuthority().caCertPath(), token);
    KubernetesClient memberClient =
        client(
            m.kubeconfigContext().serverUrl(),
            m.kubeconfigContext().caPem(),
            m.kubeconfigContext().token());
    clients.add(hubClient);
    clients.add(memberClient);
    agents.put(
        name,
        new MemberAgent(
                Fleet.agentConfig(m, hubClient, memberClient)
                    .leaseDuration(Duration.ofSeconds(3))
                    .renewInterval(Duration.ofMillis(500))
                    .statusInterval(Duration.ofSeconds(1))
                    .build())
            .start());
  }

  /** Waits until every member serves ServiceExports and ServiceImports (installed by its agent). */
  void awaitMcsCrds() {
    for (String name : members.keySet()) {
      await(
          "MCS CRDs served in " + name,
          () -> members.get(name).getApiResources("multicluster.x-k8s.io/v1beta1"),
          l ->
              l != null
                  && l.getResources().stream().anyMatch(r -> r.getName().equals("serviceexports"))
                  && l.getResources().stream().anyMatch(r -> r.getName().equals("serviceimports")));
    }
  }

  void stopAgent(String name) {
    MemberAgent a = agents.remove(name);
    if (a != null) {
      a.close();
    }
  }

  String clusterReady(String name) {
    var c =
        hub.genericKubernetesResources("cluster.karmada.io/v1alpha1", "Cluster")
            .withName(name)
            .get();
    if (c == null || c.getAdditionalProperties().get("status") == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    var conditions =
        (List<Map<String, Object>>)
            ((Map<String, Object>) c.getAdditionalProperties().get("status")).get("conditions");
    if (conditions == null) {
      return null;
    }
    for (var cond : conditions) {
      if ("Ready".equals(cond.get("type"))) {
        return "True".equals(cond.get("status")) ? "TRUE" : String.valueOf(cond.get("status"));
      }
    }
    return null;
  }

  private static KubernetesClient client(String url, String caPem, String token) {
    return TestClients.fabric8(url, caPem, token);
  }

  KubernetesClient member(String name) {
    return members.get(name);
  }

  /** Runs kubectl with this fleet's kubeconfig; returns stdout, failing on a non-zero exit. */
  String kubectl(String... args) {
    return kubectlIn(null, args);
  }

  String kubectlIn(Path workDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("kubectl");
    cmd.add("--kubeconfig");
    cmd.add(kubeconfig.toString());
    cmd.addAll(List.of(args));
    return Shell.run(cmd, workDir, Map.of());
  }

  /** An HTTPS client trusting the hub's CA, for the discovery API. */
  java.net.http.HttpClient https() {
    return TestClients.https(hubServer.certificateAuthority().caCertPath());
  }

  java.net.http.HttpRequest.Builder request(String path) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(hubServer.url() + path))
        .header("Authorization", "Bearer " + hubServer.authenticator().adminToken());
  }

  static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
    return await(what, Duration.ofSeconds(150), probe, done);
  }

  static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
    return Await.until(what, timeout, probe::get, done);
  }

  @Override
  public void close() {
    agents.values().forEach(MemberAgent::close);
    members.values().forEach(KubernetesClient::close);
    clients.forEach(KubernetesClient::close);
    controllers.close();
    discovery.close();
    hub.close();
    fleet.close();
    hubServer.close();
  }

  /** Runs a process, returning its stdout; failing with stdout+stderr on a non-zero exit. */
  static final class Shell {
    private Shell() {}

    static String run(List<String> cmd, Path workDir, Map<String, String> env) {
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (workDir != null) {
          pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t1 = new Thread(() -> copy(p.getInputStream(), out));
        Thread t2 = new Thread(() -> copy(p.getErrorStream(), err));
        t1.start();
        t2.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + cmd);
        }
        t1.join();
        t2.join();
        String stdout = out.toString(StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new AssertionError(
              "command failed ("
                  + p.exitValue()
                  + "): "
                  + cmd
                  + "\n"
                  + stdout
                  + err.toString(StandardCharsets.UTF_8));
        }
        return stdout;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
      try {
        in.transferTo(out);
      } catch (IOException ignored) {
        // process gone
      }
    }
  }
}
