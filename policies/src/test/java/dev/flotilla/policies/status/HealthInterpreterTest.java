package dev.flotilla.policies.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthInterpreterTest {

  static Stream<Arguments> cases() {
    String deploy =
        "{apiVersion: apps/v1, kind: Deployment, metadata: {generation: 2}, spec: {replicas: 3}, status: %s}";
    String sts =
        "{apiVersion: apps/v1, kind: StatefulSet, metadata: {generation: 1}, spec: {replicas: 2}, status: %s}";
    String ds = "{apiVersion: apps/v1, kind: DaemonSet, metadata: {generation: 1}, status: %s}";
    String svc = "{apiVersion: v1, kind: Service, spec: {type: %s}, status: %s}";
    return Stream.of(
        Arguments.of(
            "deployment rolled out",
            deploy.formatted("{observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3}"),
            Health.HEALTHY),
        Arguments.of(
            "deployment not observed",
            deploy.formatted("{observedGeneration: 1, updatedReplicas: 3, availableReplicas: 3}"),
            Health.UNHEALTHY),
        Arguments.of(
            "deployment updating",
            deploy.formatted("{observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2}"),
            Health.UNHEALTHY),
        Arguments.of(
            "deployment unavailable",
            deploy.formatted("{observedGeneration: 2, updatedReplicas: 3, availableReplicas: 1}"),
            Health.UNHEALTHY),
        Arguments.of(
            "deployment with a malformed field",
            deploy.formatted("{observedGeneration: two}"),
            Health.UNKNOWN),
        Arguments.of(
            "statefulset ready",
            sts.formatted("{observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2}"),
            Health.HEALTHY),
        Arguments.of(
            "statefulset short",
            sts.formatted("{observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1}"),
            Health.UNHEALTHY),
        Arguments.of(
            "daemonset ready",
            ds.formatted(
                "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3}"),
            Health.HEALTHY),
        Arguments.of(
            "daemonset updating",
            ds.formatted(
                "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 2}"),
            Health.UNHEALTHY),
        Arguments.of(
            "replicaset short",
            "{apiVersion: apps/v1, kind: ReplicaSet, spec: {replicas: 2}, "
                + "status: {availableReplicas: 1}}",
            Health.UNHEALTHY),
        Arguments.of("ClusterIP service", svc.formatted("ClusterIP", "{}"), Health.HEALTHY),
        Arguments.of(
            "load balancer pending",
            svc.formatted("LoadBalancer", "{loadBalancer: {}}"),
            Health.UNHEALTHY),
        Arguments.of(
            "load balancer with ip",
            svc.formatted("LoadBalancer", "{loadBalancer: {ingress: [{ip: 1.2.3.4}]}}"),
            Health.HEALTHY),
        Arguments.of(
            "ingress with hostname",
            "{apiVersion: networking.k8s.io/v1, kind: Ingress, "
                + "status: {loadBalancer: {ingress: [{hostname: lb.example}]}}}",
            Health.HEALTHY),
        Arguments.of(
            "pvc pending",
            "{apiVersion: v1, kind: PersistentVolumeClaim, status: {phase: Pending}}",
            Health.UNHEALTHY),
        Arguments.of(
            "pod running and ready",
            "{apiVersion: v1, kind: Pod, status: {phase: Running, "
                + "conditions: [{type: Ready, status: 'True'}]}}",
            Health.HEALTHY),
        Arguments.of(
            "pod running, not ready",
            "{apiVersion: v1, kind: Pod, status: {phase: Running, "
                + "conditions: [{type: Ready, status: 'False'}]}}",
            Health.UNHEALTHY),
        Arguments.of(
            "pod succeeded",
            "{apiVersion: v1, kind: Pod, status: {phase: Succeeded}}",
            Health.HEALTHY),
        Arguments.of(
            "pdb",
            "{apiVersion: policy/v1, kind: PodDisruptionBudget, "
                + "status: {currentHealthy: 1, desiredHealthy: 2}}",
            Health.UNHEALTHY),
        Arguments.of(
            "job has no health rule",
            "{apiVersion: batch/v1, kind: Job, status: {failed: 3}}",
            Health.HEALTHY),
        Arguments.of(
            "configmap has no health rule", "{apiVersion: v1, kind: ConfigMap}", Health.HEALTHY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void health(String name, String object, Health expected) {
    assertEquals(expected, StatusInterpreter.health(Yaml.node(object)));
  }
}
