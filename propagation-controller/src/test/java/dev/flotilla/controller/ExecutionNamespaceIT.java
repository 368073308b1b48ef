package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Namespace;
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
    Namespace first =
        Await.until(
            "karmada-es-member1 made",
            () -> fx.client.namespaces().withName("karmada-es-member1").get());
    fx.client.namespaces().withName("karmada-es-member1").delete();
    Namespace again =
        Await.until(
            "karmada-es-member1 made again",
            () -> {
              Namespace ns = fx.client.namespaces().withName("karmada-es-member1").get();
              return ns != null
                      && !ns.getMetadata().getUid().equals(first.getMetadata().getUid())
                      && ns.getMetadata().getDeletionTimestamp() == null
                  ? ns
                  : null;
            });
    assertNotEquals(first.getMetadata().getUid(), again.getMetadata().getUid());
  }
}
