package dev.flotilla.bench;

import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.cli.SimulatedMembers;
import dev.flotilla.sim.SimulatedFleet;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A hub in its own process (API server and controllers, so its memory is measured apart) and N
 * simulated members with their agents in this process, joined as real members join.
 */
final class FleetUnderTest implements AutoCloseable {
  static final ResourceDefinitionContext CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("cluster.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Cluster")
          .withPlural("clusters")
          .withNamespaced(false)
          .build();

  /**
   * The members' store: in memory by default, as their durability is not what is measured (the hub
   * stays on SQLite); {@code -Dflotilla.bench.memberStore=DURABLE} for members on SQLite.
   */
  static final SimulatedFleet.MemberStore MEMBER_STORE =
      SimulatedFleet.MemberStore.valueOf(
          System.getProperty("flotilla.bench.memberStore", "MEMORY").toUpperCase());

  HubProcess hub;
  final KubernetesClient admin;
  final SimulatedMembers members;
  final List<KubernetesClient> memberClients = new ArrayList<>();
  final List<String> memberNames = new ArrayList<>();

  FleetUnderTest(Path work, int clusters) throws Exception {
    this(work, clusters, "1g", List.of(), true, 300);
  }

  /** A fleet whose hub runs with {@code -Xmx<hubXmx>}. */
  FleetUnderTest(Path work, int clusters, String hubXmx) throws Exception {
    this(work, clusters, hubXmx, List.of());
  }

  /** A fleet whose hub runs with {@code -Xmx<hubXmx>} and {@code hubJvmArgs}. */
  FleetUnderTest(Path work, int clusters, String hubXmx, List<String> hubJvmArgs) throws Exception {
    this(work, clusters, hubXmx, hubJvmArgs, true, 300);
  }

  /**
   * A fleet; without {@code withMemberClients} the benchmark holds no client of its own per member
   * (at a thousand members those would be a thousand more HTTP clients), and {@code readySeconds}
   * is how long the members may take to be Ready (0: the caller waits).
   */
  FleetUnderTest(Path work, int clusters, boolean withMemberClients, int readySeconds)
      throws Exception {
    this(work, clusters, "1g", List.of(), withMemberClients, readySeconds);
  }

  private FleetUnderTest(
      Path work,
      int clusters,
      String hubXmx,
      List<String> hubJvmArgs,
      boolean withMemberClients,
      int readySeconds)
      throws Exception {
    List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + hubXmx));
    jvmArgs.addAll(hubJvmArgs);
    // e.g. -Dflotilla.bench.hubJvmArgs="-XX:StartFlightRecording=filename=/tmp/hub.jfr" to profile
    String extra = System.getProperty("flotilla.bench.hubJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      jvmArgs.addAll(List.of(extra.split("\\s+")));
    }
    hub = HubProcess.start(work.resolve("hub"), jvmArgs);
    Path dir = hub.dataDir;
    admin =
        Fabric8Clients.builder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:" + hub.port)
                    .withCaCertFile(dir.resolve("pki/ca.crt").toString())
                    .withOauthToken(Files.readString(dir.resolve("admin.token")).trim())
                    .withRequestTimeout(60_000)
                    .build())
            .build();
    try {
      members =
          SimulatedMembers.start(
              "https://127.0.0.1:" + hub.port,
              dir.resolve("pki/ca.crt"),
              admin,
              work.resolve("sim"),
              clusters,
              MEMBER_STORE);
    } catch (Exception | Error e) {
      admin.close();
      hub.close(); // else the hub process outlives the benchmark
      throw e;
    }
    for (KubeconfigContext ctx : members.kubeconfigContexts()) {
      memberNames.add(ctx.name());
      if (!withMemberClients) {
        continue;
      }
      Config config =
          new ConfigBuilder()
              .withMasterUrl(ctx.serverUrl())
              .withCaCertData(
                  Base64.getEncoder().encodeToString(ctx.caPem().getBytes(StandardCharsets.UTF_8)))
              .withOauthToken(ctx.token())
              .withRequestTimeout(60_000)
              .build();
      memberClients.add(Fabric8Clients.build(config));
    }
    if (readySeconds > 0) {
      awaitReady(clusters, readySeconds);
    }
  }

  /** Stops the hub and starts it again on the same data and port; members and agents stay. */
  void restartHub() throws Exception {
    hub = hub.restart();
  }

  /** Restarts the hub on its data with its classes from {@code classpath} (null: this jar). */
  void restartHub(String classpath) throws Exception {
    hub = classpath == null ? hub.restart() : hub.restart(classpath);
  }

  private void awaitReady(int clusters, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int ready = 0;
    while (System.nanoTime() < deadline) {
      ready = readyCount();
      if (ready >= clusters) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "only " + ready + " of " + clusters + " members Ready after " + seconds + " s");
  }

  /** Clusters on the hub whose Ready condition is True. */
  int readyCount() {
    int ready = 0;
    for (GenericKubernetesResource c :
        admin.genericKubernetesResources(CLUSTERS).list().getItems()) {
      if (readyIn(c.getAdditionalProperties().get("status"))) {
        ready++;
      }
    }
    return ready;
  }

  static boolean readyIn(Object status) {
    if (!(status instanceof Map)) {
      return false;
    }
    Object conditions = ((Map<?, ?>) status).get("conditions");
    if (!(conditions instanceof List)) {
      return false;
    }
    for (Object c : (List<?>) conditions) {
      if (c instanceof Map
          && "Ready".equals(((Map<?, ?>) c).get("type"))
          && "True".equals(((Map<?, ?>) c).get("status"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws Exception {
    members.close();
    memberClients.forEach(KubernetesClient::close);
    admin.close();
    hub.close();
  }
}
