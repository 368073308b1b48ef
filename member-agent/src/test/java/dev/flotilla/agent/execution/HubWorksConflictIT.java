package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.apiserver.it.TestHub;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's Work status write against a real hub: it is sent as JSON text, and the hub's 409 on a
 * Work changed since it was read is still a conflict to the agent, which then writes its status on
 * the fresh copy when the spec is the one it reconciled, and drops it when the spec moved on.
 */
class HubWorksConflictIT {
  private static final String NS = "karmada-es-member-status";
  private static TestHub hubServer;
  private static KubernetesClient hub;

  @BeforeAll
  static void start() {
    hubServer = TestHub.start();
    hub = hubServer.client();
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    hubServer.close();
  }

  private static ObjectNode create(String name) throws Exception {
    ObjectNode work =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"apiVersion": "work.karmada.io/v1alpha1", "kind": "Work",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "spec": {"workload": {"manifests": [{"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "a", "namespace": "default"}}]}}}
                """
                    .formatted(name, NS));
    return Json.tree(works().resource(Json.generic(work)).create());
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          ?,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      works() {
    return hub.genericKubernetesResources(HubResources.WORKS).inNamespace(NS);
  }

  /** Changes the stored Work as its admin, between the agent's read and its status write. */
  private static void edit(String name, java.util.function.Consumer<ObjectNode> change) {
    ObjectNode w = Json.tree(works().withName(name).get());
    change.accept(w);
    works().resource(Json.generic(w)).update();
  }

  private static ObjectNode applied(ObjectNode previous) {
    ObjectNode status = Json.object();
    status
        .putArray("conditions")
        .addObject()
        .put("type", "Applied")
        .put("status", "True")
        .put("reason", "AppliedSuccessful")
        .put("message", "Manifest has been successfully applied")
        .put("lastTransitionTime", "2026-12-07T09:00:00Z");
    return status;
  }

  @Test
  void writesTheStatusAndReadsTheReplyAsTheStoredWork() throws Exception {
    ObjectNode work = create("plain");
    HubWorks writes = new HubWorks(hub);
    writes.writeStatus(work, HubWorksConflictIT::applied);

    ObjectNode stored = Json.tree(works().withName("plain").get());
    assertEquals("True", stored.at("/status/conditions/0/status").asText());
    assertEquals(1, stored.at("/spec/workload/manifests").size(), "the spec stays as stored");
    assertEquals(
        stored.at("/metadata/resourceVersion").asText(),
        writes.newest("plain", work).at("/metadata/resourceVersion").asText(),
        "the reply is remembered as the newest copy");
    assertEquals(
        "True",
        writes.newest("plain", work).at("/status/conditions/0/status").asText(),
        "the newest copy is the reply, read whole when asked for");
  }

  @Test
  void aConflictOnUnchangedSpecIsWrittenOnTheFreshCopy() throws Exception {
    ObjectNode stale = create("relabelled");
    edit("relabelled", w -> Json.metadata(w).putObject("labels").put("a", "b"));

    new HubWorks(hub).writeStatus(stale, HubWorksConflictIT::applied);

    ObjectNode stored = Json.tree(works().withName("relabelled").get());
    assertEquals("True", stored.at("/status/conditions/0/status").asText());
    assertEquals("b", stored.at("/metadata/labels/a").asText());
  }

  @Test
  void aConflictOnANewerSpecDropsTheStatus() throws Exception {
    ObjectNode stale = create("respecced");
    edit(
        "respecced",
        w -> ((ObjectNode) w.at("/spec/workload/manifests/0/metadata")).put("name", "b"));

    new HubWorks(hub).writeStatus(stale, HubWorksConflictIT::applied);

    ObjectNode stored = Json.tree(works().withName("respecced").get());
    assertFalse(stored.has("status") && stored.at("/status/conditions").size() > 0);
    assertTrue(
        stored.at("/metadata/generation").asLong() > stale.at("/metadata/generation").asLong());
  }
}
