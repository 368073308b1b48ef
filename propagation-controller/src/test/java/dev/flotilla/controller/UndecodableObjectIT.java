package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.UndecodableReporter;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ResourceBinding and a Work whose {@code metadata.ownerReferences} is {@code "x"} in the store
 * (written before the hub refused such metadata; here straight through the storage layer, which
 * skips admission) neither stop the controllers at start (the informers' first list) nor when one
 * turns up later (a watch event): they are skipped and reported with a Warning Event, and bindings
 * made afterwards are scheduled and propagated, before and after the bad objects are deleted.
 */
class UndecodableObjectIT {
  private static HubFixture fx;
  private static ControllerManager manager;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture("member1");
    fx.client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("karmada-es-member1")
                .endMetadata()
                .build())
        .create();
    create(
        """
        apiVersion: work.karmada.io/v1alpha2
        kind: ResourceBinding
        metadata: {name: stale-binding, namespace: default}
        spec:
          resource: {apiVersion: v1, kind: ConfigMap, namespace: default, name: nothing}
          clusters: [{name: member1}]
        """);
    create(
        """
        apiVersion: work.karmada.io/v1alpha1
        kind: Work
        metadata: {name: stale-work, namespace: karmada-es-member1}
        spec: {workload: {manifests: []}}
        """);
    corrupt("work.karmada.io", "v1alpha2", "resourcebindings", "default", "stale-binding");
    corrupt("work.karmada.io", "v1alpha1", "works", "karmada-es-member1", "stale-work");
    manager = new ControllerManager(fx.client, "decode-guard-test").start();
  }

  @AfterAll
  static void stop() {
    if (manager != null) {
      manager.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private static void create(String yaml) {
    fx.client.load(new ByteArrayInputStream(yaml.getBytes())).create();
  }

  /** Stores {@code ownerReferences: "x"} past admission, as data from before the fix. */
  private static void corrupt(
      String group, String version, String plural, String namespace, String name) {
    ResourceType type = fx.hub.storage().registry().find(group, version, plural).orElseThrow();
    fx.hub
        .storage()
        .guaranteedUpdate(
            type,
            namespace,
            name,
            0,
            false,
            obj -> {
              ObjectNode meta = Meta.metadata(obj);
              meta.put("ownerReferences", "x");
              return obj;
            })
        .join();
  }

  private static Event decodeEvent(String namespace, String name) {
    for (Event e : fx.client.v1().events().inNamespace(namespace).list().getItems()) {
      if (name.equals(e.getInvolvedObject().getName())
          && UndecodableReporter.REASON.equals(e.getReason())) {
        return e;
      }
    }
    return null;
  }

  @Test
  void undecodableObjectsAreSkippedAndReportedWhileEverythingElsePropagates() {
    Await.until("controllers running", () -> manager.leading());
    fx.propagate("first", "member1");
    assertNotNull(
        Await.until("propagation despite stored bad objects", () -> fx.work("member1", "first")));

    Event binding =
        Await.until("an Event on the bad binding", () -> decodeEvent("default", "stale-binding"));
    assertEquals("Warning", binding.getType());
    assertEquals("ResourceBinding", binding.getInvolvedObject().getKind());
    assertTrue(binding.getMessage().contains("ownerReferences"), binding.getMessage());
    assertNotNull(
        Await.until(
            "an Event on the bad Work", () -> decodeEvent("karmada-es-member1", "stale-work")));

    // One more turns up while the controllers run: a watch event, not the first list.
    fx.propagate("second", "member1");
    JsonWork second =
        new JsonWork(Await.until("second propagated", () -> fx.work("member1", "second")));
    corrupt("work.karmada.io", "v1alpha1", "works", "karmada-es-member1", second.name());
    fx.propagate("third", "member1");
    assertNotNull(
        Await.until("propagation after a bad watch event", () -> fx.work("member1", "third")));

    // Deleting the bad objects is no event the controllers stumble on either. (Raw requests: the
    // test's own typed client cannot decode the deleted object it gets back.)
    fx.client.raw(
        "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/stale-binding",
        "DELETE",
        null);
    fx.client.raw(
        "/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-member1/works/stale-work",
        "DELETE",
        null);
    fx.propagate("fourth", "member1");
    assertNotNull(Await.until("propagation after the deletes", () -> fx.work("member1", "fourth")));
    GenericKubernetesResource rb =
        fx.client
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace("default")
            .withName("fourth-configmap")
            .get();
    assertNotNull(rb, "the detector made a binding for the new template");
  }

  /** The name of a Work given as a tree. */
  private record JsonWork(com.fasterxml.jackson.databind.JsonNode tree) {
    String name() {
      return tree.path("metadata").path("name").asText();
    }
  }
}
