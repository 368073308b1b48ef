package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.policies.Yaml;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OverridePatchTest {

  private static final String DOC = "{\"a\":{\"b\":1},\"list\":[1,2,3],\"k/x\":\"v\"}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "add member",
            "add",
            "/a/c",
            "2",
            "{\"a\":{\"b\":1,\"c\":2},\"list\":[1,2,3],\"k/x\":\"v\"}"),
        Arguments.of(
            "add replaces member",
            "add",
            "/a/b",
            "5",
            "{\"a\":{\"b\":5},\"list\":[1,2,3],\"k/x\":\"v\"}"),
        Arguments.of(
            "add inserts into array",
            "add",
            "/list/1",
            "9",
            "{\"a\":{\"b\":1},\"list\":[1,9,2,3],\"k/x\":\"v\"}"),
        Arguments.of(
            "add appends with -",
            "add",
            "/list/-",
            "4",
            "{\"a\":{\"b\":1},\"list\":[1,2,3,4],\"k/x\":\"v\"}"),
        Arguments.of(
            "replace array element",
            "replace",
            "/list/0",
            "0",
            "{\"a\":{\"b\":1},\"list\":[0,2,3],\"k/x\":\"v\"}"),
        Arguments.of(
            "negative index counts from the end",
            "replace",
            "/list/-1",
            "7",
            "{\"a\":{\"b\":1},\"list\":[1,2,7],\"k/x\":\"v\"}"),
        Arguments.of("remove", "remove", "/a", null, "{\"list\":[1,2,3],\"k/x\":\"v\"}"),
        Arguments.of(
            "escaped slash",
            "replace",
            "/k~1x",
            "\"w\"",
            "{\"a\":{\"b\":1},\"list\":[1,2,3],\"k/x\":\"w\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(String name, String op, String path, String value, String expected) {
    var result =
        OverridePatch.apply(
            Yaml.node(DOC),
            List.of(
                new OverridePatch.Operation(op, path, value == null ? null : Yaml.node(value))));
    assertEquals(expected, result.toString());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("replace missing key", "replace", "/a/x"),
        Arguments.of("remove missing key", "remove", "/nope"),
        Arguments.of("add below a missing parent", "add", "/x/y"),
        Arguments.of("index out of range", "replace", "/list/3"),
        Arguments.of("not an index", "replace", "/list/first"),
        Arguments.of("unsupported op", "move", "/a"),
        Arguments.of("pointer without slash", "add", "a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errors(String name, String op, String path) {
    assertThrows(
        OverrideException.class,
        () ->
            OverridePatch.apply(
                Yaml.node(DOC), List.of(new OverridePatch.Operation(op, path, Yaml.node("1")))));
  }
}
