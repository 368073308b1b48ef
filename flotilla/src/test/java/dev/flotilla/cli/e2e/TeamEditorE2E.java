package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.TestClients;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
    try (KubernetesClient dev = editor(fleet, team, "team")) {
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

  /**
   * {@code propagateDeps} copies only what the workload's own namespace holds (Pod references have
   * no namespace), never a namesake from another namespace nor the hub's control-plane objects; an
   * editor can neither taint a Cluster ({@code flotilla cluster taint}) nor create a
   * WorkloadRebalancer, which is cluster-scoped and reschedules workloads fleet-wide.
   */
  @Test
  void anEditorsDependenciesStayInItsNamespaceAndClusterOperationsAreRefused() throws Exception {
    Fleet fleet = FLEET.fleet();
    String team = fleet.newNamespace("deps");
    String victim = fleet.newNamespace("victim");
    fleet
        .hubClient()
        .secrets()
        .inNamespace(victim)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("topsecret")
                .endMetadata()
                .addToStringData("password", "hunter2")
                .build())
        .create();
    String manifests =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: app-secret, namespace: %1$s}
        stringData: {key: mine}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: thief, namespace: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: thief}}
          template:
            metadata: {labels: {app: thief}}
            spec:
              serviceAccountName: default
              containers:
              - name: c
                image: nginx
                envFrom: [{secretRef: {name: app-secret}}, {secretRef: {name: topsecret}}]
              volumes:
              - {name: ca, configMap: {name: kube-root-ca.crt}}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: thief, namespace: %1$s}
        spec:
          propagateDeps: true
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: thief}]
          placement: {clusterAffinity: {clusterNames: [member1]}}
        """
            .formatted(team);
    try (KubernetesClient dev = editor(fleet, team, "deps")) {
      dev.load(
              new java.io.ByteArrayInputStream(
                  manifests.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .create();
      KubernetesClient member1 = fleet.member("member1");
      Await.until(
          "the Deployment and its own Secret on member1",
          () ->
              member1.apps().deployments().inNamespace(team).withName("thief").get() != null
                  ? member1.secrets().inNamespace(team).withName("app-secret").get()
                  : null);
      // The namesake in another namespace is never read for it, and no binding carries it.
      assertNull(member1.secrets().inNamespace(team).withName("topsecret").get());
      assertNull(member1.secrets().inNamespace(victim).withName("topsecret").get());
      assertNull(
          fleet
              .hubClient()
              .genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
              .inNamespace(team)
              .withName("topsecret-secret")
              .get());
      // The member keeps its own CA ConfigMap and ServiceAccount: the hub's never travel.
      String hubCa =
          fleet
              .hubClient()
              .configMaps()
              .inNamespace(team)
              .withName("kube-root-ca.crt")
              .get()
              .getData()
              .get("ca.crt");
      var memberCa = member1.configMaps().inNamespace(team).withName("kube-root-ca.crt").get();
      if (memberCa != null) {
        org.junit.jupiter.api.Assertions.assertNotEquals(hubCa, memberCa.getData().get("ca.crt"));
      }
      for (String kind : List.of("kube-root-ca.crt-configmap", "default-serviceaccount")) {
        assertNull(
            fleet
                .hubClient()
                .genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
                .inNamespace(team)
                .withName(kind)
                .get(),
            kind);
      }

      KubernetesClientException rebalance =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  dev.load(
                          new java.io.ByteArrayInputStream(
                              ("apiVersion: apps.karmada.io/v1alpha1\n"
                                      + "kind: WorkloadRebalancer\n"
                                      + "metadata: {name: shuffle}\n"
                                      + "spec:\n"
                                      + "  workloads: [{apiVersion: apps/v1, kind: Deployment,"
                                      + " name: web, namespace: "
                                      + victim
                                      + "}]\n")
                                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                      .create());
      assertEquals(403, rebalance.getCode());
      assertEquals(
          "workloadrebalancers.apps.karmada.io is forbidden: User \"deps-dev\" cannot create"
              + " resource \"workloadrebalancers\" in API group \"apps.karmada.io\" at the"
              + " cluster scope",
          rebalance.getStatus().getMessage());
    }
    java.nio.file.Path kubeconfig = java.nio.file.Files.createTempFile("deps-dev", ".kubeconfig");
    dev.flotilla.apiserver.auth.KubeconfigWriter.write(
        kubeconfig,
        List.of(
            new dev.flotilla.apiserver.auth.KubeconfigContext(
                "flotilla",
                fleet.hub().url(),
                java.nio.file.Files.readString(fleet.hub().certificateAuthority().caCertPath()),
                "deps-token")),
        "flotilla");
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    int exit;
    try {
      exit =
          new picocli.CommandLine(new dev.flotilla.cli.FlotillaCommand())
              .execute(
                  "cluster",
                  "taint",
                  "member1",
                  "stolen=yes:NoExecute",
                  "--kubeconfig",
                  kubeconfig.toString());
    } finally {
      System.setErr(err);
    }
    org.junit.jupiter.api.Assertions.assertNotEquals(0, exit);
    String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(
        out.contains(
            "clusters.cluster.karmada.io \"member1\" is forbidden: User \"deps-dev\" cannot get"
                + " resource \"clusters\" in API group \"cluster.karmada.io\" at the cluster"
                + " scope"),
        out);
    org.junit.jupiter.api.Assertions.assertFalse(
        fleet.cluster("member1").path("spec").path("taints").toString().contains("stolen"));
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

  /**
   * A client of the hub as {@code <name>-dev}, a user (token {@code <name>-token}) bound to the
   * {@code edit} ClusterRole in {@code namespace} alone.
   */
  private static KubernetesClient editor(Fleet fleet, String namespace, String name) {
    String user = name + "-dev";
    fleet
        .hub()
        .authenticator()
        .addToken(name + "-token", new UserInfo(user, "u-" + name, List.of()));
    fleet
        .hubClient()
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(user + "-edit")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(user)
                .endSubject()
                .build())
        .create();
    return TestClients.fabric8(
        fleet.hub().url(), fleet.hub().certificateAuthority().caCertPath(), name + "-token");
  }
}
