package dev.flotilla.policies.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.Yaml;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GracefulEvictionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  private static ObjectNode evicted(String purgeMode) {
    ObjectNode spec = Yaml.object("clusters: [{name: m1, replicas: 2}, {name: m2, replicas: 1}]");
    assertTrue(
        GracefulEviction.evict(
            spec,
            "m1",
            GracefulEviction.TaskOptions.of(
                    purgeMode,
                    GracefulEviction.PRODUCER_TAINT_MANAGER,
                    GracefulEviction.REASON_TAINT_UNTOLERATED,
                    "taint")
                .withPreservedLabelState(Map.of("app-state", "x")),
            T0));
    return spec;
  }

  @Test
  void evictionMovesTheClusterIntoATask() {
    ObjectNode spec = evicted("Gracefully");
    assertEquals("[{\"name\":\"m2\",\"replicas\":1}]", spec.path("clusters").toString());
    JsonNode task = spec.path("gracefulEvictionTasks").get(0);
    assertEquals("m1", task.path("fromCluster").asText());
    assertEquals(2, task.path("replicas").asInt());
    assertEquals("TaintManager", task.path("producer").asText());
    assertEquals("TaintUntolerated", task.path("reason").asText());
    assertEquals("x", task.path("preservedLabelState").path("app-state").asText());
    assertEquals(Set.of("m1"), GracefulEviction.retainedClusters(spec));
    assertFalse(
        GracefulEviction.evict(
            spec, "m1", GracefulEviction.TaskOptions.of("Gracefully", "p", "r", "m"), T0),
        "not scheduled there any more");
    assertEquals(Set.of(), GracefulEviction.retainedClusters(evicted("Directly")));
  }

  @Test
  void theOldCopyStaysUntilTheNewOnesAreHealthy() {
    ObjectNode spec = evicted("Gracefully");
    JsonNode progressing =
        Yaml.node("aggregatedStatus: [{clusterName: m2, health: Unknown}, {clusterName: m1}]");
    var a = GracefulEviction.assess(spec, progressing, true, TEN_MINUTES, T0.plusSeconds(5));
    assertEquals(List.of(), a.evicted());
    assertEquals(1, a.kept().size());
    assertEquals(Duration.ofSeconds(595), a.next());
    JsonNode healthy = Yaml.node("aggregatedStatus: [{clusterName: m2, health: Healthy}]");
    assertEquals(
        List.of(),
        GracefulEviction.assess(spec, healthy, false, TEN_MINUTES, T0.plusSeconds(5)).evicted(),
        "not until the scheduler has seen the eviction");
    assertEquals(
        List.of("m1"),
        GracefulEviction.assess(spec, healthy, true, TEN_MINUTES, T0.plusSeconds(5)).evicted());
  }

  @Test
  void theGracePeriodEndsTheWait() {
    ObjectNode spec = evicted("Gracefully");
    JsonNode unhealthy = Yaml.node("aggregatedStatus: [{clusterName: m2, health: Unhealthy}]");
    assertEquals(
        List.of("m1"),
        GracefulEviction.assess(spec, unhealthy, true, TEN_MINUTES, T0.plusSeconds(601)).evicted());
    ((ObjectNode) spec.path("gracefulEvictionTasks").get(0)).put("gracePeriodSeconds", 30);
    assertEquals(
        List.of("m1"),
        GracefulEviction.assess(spec, unhealthy, true, TEN_MINUTES, T0.plusSeconds(31)).evicted());
  }

  @Test
  void suppressDeletionDecidesAlone() {
    ObjectNode spec = evicted("Gracefully");
    ObjectNode task = (ObjectNode) spec.path("gracefulEvictionTasks").get(0);
    task.put("suppressDeletion", true);
    assertEquals(
        1,
        GracefulEviction.assess(spec, Yaml.node("{}"), true, TEN_MINUTES, T0.plusSeconds(9999))
            .kept()
            .size());
    task.put("suppressDeletion", false);
    assertEquals(
        List.of("m1"),
        GracefulEviction.assess(spec, Yaml.node("{}"), false, TEN_MINUTES, T0).evicted());
  }

  @Test
  void aTaskWithoutATimestampGetsOne() {
    ObjectNode spec = Yaml.object("clusters: []\ngracefulEvictionTasks: [{fromCluster: m1}]");
    var a = GracefulEviction.assess(spec, Yaml.node("{}"), true, TEN_MINUTES, T0);
    assertEquals(T0.toString(), a.kept().get(0).path("creationTimestamp").asText());
  }

  @Test
  void statePreservationReadsTheOldStatus() {
    JsonNode rules =
        Yaml.node(
            "rules: [{aliasLabelName: failover.example/replicas, jsonPath: '{.readyReplicas}'},"
                + " {aliasLabelName: reason, jsonPath: '{ .conditions[1].reason }'}]");
    JsonNode status =
        Yaml.node(
            "readyReplicas: 3\nconditions: [{reason: A}, {reason: MinimumReplicasAvailable}]");
    assertEquals(
        Map.of("failover.example/replicas", "3", "reason", "MinimumReplicasAvailable"),
        PreservedState.extract(rules, status));
    assertTrue(PreservedState.unsupported("{.items[*].name}").isPresent());
    assertTrue(PreservedState.unsupported("{.a.b[0]}").isEmpty());
  }
}
