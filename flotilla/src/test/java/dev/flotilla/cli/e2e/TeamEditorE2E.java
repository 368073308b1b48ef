package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.apiserver.auth.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A team given the {@code edit} role in its namespace propagates a Deployment to the members
 * through a PropagationPolicy of its own, and reaches nothing outside its namespace: no template or
 * policy elsewhere, no cluster-wide policy, no Works of the execution namespaces.
 */
class TeamEditorE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void anEditorPropagatesInItsNamespaceOnly() throws Exception {
    Fleet fleet = FLEET.fleet();
    String team = fleet.newNamespace("team");
    String other = fleet.newNamespace("other");
    fleet
        .hub()
        .authenticator()
        .addToken("team-token", new UserInfo("team-dev", "u-team", List.of()));
    fleet
        .hubClient()
        .rbac()
        .roleBindings()
        .inNamespace(team)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("team-dev-edit")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName("team-dev")
                .endSubject()
                .build())
        .create();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(fleet.hub().url())
            .withCaCertFile(fleet.hub().certificateAuthority().caCertPath().toString())
            .withOauthToken("team-token")
            .build();
    try (KubernetesClient dev = new KubernetesClientBuilder().withConfig(config).build()) {
      dev.load(
              new java.io.ByteArrayInputStream(
                  (Propagation.deployment(team, "web", 2) + "---\n" + policy(team, "web"))
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .create();
      for (String member : List.of("member1", "member2")) {
        Await.until(
            "Deployment web on " + member,
            () ->
                fleet.member(member).apps().deployments().inNamespace(team).withName("web").get());
      }
      assertNull(
          fleet.member("member3").apps().deployments().inNamespace(team).withName("web").get());

      KubernetesClientException elsewhere =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  dev.load(
                          new java.io.ByteArrayInputStream(
                              (Propagation.deployment(other, "web", 1)
                                      + "---\n"
                                      + policy(other, "web"))
                                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                      .create());
      assertEquals(403, elsewhere.getCode());
      assertEquals(
          "deployments.apps is forbidden: User \"team-dev\" cannot create resource \"deployments\""
              + " in API group \"apps\" in the namespace \""
              + other
              + "\"",
          elsewhere.getStatus().getMessage());
      KubernetesClientException works =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  dev.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
                      .inNamespace("karmada-es-member1")
                      .list());
      assertEquals(403, works.getCode());
      KubernetesClientException clusterWide =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  dev.load(
                          new java.io.ByteArrayInputStream(
                              """
                              apiVersion: policy.karmada.io/v1alpha1
                              kind: ClusterPropagationPolicy
                              metadata: {name: everything}
                              spec:
                                resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
                                placement: {}
                              """
                                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                      .create());
      assertEquals(403, clusterWide.getCode());
    }
    for (String member : fleet.memberNames()) {
      assertNull(
          fleet.member(member).apps().deployments().inNamespace(other).withName("web").get());
    }
  }

  private static String policy(String namespace, String name) {
    return """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: %1$s}]
          placement: {clusterAffinity: {clusterNames: [member1, member2]}}
        """
        .formatted(name, namespace);
  }
}
