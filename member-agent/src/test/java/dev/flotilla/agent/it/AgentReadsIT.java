package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.Interceptor.RequestTags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent writes without reading first, and its conflict rules hold: it creates what its member
 * cache does not hold (a 409 means the object is there, and only then is it read), patches by name
 * in one request, and reports Cluster status on what it last read or wrote. Its requests are
 * counted as its own fabric8 clients send them to a real hub and a real member.
 */
class AgentReadsIT {
  private static final String CLUSTER = "member-reads";
  private static final String ES = "karmada-es-" + CLUSTER;
  private static final String CLUSTER_PATH =
      "/apis/cluster.karmada.io/v1alpha1/clusters/" + CLUSTER;

  @RegisterExtension static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace();

  private static final List<String> memberRequests = new CopyOnWriteArrayList<>();
  private static final List<String> hubRequests = new CopyOnWriteArrayList<>();
  private static KubernetesClient member;
  private static KubernetesClient hub;

  @BeforeAll
  static void startCountedAgent() {
    member = counted(rig.member(), memberRequests);
    hub = counted(rig.hub(), hubRequests);
    rig.startAgent(rig.config().member(ClientSource.of(member)).hub(ClientSource.of(hub)).build());
  }

  @AfterAll
  static void closeClients() {
    member.close();
    hub.close();
  }

