package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelAnnotationOverriderTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "add new key",
            "{app: web}",
            "{operator: add, value: {env: prod}}",
            "{\"app\":\"web\",\"env\":\"prod\"}"),
        Arguments.of(
            "add overwrites",
            "{app: web}",
            "{operator: add, value: {app: api}}",
            "{\"app\":\"api\"}"),
        Arguments.of(
            "add creates the map", "", "{operator: add, value: {a/b: c}}", "{\"a/b\":\"c\"}"),
        Arguments.of(
            "replace existing only",
            "{app: web}",
            "{operator: replace, value: {app: api, env: prod}}",
            "{\"app\":\"api\"}"),
        Arguments.of(
            "remove existing only",
            "{app: web, env: prod}",
            "{operator: remove, value: {env: '', x: ''}}",
            "{\"app\":\"web\"}"));
  }

  @ParameterizedTest(name = "labels: {0}")
  @MethodSource("cases")
  void labels(String name, String labels, String overrider, String expected) {
    JsonNode object =
        Yaml.node(
            "{kind: ConfigMap, metadata: {name: c"
                + (labels.isEmpty() ? "" : ", labels: " + labels)
                + "}}");
    JsonNode result = LabelAnnotationOverrider.apply(object, Yaml.node(overrider), "labels");
    assertEquals(expected, result.at("/metadata/labels").toString());
  }

  @ParameterizedTest(name = "annotations: {0}")
  @MethodSource("cases")
  void annotations(String name, String annotations, String overrider, String expected) {
    JsonNode object =
        Yaml.node(
            "{kind: ConfigMap, metadata: {name: c"
                + (annotations.isEmpty() ? "" : ", annotations: " + annotations)
                + "}}");
    JsonNode result = LabelAnnotationOverrider.apply(object, Yaml.node(overrider), "annotations");
    assertEquals(expected, result.at("/metadata/annotations").toString());
  }
}
