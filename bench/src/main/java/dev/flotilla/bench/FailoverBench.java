package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.cli.AgentCredentials;
import dev.flotilla.cli.HubClients;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.FailoverOptions;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import dev.flotilla.sim.SimulatedFleet;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The failover timeline, measured: a Deployment runs on one of three simulated members; that
 * member's agent stops (the member is lost), and each run records when the hub tainted the Cluster
 * NoExecute, rescheduled the binding, saw the new copy healthy and ended the graceful eviction (old
 * Work deleted), then brings the member back and records when the evicted copy was cleaned up
 * there. Timings are shortened (lease, failover eviction timeout) so 20 runs fit in minutes; the
 * phases that do not depend on them are what the figures compare, and Karmada's defaults are
 * printed beside them.
 */
final class FailoverBench {
  private final int runs;
  private final Duration lease;
  private final Duration evictionTimeout;

  FailoverBench(int runs, Duration lease, Duration evictionTimeout) {
    this.runs = runs;
    this.lease = lease;
    this.evictionTimeout = evictionTimeout;
  }

  void run() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-failover-bench");
    HubServer hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    KubernetesClient admin = HubClients.admin(hub);
    ControllerManager controllers =
        new ControllerManager(admin, "failover-bench")
            .failover(
                FailoverOptions.DEFAULTS.withTimeouts(evictionTimeout, Duration.ofMinutes(10)))
            .start();
    SimulatedFleet fleet =
        SimulatedFleet.start(dir.resolve("members"), 3, SimulatedFleet.MemberStore.MEMORY);
    Map<String, AgentConfig> configs = new LinkedHashMap<>();
    Map<String, MemberAgent> agents = new LinkedHashMap<>();
    List<KubernetesClient> clients = new ArrayList<>();
    try {
      for (SimulatedMember m : fleet.members()) {
        configs.put(m.name(), agentConfig(hub, admin, m, clients));
        agents.put(m.name(), new MemberAgent(configs.get(m.name())).start());
      }
      for (String name : configs.keySet()) {
        await(() -> ready(admin, name) && taints(admin, name).isEmpty());
      }
      Map<String, Percentiles> phases = new LinkedHashMap<>();
      for (String p :
          List.of(
              "lost -> NoExecute taint",
              "lost -> rescheduled",
              "lost -> healthy elsewhere",
              "lost -> old copy removed (task ended)",
              "member back -> evicted copy cleaned up there")) {
        phases.put(p, new Percentiles());
      }
      for (int run = 1; run <= runs; run++) {
        String ns = "failover-" + run;
        admin
            .load(new ByteArrayInputStream(workload(ns).getBytes(StandardCharsets.UTF_8)))
            .create();
        String from = await(() -> healthyTarget(admin, ns));
        long t0 = System.nanoTime();
        agents.remove(from).close();
        long tTaint = 0;
        long tResched = 0;
        long tHealthy = 0;
        long tRemoved = 0;
        while (tRemoved == 0) {
          long now = System.nanoTime();
          if (tTaint == 0 && hasNoExecute(admin, from)) {
            tTaint = now;
          }
          JsonNode rb = binding(admin, ns);
          String target = single(rb);
          if (tResched == 0 && target != null && !target.equals(from)) {
            tResched = now;
          }
          if (tHealthy == 0 && target != null && !target.equals(from) && healthy(rb, target)) {
            tHealthy = now;
          }
          if (tHealthy != 0 && rb.path("spec").path("gracefulEvictionTasks").isEmpty()) {
            tRemoved = now;
          }
          if (now - t0 > Duration.ofMinutes(5).toNanos()) {
            throw new IllegalStateException("run " + run + " did not fail over: " + rb);
          }
          Thread.sleep(20);
        }
        phases.get("lost -> NoExecute taint").add(tTaint - t0);
        phases.get("lost -> rescheduled").add(tResched - t0);
        phases.get("lost -> healthy elsewhere").add(tHealthy - t0);
        phases.get("lost -> old copy removed (task ended)").add(tRemoved - t0);
        long back = System.nanoTime();
        agents.put(from, new MemberAgent(configs.get(from)).start());
        await(() -> workIn(admin, from, ns) == null && ready(admin, from));
        phases.get("member back -> evicted copy cleaned up there").add(System.nanoTime() - back);
        await(() -> taints(admin, from).isEmpty());
        System.out.printf("run %d: %s -> %s%n", run, from, single(binding(admin, ns)));
      }
      System.out.printf(
          "failover timeline, %d runs, 3 simulated members, agent lease %s, failover eviction"
              + " timeout %s, load average %.2f on %d cores:%n",
          runs,
          lease,
          evictionTimeout,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
      phases.forEach((name, p) -> System.out.printf("  %-46s %s%n", name, p.summary()));
      System.out.println(
          "Karmada's defaults for the same timeline: cluster lease 40s (--cluster-lease-duration),"
              + " then NoSchedule at once; NoExecute only from a ClusterTaintPolicy (formerly"
              + " after --failover-eviction-timeout 5m); default toleration of not-ready and"
              + " unreachable 300s; graceful eviction waits up to --graceful-eviction-timeout 10m."
              + " Flotilla's defaults: lease 40s, failover eviction timeout 5m, graceful eviction"
              + " timeout 10m.");
    } finally {
      agents.values().forEach(MemberAgent::close);
      clients.forEach(KubernetesClient::close);
      fleet.close();
      controllers.close();
      admin.close();
      hub.close();
    }
  }

