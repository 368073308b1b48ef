package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Divided scheduling with static weights: 6 replicas at 2:1 over member1 and member2 become
 * Deployments of 4 and 2 in those members, their pods come up in the simulated members, and the
 * hub's template reports the members' replica counts summed (readyReplicas 6).
 */
class DividedReplicasE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void staticWeightsDivideReplicasAndStatusIsSummedOnTheTemplate() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("divided");
    fleet.create(
        Propagation.deployment(ns, "web", 6)
            + """
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement:
            clusterAffinity: {clusterNames: [member1, member2]}
            replicaScheduling:
              replicaSchedulingType: Divided
              replicaDivisionPreference: Weighted
              weightPreference:
                staticWeightList:
                - {targetCluster: {clusterNames: [member1]}, weight: 2}
                - {targetCluster: {clusterNames: [member2]}, weight: 1}
        """
                .formatted(ns));

    Deployment d1 =
        Await.until("member1 runs 4 ready replicas of web", () -> ready(fleet, "member1", ns, 4));
    Deployment d2 =
        Await.until("member2 runs 2 ready replicas of web", () -> ready(fleet, "member2", ns, 2));
    assertEquals(4, d1.getSpec().getReplicas());
    assertEquals(2, d2.getSpec().getReplicas());
    assertNull(
        fleet.member("member3").apps().deployments().inNamespace(ns).withName("web").get(),
        "member3 was not selected");

    JsonNode status =
        Await.until(
            "the hub template's status sums the members' readyReplicas to 6",
            () -> {
              Deployment t =
                  fleet.hubClient().apps().deployments().inNamespace(ns).withName("web").get();
              JsonNode s = Trees.tree(t).path("status");
              return s.path("readyReplicas").asInt() == 6
                      && s.path("availableReplicas").asInt() == 6
                  ? s
                  : null;
            });
    assertEquals(6, status.path("replicas").asInt(), status.toString());
    assertEquals(6, status.path("updatedReplicas").asInt(), status.toString());

    JsonNode rb = fleet.binding(ns, "Deployment", "web");
    assertEquals(List.of("member1", "member2"), Fleet.scheduledClusters(rb));
    for (JsonNode target : rb.path("spec").path("clusters")) {
      assertEquals(
          target.path("name").asText().equals("member1") ? 4 : 2,
          target.path("replicas").asInt(),
          rb.path("spec").path("clusters").toString());
    }
  }

  private static Deployment ready(Fleet fleet, String member, String ns, int replicas) {
    Deployment d = fleet.member(member).apps().deployments().inNamespace(ns).withName("web").get();
    if (d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
      return null;
    }
    return d.getSpec().getReplicas() == replicas && d.getStatus().getReadyReplicas() == replicas
        ? d
        : null;
  }
}
