package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldOverriderTest {

  private static final JsonNode CONFIG_MAP =
      Yaml.node(
          """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data:
              config.json: '{"db":{"host":"localhost","port":5432},"debug":false}'
              config.yaml: |
                db:
                  port: 5432
                  host: localhost
              plain: text
            """);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "json replace",
            "{fieldPath: /data/config.json, json: [{subPath: /db/host, operator: replace, value: db.prod}]}",
            "/data/config.json",
            "{\"db\":{\"host\":\"db.prod\",\"port\":5432},\"debug\":false}"),
        Arguments.of(
            "json add and remove",
            "{fieldPath: /data/config.json, json: [{subPath: /db/user, operator: add, value: app},"
                + " {subPath: /debug, operator: remove}]}",
            "/data/config.json",
            "{\"db\":{\"host\":\"localhost\",\"port\":5432,\"user\":\"app\"}}"),
        Arguments.of(
            "yaml replace, keys come back sorted",
            "{fieldPath: /data/config.yaml, yaml: [{subPath: /db/port, operator: replace, value: 6432}]}",
            "/data/config.yaml",
            "db:\n  host: localhost\n  port: 6432\n"),
        Arguments.of(
            "nothing to do",
            "{fieldPath: /data/config.json}",
            "/data/config.json",
            "{\"db\":{\"host\":\"localhost\",\"port\":5432},\"debug\":false}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(String name, String overrider, String pointer, String expected) {
    JsonNode result = FieldOverrider.apply(CONFIG_MAP.deepCopy(), Yaml.node(overrider));
    assertEquals(expected, result.at(pointer).asText());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            "missing field",
            "{fieldPath: /data/none, json: [{subPath: /a, operator: add, value: 1}]}"),
        Arguments.of(
            "not a string",
            "{fieldPath: /metadata, json: [{subPath: /a, operator: add, value: 1}]}"),
        Arguments.of(
            "not JSON", "{fieldPath: /data/plain, json: [{subPath: /a, operator: add, value: 1}]}"),
        Arguments.of(
            "patch does not apply",
            "{fieldPath: /data/config.json, json: [{subPath: /x/y, operator: replace, value: 1}]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errors(String name, String overrider) {
    assertThrows(
        OverrideException.class,
        () -> FieldOverrider.apply(CONFIG_MAP.deepCopy(), Yaml.node(overrider)));
  }
}
