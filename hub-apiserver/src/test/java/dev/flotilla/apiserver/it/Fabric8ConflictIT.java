package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimistic concurrency: writes against a stale resourceVersion fail with 409 Conflict. */
class Fabric8ConflictIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  @Test
  void staleUpdateIsConflict() {
    String ns = newNamespace(client, "conflict");
    var cms = client.configMaps().inNamespace(ns);
    ConfigMap original = cms.resource(configMap("cfg", Map.of(), Map.of("v", "0"))).create();
    ConfigMap stale = new ConfigMapBuilder(original).build();

    ConfigMap first = new ConfigMapBuilder(original).addToData("v", "1").build();
    ConfigMap winner = cms.resource(first).update();
    assertEquals("1", winner.getData().get("v"));

    stale.getData().put("v", "2");
    KubernetesClientException e = failsWith(409, "Conflict", () -> cms.resource(stale).update());
    assertTrue(
        e.getStatus().getMessage().contains("the object has been modified"),
        e.getStatus().getMessage());
    assertEquals("cfg", e.getStatus().getDetails().getName());
    assertEquals("configmaps", e.getStatus().getDetails().getKind());
    assertEquals("1", cms.withName("cfg").get().getData().get("v"), "the loser changed nothing");

    // With the current resourceVersion the same change succeeds.
    stale.getMetadata().setResourceVersion(winner.getMetadata().getResourceVersion());
    assertEquals("2", cms.resource(stale).update().getData().get("v"));
  }

  @Test
  void lockedResourceVersionIsConflictWhenStale() {
    String ns = newNamespace(client, "conflict-lock");
    var cms = client.configMaps().inNamespace(ns);
    ConfigMap original = cms.resource(configMap("cfg", Map.of(), Map.of("v", "0"))).create();
    String oldRv = original.getMetadata().getResourceVersion();
    cms.withName("cfg").edit(cm -> new ConfigMapBuilder(cm).addToData("v", "1").build());

    // fabric8 7 sends the item's own resourceVersion; lockResourceVersion() makes that explicit.
    ConfigMap change = new ConfigMapBuilder(original).addToData("v", "2").build();
    assertEquals(oldRv, change.getMetadata().getResourceVersion());
    failsWith(409, "Conflict", () -> cms.resource(change).lockResourceVersion().update());
    assertEquals("1", cms.withName("cfg").get().getData().get("v"));
  }

  @Test
  void stalePatchAndPreconditionedDeleteAreConflicts() {
    String ns = newNamespace(client, "conflict-patch");
    var cms = client.configMaps().inNamespace(ns);
    ConfigMap original = cms.resource(configMap("cfg", Map.of(), Map.of("v", "0"))).create();
    String oldRv = original.getMetadata().getResourceVersion();
    cms.withName("cfg").edit(cm -> new ConfigMapBuilder(cm).addToData("v", "1").build());

    String patch = "{\"metadata\":{\"resourceVersion\":\"" + oldRv + "\"},\"data\":{\"v\":\"3\"}}";
    failsWith(
        409,
        "Conflict",
        () -> cms.withName("cfg").patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    assertEquals("1", cms.withName("cfg").get().getData().get("v"));

    // DELETE with a resourceVersion precondition (fabric8 sends it for a locked delete).
    failsWith(409, "Conflict", () -> cms.resource(original).lockResourceVersion(oldRv).delete());
    assertEquals("1", cms.withName("cfg").get().getData().get("v"), "still there");
  }
}
