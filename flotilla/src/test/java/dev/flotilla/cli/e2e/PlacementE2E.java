package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where a PropagationPolicy's placement sends a template: by cluster names, by Cluster labels (set
 * by the agents), by exclusion, by the Cluster's region and provider fields, and around NoSchedule
 * taints unless tolerated. Each check waits for the scheduled binding and the copies in the chosen
 * members, then asserts that the other members have neither Work nor copy.
 */
class PlacementE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void clusterNamesSelectExactlyTheNamedMembers() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("names");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "by-name", "{clusterAffinity: {clusterNames: [member1, member3]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "by-name", List.of("member1", "member3"));
  }

  @Test
  void labelSelectorMatchesTheLabelsAgentsRegistered() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("labels");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "prod-only",
            "{clusterAffinity: {labelSelector: {matchLabels: {" + Fleet.ENV_LABEL + ": prod}}}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "prod-only", List.of("member2", "member3"));
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "not-prod",
            "{clusterAffinity: {labelSelector: {matchExpressions: [{key: "
                + Fleet.ENV_LABEL
                + ", operator: NotIn, values: [prod]}]}}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "not-prod", List.of("member1"));
  }

  @Test
  void excludeRemovesAMemberFromAllOthers() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("exclude");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "all-but-2", "{clusterAffinity: {exclude: [member2]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "all-but-2", List.of("member1", "member3"));
  }

  @Test
  void fieldSelectorMatchesRegionAndProvider() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("fields");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "region-a",
            "{clusterAffinity: {fieldSelector: {matchExpressions: [{key: region, operator: In, values: [region-a]}]}}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "region-a", List.of("member1", "member2"));
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "sim-outside-a",
            "{clusterAffinity: {fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [sim]},"
                + " {key: region, operator: NotIn, values: [region-a]}]}}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "sim-outside-a", List.of("member3"));
  }

  @Test
  void noScheduleTaintKeepsOutPoliciesWithoutAToleration() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("taints");
    setTaints(
        fleet,
        "member3",
        List.of(
            "{\"key\":\"e2e.flotilla.dev/dedicated\",\"value\":\"batch\",\"effect\":\"NoSchedule\"}"));
    try {
      Await.until(
          "member3 tainted on the hub",
          () ->
              fleet
                      .cluster("member3")
                      .path("spec")
                      .path("taints")
                      .toString()
                      .contains("e2e.flotilla.dev/dedicated")
                  ? true
                  : null);
      fleet.create(
          Propagation.configMapWithPolicy(
              ns, "intolerant", "{clusterAffinity: {clusterNames: [member1, member3]}}"));
      Propagation.awaitConfigMapExactlyIn(fleet, ns, "intolerant", List.of("member1"));
      JsonNode verdict = fleet.binding(ns, "ConfigMap", "intolerant");
      assertEquals("True", Fleet.conditionStatus(verdict, "Scheduled"), verdict.toString());

      fleet.create(
          Propagation.configMapWithPolicy(
              ns,
              "tolerant",
              "{clusterAffinity: {clusterNames: [member1, member3]}, clusterTolerations: [{key: e2e.flotilla.dev/dedicated,"
                  + " operator: Equal, value: batch, effect: NoSchedule}]}"));
      Propagation.awaitConfigMapExactlyIn(fleet, ns, "tolerant", List.of("member1", "member3"));

      fleet.create(
          Propagation.configMapWithPolicy(
              ns, "only-tainted", "{clusterAffinity: {clusterNames: [member3]}}"));
      JsonNode failed =
          Await.until(
              "a binding that only the tainted member could take is unschedulable",
              () -> {
                JsonNode rb = fleet.binding(ns, "ConfigMap", "only-tainted");
                return rb != null && "False".equals(Fleet.conditionStatus(rb, "Scheduled"))
                    ? rb
                    : null;
              });
      assertTrue(
          Fleet.condition(failed, "Scheduled")
              .path("message")
              .asText()
              .contains("untolerated taint"),
          failed.toString());
      assertTrue(Fleet.scheduledClusters(failed).isEmpty(), failed.toString());
    } finally {
      setTaints(fleet, "member3", List.of());
    }
  }

  /**
   * Replaces the admin taints of a Cluster (spec.taints), as {@code kubectl edit cluster} would.
   */
  static void setTaints(Fleet fleet, String cluster, List<String> taintsJson) {
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    ArrayNode taints = patch.putObject("spec").putArray("taints");
    for (String t : taintsJson) {
      try {
        taints.add(Trees.MAPPER.readTree(t));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(t, e);
      }
    }
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.CLUSTER)
        .withName(cluster)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }
}
