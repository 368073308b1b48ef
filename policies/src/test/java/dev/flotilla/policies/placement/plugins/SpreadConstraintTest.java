package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpreadConstraintTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no constraints", "[]", "{}", ""),
        Arguments.of("cluster needs nothing", "[{spreadByField: cluster, maxGroups: 2}]", "{}", ""),
        Arguments.of(
            "region missing",
            "[{spreadByField: region}]",
            "{}",
            "cluster(s) did not have region property"),
        Arguments.of("region present", "[{spreadByField: region}]", "{region: eu}", ""),
        Arguments.of(
            "provider missing",
            "[{spreadByField: provider}]",
            "{region: eu}",
            "cluster(s) did not have provider property"),
        Arguments.of(
            "zones missing",
            "[{spreadByField: zone}]",
            "{}",
            "cluster(s) did not have zones property"),
        Arguments.of("zones present", "[{spreadByField: zone}]", "{zones: [a]}", ""),
        Arguments.of("label needs nothing", "[{spreadByLabel: team}]", "{}", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, String constraints, String clusterSpec, String reason) {
    var cluster = Yaml.node("{metadata: {name: member1}, spec: " + clusterSpec + "}");
    var result =
        new SpreadConstraint()
            .filter(
                Yaml.node("{spreadConstraints: " + constraints + "}"), Yaml.node("{}"), cluster);
    assertEquals(reason.isEmpty(), result.schedulable());
    assertEquals(reason, result.message());
  }
}
