package dev.flotilla.policies.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceSelectorsTest {

  private static final JsonNode DEPLOYMENT =
      Yaml.node(
          """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: nginx, namespace: default, labels: {app: nginx}}
            """);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "kind only", "{apiVersion: apps/v1, kind: Deployment}", ImplicitPriority.MATCH_ALL),
        Arguments.of(
            "wrong apiVersion",
            "{apiVersion: apps/v1beta1, kind: Deployment}",
            ImplicitPriority.MISMATCH),
        Arguments.of(
            "wrong kind", "{apiVersion: apps/v1, kind: StatefulSet}", ImplicitPriority.MISMATCH),
        Arguments.of(
            "namespace equal",
            "{apiVersion: apps/v1, kind: Deployment, namespace: default}",
            ImplicitPriority.MATCH_ALL),
        Arguments.of(
            "namespace differs",
            "{apiVersion: apps/v1, kind: Deployment, namespace: other}",
            ImplicitPriority.MISMATCH),
        Arguments.of(
            "name",
            "{apiVersion: apps/v1, kind: Deployment, name: nginx}",
            ImplicitPriority.MATCH_NAME),
        Arguments.of(
            "other name",
            "{apiVersion: apps/v1, kind: Deployment, name: redis}",
            ImplicitPriority.MISMATCH),
        Arguments.of(
            "name wins over a failing label selector",
            "{apiVersion: apps/v1, kind: Deployment, name: nginx, labelSelector: {matchLabels: {app: x}}}",
            ImplicitPriority.MATCH_NAME),
        Arguments.of(
            "label selector",
            "{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: nginx}}}",
            ImplicitPriority.MATCH_LABEL_SELECTOR),
        Arguments.of(
            "label selector miss",
            "{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: redis}}}",
            ImplicitPriority.MISMATCH),
        Arguments.of(
            "empty label selector counts as a label selector",
            "{apiVersion: apps/v1, kind: Deployment, labelSelector: {}}",
            ImplicitPriority.MATCH_LABEL_SELECTOR));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void priority(String name, String selector, ImplicitPriority expected) {
    assertEquals(expected, ResourceSelectors.priority(Yaml.node(selector), DEPLOYMENT));
    assertEquals(
        expected != ImplicitPriority.MISMATCH,
        ResourceSelectors.matches(Yaml.node(selector), DEPLOYMENT));
  }

  @Test
  void highestTakesTheMostSpecificSelector() {
    List<JsonNode> selectors =
        Yaml.list(
            """
                {apiVersion: apps/v1, kind: Deployment}
                ---
                {apiVersion: apps/v1, kind: Deployment, name: nginx}
                ---
                {apiVersion: v1, kind: Service}
                """);
    assertEquals(ImplicitPriority.MATCH_NAME, ResourceSelectors.highest(selectors, DEPLOYMENT));
    assertEquals(ImplicitPriority.MISMATCH, ResourceSelectors.highest(List.of(), DEPLOYMENT));
  }
}
