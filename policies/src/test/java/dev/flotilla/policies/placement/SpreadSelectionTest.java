package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpreadSelectionTest {

  private static final String DIVIDED =
      "replicaScheduling: {replicaSchedulingType: Divided, "
          + "replicaDivisionPreference: Weighted, weightPreference: {dynamicWeight: AvailableReplicas}}";

  /** name:region:score:available */
  static List<Candidate> candidates(String... specs) {
    List<Candidate> out = new ArrayList<>();
    for (String spec : specs) {
      String[] p = spec.split(":");
      JsonNode cluster =
          Yaml.node("{metadata: {name: " + p[0] + "}, spec: {region: " + p[1] + "}}");
      int available = Integer.parseInt(p[3]);
      out.add(new Candidate(p[0], cluster, Long.parseLong(p[2]), 0, available, available));
    }
    out.sort(Candidate.ORDER);
    return out;
  }

  static Stream<Arguments> cases() {
    List<Candidate> pool =
        candidates("m1:eu:100:40", "m2:eu:0:30", "m3:us:0:60", "m4:us:0:10", "m5:ap:0:5");
    return Stream.of(
        Arguments.of("no constraints keeps all", "{}", pool, 10, "m1 m3 m2 m4 m5"),
        Arguments.of(
            "duplicated takes the best scored",
            "{spreadConstraints: [{spreadByField: cluster, maxGroups: 2}]}",
            pool,
            80,
            "m1 m3"),
        Arguments.of(
            "divided swaps in capacity",
            "{"
                + DIVIDED
                + ", spreadConstraints: [{spreadByField: cluster, maxGroups: 2, minGroups: 1}]}",
            pool,
            100,
            "m1 m3"),
        Arguments.of(
            "divided replaces the lowest score",
            "{"
                + DIVIDED
                + ", spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 1}]}",
            pool,
            50,
            "m3"),
        Arguments.of(
            "static weights ignore spread",
            "{replicaScheduling: {replicaSchedulingType: Divided, "
                + "replicaDivisionPreference: Weighted}, spreadConstraints: [{spreadByField: cluster, maxGroups: 1}]}",
            pool,
            5,
            "m1 m3 m2 m4 m5"),
        Arguments.of(
            "two regions then fill up to the cluster maximum",
            "{spreadConstraints: ["
                + "{spreadByField: region, minGroups: 2, maxGroups: 2}, {spreadByField: cluster, minGroups: 2, maxGroups: 3}]}",
            pool,
            10,
            "m1 m3 m2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void select(String name, String placement, List<Candidate> pool, int replicas, String expected)
      throws SchedulingException {
    List<Candidate> chosen =
        SpreadSelection.select(Placements.withDefaults(Yaml.node(placement)), pool, replicas);
    assertEquals(expected, String.join(" ", chosen.stream().map(Candidate::name).toList()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failures(String name, String placement, int replicas, String message) {
    List<Candidate> pool = candidates("m1:eu:0:10", "m2:eu:0:10");
    SchedulingException e =
        assertThrows(
            SchedulingException.class,
            () ->
                SpreadSelection.select(
                    Placements.withDefaults(Yaml.node(placement)), pool, replicas));
    assertEquals(message, e.getMessage());
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            "too few clusters",
            "{spreadConstraints: [{spreadByField: cluster, minGroups: 3}]}",
            1,
            "the number of feasible clusters is less than spreadConstraint.MinGroups"),
        Arguments.of(
            "too little capacity",
            "{" + DIVIDED + ", spreadConstraints: [{spreadByField: cluster, maxGroups: 2}]}",
            50,
            "no enough resource when selecting 2 clusters"),
        Arguments.of(
            "too few regions",
            "{spreadConstraints: [{spreadByField: region, minGroups: 2}, "
                + "{spreadByField: cluster, minGroups: 2}]}",
            1,
            "the number of feasible region is less than spreadConstraint.MinGroups"),
        Arguments.of(
            "label spread cannot select",
            "{spreadConstraints: [{spreadByLabel: team}]}",
            1,
            "just support cluster and region spread constraint"));
  }
}
