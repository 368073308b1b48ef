package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.client;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RBAC over HTTPS with fabric8, as each identity: the admin, a namespace editor, a viewer, a
 * namespace admin who may delegate, and a user no binding names. Every denial is a 403 in
 * kube-apiserver's words.
 */
class RbacIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.withRbacUsers();

  static final ResourceDefinitionContext PROPAGATION_POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.karmada.io")
          .withVersion("v1alpha1")
          .withKind("PropagationPolicy")
          .withPlural("propagationpolicies")
          .withNamespaced(true)
          .build();
  private static final ResourceDefinitionContext CLUSTER_POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.karmada.io")
          .withVersion("v1alpha1")
          .withKind("ClusterPropagationPolicy")
          .withPlural("clusterpropagationpolicies")
          .withNamespaced(false)
          .build();

  @BeforeAll
  static void start() {
    for (String ns : List.of("team-a", "team-b")) {
      RIG.admin()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    RbacUsers.bind(RIG.admin(), "team-a", "edit", "alice");
    RbacUsers.bind(RIG.admin(), "team-a", "view", "victor");
    RbacUsers.bind(RIG.admin(), "team-b", "admin", "ann");
  }

  private static KubernetesClient as(String user) {
    return client(RIG.hub(), RbacUsers.token(user), b -> b);
  }

  @Test
  void defaultRolesAreServedAggregatedWithKarmadaAndMcsKinds() {
    for (String name :
        List.of(
            "cluster-admin",
            "admin",
            "edit",
            "view",
            "system:discovery",
            "system:basic-user",
            "system:public-info-viewer",
            "karmada-view",
            "karmada-edit")) {
      ClusterRole role = RIG.admin().rbac().clusterRoles().withName(name).get();
      assertNotNull(role, name);
      assertEquals(
          "true",
          role.getMetadata().getAnnotations().get("rbac.authorization.kubernetes.io/autoupdate"),
          name);
    }
    ClusterRole view = RIG.admin().rbac().clusterRoles().withName("view").get();
    assertTrue(
        view.getRules().stream()
            .anyMatch(
                r ->
                    r.getApiGroups().contains("policy.karmada.io")
                        && r.getResources().contains("propagationpolicies")
                        && !r.getVerbs().contains("create")),
        "view reads PropagationPolicies: " + view.getRules());
    // Aggregation chains: edit takes view's reads, admin takes edit's writes.
    assertTrue(
        RIG.admin().rbac().clusterRoles().withName("edit").get().getRules().stream()
            .anyMatch(
                r ->
                    r.getApiGroups().contains("apps")
                        && r.getResources().contains("deployments")
                        && r.getVerbs().contains("list")),
        "edit lists Deployments");
    ClusterRole adminRole = RIG.admin().rbac().clusterRoles().withName("admin").get();
    for (String group :
        List.of("policy.karmada.io", "work.karmada.io", "multicluster.x-k8s.io", "apps")) {
      assertTrue(
          adminRole.getRules().stream()
              .anyMatch(r -> r.getApiGroups().contains(group) && r.getVerbs().contains("create")),
          "admin writes " + group);
    }
    assertEquals(
        "system:masters",
        RIG.admin()
            .rbac()
            .clusterRoleBindings()
            .withName("cluster-admin")
            .get()
            .getSubjects()
            .get(0)
            .getName());
  }

  @Test
  void aUserNoBindingNamesGetsOnlyDiscoveryAndHealth() {
    try (KubernetesClient nobody = as("nobody")) {
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> nobody.configMaps().inNamespace("default").list());
      assertEquals(
          "configmaps is forbidden: User \"nobody\" cannot list resource \"configmaps\" in API"
              + " group \"\" in the namespace \"default\"",
          e.getStatus().getMessage());
      e = failsWith(403, "Forbidden", () -> nobody.namespaces().withName("default").get());
      assertEquals(
          "namespaces \"default\" is forbidden: User \"nobody\" cannot get resource"
              + " \"namespaces\" in API group \"\" in the namespace \"default\"",
          e.getStatus().getMessage());
      e = failsWith(403, "Forbidden", () -> nobody.apps().deployments().inAnyNamespace().list());
      assertEquals(
          "deployments.apps is forbidden: User \"nobody\" cannot list resource \"deployments\" in"
              + " API group \"apps\" at the cluster scope",
          e.getStatus().getMessage());
      for (String path : List.of("/api", "/apis", "/version", "/openapi/v3", "/healthz")) {
        assertEquals(200, raw(nobody, "GET", path).code(), path);
      }
      Fabric8Support.Raw metrics = raw(nobody, "GET", "/metrics");
      assertEquals(403, metrics.code());
      assertEquals(
          "forbidden: User \"nobody\" cannot get path \"/metrics\"",
          metrics.json().path("message").asText());
      assertEquals(200, raw(RIG.admin(), "GET", "/metrics").code());
    }
  }

  @Test
  void anEditorPropagatesInItsNamespaceAndNowhereElse() {
    try (KubernetesClient alice = as("alice")) {
      alice.apps().deployments().inNamespace("team-a").resource(deployment("web")).create();
      alice
          .genericKubernetesResources(PROPAGATION_POLICIES)
          .inNamespace("team-a")
          .resource(policy("web"))
          .create();
      assertEquals(
          1,
          alice
              .genericKubernetesResources(PROPAGATION_POLICIES)
              .inNamespace("team-a")
              .list()
              .getItems()
              .size());
      alice.secrets().inNamespace("team-a").list();
      assertEquals(1, alice.apps().deployments().inNamespace("team-a").list().getItems().size());
      KubernetesClientException e =
          failsWith(
              403,
              "Forbidden",
              () ->
                  alice
                      .apps()
                      .deployments()
                      .inNamespace("team-b")
                      .resource(deployment("web"))
                      .create());
      assertEquals(
          "deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\""
              + " in API group \"apps\" in the namespace \"team-b\"",
          e.getStatus().getMessage());
      failsWith(
          403,
          "Forbidden",
          () ->
              alice
                  .genericKubernetesResources(PROPAGATION_POLICIES)
                  .inNamespace("default")
                  .resource(policy("web"))
                  .create());
      failsWith(
          403,
          "Forbidden",
          () ->
              alice
                  .genericKubernetesResources(CLUSTER_POLICIES)
                  .resource(policy("everything"))
                  .create());
      failsWith(403, "Forbidden", () -> RbacUsers.bind(alice, "team-a", "admin", "alice"));
      assertFalse(
          RIG.admin().apps().deployments().inNamespace("team-b").list().getItems().stream()
              .anyMatch(d -> d.getMetadata().getName().equals("web")));
    }
  }

  @Test
  void aViewerReadsButNeverWritesNorReadsSecrets() {
    RIG.admin()
        .configMaps()
        .inNamespace("team-a")
        .resource(Fabric8Support.configMap("c", Map.of(), Map.of()))
        .createOr(r -> r.update());
    try (KubernetesClient victor = as("victor")) {
      assertNotNull(victor.configMaps().inNamespace("team-a").withName("c").get());
      victor.genericKubernetesResources(PROPAGATION_POLICIES).inNamespace("team-a").list();
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> victor.secrets().inNamespace("team-a").list());
      assertEquals(
          "secrets is forbidden: User \"victor\" cannot list resource \"secrets\" in API group"
              + " \"\" in the namespace \"team-a\"",
          e.getStatus().getMessage());
      e =
          failsWith(
              403,
              "Forbidden",
              () -> victor.configMaps().inNamespace("team-a").withName("c").delete());
      assertEquals(
          "configmaps \"c\" is forbidden: User \"victor\" cannot delete resource \"configmaps\""
              + " in API group \"\" in the namespace \"team-a\"",
          e.getStatus().getMessage());
      assertNotNull(victor.namespaces().withName("team-a").get(), "view reads its namespace");
    }
  }

  @Test
  void nobodyGrantsWhatTheyDoNotHold() {
    try (KubernetesClient ann = as("ann")) {
      ann.rbac().roles().inNamespace("team-b").resource(role("pod-reader", "pods", "get")).create();
      KubernetesClientException e =
          failsWith(
              403,
              "Forbidden",
              () ->
                  ann.rbac()
                      .roles()
                      .inNamespace("team-b")
                      .resource(role("node-reader", "nodes", "get"))
                      .create());
      assertEquals(
          "roles.rbac.authorization.k8s.io \"node-reader\" is forbidden: user \"ann\""
              + " (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not"
              + " currently held:\n{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}",
          e.getStatus().getMessage());
      // An admin of team-b delegates edit there, but not cluster-admin.
      RbacUsers.bind(ann, "team-b", "edit", "dora");
      e = failsWith(403, "Forbidden", () -> RbacUsers.bind(ann, "team-b", "cluster-admin", "dora"));
      assertTrue(
          e.getStatus()
              .getMessage()
              .startsWith(
                  "rolebindings.rbac.authorization.k8s.io \"dora-cluster-admin\" is forbidden: user"
                      + " \"ann\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC"
                      + " permissions not currently held:\n"),
          e.getStatus().getMessage());
      failsWith(404, "NotFound", () -> RbacUsers.bind(ann, "team-b", "no-such-role", "dora"));

      // The bind verb on one role, and escalate on roles, lift exactly those limits.
      RIG.admin()
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName("delegate-cluster-admin")
                  .endMetadata()
                  .addToRules(
                      new PolicyRuleBuilder()
                          .withApiGroups("rbac.authorization.k8s.io")
                          .withResources("clusterroles")
                          .withResourceNames("cluster-admin")
                          .withVerbs("bind")
                          .build(),
                      new PolicyRuleBuilder()
                          .withApiGroups("rbac.authorization.k8s.io")
                          .withResources("roles")
                          .withVerbs("escalate")
                          .build())
                  .build())
          .create();
      RbacUsers.bind(RIG.admin(), "team-b", "delegate-cluster-admin", "ann");
      RbacUsers.bind(ann, "team-b", "cluster-admin", "dora");
      ann.rbac()
          .roles()
          .inNamespace("team-b")
          .resource(role("node-reader", "nodes", "get"))
          .create();
      failsWith(403, "Forbidden", () -> RbacUsers.bind(ann, "team-a", "cluster-admin", "dora"));
    }
  }

  @Test
  void anAggregationRuleNeedsEverythingAndLabelledRulesFlowIntoView() {
    RIG.admin()
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("role-maker")
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("rbac.authorization.k8s.io")
                        .withResources("clusterroles")
                        .withVerbs("create")
                        .build())
                .build())
        .create();
    RIG.admin()
        .rbac()
        .clusterRoleBindings()
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("carl-role-maker")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "role-maker")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName("carl")
                .endSubject()
                .build())
        .create();
    try (KubernetesClient carl = as("carl")) {
      KubernetesClientException e =
          failsWith(
              403,
              "Forbidden",
              () ->
                  carl.rbac()
                      .clusterRoles()
                      .resource(
                          new ClusterRoleBuilder()
                              .withNewMetadata()
                              .withName("everything-labelled")
                              .endMetadata()
                              .withNewAggregationRule()
                              .addNewClusterRoleSelector()
                              .withMatchLabels(Map.of("team", "carl"))
                              .endClusterRoleSelector()
                              .endAggregationRule()
                              .build())
                      .create());
      assertEquals(
          "clusterroles.rbac.authorization.k8s.io \"everything-labelled\" is forbidden: must have"
              + " cluster-admin privileges to use the aggregationRule",
          e.getStatus().getMessage());
    }
    RIG.admin()
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("widgets-view")
                .withLabels(Map.of("rbac.authorization.k8s.io/aggregate-to-view", "true"))
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("example.com")
                        .withResources("widgets")
                        .withVerbs("get", "list")
                        .build())
                .build())
        .create();
    await(
        "view, edit and admin aggregate widgets",
        () ->
            List.of("view", "edit", "admin").stream()
                .allMatch(
                    r ->
                        RIG.admin().rbac().clusterRoles().withName(r).get().getRules().stream()
                            .anyMatch(rule -> rule.getResources().contains("widgets"))));
    RIG.admin().rbac().clusterRoles().withName("widgets-view").delete();
    await(
        "view forgets widgets",
        () ->
            RIG.admin().rbac().clusterRoles().withName("view").get().getRules().stream()
                .noneMatch(rule -> rule.getResources().contains("widgets")));
  }

  @Test
  void impersonationNeedsTheImpersonateVerbAndActsAsExactlyThatUser() {
    try (KubernetesClient asAlice =
        client(RIG.hub(), RIG.hub().adminToken(), b -> b.withImpersonateUsername("alice"))) {
      asAlice.apps().deployments().inNamespace("team-a").list();
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> asAlice.secrets().inNamespace("default").list());
      assertEquals(
          "secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\""
              + " in the namespace \"default\"",
          e.getStatus().getMessage());
    }
    try (KubernetesClient aliceAsAnn =
        client(RIG.hub(), RbacUsers.token("alice"), b -> b.withImpersonateUsername("ann"))) {
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> aliceAsAnn.configMaps().inNamespace("team-b").list());
      assertEquals(
          "users \"ann\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API"
              + " group \"\" at the cluster scope",
          e.getStatus().getMessage());
    }
    try (KubernetesClient masters =
        client(
            RIG.hub(),
            RbacUsers.token("alice"),
            b -> b.withImpersonateUsername("alice").withImpersonateGroups("system:masters"))) {
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> masters.secrets().inNamespace("default").list());
      // Naming oneself takes the verb too, before any group is considered.
      assertEquals(
          "users \"alice\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in"
              + " API group \"\" at the cluster scope",
          e.getStatus().getMessage());
    }
    // edit grants impersonating the ServiceAccounts of its namespace, and only those.
    try (KubernetesClient sa =
        client(
            RIG.hub(),
            RbacUsers.token("alice"),
            b -> b.withImpersonateUsername("system:serviceaccount:team-a:default"))) {
      KubernetesClientException e =
          failsWith(403, "Forbidden", () -> sa.configMaps().inNamespace("team-a").list());
      assertEquals(
          "configmaps is forbidden: User \"system:serviceaccount:team-a:default\" cannot list"
              + " resource \"configmaps\" in API group \"\" in the namespace \"team-a\"",
          e.getStatus().getMessage());
    }
  }

  static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A PropagationPolicy of Deployment {@code name} to every cluster. */
  static GenericKubernetesResource policy(String name) {
    GenericKubernetesResource p = new GenericKubernetesResource();
    p.setApiVersion("policy.karmada.io/v1alpha1");
    p.setKind("PropagationPolicy");
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    p.setAdditionalProperties(
        Map.of(
            "spec",
            Map.of(
                "resourceSelectors",
                List.of(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", name)),
                "placement",
                Map.of())));
    return p;
  }

  private static io.fabric8.kubernetes.api.model.rbac.Role role(
      String name, String resource, String verb) {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToRules(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources(resource)
                .withVerbs(verb)
                .build())
        .build();
  }
}
