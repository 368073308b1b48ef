package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.controller.runtime.Kinds;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * An agent's hub credential is good for its own cluster only: member1's agent can read the Works of
 * karmada-es-member1, but reading, writing or changing anything in karmada-es-member2 (or member2's
 * Cluster) is 403 Forbidden.
 */
class AgentAuthorizationE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void memberOneAgentIsForbiddenInMemberTwoExecutionNamespace() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("authz");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "shared", "{clusterAffinity: {clusterNames: [member1, member2]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "shared", List.of("member1", "member2"));
    String work2 =
        fleet.work("member2", ns, "ConfigMap", "shared").path("metadata").path("name").asText();

    KubernetesClient agent1 = fleet.agentHubClient("member1");
    assertNotNull(
        agent1.genericKubernetesResources(Kinds.WORK).inNamespace("karmada-es-member1").list(),
        "its own execution namespace is readable");

    assertForbidden(
        () ->
            agent1.genericKubernetesResources(Kinds.WORK).inNamespace("karmada-es-member2").list());
    assertForbidden(
        () ->
            agent1
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace("karmada-es-member2")
                .withName(work2)
                .get());
    assertForbidden(
        () ->
            agent1
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace("karmada-es-member2")
                .withName(work2)
                .delete());
    assertForbidden(
        () ->
            agent1
                .configMaps()
                .inNamespace("karmada-es-member2")
                .resource(
                    new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("intruder")
                        .endMetadata()
                        .addToData("a", "b")
                        .build())
                .create());
    assertForbidden(
        () ->
            agent1
                .genericKubernetesResources(Kinds.CLUSTER)
                .withName("member2")
                .patch("{\"metadata\":{\"labels\":{\"hijacked\":\"true\"}}}"));

    assertNotNull(
        fleet.work("member2", ns, "ConfigMap", "shared"), "member2's Work is still there");
    assertEquals(
        null,
        fleet
            .hubClient()
            .configMaps()
            .inNamespace("karmada-es-member2")
            .withName("intruder")
            .get());
  }

  private static void assertForbidden(Executable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call);
    assertEquals(403, e.getCode(), e.getMessage());
  }
}
