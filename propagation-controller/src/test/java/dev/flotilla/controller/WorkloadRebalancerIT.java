package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * WorkloadRebalancer (apps.karmada.io/v1alpha1): the listed workload's binding is asked to schedule
 * afresh ({@code spec.rescheduleTriggeredAt} = the rebalancer's creation time, and the scheduler
 * runs again after it); a workload without a binding is Failed with ReferencedBindingNotFound;
 * finishTime is set once all have an outcome, and {@code ttlSecondsAfterFinished: 0} deletes the
 * rebalancer then.
 */
class WorkloadRebalancerIT {
  @Test
  void listedWorkloadsAreRescheduledAndTheOutcomeIsReported() throws Exception {
    try (HubFixture fx = new HubFixture("c1", "c2");
        ControllerManager m = new ControllerManager(fx.client, "rebalance").start()) {
      fx.propagate("cm", "c1, c2");
      Await.until("cm scheduled", () -> fx.work("c1", "cm") != null ? true : null);
      Thread.sleep(1100); // the rebalancer is created in a later second than the last schedule
      create(
          fx,
          """
          apiVersion: apps.karmada.io/v1alpha1
          kind: WorkloadRebalancer
          metadata: {name: again}
          spec:
            workloads:
            - {apiVersion: v1, kind: ConfigMap, namespace: default, name: cm}
            - {apiVersion: v1, kind: ConfigMap, namespace: default, name: missing}
          """);
      JsonNode done =
          Await.until(
              "the rebalancer finished",
              () -> {
                JsonNode r = rebalancer(fx, "again");
                return r != null && r.path("status").has("finishTime") ? r : null;
              });
      JsonNode observed = done.path("status").path("observedWorkloads");
      assertEquals("Successful", observed.get(0).path("result").asText(), done.toString());
      assertEquals("Failed", observed.get(1).path("result").asText(), done.toString());
      assertEquals("ReferencedBindingNotFound", observed.get(1).path("reason").asText());
      assertEquals(1, done.path("status").path("observedGeneration").asInt());

      String created = done.path("metadata").path("creationTimestamp").asText();
      JsonNode rb =
          Await.until(
              "cm's binding scheduled again after the trigger",
              () -> {
                JsonNode b =
                    Trees.tree(
                        fx.client
                            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                            .inNamespace("default")
                            .withName("cm-configmap")
                            .get());
                String last = b.path("status").path("lastScheduledTime").asText("");
                return !last.isEmpty() && !Instant.parse(last).isBefore(Instant.parse(created))
                    ? b
                    : null;
              });
      assertEquals(created, rb.path("spec").path("rescheduleTriggeredAt").asText());

      create(
          fx,
          """
          apiVersion: apps.karmada.io/v1alpha1
          kind: WorkloadRebalancer
          metadata: {name: once}
          spec:
            ttlSecondsAfterFinished: 0
            workloads: [{apiVersion: v1, kind: ConfigMap, namespace: default, name: cm}]
          """);
      Await.until("the finished rebalancer is deleted", () -> rebalancer(fx, "once") == null);
      assertTrue(rebalancer(fx, "again") != null, "no TTL: kept");
    }
  }

  private static void create(HubFixture fx, String yaml) {
    fx.client.load(new ByteArrayInputStream(yaml.getBytes())).create();
  }

  private static JsonNode rebalancer(HubFixture fx, String name) {
    GenericKubernetesResource r =
        fx.client.genericKubernetesResources(Kinds.WORKLOAD_REBALANCER).withName(name).get();
    return r == null ? null : Trees.tree(r);
  }
}
