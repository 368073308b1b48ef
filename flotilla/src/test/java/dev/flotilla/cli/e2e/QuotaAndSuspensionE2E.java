package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FederatedResourceQuota: each static assignment appears in its member as a ResourceQuota, member
 * usage comes back as aggregatedStatus and overallUsed, and a template whose replicas times
 * requests would pass spec.overall is refused at the hub with a message naming the limit. Then
 * suspension.dispatchingOnClusters: one cluster waits while the others get the template.
 */
class QuotaAndSuspensionE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static String deployment(String ns, String name, int replicas, String cpu) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          replicas: %3$d
          selector: {matchLabels: {app: %2$s}}
          template:
            metadata: {labels: {app: %2$s}}
            spec:
              containers:
              - {name: c, image: nginx, resources: {requests: {cpu: %4$s}}}
        """
        .formatted(ns, name, replicas, cpu);
  }

  @Test
  void aQuotaReachesMembersAggregatesUsageAndRefusesATemplateOverItsOverallLimit() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("quota");
    fleet.create(
        """
        apiVersion: policy.karmada.io/v1alpha1
        kind: FederatedResourceQuota
        metadata: {name: team, namespace: %s}
        spec:
          overall: {cpu: "1"}
          staticAssignments:
          - {clusterName: member1, hard: {cpu: 600m}}
          - {clusterName: member2, hard: {cpu: 400m}}
        """
            .formatted(ns));
    for (var e : Map.of("member1", "600m", "member2", "400m").entrySet()) {
      ResourceQuota rq =
          Await.until(
              "ResourceQuota team in " + e.getKey(),
              () ->
                  fleet.member(e.getKey()).resourceQuotas().inNamespace(ns).withName("team").get());
      assertEquals(new Quantity(e.getValue()), rq.getSpec().getHard().get("cpu"));
    }

    fleet.create(deployment(ns, "fits", 2, "300m")); // 600m of 1
    KubernetesClientException refused =
        assertThrows(
            KubernetesClientException.class,
            () -> fleet.create(deployment(ns, "too-much", 2, "300m"))); // 1200m of 1
    assertEquals(403, refused.getCode());
    String message = refused.getStatus().getMessage();
    assertTrue(
        message.contains("FederatedResourceQuota(" + ns + "/team) exceeded for resource cpu")
            && message.contains("requested sum 1200m, limit 1"),
        message);
    assertNull(fleet.hubClient().apps().deployments().inNamespace(ns).withName("too-much").get());
    // Asking for no more than before passes even at the limit; asking for more does not.
    fleet.create(deployment(ns, "small", 1, "400m")); // 1000m of 1
    assertThrows(
        KubernetesClientException.class,
        () ->
            fleet
                .hubClient()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("small")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":2}}"));

    // A member's quota controller reports usage; the hub sums it.
    ResourceQuota rq =
        fleet.member("member1").resourceQuotas().inNamespace(ns).withName("team").get();
    rq.setStatus(
        new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
            .addToHard("cpu", new Quantity("600m"))
            .addToUsed("cpu", new Quantity("300m"))
            .build());
    fleet.member("member1").resourceQuotas().inNamespace(ns).resource(rq).updateStatus();
    JsonNode status =
        Await.until(
            "the hub's quota shows member1's usage",
            () -> {
              JsonNode s =
                  Trees.tree(
                          fleet
                              .hubClient()
                              .genericKubernetesResources(Kinds.FEDERATED_RESOURCE_QUOTA)
                              .inNamespace(ns)
                              .withName("team")
                              .get())
                      .path("status");
              return "300m".equals(s.path("overallUsed").path("cpu").asText()) ? s : null;
            });
    assertEquals("1", status.path("overall").path("cpu").asText(), status.toString());
    assertEquals(2, status.path("aggregatedStatus").size(), status.toString());
    assertEquals("member1", status.path("aggregatedStatus").path(0).path("clusterName").asText());
    assertEquals("300m", status.path("aggregatedStatus").path(0).path("used").path("cpu").asText());

    // Dropping an assignment removes that member's ResourceQuota.
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.FEDERATED_RESOURCE_QUOTA)
        .inNamespace(ns)
        .withName("team")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"staticAssignments\":[{\"clusterName\":\"member1\",\"hard\":{\"cpu\":\"600m\"}}]}}");
    Await.until(
        "member2's ResourceQuota goes",
        () ->
            fleet.member("member2").resourceQuotas().inNamespace(ns).withName("team").get()
                == null);
  }

  @Test
  void dispatchingOnClustersHoldsBackOnlyTheNamedCluster() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("suspend");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "settings",
            "{clusterAffinity: {clusterNames: [member1, member2]}}",
            "  suspension: {dispatchingOnClusters: {clusterNames: [member2]}}\n"));
    Await.until(
        "member1 gets the ConfigMap",
        () -> fleet.member("member1").configMaps().inNamespace(ns).withName("settings").get());
    JsonNode held =
        Await.until(
            "member2's Work is suspended",
            () -> {
              JsonNode w = fleet.work("member2", ns, "ConfigMap", "settings");
              return w != null && w.path("spec").path("suspendDispatching").asBoolean() ? w : null;
            });
    assertTrue(held.path("spec").path("suspendDispatching").asBoolean());
    JsonNode member1Work = fleet.work("member1", ns, "ConfigMap", "settings");
    assertTrue(!member1Work.path("spec").path("suspendDispatching").asBoolean(false));
    Await.pause(Duration.ofSeconds(3));
    assertNull(
        fleet.member("member2").configMaps().inNamespace(ns).withName("settings").get(),
        "a suspended cluster gets nothing");

    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
        .inNamespace(ns)
        .withName("settings")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspension\":null}}");
    Await.until(
        "member2 gets the ConfigMap once dispatching resumes",
        () -> fleet.member("member2").configMaps().inNamespace(ns).withName("settings").get());
  }
}
