package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaEstimatorTest {

  private static final String REQUESTS =
      "replicas: 4, replicaRequirements: {resourceRequest: {cpu: 500m, memory: 1Gi}}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("non-workloads are unlimited", "{}", "{}", ReplicaEstimator.UNLIMITED),
        Arguments.of("no summary: as many as asked", "{}", "{replicas: 4}", 4),
        Arguments.of(
            "pods bound",
            "{allocatable: {pods: '10'}, allocated: {pods: '7'}}",
            "{replicas: 4}",
            3),
        Arguments.of(
            "pods exhausted",
            "{allocatable: {pods: '10'}, allocated: {pods: '8'}, allocating: {pods: 2}}",
            "{replicas: 4}",
            0),
        Arguments.of(
            "cpu in millicores",
            "{allocatable: {cpu: '4', memory: 64Gi, pods: '110'}, allocated: {cpu: 2500m}}",
            "{" + REQUESTS + "}",
            3),
        Arguments.of(
            "memory bound",
            "{allocatable: {cpu: '64', memory: 3Gi}, allocated: {memory: 512Mi}}",
            "{" + REQUESTS + "}",
            2),
        Arguments.of(
            "requested resource not reported",
            "{allocatable: {cpu: '64'}}",
            "{" + REQUESTS + "}",
            0),
        Arguments.of(
            "no pods and no requests: unknown", "{allocatable: {cpu: '4'}}", "{replicas: 6}", 6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void available(String name, String summary, String spec, int expected) {
    var cluster = Yaml.node("{metadata: {name: m}, status: {resourceSummary: " + summary + "}}");
    if ("{}".equals(summary)) {
      cluster = Yaml.node("{metadata: {name: m}}");
    }
    assertEquals(expected, ReplicaEstimator.available(cluster, Yaml.node(spec)));
  }
}
