package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ResourceInterpreterCustomization's Lua decides how a CRD's replicas and health are read: the
 * binding's replicas and requirements and the members' health follow the script, not the built-in
 * rules. A script that fails, or tries to leave its sandbox, is recorded on the binding (an event
 * naming the customization and the Lua error) or on the Work, and the built-in rule never stands in
 * for it.
 */
class InterpreterE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static final ResourceDefinitionContext GADGETS =
      Kinds.ctx("interp.e2e.flotilla.dev", "v1", "Gadget", "gadgets", true);

  private static final String REPLICAS_OK =
      "local kube = require('kube')\n"
          + "function GetReplicas(obj)\n"
          + "  return obj.spec.units * 2, {resourceRequest = {cpu = kube.resourceAdd('100m', '150m')}}\n"
          + "end";
  private static final String HEALTH_OK =
      "function InterpretHealth(obj) return obj.spec.color == 'green' end";

  @Test
  void aLuaCustomizationDecidesReplicasAndHealthAndItsFailuresAreRecorded() {
    Fleet fleet = FLEET.fleet();
    fleet.create(
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.interp.e2e.flotilla.dev}
        spec:
          group: interp.e2e.flotilla.dev
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: ClusterPropagationPolicy
        metadata: {name: gadgets-crd}
        spec:
          resourceSelectors:
          - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: gadgets.interp.e2e.flotilla.dev}
          placement:
            clusterAffinity: {clusterNames: [member1, member2]}
        """);
    for (String m : new String[] {"member1", "member2"}) {
      Await.until(
          m + "'s Cluster lists Gadget",
          () ->
              fleet
                  .cluster(m)
                  .path("status")
                  .path("apiEnablements")
                  .toString()
                  .contains("\"Gadget\""));
    }
    customize(fleet, REPLICAS_OK, HEALTH_OK, true);
    String ns = fleet.newNamespace("interp");
    Await.until(
        "the hub serves Gadgets",
        () -> fleet.hubClient().genericKubernetesResources(GADGETS).inNamespace(ns).list() != null);
    fleet.create(
        """
        apiVersion: interp.e2e.flotilla.dev/v1
        kind: Gadget
        metadata: {name: g1, namespace: %1$s}
        spec: {units: 3, color: red}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: gadgets, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: interp.e2e.flotilla.dev/v1, kind: Gadget}]
          placement:
            clusterAffinity: {clusterNames: [member1, member2]}
        """
            .formatted(ns));

    JsonNode binding =
        Await.until(
            "the binding reads 6 replicas of 250m cpu from the script",
            () -> {
              JsonNode b = fleet.binding(ns, "Gadget", "g1");
              return b != null && b.path("spec").path("replicas").asInt() == 6 ? b : null;
            });
    assertEquals(
        "250m",
        binding
            .path("spec")
            .path("replicaRequirements")
            .path("resourceRequest")
            .path("cpu")
            .asText(),
        binding.toString());
    awaitHealth(fleet, ns, "Unhealthy"); // the built-in rule would call any CRD Healthy

    fleet
        .hubClient()
        .genericKubernetesResources(GADGETS)
        .inNamespace(ns)
        .withName("g1")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"units\":4,\"color\":\"green\"}}");
    Await.until(
        "the binding follows the template: 8 replicas",
        () -> fleet.binding(ns, "Gadget", "g1").path("spec").path("replicas").asInt() == 8);
    awaitHealth(fleet, ns, "Healthy");

    // A failing replicaResource script: recorded on the binding, the replicas it had stay.
    customize(
        fleet,
        "function GetReplicas(obj) error('gadgets cannot be counted') end",
        HEALTH_OK,
        false);
    Event failed = awaitBindingEvent(fleet, ns, "gadgets cannot be counted");
    assertEquals("InterpretReplicaFailed", failed.getReason());
    assertTrue(
        failed
            .getMessage()
            .contains("ResourceInterpreterCustomization \"gadgets\" (replicaResource)"),
        failed.getMessage());
    assertEquals(8, fleet.binding(ns, "Gadget", "g1").path("spec").path("replicas").asInt());

    // Leaving the sandbox is refused, and so recorded, whatever the way out.
    customize(fleet, "function GetReplicas(obj) while true do end end", HEALTH_OK, false);
    // Whichever limit comes first on a loaded machine: the instruction count or the clock.
    awaitBindingEvent(fleet, ns, "instructions", "ran longer than");
    customize(
        fleet, "function GetReplicas(obj) return #string.rep('x', 1e9) end", HEALTH_OK, false);
    awaitBindingEvent(fleet, ns, "exceeds");
    customize(
        fleet,
        "function GetReplicas(obj) return require('io').open('/etc/passwd') end",
        HEALTH_OK,
        false);
    awaitBindingEvent(fleet, ns, "may require only");

    // A failing health script (os is not there): health Unknown, the Work says why.
    customize(
        fleet, REPLICAS_OK, "function InterpretHealth(obj) return os.execute('true') end", false);
    awaitHealth(fleet, ns, "Unknown");
    JsonNode available = Fleet.condition(fleet.work("member1", ns, "Gadget", "g1"), "Available");
    assertEquals("InterpretFailed", available.path("reason").asText(), available.toString());
    assertTrue(
        available.path("message").asText().contains("attempt to index"), available.toString());
  }

  private static void customize(Fleet fleet, String replicas, String health, boolean create) {
    String yaml =
        """
        apiVersion: config.karmada.io/v1alpha1
        kind: ResourceInterpreterCustomization
        metadata: {name: gadgets}
        spec:
          target: {apiVersion: interp.e2e.flotilla.dev/v1, kind: Gadget}
          customizations:
            replicaResource:
              luaScript: %s
            healthInterpretation:
              luaScript: %s
        """
            .formatted(quote(replicas), quote(health));
    var ric =
        fleet.hubClient().genericKubernetesResources(Kinds.RESOURCE_INTERPRETER_CUSTOMIZATION);
    if (create) {
      fleet.create(yaml);
    } else {
      var current = ric.withName("gadgets").get();
      var next =
          fleet
              .hubClient()
              .getKubernetesSerialization()
              .unmarshal(yaml, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
      next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      ric.resource(next).update();
    }
  }

  private static String quote(String lua) {
    return "\"" + lua.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void awaitHealth(Fleet fleet, String ns, String health) {
    Await.until(
        "both members report " + health,
        () -> {
          JsonNode items =
              fleet.binding(ns, "Gadget", "g1").path("status").path("aggregatedStatus");
          if (items.size() != 2) {
            return false;
          }
          for (JsonNode i : items) {
            if (!health.equals(i.path("health").asText())) {
              return false;
            }
          }
          return true;
        });
  }

  private static Event awaitBindingEvent(Fleet fleet, String ns, String... texts) {
    String binding = "g1-gadget";
    return Await.until(
        "an event on binding " + binding + " saying " + String.join(" or ", texts),
        () ->
            fleet.hubClient().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> binding.equals(e.getInvolvedObject().getName()))
                .filter(
                    e ->
                        e.getMessage() != null
                            && java.util.Arrays.stream(texts).anyMatch(e.getMessage()::contains))
                .findFirst()
                .orElse(null));
  }
}
