package dev.flotilla.agent.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.JsonSubset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSpecsTest {

  @Test
  void patchHoldsOnlyTheAgentsFields() {
    ObjectNode patch =
        ClusterSpecs.patch(
            new ClusterSpecs.Registration(
                "aws", null, List.of(), Map.of("env", "prod"), "https://m:6443", "uid-1"));
    assertEquals(
        "{\"metadata\":{\"labels\":{\"env\":\"prod\"}},\"spec\":{\"syncMode\":\"Pull\","
            + "\"apiEndpoint\":\"https://m:6443\",\"id\":\"uid-1\",\"provider\":\"aws\"}}",
        patch.toString());
  }

  @Test
  void anUpToDateClusterNeedsNoWrite() {
    ObjectNode patch =
        ClusterSpecs.patch(
            new ClusterSpecs.Registration("aws", "eu", List.of("a"), Map.of(), "https://m", "id"));
    ObjectNode existing =
        ClusterSpecs.newCluster(
            "c",
            new ClusterSpecs.Registration(
                "aws", "eu", List.of("a"), Map.of("team", "x"), "https://m", "id"));
    ((ObjectNode) existing.get("spec")).putArray("taints").addObject().put("key", "k");
    assertTrue(JsonSubset.contains(existing, patch));
    ((ObjectNode) existing.get("spec")).put("region", "us");
    assertFalse(JsonSubset.contains(existing, patch));
  }
}
