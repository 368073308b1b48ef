package dev.flotilla.controller.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.names.McsNames;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub acts only on MCS reports that speak for their own cluster: reports written as admin into
 * {@code karmada-es-member1} that claim member2 or carry another kind are ignored with a warning
 * Event, and no derived Work or hub ServiceImport follows from them, while a genuine report next to
 * them is served.
 */
class McsReportsIT {
  private static TestHub hub;
  private static KubernetesClient client;
  private static McsHubController controller;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    client = hub.client();
    for (String c : List.of("member1", "member2", "member3")) {
      readyCluster(c);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("karmada-es-" + c)
                  .endMetadata()
                  .build())
          .create();
    }
    // No configured prefix: derived Services are named by where each import came from.
    controller = new McsHubController(client, null);
  }

  @AfterAll
  static void stop() {
    controller.close();
    client.close();
    hub.close();
  }

  @Test
  void genuineReportIsServed() {
    write("member1", "export", "web", McsReportsTest.exportSpec());
    write("member3", "import", "web", McsReportsTest.importSpec());
    GenericKubernetesResource derived = await(() -> work("member3", "mcs-derived-shop-web"));
    assertEquals(
        "member1",
        derived.getMetadata().getAnnotations().get(McsNames.SOURCE_CLUSTERS),
        "the source cluster is the report's execution namespace");
  }

  @Test
  void derivedServiceNamedByWhereTheImportCameFrom() {
    write("member1", "export", "both", renamed(McsReportsTest.exportSpec(), "both"));
    write("member2", "import", "both", renamed(McsReportsTest.importSpec(), "both"), "hub");
    write("member3", "import", "both", renamed(McsReportsTest.importSpec(), "both"), "member");
    GenericKubernetesResource karmada = await(() -> work("member2", "mcs-derived-shop-both"));
    GenericKubernetesResource ack = await(() -> work("member3", "mcs-derived-shop-both"));
    assertEquals(
        "derived-both",
        karmada.getMetadata().getAnnotations().get(McsNames.DERIVED_SERVICE),
        "an import propagated from the hub follows Karmada's naming");
    assertEquals(
        "amcs-both",
        ack.getMetadata().getAnnotations().get(McsNames.DERIVED_SERVICE),
        "an import created in the member follows ACK One's naming");
    assertTrue(Trees.tree(ack).toString().contains("\"name\":\"amcs-both\""), "the Service itself");
  }

  @Test
  void reportWithUnknownOriginIsIgnored() {
    write("member1", "export", "odd", renamed(McsReportsTest.exportSpec(), "odd"));
    GenericKubernetesResource report =
        write("member3", "import", "odd", renamed(McsReportsTest.importSpec(), "odd"), "elsewhere");
    Event event =
        await(
            () ->
                client.v1().events().inNamespace("karmada-es-member3").list().getItems().stream()
                    .filter(e -> "InvalidReport".equals(e.getReason()))
                    .filter(
                        e -> report.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                    .findFirst()
                    .orElse(null));
    assertTrue(event.getMessage().contains("must be hub or member"), event.getMessage());
    assertNull(work("member3", "mcs-derived-shop-odd"));
  }

  @Test
  void reportClaimingAnotherClusterIsIgnored() {
    ObjectNode spec = renamed(McsReportsTest.exportSpec(), "forged");
    ((ObjectNode) McsReportsTest.manifestAt(spec, 2).path("metadata"))
        .putObject("labels")
        .put(McsNames.MCS_SOURCE_CLUSTER, "member2");
    assertIgnored("forged", spec, "claims source cluster member2");
  }

  @Test
  void reportCarryingAnotherKindIsIgnored() {
    ObjectNode spec = renamed(McsReportsTest.exportSpec(), "secretive");
    ObjectNode secret = McsReportsTest.manifest("v1", "Secret", "shop", "secretive");
    secret.putObject("data").put("password", "c2VjcmV0");
    ((ArrayNode) spec.path("workload").path("manifests")).add(secret);
    assertIgnored("secretive", spec, "v1 Secret does not belong in an MCS export report");
  }

  /** Written into member1's namespace, imported by member3: an Event, and nothing else. */
  private static void assertIgnored(String svc, ObjectNode spec, String reason) {
    write("member3", "import", svc, renamed(McsReportsTest.importSpec(), svc));
    GenericKubernetesResource report = write("member1", "export", svc, spec);
    Event event = await(() -> invalidReportEvent(report));
    assertTrue(event.getMessage().contains(reason), event.getMessage());
    assertEquals("Warning", event.getType());
    // The Event is written by the reconcile that skipped the report, which saw member3's import
    // (written first, on the same watch): had it taken the report, the derived Work would exist.
    assertNull(work("member3", "mcs-derived-shop-" + svc), "derived Work from a forged report");
    assertNull(
        client
            .genericKubernetesResources(McsHubController.SERVICE_IMPORT)
            .inNamespace("shop")
            .withName(svc)
            .get(),
        "hub ServiceImport from a forged report");
    GenericKubernetesResource after = work("member1", "svcexport-shop-" + svc);
    assertNull(after.getAdditionalProperties().get("status"), "status written on a forged report");
  }

  private static Event invalidReportEvent(GenericKubernetesResource report) {
    return client.v1().events().inNamespace("karmada-es-member1").list().getItems().stream()
        .filter(e -> "InvalidReport".equals(e.getReason()))
        .filter(e -> report.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .findFirst()
        .orElse(null);
  }

  /** The spec with every manifest renamed from web to {@code svc} (slices keep their names). */
  private static ObjectNode renamed(ObjectNode spec, String svc) {
    for (var m : spec.path("workload").path("manifests")) {
      ObjectNode meta = (ObjectNode) m.path("metadata");
      if (meta.path("name").asText().equals("web")) {
        meta.put("name", svc);
      }
    }
    return spec;
  }

  private static GenericKubernetesResource write(
      String cluster, String role, String svc, ObjectNode spec) {
    return write(cluster, role, svc, spec, null);
  }

  private static GenericKubernetesResource write(
      String cluster, String role, String svc, ObjectNode spec, String origin) {
    ObjectNode work = Trees.MAPPER.createObjectNode();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put(
        "name", McsNames.workName(role.equals("export") ? "svcexport" : "svcimport", "shop", svc));
    meta.put("namespace", "karmada-es-" + cluster);
    meta.putObject("labels")
        .put(McsNames.ROLE, role)
        .put(McsNames.SERVICE_NAMESPACE, "shop")
        .put(McsNames.SERVICE_NAME, svc);
    if (origin != null) {
      meta.putObject("annotations").put(McsNames.IMPORT_ORIGIN, origin);
    }
    work.set("spec", spec);
    return client
        .genericKubernetesResources(Kinds.WORK)
        .inNamespace("karmada-es-" + cluster)
        .resource(Trees.generic(work))
        .create();
  }

  private static GenericKubernetesResource work(String cluster, String name) {
    return client
        .genericKubernetesResources(Kinds.WORK)
        .inNamespace("karmada-es-" + cluster)
        .withName(name)
        .get();
  }

  private static void readyCluster(String name) {
    ObjectNode cluster = Trees.MAPPER.createObjectNode();
    cluster.put("apiVersion", "cluster.karmada.io/v1alpha1");
    cluster.put("kind", "Cluster");
    cluster.putObject("metadata").put("name", name);
    cluster.putObject("spec").put("syncMode", "Pull");
    ObjectNode tree =
        Trees.tree(
            client
                .genericKubernetesResources(Kinds.CLUSTER)
                .resource(Trees.generic(cluster))
                .create());
    tree.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", "True")
        .put("reason", "ClusterReady")
        .put("message", "ok")
        .put("lastTransitionTime", "2026-12-01T00:00:00Z");
    client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(tree)).updateStatus();
  }

  private static <T> T await(Supplier<T> probe) {
    return Await.until("the MCS reports' expected state", probe::get);
  }
}