  private AgentConfig agentConfig(
      HubServer hub, KubernetesClient admin, SimulatedMember m, List<KubernetesClient> clients)
      throws Exception {
    String token = AgentCredentials.issue(admin, m.name());
    KubernetesClient hubClient =
        Fabric8Clients.build(
            new ConfigBuilder()
                .withMasterUrl(hub.url())
                .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
                .withOauthToken(token)
                .build());
    KubeconfigContext ctx = m.kubeconfigContext();
    KubernetesClient memberClient =
        Fabric8Clients.build(
            new ConfigBuilder()
                .withMasterUrl(ctx.serverUrl())
                .withCaCertData(
                    Base64.getEncoder()
                        .encodeToString(ctx.caPem().getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(ctx.token())
                .build());
    clients.add(hubClient);
    clients.add(memberClient);
    return AgentConfig.builder()
        .hub(ClientSource.of(hubClient))
        .member(ClientSource.of(memberClient))
        .clusterName(m.name())
        .provider(m.cluster().provider())
        .region(m.cluster().region())
        .zones(m.cluster().zones())
        .apiEndpoint(m.url())
        .leaseDuration(lease)
        .renewInterval(lease.dividedBy(10))
        .statusInterval(Duration.ofSeconds(1))
        .build();
  }

  private static String workload(String ns) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: %1$s, labels: {app: web}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx:1.25}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement:
            spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 1}]
        """
        .formatted(ns);
  }

  private static JsonNode binding(KubernetesClient admin, String ns) {
    GenericKubernetesResource rb =
        admin
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace(ns)
            .withName("web-deployment")
            .get();
    return rb == null ? Trees.MAPPER.createObjectNode() : Trees.tree(rb);
  }

  private static String single(JsonNode rb) {
    JsonNode clusters = rb.path("spec").path("clusters");
    return clusters.size() == 1 ? clusters.get(0).path("name").asText() : null;
  }

  private static boolean healthy(JsonNode rb, String cluster) {
    for (JsonNode item : rb.path("status").path("aggregatedStatus")) {
      if (cluster.equals(item.path("clusterName").asText())) {
        return "Healthy".equals(item.path("health").asText());
      }
    }
    return false;
  }

  private static String healthyTarget(KubernetesClient admin, String ns) {
    JsonNode rb = binding(admin, ns);
    String target = single(rb);
    return target != null && healthy(rb, target) ? target : null;
  }

  private static JsonNode cluster(KubernetesClient admin, String name) {
    return Trees.tree(admin.genericKubernetesResources(Kinds.CLUSTER).withName(name).get());
  }

  private static JsonNode taints(KubernetesClient admin, String name) {
    return cluster(admin, name).path("spec").path("taints");
  }

  private static boolean hasNoExecute(KubernetesClient admin, String name) {
    for (JsonNode t : taints(admin, name)) {
      if ("NoExecute".equals(t.path("effect").asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean ready(KubernetesClient admin, String name) {
    for (JsonNode c : cluster(admin, name).path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  private static GenericKubernetesResource workIn(
      KubernetesClient admin, String cluster, String ns) {
    for (GenericKubernetesResource w :
        admin
            .genericKubernetesResources(Kinds.WORK)
            .inNamespace(Names.executionNamespace(cluster))
            .list()
            .getItems()) {
      JsonNode m = Trees.tree(w).path("spec").path("workload").path("manifests").path(0);
      if (ns.equals(m.path("metadata").path("namespace").asText())) {
        return w;
      }
    }
    return null;
  }

  private static <T> T await(Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        T v = probe.get();
        if (v != null && !Boolean.FALSE.equals(v)) {
          return v;
        }
      } catch (RuntimeException e) {
        // the hub or a member may be busy; look again
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("timed out");
  }
}
