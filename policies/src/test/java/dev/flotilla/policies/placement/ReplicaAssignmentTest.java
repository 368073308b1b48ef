package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaAssignmentTest {

  private static final String DYNAMIC =
      "{replicaScheduling: {replicaSchedulingType: Divided, "
          + "replicaDivisionPreference: Weighted, weightPreference: {dynamicWeight: AvailableReplicas}}}";
  private static final String AGGREGATED =
      "{replicaScheduling: {replicaSchedulingType: Divided, "
          + "replicaDivisionPreference: Aggregated}}";

  /** name:allocatable; clusters named g* carry the label gpu=true for static weight targets. */
  static List<Candidate> candidates(JsonNode spec, String... specs) {
    List<Candidate> out = new ArrayList<>();
    for (String s : specs) {
      String[] p = s.split(":");
      JsonNode cluster =
          Yaml.node(
              "{metadata: {name: " + p[0] + ", labels: {gpu: '" + p[0].startsWith("g") + "'}}}");
      int allocatable = Integer.parseInt(p[1]);
      out.add(
          new Candidate(
              p[0],
              cluster,
              0,
              0,
              allocatable + Bindings.assignedReplicas(spec, p[0]),
              allocatable));
    }
    out.sort(Candidate.ORDER);
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "duplicated", "{}", "{replicas: 2}", new String[] {"a:0", "b:0"}, false, "a=2 b=2"),
        Arguments.of(
            "static by label, unmatched gets none",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {staticWeightList: [{targetCluster: {labelSelector: {matchLabels: {gpu: 'true'}}}, weight: 3}]}}}""",
            "{replicas: 6}",
            new String[] {"g1:0", "g2:0", "c1:0"},
            false,
            "g1=3 g2=3"),
        Arguments.of(
            "static weight takes the largest matching rule",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {staticWeightList: [{targetCluster: {}, weight: 1},
                            {targetCluster: {clusterNames: [g1]}, weight: 3}]}}}""",
            "{replicas: 8}",
            new String[] {"g1:0", "c1:0"},
            false,
            "c1=2 g1=6"),
        Arguments.of(
            "dynamic, first schedule",
            DYNAMIC,
            "{replicas: 10}",
            new String[] {"a:30", "b:10"},
            false,
            "a=7 b=3"),
        Arguments.of(
            "dynamic, unchanged replicas keep the result",
            DYNAMIC,
            "{replicas: 4, clusters: [{name: a, replicas: 1}, {name: b, replicas: 3}]}",
            new String[] {"a:30", "b:10"},
            false,
            "a=1 b=3"),
        Arguments.of(
            "dynamic, clusters that left are re-placed",
            DYNAMIC,
            "{replicas: 4, clusters: [{name: a, replicas: 2}, {name: gone, replicas: 2}]}",
            new String[] {"a:10", "b:10"},
            false,
            "a=3 b=1"),
        Arguments.of(
            "dynamic, fresh ignores the previous result",
            DYNAMIC,
            "{replicas: 4, clusters: [{name: a, replicas: 4}]}",
            new String[] {"a:0", "b:4"},
            true,
            "a=2 b=2"),
        Arguments.of(
            "aggregated prefers clusters in use when scaling up",
            AGGREGATED,
            "{replicas: 6, clusters: [{name: b, replicas: 2}]}",
            new String[] {"a:100", "b:10"},
            false,
            "b=6"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assign(
      String name, String placement, String spec, String[] clusters, boolean fresh, String expected)
      throws SchedulingException {
    JsonNode bindingSpec = Yaml.node(spec);
    List<TargetCluster> result =
        ReplicaAssignment.assign(
            candidates(bindingSpec, clusters),
            Placements.withDefaults(Yaml.node(placement)),
            bindingSpec,
            fresh,
            false);
    assertEquals(
        expected,
        result.stream()
            .sorted(Comparator.comparing(TargetCluster::name))
            .map(t -> t.name() + "=" + t.replicas())
            .collect(Collectors.joining(" ")));
  }
}
