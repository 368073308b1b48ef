package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A joined cluster's execution namespace, deleted by hand, is made again as soon as it is gone: the
 * cluster controller watches namespaces instead of reading each one from the hub on a timer (here
 * no agent renews a lease, so nothing else would wake it).
 */
class ExecutionNamespaceIT {
  private static HubFixture fx;
  private static ControllerManager manager;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture("member1");
    manager = new ControllerManager(fx.client, "execution-namespace");
    manager.start();
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

  @Test
  void aDeletedExecutionNamespaceComesBack() {
    Namespace first = member1Namespace();
    Namespace again = deleteAndAwaitAgain(first);
    assertNotEquals(first.getMetadata().getUid(), again.getMetadata().getUid());
  }

  /**
   * The namespace is made with an agent's credential, before the agent creates its Cluster: the
   * controller must not take that for an unjoined cluster and delete it (with the agent's Role in
   * it). Member1's namespace made again after this one is a barrier: the controller's one worker
   * has reconciled the early namespace's key by then.
   */
  @Test
  void anExecutionNamespaceMadeBeforeItsClusterIsKept() {
    Namespace early =
        fx.client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("karmada-es-early")
                    .endMetadata()
                    .build())
            .create();
    deleteAndAwaitAgain(member1Namespace());
    Namespace now = fx.client.namespaces().withName("karmada-es-early").get();
    assertNotNull(now, "karmada-es-early was deleted before its Cluster was created");
    assertEquals(early.getMetadata().getUid(), now.getMetadata().getUid());
    assertNull(now.getMetadata().getDeletionTimestamp(), "karmada-es-early is being deleted");
  }

  /**
   * A Cluster deleted while no controller watched (another replica led, or none ran) leaves Works
   * behind: those show the cluster had joined, so its namespace is released all the same.
   */
  @Test
  void anExecutionNamespaceWithWorksButNoClusterIsReleased() throws Exception {
    manager.close();
    fx.client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("karmada-es-gone")
                .endMetadata()
                .build())
        .create();
    GenericKubernetesResource work = new GenericKubernetesResource();
    work.setApiVersion("work.karmada.io/v1alpha1");
    work.setKind("Work");
    work.setMetadata(
        new ObjectMetaBuilder()
            .withName("left-behind")
            .withNamespace("karmada-es-gone")
            .withFinalizers(Names.EXECUTION_CONTROLLER_FINALIZER)
            .build());
    work.setAdditionalProperty("spec", Map.of("workload", Map.of("manifests", List.of())));
    fx.client
        .genericKubernetesResources(Kinds.WORK)
        .inNamespace("karmada-es-gone")
        .resource(work)
        .create();
    manager = new ControllerManager(fx.client, "execution-namespace"); // the same holder
    manager.start();
    Await.until(
        "karmada-es-gone released",
        () -> fx.client.namespaces().withName("karmada-es-gone").get() == null);
  }

  private static Namespace member1Namespace() {
    return Await.until(
        "karmada-es-member1 made",
        () -> {
          Namespace ns = fx.client.namespaces().withName("karmada-es-member1").get();
          return ns != null && ns.getMetadata().getDeletionTimestamp() == null ? ns : null;
        });
  }

  private static Namespace deleteAndAwaitAgain(Namespace first) {
    fx.client.namespaces().withName("karmada-es-member1").delete();
    return Await.until(
        "karmada-es-member1 made again",
        () -> {
          Namespace ns = fx.client.namespaces().withName("karmada-es-member1").get();
          return ns != null
                  && !ns.getMetadata().getUid().equals(first.getMetadata().getUid())
                  && ns.getMetadata().getDeletionTimestamp() == null
              ? ns
              : null;
        });
  }
}
