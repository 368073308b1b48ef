package dev.flotilla.sim.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.sim.engine.Same;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadStatusesTest {
  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ObjectNode pod(String name, boolean ready) {
    return json(
        "{\"metadata\":{\"name\":\""
            + name
            + "\",\"labels\":{\"app\":\"w\"}},"
            + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
            + (ready ? "True" : "False")
            + "\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
  }

  @Test
  void replicaSetCountsActiveReadyAndAvailablePods() {
    ObjectNode rs =
        json(
            "{\"metadata\":{\"name\":\"w-1\",\"generation\":4},\"spec\":{"
                + "\"replicas\":3,\"template\":{\"metadata\":{\"labels\":{\"app\":\"w\"}}}}}");
    ObjectNode deleting = pod("c", true);
    deleting.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:00Z");
    JsonNode status =
        WorkloadStatuses.replicaSet(
            rs,
            List.of(pod("a", true), pod("b", false), deleting),
            Instant.parse("2026-01-01T00:01:00Z"));
    assertTrue(
        Same.json(
            json(
                "{\"replicas\":2,\"fullyLabeledReplicas\":2,\"readyReplicas\":1,"
                    + "\"availableReplicas\":1,\"observedGeneration\":4}"),
            status),
        status.toString());
  }

  @Test
  void minReadySecondsDelaysAvailability() {
    ObjectNode rs =
        json(
            "{\"metadata\":{\"name\":\"w-1\"},\"spec\":{\"replicas\":1,"
                + "\"minReadySeconds\":30,\"template\":{\"metadata\":{\"labels\":{\"app\":\"w\"}}}}}");
    Instant early = Instant.parse("2026-01-01T00:00:10Z");
    assertFalse(
        WorkloadStatuses.replicaSet(rs, List.of(pod("a", true)), early).has("availableReplicas"));
    assertEquals(20_100, WorkloadStatuses.nextAvailability(List.of(pod("a", true)), 30, early));
  }

  @Test
  void deploymentSumsItsReplicaSets() {
    ObjectNode d =
        json(
            "{\"metadata\":{\"name\":\"w\",\"generation\":2},\"spec\":{"
                + "\"replicas\":3,\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
                + "{\"maxUnavailable\":\"25%\"}}}}");
    ObjectNode newRs =
        json(
            "{\"metadata\":{\"name\":\"w-abc\"},\"spec\":{\"replicas\":3},"
                + "\"status\":{\"replicas\":3,\"readyReplicas\":3,\"availableReplicas\":3}}");
    ObjectNode oldRs =
        json(
            "{\"metadata\":{\"name\":\"w-old\"},\"spec\":{\"replicas\":0},"
                + "\"status\":{\"replicas\":0}}");
    ObjectNode status =
        WorkloadStatuses.deployment(d, newRs, List.of(oldRs), "2026-01-01T00:00:00Z");
    assertEquals(2, status.path("observedGeneration").asInt());
    assertEquals(3, status.path("replicas").asInt());
    assertEquals(3, status.path("updatedReplicas").asInt());
    assertEquals(3, status.path("readyReplicas").asInt());
    assertEquals(3, status.path("availableReplicas").asInt());
    assertFalse(status.has("unavailableReplicas"));
    assertEquals("True", status.path("conditions").get(0).path("status").asText());
    assertEquals(
        "NewReplicaSetAvailable", status.path("conditions").get(1).path("reason").asText());

    ObjectNode again =
        WorkloadStatuses.deployment(
            d.set("status", status), newRs, List.of(oldRs), "2026-02-02T00:00:00Z");
    assertEquals(status, again, "an unchanged deployment keeps its condition timestamps");
    assertTrue(Same.json(Json.read(Json.write(status)), again), "equal once stored and read back");
  }

  @Test
  void maxUnavailableRoundsDown() {
    assertEquals(0, WorkloadStatuses.maxUnavailable(json("{\"spec\":{\"replicas\":3}}")));
    assertEquals(1, WorkloadStatuses.maxUnavailable(json("{\"spec\":{\"replicas\":4}}")));
    assertEquals(
        2,
        WorkloadStatuses.maxUnavailable(
            json(
                "{\"spec\":{\"replicas\":4,"
                    + "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":2}}}}")));
    assertEquals(
        0,
        WorkloadStatuses.maxUnavailable(
            json("{\"spec\":{\"replicas\":4," + "\"strategy\":{\"type\":\"Recreate\"}}}")));
  }

  @Test
  void templateHashIgnoresKeyOrder() {
    assertEquals(
        PodTemplates.hash(json("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}}}")),
        PodTemplates.hash(json("{\"metadata\":{\"labels\":{\"b\":\"2\",\"a\":\"1\"}}}")));
    assertFalse(
        PodTemplates.hash(json("{\"spec\":{\"x\":1}}"))
            .equals(PodTemplates.hash(json("{\"spec\":{\"x\":2}}"))));
  }
}