  /** A client like {@code admin} that notes "METHOD path" of every request it sends. */
  private static KubernetesClient counted(KubernetesClient admin, List<String> into) {
    return new KubernetesClientBuilder()
        .withConfig(admin.getConfiguration())
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "count",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        into.add(request.method() + " " + request.uri().getPath());
                      }
                    }))
        .build();
  }

  private static List<String> sent(List<String> requests, String pathPart) {
    return requests.stream().filter(r -> r.contains(pathPart)).toList();
  }

  private static ConfigMap configMap(String ns, String name) {
    return rig.member().configMaps().inNamespace(ns).withName(name).get();
  }

  private static ObjectNode awaitApplied(String work, String status) {
    return Await.until(
        "Work " + work + " Applied=" + status,
        () -> Works.get(rig.hub(), ES, work),
        w -> w != null && status.equals(Works.condition(w, "Applied")));
  }

  @Test
  void aNewObjectIsCreatedInOneRequestWithoutAReadOfIt() {
    Works.ensureNamespace(rig.member(), "fresh");
    memberRequests.clear();
    Works.create(
        rig.hub(),
        Works.work(ES, "fresh", List.of(Works.configMap("fresh", "settings", Map.of("k", "v")))));
    awaitApplied("fresh", "True");
    assertEquals("v", configMap("fresh", "settings").getData().get("k"));
    assertEquals(
        List.of("POST /api/v1/namespaces/fresh/configmaps"),
        sent(memberRequests, "/namespaces/fresh/configmaps"));
  }

  @Test
  void aDeletedMemberObjectIsRecreatedAndFieldsTheWorkDropsStillGo() {
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "again",
            List.of(
                Works.namespace("again"),
                Works.configMap("again", "settings", Map.of("a", "1", "b", "2")))));
    awaitApplied("again", "True");
    ConfigMap first =
        Await.until("ConfigMap in member", () -> configMap("again", "settings"), c -> c != null);

    rig.member().configMaps().inNamespace("again").withName("settings").delete();
    ConfigMap recreated =
        Await.until(
            "the deleted ConfigMap created again",
            () -> configMap("again", "settings"),
            c ->
                c != null
                    && !c.getMetadata().getUid().equals(first.getMetadata().getUid())
                    && c.getMetadata().getDeletionTimestamp() == null);
    assertEquals("2", recreated.getData().get("b"));

    // The create recorded the agent as an Update manager; its next apply must still own what it
    // created, or server-side apply would leave a dropped key in place.
    Works.edit(
        rig.hub(),
        ES,
        "again",
        w -> ((ObjectNode) Works.manifests(w).get(1).path("data")).remove("b"));
    ConfigMap shrunk =
        Await.until(
            "key b removed from the re-created ConfigMap",
            () -> configMap("again", "settings"),
            c -> c != null && !c.getData().containsKey("b"));
    assertEquals("1", shrunk.getData().get("a"));
    List<ManagedFieldsEntry> agent =
        shrunk.getMetadata().getManagedFields().stream()
            .filter(e -> "flotilla".equals(e.getManager()))
            .toList();
    assertEquals(1, agent.size(), agent.toString());
    assertEquals("Apply", agent.get(0).getOperation());
  }

  @Test
  void anObjectThatLostItsLabelIsRefusedUnderAbortAndTakenBackUnderOverwrite() {
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "label",
            List.of(
                Works.namespace("label"),
                Works.configMap("label", "settings", Map.of("owner", "karmada")))));
    awaitApplied("label", "True");
    Await.until("ConfigMap in member", () -> configMap("label", "settings"), c -> c != null);

    // Someone takes the object: Karmada's label goes, and the data is theirs now.
    rig.member()
        .configMaps()
        .inNamespace("label")
        .withName("settings")
        .edit(
            c -> {
              c.getMetadata().getLabels().remove("karmada.io/managed");
              c.getData().put("owner", "someone-else");
              return c;
            });
    ObjectNode failed = awaitApplied("label", "False");
    assertTrue(
        Works.conditionMessage(failed, "Applied").contains("is not managed by Karmada"),
        Works.conditionMessage(failed, "Applied"));
    ConfigMap kept = configMap("label", "settings");
    assertEquals("someone-else", kept.getData().get("owner"));
    assertNull(kept.getMetadata().getLabels().get("karmada.io/managed"));

    Works.edit(
        rig.hub(),
        ES,
        "label",
        w ->
            Json.metadataOf(w)
                .with("annotations")
                .put("work.karmada.io/conflict-resolution", "overwrite"));
    awaitApplied("label", "True");
    ConfigMap taken = configMap("label", "settings");
    assertEquals("karmada", taken.getData().get("owner"));
    assertEquals("true", taken.getMetadata().getLabels().get("karmada.io/managed"));
    assertEquals(kept.getMetadata().getUid(), taken.getMetadata().getUid());
  }

  @Test
  void aReleasedObjectIsPatchedInOneRequest() {
    ObjectNode work =
        Works.work(ES, "released", List.of(Works.configMap("released", "stays", Map.of("k", "v"))));
    ((ObjectNode) work.get("spec")).put("preserveResourcesOnDeletion", true);
    Works.create(rig.hub(), work);
    awaitApplied("released", "True");
    Await.until("ConfigMap in member", () -> configMap("released", "stays"), c -> c != null);
    memberRequests.clear();

    Works.delete(rig.hub(), ES, "released");
    Await.until("Work gone", () -> Works.get(rig.hub(), ES, "released") == null);
    ConfigMap cm = configMap("released", "stays");
    assertEquals("v", cm.getData().get("k"));
    assertFalse(
        cm.getMetadata().getLabels() != null
            && cm.getMetadata().getLabels().containsKey("karmada.io/managed"));
    assertEquals(
        List.of("PATCH /api/v1/namespaces/released/configmaps/stays"),
        sent(memberRequests, "/namespaces/released/configmaps"));
  }

  /**
   * The status loop trusts what it last wrote and does not read its Cluster before every sync; it
   * still reads it now and then, so a Ready the hub changed behind it is put right.
   */
  @Test
  void clusterStatusSyncsReadTheClusterOnlyNowAndThen() {
    Await.until(
        "Cluster Ready",
        () -> rig.hub().genericKubernetesResources(HubResources.CLUSTERS).withName(CLUSTER).get(),
        c -> c != null && "True".equals(readyOf(dev.flotilla.agent.kube.Json.tree(c))));
    hubRequests.clear();
    memberRequests.clear();
    // Every sync asks the member's /readyz once: 24 of them are 24 syncs.
    Await.until("24 status syncs", () -> sent(memberRequests, "/readyz").size() >= 24);
    long reads = sent(hubRequests, "GET " + CLUSTER_PATH).size();
    assertTrue(reads <= 24 / 3, "Cluster reads in 24 syncs: " + reads);

    // The hub's cluster controller says Ready=Unknown when it thinks the lease expired.
    for (int attempt = 0; ; attempt++) {
      ObjectNode cluster = cluster();
      for (var c : cluster.path("status").path("conditions")) {
        if ("Ready".equals(c.path("type").asText())) {
          ((ObjectNode) c).put("status", "Unknown").put("reason", "ClusterStatusUnknown");
        }
      }
      try {
        rig.hub()
            .genericKubernetesResources(HubResources.CLUSTERS)
            .resource(dev.flotilla.agent.kube.Json.generic(cluster))
            .updateStatus();
        break;
      } catch (RuntimeException e) {
        if (attempt > 10) {
          throw e; // the agent wrote in between: try again on its version
        }
      }
    }
    Await.until(
        "the agent reporting Ready=True again",
        AgentReadsIT::cluster,
        c -> "True".equals(readyOf(c)));
  }

  private static ObjectNode cluster() {
    return dev.flotilla.agent.kube.Json.tree(
        rig.hub().genericKubernetesResources(HubResources.CLUSTERS).withName(CLUSTER).get());
  }

  private static String readyOf(ObjectNode cluster) {
    for (var c : cluster.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }
}
