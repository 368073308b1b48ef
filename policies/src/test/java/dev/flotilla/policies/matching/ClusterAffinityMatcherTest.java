package dev.flotilla.policies.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterAffinityMatcherTest {

  private static final JsonNode MEMBER1 =
      Yaml.node(
          """
            metadata: {name: member1, labels: {env: prod, location: eu}}
            spec: {provider: aws, region: eu-west-1, zones: [eu-west-1a, eu-west-1b]}
            """);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("absent affinity matches", "", true),
        Arguments.of("empty affinity matches", "{}", true),
        Arguments.of("clusterNames hit", "clusterNames: [member1, member2]", true),
        Arguments.of("clusterNames miss", "clusterNames: [member2]", false),
        Arguments.of(
            "exclude wins over clusterNames",
            "{clusterNames: [member1], exclude: [member1]}",
            false),
        Arguments.of("labelSelector hit", "labelSelector: {matchLabels: {env: prod}}", true),
        Arguments.of("labelSelector miss", "labelSelector: {matchLabels: {env: dev}}", false),
        Arguments.of(
            "provider In",
            "fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [aws]}]}",
            true),
        Arguments.of(
            "provider NotIn",
            "fieldSelector: {matchExpressions: [{key: provider, operator: NotIn, values: [aws]}]}",
            false),
        Arguments.of(
            "region In miss",
            "fieldSelector: {matchExpressions: [{key: region, operator: In, values: [us-east-1]}]}",
            false),
        Arguments.of(
            "zone In overlaps",
            "fieldSelector: {matchExpressions: [{key: zone, operator: In, values: [eu-west-1b, x]}]}",
            true),
        Arguments.of(
            "zone NotIn overlaps",
            "fieldSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [eu-west-1a]}]}",
            false),
        Arguments.of(
            "zone Exists",
            "fieldSelector: {matchExpressions: [{key: zone, operator: Exists}]}",
            true),
        Arguments.of(
            "all parts must hold",
            "{clusterNames: [member1], labelSelector: {matchLabels: {env: prod}}, "
                + "fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [gcp]}]}}",
            false),
        Arguments.of(
            "malformed field selector matches nothing",
            "fieldSelector: {matchExpressions: [{key: region, operator: In}]}",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matches(String name, String affinity, boolean expected) {
    assertEquals(expected, ClusterAffinityMatcher.matches(MEMBER1, Yaml.node(affinity)));
  }
}
