package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Karmada multi-cluster service discovery walkthrough, its YAML applied verbatim through the
 * hub (examples/karmada-mcs holds the seed's manifests): CRDs by ClusterPropagationPolicy, the
 * {@code serve} workload to member1, the ServiceExport to member1, the ServiceImport to member2;
 * member2 gets {@code derived-serve} whose EndpointSlices carry member1's pod IPs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarmadaMcsE2E {
  static final Path EXAMPLE = Examples.dir("karmada-mcs");
  static McsFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet("derived-");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  static Set<String> podIps(KubernetesClient member, String ns, String app) {
    Set<String> ips = new TreeSet<>();
    for (Pod p : member.pods().inNamespace(ns).withLabel("app", app).list().getItems()) {
      if (p.getStatus() != null && p.getStatus().getPodIP() != null) {
        ips.add(p.getStatus().getPodIP());
      }
    }
    return ips;
  }

  static Set<String> sliceAddresses(KubernetesClient member, String ns, String derived) {
    Set<String> ips = new TreeSet<>();
    for (EndpointSlice s :
        member
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel("kubernetes.io/service-name", derived)
            .list()
            .getItems()) {
      s.getEndpoints().forEach(e -> ips.addAll(e.getAddresses()));
    }
    return ips;
  }

  @Test
  @Order(1)
  void seedWalkthroughGivesDerivedServeInMember2() {
    fleet.kubectl(
        "--context", "flotilla", "apply", "-f", EXAMPLE.resolve("crd-propagation.yaml").toString());
    McsFleet.await(
        "MCS CRDs in member1 and member2",
        () ->
            fleet
                        .member("member1")
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("serviceexports.multicluster.x-k8s.io")
                        .get()
                    != null
                && fleet
                        .member("member2")
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("serviceimports.multicluster.x-k8s.io")
                        .get()
                    != null,
        Boolean.TRUE::equals);
    fleet.kubectl("--context", "flotilla", "apply", "-f", EXAMPLE.resolve("serve.yaml").toString());
    fleet.kubectl(
        "--context", "flotilla", "apply", "-f", EXAMPLE.resolve("service-export.yaml").toString());
    fleet.kubectl(
        "--context", "flotilla", "apply", "-f", EXAMPLE.resolve("service-import.yaml").toString());
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    Set<String> pods =
        McsFleet.await(
            "serve pod in member1", () -> podIps(m1, "default", "serve"), s -> s.size() == 1);
    Service derived =
        McsFleet.await(
            "derived-serve in member2",
            () -> m2.services().inNamespace("default").withName("derived-serve").get(),
            s -> s != null);
    assertEquals("ClusterIP", derived.getSpec().getType());
    assertTrue(
        derived.getSpec().getClusterIP() != null
            && !derived.getSpec().getClusterIP().equals("None"));
    assertEquals(80, derived.getSpec().getPorts().get(0).getPort());
    assertTrue(
        derived.getSpec().getSelector() == null || derived.getSpec().getSelector().isEmpty());
    McsFleet.await(
        "derived-serve slices with member1's pod IPs",
        () -> sliceAddresses(m2, "default", "derived-serve"),
        pods::equals);
    EndpointSlice slice =
        m2.discovery()
            .v1()
            .endpointSlices()
            .inNamespace("default")
            .withLabel("kubernetes.io/service-name", "derived-serve")
            .list()
            .getItems()
            .get(0);
    assertEquals(
        "serve", slice.getMetadata().getLabels().get("multicluster.kubernetes.io/service-name"));
    assertEquals(
        "member1",
        slice.getMetadata().getLabels().get("multicluster.kubernetes.io/source-cluster"));
    assertEquals(
        "mcs-controller.flotilla.dev",
        slice.getMetadata().getLabels().get("endpointslice.kubernetes.io/managed-by"));
    assertEquals(8080, slice.getPorts().get(0).getPort());
    // kubectl sees it as the seed shows
    String svcs = fleet.kubectl("--context", "member2", "get", "svc");
    assertTrue(svcs.contains("derived-serve"), svcs);
    // the member ServiceImport follows the derived Service; the export is Valid and Ready
    McsFleet.await(
        "member2 ServiceImport ips",
        () -> Generic.spec(m2, "ServiceImport", "default", "serve").path("ips").path(0).asText(),
        ip -> ip.equals(derived.getSpec().getClusterIP()));
    McsFleet.await(
        "member2 ServiceImport status.clusters",
        () -> Generic.status(m2, "ServiceImport", "default", "serve").path("clusters").toString(),
        s -> s.contains("member1"));
    McsFleet.await(
        "member1 ServiceExport Ready",
        () -> Generic.condition(m1, "ServiceExport", "default", "serve", "Ready"),
        "True"::equals);
    assertEquals("True", Generic.condition(m1, "ServiceExport", "default", "serve", "Valid"));
    // the hub ServiceImport (user-created) gets status.clusters
    McsFleet.await(
        "hub ServiceImport status",
        () ->
            Generic.status(fleet.hub, "ServiceImport", "default", "serve")
                .path("clusters")
                .toString(),
        s -> s.contains("member1"));
  }

  @Test
  @Order(2)
  void scalingTheProviderChangesTheSlices() {
    KubernetesClient m1 = fleet.member("member1");
    KubernetesClient m2 = fleet.member("member2");
    fleet.kubectl("--context", "flotilla", "scale", "deployment/serve", "--replicas=3");
    Set<String> pods =
        McsFleet.await(
            "3 serve pods in member1", () -> podIps(m1, "default", "serve"), s -> s.size() == 3);
    McsFleet.await(
        "derived slices follow the scale-up",
        () -> sliceAddresses(m2, "default", "derived-serve"),
        pods::equals);
    fleet.kubectl("--context", "flotilla", "scale", "deployment/serve", "--replicas=2");
    Set<String> fewer =
        McsFleet.await(
            "2 serve pods in member1", () -> podIps(m1, "default", "serve"), s -> s.size() == 2);
    McsFleet.await(
        "derived slices follow the scale-down",
        () -> sliceAddresses(m2, "default", "derived-serve"),
        fewer::equals);
  }

  @Test
  @Order(3)
  void fleetWideDiscoveryListsEveryInstance() throws Exception {
    KubernetesClient m1 = fleet.member("member1");
    Set<String> pods = podIps(m1, "default", "serve");
    String path = "/apis/discovery.flotilla.dev/v1/namespaces/default/services/serve/instances";
    java.net.http.HttpClient http = fleet.https();
    com.fasterxml.jackson.databind.JsonNode list =
        McsFleet.await(
            "discovery lists member1's pods",
            () -> {
              try {
                var r =
                    http.send(
                        fleet.request(path + "?ready=true").build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                return Generic.MAPPER.readTree(r.body());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            l -> {
              Set<String> got = new TreeSet<>();
              l.path("instances").forEach(i -> got.add(i.path("address").asText()));
              return got.equals(pods);
            });
    com.fasterxml.jackson.databind.JsonNode first = list.path("instances").path(0);
    assertEquals("member1", first.path("cluster").asText());
    assertEquals(8080, first.path("ports").path(0).path("port").asInt());
    assertTrue(first.path("ready").asBoolean());
    String revision = list.path("revision").asText();
    var unauth =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(fleet.hubServer.url() + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(401, unauth.statusCode());
    fleet
        .hubServer
        .authenticator()
        .addToken(
            "not-a-reader-token",
            new dev.flotilla.apiserver.auth.UserInfo("dev", "", List.of("system:authenticated")));
    var forbidden =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(fleet.hubServer.url() + path))
                .header("Authorization", "Bearer not-a-reader-token")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.body().contains("flotilla:discovery-readers"), forbidden.body());
    var notModified =
        http.send(
            fleet.request(path).header("If-None-Match", "\"" + revision + "\"").build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(304, notModified.statusCode());
    var other =
        http.send(
            fleet.request(path + "?cluster=member3").build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(0, Generic.MAPPER.readTree(other.body()).path("instances").size());
    // watch: the first line is the current list, scaling brings another
    var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
    var stream =
        http.sendAsync(
            fleet.request(path + "?watch=true").build(),
            java.net.http.HttpResponse.BodyHandlers.ofLines());
    var response = stream.get(10, java.util.concurrent.TimeUnit.SECONDS);
    Thread reader = new Thread(() -> response.body().forEach(lines::add));
    reader.setDaemon(true);
    reader.start();
    String initial = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(revision, Generic.MAPPER.readTree(initial).path("revision").asText());
    fleet.kubectl("--context", "flotilla", "scale", "deployment/serve", "--replicas=1");
    String changed = lines.poll(30, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(
        changed != null
            && !Generic.MAPPER.readTree(changed).path("revision").asText().equals(revision),
        "a change arrives on the watch: " + changed);
    response.body().close();
  }

  @Test
  @Order(4)
  void unexportRemovesTheDerivedObjects() {
    KubernetesClient m2 = fleet.member("member2");
    fleet.kubectl(
        "--context", "flotilla", "delete", "-f", EXAMPLE.resolve("service-export.yaml").toString());
    McsFleet.await(
        "derived-serve gone from member2",
        () -> m2.services().inNamespace("default").withName("derived-serve").get(),
        s -> s == null);
    McsFleet.await(
        "derived slices gone", () -> sliceAddresses(m2, "default", "derived-serve"), Set::isEmpty);
    assertNull(
        fleet
            .hub
            .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inNamespace("karmada-es-member2")
            .withName("mcs-derived-default-serve")
            .get());
    List<?> left =
        fleet
            .hub
            .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inNamespace("karmada-es-member1")
            .withLabel("flotilla.dev/mcs-role", "export")
            .list()
            .getItems();
    assertTrue(left.isEmpty(), "export report Work gone: " + left);
  }
}
