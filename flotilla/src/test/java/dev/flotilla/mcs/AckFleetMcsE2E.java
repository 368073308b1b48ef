package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.Workloads;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ACK One Fleet style MCS: the CRDs installed in the members, ServiceExport created in the provider
 * member, ServiceImport in the consumer member, derived Services prefixed {@code amcs-}. Then the
 * KEP's corner cases: merging providers, a port conflict, ExternalName, headless, and a provider
 * whose agent stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AckFleetMcsE2E {
  static final Path EXAMPLE = Examples.dir("ack-one-fleet");
  static McsFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    // No prefix configured: imports created in the members get ACK One's amcs- by themselves, and
    // the agents installed the MCS CRDs when the members joined.
    fleet = new McsFleet(null);
    fleet.awaitMcsCrds();
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void ackWalkthroughGivesAmcsService1() {
    fleet.kubectl("--context", "member1", "create", "ns", "provider-ns");
    fleet.kubectl(
        "--context", "member1", "apply", "-f", EXAMPLE.resolve("app-meta.yaml").toString());
    fleet.kubectl(
        "--context", "member1", "apply", "-f", EXAMPLE.resolve("service-export.yaml").toString());
    fleet.kubectl("--context", "member2", "create", "ns", "provider-ns");
    fleet.kubectl(
        "--context", "member2", "apply", "-f", EXAMPLE.resolve("service-import.yaml").toString());
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    Set<String> pods =
        McsFleet.await(
            "2 web-demo pods",
            () -> KarmadaMcsE2E.podIps(m1, "provider-ns", "web-demo"),
            s -> s.size() == 2);
    Service svc =
        McsFleet.await(
            "amcs-service1 in member2",
            () -> m2.services().inNamespace("provider-ns").withName("amcs-service1").get(),
            s -> s != null);
    assertEquals("http", svc.getSpec().getPorts().get(0).getName());
    McsFleet.await(
        "amcs-service1 slices",
        () -> KarmadaMcsE2E.sliceAddresses(m2, "provider-ns", "amcs-service1"),
        pods::equals);
    String out = fleet.kubectl("--context", "member2", "get", "service", "-n", "provider-ns");
    assertTrue(out.contains("amcs-service1"), out);
    McsFleet.await(
        "ServiceImport spec.ips",
        () ->
            Generic.spec(m2, "ServiceImport", "provider-ns", "service1")
                .path("ips")
                .path(0)
                .asText(),
        ip -> ip.equals(svc.getSpec().getClusterIP()));
    McsFleet.await(
        "ServiceExport Ready",
        () -> Generic.condition(m1, "ServiceExport", "provider-ns", "service1", "Ready"),
        "True"::equals);
    // the hub's own ServiceImport reflects the merged view
    McsFleet.await(
        "hub ServiceImport",
        () ->
            Generic.get(fleet.hub, "ServiceImport", "provider-ns", "service1")
                .path("status")
                .path("clusters")
                .toString(),
        s -> s.contains("member1"));
  }

  /** The app in its namespace, made first if need be. */
  static void app(
      KubernetesClient c, String ns, String name, int replicas, int port, String clusterIp) {
    Workloads.namespace(c, ns);
    Workloads.app(c, ns, name, replicas, port, clusterIp);
  }

  /** The import in its namespace, made first if need be. */
  static void importIn(KubernetesClient c, String ns, String name, String type) {
    Workloads.namespace(c, ns);
    Workloads.importIn(c, ns, name, type);
  }

  static Set<String> sourceClusters(KubernetesClient c, String ns, String derived) {
    Set<String> out = new TreeSet<>();
    for (EndpointSlice s :
        c.discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel("kubernetes.io/service-name", derived)
            .list()
            .getItems()) {
      if (!s.getEndpoints().isEmpty()) {
        out.add(s.getMetadata().getLabels().get("multicluster.kubernetes.io/source-cluster"));
      }
    }
    return out;
  }

  @Test
  @Order(2)
  void twoProvidersMerge() {
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    KubernetesClient m3 = fleet.member("member3");
    app(m1, "merge", "echo", 1, 80, null);
    app(m3, "merge", "echo", 2, 80, null);
    Workloads.export(m1, "merge", "echo");
    Workloads.export(m3, "merge", "echo");
    importIn(m2, "merge", "echo", "ClusterSetIP");
    Set<String> all = new TreeSet<>();
    all.addAll(
        McsFleet.await(
            "member1 pods", () -> KarmadaMcsE2E.podIps(m1, "merge", "echo"), s -> s.size() == 1));
    all.addAll(
        McsFleet.await(
            "member3 pods", () -> KarmadaMcsE2E.podIps(m3, "merge", "echo"), s -> s.size() == 2));
    McsFleet.await(
        "slices from both providers",
        () -> KarmadaMcsE2E.sliceAddresses(m2, "merge", "amcs-echo"),
        all::equals);
    assertEquals(Set.of("member1", "member3"), sourceClusters(m2, "merge", "amcs-echo"));
    McsFleet.await(
        "ServiceImport status.clusters",
        () -> Generic.status(m2, "ServiceImport", "merge", "echo").path("clusters").toString(),
        s -> s.contains("member1") && s.contains("member3"));
  }

  @Test
  @Order(3)
  void portConflictRaisesConflictOnTheNewerExport() throws Exception {
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m3 = fleet.member("member3");
    app(m1, "conflict", "pc", 1, 80, null);
    Workloads.export(m1, "conflict", "pc");
    Thread.sleep(1100); // creationTimestamps have second resolution
    app(m3, "conflict", "pc", 1, 8081, null);
    Workloads.export(m3, "conflict", "pc");
    McsFleet.await(
        "Conflict=True on member3's export",
        () -> Generic.condition(m3, "ServiceExport", "conflict", "pc", "Conflict"),
        "True"::equals);
    String message = Generic.conditionMessage(m3, "ServiceExport", "conflict", "pc", "Conflict");
    assertTrue(message.contains("http") && message.contains("8081"), message);
    assertEquals(
        "PortConflict", Generic.conditionReason(m3, "ServiceExport", "conflict", "pc", "Conflict"));
    McsFleet.await(
        "Conflict=False on member1's export",
        () -> Generic.condition(m1, "ServiceExport", "conflict", "pc", "Conflict"),
        "False"::equals);
  }

  @Test
  @Order(4)
  void externalNameIsNotValid() {
    KubernetesClient m1 = fleet.member("member1");
    Workloads.namespace(m1, "ext");
    m1.services()
        .inNamespace("ext")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .withNewSpec()
                .withType("ExternalName")
                .withExternalName("db.example.com")
                .endSpec()
                .build())
        .create();
    Workloads.export(m1, "ext", "db");
    Workloads.export(m1, "ext", "missing");
    McsFleet.await(
        "Valid=False for ExternalName",
        () -> Generic.condition(m1, "ServiceExport", "ext", "db", "Valid"),
        "False"::equals);
    assertEquals(
        "InvalidServiceType",
        Generic.status(m1, "ServiceExport", "ext", "db")
            .path("conditions")
            .findValue("reason")
            .asText());
    McsFleet.await(
        "Valid=False for a missing Service",
        () -> Generic.condition(m1, "ServiceExport", "ext", "missing", "Valid"),
        "False"::equals);
  }

  @Test
  @Order(5)
  void headlessKeepsNoClusterIpAndHostnames() {
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    app(m1, "headless", "hl", 2, 80, "None");
    Workloads.export(m1, "headless", "hl");
    importIn(m2, "headless", "hl", "Headless");
    Set<String> pods =
        McsFleet.await(
            "hl pods", () -> KarmadaMcsE2E.podIps(m1, "headless", "hl"), s -> s.size() == 2);
    Service derived =
        McsFleet.await(
            "amcs-hl",
            () -> m2.services().inNamespace("headless").withName("amcs-hl").get(),
            s -> s != null);
    assertEquals("None", derived.getSpec().getClusterIP());
    McsFleet.await(
        "headless slices",
        () -> KarmadaMcsE2E.sliceAddresses(m2, "headless", "amcs-hl"),
        pods::equals);
    Map<String, String> providerHostnames = hostnames(m1, "headless", "hl");
    Map<String, String> derivedHostnames = hostnames(m2, "headless", "amcs-hl");
    assertEquals(providerHostnames, derivedHostnames);
    McsFleet.await(
        "ServiceImport type Headless without ips",
        () -> Generic.spec(m2, "ServiceImport", "headless", "hl"),
        s -> "Headless".equals(s.path("type").asText()) && s.path("ips").size() == 0);
  }

  static Map<String, String> hostnames(KubernetesClient c, String ns, String svc) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (EndpointSlice s :
        c.discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel("kubernetes.io/service-name", svc)
            .list()
            .getItems()) {
      s.getEndpoints()
          .forEach(e -> out.put(e.getAddresses().get(0), String.valueOf(e.getHostname())));
    }
    return out;
  }

  // The KEP: the derived Service and the import follow the exported Service; mcs-api conformance
  // copies ports, session affinity (and its config) and trafficDistribution onto the import.
  @Test
  @Order(7)
  void changesToTheExportedServiceReachTheDerivedServiceAndTheImport() {
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    app(m1, "follow", "web", 1, 80, null);
    Workloads.export(m1, "follow", "web");
    importIn(m2, "follow", "web", "ClusterSetIP");
    McsFleet.await(
        "derived amcs-web with port 80",
        () -> m2.services().inNamespace("follow").withName("amcs-web").get(),
        d -> d != null && d.getSpec().getPorts().size() == 1);
    m1.services()
        .inNamespace("follow")
        .withName("web")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            """
            {"spec":{"sessionAffinity":"ClientIP",
              "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
              "trafficDistribution":"PreferClose",
              "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
                       {"name":"grpc","protocol":"TCP","port":9090,"targetPort":9090}]}}
            """);
    Service derived =
        McsFleet.await(
            "the derived Service gains port grpc and ClientIP affinity",
            () -> m2.services().inNamespace("follow").withName("amcs-web").get(),
            d ->
                d.getSpec().getPorts().size() == 2
                    && "ClientIP".equals(d.getSpec().getSessionAffinity()));
    assertEquals(9090, derived.getSpec().getPorts().get(1).getPort());
    assertEquals(
        600, derived.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
    var spec =
        McsFleet.await(
            "the member's ServiceImport follows",
            () -> Generic.spec(m2, "ServiceImport", "follow", "web"),
            sp ->
                "ClientIP".equals(sp.path("sessionAffinity").asText())
                    && sp.path("ports").size() == 2);
    assertEquals(
        600, spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds").asInt());
    assertEquals("PreferClose", spec.path("trafficDistribution").asText());
    assertEquals(derived.getSpec().getClusterIP(), spec.path("ips").path(0).asText());
  }

  @Test
  @Order(6)
  void providerGoingNotReadyWithdrawsItsEndpoints() {
    KubernetesClient m2 = fleet.member("member2");
    assertNotNull(m2.services().inNamespace("merge").withName("amcs-echo").get());
    fleet.stopAgent("member3");
    McsFleet.await(
        "member3 not Ready",
        () -> fleet.clusterReady("member3"),
        s -> s != null && !s.equals("TRUE"));
    Set<String> m1Pods = KarmadaMcsE2E.podIps(fleet.member("member1"), "merge", "echo");
    McsFleet.await(
        "only member1's endpoints remain",
        () -> KarmadaMcsE2E.sliceAddresses(m2, "merge", "amcs-echo"),
        m1Pods::equals);
    assertEquals(Set.of("member1"), sourceClusters(m2, "merge", "amcs-echo"));
  }
}
