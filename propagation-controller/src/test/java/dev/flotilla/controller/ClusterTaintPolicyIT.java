package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/**
 * ClusterTaintPolicy: when c1's Ready condition stops being True the policy's NoExecute taint is
 * added, the taint manager evicts the binding that does not tolerate it, and when Ready is True
 * again the policy removes the taint. c2 is outside the policy's targetClusters and keeps no taint
 * whatever its condition.
 */
class ClusterTaintPolicyIT {
  private static final String POLICY =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: ClusterTaintPolicy
      metadata: {name: not-ready-evicts}
      spec:
        targetClusters: {clusterNames: [c1]}
        addOnConditions: [{conditionType: Ready, operator: NotIn, statusValues: ["True"]}]
        removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ["True"]}]
        taints: [{key: e2e.flotilla.dev/not-ready, effect: NoExecute}]
      """;

  @Test
  void conditionsAddAndRemoveTaintsAndNoExecuteEvicts() throws Exception {
    try (HubFixture fx = new HubFixture("c1", "c2");
        ControllerManager m = new ControllerManager(fx.client, "ctp").start()) {
      fx.client.load(new ByteArrayInputStream(POLICY.getBytes())).create();
      fx.propagate("cm", "c1, c2");
      Await.until(
          "Works in c1 and c2", () -> fx.work("c1", "cm") != null && fx.work("c2", "cm") != null);
      assertEquals(0, taints(fx, "c1").size(), "Ready: no taint");

      ready(fx, "c1", "False");
      ready(fx, "c2", "False");
      Await.until("c1 tainted", () -> taints(fx, "c1").size() == 1 ? true : null);
      JsonNode taint = taints(fx, "c1").get(0);
      assertEquals("e2e.flotilla.dev/not-ready", taint.path("key").asText());
      assertEquals("NoExecute", taint.path("effect").asText());
      JsonNode rb =
          Await.until(
              "cm evicted from c1",
              () -> {
                JsonNode b = binding(fx);
                return b.path("spec").path("gracefulEvictionTasks").size() == 1 ? b : null;
              });
      assertEquals(
          "c1", rb.path("spec").path("gracefulEvictionTasks").get(0).path("fromCluster").asText());
      assertEquals(0, taints(fx, "c2").size(), "c2 is not a target of the policy");

      ready(fx, "c1", "True");
      Await.until("c1 untainted", () -> taints(fx, "c1").isEmpty() ? true : null);
    }
  }

  private static JsonNode taints(HubFixture fx, String cluster) {
    return Trees.tree(fx.client.genericKubernetesResources(Kinds.CLUSTER).withName(cluster).get())
        .path("spec")
        .path("taints");
  }

  private static void ready(HubFixture fx, String cluster, String status) {
    ObjectNode c =
        Trees.tree(fx.client.genericKubernetesResources(Kinds.CLUSTER).withName(cluster).get());
    for (JsonNode cond : c.path("status").path("conditions")) {
      if ("Ready".equals(cond.path("type").asText())) {
        ((ObjectNode) cond).put("status", status);
      }
    }
    fx.client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(c)).updateStatus();
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
