package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

/**
 * The hub flag {@code --enable-no-execute-taint-eviction}: on (the default) a NoExecute taint moves
 * the cluster from the binding into a graceful eviction task, keeping its Work while the task lasts
 * (no agent here reports the replacement healthy); off, the same taint leaves the binding alone.
 */
class TaintEvictionIT {
  private static final String TAINT =
      "{\"spec\":{\"taints\":[{\"key\":\"maintenance\",\"effect\":\"NoExecute\"}]}}";

  @Test
  void evictionOnMovesTheClusterIntoATask() throws Exception {
    try (HubFixture fx = new HubFixture("c1", "c2");
        ControllerManager m = new ControllerManager(fx.client, "on").start()) {
      fx.propagate("cm", "c1, c2");
      Await.until(
          "Works in c1 and c2", () -> fx.work("c1", "cm") != null && fx.work("c2", "cm") != null);
      taint(fx);
      JsonNode rb =
          Await.until(
              "cm evicted from c1",
              () -> {
                JsonNode b = binding(fx);
                return b.path("spec").path("gracefulEvictionTasks").size() == 1 ? b : null;
              });
      assertEquals(
          "c1", rb.path("spec").path("gracefulEvictionTasks").get(0).path("fromCluster").asText());
      assertEquals(1, rb.path("spec").path("clusters").size(), rb.toString());
      assertEquals("c2", rb.path("spec").path("clusters").get(0).path("name").asText());
      assertNotNull(fx.work("c1", "cm"), "the old Work stays until the new copy is healthy");
    }
  }

  @Test
  void evictionOffLeavesTheBindingAlone() throws Exception {
    try (HubFixture fx = new HubFixture("c1", "c2");
        ControllerManager m =
            new ControllerManager(fx.client, "off")
                .failover(FailoverOptions.DEFAULTS.withEviction(false))
                .start()) {
      fx.propagate("cm", "c1, c2");
      Await.until(
          "Works in c1 and c2", () -> fx.work("c1", "cm") != null && fx.work("c2", "cm") != null);
      taint(fx);
      Thread.sleep(3000); // the taint manager would act within a reconcile; there is none
      JsonNode rb = binding(fx);
      assertEquals(2, rb.path("spec").path("clusters").size(), rb.toString());
      assertEquals(0, rb.path("spec").path("gracefulEvictionTasks").size(), rb.toString());
      assertNotNull(fx.work("c1", "cm"));
    }
  }

  private static void taint(HubFixture fx) {
    fx.client
        .genericKubernetesResources(Kinds.CLUSTER)
        .withName("c1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), TAINT);
  }

  private static JsonNode binding(HubFixture fx) {
    return Trees.tree(
        fx.client
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace("default")
            .withName("cm-configmap")
            .get());
  }
}
