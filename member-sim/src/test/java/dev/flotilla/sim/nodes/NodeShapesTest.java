package dev.flotilla.sim.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimAnnotations;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeShapesTest {
  private final MemberCluster cluster = MemberCluster.of("member3", 3, Path.of("/tmp/m3"));

  @Test
  void newNodesAreReadyWithTopologyAddressesAndPodCidr() {
    ObjectNode node = NodeShapes.newNode(cluster, 2, "2026-01-01T00:00:00Z");
    assertEquals("member3-node-2", node.path("metadata").path("name").asText());
    assertEquals(
        "region-b",
        node.path("metadata").path("labels").path("topology.kubernetes.io/region").asText());
    assertEquals("zone-b1", NodeShapes.zone(node));
    assertEquals("10.247.2.0/24", node.path("spec").path("podCIDR").asText());
    assertEquals("192.168.3.3", NodeShapes.internalIp(node));
    assertEquals("110", node.path("status").path("allocatable").path("pods").asText());
    assertTrue(NodeShapes.isReady(node));
  }

  @Test
  void theReadyAnnotationDrivesTheReadyCondition() {
    ObjectNode node = NodeShapes.newNode(cluster, 1, "2026-01-01T00:00:00Z");
    node.with("metadata").with("annotations").put(SimAnnotations.READY, "false");
    ObjectNode status = NodeShapes.status(cluster, 1, node, "2026-01-02T00:00:00Z");
    node.set("status", status);
    assertFalse(NodeShapes.isReady(node));
    assertEquals(
        status,
        NodeShapes.status(cluster, 1, node, "2026-01-03T00:00:00Z"),
        "unchanged, so timestamps stay");
  }

  @Test
  void summaryAddsUpNodesAndScheduledPods() {
    ObjectNode ready = NodeShapes.newNode(cluster, 1, "t");
    ObjectNode notReady = NodeShapes.newNode(cluster, 2, "t");
    notReady.with("metadata").with("annotations").put(SimAnnotations.READY, "false");
    notReady.set("status", NodeShapes.status(cluster, 2, notReady, "t"));
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.with("spec")
        .put("nodeName", "member3-node-1")
        .putArray("containers")
        .addObject()
        .with("resources")
        .with("requests")
        .put("cpu", "250m")
        .put("memory", "64Mi");
    NodeSummary s = NodeSummary.of(List.of(ready, notReady), List.of(pod));
    assertEquals(2, s.totalNum());
    assertEquals(1, s.readyNum());
    assertEquals("16", s.allocatable().get("cpu"));
    assertEquals("64Gi", s.allocatable().get("memory"));
    assertEquals("250m", s.allocated().get("cpu"));
    assertEquals("1", s.allocated().get("pods"));
    assertEquals(2, s.toClusterStatus().path("nodeSummary").path("totalNum").asInt());
  }
}
