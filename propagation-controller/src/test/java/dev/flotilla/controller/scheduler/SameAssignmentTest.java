package dev.flotilla.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import org.junit.jupiter.api.Test;

/** A schedule that only reorders spec.clusters is no change; any other difference is one. */
class SameAssignmentTest {
  private static JsonNode clusters(String json) throws Exception {
    return Trees.MAPPER.readTree(json);
  }

  @Test
  void aReorderedAssignmentIsTheSame() throws Exception {
    assertTrue(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m2\",\"replicas\":2},{\"name\":\"m1\",\"replicas\":2}]"),
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m2\",\"replicas\":2}]")));
  }

  @Test
  void otherReplicasAnotherClusterOrAMissingOneDiffer() throws Exception {
    JsonNode current =
        clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m2\",\"replicas\":2}]");
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":3},{\"name\":\"m2\",\"replicas\":1}]"),
            current));
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m3\",\"replicas\":2}]"),
            current));
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":2}]"), current));
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":2}]"), Trees.MAPPER.missingNode()));
  }

  @Test
  void aDuplicateNameIsNeverTheSame() throws Exception {
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m2\",\"replicas\":2}]"),
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m1\",\"replicas\":2}]")));
    assertFalse(
        SchedulerController.sameAssignment(
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m1\",\"replicas\":2}]"),
            clusters("[{\"name\":\"m1\",\"replicas\":2},{\"name\":\"m2\",\"replicas\":2}]")));
  }
}
