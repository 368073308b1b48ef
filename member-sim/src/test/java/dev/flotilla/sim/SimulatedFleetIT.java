package dev.flotilla.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.TestClients;
import dev.flotilla.sim.net.Ipv4Cidr;
import dev.flotilla.sim.nodes.NodeSummary;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two simulated members driven over real HTTPS by fabric8, with clients built from the kubeconfig
 * contexts the fleet hands out; on durable stores here, in memory in {@link
 * SimulatedFleetInMemoryIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedFleetIT {
  /** Generous: controllers are asynchronous and CI machines are busy. Never a timing assertion. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private SimulatedFleet fleet;
  private KubernetesClient member1;
  private KubernetesClient member2;

  /** Where the members keep their objects. */
  SimulatedFleet.MemberStore store() {
    return SimulatedFleet.MemberStore.DURABLE;
  }

  @BeforeAll
  void startFleet() throws IOException {
    Path dir = Files.createTempDirectory("flotilla-sim-it");
    fleet = SimulatedFleet.start(dir, 2, store());
    List<KubeconfigContext> contexts = fleet.kubeconfigContexts();
    member1 = client(contexts.get(0));
    member2 = client(contexts.get(1));
  }

  @AfterAll
  void stopFleet() {
    if (member1 != null) {
      member1.close();
    }
    if (member2 != null) {
      member2.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  /** A client from a kubeconfig context alone: URL, CA data and token. */
  private static KubernetesClient client(KubeconfigContext context) {
    return TestClients.fabric8(context.serverUrl(), context.caPem(), context.token());
  }

  private static String namespace(KubernetesClient client) {
    String name = "sim-it-" + NAMESPACES.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static <T> T await(String what, Supplier<T> probe) {
    return Await.until(what, WAIT, probe::get);
  }

  private static Deployment deployment(String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx:1.27")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Service service(String name, String app, String clusterIp) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("team", "sim"))
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", app))
        .withClusterIP(clusterIp)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withNewTargetPort("http")
        .endPort()
        .endSpec()
        .build();
  }

  private static List<Pod> readyPods(KubernetesClient client, String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
        .collect(Collectors.toList());
  }

  private static EndpointSlice slice(KubernetesClient client, String ns, String service) {
    List<EndpointSlice> slices =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel("kubernetes.io/service-name", service)
            .list()
            .getItems();
    return slices.size() == 1 ? slices.get(0) : null;
  }

  private static Set<String> sliceIps(EndpointSlice slice) {
    return slice.getEndpoints().stream()
        .flatMap(e -> e.getAddresses().stream())
        .collect(Collectors.toSet());
  }

  private static Set<String> podIps(List<Pod> pods) {
    return pods.stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet());
  }

  /**
   * Members offer HTTP/2 as kube-apiserver does: a JDK client negotiates it, and a watch and a get
   * run side by side on it (one connection per client, where HTTP/1.1 held one per watch).
   */
  @Test
  void membersServeHttp2ToClientsThatAskForIt() throws Exception {
    KubeconfigContext ctx = fleet.kubeconfigContexts().get(0);
    javax.net.ssl.SSLContext tls = TestClients.trustingPem(ctx.caPem());
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2)
            .sslContext(tls)
            .build();
    java.util.function.Function<String, java.net.http.HttpRequest> get =
        path ->
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(ctx.serverUrl() + path))
                .header("Authorization", "Bearer " + ctx.token())
                .timeout(WAIT)
                .build();
    var watch =
        http.sendAsync(
            get.apply("/api/v1/namespaces?watch=true&timeoutSeconds=30"),
            java.net.http.HttpResponse.BodyHandlers.ofLines());
    var version =
        http.send(
            get.apply("/api/v1/namespaces/default"),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, version.statusCode(), version.body());
    assertEquals(java.net.http.HttpClient.Version.HTTP_2, version.version());
    var watching = watch.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(200, watching.statusCode());
    assertEquals(java.net.http.HttpClient.Version.HTTP_2, watching.version());
    assertTrue(
        watching.body().findFirst().orElse("").contains("\"ADDED\""),
        "the watch streams its events over HTTP/2");
  }

  @Test
  void nodesAreReadyWithTopologyAndCapacity() {
    List<Node> nodes = member1.nodes().list().getItems();
    assertEquals(3, nodes.size());
    for (Node node : nodes) {
      assertTrue(node.getMetadata().getName().startsWith("member1-node-"));
      assertEquals("region-a", node.getMetadata().getLabels().get("topology.kubernetes.io/region"));
      assertEquals("zone-a1", node.getMetadata().getLabels().get("topology.kubernetes.io/zone"));
      assertEquals("8", node.getStatus().getAllocatable().get("cpu").toString());
      assertTrue(
          node.getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    }
    assertEquals(
        "zone-a2",
        member2
            .nodes()
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getLabels()
            .get("topology.kubernetes.io/zone"));
    NodeSummary summary = fleet.member("member1").nodeSummary();
    assertEquals(3, summary.totalNum());
    assertEquals(3, summary.readyNum());
    assertEquals("24", summary.allocatable().get("cpu"));
    assertEquals("96Gi", summary.allocatable().get("memory"));
    assertEquals("330", summary.allocatable().get("pods"));
  }

  @Test
  void deploymentGetsReadyPodsWithIpsAndScalesDown() {
    String ns = namespace(member1);
    member1.apps().deployments().inNamespace(ns).resource(deployment("web", 3)).create();
    Ipv4Cidr pods = Ipv4Cidr.parse(fleet.member("member1").cluster().podCidr());

    List<Pod> ready =
        await(
            "3 ready pods",
            () -> {
              List<Pod> p = readyPods(member1, ns, "web");
              return p.size() == 3 ? p : null;
            });
    Set<String> nodes =
        member1.nodes().list().getItems().stream()
            .map(n -> n.getMetadata().getName())
            .collect(Collectors.toSet());
    for (Pod pod : ready) {
      assertEquals("Running", pod.getStatus().getPhase());
      assertTrue(pods.contains(pod.getStatus().getPodIP()), pod.getStatus().getPodIP());
      assertEquals(pod.getStatus().getPodIP(), pod.getStatus().getPodIPs().get(0).getIp());
      assertTrue(nodes.contains(pod.getSpec().getNodeName()));
      assertNotNull(pod.getStatus().getHostIP());
      assertEquals("ReplicaSet", pod.getMetadata().getOwnerReferences().get(0).getKind());
    }
    assertEquals(3, podIps(ready).size(), "pod IPs are distinct");
    assertEquals(
        3,
        ready.stream().map(p -> p.getSpec().getNodeName()).distinct().count(),
        "three pods spread over three nodes");

    Deployment done =
        await(
            "deployment status readyReplicas 3",
            () -> {
              Deployment d = member1.apps().deployments().inNamespace(ns).withName("web").get();
              return d.getStatus() != null
                      && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas())
                      && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  ? d
                  : null;
            });
    assertEquals(3, done.getStatus().getReplicas());
    assertEquals(3, done.getStatus().getUpdatedReplicas());
    assertEquals(done.getMetadata().getGeneration(), done.getStatus().getObservedGeneration());
    assertTrue(
        done.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Available") && c.getStatus().equals("True")));
    assertTrue(
        done.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    c.getType().equals("Progressing")
                        && c.getReason().equals("NewReplicaSetAvailable")));

    // A merge patch without a resourceVersion, as `kubectl scale` would not race the controller.
    member1
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":1}}");
    await(
        "one pod left",
        () -> member1.pods().inNamespace(ns).withLabel("app", "web").list().getItems().size() == 1);
    Deployment scaled =
        await(
            "deployment status replicas 1",
            () -> {
              Deployment d = member1.apps().deployments().inNamespace(ns).withName("web").get();
              return d.getStatus() != null
                      && Integer.valueOf(1).equals(d.getStatus().getReplicas())
                      && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas())
                      && d.getMetadata()
                          .getGeneration()
                          .equals(d.getStatus().getObservedGeneration())
                  ? d
                  : null;
            });
    assertEquals(1, scaled.getStatus().getAvailableReplicas());

    // Level-based and idempotent: once converged, the simulator stops writing.
    var store = fleet.member("member1").storage().store();
    await(
        "member1's store to stay quiet for 300 ms",
        () -> {
          long before = store.currentRevision();
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return store.currentRevision() == before;
        });
  }

  @Test
  void serviceGetsClusterIpAndEndpointSliceThatFollowsReadiness() {
    String ns = namespace(member1);
    member1.apps().deployments().inNamespace(ns).resource(deployment("api", 3)).create();
    Service created =
        member1.services().inNamespace(ns).resource(service("api", "api", null)).create();
    Ipv4Cidr services = Ipv4Cidr.parse(fleet.member("member1").cluster().serviceCidr());
    String ip = created.getSpec().getClusterIP();
    assertTrue(services.contains(ip), ip + " in " + services);
    assertEquals(List.of(ip), created.getSpec().getClusterIPs());
    assertEquals(List.of("IPv4"), created.getSpec().getIpFamilies());
    assertEquals("SingleStack", created.getSpec().getIpFamilyPolicy());

    List<Pod> ready =
        await(
            "3 ready pods",
            () -> {
              List<Pod> p = readyPods(member1, ns, "api");
              return p.size() == 3 ? p : null;
            });
    EndpointSlice slice =
        await(
            "a slice with the 3 pod IPs",
            () -> {
              EndpointSlice s = slice(member1, ns, "api");
              return s != null && sliceIps(s).equals(podIps(ready)) ? s : null;
            });
    assertTrue(slice.getMetadata().getName().startsWith("api-"));
    assertEquals(
        "endpointslice-controller.k8s.io",
        slice.getMetadata().getLabels().get("endpointslice.kubernetes.io/managed-by"));
    assertEquals("sim", slice.getMetadata().getLabels().get("team"));
    assertEquals("IPv4", slice.getAddressType());
    assertEquals("http", slice.getPorts().get(0).getName());
    assertEquals(8080, slice.getPorts().get(0).getPort());
    assertEquals("TCP", slice.getPorts().get(0).getProtocol());
    assertEquals("Service", slice.getMetadata().getOwnerReferences().get(0).getKind());
    for (Endpoint e : slice.getEndpoints()) {
      assertTrue(e.getConditions().getReady());
      assertTrue(e.getConditions().getServing());
      assertFalse(e.getConditions().getTerminating());
      assertEquals("zone-a1", e.getZone());
      assertNotNull(e.getNodeName());
      assertEquals("Pod", e.getTargetRef().getKind());
    }
    await(
        "v1 Endpoints with 3 ready addresses",
        () -> {
          var ep = member1.endpoints().inNamespace(ns).withName("api").get();
          return ep != null
              && ep.getSubsets().size() == 1
              && ep.getSubsets().get(0).getAddresses().size() == 3;
        });

    Pod victim = ready.get(0);
    member1
        .pods()
        .inNamespace(ns)
        .withName(victim.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + SimAnnotations.READY + "\":\"false\"}}}");
    String victimIp = victim.getStatus().getPodIP();
    await(
        "the slice marks " + victimIp + " not ready",
        () -> {
          EndpointSlice s = slice(member1, ns, "api");
          return s != null
              && s.getEndpoints().stream()
                  .anyMatch(
                      e ->
                          e.getAddresses().contains(victimIp)
                              && !e.getConditions().getReady()
                              && !e.getConditions().getServing());
        });
    await(
        "deployment readyReplicas 2",
        () -> {
          Deployment d = member1.apps().deployments().inNamespace(ns).withName("api").get();
          return Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
        });
    assertEquals(3, slice(member1, ns, "api").getEndpoints().size());
  }

  @Test
  void clusterIpIsKeptAndImmutable() {
    String ns = namespace(member1);
    Service created =
        member1.services().inNamespace(ns).resource(service("keep", "keep", null)).create();
    String ip = created.getSpec().getClusterIP();

    Service withoutIp = service("keep", "keep", null);
    withoutIp.getMetadata().setLabels(Map.of("team", "other"));
    Service updated = member1.services().inNamespace(ns).resource(withoutIp).update();
    assertEquals(ip, updated.getSpec().getClusterIP(), "an update leaving it out keeps it");

    Ipv4Cidr services = Ipv4Cidr.parse(fleet.member("member1").cluster().serviceCidr());
    String other = services.address(services.offsetOf(ip) + 1000);
    KubernetesClientException e =
        assertThrows(
            KubernetesClientException.class,
            () ->
                member1
                    .services()
                    .inNamespace(ns)
                    .resource(service("keep", "keep", other))
                    .update());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("field is immutable"), e.getMessage());
    assertEquals(
        ip, member1.services().inNamespace(ns).withName("keep").get().getSpec().getClusterIP());

    KubernetesClientException outside =
        assertThrows(
            KubernetesClientException.class,
            () ->
                member1
                    .services()
                    .inNamespace(ns)
                    .resource(service("outside", "x", "192.0.2.10"))
                    .create());
    assertEquals(422, outside.getCode());

    Service nodePort =
        new ServiceBuilder(service("np", "np", null))
            .editSpec()
            .withType("NodePort")
            .endSpec()
            .build();
    Service np = member1.services().inNamespace(ns).resource(nodePort).create();
    int port = np.getSpec().getPorts().get(0).getNodePort();
    assertTrue(port >= 30000 && port <= 32767, "nodePort " + port);
  }

  @Test
  void headlessServiceGetsNoClusterIpButASlice() {
    String ns = namespace(member1);
    member1.apps().deployments().inNamespace(ns).resource(deployment("db", 2)).create();
    Service headless =
        member1.services().inNamespace(ns).resource(service("db", "db", "None")).create();
    assertEquals("None", headless.getSpec().getClusterIP());
    List<Pod> ready =
        await(
            "2 ready pods",
            () -> {
              List<Pod> p = readyPods(member1, ns, "db");
              return p.size() == 2 ? p : null;
            });
    EndpointSlice slice =
        await(
            "a slice with the 2 pod IPs",
            () -> {
              EndpointSlice s = slice(member1, ns, "db");
              return s != null && sliceIps(s).equals(podIps(ready)) ? s : null;
            });
    assertEquals("", slice.getMetadata().getLabels().get("service.kubernetes.io/headless"));
  }

  @Test
  void statefulSetPodsHaveStableNamesAndHostnames() {
    String ns = namespace(member1);
    member1.services().inNamespace(ns).resource(service("store", "store", "None")).create();
    member1
        .apps()
        .statefulSets()
        .inNamespace(ns)
        .resource(
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName("store")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withServiceName("store")
                .withNewSelector()
                .withMatchLabels(Map.of("app", "store"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", "store"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("db")
                .withImage("redis:7")
                .addNewPort()
                .withName("http")
                .withContainerPort(6379)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    await("store-0 and store-1 ready", () -> readyPods(member1, ns, "store").size() == 2);
    assertNotNull(member1.pods().inNamespace(ns).withName("store-0").get());
    assertNotNull(member1.pods().inNamespace(ns).withName("store-1").get());
    EndpointSlice slice =
        await(
            "a slice with hostnames",
            () -> {
              EndpointSlice s = slice(member1, ns, "store");
              return s != null && s.getEndpoints().size() == 2 ? s : null;
            });
    assertEquals(
        Set.of("store-0", "store-1"),
        slice.getEndpoints().stream().map(Endpoint::getHostname).collect(Collectors.toSet()));
    await(
        "statefulset readyReplicas 2",
        () ->
            Integer.valueOf(2)
                .equals(
                    member1
                        .apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("store")
                        .get()
                        .getStatus()
                        .getReadyReplicas()));
  }

  @Test
  void membersAllocateFromDifferentRanges() {
    String ns1 = namespace(member1);
    String ns2 = namespace(member2);
    String ip1 =
        member1
            .services()
            .inNamespace(ns1)
            .resource(service("s", "s", null))
            .create()
            .getSpec()
            .getClusterIP();
    String ip2 =
        member2
            .services()
            .inNamespace(ns2)
            .resource(service("s", "s", null))
            .create()
            .getSpec()
            .getClusterIP();
    MemberCluster c1 = fleet.member("member1").cluster();
    MemberCluster c2 = fleet.member("member2").cluster();
    assertNotEquals(c1.serviceCidr(), c2.serviceCidr());
    assertNotEquals(c1.podCidr(), c2.podCidr());
    assertTrue(Ipv4Cidr.parse(c1.serviceCidr()).contains(ip1), ip1);
    assertTrue(Ipv4Cidr.parse(c2.serviceCidr()).contains(ip2), ip2);

    member2.apps().deployments().inNamespace(ns2).resource(deployment("w", 1)).create();
    Pod pod =
        await(
            "a ready pod on member2",
            () -> {
              List<Pod> p = readyPods(member2, ns2, "w");
              return p.size() == 1 ? p.get(0) : null;
            });
    assertTrue(Ipv4Cidr.parse(c2.podCidr()).contains(pod.getStatus().getPodIP()));
    assertTrue(pod.getSpec().getNodeName().startsWith("member2-node-"));
    assertNull(member1.pods().inNamespace(ns2).withName(pod.getMetadata().getName()).get());
  }

  @Test
  void kubernetesServiceAndKubeconfigContexts() {
    List<KubeconfigContext> contexts = fleet.kubeconfigContexts();
    assertEquals(
        List.of("member1", "member2"), contexts.stream().map(KubeconfigContext::name).toList());
    assertEquals(fleet.member("member2").url(), contexts.get(1).serverUrl());
    Service kubernetes = member1.services().inNamespace("default").withName("kubernetes").get();
    assertEquals(
        Ipv4Cidr.parse(fleet.member("member1").cluster().serviceCidr()).address(1),
        kubernetes.getSpec().getClusterIP());
  }
}
