package dev.flotilla.policies.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorsTest {

  private static final Map<String, String> LABELS =
      Map.of("app", "web", "tier", "frontend", "replicas", "3");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("empty selector selects everything", "{}", true),
        Arguments.of("matchLabels equal", "matchLabels: {app: web}", true),
        Arguments.of("matchLabels differ", "matchLabels: {app: db}", false),
        Arguments.of("matchLabels key absent", "matchLabels: {zone: a}", false),
        Arguments.of(
            "In hit",
            "matchExpressions: [{key: tier, operator: In, values: [backend, frontend]}]",
            true),
        Arguments.of(
            "In miss", "matchExpressions: [{key: tier, operator: In, values: [backend]}]", false),
        Arguments.of(
            "NotIn with absent key",
            "matchExpressions: [{key: zone, operator: NotIn, values: [a]}]",
            true),
        Arguments.of(
            "NotIn hit", "matchExpressions: [{key: app, operator: NotIn, values: [web]}]", false),
        Arguments.of("Exists", "matchExpressions: [{key: app, operator: Exists}]", true),
        Arguments.of("Exists absent", "matchExpressions: [{key: zone, operator: Exists}]", false),
        Arguments.of(
            "DoesNotExist", "matchExpressions: [{key: zone, operator: DoesNotExist}]", true),
        Arguments.of(
            "DoesNotExist present",
            "matchExpressions: [{key: app, operator: DoesNotExist}]",
            false),
        Arguments.of(
            "labels and expressions are ANDed",
            "{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [db]}]}",
            false),
        Arguments.of(
            "In without values is malformed",
            "matchExpressions: [{key: app, operator: In}]",
            false),
        Arguments.of(
            "Exists with values is malformed",
            "matchExpressions: [{key: app, operator: Exists, values: [web]}]",
            false),
        Arguments.of(
            "Gt is not a label selector operator",
            "matchExpressions: [{key: replicas, operator: Gt, values: ['1']}]",
            false),
        Arguments.of(
            "unknown operator",
            "matchExpressions: [{key: app, operator: Like, values: [w]}]",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matches(String name, String selector, boolean expected) {
    assertEquals(expected, LabelSelectors.matches(Yaml.node(selector), LABELS));
  }
}
