package dev.flotilla.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.conditions.Conditions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStatusBuilderTest {
  private static final String NOW = "2026-01-01T00:00:00Z";

  private static Node node(String name, boolean ready) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addToAllocatable("cpu", new Quantity("2"))
        .addToAllocatable("memory", new Quantity("4Gi"))
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod pod(String node, String phase, String cpu, String initCpu) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("p").endMetadata();
    var spec =
        b.withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("c")
            .withNewResources()
            .addToRequests("cpu", new Quantity(cpu))
            .endResources()
            .endContainer();
    if (initCpu != null) {
      spec =
          spec.addNewInitContainer()
              .withName("i")
              .withNewResources()
              .addToRequests("cpu", new Quantity(initCpu))
              .endResources()
              .endInitContainer();
    }
    return spec.endSpec().withNewStatus().withPhase(phase).endStatus().build();
  }

  @Test
  void reportsEverythingFromAReachableMember() {
    MemberObservation seen =
        new MemberObservation(
            true,
            true,
            "v1.33.0",
            Map.of(
                "v1",
                Map.of("pods", "Pod", "configmaps", "ConfigMap"),
                "apps/v1",
                Map.of("deployments", "Deployment")),
            true,
            List.of(node("a", true), node("b", false)),
            List.of(
                pod("a", "Running", "100m", "1"),
                pod("a", "Succeeded", "4", null),
                pod(null, "Pending", "200m", null)));
    ObjectNode status = ClusterStatusBuilder.build(null, seen, NOW);
    assertEquals("v1.33.0", status.path("kubernetesVersion").asText());
    assertEquals("apps/v1", status.path("apiEnablements").get(0).path("groupVersion").asText());
    assertEquals(
        "configmaps",
        status.path("apiEnablements").get(1).path("resources").get(0).path("name").asText());
    assertEquals(2, status.path("nodeSummary").path("totalNum").asInt());
    assertEquals(1, status.path("nodeSummary").path("readyNum").asInt());
    JsonNode summary = status.path("resourceSummary");
    assertEquals("4", summary.path("allocatable").path("cpu").asText());
    assertEquals("8Gi", summary.path("allocatable").path("memory").asText());
    assertEquals(
        "1",
        summary.path("allocated").path("cpu").asText(),
        "the init container's 1 CPU outweighs the 100m container; the finished pod is ignored");
    assertEquals("1", summary.path("allocated").path("pods").asText());
    assertEquals("200m", summary.path("allocating").path("cpu").asText());
    JsonNode conditions = status.path("conditions");
    assertEquals("ClusterReady", Conditions.find(conditions, "Ready").path("reason").asText());
    assertEquals(
        "Complete", Conditions.find(conditions, "CompleteAPIEnablements").path("reason").asText());
  }

  @Test
  void anUnreachableMemberKeepsTheLastFactsAndIsNotReady() {
    MemberObservation seen =
        new MemberObservation(
            true, true, "v1.33.0", Map.of("v1", Map.of("pods", "Pod")), false, null, null);
    ObjectNode first = ClusterStatusBuilder.build(null, seen, NOW);
    assertEquals(
        "Partial",
        Conditions.find(first.path("conditions"), "CompleteAPIEnablements")
            .path("reason")
            .asText());
    ObjectNode later =
        ClusterStatusBuilder.build(first, MemberObservation.unreachable(), "2026-01-01T00:01:00Z");
    assertEquals("v1.33.0", later.path("kubernetesVersion").asText());
    JsonNode ready = Conditions.find(later.path("conditions"), "Ready");
    assertEquals("False", ready.path("status").asText());
    assertEquals("ClusterNotReachable", ready.path("reason").asText());
    assertFalse(later.has("nodeSummary"));
  }
}
