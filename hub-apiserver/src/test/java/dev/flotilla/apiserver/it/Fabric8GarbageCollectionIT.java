package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Garbage collection by ownerReferences under the three propagation policies. */
class Fabric8GarbageCollectionIT {
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

  private static MixedOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> cms() {
    return client.configMaps();
  }

  private static OwnerReference ref(ConfigMap owner, boolean block) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("ConfigMap")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withBlockOwnerDeletion(block)
        .build();
  }

  private static ConfigMap owner(String ns, String name) {
    return cms().inNamespace(ns).resource(configMap(name, Map.of(), Map.of())).create();
  }

  private static ConfigMap dependent(
      String ns, String name, List<String> finalizers, OwnerReference... owners) {
    return cms()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder(configMap(name, Map.of(), Map.of()))
                .editMetadata()
                .withOwnerReferences(owners)
                .withFinalizers(finalizers)
                .endMetadata()
                .build())
        .create();
  }

  private static ConfigMap get(String ns, String name) {
    return cms().inNamespace(ns).withName(name).get();
  }

  @Test
  void backgroundDeletionCollectsDependents() {
    String ns = newNamespace(client, "gc-background");
    ConfigMap owner = owner(ns, "owner");
    ConfigMap survivor = owner(ns, "survivor");
    dependent(ns, "child", List.of(), ref(owner, false));
    dependent(ns, "shared", List.of(), ref(owner, false), ref(survivor, false));
    dependent(ns, "unrelated", List.of());

    cms()
        .inNamespace(ns)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    assertNull(get(ns, "owner"), "a background delete removes the owner at once");
    await("the dependent of a deleted owner to be collected", () -> get(ns, "child") == null);
    await(
        "the dangling reference of a shared dependent to be removed",
        () -> {
          ConfigMap shared = get(ns, "shared");
          return shared != null && shared.getMetadata().getOwnerReferences().size() == 1;
        });
    assertEquals(
        survivor.getMetadata().getUid(),
        get(ns, "shared").getMetadata().getOwnerReferences().get(0).getUid());
    assertNotNull(get(ns, "unrelated"));
  }

  @Test
  void defaultDeletionIsBackground() {
    String ns = newNamespace(client, "gc-default");
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "child", List.of(), ref(owner, false));
    cms().inNamespace(ns).withName("owner").delete();
    await("the dependent to be collected", () -> get(ns, "child") == null);
  }

  @Test
  void orphanDeletionKeepsDependentsWithoutTheReference() {
    String ns = newNamespace(client, "gc-orphan");
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "child", List.of(), ref(owner, true));
    cms()
        .inNamespace(ns)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    await("the orphaning owner to be gone", () -> get(ns, "owner") == null);
    ConfigMap child = get(ns, "child");
    assertNotNull(child, "an orphaned dependent stays");
    assertTrue(
        child.getMetadata().getOwnerReferences() == null
            || child.getMetadata().getOwnerReferences().isEmpty(),
        "the orphaned dependent lost its reference: " + child.getMetadata().getOwnerReferences());
    assertNull(child.getMetadata().getDeletionTimestamp());
  }

  @Test
  void foregroundDeletionWaitsForDependents() {
    String ns = newNamespace(client, "gc-foreground");
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "child", List.of("example.com/hold"), ref(owner, true));
    cms()
        .inNamespace(ns)
        .withName("owner")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();

    ConfigMap deleting = get(ns, "owner");
    assertNotNull(deleting, "a foreground-deleted owner waits for its dependents");
    assertNotNull(deleting.getMetadata().getDeletionTimestamp());
    assertTrue(
        deleting.getMetadata().getFinalizers().contains("foregroundDeletion"),
        "finalizers: " + deleting.getMetadata().getFinalizers());
    await(
        "the dependent to be marked for deletion",
        () -> get(ns, "child").getMetadata().getDeletionTimestamp() != null);
    assertNotNull(get(ns, "owner"), "the owner stays while a blocking dependent exists");

    cms()
        .inNamespace(ns)
        .withName("child")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(new ArrayList<>());
              return cm;
            });
    await("the owner to go once its dependent has", () -> get(ns, "owner") == null);
    assertNull(get(ns, "child"));
  }
}
