package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandArgsOverriderTest {

  private static final JsonNode POD =
      Yaml.node(
          """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - {name: app, image: nginx, command: [nginx, -g, daemon off;]}
              - {name: sidecar, image: envoy}
            """);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "add appends",
            "command",
            "{containerName: app, operator: add, value: [-v]}",
            "/spec/containers/0/command",
            "[\"nginx\",\"-g\",\"daemon off;\",\"-v\"]"),
        Arguments.of(
            "remove drops every occurrence",
            "command",
            "{containerName: app, operator: remove, value: [-g, nginx]}",
            "/spec/containers/0/command",
            "[\"daemon off;\"]"),
        Arguments.of(
            "add creates the list",
            "args",
            "{containerName: sidecar, operator: add, value: [--log, debug]}",
            "/spec/containers/1/args",
            "[\"--log\",\"debug\"]"),
        Arguments.of(
            "remove on an absent list creates it empty",
            "args",
            "{containerName: sidecar, operator: remove, value: [x]}",
            "/spec/containers/1/args",
            "[]"),
        Arguments.of(
            "other containers untouched",
            "command",
            "{containerName: nobody, operator: add, value: [-v]}",
            "/spec/containers/0/command",
            "[\"nginx\",\"-g\",\"daemon off;\"]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(String name, String field, String overrider, String pointer, String expected) {
    JsonNode result = CommandArgsOverrider.apply(POD.deepCopy(), Yaml.node(overrider), field);
    assertEquals(expected, result.at(pointer).toString());
  }
}
