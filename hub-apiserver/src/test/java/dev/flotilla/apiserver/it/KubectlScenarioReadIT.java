package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Background;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The second half of the kubectl fidelity scenario of issue 3 (see {@link KubectlScenario}): get
 * (default columns, wide, labels, jsonpath, watch) with scale, describe, explain, wait for a
 * condition and for deletion, server dry-run, foreground deletion, api-resources and api-versions.
 */
class KubectlScenarioReadIT extends KubectlScenario {
  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void getColumnsFormatsAndWatchWithScale(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            named(DEPLOYMENT, "shown")
                + "---\n"
                + named(SERVICE, "shown")
                + "---\n"
                + named(POLICY, "shown"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();

    Result get = kubectl.run("-n", ns, "get", "deploy", "shown").assertOk();
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), header(get));
    assertTrue(lines(get).get(1).matches("shown\\s+0/2\\s+0\\s+0\\s+\\S+"), get.toString());
    Result wide = kubectl.run("-n", ns, "get", "deploy", "shown", "-o", "wide").assertOk();
    assertEquals(
        List.of(
            "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        header(wide));
    assertTrue(
        lines(wide).get(1).contains("web,sidecar   nginx:1.25,busybox:1.36   app=shown"),
        wide.toString());
    Result labels = kubectl.run("-n", ns, "get", "deploy", "shown", "--show-labels").assertOk();
    assertTrue(lines(labels).get(1).endsWith("app=shown,tier=front"), labels.toString());
    assertEquals(
        "2 nginx:1.25",
        kubectl
            .run(
                "-n",
                ns,
                "get",
                "deploy",
                "shown",
                "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
            .assertOk()
            .stdout());

    Result svc = kubectl.run("-n", ns, "get", "svc", "shown").assertOk();
    assertEquals(
        List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), header(svc));
    assertTrue(
        lines(svc)
            .get(1)
            .matches("shown\\s+ClusterIP\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+\\S+"),
        "a real cluster allocates a cluster IP and defaults the protocol: " + svc);
    Result pp = kubectl.run("-n", ns, "get", "pp", "shown").assertOk();
    assertEquals(List.of("NAME", "CONFLICT-RESOLUTION", "PRIORITY", "AGE"), header(pp));
    assertTrue(lines(pp).get(1).matches("shown\\s+Abort\\s+0\\s+\\S+"), pp.toString());

    // get -w sees the scale: a second row with the new desired count.
    try (Background watch =
        kubectl.background("-n", ns, "get", "deploy", "shown", "-w", "--output-watch-events")) {
      watch.awaitStdout(out -> out.contains("0/2"), WAIT, "the current deployment");
      assertEquals(
          "deployment.apps/shown scaled\n",
          kubectl.run("-n", ns, "scale", "deploy", "shown", "--replicas=5").assertOk().stdout());
      watch.awaitStdout(
          out -> Pattern.compile("(?m)^MODIFIED\\s+shown\\s+0/5\\s").matcher(out).find(),
          WAIT,
          "the scaled deployment");
    }
    assertEquals(5, deployment(ns, "shown").at("/spec/replicas").asInt());
    Result stale =
        kubectl
            .run("-n", ns, "scale", "deploy", "shown", "--current-replicas=2", "--replicas=3")
            .assertFails();
    assertTrue(stale.stderr().contains("Expected replicas to be 2, was 5"), stale.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void describeBuiltinAndFlotillaKinds(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            named(DEPLOYMENT, "described")
                + "---\n"
                + named(SERVICE, "described")
                + "---\n"
                + named(POLICY, "described"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    String deploy = kubectl.run("-n", ns, "describe", "deploy", "described").assertOk().stdout();
    assertField(deploy, "Namespace", ns);
    assertField(
        deploy, "Replicas", "2 desired | 0 updated | 0 total | 0 available | 0 unavailable");
    assertField(deploy, "StrategyType", "RollingUpdate");
    assertField(deploy, "RollingUpdateStrategy", "25% max unavailable, 25% max surge");
    assertField(deploy, "Image", "nginx:1.25");
    assertField(deploy, "MODE", "blue");
    String svc = kubectl.run("-n", ns, "describe", "svc", "described").assertOk().stdout();
    assertField(svc, "Type", "ClusterIP");
    assertField(svc, "IP Families", "IPv4");
    assertField(svc, "Port", "http  80/TCP");
    assertField(svc, "TargetPort", "8080/TCP");
    assertField(svc, "Session Affinity", "None");
    String pp = kubectl.run("-n", ns, "describe", "pp", "described").assertOk().stdout();
    assertField(pp, "Kind", "PropagationPolicy");
    assertField(pp, "Conflict Resolution", "Abort");
    assertTrue(pp.contains("Cluster Names:"), pp);
    assertTrue(pp.contains("Events:"), pp);
  }

  /** Asserts a line {@code key: value} of describe output, whatever the padding. */
  private static void assertField(String describe, String key, String value) {
    assertTrue(
        Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":\\s+" + Pattern.quote(value) + "\\s*$")
            .matcher(describe)
            .find(),
        "expected \"" + key + ": " + value + "\" in:\n" + describe);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void explainBuiltinAndFlotillaFields(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String replicas = kubectl.run("explain", "deployment.spec.replicas").assertOk().stdout();
    assertTrue(replicas.contains("KIND:       Deployment"), replicas);
    assertTrue(replicas.contains("FIELD: replicas <integer>"), replicas);

    String placement =
        kubectl.run("explain", "propagationpolicy.spec.placement").assertOk().stdout();
    assertTrue(placement.contains("GROUP:      policy.karmada.io"), placement);
    assertTrue(placement.contains("FIELD: placement <Object>"), placement);
    assertTrue(
        placement.contains("Which member clusters receive the selected resources"), placement);
    assertTrue(placement.contains("clusterAffinity\t<Object>"), placement);
    assertTrue(placement.contains("replicaScheduling\t<Object>"), placement);
    assertFalse(placement.contains("<empty>"), "every field is described: " + placement);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void waitForAConditionSetWhileWaiting(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceExport\nmetadata:\n"
                + "  name: awaited\n",
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    try (Background wait =
        kubectl.background(
            "-n",
            ns,
            "wait",
            "--for=condition=Valid",
            "serviceexport/awaited",
            "--timeout=30s",
            "-v=6")) {
      // -v=6 logs each response: once the watch is open, the condition is not yet true.
      wait.awaitStderr(err -> err.contains("watch=true"), WAIT, "an open watch");
      client
          .genericKubernetesResources("multicluster.x-k8s.io/v1alpha1", "ServiceExport")
          .inNamespace(ns)
          .withName("awaited")
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"conditions\":[{\"type\":\"Valid\",\"status\":\"True\","
                  + "\"reason\":\"ServiceFound\",\"message\":\"the service exists\","
                  + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
      Result done = wait.awaitExit(WAIT);
      assertEquals(0, done.exitCode(), done.toString());
      assertEquals("serviceexport.multicluster.x-k8s.io/awaited condition met\n", done.stdout());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void waitForDeleteUntilTheFinalizerIsRemoved(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    String doomed =
        named(OVERRIDE, "doomed")
            .replace("  name: doomed\n", "  name: doomed\n  finalizers: [flotilla.dev/test]\n");
    kubectl.runWithInput(doomed, "-n", ns, "apply", "-f", "-").assertOk();
    kubectl.run("-n", ns, "delete", "op", "doomed", "--wait=false").assertOk();
    assertTrue(
        policyIn("overridepolicies", ns, "doomed")
            .orElseThrow()
            .at("/metadata")
            .has("deletionTimestamp"));
    try (Background wait =
        kubectl.background(
            "-n", ns, "wait", "--for=delete", "op/doomed", "--timeout=30s", "-v=6")) {
      wait.awaitStderr(err -> err.contains("watch=true"), WAIT, "an open watch");
      kubectl
          .run(
              "-n",
              ns,
              "patch",
              "op",
              "doomed",
              "--type=json",
              "-p",
              "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]")
          .assertOk();
      Result done = wait.awaitExit(WAIT);
      assertEquals(0, done.exitCode(), done.toString());
      assertEquals("overridepolicy.policy.karmada.io/doomed condition met\n", done.stdout());
    }
    assertTrue(policyIn("overridepolicies", ns, "doomed").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void serverDryRunStoresNothing(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    Result r =
        kubectl
            .runWithInput(
                configMap("dry", "k", "v") + "---\n" + named(POLICY, "dry"),
                "-n",
                ns,
                "create",
                "--dry-run=server",
                "-f",
                "-")
            .assertOk();
    assertEquals(
        List.of(
            "configmap/dry created (server dry run)",
            "propagationpolicy.policy.karmada.io/dry created (server dry run)"),
        lines(r));
    assertTrue(configMapIn(ns, "dry").isEmpty());
    assertTrue(policyIn("propagationpolicies", ns, "dry").isEmpty());
    Result srv =
        kubectl
            .runWithInput(
                named(SERVICE, "dry"),
                "-n",
                ns,
                "create",
                "--dry-run=server",
                "-f",
                "-",
                "-o",
                "json")
            .assertOk();
    assertTrue(srv.stdout().contains("\"clusterIP\": \"10."), "dry run shows defaults: " + srv);
    assertTrue(stored(hub, "", "v1", "services", ns, "dry").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void foregroundDeleteTakesTheDependentAlong(Binary binary) throws Exception {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl.runWithInput(named(DEPLOYMENT, "owner"), "-n", ns, "apply", "-f", "-").assertOk();
    String uid = deployment(ns, "owner").at("/metadata/uid").asText();
    kubectl
        .runWithInput(
            configMap("owned-config", "k", "v")
                .replace(
                    "  name: owned-config\n",
                    "  name: owned-config\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment,"
                        + " name: owner, uid: "
                        + uid
                        + ", blockOwnerDeletion: true}\n"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    assertEquals(
        "deployment.apps \"owner\" deleted\n",
        kubectl
            .run("-n", ns, "delete", "deploy", "owner", "--cascade=foreground")
            .assertOk()
            .stdout());
    assertTrue(stored(hub, "apps", "v1", "deployments", ns, "owner").isEmpty(), "owner gone");
    assertTrue(configMapIn(ns, "owned-config").isEmpty(), "dependent gone");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void apiResourcesAndVersions(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    List<String> resources = lines(kubectl.run("api-resources", "-o", "name").assertOk());
    for (String r :
        List.of(
            "deployments.apps",
            "configmaps",
            "services",
            "propagationpolicies.policy.karmada.io",
            "overridepolicies.policy.karmada.io",
            "serviceexports.multicluster.x-k8s.io",
            "serviceimports.multicluster.x-k8s.io")) {
      assertTrue(resources.contains(r), r + " missing from " + resources);
    }
    List<String> versions = lines(kubectl.run("api-versions").assertOk());
    for (String gv :
        List.of("v1", "apps/v1", "policy.karmada.io/v1alpha1", "multicluster.x-k8s.io/v1alpha1")) {
      assertTrue(versions.contains(gv), gv + " missing from " + versions);
    }
  }
}
