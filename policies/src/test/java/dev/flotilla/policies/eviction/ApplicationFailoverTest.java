package dev.flotilla.policies.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.policies.Yaml;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationFailoverTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void unhealthyClustersAreThoseNotAlreadyEvicted() {
    var h =
        ApplicationFailover.classify(
            Yaml.node("gracefulEvictionTasks: [{fromCluster: m3}]"),
            Yaml.node(
                "aggregatedStatus: [{clusterName: m1, health: Unhealthy},"
                    + " {clusterName: m2, health: Healthy}, {clusterName: m3, health: Unhealthy},"
                    + " {clusterName: m4, health: Unknown}]"));
    assertEquals(List.of("m1"), h.unhealthy());
    assertEquals(List.of("m2", "m4"), h.others());
  }

  @Test
  void aClusterIsEvictedOnceUnhealthyForLongerThanTheToleration() {
    Map<String, Instant> since = new HashMap<>();
    var first = ApplicationFailover.decide(List.of("m1"), 60, since, T0);
    assertEquals(List.of(), first.evict());
    assertEquals(Duration.ofSeconds(60), first.next());
    var within = ApplicationFailover.decide(List.of("m1"), 60, since, T0.plusSeconds(45));
    assertEquals(List.of(), within.evict());
    assertEquals(Duration.ofSeconds(15), within.next());
    var after = ApplicationFailover.decide(List.of("m1"), 60, since, T0.plusSeconds(61));
    assertEquals(List.of("m1"), after.evict());
    assertNull(after.next());
  }

  @Test
  void purgeModesBecomeTaskOptions() {
    var graceful =
        ApplicationFailover.task(
            Yaml.node(
                "{purgeMode: Gracefully, gracePeriodSeconds: 30, decisionConditions: {tolerationSeconds: 5}}"),
            Yaml.node("{}"),
            "m1",
            ApplicationFailover.RB_PRODUCER,
            List.of("m1"));
    assertEquals(30, graceful.gracePeriodSeconds());
    assertNull(graceful.suppressDeletion());
    assertEquals("ApplicationFailure", graceful.reason());
    var never =
        ApplicationFailover.task(
            Yaml.node("{purgeMode: Never}"), Yaml.node("{}"), "m1", "p", List.of("m1"));
    assertEquals(Boolean.TRUE, never.suppressDeletion());
    var directly =
        ApplicationFailover.task(
            Yaml.node(
                "{purgeMode: Directly, statePreservation: {rules: [{aliasLabelName: a, jsonPath: '{.x}'}]}}"),
            Yaml.node("aggregatedStatus: [{clusterName: m1, status: {x: 7}}]"),
            "m1",
            "p",
            List.of("m1", "m2"));
    assertEquals(Map.of("a", "7"), directly.preservedLabelState());
    assertEquals(List.of("m1", "m2"), directly.clustersBeforeFailover());
    assertThrows(
        IllegalStateException.class,
        () ->
            ApplicationFailover.task(
                Yaml.node("{statePreservation: {rules: [{aliasLabelName: a, jsonPath: '{.x}'}]}}"),
                Yaml.node("{}"),
                "m1",
                "p",
                List.of()));
  }
}
