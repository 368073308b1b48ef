package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A team's editor (edit) and namespace admin (admin), as Karmada's aggregated roles have them,
 * reach neither FederatedResourceQuota (a namespace's quota is the administrator's) nor
 * ResourceInterpreterCustomization (cluster-scoped: it changes what the hub and every agent do for
 * every namespace). Their attempts are 403 in upstream's shape and leave the administrator's
 * objects, in their namespace and in others, as they were.
 */
class EditorPolicyKindsIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.withRbacUsers();

  private static final ResourceDefinitionContext QUOTAS =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.karmada.io")
          .withVersion("v1alpha1")
          .withKind("FederatedResourceQuota")
          .withPlural("federatedresourcequotas")
          .withNamespaced(true)
          .build();
  private static final ResourceDefinitionContext CUSTOMIZATIONS =
      new ResourceDefinitionContext.Builder()
          .withGroup("config.karmada.io")
          .withVersion("v1alpha1")
          .withKind("ResourceInterpreterCustomization")
          .withPlural("resourceinterpretercustomizations")
          .withNamespaced(false)
          .build();
  private static final String QUOTA =
      "{'apiVersion':'policy.karmada.io/v1alpha1','kind':'FederatedResourceQuota',"
          + "'metadata':{'name':'team-quota'},'spec':{'overall':{'cpu':'2'}}}";
  private static final String CUSTOMIZATION =
      "{'apiVersion':'config.karmada.io/v1alpha1','kind':'ResourceInterpreterCustomization',"
          + "'metadata':{'name':'deployments'},'spec':{'target':{'apiVersion':'apps/v1',"
          + "'kind':'Deployment'},'customizations':{'replicaResource':{'luaScript':"
          + "'function GetReplicas(obj) return 0, {} end'}}}}";
  private static final List<KubectlRunner> runners = new ArrayList<>();

  @BeforeAll
  static void start() {
    for (String ns : List.of("team-a", "team-b")) {
      RIG.admin()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    RbacUsers.bind(RIG.admin(), "team-a", "edit", "alice");
    RbacUsers.bind(RIG.admin(), "team-a", "admin", "ann");
    RIG.admin()
        .genericKubernetesResources(QUOTAS)
        .inNamespace("team-a")
        .resource(generic(QUOTA))
        .create();
    RIG.admin()
        .genericKubernetesResources(QUOTAS)
        .inNamespace("team-b")
        .resource(generic(QUOTA))
        .create();
    RIG.admin()
        .genericKubernetesResources(CUSTOMIZATIONS)
        .resource(generic(CUSTOMIZATION))
        .create();
  }

  @AfterAll
  static void stop() {
    runners.forEach(KubectlRunner::close);
  }

  static Stream<KubectlRunner.Binary> binaries() {
    List<KubectlRunner.Binary> all = KubectlRunner.installed();
    List<KubectlRunner.Binary> wanted =
        all.stream().filter(b -> Set.of(27, 33).contains(b.minor())).toList();
    return (wanted.isEmpty() ? all : wanted).stream();
  }

  private static GenericKubernetesResource generic(String json) {
    return Json.MAPPER.convertValue(
        Json.read(json.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        GenericKubernetesResource.class);
  }

  @Test
  void editorsAndNamespaceAdminsCannotTouchQuotasOrCustomizations() {
    for (String user : List.of("alice", "ann")) {
      try (KubernetesClient team = RIG.hub().client(RbacUsers.token(user))) {
        // A positive control: the same user does propagate in its namespace.
        assertNotNull(
            team.genericKubernetesResources(
                    new ResourceDefinitionContext.Builder()
                        .withGroup("policy.karmada.io")
                        .withVersion("v1alpha1")
                        .withKind("PropagationPolicy")
                        .withPlural("propagationpolicies")
                        .withNamespaced(true)
                        .build())
                .inNamespace("team-a")
                .resource(
                    generic(
                        "{'apiVersion':'policy.karmada.io/v1alpha1','kind':'PropagationPolicy',"
                            + "'metadata':{'name':'pp-"
                            + user
                            + "'},'spec':{'resourceSelectors':[{'apiVersion':'apps/v1',"
                            + "'kind':'Deployment'}],'placement':{}}}"))
                .create());

        var quotas = team.genericKubernetesResources(QUOTAS);
        GenericKubernetesResource mine = generic(QUOTA);
        mine.getMetadata().setName("own-" + user);
        KubernetesClientException e =
            Fabric8Support.fails(403, () -> quotas.inNamespace("team-a").resource(mine).create());
        assertEquals(
            "federatedresourcequotas.policy.karmada.io is forbidden: User \""
                + user
                + "\" cannot create resource \"federatedresourcequotas\" in API group"
                + " \"policy.karmada.io\" in the namespace \"team-a\"",
            e.getStatus().getMessage());
        for (String ns : List.of("team-a", "team-b")) {
          Fabric8Support.fails(
              403,
              () ->
                  quotas
                      .inNamespace(ns)
                      .withName("team-quota")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"spec\":{\"overall\":{\"cpu\":\"1000\"}}}"));
          Fabric8Support.fails(403, () -> quotas.inNamespace(ns).withName("team-quota").delete());
        }

        var customizations = team.genericKubernetesResources(CUSTOMIZATIONS);
        GenericKubernetesResource rewrite = generic(CUSTOMIZATION);
        rewrite.getMetadata().setName("by-" + user);
        e = Fabric8Support.fails(403, () -> customizations.resource(rewrite).create());
        assertTrue(
            e.getStatus().getMessage().contains("at the cluster scope"),
            e.getStatus().getMessage());
        Fabric8Support.fails(
            403,
            () ->
                customizations
                    .withName("deployments")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"customizations\":null}}"));
        Fabric8Support.fails(403, () -> customizations.withName("deployments").delete());
      }
    }
    for (String ns : List.of("team-a", "team-b")) {
      var stored = RIG.admin().genericKubernetesResources(QUOTAS).inNamespace(ns).list().getItems();
      assertEquals(
          List.of("team-quota"), stored.stream().map(q -> q.getMetadata().getName()).toList());
      assertEquals(
          "2",
          Json.MAPPER
              .convertValue(stored.get(0), com.fasterxml.jackson.databind.JsonNode.class)
              .path("spec")
              .path("overall")
              .path("cpu")
              .asText());
    }
    var customizations = RIG.admin().genericKubernetesResources(CUSTOMIZATIONS).list().getItems();
    assertEquals(
        List.of("deployments"),
        customizations.stream().map(c -> c.getMetadata().getName()).toList());
    assertEquals(
        generic(CUSTOMIZATION).getAdditionalProperties().get("spec"),
        customizations.get(0).getAdditionalProperties().get("spec"));
    assertNull(RIG.admin().genericKubernetesResources(CUSTOMIZATIONS).withName("by-alice").get());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void canIAnswersNoForQuotasAndCustomizations(KubectlRunner.Binary binary) {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    for (String user : List.of("alice", "ann")) {
      KubectlRunner kubectl = KubectlRunner.of(binary, RbacUsers.kubeconfig(RIG.hub(), user));
      synchronized (runners) {
        runners.add(kubectl);
      }
      assertEquals(
          "yes",
          kubectl
              .run(
                  "auth",
                  "can-i",
                  "create",
                  "propagationpolicies.policy.karmada.io",
                  "-n",
                  "team-a")
              .stdout()
              .trim());
      for (String[] ask :
          List.of(
              new String[] {"create", "federatedresourcequotas.policy.karmada.io", "-n", "team-a"},
              new String[] {"patch", "federatedresourcequotas.policy.karmada.io", "-n", "team-b"},
              new String[] {"create", "resourceinterpretercustomizations.config.karmada.io"})) {
        List<String> args = new ArrayList<>(List.of("auth", "can-i"));
        args.addAll(List.of(ask));
        KubectlRunner.Result r = kubectl.run(args.toArray(String[]::new));
        assertEquals("no", r.stdout().trim(), r::toString);
      }
    }
  }
}
