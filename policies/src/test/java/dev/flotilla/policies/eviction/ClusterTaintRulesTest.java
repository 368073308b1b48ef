package dev.flotilla.policies.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterTaintRulesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String NOT_READY_POLICY =
      "spec:\n"
          + "  addOnConditions: [{conditionType: Ready, operator: NotIn, statusValues: ['True']}]\n"
          + "  removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ['True']}]\n"
          + "  taints: [{key: fail, effect: NoExecute}]\n";

  private static String cluster(String ready, String taints) {
    return "metadata: {name: m1, labels: {env: prod}}\nspec: {taints: "
        + taints
        + "}\nstatus: {conditions: [{type: Ready, status: '"
        + ready
        + "'}]}";
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("NotIn adds", cluster("False", "[]"), NOT_READY_POLICY, "fail:NoExecute"),
        Arguments.of(
            "Unknown is not True either",
            cluster("Unknown", "[]"),
            NOT_READY_POLICY,
            "fail:NoExecute"),
        Arguments.of(
            "In removes",
            cluster("True", "[{key: fail, effect: NoExecute}, {key: x, effect: NoSchedule}]"),
            NOT_READY_POLICY,
            "x:NoSchedule"),
        Arguments.of(
            "present once, compared by key and effect",
            cluster("False", "[{key: fail, value: old, effect: NoExecute}]"),
            NOT_READY_POLICY,
            "fail=old:NoExecute"),
        Arguments.of(
            "target clusters that do not match are left alone",
            cluster("False", "[]"),
            NOT_READY_POLICY + "  targetClusters: {labelSelector: {matchLabels: {env: dev}}}\n",
            ""),
        Arguments.of(
            "no conditions never act",
            cluster("False", "[{key: fail, effect: NoExecute}]"),
            "spec: {taints: [{key: fail, effect: NoExecute}]}",
            "fail:NoExecute"),
        Arguments.of(
            "conditions are ANDed; a missing type does not match",
            cluster("False", "[]"),
            "spec:\n  addOnConditions: [{conditionType: Ready, operator: In, statusValues: ['False']},"
                + " {conditionType: Other, operator: NotIn, statusValues: ['True']}]\n"
                + "  taints: [{key: fail, effect: NoExecute}]\n",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(String name, String cluster, String policy, String expected) {
    List<String> got = new ArrayList<>();
    for (JsonNode t :
        ClusterTaintRules.apply(Yaml.node(cluster), List.of(Yaml.node(policy)), NOW)) {
      String value = t.path("value").asText("");
      got.add(
          t.path("key").asText()
              + (value.isEmpty() ? "" : "=" + value)
              + ":"
              + t.path("effect").asText());
    }
    assertEquals(expected, String.join(",", got));
  }
}
