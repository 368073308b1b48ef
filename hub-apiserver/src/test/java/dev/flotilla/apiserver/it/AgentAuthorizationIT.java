package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agent credentials: each agent reads only its own Cluster, Lease and execution namespace (what it
 * may write there is {@link AgentWritesIT}'s subject).
 */
class AgentAuthorizationIT {
  private static final ResourceDefinitionContext CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("cluster.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Cluster")
          .withPlural("clusters")
          .withNamespaced(false)
          .build();
  private static TestHub hub;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    admin = hub.client();
    for (String c : new String[] {"member1", "member2"}) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("karmada-es-" + c)
                  .endMetadata()
                  .build())
          .create();
      admin
          .secrets()
          .inNamespace(AgentTokens.NAMESPACE)
          .resource(
              Json.MAPPER.treeToValue(AgentTokens.secretFor(c, "token-of-" + c), Secret.class))
          .create();
    }
  }

  @AfterAll
  static void stop() {
    admin.close();
    hub.close();
  }

  @Test
  void agentManagesItsOwnClusterLeaseAndExecutionNamespace() {
    try (KubernetesClient agent = hub.client("token-of-member1")) {
      GenericKubernetesResource cluster = new GenericKubernetesResource();
      cluster.setApiVersion("cluster.karmada.io/v1alpha1");
      cluster.setKind("Cluster");
      cluster.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("member1").build());
      cluster.setAdditionalProperties(Map.of("spec", Map.of("syncMode", "Pull")));
      agent.genericKubernetesResources(CLUSTERS).resource(cluster).create();
      assertNotNull(agent.genericKubernetesResources(CLUSTERS).withName("member1").get());
      agent
          .leases()
          .inNamespace(AgentTokens.NAMESPACE)
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName("member1")
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity("member1")
                  .withLeaseDurationSeconds(40)
                  .endSpec()
                  .build())
          .create();
      admin
          .configMaps()
          .inNamespace("karmada-es-member1")
          .resource(
              new ConfigMapBuilder().withNewMetadata().withName("report").endMetadata().build())
          .create();
      assertEquals(
          1,
          agent.configMaps().inNamespace("karmada-es-member1").list().getItems().stream()
              .filter(cm -> cm.getMetadata().getName().equals("report"))
              .count());
      assertForbidden(
          () ->
              agent
                  .configMaps()
                  .inNamespace("karmada-es-member1")
                  .resource(
                      new ConfigMapBuilder()
                          .withNewMetadata()
                          .withName("own")
                          .endMetadata()
                          .build())
                  .create());
    }
  }

  @Test
  void agentIsForbiddenEverywhereElse() {
    try (KubernetesClient agent = hub.client("token-of-member2")) {
      assertForbidden(() -> agent.configMaps().inNamespace("karmada-es-member1").list());
      assertForbidden(() -> agent.genericKubernetesResources(CLUSTERS).withName("member1").get());
      assertForbidden(() -> agent.genericKubernetesResources(CLUSTERS).list());
      assertForbidden(() -> agent.secrets().inNamespace(AgentTokens.NAMESPACE).list());
      assertForbidden(
          () -> agent.leases().inNamespace(AgentTokens.NAMESPACE).withName("member1").get());
      assertForbidden(() -> agent.configMaps().inNamespace("default").list());
    }
  }

  @Test
  void revokedTokenIsRejected() {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("karmada-es-member3")
                .endMetadata()
                .build())
        .create();
    admin
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(
            Json.MAPPER.convertValue(
                AgentTokens.secretFor("member3", "token-of-member3"), Secret.class))
        .create();
    try (KubernetesClient agent = hub.client("token-of-member3")) {
      agent.configMaps().inNamespace("karmada-es-member3").list();
      admin
          .secrets()
          .inNamespace(AgentTokens.NAMESPACE)
          .withName(AgentTokens.SECRET_PREFIX + "member3")
          .delete();
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () -> agent.configMaps().inNamespace("karmada-es-member3").list());
      assertEquals(401, e.getCode());
    }
  }

  private static void assertForbidden(Runnable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call::run);
    assertEquals(403, e.getCode(), e.getMessage());
  }
}
