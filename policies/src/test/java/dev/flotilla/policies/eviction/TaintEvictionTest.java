package dev.flotilla.policies.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintEvictionTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  private static final String UNREACHABLE =
      "{key: cluster.karmada.io/unreachable, effect: NoExecute, timeAdded: '2026-01-01T00:00:00Z'}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no NoExecute taint", "[]", "[]", "never"),
        Arguments.of("untolerated", "[" + UNREACHABLE + "]", "[]", "now"),
        Arguments.of(
            "tolerated forever",
            "[" + UNREACHABLE + "]",
            "[{key: cluster.karmada.io/unreachable, operator: Exists, effect: NoExecute}]",
            "never"),
        Arguments.of(
            "tolerated for longer than it has been there",
            "[" + UNREACHABLE + "]",
            "[{key: cluster.karmada.io/unreachable, operator: Exists, tolerationSeconds: 900}]",
            "PT5M"),
        Arguments.of(
            "toleration ran out",
            "[" + UNREACHABLE + "]",
            "[{key: cluster.karmada.io/unreachable, operator: Exists, tolerationSeconds: 300}]",
            "now"),
        Arguments.of(
            "one of two taints untolerated",
            "[" + UNREACHABLE + ", {key: x, value: y, effect: NoExecute}]",
            "[{key: cluster.karmada.io/unreachable, operator: Exists}]",
            "now"),
        Arguments.of(
            "the earliest limit counts",
            "[" + UNREACHABLE + ", {key: x, effect: NoExecute, timeAdded: '2026-01-01T00:09:00Z'}]",
            "[{key: cluster.karmada.io/unreachable, operator: Exists, tolerationSeconds: 1200},"
                + " {key: x, operator: Exists, tolerationSeconds: 120}]",
            "PT1M"),
        Arguments.of(
            "a wildcard toleration",
            "[" + UNREACHABLE + "]",
            "[{operator: Exists, tolerationSeconds: 660}]",
            "PT1M"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decide(String name, String taints, String tolerations, String expected) {
    List<JsonNode> t = new ArrayList<>();
    Yaml.node(taints).forEach(t::add);
    List<JsonNode> tol = new ArrayList<>();
    Yaml.node(tolerations).forEach(tol::add);
    TaintEviction.Verdict v = TaintEviction.decide(t, tol, NOW);
    String got = v.evict() ? "now" : v.after() == null ? "never" : v.after().toString();
    assertEquals(expected, got);
    if (!v.evict() && v.after() != null) {
      assertEquals(Duration.parse(expected), v.after());
    }
  }

  @ParameterizedTest(name = "NoSchedule taints never evict: {0}")
  @MethodSource("cases")
  void onlyNoExecuteTaintsCount(String name, String taints, String tolerations, String expected) {
    JsonNode cluster =
        Yaml.node("spec: {taints: " + taints.replace("NoExecute", "NoSchedule") + "}");
    assertEquals(List.of(), TaintEviction.noExecuteTaints(cluster));
  }
}
