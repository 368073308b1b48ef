package dev.flotilla.policies.dependencies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodDependenciesTest {
  private static final String DEPLOY =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {namespace: ns, name: web}\n"
          + "spec:\n  template:\n    spec:\n";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing referenced", DEPLOY + "      containers: [{name: c, image: i}]", ""),
        Arguments.of(
            "volumes of every kind",
            DEPLOY
                + "      volumes:\n"
                + "      - {name: a, configMap: {name: cm1}}\n"
                + "      - {name: b, secret: {secretName: s1}}\n"
                + "      - {name: c, persistentVolumeClaim: {claimName: data}}\n"
                + "      - name: d\n"
                + "        projected: {sources: [{configMap: {name: cm2}}, {secret: {name: s2}}]}\n"
                + "      - {name: e, csi: {driver: x, nodePublishSecretRef: {name: s3}}}\n",
            "ConfigMap/cm1 ConfigMap/cm2 Secret/s1 Secret/s2 Secret/s3"
                + " PersistentVolumeClaim/data"),
        Arguments.of(
            "env, envFrom in every container list, pull secrets, service account",
            DEPLOY
                + "      serviceAccountName: robot\n"
                + "      imagePullSecrets: [{name: pull}]\n"
                + "      initContainers:\n"
                + "      - name: i\n"
                + "        envFrom: [{configMapRef: {name: init-cm}}]\n"
                + "      containers:\n"
                + "      - name: c\n"
                + "        envFrom: [{secretRef: {name: env-secret}}]\n"
                + "        env:\n"
                + "        - {name: A, valueFrom: {configMapKeyRef: {name: key-cm, key: k}}}\n"
                + "        - {name: B, valueFrom: {secretKeyRef: {name: key-secret, key: k}}}\n"
                + "        - {name: C, value: plain}\n",
            "ConfigMap/init-cm ConfigMap/key-cm Secret/env-secret Secret/key-secret Secret/pull"
                + " ServiceAccount/robot"),
        Arguments.of(
            "the default service account stays behind; duplicates count once",
            DEPLOY
                + "      serviceAccountName: default\n"
                + "      volumes: [{name: a, configMap: {name: cm}}, {name: b, configMap: {name: cm}}]",
            "ConfigMap/cm"),
        Arguments.of(
            "the control plane's kube-root-ca.crt stays behind: each member has its own",
            DEPLOY
                + "      volumes:\n"
                + "      - name: api\n"
                + "        projected: {sources: [{configMap: {name: kube-root-ca.crt}}]}\n"
                + "      - {name: b, configMap: {name: cm}}\n",
            "ConfigMap/cm"),
        Arguments.of(
            "StatefulSet claim templates are not dependencies",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {namespace: ns, name: db}\n"
                + "spec:\n  volumeClaimTemplates: [{metadata: {name: data}}]\n"
                + "  template:\n    spec:\n      volumes:\n"
                + "      - {name: data, persistentVolumeClaim: {claimName: data}}\n"
                + "      - {name: other, persistentVolumeClaim: {claimName: shared}}\n",
            "PersistentVolumeClaim/shared"),
        Arguments.of(
            "CronJob reads its job template",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {namespace: ns, name: nightly}\n"
                + "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                + "          volumes: [{name: a, secret: {secretName: creds}}]\n",
            "Secret/creds"),
        Arguments.of(
            "a Pod",
            "apiVersion: v1\nkind: Pod\nmetadata: {namespace: ns, name: p}\n"
                + "spec: {volumes: [{name: a, configMap: {name: cm}}]}",
            "ConfigMap/cm"),
        Arguments.of(
            "kinds without a pod template have none",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: ns, name: cm}\n"
                + "data: {volumes: x}",
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void dependencies(String name, String yaml, String expected) {
    List<DependentObject> deps = PodDependencies.of(Yaml.node(yaml));
    StringBuilder got = new StringBuilder();
    for (DependentObject d : deps) {
      assertEquals("ns", d.namespace());
      assertEquals("v1", d.apiVersion());
      got.append(got.isEmpty() ? "" : " ").append(d.kind()).append('/').append(d.name());
    }
    assertEquals(expected, got.toString());
  }
}
