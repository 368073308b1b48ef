package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Graceful deletion: finalizers hold an object with a deletionTimestamp until they are gone. */
class Fabric8FinalizerIT {
  private static final String HOLD = "example.com/hold";
  private static final String HOLD2 = "example.com/second";

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

  private static ConfigMap held(String name, String... finalizers) {
    return new ConfigMapBuilder(configMap(name, Map.of(), Map.of("k", "v")))
        .editMetadata()
        .withFinalizers(List.of(finalizers))
        .endMetadata()
        .build();
  }

  @Test
  void finalizerHoldsTheObjectUntilRemoved() {
    String ns = newNamespace(client, "finalizers");
    var cms = client.configMaps().inNamespace(ns);
    ConfigMap created = cms.resource(held("held", HOLD, HOLD2)).create();
    assertNull(created.getMetadata().getDeletionTimestamp());

    cms.withName("held").delete();
    ConfigMap deleting = cms.withName("held").get();
    assertNotNull(deleting, "an object with finalizers stays after delete");
    assertNotNull(deleting.getMetadata().getDeletionTimestamp(), "deletionTimestamp is set");
    assertEquals(List.of(HOLD, HOLD2), deleting.getMetadata().getFinalizers());
    assertEquals(created.getMetadata().getUid(), deleting.getMetadata().getUid());

    // A second delete changes nothing.
    cms.withName("held").delete();
    ConfigMap again = cms.withName("held").get();
    assertEquals(
        deleting.getMetadata().getDeletionTimestamp(), again.getMetadata().getDeletionTimestamp());

    // Other changes are still allowed while deleting.
    ConfigMap edited =
        cms.withName("held")
            .edit(
                cm -> {
                  cm.getData().put("k", "w");
                  return cm;
                });
    assertEquals("w", edited.getData().get("k"));

    // Removing one finalizer keeps it; removing the last deletes it.
    ConfigMap one =
        cms.withName("held")
            .edit(
                cm -> {
                  cm.getMetadata().setFinalizers(new ArrayList<>(List.of(HOLD2)));
                  return cm;
                });
    assertEquals(List.of(HOLD2), one.getMetadata().getFinalizers());
    assertNotNull(cms.withName("held").get());
    cms.withName("held")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(new ArrayList<>());
              return cm;
            });
    assertNull(cms.withName("held").get(), "gone once the last finalizer is removed");
  }

  @Test
  void removingTheLastFinalizerWithPutDeletes() {
    String ns = newNamespace(client, "finalizers-put");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(held("held", HOLD)).create();
    cms.withName("held").delete();
    ConfigMap deleting = cms.withName("held").get();
    deleting.getMetadata().setFinalizers(new ArrayList<>());
    cms.resource(deleting).update();
    assertNull(cms.withName("held").get());
  }

  @Test
  void noNewFinalizersWhileDeleting() {
    String ns = newNamespace(client, "finalizers-new");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(held("held", HOLD)).create();
    cms.withName("held").delete();

    ConfigMap deleting = cms.withName("held").get();
    deleting.getMetadata().setFinalizers(new ArrayList<>(List.of(HOLD, HOLD2)));
    KubernetesClientException put =
        failsWith(422, "Invalid", () -> cms.resource(deleting).update());
    assertTrue(put.getStatus().getMessage().contains("finalizers"), put.getMessage());
    failsWith(
        422,
        "Invalid",
        () ->
            cms.withName("held")
                .edit(
                    cm -> {
                      cm.getMetadata().getFinalizers().add(HOLD2);
                      return cm;
                    }));
    assertEquals(List.of(HOLD), cms.withName("held").get().getMetadata().getFinalizers());

    // Cleanup: the object goes once its finalizer does.
    cms.withName("held")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(new ArrayList<>());
              return cm;
            });
    assertNull(cms.withName("held").get());
  }

  @Test
  void objectWithoutFinalizersIsDeletedAtOnce() {
    String ns = newNamespace(client, "finalizers-none");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(configMap("plain", Map.of(), Map.of())).create();
    cms.withName("plain").delete();
    assertNull(cms.withName("plain").get());
  }
}
