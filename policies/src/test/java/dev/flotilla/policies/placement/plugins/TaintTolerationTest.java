package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintTolerationTest {

  private static final String NOT_READY = "{key: cluster.karmada.io/not-ready, effect: NoSchedule}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no taints", "[]", "[]", ""),
        Arguments.of(
            "untolerated NoSchedule",
            "[" + NOT_READY + "]",
            "[]",
            "cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}"),
        Arguments.of(
            "value is shown",
            "[{key: dedicated, value: gpu, effect: NoExecute}]",
            "[]",
            "cluster(s) had untolerated taint {dedicated=gpu:NoExecute}"),
        Arguments.of(
            "PreferNoSchedule does not filter", "[{key: a, effect: PreferNoSchedule}]", "[]", ""),
        Arguments.of(
            "Exists toleration",
            "[" + NOT_READY + "]",
            "[{key: cluster.karmada.io/not-ready, operator: Exists}]",
            ""),
        Arguments.of(
            "empty key with Exists tolerates all",
            "[" + NOT_READY + "]",
            "[{operator: Exists}]",
            ""),
        Arguments.of(
            "Equal needs the same value",
            "[{key: dedicated, value: gpu, effect: NoSchedule}]",
            "[{key: dedicated, operator: Equal, value: cpu}]",
            "cluster(s) had untolerated taint {dedicated=gpu:NoSchedule}"),
        Arguments.of(
            "default operator is Equal",
            "[{key: dedicated, value: gpu, effect: NoSchedule}]",
            "[{key: dedicated, value: gpu}]",
            ""),
        Arguments.of(
            "effect must agree",
            "[" + NOT_READY + "]",
            "[{key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute}]",
            "cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, String taints, String tolerations, String reason) {
    var cluster = Yaml.node("{metadata: {name: member1}, spec: {taints: " + taints + "}}");
    var placement = Yaml.node("{clusterTolerations: " + tolerations + "}");
    var result = new TaintToleration().filter(placement, Yaml.node("{}"), cluster);
    assertEquals(reason.isEmpty(), result.schedulable());
    assertEquals(reason, result.message());
  }

  @ParameterizedTest(name = "already scheduled clusters stay: {0}")
  @MethodSource("cases")
  void scheduledClustersStay(String name, String taints, String tolerations, String reason) {
    var cluster = Yaml.node("{metadata: {name: member1}, spec: {taints: " + taints + "}}");
    var spec = Yaml.node("{clusters: [{name: member1}]}");
    assertEquals(true, new TaintToleration().filter(Yaml.node("{}"), spec, cluster).schedulable());
  }
}
