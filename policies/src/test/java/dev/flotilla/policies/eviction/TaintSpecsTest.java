package dev.flotilla.policies.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintSpecsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "add with value", "[]", "dedicated=gpu:NoSchedule", false, "dedicated=gpu:NoSchedule"),
        Arguments.of(
            "add without value", "[]", "maintenance:NoExecute", false, "maintenance:NoExecute"),
        Arguments.of(
            "same taint again is a no-op",
            "[{key: a, value: b, effect: NoSchedule}]",
            "a=b:NoSchedule",
            false,
            "a=b:NoSchedule"),
        Arguments.of(
            "another value needs overwrite",
            "[{key: a, value: b, effect: NoSchedule}]",
            "a=c:NoSchedule",
            false,
            "error"),
        Arguments.of(
            "overwrite replaces",
            "[{key: a, value: b, effect: NoSchedule}]",
            "a=c:NoSchedule",
            true,
            "a=c:NoSchedule"),
        Arguments.of(
            "another effect is another taint",
            "[{key: a, effect: NoSchedule}]",
            "a:NoExecute",
            false,
            "a:NoSchedule,a:NoExecute"),
        Arguments.of(
            "remove by key and effect",
            "[{key: a, effect: NoSchedule}, {key: a, effect: NoExecute}]",
            "a:NoExecute-",
            false,
            "a:NoSchedule"),
        Arguments.of(
            "remove every effect of a key",
            "[{key: a, effect: NoSchedule}, {key: a, effect: NoExecute}, {key: b, effect: NoSchedule}]",
            "a-",
            false,
            "b:NoSchedule"),
        Arguments.of("removing what is not there", "[]", "a-", false, "error"),
        Arguments.of("unknown effect", "[]", "a:Sometimes", false, "error"),
        Arguments.of("no effect", "[]", "a=b", false, "error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(String name, String taints, String arg, boolean overwrite, String expected) {
    if (expected.equals("error")) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              TaintSpecs.apply(Yaml.node(taints), List.of(TaintSpecs.parse(arg)), overwrite, NOW));
      return;
    }
    List<String> got = new ArrayList<>();
    for (JsonNode t :
        TaintSpecs.apply(Yaml.node(taints), List.of(TaintSpecs.parse(arg)), overwrite, NOW)) {
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
