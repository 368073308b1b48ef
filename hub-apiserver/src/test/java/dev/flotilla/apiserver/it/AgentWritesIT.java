package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An agent writes what Karmada's pull-mode agent writes and nothing else, run as the agent (a real
 * agent token over HTTPS with fabric8): every other write is 403 in upstream's message shape, and
 * nothing of it is stored.
 */
class AgentWritesIT {
  private static final String NS = "karmada-es-member1";
  private static final String AGENT = "system:karmada:agent:member1";
  private static TestHub hub;
  private static KubernetesClient admin;
  private static KubernetesClient agent;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    admin = hub.client();
    for (String ns : List.of(NS, "victim")) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    admin
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(Json.MAPPER.treeToValue(AgentTokens.secretFor("member1", "t1"), Secret.class))
        .create();
    admin
        .secrets()
        .inNamespace("victim")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("topsecret")
                .endMetadata()
                .addToStringData("password", "hunter2")
                .build())
        .create();
    agent = hub.client("t1");
  }

  @AfterAll
  static void stop() {
    agent.close();
    admin.close();
    hub.close();
  }

  @Test
  void theBindingOfIssue8AndOtherInstructionsAreForbiddenInItsOwnNamespace() {
    KubernetesClientException e =
        forbidden(
            () ->
                agent
                    .genericKubernetesResources(
                        ctx("work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings"))
                    .inNamespace(NS)
                    .resource(generic(STEAL_BINDING))
                    .create());
    assertTrue(
        e.getStatus()
            .getMessage()
            .startsWith(
                "resourcebindings.work.karmada.io is forbidden: User \""
                    + AGENT
                    + "\" cannot create resource \"resourcebindings\" in API group"
                    + " \"work.karmada.io\" in the namespace \""
                    + NS
                    + "\": in karmada-es-member1 an agent writes only Works"),
        e.getStatus().getMessage());
    assertEquals("Forbidden", e.getStatus().getReason());
    forbidden(
        () ->
            agent
                .genericKubernetesResources(
                    ctx(
                        "policy.karmada.io",
                        "v1alpha1",
                        "PropagationPolicy",
                        "propagationpolicies"))
                .inNamespace(NS)
                .resource(
                    generic(
                        "{'apiVersion':'policy.karmada.io/v1alpha1','kind':'PropagationPolicy',"
                            + "'metadata':{'name':'p'},'spec':{'resourceSelectors':[{'apiVersion':"
                            + "'v1','kind':'Secret'}],'placement':{}}}"))
                .create());
    forbidden(
        () ->
            agent
                .secrets()
                .inNamespace(NS)
                .resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata().build())
                .create());
    forbidden(
        () ->
            agent
                .configMaps()
                .inNamespace(NS)
                .resource(
                    new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
                .create());
    forbidden(() -> agent.genericKubernetesResources(works()).inNamespace(NS).delete());
    assertEquals(
        List.of(),
        admin
            .genericKubernetesResources(
                ctx("work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings"))
            .inNamespace(NS)
            .list()
            .getItems());
    assertNull(admin.secrets().inNamespace(NS).withName("s").get());
    assertNull(admin.configMaps().inNamespace(NS).withName("c").get());
  }

  @Test
  void worksThatAreNoReportsAreForbidden() {
    KubernetesClientException e =
        forbidden(
            () ->
                agent
                    .genericKubernetesResources(works())
                    .inNamespace(NS)
                    .resource(generic(SECRET_WORK))
                    .create());
    assertTrue(
        e.getStatus()
            .getMessage()
            .startsWith(
                "works.work.karmada.io \"steal\" is forbidden: User \""
                    + AGENT
                    + "\" cannot create resource \"works\" in API group \"work.karmada.io\" in the"
                    + " namespace \""
                    + NS
                    + "\": not an MCS report Work (label flotilla.dev/mcs-role is \"\""),
        e.getStatus().getMessage());
    assertEquals("steal", e.getStatus().getDetails().getName());
    assertEquals("works", e.getStatus().getDetails().getKind());
    ObjectNode disguised = json(SECRET_WORK);
    ((ObjectNode) disguised.path("metadata"))
        .putObject("labels")
        .put("flotilla.dev/mcs-role", "export");
    ((ObjectNode) disguised.path("spec")).put("suspendDispatching", true);
    e =
        forbidden(
            () ->
                agent
                    .genericKubernetesResources(works())
                    .inNamespace(NS)
                    .resource(Json.MAPPER.convertValue(disguised, GenericKubernetesResource.class))
                    .create());
    assertTrue(e.getStatus().getMessage().contains("manifest 0 is a v1 Secret"), e.getMessage());
    assertNull(admin.genericKubernetesResources(works()).inNamespace(NS).withName("steal").get());
  }

  @Test
  void reportWorksAreTheAgentsToCreateChangeAndDelete() {
    var reports = agent.genericKubernetesResources(works()).inNamespace(NS);
    GenericKubernetesResource created = reports.resource(generic(EXPORT_REPORT)).create();
    ObjectNode changed = Json.MAPPER.convertValue(created, ObjectNode.class);
    ((com.fasterxml.jackson.databind.node.ArrayNode)
            changed.path("spec").path("workload").path("manifests"))
        .add(
            json(
                "{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice','metadata':{'name':'s2'}}"));
    reports.resource(Json.MAPPER.convertValue(changed, GenericKubernetesResource.class)).update();
    assertEquals(
        3,
        Json.MAPPER
            .convertValue(reports.withName("svcexport-demo-serve").get(), ObjectNode.class)
            .path("spec")
            .path("workload")
            .path("manifests")
            .size());
    ObjectNode unsuspended =
        Json.MAPPER.convertValue(reports.withName("svcexport-demo-serve").get(), ObjectNode.class);
    ((ObjectNode) unsuspended.path("spec")).put("suspendDispatching", false);
    forbidden(
        () ->
            reports
                .resource(Json.MAPPER.convertValue(unsuspended, GenericKubernetesResource.class))
                .update());
    reports.withName("svcexport-demo-serve").delete();
    assertNull(reports.withName("svcexport-demo-serve").get());
  }

  @Test
  void onAWorkTheHubMadeTheAgentWritesStatusAndItsFinalizerOnly() {
    admin.genericKubernetesResources(works()).inNamespace(NS).resource(generic(HUB_WORK)).create();
    var asAgent = agent.genericKubernetesResources(works()).inNamespace(NS).withName("hub-made");
    ObjectNode w = Json.MAPPER.convertValue(asAgent.get(), ObjectNode.class);
    ((ObjectNode) w.path("metadata")).putArray("finalizers").add("karmada.io/execution-controller");
    putWork(w);

    KubernetesClientException e =
        forbidden(
            () ->
                asAgent.patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"workload\":{\"manifests\":[" + SECRET_MANIFEST + "]}}}"));
    assertTrue(
        e.getStatus()
            .getMessage()
            .contains(
                "cannot patch resource \"works\" in API group \"work.karmada.io\" in the namespace"
                    + " \"karmada-es-member1\": changes spec of a Work the hub made"),
        e.getStatus().getMessage());
    forbidden(
        () ->
            asAgent.patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"resourcebinding.karmada.io/permanent-id\":\"x\"}}}"));
    ObjectNode respec = Json.MAPPER.convertValue(asAgent.get(), ObjectNode.class);
    ((ObjectNode) respec.path("spec")).put("suspendDispatching", true);
    forbidden(() -> putWork(respec));
    forbidden(asAgent::delete);

    ObjectNode status = Json.MAPPER.convertValue(asAgent.get(), ObjectNode.class);
    status
        .putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", "Applied")
        .put("status", "True")
        .put("reason", "AppliedSuccessful")
        .put("message", "")
        .put("lastTransitionTime", "2024-01-01T00:00:00Z");
    agent
        .genericKubernetesResources(works())
        .inNamespace(NS)
        .resource(Json.MAPPER.convertValue(status, GenericKubernetesResource.class))
        .updateStatus();

    JsonNode stored =
        Json.MAPPER.convertValue(
            admin.genericKubernetesResources(works()).inNamespace(NS).withName("hub-made").get(),
            ObjectNode.class);
    assertEquals(json(HUB_WORK).path("spec"), stored.path("spec"), "the hub's spec is intact");
    assertEquals("Applied", stored.path("status").path("conditions").path(0).path("type").asText());
    assertEquals(
        "karmada.io/execution-controller",
        stored.path("metadata").path("finalizers").path(0).asText());
    assertEquals(
        null,
        stored.path("metadata").path("labels").get("resourcebinding.karmada.io/permanent-id"));

    ObjectNode released = Json.MAPPER.convertValue(asAgent.get(), ObjectNode.class);
    ((ObjectNode) released.path("metadata")).putArray("finalizers");
    putWork(released);
    admin.genericKubernetesResources(works()).inNamespace(NS).withName("hub-made").delete();
  }

  @Test
  void itsClusterIsRegisteredAndReportedButTaintsAndOtherFieldsAreTheAdministrators() {
    var clusters = agent.genericKubernetesResources(clusters());
    forbidden(
        () ->
            clusters
                .resource(
                    generic(
                        "{'apiVersion':'cluster.karmada.io/v1alpha1','kind':'Cluster',"
                            + "'metadata':{'name':'member2'},'spec':{'syncMode':'Pull'}}"))
                .create());
    clusters
        .resource(
            generic(
                "{'apiVersion':'cluster.karmada.io/v1alpha1','kind':'Cluster','metadata':{'name':"
                    + "'member1','labels':{'env':'dev'}},'spec':{'syncMode':'Pull',"
                    + "'apiEndpoint':'https://member1:6443','region':'r1'}}"))
        .create();
    admin
        .genericKubernetesResources(clusters())
        .withName("member1")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"taints\":[{\"key\":\"maintenance\",\"effect\":\"NoSchedule\"}]}}");
    var own = clusters.withName("member1");
    own.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"env\":\"prod\"}},\"spec\":{\"region\":\"r2\",\"zones\":[\"z1\"]}}");
    KubernetesClientException e =
        forbidden(
            () -> own.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"taints\":null}}"));
    assertTrue(
        e.getStatus()
            .getMessage()
            .startsWith(
                "clusters.cluster.karmada.io \"member1\" is forbidden: User \""
                    + AGENT
                    + "\" cannot patch resource \"clusters\" in API group \"cluster.karmada.io\" at"
                    + " the cluster scope: spec.taints is the administrator's"),
        e.getStatus().getMessage());
    forbidden(
        () ->
            own.patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"secretRef\":{\"namespace\":\"victim\",\"name\":\"topsecret\"}}}"));
    forbidden(own::delete);
    ObjectNode withStatus = Json.MAPPER.convertValue(own.get(), ObjectNode.class);
    withStatus.putObject("status").put("kubernetesVersion", "v1.33.0");
    clusters
        .resource(Json.MAPPER.convertValue(withStatus, GenericKubernetesResource.class))
        .updateStatus();

    JsonNode stored =
        Json.MAPPER.convertValue(
            admin.genericKubernetesResources(clusters()).withName("member1").get(),
            ObjectNode.class);
    assertEquals("maintenance", stored.path("spec").path("taints").path(0).path("key").asText());
    assertEquals("r2", stored.path("spec").path("region").asText());
    assertEquals("prod", stored.path("metadata").path("labels").path("env").asText());
    assertEquals("v1.33.0", stored.path("status").path("kubernetesVersion").asText());
    assertNull(stored.path("spec").get("secretRef"));
  }

  @Test
  void itsLeaseAndEventsButNoOneElses() {
    forbidden(
        () ->
            agent
                .leases()
                .inNamespace(AgentTokens.NAMESPACE)
                .resource(
                    new LeaseBuilder()
                        .withNewMetadata()
                        .withName("member2")
                        .endMetadata()
                        .withNewSpec()
                        .withHolderIdentity("member2")
                        .endSpec()
                        .build())
                .create());
    assertNull(admin.leases().inNamespace(AgentTokens.NAMESPACE).withName("member2").get());
    assertNotNull(
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
                    .endSpec()
                    .build())
            .create());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName("applied.1")
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Work")
            .withName("w")
            .endInvolvedObject()
            .withReason("Applied")
            .withType("Normal")
            .build();
    assertNotNull(agent.v1().events().inNamespace(NS).resource(event).create());
    forbidden(() -> agent.v1().events().inNamespace("default").resource(event).create());
    forbidden(() -> agent.secrets().inNamespace("victim").withName("topsecret").get());
  }

  // ---- fixtures ----

  private static final String SECRET_MANIFEST =
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"topsecret\","
          + "\"namespace\":\"victim\"},\"stringData\":{\"password\":\"hunter2\"}}";

  private static final String STEAL_BINDING =
      "{'apiVersion':'work.karmada.io/v1alpha2','kind':'ResourceBinding','metadata':{'name':"
          + "'steal'},'spec':{'resource':{'apiVersion':'v1','kind':'Secret','namespace':'victim',"
          + "'name':'topsecret'},'clusters':[{'name':'member1'},{'name':'member2'}]}}";

  private static final String SECRET_WORK =
      "{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work','metadata':{'name':'steal'},"
          + "'spec':{'workload':{'manifests':["
          + SECRET_MANIFEST.replace('"', '\'')
          + "]}}}";

  private static final String HUB_WORK =
      "{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work','metadata':{'name':'hub-made'},"
          + "'spec':{'workload':{'manifests':[{'apiVersion':'v1','kind':'ConfigMap','metadata':"
          + "{'name':'c','namespace':'shop'},'data':{'k':'v'}}]}}}";

  private static final String EXPORT_REPORT =
      "{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work','metadata':{'name':"
          + "'svcexport-demo-serve','labels':{'flotilla.dev/mcs-role':'export',"
          + "'flotilla.dev/service-namespace':'demo','flotilla.dev/service-name':'serve',"
          + "'endpointslice.karmada.io/managed-by':'ServiceExport'}},'spec':{"
          + "'suspendDispatching':true,'workload':{'manifests':[{'apiVersion':"
          + "'multicluster.x-k8s.io/v1alpha1','kind':'ServiceExport','metadata':{'name':'serve',"
          + "'namespace':'demo'}},{'apiVersion':'v1','kind':'Service','metadata':{'name':'serve',"
          + "'namespace':'demo'},'spec':{'type':'ClusterIP'}}]}}}";

  private static ObjectNode json(String singleQuoted) {
    return Json.parseObject(
        singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8), false);
  }

  private static GenericKubernetesResource generic(String singleQuoted) {
    return Json.MAPPER.convertValue(json(singleQuoted), GenericKubernetesResource.class);
  }

  /** PUT of a Work in the agent's namespace, as the agent. */
  private static void putWork(ObjectNode work) {
    agent
        .genericKubernetesResources(works())
        .inNamespace(NS)
        .resource(Json.MAPPER.convertValue(work, GenericKubernetesResource.class))
        .update();
  }

  private static KubernetesClientException forbidden(Executable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call);
    assertEquals(403, e.getCode(), e.getMessage());
    return e;
  }

  private static ResourceDefinitionContext works() {
    return ctx("work.karmada.io", "v1alpha1", "Work", "works");
  }

  private static ResourceDefinitionContext clusters() {
    return new ResourceDefinitionContext.Builder()
        .withGroup("cluster.karmada.io")
        .withVersion("v1alpha1")
        .withKind("Cluster")
        .withPlural("clusters")
        .withNamespaced(false)
        .build();
  }

  private static ResourceDefinitionContext ctx(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
