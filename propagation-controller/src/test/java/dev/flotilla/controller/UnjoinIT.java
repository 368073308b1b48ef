package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.names.Names;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unjoining a cluster (deleting its Cluster, its agent already gone) releases its execution
 * namespace: the Works there lose the execution controller's finalizer, which no agent would ever
 * remove now, and go with the namespace, while another cluster's Works stay.
 */
class UnjoinIT {
  private static HubFixture fx;
  private static ControllerManager manager;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture("member1", "member2");
    manager = new ControllerManager(fx.client, "unjoin");
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
  void deletingAClusterReleasesItsWorks() {
    fx.propagate("leaving", "member1");
    fx.propagate("staying", "member2");
    JsonNode work = Await.until("the Work for member1", () -> fx.work("member1", "leaving"));
    assertEquals(
        Names.EXECUTION_CONTROLLER_FINALIZER,
        work.path("metadata").path("finalizers").path(0).asText(),
        "Works carry the execution finalizer, which only the agent removes");
    Await.until("the Work for member2", () -> fx.work("member2", "staying"));

    fx.client.genericKubernetesResources(Kinds.CLUSTER).withName("member1").delete();

    Await.until(
        "karmada-es-member1 and its Works gone",
        () -> fx.client.namespaces().withName("karmada-es-member1").get() == null);
    assertNull(
        fx.client
            .genericKubernetesResources(Kinds.WORK)
            .inNamespace("karmada-es-member1")
            .withName(work.path("metadata").path("name").asText())
            .get());
    Await.until("member2's Work still there", () -> fx.work("member2", "staying"));
  }
}
