package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterAffinityTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no affinity", "{}", "{}", true),
        Arguments.of(
            "clusterAffinity selects", "{clusterAffinity: {clusterNames: [member1]}}", "{}", true),
        Arguments.of(
            "clusterAffinity rejects", "{clusterAffinity: {clusterNames: [member2]}}", "{}", false),
        Arguments.of(
            "first term of clusterAffinities",
            "{clusterAffinities: [{affinityName: a, clusterNames: [member1]}, {affinityName: b, clusterNames: [member2]}]}",
            "{}",
            true),
        Arguments.of(
            "later terms are not consulted",
            "{clusterAffinities: [{affinityName: a, clusterNames: [member2]}, {affinityName: b, clusterNames: [member1]}]}",
            "{}",
            false),
        Arguments.of(
            "overflow admits workloads",
            "{clusterAffinities: [{affinityName: a, clusterNames: [member2], overflowAffinities: [{affinityName: o, clusterNames: [member1]}]}]}",
            "{replicas: 3}",
            true),
        Arguments.of(
            "overflow ignored for non-workloads",
            "{clusterAffinities: [{affinityName: a, clusterNames: [member2], overflowAffinities: [{affinityName: o, clusterNames: [member1]}]}]}",
            "{}",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, String placement, String spec, boolean schedulable) {
    var cluster = Yaml.node("{metadata: {name: member1}}");
    var result = new ClusterAffinity().filter(Yaml.node(placement), Yaml.node(spec), cluster);
    assertEquals(schedulable, result.schedulable());
    if (!schedulable) {
      assertEquals(
          "cluster(s) did not match the placement cluster affinity constraint", result.message());
    }
  }
}
