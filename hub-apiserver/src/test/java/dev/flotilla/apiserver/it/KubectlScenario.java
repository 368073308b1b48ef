package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What both halves of the kubectl fidelity scenario of issue 3 share: one hub per class, a pool of
 * every stock kubectl 1.27 ... 1.33 on this machine (default flags), the manifests (built-in kinds
 * and Flotilla's policy and MCS kinds) and readers of stored objects. The halves are {@link
 * KubectlScenarioEditIT} (writes: apply, server-side apply, diff, patch, edit, label/annotate) and
 * {@link KubectlScenarioReadIT} (get/watch/scale, describe, explain, wait, dry-run, delete,
 * api-resources).
 *
 * <p>Every test runs each step with default flags (no {@code --validate=false}) for every kubectl
 * binary, one namespace per version, each step checked on kubectl's output or the stored object.
 * The tests run one after another: a kubectl run costs about 0.13 s of CPU, so on a busy two-core
 * machine running them concurrently saved little, and surefire then attributed test results to the
 * wrong classes. Keep the number of kubectl runs per test small; check stored objects directly
 * where kubectl's output is not the point.
 */
abstract class KubectlScenario {
  static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final ObjectMapper JSON = new ObjectMapper();

  static TestHub hub;
  static KubectlRunner.Pool pool;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    hub = TestHub.start();
    pool = new KubectlRunner.Pool(hub.kubeconfig(), "ks");
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  // ---- manifests ----

  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: NAME
        labels: {app: NAME, tier: front}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: NAME}
        template:
          metadata:
            labels: {app: NAME}
          spec:
            containers:
            - name: web
              image: nginx:1.25
              env:
              - {name: MODE, value: blue}
              - {name: DEBUG, value: "1"}
            - name: sidecar
              image: busybox:1.36
      """;

  static final String POLICY =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: PropagationPolicy
      metadata:
        name: NAME
        labels: {team: core}
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: web
        placement:
          clusterAffinity:
            clusterNames: [member1, member2]
        dependentOverrides: [web-override]
      """;

  static final String OVERRIDE =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: OverridePolicy
      metadata:
        name: NAME
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: web
        overrideRules:
          - targetCluster:
              clusterNames: [member1]
            overriders:
              labelsOverrider:
                - operator: add
                  value: {flavour: vanilla}
      """;

  static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: NAME
        labels: {app: NAME}
      spec:
        selector: {app: NAME}
        ports:
        - {name: http, port: 80, targetPort: 8080}
      """;

  static final String SERVICE_IMPORT =
      """
      apiVersion: multicluster.x-k8s.io/v1alpha1
      kind: ServiceImport
      metadata:
        name: NAME
      spec:
        type: ClusterSetIP
        ips: [10.42.0.7]
        ports:
        - {name: http, port: 80, protocol: TCP}
      """;

  static String named(String manifest, String name) {
    return manifest.replace("NAME", name);
  }

  static String configMap(String name, String key, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\ndata:\n  "
        + key
        + ": "
        + value
        + "\n";
  }

  // ---- stored objects ----

  static ObjectNode deployment(String ns, String name) {
    return present(stored(hub, "apps", "v1", "deployments", ns, name), "deployment " + name);
  }

  static Optional<ObjectNode> configMapIn(String ns, String name) {
    return stored(hub, "", "v1", "configmaps", ns, name);
  }

  static Optional<ObjectNode> policyIn(String plural, String ns, String name) {
    return stored(hub, "policy.karmada.io", "v1alpha1", plural, ns, name);
  }

  static ObjectNode present(Optional<ObjectNode> obj, String what) {
    return obj.orElseThrow(() -> new AssertionError(what + " is not stored"));
  }

  static List<String> lines(Result r) {
    return r.stdout().lines().toList();
  }

  /** The header row of a table, its columns split on runs of spaces. */
  static List<String> header(Result r) {
    return List.of(lines(r).get(0).trim().split("\\s{2,}"));
  }
}
