package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent's scope is RBAC data under Karmada's names: issuing its credential (a token Secret, or a
 * signed agent CSR) creates the roles in the same step, so the credential works at once; changing
 * the roles changes what the agent may do; revoking the token or unjoining the cluster removes
 * them.
 */
class AgentRbacIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.plain();

  private static final ResourceDefinitionContext CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("cluster.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Cluster")
          .withPlural("clusters")
          .withNamespaced(false)
          .build();
  private static final ResourceDefinitionContext WORKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Work")
          .withPlural("works")
          .withNamespaced(true)
          .build();

  private static void issueToken(String cluster) throws Exception {
    RIG.admin()
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(
            Json.MAPPER.treeToValue(
                AgentTokens.secretFor(cluster, "token-of-" + cluster), Secret.class))
        .create();
  }

  private static boolean rolesPresent(String cluster) {
    return RIG.admin().rbac().clusterRoles().withName("system:karmada:" + cluster + ":agent").get()
            != null
        && RIG.admin()
                .rbac()
                .roleBindings()
                .inNamespace("karmada-es-" + cluster)
                .withName("system:karmada:" + cluster + ":agent-work")
                .get()
            != null
        && RIG.admin()
                .rbac()
                .roleBindings()
                .inNamespace(AgentTokens.NAMESPACE)
                .withName("system:karmada:" + cluster + ":agent-lease")
                .get()
            != null;
  }

  private static boolean rolesGone(String cluster) {
    return RIG.admin().rbac().clusterRoles().withName("system:karmada:" + cluster + ":agent").get()
            == null
        && RIG.admin()
                .rbac()
                .clusterRoleBindings()
                .withName("system:karmada:" + cluster + ":agent")
                .get()
            == null
        && RIG.admin()
                .rbac()
                .roleBindings()
                .inNamespace(AgentTokens.NAMESPACE)
                .withName("system:karmada:" + cluster + ":agent-lease")
                .get()
            == null;
  }

  /**
   * Many credentials issued at once: each grant joins its own writes from admission on a worker,
   * and more of them than the hub has workers once held every worker while their writes waited
   * behind them (the hub stopped answering at `--sim-members 10`).
   */
  @Test
  void manyTokensIssuedAtOnceAllGetTheirRoles() throws Exception {
    int clusters = 16;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(clusters);
    try {
      List<java.util.concurrent.Future<?>> issued = new java.util.ArrayList<>();
      for (int i = 0; i < clusters; i++) {
        String cluster = "burst" + i;
        issued.add(
            pool.submit(
                () -> {
                  issueToken(cluster);
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : issued) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
      for (int i = 0; i < clusters; i++) {
        assertTrue(rolesPresent("burst" + i), "roles of burst" + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTokenComesWithItsRolesAndTheRolesAreTheScope() throws Exception {
    issueToken("alpha"); // no execution namespace yet: granting the scope makes it
    try (KubernetesClient agent = RIG.hub().client("token-of-alpha")) {
      assertNotNull(agent.genericKubernetesResources(WORKS).inNamespace("karmada-es-alpha").list());
      assertTrue(rolesPresent("alpha"));
      ClusterRoleBinding binding =
          RIG.admin().rbac().clusterRoleBindings().withName("system:karmada:alpha:agent").get();
      assertEquals("system:karmada:alpha:agent", binding.getRoleRef().getName());
      assertEquals(
          List.of("User/system:karmada:agent:alpha"),
          binding.getSubjects().stream().map(s -> s.getKind() + "/" + s.getName()).toList());

      SelfSubjectRulesReview rules =
          agent
              .authorization()
              .v1()
              .selfSubjectRulesReview()
              .create(
                  new SelfSubjectRulesReviewBuilder()
                      .withNewSpec()
                      .withNamespace("karmada-es-alpha")
                      .endSpec()
                      .build());
      assertFalse(rules.getStatus().getIncomplete(), "an agent's scope is a list of rules now");
      assertTrue(
          rules.getStatus().getResourceRules().stream()
              .anyMatch(r -> r.getResources().contains("works/status")),
          rules.getStatus().getResourceRules().toString());

      // The administrator takes the Work role away: the agent loses exactly that.
      RIG.admin()
          .rbac()
          .roleBindings()
          .inNamespace("karmada-es-alpha")
          .withName("system:karmada:alpha:agent-work")
          .delete();
      KubernetesClientException e =
          Fabric8Support.fails(
              403,
              () -> agent.genericKubernetesResources(WORKS).inNamespace("karmada-es-alpha").list());
      assertTrue(
          e.getStatus().getMessage().contains("RBAC: ClusterRole system:karmada:alpha:agent"),
          e.getStatus().getMessage());
      assertNotNull(
          agent.namespaces().withName("karmada-es-alpha").get(), "the ClusterRole still holds");
    }
  }

  @Test
  void revokingTheTokenRemovesTheRoles() throws Exception {
    issueToken("beta");
    assertTrue(rolesPresent("beta"));
    RIG.admin()
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .withName(AgentTokens.SECRET_PREFIX + "beta")
        .delete();
    Fabric8Support.await("beta's roles removed", () -> rolesGone("beta"));
  }

  @Test
  void unjoiningTheClusterRemovesTheRoles() throws Exception {
    issueToken("gamma");
    try (KubernetesClient agent = RIG.hub().client("token-of-gamma")) {
      GenericKubernetesResource cluster = new GenericKubernetesResource();
      cluster.setApiVersion("cluster.karmada.io/v1alpha1");
      cluster.setKind("Cluster");
      cluster.setMetadata(new ObjectMetaBuilder().withName("gamma").build());
      cluster.setAdditionalProperties(Map.of("spec", Map.of("syncMode", "Pull")));
      agent.genericKubernetesResources(CLUSTERS).resource(cluster).create();
      RIG.admin().genericKubernetesResources(CLUSTERS).withName("gamma").delete();
      Fabric8Support.await("gamma's roles removed", () -> rolesGone("gamma"));
      cluster.getMetadata().setResourceVersion(null);
      Fabric8Support.fails(
          403, () -> agent.genericKubernetesResources(CLUSTERS).resource(cluster).create());
      assertNull(RIG.admin().genericKubernetesResources(CLUSTERS).withName("gamma").get());
    }
  }

  @Test
  void aTokenSecretNotNamedAfterItsClusterIs422() {
    ObjectNode secret = AgentTokens.secretFor("delta", "token-of-delta");
    ((ObjectNode) secret.path("metadata")).put("name", AgentTokens.SECRET_PREFIX + "other");
    Fabric8Support.fails(
        422,
        () ->
            RIG.admin()
                .secrets()
                .inNamespace(AgentTokens.NAMESPACE)
                .resource(Json.MAPPER.treeToValue(secret, Secret.class))
                .create());
    assertNull(RIG.admin().rbac().clusterRoles().withName("system:karmada:delta:agent").get());
  }

  @Test
  void anAgentAsksForCertificatesOfItsOwnIdentityOnly() throws Exception {
    issueToken("zeta");
    try (KubernetesClient agent = RIG.hub().client("token-of-zeta")) {
      var csrs = agent.certificates().v1().certificateSigningRequests();
      KubernetesClientException e =
          Fabric8Support.fails(
              403, () -> csrs.load(stream(agentCsr("zeta-as-eta", "eta"))).create());
      assertTrue(
          e.getStatus().getMessage().contains("its own identity system:karmada:agent:zeta only"),
          e.getStatus().getMessage());
      assertNull(
          RIG.admin()
              .certificates()
              .v1()
              .certificateSigningRequests()
              .withName("zeta-as-eta")
              .get());
      assertNotNull(csrs.load(stream(agentCsr("zeta-renewal", "zeta"))).create());
      assertNotNull(csrs.withName("zeta-renewal").get());
    }
  }

  private static String agentCsr(String name, String cluster) {
    return CsrFixtures.of("system:karmada:agent:" + cluster, List.of(AgentTokens.GROUP))
        .manifest(
            name,
            "kubernetes.io/kube-apiserver-client",
            List.of("digital signature", "client auth"),
            3600);
  }

  private static ByteArrayInputStream stream(String manifest) {
    return new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSignedAgentCertificateComesWithItsRoles() {
    RIG.admin()
        .certificates()
        .v1()
        .certificateSigningRequests()
        .load(stream(agentCsr("epsilon", "epsilon")))
        .create();
    Fabric8Support.await(
        "epsilon's certificate",
        () -> {
          var csr =
              RIG.admin().certificates().v1().certificateSigningRequests().withName("epsilon");
          var status = csr.get().getStatus();
          return status != null && status.getCertificate() != null;
        });
    assertTrue(rolesPresent("epsilon"), "granted before the certificate was issued");
  }
}
