package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * Issue 8's attack on a whole federation: member1's agent, with its real credential, tries to get a
 * Secret of another namespace copied into a member (a ResourceBinding in its own namespace, a Work
 * holding the Secret, a hub Work rewritten, a policy); every attempt is 403. The same bindings
 * written by the admin are ignored by the controllers. Afterwards no Work holds the Secret, no
 * member has it, and the hub served no read of a Secret meanwhile.
 */
class SecretTheftE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static final String PASSWORD = "hunter2-e2e";
  private static final ResourceDefinitionContext PROPAGATION_POLICY =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.karmada.io")
          .withVersion("v1alpha1")
          .withKind("PropagationPolicy")
          .withPlural("propagationpolicies")
          .withNamespaced(true)
          .build();

  @Test
  void theAgentsAttemptsAreForbiddenAndNothingFollows() {
    Fleet fleet = FLEET.fleet();
    String victim = victimWithSecret(fleet);
    String shop = fleet.newNamespace("shop");
    fleet.create(
        Propagation.configMapWithPolicy(
            shop, "menu", "{clusterAffinity: {clusterNames: [member1]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, shop, "menu", List.of("member1"));
    String hubWork =
        fleet.work("member1", shop, "ConfigMap", "menu").path("metadata").path("name").asText();
    double secretReads = secretReads(fleet);

    KubernetesClient agent = fleet.agentHubClient("member1");
    String own = Names.executionNamespace("member1");
    forbidden(
        () ->
            agent
                .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                .inNamespace(own)
                .resource(generic(stealBinding(own, victim, "member1, member2")))
                .create());
    forbidden(
        () ->
            agent
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace(own)
                .resource(generic(secretWork(own, victim, "")))
                .create());
    forbidden(
        () ->
            agent
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace(own)
                .resource(
                    generic(
                        secretWork(own, victim, "labels: {flotilla.dev/mcs-role: export}, ")
                            .replace("spec: {", "spec: {suspendDispatching: true, ")))
                .create());
    forbidden(
        () ->
            agent
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace(own)
                .withName(hubWork)
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"workload\":{\"manifests\":[{\"apiVersion\":\"v1\",\"kind\":"
                        + "\"Secret\",\"metadata\":{\"name\":\"topsecret\",\"namespace\":\""
                        + victim
                        + "\"},\"stringData\":{\"password\":\"stolen\"}}]}}}"));
    forbidden(
        () ->
            agent
                .genericKubernetesResources(PROPAGATION_POLICY)
                .inNamespace(own)
                .resource(
                    generic(
                        "{apiVersion: policy.karmada.io/v1alpha1, kind: PropagationPolicy,"
                            + " metadata: {name: steal, namespace: "
                            + own
                            + "}, spec: {resourceSelectors: [{apiVersion: v1, kind: Secret}],"
                            + " placement: {}}}"))
                .create());
    forbidden(() -> agent.secrets().inNamespace(victim).withName("topsecret").get());

    canaryReachesEveryMember(fleet);
    assertNothingFollowed(fleet, victim, secretReads);
    assertEquals(
        "menu",
        fleet
            .work("member1", shop, "ConfigMap", "menu")
            .path("spec")
            .path("workload")
            .path("manifests")
            .path(0)
            .path("metadata")
            .path("name")
            .asText(),
        "the hub's Work is as the hub wrote it");
  }

  @Test
  void controllersIgnoreBindingsTheDetectorCouldNotHaveMade() {
    Fleet fleet = FLEET.fleet();
    String victim = victimWithSecret(fleet);
    String thief = fleet.newNamespace("thief");
    KubernetesClient admin = fleet.hubClient();
    double secretReads = secretReads(fleet);
    String reserved = Names.executionNamespace("member1");
    admin.resource(generic(stealBinding(reserved, victim, "member1, member2"))).create();
    admin.resource(generic(stealBinding(thief, victim, "member2"))).create();
    admin
        .resource(
            generic(
                "{apiVersion: work.karmada.io/v1alpha2, kind: ClusterResourceBinding, metadata:"
                    + " {name: steal-"
                    + victim
                    + "}, spec: {resource: {apiVersion: v1, kind: Secret, namespace: "
                    + victim
                    + ", name: topsecret}, clusters: [{name: member3}]}}"))
        .create();
    // A namespaced kind without a namespace: read naively, it resolves in some default namespace.
    admin
        .resource(
            generic(
                "{apiVersion: work.karmada.io/v1alpha2, kind: ClusterResourceBinding, metadata:"
                    + " {name: steal-unnamespaced-"
                    + victim
                    + "}, spec: {resource: {apiVersion: v1, kind: Secret, name: topsecret},"
                    + " clusters: [{name: member3}]}}"))
        .create();

    // A template and a policy in a reserved namespace are no instruction either.
    admin
        .secrets()
        .inNamespace(reserved)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("planted")
                .endMetadata()
                .addToStringData("password", "stolen")
                .build())
        .create();
    admin
        .resource(
            generic(
                "{apiVersion: policy.karmada.io/v1alpha1, kind: PropagationPolicy, metadata: {name:"
                    + " planted, namespace: "
                    + reserved
                    + "}, spec: {resourceSelectors: [{apiVersion: v1, kind: Secret, name:"
                    + " planted}], placement: {}}}"))
        .create();

    canaryReachesEveryMember(fleet);
    assertNothingFollowed(fleet, victim, secretReads);
    assertNull(fleet.binding(reserved, "Secret", "planted"), "no binding in " + reserved);
    awaitRefused(fleet, reserved, "steal-" + victim);
    awaitRefused(fleet, thief, "steal-" + victim);
    awaitRefused(fleet, "default", "steal-" + victim);
    awaitRefused(fleet, "default", "steal-unnamespaced-" + victim);
    assertNothingFollowed(fleet, victim, secretReads);
    for (String ns : List.of(reserved, thief)) {
      JsonNode rb =
          Trees.tree(
              admin
                  .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                  .inNamespace(ns)
                  .withName("steal-" + victim)
                  .get());
      assertNull(Fleet.condition(rb, "Scheduled"), "the scheduler left " + ns + " alone: " + rb);
    }
  }

  // ---- the attack's targets and its aftermath ----

  private static String victimWithSecret(Fleet fleet) {
    String victim = fleet.newNamespace("victim");
    fleet
        .hubClient()
        .secrets()
        .inNamespace(victim)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("topsecret")
                .endMetadata()
                .addToStringData("password", PASSWORD)
                .build())
        .create();
    // The unnamespaced binding's naive read would land in "default".
    if (fleet.hubClient().secrets().inNamespace("default").withName("topsecret").get() == null) {
      fleet
          .hubClient()
          .secrets()
          .inNamespace("default")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("topsecret")
                  .endMetadata()
                  .addToStringData("password", PASSWORD)
                  .build())
          .create();
    }
    return victim;
  }

  private static String stealBinding(String namespace, String victim, String clusters) {
    StringBuilder list = new StringBuilder();
    for (String c : clusters.split(",\\s*")) {
      list.append(list.length() == 0 ? "" : ", ").append("{name: ").append(c).append('}');
    }
    return "{apiVersion: work.karmada.io/v1alpha2, kind: ResourceBinding, metadata: {name: steal-"
        + victim
        + ", namespace: "
        + namespace
        + "}, spec: {resource: {apiVersion: v1, kind: Secret, namespace: "
        + victim
        + ", name: topsecret}, clusters: ["
        + list
        + "]}}";
  }

  private static String secretWork(String namespace, String victim, String extraMeta) {
    return "{apiVersion: work.karmada.io/v1alpha1, kind: Work, metadata: {"
        + extraMeta
        + "name: steal, namespace: "
        + namespace
        + "}, spec: {workload: {manifests: [{apiVersion: v1, kind: Secret, metadata: {name:"
        + " topsecret, namespace: "
        + victim
        + "}, stringData: {password: stolen}}]}}}";
  }

  /** Waits for the controllers' Warning Event saying they left the binding alone. */
  private static void awaitRefused(Fleet fleet, String eventNamespace, String binding) {
    Await.until(
        "a " + TrustedBindings.REASON + " Event for " + binding + " in " + eventNamespace,
        () ->
            fleet.hubClient().v1().events().inNamespace(eventNamespace).list().getItems().stream()
                .filter(
                    e ->
                        TrustedBindings.REASON.equals(e.getReason())
                            && binding.equals(e.getInvolvedObject().getName()))
                .findFirst()
                .orElse(null));
  }

  /**
   * A fresh template propagated everywhere after the attack: once it is in every member, the
   * controllers and agents have had their turn at everything written before it.
   */
  private static void canaryReachesEveryMember(Fleet fleet) {
    String ns = fleet.newNamespace("canary");
    fleet.create(Propagation.configMapWithPolicy(ns, "canary", "{}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "canary", fleet.memberNames());
  }

  private static void assertNothingFollowed(Fleet fleet, String victim, double secretReadsBefore) {
    for (String member : fleet.memberNames()) {
      for (GenericKubernetesResource w :
          fleet
              .hubClient()
              .genericKubernetesResources(Kinds.WORK)
              .inNamespace(Names.executionNamespace(member))
              .list()
              .getItems()) {
        String text = Trees.tree(w).toString();
        assertFalse(
            text.contains("topsecret") || text.contains("stolen"),
            "Work " + w.getMetadata().getName() + " in karmada-es-" + member + ": " + text);
      }
      assertNull(
          fleet.member(member).secrets().inNamespace(victim).withName("topsecret").get(),
          "the Secret reached " + member);
      assertNull(
          fleet.member(member).secrets().inNamespace("default").withName("topsecret").get(),
          "default/topsecret reached " + member);
    }
    assertEquals(
        secretReadsBefore, secretReads(fleet), "the hub served no read of a Secret meanwhile");
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  private static final Pattern REQUESTS =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

  /** Reads of Secrets the hub served so far (get, list, watch answered 200; any user). */
  private static double secretReads(Fleet fleet) {
    double sum = 0;
    Matcher m = REQUESTS.matcher(fleet.hubClient().raw("/metrics"));
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("resource=\"secrets\"")
          && labels.contains("code=\"200\"")
          && (labels.contains("verb=\"get\"")
              || labels.contains("verb=\"list\"")
              || labels.contains("verb=\"watch\""))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private static GenericKubernetesResource generic(String yamlFlow) {
    try {
      return Trees.generic(YAML.readTree(yamlFlow));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void forbidden(Executable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call);
    assertEquals(403, e.getCode(), e.getMessage());
    assertTrue(
        e.getStatus().getMessage().contains("User \"system:karmada:agent:member1\" cannot "),
        e.getStatus().getMessage());
  }
}
