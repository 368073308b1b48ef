package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import org.junit.jupiter.api.Test;

/** Suspended, Evicted and Failover in words, from the binding's spec. */
class BindingConditionsTest {
  @Test
  void noConditionUntilOneHolds() throws Exception {
    ObjectNode status = Trees.MAPPER.createObjectNode();
    BindingConditions.apply(status, spec("{clusters: [{name: member1}]}"));
    assertTrue(status.path("conditions").isEmpty(), status.toString());
  }

  @Test
  void suspensionIsSaidAndItsEndToo() throws Exception {
    ObjectNode status = Trees.MAPPER.createObjectNode();
    BindingConditions.apply(status, spec("{suspension: {dispatching: true}}"));
    assertEquals("True", of(status, "Suspended").path("status").asText());
    assertTrue(of(status, "Suspended").path("message").asText().contains("suspension.dispatching"));
    BindingConditions.apply(
        status, spec("{suspension: {dispatchingOnClusters: {clusterNames: [member2]}}}"));
    assertTrue(of(status, "Suspended").path("message").asText().contains("Dispatching to member2"));
    BindingConditions.apply(status, spec("{}"));
    assertEquals("False", of(status, "Suspended").path("status").asText());
  }

  @Test
  void anEvictionNamesTheClusterTheReasonAndWhereItGoes() throws Exception {
    ObjectNode status = Trees.MAPPER.createObjectNode();
    BindingConditions.apply(
        status,
        spec(
            "{clusters: [{name: member2}], gracefulEvictionTasks: [{fromCluster: member1,"
                + " reason: TaintUntolerated, producer: TaintManager, purgeMode: Gracefully}]}"));
    JsonNode evicted = of(status, "Evicted");
    assertEquals("True", evicted.path("status").asText());
    assertTrue(
        evicted.path("message").asText().contains("member1 (TaintUntolerated by TaintManager"),
        evicted.toString());
    JsonNode failover = of(status, "Failover");
    assertEquals("ClusterFailover", failover.path("reason").asText());
    assertTrue(failover.path("message").asText().contains("to member2 from member1"));
    BindingConditions.apply(status, spec("{clusters: [{name: member2}]}"));
    assertEquals("False", of(status, "Evicted").path("status").asText());
    assertEquals("FailoverCompleted", of(status, "Failover").path("reason").asText());
    assertNull(of(status, "Suspended"));
  }

  private static JsonNode spec(String yaml) throws Exception {
    return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
  }

  private static JsonNode of(ObjectNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }
}
