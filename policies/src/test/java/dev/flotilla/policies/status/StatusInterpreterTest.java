package dev.flotilla.policies.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusInterpreterTest {

  private static final JsonNode TEMPLATE =
      Yaml.node(
          """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: nginx, generation: 3}
            status: {observedGeneration: 2, replicas: 1, conditions: [{type: Available, status: 'True'}]}
            """);

  static JsonNode member(long generation, long observed, long templateGeneration, int replicas) {
    return Yaml.node(
        "{generation: %d, observedGeneration: %d, resourceTemplateGeneration: %d, replicas: %d, "
                .formatted(generation, observed, templateGeneration, replicas)
            + "readyReplicas: %d, updatedReplicas: %d, availableReplicas: %d}"
                .formatted(replicas, replicas, replicas));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "all members current", List.of(member(5, 5, 3, 2), member(1, 1, 3, 1)), 3L, 3L),
        Arguments.of(
            "one member built from an old template",
            List.of(member(5, 5, 3, 2), member(1, 1, 2, 1)),
            2L,
            3L),
        Arguments.of(
            "one member not observed yet", List.of(member(5, 4, 3, 2), member(1, 1, 3, 1)), 2L, 3L),
        Arguments.of("one member without status", Arrays.asList(member(5, 5, 3, 2), null), 2L, 2L),
        Arguments.of(
            "aggregatedStatus items are accepted",
            List.of(Yaml.node("{clusterName: m1, status: " + member(1, 1, 3, 4) + "}")),
            3L,
            4L),
        Arguments.of("no members", List.of(), 3L, 0L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aggregate(String name, List<JsonNode> members, long observedGeneration, long replicas) {
    JsonNode status = StatusInterpreter.aggregateDeploymentStatus(TEMPLATE, members);
    assertEquals(observedGeneration, status.path("observedGeneration").asLong());
    assertEquals(replicas, status.path("replicas").asLong());
    assertEquals(replicas, status.path("availableReplicas").asLong());
    assertEquals(
        "Available", status.at("/conditions/0/type").asText(), "other status fields are kept");
  }

  @Test
  void sumsWithoutTemplate() {
    JsonNode status =
        StatusInterpreter.aggregateDeploymentStatus(
            List.of(
                Yaml.node("{replicas: 2, readyReplicas: 1, unavailableReplicas: 1}"),
                Yaml.node("{replicas: 3, readyReplicas: 3}")));
    assertEquals(
        "{\"replicas\":5,\"readyReplicas\":4,\"unavailableReplicas\":1}", status.toString());
  }

  @Test
  void reflectMemberDeployment() {
    JsonNode member =
        Yaml.node(
            """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, generation: 4, annotations: {resourcetemplate.karmada.io/generation: '3'}}
                status: {observedGeneration: 4, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2,
                  conditions: [{type: Available}]}
                """);
    assertEquals(
        "{\"generation\":4,\"resourceTemplateGeneration\":3,\"replicas\":2,\"updatedReplicas\":2,"
            + "\"readyReplicas\":2,\"availableReplicas\":2,\"observedGeneration\":4}",
        StatusInterpreter.reflectDeploymentStatus(member).toString());
    assertNull(
        StatusInterpreter.reflectDeploymentStatus(
            Yaml.node("{kind: Deployment, metadata: {name: x}}")));
  }
}
